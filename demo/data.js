// The 2-D data sets of the playground, two classes each, as flat Float32Arrays in [-1, 1]².
// A seeded generator, so a data set looks the same on every visit.
function generator(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

const SETS = {
  spiral(rand, i) {
    const k = i % 2, t = (i / 2) / 150 * 3.5, r = 0.1 + t / 4.2;
    const a = t * 1.9 + k * Math.PI;
    return [r * Math.cos(a) + (rand() - 0.5) * 0.06, r * Math.sin(a) + (rand() - 0.5) * 0.06, k];
  },
  moons(rand, i) {
    const k = i % 2, a = rand() * Math.PI;
    const x = k ? 1 - Math.cos(a) : Math.cos(a), y = k ? 0.5 - Math.sin(a) : Math.sin(a);
    return [(x - 0.5) * 0.6 + (rand() - 0.5) * 0.15, (y - 0.25) * 0.8 + (rand() - 0.5) * 0.15, k];
  },
  circles(rand, i) {
    const k = i % 2, a = rand() * 2 * Math.PI, r = (k ? 0.35 : 0.8) + (rand() - 0.5) * 0.15;
    return [r * Math.cos(a), r * Math.sin(a), k];
  },
  xor(rand) {
    const x = rand() * 2 - 1, y = rand() * 2 - 1;
    return [x, y, x * y > 0 ? 0 : 1];
  },
};

export const DATASETS = Object.keys(SETS);

export function makeDataset(name, rows = 300) {
  const rand = generator(7), x = new Float32Array(rows * 2), y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) [x[2 * i], x[2 * i + 1], y[i]] = SETS[name](rand, i);
  return { x, y, rows };
}
