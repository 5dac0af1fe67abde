import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/wasm.js';
import { matmul, random, randomArray, transpose } from '../reference.js';
import { freeAll, get, loadCore, put } from './core.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });
afterEach(freeAll);

// 1×1, primes, sizes that are not multiples of 4 or 8, and sizes that cross the packing blocks
// (KC = 256 deep, MC = 64 rows, NC = 512 columns).
const SIZES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 3], [3, 1, 5], [4, 8, 16], [5, 9, 17], [13, 31, 7], [2, 3, 300],
  [64, 64, 64], [65, 129, 257], [3, 513, 11], [70, 20, 600], [128, 10, 784],
];

function expectClose(actual: Float32Array, expected: ArrayLike<number>, k: number): void {
  const tolerance = 1e-6 * Math.sqrt(k) + 1e-6;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThan(tolerance);
}

describe.each(SIZES)('gemm m=%i n=%i k=%i', (m, n, k) => {
  const rand = random(m * 10007 + n * 101 + k);
  const a = randomArray(m * k, rand);
  const b = randomArray(k * n, rand);
  const c0 = randomArray(m * n, rand);
  const expected = matmul(a, b, m, n, k);

  it('gemm_nn: C = A·B', () => {
    const c = put(c0);
    core.gemm_nn(c, put(a), put(b), m, n, k, false);
    expectClose(get(c, m * n), expected, k);
  });

  it('gemm_nt: C = A·(Bᵀ)ᵀ with B stored transposed', () => {
    const c = put(c0);
    core.gemm_nt(c, put(a), put(transpose(b, k, n)), m, n, k, false);
    expectClose(get(c, m * n), expected, k);
  });

  it('gemm_tn: C = (Aᵀ)ᵀ·B with A stored transposed', () => {
    const c = put(c0);
    core.gemm_tn(c, put(transpose(a, m, k)), put(b), m, n, k, false);
    expectClose(get(c, m * n), expected, k);
  });

  it('gemm_nn_bias: C = A·B + bias on every row', () => {
    const bias = randomArray(n, rand);
    const c = put(c0);
    core.gemm_nn_bias(c, put(a), put(b), put(bias), m, n, k);
    expectClose(get(c, m * n), expected.map((v, i) => v + bias[i % n]), k);
  });

  it('accumulate adds onto C in every form', () => {
    const sum = expected.map((v, i) => v + c0[i]);
    for (const form of ['nn', 'nt', 'tn'] as const) {
      const c = put(c0);
      const pa = put(form === 'tn' ? transpose(a, m, k) : a);
      const pb = put(form === 'nt' ? transpose(b, k, n) : b);
      core[`gemm_${form}`](c, pa, pb, m, n, k, true);
      expectClose(get(c, m * n), sum, k);
    }
  });

  it('gemm_kept: bitwise gemm_nn and gemm_nt, with B packed once by gemm_keep', () => {
    expectKeptSame(a, b, c0, m, n, k);
  });
});

// gemm_kept against gemm_nn / gemm_nt on B stored both ways, overwriting and accumulating, and again on the same keep.
function expectKeptSame(a: Float32Array, b: Float32Array, c0: Float32Array, m: number, n: number, k: number): void {
  const pa = put(a);
  for (const form of ['nn', 'nt'] as const) {
    const pb = put(form === 'nt' ? transpose(b, k, n) : b);
    if (form === 'nn') core.gemm_keep(1, pb, n, 1, n, k);
    else core.gemm_keep(1, pb, 1, k, n, k);
    for (const accumulate of [false, true, true]) {
      const want = put(c0), got = put(c0);
      core[`gemm_${form}`](want, pa, pb, m, n, k, accumulate);
      core.gemm_kept(1, got, n, pa, k, 1, m, accumulate);
      expect(get(got, m * n)).toEqual(get(want, m * n));
    }
  }
}

it('gemm_kept: a B too large to keep packed gives the same products', () => {
  const m = 9, n = 200, k = 300, rand = random(7);
  expectKeptSame(randomArray(m * k, rand), randomArray(k * n, rand), randomArray(m * n, rand), m, n, k);
});

it('writes nothing outside C', () => {
  const m = 5, n = 9, k = 3;
  const guard = put(m * n + 8);
  const c = guard + 16;
  core.gemm_nn(c, put(new Float32Array(m * k).fill(1)), put(new Float32Array(k * n).fill(1)), m, n, k, false);
  const all = get(guard, m * n + 8);
  expect(Array.from(all.subarray(0, 4))).toEqual([0, 0, 0, 0]);
  expect(Array.from(all.subarray(4 + m * n))).toEqual([0, 0, 0, 0]);
  expect(all.subarray(4, 4 + m * n).every((v) => v === 3)).toBe(true);
});

it('k = 0 gives zeros, or leaves C alone when accumulating', () => {
  const c = put([1, 2, 3, 4]);
  core.gemm_nn(c, put(1), put(1), 2, 2, 0, true);
  expect(Array.from(get(c, 4))).toEqual([1, 2, 3, 4]);
  core.gemm_nn(c, put(1), put(1), 2, 2, 0, false);
  expect(Array.from(get(c, 4))).toEqual([0, 0, 0, 0]);
});
