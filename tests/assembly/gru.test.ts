// The gru kernels on their own: forward against a float64 transcription of TF.js's GRU cell
//   z = σ(x·W_z + h·U_z + b_z),  r = σ(x·W_r + h·U_r + b_r),  ĥ = f(x·W_h + (r ⊙ h)·U_h + b_h),
//   h' = z ⊙ h + (1 − z) ⊙ ĥ   (gates z, r, h in blocks of UNITS columns),
// backward through time against central finite differences of that transcription (of the loss
// Σ dy ⊙ output), for the last step and for every step, forwards and backwards, with sigmoid and
// hardSigmoid gates; then gradient accumulation, a frozen layer and a first layer.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/wasm.js';
import { random, randomArray } from '../reference.js';
import { freeAll, get, loadCore, put } from './core.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });
afterEach(freeAll);

const ROWS = 3, STEPS = 4, IN = 5, UNITS = 6, U3 = 3 * UNITS;
const RELU = 1, SIGMOID = 2, TANH = 3, HARD_SIGMOID = 11;
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const hardSigmoid = (z: number) => Math.min(Math.max(0.2 * z + 0.5, 0), 1);
const SAVED = ROWS * 9 * STEPS * UNITS, SCRATCH = ROWS * (2 + 6 * STEPS) * UNITS;

type F = (z: number) => number;

