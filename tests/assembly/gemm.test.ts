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

  it('gemm_nn_bias_packed and dense_forward_packed: bitwise gemm_nn_bias and dense_forward, with B packed by gemm_pack_b', () => {
    const bias = randomArray(n, rand);
    const pa = put(a), pb = put(b), pbias = put(bias);
    // gemm_pack_b's strips: n rounded up to 8 columns, k deep; a guard after them stays untouched.
    const packedFloats = Math.ceil(n / 8) * 8 * k;
    const panels = put(packedFloats + 4);
    core.gemm_pack_b(panels, pb, n, k);
    expect(Array.from(get(panels + packedFloats * 4, 4))).toEqual([0, 0, 0, 0]);
    const want = put(c0), got = put(c0);
    core.gemm_nn_bias(want, pa, pb, pbias, m, n, k);
    core.gemm_nn_bias_packed(got, pa, pb, panels, pbias, m, n, k);
    expect(get(got, m * n)).toEqual(get(want, m * n));
    const [za, aa, zb, ab] = [0, 1, 2, 3].map(() => put(m * n));
    core.dense_forward(aa, za, pa, pb, pbias, m, k, n, 1, 0); // relu
    core.dense_forward_packed(ab, zb, pa, pb, panels, pbias, m, k, n, 1, 0);
    expect(get(zb, m * n)).toEqual(get(za, m * n));
    expect(get(ab, m * n)).toEqual(get(aa, m * n));
  });
});

it('gemm_nn_bias_packed at a size the threaded build splits between threads: bitwise gemm_nn_bias', () => {
  const m = 64, n = 130, k = 784, rand = random(11);
  const pa = put(randomArray(m * k, rand)), pb = put(randomArray(k * n, rand)), pbias = put(randomArray(n, rand));
  const panels = put(Math.ceil(n / 8) * 8 * k);
  core.gemm_pack_b(panels, pb, n, k);
  const want = put(m * n), got = put(m * n);
  core.gemm_nn_bias(want, pa, pb, pbias, m, n, k);
  core.gemm_nn_bias_packed(got, pa, pb, panels, pbias, m, n, k);
  expect(get(got, m * n)).toEqual(get(want, m * n));
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

// Tiny products (XOR-sized layers) take shortcuts in gemmSmall; each must give the bits of the
// plain loops it replaces.
it('a one-column gemm_tn (a one-unit layer\'s dW) sums each row as the scalar loop: mul, then add, p in order, then bias', () => {
  const rand = random(19);
  for (const [m, k] of [[4, 3], [6, 10], [9, 4], [13, 1]]) {
    const at = randomArray(k * m, rand), b = randomArray(k, rand), c0 = randomArray(m, rand);
    const want = new Float32Array(m), wantAcc = new Float32Array(m);
    for (let i = 0; i < m; i++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum = Math.fround(sum + Math.fround(at[p * m + i] * b[p]));
      want[i] = sum;
      wantAcc[i] = Math.fround(c0[i] + sum);
    }
    const pa = put(at), pb = put(b);
    const c = put(c0);
    core.gemm_tn(c, pa, pb, m, 1, k, false);
    expect(get(c, m)).toEqual(want);
    const acc = put(c0);
    core.gemm_tn(acc, pa, pb, m, 1, k, true);
    expect(get(acc, m)).toEqual(wantAcc);
  }
});

it('tiny products eight columns wide give the bits of the same product four columns at a time', () => {
  const rand = random(23);
  for (const [m, n, k] of [[4, 8, 2], [2, 8, 4], [4, 16, 1], [3, 12, 5]]) {
    const a = randomArray(m * k, rand), b = randomArray(k * n, rand), bias = randomArray(n, rand), c0 = randomArray(m * n, rand);
    const pa = put(a);
    const whole = { nn: put(c0), bias: put(c0), acc: put(c0) };
    const pb = put(b), pbias = put(bias);
    core.gemm_nn(whole.nn, pa, pb, m, n, k, false);
    core.gemm_nn_bias(whole.bias, pa, pb, pbias, m, n, k);
    core.gemm_nn(whole.acc, pa, pb, m, n, k, true);
    // Column blocks of 4 (n = 4 takes the four-column loop), as separate products.
    for (let j = 0; j < n; j += 4) {
      const block = new Float32Array(k * 4), c0Block = new Float32Array(m * 4);
      for (let p = 0; p < k; p++) for (let q = 0; q < 4; q++) block[p * 4 + q] = b[p * n + j + q];
      for (let i = 0; i < m; i++) for (let q = 0; q < 4; q++) c0Block[i * 4 + q] = c0[i * n + j + q];
      const pBlock = put(block), nn = put(4 * m), withBias = put(4 * m), acc = put(c0Block);
      core.gemm_nn(nn, pa, pBlock, m, 4, k, false);
      core.gemm_nn_bias(withBias, pa, pBlock, put(bias.subarray(j, j + 4)), m, 4, k);
      core.gemm_nn(acc, pa, pBlock, m, 4, k, true);
      const columns = (ptr: number) => { const all = get(ptr, m * n); return Float32Array.from({ length: m * 4 }, (_, t) => all[Math.floor(t / 4) * n + j + (t % 4)]); };
      expect(columns(whole.nn)).toEqual(get(nn, m * 4));
      expect(columns(whole.bias)).toEqual(get(withBias, m * 4));
      expect(columns(whole.acc)).toEqual(get(acc, m * 4));
    }
  }
});
