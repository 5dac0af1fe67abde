// The lstm kernels on their own: forward against a float64 transcription of TF.js's LSTMCell
//   [z_i|z_f|z_c|z_o] = x_t·W + h_{s−1}·U + b,  c_s = r(z_f)c_{s−1} + r(z_i)a(z_c),  h_s = r(z_o)a(c_s)
// (t = s, or steps − 1 − s going backwards), backward through time against central finite
// differences of that transcription (of the loss Σ dy ⊙ output), for the last step and for every
// step, forwards and backwards; then gradient accumulation, a frozen layer and a first layer.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/wasm.js';
import { random, randomArray } from '../reference.js';
import { freeAll, get, loadCore, put } from './core.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });
afterEach(freeAll);

const ROWS = 3, STEPS = 4, IN = 5, UNITS = 6, U4 = 4 * UNITS;
const SIGMOID = 2, TANH = 3, HARD_SIGMOID = 11;
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const hardSigmoid = (z: number) => Math.min(Math.max(0.2 * z + 0.5, 0), 1);
const SAVED = ROWS * 12 * STEPS * UNITS, SCRATCH = ROWS * (3 + 8 * STEPS) * UNITS, NK = (IN + UNITS) * U4;

type F = (z: number) => number;
/** The float64 forward pass: the output, last step's h or every step's. */
function reference(x: ArrayLike<number>, w: ArrayLike<number>, u: ArrayLike<number>, b: ArrayLike<number> | undefined, sequences: boolean, backwards: boolean, rec: F, drop?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(ROWS * (sequences ? STEPS : 1) * UNITS);
  for (let r = 0; r < ROWS; r++) {
    let h = new Float64Array(UNITS), c = new Float64Array(UNITS);
    for (let s = 0; s < STEPS; s++) {
      const t = backwards ? STEPS - 1 - s : s;
      const z = new Float64Array(U4), hp = recurrentDropout(h, r, drop);
      for (let j = 0; j < U4; j++) {
        let v = b ? b[j] : 0;
        for (let i = 0; i < IN; i++) v += x[(r * STEPS + t) * IN + i] * w[i * U4 + j];
        for (let i = 0; i < UNITS; i++) v += hp[i] * u[i * U4 + j];
        z[j] = v;
      }
      const nh = new Float64Array(UNITS), nc = new Float64Array(UNITS);
      for (let j = 0; j < UNITS; j++) {
        nc[j] = rec(z[UNITS + j]) * c[j] + rec(z[j]) * Math.tanh(z[2 * UNITS + j]);
        nh[j] = rec(z[3 * UNITS + j]) * Math.tanh(nc[j]);
      }
      h = nh;
      c = nc;
      if (sequences) out.set(h, (r * STEPS + s) * UNITS);
    }
    if (!sequences) out.set(h, r * UNITS);
  }
  return out;
}

/** h ⊙ example r's recurrent dropout mask (drop: [ROWS, UNITS]), or h. */
const recurrentDropout = (h: Float64Array, r: number, drop?: ArrayLike<number>) => (drop ? h.map((v, i) => v * drop[r * UNITS + i]) : h);
/** A recurrent dropout mask at rate 0.3: a third of the state dropped, the rest scaled by 1/0.7. */
const DROP = Float32Array.from({ length: ROWS * UNITS }, (_, i) => (i % 3 === 1 ? 0 : 1 / 0.7));

function setup(seed = 3, sequences = false) {
  const rand = random(seed);
  const x = randomArray(ROWS * STEPS * IN, rand);
  const w = randomArray(IN * U4, rand, -0.6, 0.6), u = randomArray(UNITS * U4, rand, -0.6, 0.6), b = randomArray(U4, rand, -0.5, 0.5);
  const dy = randomArray(ROWS * (sequences ? STEPS : 1) * UNITS, rand);
  const kernel = new Float32Array(NK);
  kernel.set(w);
  kernel.set(u, IN * U4);
  return { x, w, u, b, dy, px: put(x), pk: put(kernel), pb: put(b) };
}

function forward(p: { px: number; pk: number; pb: number }, sequences: boolean, backwards: boolean, rec: number, recurrentMask = 0) {
  const pout = put(ROWS * (sequences ? STEPS : 1) * UNITS), psaved = put(SAVED);
  core.lstm_forward(pout, psaved, p.px, 0, recurrentMask, p.pk, p.pb, ROWS, STEPS, IN, UNITS, sequences, backwards, true, TANH, 0, rec, 0);
  return { pout, psaved };
}

const MODES = [
  { sequences: false, backwards: false }, { sequences: true, backwards: false },
  { sequences: false, backwards: true }, { sequences: true, backwards: true },
];

