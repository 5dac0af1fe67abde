// repeatVector's kernels (assembly/layers/repeat_vector.ts) against float64 transcriptions:
// forward copies each example's row n times; backward sums the n gradient rows, overwriting dx
// or adding into it.
import { afterEach, beforeAll, expect, it } from 'vitest';
import type { Core } from '../../src/wasm.js';
import { random } from '../reference.js';
import { freeAll, get, loadCore, put } from './core.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });
afterEach(freeAll);

const rand = random(17);
const values = (n: number) => Float32Array.from({ length: n }, () => Math.fround(rand() * 2 - 1));

it('forward: y[r, k, :] = x[r, :] for every example and repetition (widths off the SIMD width too)', () => {
  for (const [rows, n, f] of [[1, 1, 1], [2, 3, 4], [3, 4, 7], [2, 5, 13], [4, 2, 1]]) {
    const x = values(rows * f), out = rows * n * f;
    const want = new Float32Array(out);
    for (let r = 0; r < rows; r++) for (let k = 0; k < n; k++) for (let j = 0; j < f; j++) want[(r * n + k) * f + j] = x[r * f + j];
    const y = put(new Float32Array(out).fill(9));
    core.repeat_vector_forward(y, put(x), rows, n, f);
    expect(Array.from(get(y, out))).toEqual(Array.from(want));
  }
});

it('backward: dx[r, :] = Σ_k dy[r, k, :], overwriting dx or adding into it', () => {
  for (const [rows, n, f] of [[1, 1, 1], [2, 3, 4], [3, 4, 7], [2, 5, 13], [4, 2, 1]]) {
    const dy = values(rows * n * f), dyPtr = put(dy);
    const want = new Float64Array(rows * f);
    for (let r = 0; r < rows; r++) for (let j = 0; j < f; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += dy[(r * n + k) * f + j];
      want[r * f + j] = s;
    }
    const dx = put(new Float32Array(rows * f).fill(123));
    core.repeat_vector_backward(dx, dyPtr, rows, n, f, false);
    const got = get(dx, rows * f);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    const start = values(rows * f), dx2 = put(start);
    core.repeat_vector_backward(dx2, dyPtr, rows, n, f, true);
    const added = get(dx2, rows * f);
    for (let i = 0; i < want.length; i++) expect(added[i]).toBeCloseTo(start[i] + want[i], 5);
  }
});
