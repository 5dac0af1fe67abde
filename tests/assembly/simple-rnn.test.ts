// The simpleRNN kernels on their own: forward against a float64 transcription of
//   h_s = f(x_t·W + h_{s−1}·U + b)   (t = s, or steps − 1 − s going backwards),
// backward through time against central finite differences of that transcription (of the loss
// Σ dy ⊙ output), for the last step and for every step, forwards and backwards; then gradient
// accumulation, a frozen layer (no weight gradients) and a first layer (no input gradient).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/wasm.js';
import { random, randomArray } from '../reference.js';
import { freeAll, get, loadCore, put } from './core.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });
afterEach(freeAll);

const ROWS = 3, STEPS = 4, IN = 5, UNITS = 6;
const LINEAR = 0, RELU = 1, TANH = 3;

/** The float64 forward pass: the output, last step's h or every step's. */
function reference(x: ArrayLike<number>, w: ArrayLike<number>, u: ArrayLike<number>, b: ArrayLike<number> | undefined, sequences: boolean, backwards: boolean, f: (z: number) => number, drop?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(ROWS * (sequences ? STEPS : 1) * UNITS);
  for (let r = 0; r < ROWS; r++) {
    let h = new Float64Array(UNITS);
    for (let s = 0; s < STEPS; s++) {
      const t = backwards ? STEPS - 1 - s : s;
      const next = new Float64Array(UNITS), hp = recurrentDropout(h, r, drop);
      for (let j = 0; j < UNITS; j++) {
        let z = b ? b[j] : 0;
        for (let i = 0; i < IN; i++) z += x[(r * STEPS + t) * IN + i] * w[i * UNITS + j];
        for (let i = 0; i < UNITS; i++) z += hp[i] * u[i * UNITS + j];
        next[j] = f(z);
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
  const w = randomArray(IN * UNITS, rand, -0.6, 0.6), u = randomArray(UNITS * UNITS, rand, -0.6, 0.6), b = randomArray(UNITS, rand, -0.5, 0.5);
  const dy = randomArray(ROWS * (sequences ? STEPS : 1) * UNITS, rand);
  // The kernel block as the network holds it: W then U (then the bias).
  const kernel = new Float32Array(IN * UNITS + UNITS * UNITS);
  kernel.set(w);
  kernel.set(u, IN * UNITS);
  return { x, w, u, b, dy, px: put(x), pk: put(kernel), pb: put(b) };
}

const outSize = (sequences: boolean) => ROWS * (sequences ? STEPS : 1) * UNITS;

function forward(p: { px: number; pk: number; pb: number }, sequences: boolean, backwards: boolean, act: number, recurrentMask = 0) {
  const pout = put(outSize(sequences)), psaved = put(ROWS * 3 * STEPS * UNITS);
  core.simple_rnn_forward(pout, psaved, p.px, 0, recurrentMask, p.pk, p.pb, ROWS, STEPS, IN, UNITS, sequences, backwards, true, act, 0);
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
        core.simple_rnn_forward(pout, put(ROWS * 3 * STEPS * UNITS), p.px, pmask, 0, p.pk, p.pb, ROWS, STEPS, IN, UNITS, sequences, backwards, keep, TANH, 0);
        return get(pout, n);
      });
      expect(inference).toEqual(full);
    }
  });

  it('forward: tanh and relu against float64', () => {
    for (const [act, f] of [[TANH, Math.tanh], [RELU, (z: number) => Math.max(z, 0)]] as const) {
      const p = setup(5, sequences);
      const { pout } = forward(p, sequences, backwards, act);
      const want = reference(p.x, p.w, p.u, p.b, sequences, backwards, f);
      const got = get(pout, want.length);
      want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    }
  });

  it('backward through time: dW, dU, db and dX against finite differences of the float64 forward, without and with recurrent dropout', () => {
    for (const drop of [undefined, DROP]) {
      const pdrop = drop ? put(drop) : 0;
      const p = setup(7, sequences);
      const { psaved } = forward(p, sequences, backwards, TANH, pdrop);
      const pdk = put(IN * UNITS + UNITS * UNITS), pdb = put(UNITS), pdx = put(ROWS * STEPS * IN);
      const pscratch = put(ROWS * (1 + 2 * STEPS) * UNITS);
      const savedBefore = get(psaved, ROWS * 2 * STEPS * UNITS);
      core.simple_rnn_backward(pdx, pdk, pdb, put(p.dy), psaved, pscratch, p.px, 0, pdrop, p.pk, ROWS, STEPS, IN, UNITS, sequences, backwards, TANH, 0, false, false);
      expect(get(psaved, ROWS * 2 * STEPS * UNITS), 'backward leaves the saved values as they were').toEqual(savedBefore);
      const loss = (x: ArrayLike<number>, w: ArrayLike<number>, u: ArrayLike<number>, b: ArrayLike<number>) => {
        const out = reference(x, w, u, b, sequences, backwards, Math.tanh, drop);
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
      const dk = get(pdk, IN * UNITS + UNITS * UNITS);
      const checks: [string, Float32Array, number[]][] = [
        ['dW', dk.subarray(0, IN * UNITS), numeric(p.w, 1)],
        ['dU', dk.subarray(IN * UNITS), numeric(p.u, 2)],
        ['db', get(pdb, UNITS), numeric(p.b, 3)],
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
  const { psaved } = forward(p, sequences, backwards, TANH);
  const nk = IN * UNITS + UNITS * UNITS, nx = ROWS * STEPS * IN;
  const pdk = put(nk), pdb = put(UNITS), pdx = put(nx), pscratch = put(ROWS * (1 + 2 * STEPS) * UNITS), pdy = put(p.dy);
  const read = () => [get(pdk, nk), get(pdb, UNITS), get(pdx, nx)];
  const pass = (accumulate: boolean) => core.simple_rnn_backward(pdx, pdk, pdb, pdy, psaved, pscratch, p.px, 0, 0, p.pk, ROWS, STEPS, IN, UNITS, sequences, backwards, TANH, 0, accumulate, accumulate);
  pass(false);
  const once = read();
  expect(get(pdy, p.dy.length), 'dLoss/dOutput is left as it was').toEqual(p.dy);
  pass(true);
  read().forEach((t, k) => t.forEach((v, i) => expect(v).toBeCloseTo(2 * once[k][i], 5)));
  pass(false);
  expect(read()).toEqual(once);
  // Frozen: no weight gradient pointers, the input gradient as before.
  const before = get(pdk, nk);
  core.simple_rnn_backward(pdx, 0, 0, pdy, psaved, pscratch, p.px, 0, 0, p.pk, ROWS, STEPS, IN, UNITS, sequences, backwards, TANH, 0, false, false);
  expect(get(pdk, nk)).toEqual(before);
  expect(get(pdx, nx)).toEqual(once[2]);
  // First layer: no input gradient, the weight gradients as before.
  const pdx2 = put(nx);
  core.simple_rnn_backward(0, pdk, pdb, pdy, psaved, pscratch, p.px, 0, 0, p.pk, ROWS, STEPS, IN, UNITS, sequences, backwards, TANH, 0, false, false);
  expect([get(pdk, nk), get(pdb, UNITS)]).toEqual(once.slice(0, 2));
  expect(get(pdx2, nx).every((v) => v === 0)).toBe(true);
});

it('one step: no recurrent gradient (dU = 0, or left alone when accumulating); no bias; linear', () => {
  const pk = put(Float32Array.from({ length: 2 * 3 + 3 * 3 }, (_, i) => Math.sin(i + 1)));
  const px = put([0.5, -1]), pout = put(3), psaved = put(2 * 3), pscratch = put(3 * 3);
  core.simple_rnn_forward(pout, psaved, px, 0, 0, pk, 0, 1, 1, 2, 3, false, false, true, LINEAR, 0);
  const w = get(pk, 6);
  get(pout, 3).forEach((v, j) => expect(v).toBeCloseTo(0.5 * w[j] - w[3 + j], 6));
  const pdk = put(Array.from({ length: 15 }, () => 7));
  core.simple_rnn_backward(0, pdk, 0, put([1, 2, 3]), psaved, pscratch, px, 0, 0, pk, 1, 1, 2, 3, false, false, LINEAR, 0, false, false);
  const dk = get(pdk, 15);
  expect(Array.from(dk.subarray(0, 6))).toEqual([0.5, 1, 1.5, -1, -2, -3]);
  expect(Array.from(dk.subarray(6)).every((v) => v === 0)).toBe(true);
  core.simple_rnn_backward(0, pdk, 0, put([1, 2, 3]), psaved, pscratch, px, 0, 0, pk, 1, 1, 2, 3, false, false, LINEAR, 0, true, false);
  expect(Array.from(get(pdk, 15).subarray(0, 6))).toEqual([1, 2, 3, -2, -4, -6]);
  expect(Array.from(get(pdk, 15).subarray(6)).every((v) => v === 0)).toBe(true);
});
