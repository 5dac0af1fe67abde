import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/wasm.js';
import { getLoss } from '../../src/losses.js';
import { activate, lossValue, maxRelativeError, numericGradient, random, randomArray } from '../reference.js';
import { freeAll, get, loadCore, put } from './core.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });
afterEach(freeAll);

const ROWS = 5, COLS = 3;

function data(name: string, seed: number): { pred: Float32Array; label: Float32Array } {
  const rand = random(seed);
  if (name === 'meanSquaredError') return { pred: randomArray(ROWS * COLS, rand), label: randomArray(ROWS * COLS, rand) };
  if (name === 'binaryCrossentropy') {
    return { pred: randomArray(ROWS * COLS, rand, 0.05, 0.95), label: Float32Array.from({ length: ROWS * COLS }, () => (rand() < 0.5 ? 0 : 1)) };
  }
  const pred = Float32Array.from(activate('softmax', randomArray(ROWS * COLS, rand, -2, 2), ROWS, COLS));
  const label = new Float32Array(ROWS * COLS);
  for (let r = 0; r < ROWS; r++) label[r * COLS + Math.floor(rand() * COLS)] = 1;
  return { pred, label };
}

describe.each(['meanSquaredError', 'binaryCrossentropy', 'categoricalCrossentropy'])('%s', (name) => {
  const { id } = getLoss(name, 'test');

  it('value matches the reference and the gradient agrees with central differences', () => {
    const { pred, label } = data(name, name.length);
    const pg = put(ROWS * COLS);
    const value = core.loss_forward_backward(pg, put(pred), put(label), ROWS, COLS, id);
    expect(value).toBeCloseTo(lossValue(name, pred, label, ROWS, COLS), 5);
    const p64 = Float64Array.from(pred);
    const numeric = numericGradient(p64, () => lossValue(name, p64, label, ROWS, COLS));
    expect(maxRelativeError(get(pg, ROWS * COLS), numeric, 1e-4)).toBeLessThan(1e-3);
  });

  it('a perfect prediction has (near) zero loss', () => {
    const { label } = data(name, 3);
    const value = core.loss_forward_backward(0, put(label), put(label), ROWS, COLS, id);
    expect(value).toBeLessThan(1e-5);
    expect(value).toBeGreaterThanOrEqual(0);
  });
});

describe.each([
  ['binaryCrossentropy', 'sigmoid'],
  ['categoricalCrossentropy', 'softmax'],
])('%s from logits (fused with %s)', (name, activation) => {
  const { id } = getLoss(name, 'test');

  it('equals the loss of the activated logits, and its gradient is dLoss/dz', () => {
    const { label } = data(name, 11);
    const z = randomArray(ROWS * COLS, random(12), -3, 3);
    const pg = put(ROWS * COLS);
    const value = core.loss_from_logits(pg, put(z), put(label), ROWS, COLS, id);
    const lossOf = (logits: ArrayLike<number>) => lossValue(name, activate(activation, logits, ROWS, COLS), label, ROWS, COLS);
    expect(value).toBeCloseTo(lossOf(z), 5);
    const z64 = Float64Array.from(z);
    expect(maxRelativeError(get(pg, ROWS * COLS), numericGradient(z64, () => lossOf(z64)), 1e-4)).toBeLessThan(1e-3);
  });

  it('stays finite for logits of ±1e4', () => {
    const { label } = data(name, 13);
    const z = Float32Array.from({ length: ROWS * COLS }, (_, i) => (i % 2 ? 1e4 : -1e4));
    const pg = put(ROWS * COLS);
    const value = core.loss_from_logits(pg, put(z), put(label), ROWS, COLS, id);
    expect(Number.isFinite(value)).toBe(true);
    expect(get(pg, ROWS * COLS).every(Number.isFinite)).toBe(true);
  });
});

it('cross-entropies stay finite for probabilities of exactly 0 and 1', () => {
  for (const name of ['binaryCrossentropy', 'categoricalCrossentropy']) {
    const pred = [1, 0, 0, 0, 1, 0], label = [0, 1, 0, 1, 0, 0];
    const pg = put(6);
    const value = core.loss_forward_backward(pg, put(pred), put(label), 2, 3, getLoss(name, 't').id);
    expect(Number.isFinite(value), name).toBe(true);
    expect(value, name).toBeGreaterThan(10); // −log(1e-7) ≈ 16.1: confidently wrong costs a lot
    expect(get(pg, 6).every(Number.isFinite), name).toBe(true);
  }
});

it('metrics_update: counts and sums each requested total, across batches', () => {
  const totals = put(16); // 8 f64
  const pred = put([0.9, 0.2, 0.6, 0.4]), label = put([1, 0, 0, 1]);
  core.metrics_update(totals, pred, label, 2, 2, 0xff & ~(1 << 2));
  core.metrics_update(totals, pred, label, 2, 2, 0xff & ~(1 << 2));
  const t = new Float64Array(core.memory.buffer, totals, 8);
  // binary correct, categorical correct, sparse, Σd², Σ|d|, tp, fp, fn
  expect(Array.from(t).map((v) => +v.toFixed(6))).toEqual([4, 2, 0, 2 * (0.01 + 0.04 + 0.36 + 0.36), 2 * (0.1 + 0.2 + 0.6 + 0.6), 2, 2, 2]);
  const sparse = put(16);
  core.metrics_update(sparse, pred, put([0, 1]), 2, 2, 1 << 2);
  expect(new Float64Array(core.memory.buffer, sparse, 8)[2]).toBe(1);
});
