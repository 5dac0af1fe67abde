// The pooling kernels (assembly/layers/pooling.ts) against a float64 transcription of their
// definition, and their backward passes against finite differences of it (inputs without ties).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/wasm.js';
import { random } from '../reference.js';
import { freeAll, get, loadCore, put } from './core.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });
afterEach(freeAll);

interface Geometry { h: number; w: number; c: number; ph: number; pw: number; sh: number; sw: number; same: boolean }

// Output sizes and the padding before each axis, as TensorFlow computes them.
function layout(g: Geometry) {
  const out = (size: number, pool: number, stride: number) => (g.same ? Math.ceil(size / stride) : Math.floor((size - pool) / stride) + 1);
  const oh = out(g.h, g.ph, g.sh), ow = out(g.w, g.pw, g.sw);
  const top = g.same ? Math.floor(Math.max((oh - 1) * g.sh + g.ph - g.h, 0) / 2) : 0;
  const left = g.same ? Math.floor(Math.max((ow - 1) * g.sw + g.pw - g.w, 0) / 2) : 0;
  return { oh, ow, top, left, inSize: g.h * g.w * g.c, outSize: oh * ow * g.c };
}

// The float64 definition: each window's max (first of equals, with its offset) or valid-input mean.
function transcription(g: Geometry, x: ArrayLike<number>, rows: number, mode: 'max' | 'avg') {
  const { oh, ow, top, left, inSize, outSize } = layout(g);
  const y = new Float64Array(rows * outSize), arg = new Int32Array(rows * outSize);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let k = 0; k < g.c; k++) {
          let best = -Infinity, at = -1, sum = 0, count = 0;
          for (let a = 0; a < g.ph; a++) {
            for (let b = 0; b < g.pw; b++) {
              const yy = i * g.sh - top + a, zz = j * g.sw - left + b;
              if (yy < 0 || yy >= g.h || zz < 0 || zz >= g.w) continue;
              const offset = (yy * g.w + zz) * g.c + k, v = x[r * inSize + offset];
              if (v > best) { best = v; at = offset; }
              sum += v;
              count++;
            }
          }
          const o = r * outSize + (i * ow + j) * g.c + k;
          y[o] = mode === 'max' ? best : sum / count;
          arg[o] = at;
        }
      }
    }
  }
  return { y, arg };
}

const GEOMETRIES: [string, Geometry][] = [
  ['4×4×2, pool 2, stride 2, valid', { h: 4, w: 4, c: 2, ph: 2, pw: 2, sh: 2, sw: 2, same: false }],
  ['5×5×3, pool 2, stride 2, same (padding after)', { h: 5, w: 5, c: 3, ph: 2, pw: 2, sh: 2, sw: 2, same: true }],
  ['5×4×5, pool 3, strides 2×1, same (padding both sides)', { h: 5, w: 4, c: 5, ph: 3, pw: 3, sh: 2, sw: 1, same: true }],
  ['6×5×8, pool 3×2, strides 1×2, valid (overlapping rows)', { h: 6, w: 5, c: 8, ph: 3, pw: 2, sh: 1, sw: 2, same: false }],
  ['1-D: 1×7×4, pool 3, stride 2, same', { h: 1, w: 7, c: 4, ph: 1, pw: 3, sh: 1, sw: 2, same: true }],
  ['global: 3×3×6 as one window', { h: 3, w: 3, c: 6, ph: 3, pw: 3, sh: 3, sw: 3, same: false }],
];
const ROWS = 2;

// Distinct values (no ties), in a shuffled order.
function distinctInput(n: number, seed: number): Float32Array {
  const rand = random(seed);
  const values = Float32Array.from({ length: n }, (_, i) => -1 + (2 * i) / n + 0.25 / n);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values;
}

function forward(g: Geometry, mode: 'max' | 'avg', x: number, output: number, argmax: number): void {
  const { oh, ow, top, left } = layout(g);
  if (mode === 'max') core.max_pooling_forward(output, argmax, x, ROWS, g.h, g.w, g.c, oh, ow, g.ph, g.pw, g.sh, g.sw, top, left);
  else core.average_pooling_forward(output, x, ROWS, g.h, g.w, g.c, oh, ow, g.ph, g.pw, g.sh, g.sw, top, left);
}

function backward(g: Geometry, mode: 'max' | 'avg', dx: number, dy: number, argmax: number, accumulate: boolean): void {
  const { oh, ow, top, left, inSize, outSize } = layout(g);
  if (mode === 'max') core.max_pooling_backward(dx, dy, argmax, ROWS, inSize, outSize, accumulate);
  else core.average_pooling_backward(dx, dy, ROWS, g.h, g.w, g.c, oh, ow, g.ph, g.pw, g.sh, g.sw, top, left, accumulate);
}

