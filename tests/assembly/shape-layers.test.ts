// The shape layers' kernels (assembly/layers/reshape.ts, zero_padding2d.ts, up_sampling2d.ts)
// against float64 transcriptions: forward, backward overwriting, and backward adding into dx.
import { afterEach, beforeAll, expect, it } from 'vitest';
import type { Core } from '../../src/wasm.js';
import { random } from '../reference.js';
import { freeAll, get, loadCore, put } from './core.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });
afterEach(freeAll);

const rand = random(11);
const values = (n: number) => Float32Array.from({ length: n }, () => Math.fround(rand() * 2 - 1));

/** Runs a backward kernel overwriting and adding into dx, and checks both against `want`. */
function checkBackward(n: number, want: Float64Array, run: (dx: number, accumulate: boolean) => void): void {
  const dx = put(new Float32Array(n).fill(123));
  run(dx, false);
  expect(Array.from(get(dx, n))).toEqual(Array.from(Float32Array.from(want)));
  const start = values(n);
  const dx2 = put(start);
  run(dx2, true);
  const added = get(dx2, n);
  for (let i = 0; i < n; i++) expect(added[i]).toBeCloseTo(start[i] + want[i], 6);
}

it('reshape: forward copies, backward copies or adds (lengths off the SIMD width too)', () => {
  for (const n of [1, 4, 7, 37]) {
    const x = values(n), y = put(n);
    core.reshape_forward(y, put(x), n);
    expect(Array.from(get(y, n))).toEqual(Array.from(x));
    const dy = values(n), dyPtr = put(dy);
    checkBackward(n, Float64Array.from(dy), (dx, acc) => core.reshape_backward(dx, dyPtr, n, acc));
  }
});

it('zeroPadding2d: zeros around each example; backward crops the gradient', () => {
  for (const [rows, h, w, c, top, bottom, left, right] of [[2, 3, 3, 1, 1, 1, 1, 1], [3, 2, 3, 2, 1, 0, 2, 1], [1, 2, 2, 3, 0, 2, 0, 0], [2, 1, 1, 5, 0, 0, 0, 0]]) {
    const oh = h + top + bottom, ow = w + left + right;
    const x = values(rows * h * w * c), n = rows * oh * ow * c;
    const want = new Float64Array(n);
    for (let r = 0; r < rows; r++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) {
      want[((r * oh + i + top) * ow + j + left) * c + k] = x[((r * h + i) * w + j) * c + k];
    }
    const y = put(new Float32Array(n).fill(7));
    core.zero_padding2d_forward(y, put(x), rows, h, w, c, top, bottom, left, right);
    expect(Array.from(get(y, n))).toEqual(Array.from(Float32Array.from(want)));

    const dy = values(n), dyPtr = put(dy), dxWant = new Float64Array(x.length);
    for (let r = 0; r < rows; r++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) {
      dxWant[((r * h + i) * w + j) * c + k] = dy[((r * oh + i + top) * ow + j + left) * c + k];
    }
    checkBackward(x.length, dxWant, (dx, acc) => core.zero_padding2d_backward(dx, dyPtr, rows, h, w, c, top, bottom, left, right, acc));
  }
});

it('upSampling2d: each value repeated sh × sw times; backward sums each block (every example of the batch)', () => {
  for (const [rows, h, w, c, sh, sw] of [[2, 2, 2, 2, 2, 2], [3, 2, 2, 1, 1, 3], [2, 3, 1, 3, 3, 1], [1, 2, 3, 2, 1, 1]]) {
    const oh = h * sh, ow = w * sw;
    const x = values(rows * h * w * c), n = rows * oh * ow * c;
    const want = new Float64Array(n);
    for (let r = 0; r < rows; r++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let k = 0; k < c; k++) {
      want[((r * oh + i) * ow + j) * c + k] = x[((r * h + Math.floor(i / sh)) * w + Math.floor(j / sw)) * c + k];
    }
    const y = put(n);
    core.up_sampling2d_forward(y, put(x), rows, h, w, c, sh, sw);
    expect(Array.from(get(y, n))).toEqual(Array.from(Float32Array.from(want)));

    const dy = values(n), dyPtr = put(dy), dxWant = new Float64Array(x.length);
    for (let r = 0; r < rows; r++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let k = 0; k < c; k++) {
      dxWant[((r * h + Math.floor(i / sh)) * w + Math.floor(j / sw)) * c + k] += dy[((r * oh + i) * ow + j) * c + k];
    }
    // Sums of up to 3 float32 values: within float32 rounding of the float64 sum.
    const dx = put(x.length);
    core.up_sampling2d_backward(dx, dyPtr, rows, h, w, c, sh, sw, false);
    const got = get(dx, x.length);
    for (let i = 0; i < x.length; i++) expect(got[i]).toBeCloseTo(dxWant[i], 6);
    const start = values(x.length), dx2 = put(start);
    core.up_sampling2d_backward(dx2, dyPtr, rows, h, w, c, sh, sw, true);
    const added = get(dx2, x.length);
    for (let i = 0; i < x.length; i++) expect(added[i]).toBeCloseTo(start[i] + dxWant[i], 6);
  }
});
