import { afterEach, beforeAll, expect, it } from 'vitest';
import type { Core } from '../../src/wasm.js';
import { freeAll, loadCore, put } from './core.js';
import { heapF32 } from '../../src/wasm.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });
afterEach(freeAll);

function stats(values: Float32Array): { mean: number; variance: number; min: number; max: number } {
  let sum = 0, sq = 0, min = Infinity, max = -Infinity;
  for (const v of values) { sum += v; sq += v * v; min = Math.min(min, v); max = Math.max(max, v); }
  const mean = sum / values.length;
  return { mean, variance: sq / values.length - mean * mean, min, max };
}

function draw(kind: 'uniform' | 'normal' | 'truncated', seed: number, n = 100_000): Float32Array {
  const state = put(4), out = put(n);
  core.rng_seed(state, seed);
  if (kind === 'uniform') core.rng_uniform(out, n, state, -2, 3);
  else core.rng_normal(out, n, state, 1, 2, kind === 'truncated');
  return heapF32().slice(out >>> 2, (out >>> 2) + n);
}

it('one seed gives one sequence; another seed another', () => {
  expect(draw('normal', 7, 1000)).toEqual(draw('normal', 7, 1000));
  expect(draw('normal', 7, 1000)).not.toEqual(draw('normal', 8, 1000));
});

it('uniform on [-2, 3): mean 0.5, variance 25/12, within bounds', () => {
  const s = stats(draw('uniform', 1));
  expect(s.mean).toBeCloseTo(0.5, 1);
  expect(s.variance).toBeCloseTo(25 / 12, 1);
  expect(s.min).toBeGreaterThanOrEqual(-2);
  expect(s.max).toBeLessThan(3);
});

it('normal(1, 2): mean 1, variance 4, with tails past two standard deviations', () => {
  const s = stats(draw('normal', 2));
  expect(s.mean).toBeCloseTo(1, 1);
  expect(s.variance / 4).toBeCloseTo(1, 1);
  expect(s.max).toBeGreaterThan(1 + 2 * 2);
});

it('truncated normal(1, 2) stays within two standard deviations, variance ≈ 0.774·σ²', () => {
  const s = stats(draw('truncated', 3));
  expect(s.min).toBeGreaterThanOrEqual(1 - 4);
  expect(s.max).toBeLessThanOrEqual(1 + 4);
  // Variance of a standard normal truncated at ±2 is 0.7737.
  expect(s.variance / 4).toBeCloseTo(0.7737, 1);
});

it('shuffle is a seeded permutation', () => {
  const n = 1000;
  const state = put(4), idx = put(n);
  const view = () => new Int32Array(core.memory.buffer, idx, n);
  view().set(Array.from({ length: n }, (_, i) => i));
  core.rng_seed(state, 5);
  core.rng_shuffle(idx, n, state);
  const once = Array.from(view());
  expect([...once].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
  expect(once.filter((v, i) => v === i).length).toBeLessThan(20);
});
