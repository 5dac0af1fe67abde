// The dense kernels on their own: forward against a float64 transcription, backward against the
// chain rule written out, and gradient accumulation — a second backward pass with the accumulate
// flags adds its gradients to the first's, as a value with two consumers needs.
import { afterEach, beforeAll, expect, it } from 'vitest';
import type { Core } from '../../src/wasm.js';
import { random, randomArray } from '../reference.js';
import { freeAll, get, loadCore, put } from './core.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });
afterEach(freeAll);

const ROWS = 5, IN = 7, UNITS = 6, TANH = 3;

function setup() {
  const rand = random(3);
  const x = randomArray(ROWS * IN, rand), w = randomArray(IN * UNITS, rand), b = randomArray(UNITS, rand);
  const dy = randomArray(ROWS * UNITS, rand);
  return { x, w, b, dy, px: put(x), pw: put(w), pb: put(b) };
}

it('forward: a = tanh(x·W + b) against float64', () => {
  const { x, w, b, px, pw, pb } = setup();
  const pa = put(ROWS * UNITS), pz = put(ROWS * UNITS);
  core.dense_forward(pa, pz, px, pw, pb, ROWS, IN, UNITS, TANH, 0);
  const a = get(pa, ROWS * UNITS);
  for (let r = 0; r < ROWS; r++) {
    for (let j = 0; j < UNITS; j++) {
      let z = b[j];
      for (let i = 0; i < IN; i++) z += x[r * IN + i] * w[i * UNITS + j];
      expect(a[r * UNITS + j]).toBeCloseTo(Math.tanh(z), 5);
    }
  }
});

it('backward with accumulate adds to the gradients already there; without, overwrites them', () => {
  const { dy, px, pw, pb } = setup();
  const pa = put(ROWS * UNITS), pz = put(ROWS * UNITS);
  core.dense_forward(pa, pz, px, pw, pb, ROWS, IN, UNITS, TANH, 0);
  const pdw = put(IN * UNITS), pdb = put(UNITS), pdx = put(ROWS * IN);
  const pass = (accumulate: boolean) => {
    const pd = put(dy); // turned into dZ in place
    core.dense_backward(pdx, pdw, pdb, pd, pz, pa, px, pw, ROWS, IN, UNITS, TANH, 0, false, accumulate, accumulate);
  };
  pass(false);
  const once = [get(pdw, IN * UNITS), get(pdb, UNITS), get(pdx, ROWS * IN)];
  pass(true);
  const twice = [get(pdw, IN * UNITS), get(pdb, UNITS), get(pdx, ROWS * IN)];
  twice.forEach((t, k) => t.forEach((v, i) => expect(v).toBeCloseTo(2 * once[k][i], 5)));
  pass(false);
  expect([get(pdw, IN * UNITS), get(pdb, UNITS), get(pdx, ROWS * IN)]).toEqual(once);
  // A frozen layer: no weight gradient pointer, so nothing is written there.
  const before = get(pdw, IN * UNITS);
  const pd = put(dy);
  core.dense_backward(pdx, 0, 0, pd, pz, pa, px, pw, ROWS, IN, UNITS, TANH, 0, false, false, false);
  expect(get(pdw, IN * UNITS)).toEqual(before);
  expect(get(pdx, ROWS * IN)).toEqual(once[2]);
});
