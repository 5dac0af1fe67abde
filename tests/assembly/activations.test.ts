import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/wasm.js';
import { getActivation } from '../../src/activations.js';
import { activate, maxRelativeError, numericGradient, random, randomArray } from '../reference.js';
import { freeAll, get, loadCore, put } from './core.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });
afterEach(freeAll);

const NAMES = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'relu6', 'leakyRelu', 'elu', 'selu', 'softplus', 'softsign', 'hardSigmoid', 'swish', 'gelu', 'mish'];
// Points where a piecewise function has a kink, kept away from so finite differences are valid.
const KINKS: Record<string, number[]> = { relu: [0], relu6: [0, 6], leakyRelu: [0], elu: [0], selu: [0], hardSigmoid: [-2.5, 2.5] };

function inputs(name: string, n: number, seed: number): Float32Array {
  const rand = random(seed);
  const z = randomArray(n, rand, -8, 8);
  for (let i = 0; i < n; i++) {
    for (const kink of KINKS[name] ?? []) if (Math.abs(z[i] - kink) < 0.05) z[i] = kink + 0.1;
  }
  return z;
}

describe.each(NAMES)('%s', (name) => {
  const act = getActivation(name as never, 'test');
  const shapes: [number, number][] = [[1, 1], [3, 5], [4, 8], [7, 13]];

  it.each(shapes)('forward matches the reference (%i×%i)', (rows, cols) => {
    const z = inputs(name, rows * cols, rows * 31 + cols);
    const pz = put(z), pa = put(rows * cols);
    core.activation_forward(pa, pz, rows, cols, act.id, act.alpha);
    const expected = activate(name, z, rows, cols, act.alpha);
    expect(Array.from(get(pz, rows * cols))).toEqual(Array.from(z));
    expect(maxRelativeError(get(pa, rows * cols), expected, 1e-6)).toBeLessThan(2e-5);
  });

  it.each(shapes)('backward agrees with central differences (%i×%i)', (rows, cols) => {
    const n = rows * cols;
    const z = inputs(name, n, rows * 7 + cols);
    const da = randomArray(n, random(n + 1));
    const pz = put(z), pa = put(n), pd = put(da), pdb = put(cols);
    core.activation_forward(pa, pz, rows, cols, act.id, act.alpha);
    core.activation_backward(pd, pd, pz, pa, rows, cols, act.id, act.alpha);
    core.bias_gradient(pdb, pd, rows, cols, false);
    // d/dz of Σ da ⊙ f(z), numerically in f64.
    const z64 = Float64Array.from(z);
    const numeric = numericGradient(z64, () => activate(name, z64, rows, cols, act.alpha).reduce((s, v, i) => s + v * da[i], 0), 1e-5);
    const dz = get(pd, n);
    expect(maxRelativeError(dz, numeric, 1e-4)).toBeLessThan(1e-3);
    // bias_gradient: the column sums of dz.
    const db = get(pdb, cols);
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += dz[r * cols + c];
      expect(db[c]).toBeCloseTo(s, 4);
    }
  });
});

it('softmax stays finite for huge logits', () => {
  const pz = put([1e4, -1e4, 0, 88, 89, 90]), pa = put(6);
  core.activation_forward(pa, pz, 2, 3, getActivation('softmax', 't').id, 0);
  const a = get(pa, 6);
  expect(Array.from(a.subarray(0, 3))).toEqual([1, 0, 0]);
  expect(a.subarray(3).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
  expect(a.every(Number.isFinite)).toBe(true);
});

it('sigmoid and tanh saturate without NaN', () => {
  for (const name of ['sigmoid', 'tanh', 'softplus', 'swish', 'mish', 'gelu', 'elu', 'selu'] as const) {
    const act = getActivation(name, 't');
    const pz = put([-1e4, -100, 100, 1e4]), pa = put(4);
    core.activation_forward(pa, pz, 1, 4, act.id, act.alpha);
    expect(get(pa, 4).every(Number.isFinite), name).toBe(true);
  }
});