describe.each(GEOMETRIES)('%s', (_, g) => {
  const { inSize, outSize } = layout(g);

  it('max_pooling_forward: the float64 max of each window, and where it is', () => {
    const xs = distinctInput(ROWS * inSize, 1);
    const x = put(xs), y = put(ROWS * outSize), arg = put(ROWS * outSize);
    forward(g, 'max', x, y, arg);
    const want = transcription(g, xs, ROWS, 'max');
    expect(Array.from(get(y, ROWS * outSize))).toEqual(Array.from(want.y));
    const argmax = new Int32Array(get(arg, ROWS * outSize).buffer.slice(0));
    expect(Array.from(argmax)).toEqual(Array.from(want.arg));
  });

  it('average_pooling_forward: the float64 mean of each window\'s valid inputs', () => {
    const xs = distinctInput(ROWS * inSize, 2);
    const x = put(xs), y = put(ROWS * outSize);
    forward(g, 'avg', x, y, 0);
    const want = transcription(g, xs, ROWS, 'avg').y;
    const got = get(y, ROWS * outSize);
    want.forEach((v, i) => expect(Math.abs(got[i] - v), `[${i}]`).toBeLessThan(1e-6));
  });

  it.each(['max', 'avg'] as const)('%s backward: finite differences of Σ dy·y, overwriting and accumulating', (mode) => {
    const xs = distinctInput(ROWS * inSize, 3);
    const rand = random(4);
    const dys = Float64Array.from({ length: ROWS * outSize }, () => rand() * 2 - 1);
    const x = put(xs), y = put(ROWS * outSize), arg = put(ROWS * outSize), dy = put(dys);
    forward(g, mode, x, y, arg);
    // L(x) = Σ dy·y(x) in float64; ε far below the gap between any two inputs, so no max changes.
    const loss = (v: Float64Array) => transcription(g, v, ROWS, mode).y.reduce((s, yv, i) => s + dys[i] * yv, 0);
    const base = Float64Array.from(xs), eps = 1e-4;
    const numeric = base.map((v, i) => {
      base[i] = v + eps;
      const up = loss(base);
      base[i] = v - eps;
      const down = loss(base);
      base[i] = v;
      return (up - down) / (2 * eps);
    });
    const dx = put(new Float32Array(ROWS * inSize).fill(7));
    backward(g, mode, dx, dy, arg, false);
    const got = get(dx, ROWS * inSize);
    numeric.forEach((n, i) => expect(Math.abs(got[i] - n), `dx[${i}]`).toBeLessThan(1e-5));
    // Accumulating adds the same gradient to what is there.
    const prior = Float32Array.from({ length: ROWS * inSize }, (_, i) => (i % 5) - 2);
    const acc = put(prior);
    backward(g, mode, acc, dy, arg, true);
    const added = get(acc, ROWS * inSize);
    numeric.forEach((n, i) => expect(Math.abs(added[i] - prior[i] - n), `accumulated dx[${i}]`).toBeLessThan(1e-5));
  });
});

it('max pooling ties go to the first maximum of the window, as TF.js, and only it gets the gradient', () => {
  const g: Geometry = { h: 2, w: 4, c: 5, ph: 2, pw: 2, sh: 2, sw: 2, same: false };
  const { inSize, outSize } = layout(g);
  const xs = new Float32Array(ROWS * inSize).fill(0.5);
  const x = put(xs), y = put(ROWS * outSize), arg = put(ROWS * outSize);
  forward(g, 'max', x, y, arg);
  const argmax = new Int32Array(get(arg, ROWS * outSize).buffer.slice(0));
  // Window (0, j) starts at column 2j: its first element is at offset 2j·c + k.
  const want = Array.from({ length: ROWS * outSize }, (_, o) => {
    const k = o % g.c, j = Math.floor(o / g.c) % 2;
    return 2 * j * g.c + k;
  });
  expect(Array.from(argmax)).toEqual(want);
  const dx = put(ROWS * inSize);
  backward(g, 'max', dx, put(new Float32Array(ROWS * outSize).fill(1)), arg, false);
  const grad = get(dx, ROWS * inSize);
  expect(grad.reduce((s, v) => s + v, 0)).toBe(ROWS * outSize);
  for (let r = 0; r < ROWS; r++) want.slice(0, outSize).forEach((offset) => expect(grad[r * inSize + offset]).toBe(1));
});

it('max pooling keeps -Infinity inputs and still picks a position inside the window', () => {
  const g: Geometry = { h: 2, w: 2, c: 4, ph: 2, pw: 2, sh: 2, sw: 2, same: false };
  const x = put(new Float32Array(ROWS * 16).fill(-Infinity)), y = put(ROWS * 4), arg = put(ROWS * 4);
  forward(g, 'max', x, y, arg);
  expect(Array.from(get(y, ROWS * 4))).toEqual(Array(ROWS * 4).fill(-Infinity));
  expect(Array.from(new Int32Array(get(arg, ROWS * 4).buffer.slice(0)))).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
});
