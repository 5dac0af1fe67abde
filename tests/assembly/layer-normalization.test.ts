// layer_normalization_forward / _backward against a float64 transcription and against finite
// differences of it; the accumulate flags and the skipped (0) gradient pointers.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/wasm.js';
import { random } from '../reference.js';
import { freeAll, get, loadCore, put } from './core.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });
afterEach(freeAll);

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `at ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i])));
};

/** Float64 forward: y, x̂ and each row's 1/√(σ² + ε). */
function forward64(x: ArrayLike<number>, gamma: ArrayLike<number> | null, beta: ArrayLike<number> | null, rows: number, channels: number, epsilon: number) {
  const y = new Float64Array(rows * channels), xh = new Float64Array(rows * channels), inv = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let c = 0; c < channels; c++) mean += x[r * channels + c];
    mean /= channels;
    let v = 0;
    for (let c = 0; c < channels; c++) v += (x[r * channels + c] - mean) ** 2;
    v /= channels;
    inv[r] = 1 / Math.sqrt(v + epsilon);
    for (let c = 0; c < channels; c++) {
      const i = r * channels + c;
      xh[i] = (x[i] - mean) * inv[r];
      y[i] = (gamma ? gamma[c] : 1) * xh[i] + (beta ? beta[c] : 0);
    }
  }
  return { y, xh, inv };
}

/** Float64 backward, written out from the formula. */
function backward64(dy: ArrayLike<number>, xh: ArrayLike<number>, inv: ArrayLike<number>, gamma: ArrayLike<number> | null, rows: number, channels: number) {
  const dx = new Float64Array(rows * channels), dg = new Float64Array(channels), db = new Float64Array(channels);
  for (let r = 0; r < rows; r++) {
    let md = 0, mdx = 0;
    for (let c = 0; c < channels; c++) {
      const i = r * channels + c, d = dy[i] * (gamma ? gamma[c] : 1);
      md += d / channels;
      mdx += d * xh[i] / channels;
      dg[c] += dy[i] * xh[i];
      db[c] += dy[i];
    }
    for (let c = 0; c < channels; c++) {
      const i = r * channels + c, d = dy[i] * (gamma ? gamma[c] : 1);
      dx[i] = inv[r] * (d - md - xh[i] * mdx);
    }
  }
  return { dx, dg, db };
}

const f32 = (a: ArrayLike<number>) => Float64Array.from(Float32Array.from(a));

describe.each([
  { rows: 5, channels: 4, epsilon: 1e-3, scale: true, center: true },
  { rows: 3, channels: 7, epsilon: 0.01, scale: false, center: true },
  { rows: 2, channels: 3, epsilon: 1e-3, scale: true, center: false },
  { rows: 1, channels: 1, epsilon: 1e-3, scale: true, center: true },
  { rows: 9, channels: 33, epsilon: 1e-5, scale: false, center: false },
])('rows $rows × channels $channels, scale $scale, center $center', ({ rows, channels, epsilon, scale, center }) => {
  const rand = random(rows * 31 + channels);
  const x = f32(Array.from({ length: rows * channels }, () => 3 * rand() - 1));
  const gamma = scale ? f32(Array.from({ length: channels }, () => 0.5 + rand())) : null;
  const beta = center ? f32(Array.from({ length: channels }, () => rand() - 0.5)) : null;
  const dy = f32(Array.from({ length: rows * channels }, () => rand() - 0.5));
  const eps = Math.fround(epsilon);

  function run() {
    const out = put(rows * channels), xh = put(rows * channels), inv = put(rows);
    const g = gamma ? put(gamma) : 0, b = beta ? put(beta) : 0;
    core.layer_normalization_forward(out, xh, inv, put(x), g, b, rows, channels, epsilon);
    return { out, xh, inv, g };
  }

  it('forward matches float64', () => {
    const { out, xh, inv } = run();
    const want = forward64(x, gamma, beta, rows, channels, eps);
    close(get(out, rows * channels), want.y, 1e-5);
    close(get(xh, rows * channels), want.xh, 1e-5);
    close(get(inv, rows), want.inv, 1e-5);
  });

  it('backward matches float64, and finite differences of the float64 forward', () => {
    const { xh, inv, g } = run();
    const dx = put(rows * channels), dg = put(channels), db = put(channels);
    core.layer_normalization_backward(dx, gamma ? dg : 0, beta ? db : 0, put(dy), xh, inv, g, rows, channels, false, false);
    const want64 = forward64(x, gamma, beta, rows, channels, eps);
    const want = backward64(dy, want64.xh, want64.inv, gamma, rows, channels);
    close(get(dx, rows * channels), want.dx, 1e-4);
    if (gamma) close(get(dg, channels), want.dg, 1e-5);
    if (beta) close(get(db, channels), want.db, 1e-5);
    // Finite differences of L = Σ dy·y in float64.
    const loss = (xs: ArrayLike<number>, gs: ArrayLike<number> | null, bs: ArrayLike<number> | null) =>
      forward64(xs, gs, bs, rows, channels, eps).y.reduce((s, v, i) => s + v * dy[i], 0);
    const h = 1e-6;
    const numeric = (values: Float64Array, at: (v: Float64Array) => number) => Array.from(values, (_, i) => {
      const plus = Float64Array.from(values), minus = Float64Array.from(values);
      plus[i] += h; minus[i] -= h;
      return (at(plus) - at(minus)) / (2 * h);
    });
    close(want.dx, numeric(x, (v) => loss(v, gamma, beta)), 1e-6);
    close(get(dx, rows * channels), numeric(x, (v) => loss(v, gamma, beta)), 1e-4);
    if (gamma) close(get(dg, channels), numeric(gamma, (v) => loss(x, v, beta)), 1e-4);
    if (beta) close(get(db, channels), numeric(beta, (v) => loss(x, gamma, v)), 1e-4);
  });

  it('accumulates when asked, and skips the weight gradients at pointer 0 (a frozen layer)', () => {
    const { xh, inv, g } = run();
    const n = rows * channels, dyPtr = put(dy);
    const dx1 = put(n), dg1 = put(channels), db1 = put(channels);
    core.layer_normalization_backward(dx1, dg1, db1, dyPtr, xh, inv, g, rows, channels, false, false);
    const dx = put(new Float32Array(n).fill(1)), dg = put(new Float32Array(channels).fill(2)), db = put(new Float32Array(channels).fill(3));
    core.layer_normalization_backward(dx, dg, db, dyPtr, xh, inv, g, rows, channels, true, true);
    expect(Array.from(get(dx, n))).toEqual(Array.from(get(dx1, n), (v) => Math.fround(v + 1)));
    expect(Array.from(get(dg, channels))).toEqual(Array.from(get(dg1, channels), (v) => Math.fround(v + 2)));
    expect(Array.from(get(db, channels))).toEqual(Array.from(get(db1, channels), (v) => Math.fround(v + 3)));
    // Overwrite without accumulate; frozen: the weight gradients untouched, dx still computed.
    const dg0 = put(new Float32Array(channels).fill(7)), dx0 = put(new Float32Array(n).fill(9));
    core.layer_normalization_backward(dx0, 0, 0, dyPtr, xh, inv, g, rows, channels, false, false);
    expect(Array.from(get(dx0, n))).toEqual(Array.from(get(dx1, n)));
    expect(Array.from(get(dg0, channels))).toEqual(new Array(channels).fill(7));
    // No input gradient (pointer 0): the weight gradients alone.
    const dg2 = put(channels);
    core.layer_normalization_backward(0, dg2, 0, dyPtr, xh, inv, g, rows, channels, false, false);
    expect(Array.from(get(dg2, channels))).toEqual(Array.from(get(dg1, channels)));
  });
});

it('a constant row normalizes to zeros (variance 0: only ε under the root)', () => {
  const channels = 4, out = put(channels), xh = put(channels), inv = put(1);
  core.layer_normalization_forward(out, xh, inv, put([2, 2, 2, 2]), 0, put([0.5, 0.5, 0.5, 0.5]), 1, channels, 1e-3);
  expect(Array.from(get(xh, channels))).toEqual([0, 0, 0, 0]);
  expect(Array.from(get(out, channels))).toEqual([0.5, 0.5, 0.5, 0.5]);
  expect(get(inv, 1)[0]).toBeCloseTo(1 / Math.sqrt(1e-3), 3);
});
