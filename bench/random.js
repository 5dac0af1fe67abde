// Seeded random numbers, so every library and every run sees the same data.

/** A small seeded generator of uniform numbers in [0, 1) (mulberry32). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n uniform numbers in [lo, hi). */
export function uniform(n, lo, hi, seed) {
  const random = mulberry32(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * random());
}
