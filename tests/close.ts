// Shared by the parity tests: element-wise closeness with a message naming the values off, and
// seeded uniform data.
import { expect } from 'vitest';
import { random, randomArray } from './reference.js';

/**
 * Every |got − want| ≤ abs + rel·|want|, lengths equal. `what` names the array; a failure lists the
 * first entries off and the worst error as a multiple of its tolerance. TFJS_DIFF_VERBOSE=1 prints
 * that multiple for every comparison (how close each came to its tolerance).
 */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, rel = 1e-4, abs = 1e-6): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  const bad: string[] = [];
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]), allowed = abs + rel * Math.abs(want[i]);
    worst = Math.max(worst, err / allowed);
    if (!(err <= allowed)) bad.push(`[${i}] ${got[i]} vs ${want[i]} (|Δ| ${err.toExponential(2)})`);
  }
  if (process.env.TFJS_DIFF_VERBOSE) console.log(`${what}: worst ${worst.toFixed(3)}× the tolerance`);
  expect(bad.slice(0, 6), `${what}: ${bad.length} of ${want.length} entries differ (worst ${worst.toFixed(2)}× the tolerance)`).toEqual([]);
}

/** `n` values uniform in [lo, hi) from the seeded generator. */
export function uniform(seed: number, n: number, lo = -1, hi = 1): Float32Array {
  return randomArray(n, random(seed), lo, hi);
}

/** `rows` rows of `cols` values uniform in [-1, 1) from the seeded generator, as float64 numbers. */
export function uniformRows(seed: number, rows: number, cols: number): number[][] {
  const rand = random(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rand() * 2 - 1));
}

/** The bits of a float32 array, for exact comparisons (-0 ≠ 0, NaN payloads kept). */
export function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/** The same number of tensors, each bit for bit equal; `what` names them in a failure. */
export function expectBitwise(got: Float32Array[], want: Float32Array[], what: string): void {
  expect(got.length, `${what}: tensor count`).toBe(want.length);
  got.forEach((t, i) => expect(bits(t), `${what}: tensor ${i}`).toEqual(bits(want[i])));
}
