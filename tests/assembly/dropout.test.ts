import { afterEach, beforeAll, expect, it } from 'vitest';
import type { Core } from '../../src/wasm.js';
import { freeAll, get, loadCore, put } from './core.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });
afterEach(freeAll);

it('drops about `rate` of the values, scales the rest by 1/(1 − rate), and backward uses the mask', () => {
  const n = 100_000, rate = 0.3;
  const state = put(4);
  core.rng_seed(state, 7);
  const x = put(new Float32Array(n).fill(2)), a = put(n), mask = put(n);
  core.dropout_forward(a, mask, x, n, rate, state);
  const out = get(a, n);
  const dropped = out.filter((v) => v === 0).length / n;
  expect(dropped).toBeCloseTo(rate, 2);
  expect(out.every((v) => v === 0 || Math.abs(v - 2 / 0.7) < 1e-6)).toBe(true);
  // Inverted dropout keeps the expected value.
  expect(out.reduce((s, v) => s + v, 0) / n).toBeCloseTo(2, 1);
  const dy = put(new Float32Array(n).fill(1)), dx = put(n);
  core.dropout_backward(dx, dy, mask, n, false);
  expect(get(dx, n)).toEqual(get(mask, n));
});

it('the same stream gives the same mask', () => {
  const masks = [1, 2].map(() => {
    const state = put(4), mask = put(64);
    core.rng_seed(state, 3);
    core.dropout_forward(put(64), mask, put(new Float32Array(64).fill(1)), 64, 0.5, state);
    return Array.from(get(mask, 64));
  });
  expect(masks[0]).toEqual(masks[1]);
});
