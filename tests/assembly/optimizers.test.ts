// Each update rule against a plain float64 transcription of TF.js's (Keras's for adamw and
// amsgrad) over 5 steps, on buffer lengths that exercise the SIMD body and the scalar tail.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/wasm.js';
import { random, randomArray } from '../reference.js';
import { freeAll, get, loadCore, put } from './core.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });
afterEach(freeAll);

type Rule = {
  slots: number;
  init?: number;
  wasm: (p: number, g: number, s: number[], n: number, t: number, po: number, so: number[]) => void;
  ref: (theta: Float64Array, g: Float32Array, s: Float64Array[], t: number) => void;
};

const lr = 0.05;
const RULES: Record<string, Rule> = {
  sgd: {
    slots: 0,
    wasm: (p, g, _s, n, _t, po, so) => core.sgd_update(po, p, g, n, lr),
    ref: (th, g) => th.forEach((_, i) => { th[i] -= lr * g[i]; }),
  },
  momentum: {
    slots: 1,
    wasm: (p, g, s, n, _t, po, so) => core.momentum_update(po, so[0], p, s[0], g, n, lr, 0.9, false),
    ref: (th, g, [v]) => th.forEach((_, i) => { v[i] = 0.9 * v[i] + g[i]; th[i] -= lr * v[i]; }),
  },
  nesterov: {
    slots: 1,
    wasm: (p, g, s, n, _t, po, so) => core.momentum_update(po, so[0], p, s[0], g, n, lr, 0.9, true),
    ref: (th, g, [v]) => th.forEach((_, i) => { v[i] = 0.9 * v[i] + g[i]; th[i] -= lr * (g[i] + 0.9 * v[i]); }),
  },
  adam: {
    slots: 2,
    wasm: (p, g, s, n, t, po, so) => core.adam_update(po, so[0], so[1], 0, p, s[0], s[1], 0, g, n, lr, 0.9, 0.999, 1e-7, t),
    ref: (th, g, [m, v], t) => th.forEach((_, i) => {
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      v[i] = 0.999 * v[i] + 0.001 * g[i] ** 2;
      th[i] -= (lr * (m[i] / (1 - 0.9 ** t))) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-7);
    }),
  },
  amsgrad: {
    slots: 3,
    wasm: (p, g, s, n, t, po, so) => core.adam_update(po, so[0], so[1], so[2], p, s[0], s[1], s[2], g, n, lr, 0.9, 0.999, 1e-7, t),
    ref: (th, g, [m, v, vmax], t) => th.forEach((_, i) => {
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      v[i] = 0.999 * v[i] + 0.001 * g[i] ** 2;
      vmax[i] = Math.max(vmax[i], v[i]);
      th[i] -= (lr * (m[i] / (1 - 0.9 ** t))) / (Math.sqrt(vmax[i] / (1 - 0.999 ** t)) + 1e-7);
    }),
  },
  rmsprop: {
    slots: 2,
    wasm: (p, g, s, n, _t, po, so) => core.rmsprop_update(po, so[0], so[1], 0, p, s[0], s[1], 0, g, n, lr, 0.9, 0.5, 1e-7, false),
    ref: (th, g, [ms, mom]) => th.forEach((_, i) => {
      ms[i] = 0.9 * ms[i] + 0.1 * g[i] ** 2;
      mom[i] = 0.5 * mom[i] + (lr * g[i]) / Math.sqrt(ms[i] + 1e-7);
      th[i] -= mom[i];
    }),
  },
  'rmsprop centered': {
    slots: 3,
    wasm: (p, g, s, n, _t, po, so) => core.rmsprop_update(po, so[0], so[1], so[2], p, s[0], s[1], s[2], g, n, lr, 0.9, 0, 1e-7, true),
    ref: (th, g, [ms, mom, mg]) => th.forEach((_, i) => {
      ms[i] = 0.9 * ms[i] + 0.1 * g[i] ** 2;
      mg[i] = 0.9 * mg[i] + 0.1 * g[i];
      mom[i] = (lr * g[i]) / Math.sqrt(ms[i] - mg[i] ** 2 + 1e-7);
      th[i] -= mom[i];
    }),
  },
  adagrad: {
    slots: 1,
    init: 0.1,
    wasm: (p, g, s, n, _t, po, so) => core.adagrad_update(po, so[0], p, s[0], g, n, lr, 1e-7),
    ref: (th, g, [acc]) => th.forEach((_, i) => { acc[i] += g[i] ** 2; th[i] -= (lr * g[i]) / Math.sqrt(acc[i] + 1e-7); }),
  },
  adadelta: {
    slots: 2,
    wasm: (p, g, s, n, _t, po, so) => core.adadelta_update(po, so[0], so[1], p, s[0], s[1], g, n, 1, 0.95, 1e-7),
    ref: (th, g, [ag, au]) => th.forEach((_, i) => {
      // TF.js: the update divides by the gradient accumulator from before this step.
      const u = (Math.sqrt(au[i] + 1e-7) / Math.sqrt(ag[i] + 1e-7)) * g[i];
      ag[i] = 0.95 * ag[i] + 0.05 * g[i] ** 2;
      au[i] = 0.95 * au[i] + 0.05 * u ** 2;
      th[i] -= u;
    }),
  },
  adamax: {
    slots: 2,
    wasm: (p, g, s, n, t, po, so) => core.adamax_update(po, so[0], so[1], p, s[0], s[1], g, n, lr, 0.9, 0.999, 1e-7, t),
    ref: (th, g, [m, u], t) => th.forEach((_, i) => {
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      u[i] = Math.max(0.999 * u[i], Math.abs(g[i]));
      th[i] -= (lr / (1 - 0.9 ** t)) * (m[i] / (u[i] + 1e-7));
    }),
  },
};