/** The float64 forward pass: the output, last step's h or every step's. */
function reference(x: ArrayLike<number>, w: ArrayLike<number>, u: ArrayLike<number>, b: ArrayLike<number> | undefined, sequences: boolean, backwards: boolean, f: F, g: F, drop?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(ROWS * (sequences ? STEPS : 1) * UNITS);
  for (let r = 0; r < ROWS; r++) {
    let h = new Float64Array(UNITS);
    for (let s = 0; s < STEPS; s++) {
      const t = backwards ? STEPS - 1 - s : s;
      const a = new Float64Array(U3);
      for (let j = 0; j < U3; j++) {
        a[j] = b ? b[j] : 0;
        for (let i = 0; i < IN; i++) a[j] += x[(r * STEPS + t) * IN + i] * w[i * U3 + j];
      }
      // Under recurrent dropout the step reads h ⊙ m everywhere it reads h_{s−1} (as TF.js).
      const z = new Float64Array(UNITS), rg = new Float64Array(UNITS), next = new Float64Array(UNITS), hp = recurrentDropout(h, r, drop);
      for (let j = 0; j < UNITS; j++) {
        let az = a[j], ar = a[UNITS + j];
        for (let i = 0; i < UNITS; i++) { az += hp[i] * u[i * U3 + j]; ar += hp[i] * u[i * U3 + UNITS + j]; }
        z[j] = g(az);
        rg[j] = g(ar);
      }
      for (let j = 0; j < UNITS; j++) {
        let ah = a[2 * UNITS + j];
        for (let i = 0; i < UNITS; i++) ah += rg[i] * hp[i] * u[i * U3 + 2 * UNITS + j];
        next[j] = z[j] * hp[j] + (1 - z[j]) * f(ah);
      }
      h = next;
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
  const w = randomArray(IN * U3, rand, -0.6, 0.6), u = randomArray(UNITS * U3, rand, -0.6, 0.6), b = randomArray(U3, rand, -0.5, 0.5);
  const dy = randomArray(ROWS * (sequences ? STEPS : 1) * UNITS, rand);
  const kernel = new Float32Array(IN * U3 + UNITS * U3);
  kernel.set(w);
  kernel.set(u, IN * U3);
  return { x, w, u, b, dy, px: put(x), pk: put(kernel), pb: put(b) };
}

const outSize = (sequences: boolean) => ROWS * (sequences ? STEPS : 1) * UNITS;

function forward(p: { px: number; pk: number; pb: number }, sequences: boolean, backwards: boolean, act: number, gate: number, recurrentMask = 0) {
  const pout = put(outSize(sequences)), psaved = put(SAVED);
  core.gru_forward(pout, psaved, p.px, 0, recurrentMask, p.pk, p.pb, ROWS, STEPS, IN, UNITS, sequences, backwards, true, act, 0, gate, 0);
  return { pout, psaved };
}

const MODES = [
  { sequences: false, backwards: false }, { sequences: true, backwards: false },
  { sequences: false, backwards: true }, { sequences: true, backwards: true },
];
const GATES = [[SIGMOID, sigmoid], [HARD_SIGMOID, hardSigmoid]] as const;

describe.each(MODES)('returnSequences $sequences, goBackwards $backwards', ({ sequences, backwards }) => {
  it('forward without keep (inference: only the current step kept) gives the outputs of a full forward pass, bit for bit, with and without a mask', () => {
    const p = setup(5, sequences), n = ROWS * (sequences ? STEPS : 1) * UNITS;
    // Row 0 skips its first step, row 1 a middle one, row 2 none.
    const mask = Float32Array.from({ length: ROWS * STEPS }, (_, i) => (i === 0 || i === STEPS + 2 ? 0 : 1));
    for (const pmask of [0, put(mask)]) {
      const [full, inference] = [true, false].map((keep) => {
        const pout = put(n);
        core.gru_forward(pout, put(SAVED), p.px, pmask, 0, p.pk, p.pb, ROWS, STEPS, IN, UNITS, sequences, backwards, keep, TANH, 0, HARD_SIGMOID, 0);
        return get(pout, n);
      });
      expect(inference).toEqual(full);
    }
  });

  it('forward: tanh and relu, sigmoid and hardSigmoid gates, against float64', () => {
    for (const [act, f] of [[TANH, Math.tanh], [RELU, (z: number) => Math.max(z, 0)]] as const) {
      for (const [gate, g] of GATES) {
        const p = setup(5, sequences);
        const { pout } = forward(p, sequences, backwards, act, gate);
        const want = reference(p.x, p.w, p.u, p.b, sequences, backwards, f, g);
        const got = get(pout, want.length);
        want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
      }
    }
  });

  it.each(GATES)('backward through time (gates %i): dW, dU, db and dX against finite differences of the float64 forward, without and with recurrent dropout', (gate, g) => {
    for (const drop of [undefined, DROP]) {
      const pdrop = drop ? put(drop) : 0;
      const p = setup(7, sequences);
      const { psaved } = forward(p, sequences, backwards, TANH, gate, pdrop);
      const pdk = put(IN * U3 + UNITS * U3), pdb = put(U3), pdx = put(ROWS * STEPS * IN);
      const savedBefore = get(psaved, SAVED);
      core.gru_backward(pdx, pdk, pdb, put(p.dy), psaved, put(SCRATCH), p.px, 0, pdrop, p.pk, ROWS, STEPS, IN, UNITS, sequences, backwards, TANH, 0, gate, 0, false, false);
      expect(get(psaved, SAVED), 'backward leaves the saved values as they were').toEqual(savedBefore);
      const loss = (x: ArrayLike<number>, w: ArrayLike<number>, u: ArrayLike<number>, b: ArrayLike<number>) => {
        const out = reference(x, w, u, b, sequences, backwards, Math.tanh, g, drop);
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
      const dk = get(pdk, IN * U3 + UNITS * U3);
      const checks: [string, Float32Array, number[]][] = [
        ['dW', dk.subarray(0, IN * U3), numeric(p.w, 1)],
        ['dU', dk.subarray(IN * U3), numeric(p.u, 2)],
        ['db', get(pdb, U3), numeric(p.b, 3)],
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
  const { psaved } = forward(p, sequences, backwards, TANH, HARD_SIGMOID);
  const nk = IN * U3 + UNITS * U3, nx = ROWS * STEPS * IN;
  const pdk = put(nk), pdb = put(U3), pdx = put(nx), pscratch = put(SCRATCH), pdy = put(p.dy);
  const read = () => [get(pdk, nk), get(pdb, U3), get(pdx, nx)];
  const pass = (accumulate: boolean) => core.gru_backward(pdx, pdk, pdb, pdy, psaved, pscratch, p.px, 0, 0, p.pk, ROWS, STEPS, IN, UNITS, sequences, backwards, TANH, 0, HARD_SIGMOID, 0, accumulate, accumulate);
  pass(false);
  const once = read();
  expect(get(pdy, p.dy.length), 'dLoss/dOutput is left as it was').toEqual(p.dy);
  pass(true);
  read().forEach((t, k) => t.forEach((v, i) => expect(v).toBeCloseTo(2 * once[k][i], 5)));
  pass(false);
  expect(read()).toEqual(once);
  const before = get(pdk, nk);
  core.gru_backward(pdx, 0, 0, pdy, psaved, pscratch, p.px, 0, 0, p.pk, ROWS, STEPS, IN, UNITS, sequences, backwards, TANH, 0, HARD_SIGMOID, 0, false, false);
  expect(get(pdk, nk)).toEqual(before);
  expect(get(pdx, nx)).toEqual(once[2]);
  const pdx2 = put(nx);
  core.gru_backward(0, pdk, pdb, pdy, psaved, pscratch, p.px, 0, 0, p.pk, ROWS, STEPS, IN, UNITS, sequences, backwards, TANH, 0, HARD_SIGMOID, 0, false, false);
  expect([get(pdk, nk), get(pdb, U3)]).toEqual(once.slice(0, 2));
  expect(get(pdx2, nx).every((v) => v === 0)).toBe(true);
});

it('one step, no bias: h = (1 − z) ⊙ ĥ, and no recurrent gradient (dU = 0, or left alone when accumulating)', () => {
  const units = 2, inputs = 1, n = inputs * 3 * units + units * 3 * units;
  const pk = put(Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1)));
  const px = put([0.5]), pout = put(units), psaved = put(8 * units), pscratch = put(8 * units);
  core.gru_forward(pout, psaved, px, 0, 0, pk, 0, 1, 1, inputs, units, false, false, true, TANH, 0, SIGMOID, 0);
  const w = get(pk, 6);
  get(pout, units).forEach((v, j) => expect(v).toBeCloseTo((1 - sigmoid(0.5 * w[j])) * Math.tanh(0.5 * w[4 + j]), 6));
  const pdk = put(Array.from({ length: n }, () => 7));
  core.gru_backward(0, pdk, 0, put([1, 2]), psaved, pscratch, px, 0, 0, pk, 1, 1, inputs, units, false, false, TANH, 0, SIGMOID, 0, false, false);
  expect(Array.from(get(pdk, n).subarray(6)).every((v) => v === 0)).toBe(true);
  core.gru_backward(0, pdk, 0, put([1, 2]), psaved, pscratch, px, 0, 0, pk, 1, 1, inputs, units, false, false, TANH, 0, SIGMOID, 0, true, false);
  expect(Array.from(get(pdk, n).subarray(6)).every((v) => v === 0)).toBe(true);
});
