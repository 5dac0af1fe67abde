// The embedding kernels on their own: forward gathers rows of the table; backward scatter-adds the
// output gradient into the rows used (an id used twice gets both), zeroing the table's gradient
// first unless accumulating, so rows not used stay zero; ids out of range touch nothing.
import { afterEach, beforeAll, expect, it } from 'vitest';
import type { Core } from '../../src/wasm.js';
import { random, randomArray } from '../reference.js';
import { freeAll, get, loadCore, put } from './core.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });
afterEach(freeAll);

const VOCAB = 6, DIM = 7; // 7: one f32x4 and a scalar tail of 3
const IDS = [2, 0, 5, 2, 2, 3]; // 2 examples of 3 ids; id 2 three times, 1 and 4 never

it('forward: each output row is the table row its id picks', () => {
  const table = randomArray(VOCAB * DIM, random(1));
  const out = put(IDS.length * DIM);
  core.embedding_forward(out, put(IDS), put(table), IDS.length, VOCAB, DIM);
  const got = get(out, IDS.length * DIM);
  IDS.forEach((id, p) => expect(Array.from(got.subarray(p * DIM, (p + 1) * DIM))).toEqual(Array.from(table.subarray(id * DIM, (id + 1) * DIM))));
});

it('forward: an id outside [0, inputDim), NaN or negative gives zeros and reads nothing outside the table', () => {
  const table = randomArray(VOCAB * DIM, random(2));
  const ids = [VOCAB, -1, NaN, 1e9, 1];
  const out = put(Array(ids.length * DIM).fill(7));
  core.embedding_forward(out, put(ids), put(table), ids.length, VOCAB, DIM);
  const got = get(out, ids.length * DIM);
  expect(Array.from(got.subarray(0, 4 * DIM))).toEqual(Array(4 * DIM).fill(0));
  expect(Array.from(got.subarray(4 * DIM))).toEqual(Array.from(table.subarray(DIM, 2 * DIM)));
});

function scatter(d: Float32Array): Float64Array {
  const want = new Float64Array(VOCAB * DIM);
  IDS.forEach((id, p) => { for (let j = 0; j < DIM; j++) want[id * DIM + j] += d[p * DIM + j]; });
  return want;
}

it('backward: scatter-add into the rows used; repeated ids accumulate; unused rows are zero', () => {
  const d = randomArray(IDS.length * DIM, random(3));
  const grad = put(Array(VOCAB * DIM).fill(9)); // stale values: overwritten (zeroed) without accumulate
  core.embedding_backward(grad, put(d), put(IDS), IDS.length, VOCAB, DIM, false);
  const got = get(grad, VOCAB * DIM), want = scatter(d);
  for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 6);
  for (const unused of [1, 4]) expect(Array.from(got.subarray(unused * DIM, (unused + 1) * DIM))).toEqual(Array(DIM).fill(0));
});

it('backward with accumulate adds to the gradient already there (only the rows used change)', () => {
  const d = randomArray(IDS.length * DIM, random(4));
  const base = randomArray(VOCAB * DIM, random(5));
  const grad = put(base);
  core.embedding_backward(grad, put(d), put(IDS), IDS.length, VOCAB, DIM, true);
  const got = get(grad, VOCAB * DIM), add = scatter(d);
  for (let i = 0; i < add.length; i++) expect(got[i]).toBeCloseTo(base[i] + add[i], 6);
  for (const unused of [1, 4]) expect(Array.from(got.subarray(unused * DIM, (unused + 1) * DIM))).toEqual(Array.from(base.subarray(unused * DIM, (unused + 1) * DIM)));
  // Twice without accumulate gives the same as once: it overwrites.
  core.embedding_backward(grad, put(d), put(IDS), IDS.length, VOCAB, DIM, false);
  const once = get(grad, VOCAB * DIM);
  core.embedding_backward(grad, put(d), put(IDS), IDS.length, VOCAB, DIM, false);
  expect(get(grad, VOCAB * DIM)).toEqual(once);
});

it('backward: ids out of range add nothing anywhere', () => {
  const ids = [VOCAB, -1, NaN];
  const d = randomArray(ids.length * DIM, random(6));
  const guard = put(Array(VOCAB * DIM + 2 * DIM).fill(0)); // the table plus a row either side
  const grad = guard + DIM * 4;
  core.embedding_backward(grad, put(d), put(ids), ids.length, VOCAB, DIM, true);
  expect(Array.from(get(guard, VOCAB * DIM + 2 * DIM))).toEqual(Array(VOCAB * DIM + 2 * DIM).fill(0));
});