describe.each(Object.keys(RULES))('%s', (name) => {
  const rule = RULES[name];
  it.each([1, 4, 7, 33])('matches the reference rule over 5 steps on %i parameters', (n) => {
    const theta = Float64Array.from(randomArray(n, random(n)));
    const pp = put(theta);
    const slots = Array.from({ length: rule.slots }, () => put(new Float32Array(n).fill(rule.init ?? 0)));
    const state = Array.from({ length: rule.slots }, () => new Float64Array(n).fill(rule.init ?? 0));
    for (let t = 1; t <= 5; t++) {
      const g = randomArray(n, random(100 * t + n));
      rule.wasm(pp, put(g), slots, n, t, pp, slots);
      rule.ref(theta, g, state, t);
    }
    const out = get(pp, n);
    for (let i = 0; i < n; i++) expect(out[i]).toBeCloseTo(theta[i], 5);
    expect(out.some((v, i) => v !== Math.fround(randomArray(n, random(n))[i]))).toBe(true);
  });

  it('writes to separate output buffers exactly what it writes in place, leaving its inputs whole', () => {
    const n = 11, theta = randomArray(n, random(5)), g = put(randomArray(n, random(6)));
    const slots = () => Array.from({ length: rule.slots }, (_, k) => put(randomArray(n, random(7 + k)).map((v) => Math.abs(v) + (rule.init ?? 0))));
    const inPlace = put(theta), inPlaceSlots = slots();
    rule.wasm(inPlace, g, inPlaceSlots, n, 3, inPlace, inPlaceSlots);
    const p = put(theta), s = slots(), po = put(new Float32Array(n)), so = slots().map(() => put(new Float32Array(n)));
    const before = [get(p, n), ...s.map((x) => get(x, n))];
    rule.wasm(p, g, s, n, 3, po, so);
    expect(get(po, n)).toEqual(get(inPlace, n));
    so.forEach((x, k) => expect(get(x, n)).toEqual(get(inPlaceSlots[k], n)));
    expect([get(p, n), ...s.map((x) => get(x, n))]).toEqual(before);
  });
});

it('weight_decay shrinks every weight by lr·decay', () => {
  const p = put([1, -2, 4]);
  core.weight_decay(p, p, 3, 0.1, 0.5);
  expect(Array.from(get(p, 3))).toEqual([0.95, -1.9, 3.8].map(Math.fround));
});

it('clip_gradients: by value, then by global norm', () => {
  const g = put([3, -4, 0.5]);
  core.clip_gradients(g, 3, 0, 1);
  expect(Array.from(get(g, 3))).toEqual([1, -1, 0.5]);
  const h = put([3, -4]);
  core.clip_gradients(h, 2, 1, 0);
  const v = get(h, 2);
  expect(v[0]).toBeCloseTo(0.6, 6);
  expect(v[1]).toBeCloseTo(-0.8, 6);
  const small = put([0.3, 0.4]);
  core.clip_gradients(small, 2, 1, 0);
  expect(Array.from(get(small, 2))).toEqual([0.3, 0.4].map(Math.fround));
});

it('first_nonfinite: the index of the first NaN or ±Infinity, or -1, wherever it falls in or after the 16-value steps', () => {
  for (const n of [0, 1, 15, 16, 17, 33, 100]) {
    const finite = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -0 : (i - 50) * 3.4e36));
    expect(core.first_nonfinite(put(finite), n)).toBe(-1);
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const at of [0, 5, 15, 16, 31, n - 1].filter((i) => i >= 0 && i < n)) {
        const x = finite.slice();
        x[at] = bad;
        if (at + 3 < n) x[at + 3] = NaN; // a later one does not hide the first
        expect(core.first_nonfinite(put(x), n)).toBe(at);
        // Values past n are not read.
        expect(core.first_nonfinite(put(x), at)).toBe(-1);
      }
    }
  }
});