describe.each(MODES)('returnSequences $sequences, goBackwards $backwards', ({ sequences, backwards }) => {
  it('forward without keep (inference: only the current step kept) gives the outputs of a full forward pass, bit for bit, with and without a mask', () => {
    const p = setup(5, sequences), n = ROWS * (sequences ? STEPS : 1) * UNITS;
    // Row 0 skips its first step, row 1 a middle one, row 2 none.
    const mask = Float32Array.from({ length: ROWS * STEPS }, (_, i) => (i === 0 || i === STEPS + 2 ? 0 : 1));
    for (const pmask of [0, put(mask)]) {
      const [full, inference] = [true, false].map((keep) => {
        const pout = put(n);
        core.lstm_forward(pout, put(SAVED), p.px, pmask, 0, p.pk, p.pb, ROWS, STEPS, IN, UNITS, sequences, backwards, keep, TANH, 0, HARD_SIGMOID, 0);
        return get(pout, n);
      });
      expect(inference).toEqual(full);
    }
  });

  it('forward: hardSigmoid and sigmoid gates against float64', () => {
    for (const [rec, f] of [[HARD_SIGMOID, hardSigmoid], [SIGMOID, sigmoid]] as const) {
      const p = setup(5, sequences);
      const { pout } = forward(p, sequences, backwards, rec);
      const want = reference(p.x, p.w, p.u, p.b, sequences, backwards, f);
      const got = get(pout, want.length);
      want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    }
  });

  it('backward through time: dW, dU, db and dX against finite differences of the float64 forward, without and with recurrent dropout', () => {
    for (const drop of [undefined, DROP]) {
      const pdrop = drop ? put(drop) : 0;
      const p = setup(7, sequences);
      const { psaved } = forward(p, sequences, backwards, SIGMOID, pdrop);
      const pdk = put(NK), pdb = put(U4), pdx = put(ROWS * STEPS * IN), pscratch = put(SCRATCH);
      const savedBefore = get(psaved, SAVED);
      core.lstm_backward(pdx, pdk, pdb, put(p.dy), psaved, pscratch, p.px, 0, pdrop, p.pk, ROWS, STEPS, IN, UNITS, sequences, backwards, TANH, 0, SIGMOID, 0, false, false);
      expect(get(psaved, SAVED), 'backward leaves the saved values as they were').toEqual(savedBefore);
      const loss = (x: ArrayLike<number>, w: ArrayLike<number>, u: ArrayLike<number>, b: ArrayLike<number>) => {
        const out = reference(x, w, u, b, sequences, backwards, sigmoid, drop);
        let s = 0;
        for (let i = 0; i < out.length; i++) s += out[i] * p.dy[i];
        return s;
      };
      const numeric = (values: Float32Array, which: 0 | 1 | 2 | 3) => Array.from(values, (_, i) => {
        const eps = 1e-5;
        const args = [Float64Array.from(p.x), Float64Array.from(p.w), Float64Array.from(p.u), Float64Array.from(p.b)];
        args[which][i] += eps;
        const up = loss(args[0], args[1], args[2], args[3]);
        args[which][i] -= 2 * eps;
        const down = loss(args[0], args[1], args[2], args[3]);
        return (up - down) / (2 * eps);
      });
      const dk = get(pdk, NK);
      const checks: [string, Float32Array, number[]][] = [
        ['dW', dk.subarray(0, IN * U4), numeric(p.w, 1)],
        ['dU', dk.subarray(IN * U4), numeric(p.u, 2)],
        ['db', get(pdb, U4), numeric(p.b, 3)],
        ['dX', get(pdx, ROWS * STEPS * IN), numeric(p.x, 0)],
      ];
      for (const [what, got, want] of checks) {
        want.forEach((v, i) => expect(Math.abs(got[i] - v), `${what}[${i}]: ${got[i]} vs ${v}`).toBeLessThan(1e-4 + 1e-3 * Math.abs(v)));
      }
    }
  });
});

it('backward with accumulate adds to the gradients already there; without, overwrites them; a frozen layer writes no weight gradient', () => {
  const sequences = true, backwards = false;
  const p = setup(11, sequences);
  const { psaved } = forward(p, sequences, backwards, HARD_SIGMOID);
  const nx = ROWS * STEPS * IN;
  const pdk = put(NK), pdb = put(U4), pdx = put(nx), pscratch = put(SCRATCH), pdy = put(p.dy);
  const read = () => [get(pdk, NK), get(pdb, U4), get(pdx, nx)];
  const pass = (accumulate: boolean) => core.lstm_backward(pdx, pdk, pdb, pdy, psaved, pscratch, p.px, 0, 0, p.pk, ROWS, STEPS, IN, UNITS, sequences, backwards, TANH, 0, HARD_SIGMOID, 0, accumulate, accumulate);
  pass(false);
  const once = read();
  expect(get(pdy, p.dy.length), 'dLoss/dOutput is left as it was').toEqual(p.dy);
  pass(true);
  read().forEach((t, k) => t.forEach((v, i) => expect(v).toBeCloseTo(2 * once[k][i], 5)));
  pass(false);
  expect(read()).toEqual(once);
  const before = get(pdk, NK);
  core.lstm_backward(pdx, 0, 0, pdy, psaved, pscratch, p.px, 0, 0, p.pk, ROWS, STEPS, IN, UNITS, sequences, backwards, TANH, 0, HARD_SIGMOID, 0, false, false);
  expect(get(pdk, NK)).toEqual(before);
  expect(get(pdx, nx)).toEqual(once[2]);
  const pdx2 = put(nx);
  core.lstm_backward(0, pdk, pdb, pdy, psaved, pscratch, p.px, 0, 0, p.pk, ROWS, STEPS, IN, UNITS, sequences, backwards, TANH, 0, HARD_SIGMOID, 0, false, false);
  expect([get(pdk, NK), get(pdb, U4)]).toEqual(once.slice(0, 2));
  expect(get(pdx2, nx).every((v) => v === 0)).toBe(true);
});
