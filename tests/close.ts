// Shared by the parity tests: element-wise closeness with a message naming the first value off,
// and seeded uniform data.
import { expect } from 'vitest';
import { random } from './reference.js';

/** Every |got − want| ≤ abs + rel·|want|, lengths equal; `what` names the array in the failure. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, rel = 1e-4, abs = 1e-6): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - want[i]), `${what}[${i}]: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(abs + rel * Math.abs(want[i]));
}

/** `n` values uniform in [lo, hi) from the seeded generator. */
export function uniform(seed: number, n: number, lo = -1, hi = 1): Float32Array {
  const rand = random(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
}
