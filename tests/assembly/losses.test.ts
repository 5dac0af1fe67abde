import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/wasm.js';
import { getLoss, losses, type Loss } from '../../src/losses.js';
import { lossValue } from '../../src/reference.js';
import { activate, maxRelativeError, numericGradient, random, randomArray } from '../reference.js';
import { freeAll, get, loadCore, put } from './core.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });
afterEach(freeAll);

const ROWS = 5, COLS = 3;

/** Predictions and labels in each loss's domain. */
function data(loss: Loss, seed: number): { pred: Float32Array; label: Float32Array } {
  const rand = random(seed);
  switch (loss.name) {
    case 'binaryCrossentropy':
      return { pred: randomArray(ROWS * COLS, rand, 0.05, 0.95), label: Float32Array.from({ length: ROWS * COLS }, () => (rand() < 0.5 ? 0 : 1)) };
    case 'hinge':
      return { pred: randomArray(ROWS * COLS, rand, -2, 2), label: Float32Array.from({ length: ROWS * COLS }, () => (rand() < 0.5 ? -1 : 1)) };
    case 'categoricalCrossentropy':
    case 'sparseCategoricalCrossentropy':
    case 'kullbackLeiblerDivergence': {
      const pred = Float32Array.from(activate('softmax', randomArray(ROWS * COLS, rand, -2, 2), ROWS, COLS));
      if (loss.sparse) return { pred, label: Float32Array.from({ length: ROWS }, () => Math.floor(rand() * COLS)) };
      const label = loss.name === 'kullbackLeiblerDivergence'
        ? Float32Array.from(activate('softmax', randomArray(ROWS * COLS, rand, -2, 2), ROWS, COLS))
        : new Float32Array(ROWS * COLS).map((_, i) => 0);
      if (loss.name !== 'kullbackLeiblerDivergence') for (let r = 0; r < ROWS; r++) label[r * COLS + Math.floor(rand() * COLS)] = 1;
      return { pred, label };
    }
    default:
      return { pred: randomArray(ROWS * COLS, rand, -2, 2), label: randomArray(ROWS * COLS, rand, -2, 2) };
  }
}

const LOSSES: [string, Loss][] = [
  ...['meanSquaredError', 'meanAbsoluteError', 'huber', 'logcosh', 'binaryCrossentropy', 'categoricalCrossentropy',
    'sparseCategoricalCrossentropy', 'hinge', 'kullbackLeiblerDivergence'].map((name) => [name, getLoss(name, 't')] as [string, Loss]),
  ['huber delta 0.3', losses.huber({ delta: 0.3 })],
  ['binary, label smoothing 0.2', losses.binaryCrossentropy({ labelSmoothing: 0.2 })],
  ['categorical, label smoothing 0.1', losses.categoricalCrossentropy({ labelSmoothing: 0.1 })],
];

describe.each(LOSSES)('%s', (_, loss) => {
  it('value matches the float64 reference; the gradient agrees with central differences', () => {
    const { pred, label } = data(loss, loss.name.length + loss.param * 10);
    const pg = put(ROWS * COLS);
    const value = core.loss_forward_backward(pg, put(pred), put(label), ROWS, COLS, loss.id, loss.param);
    expect(value).toBeCloseTo(lossValue(loss, pred, label, ROWS, COLS), 5);
    const p64 = Float64Array.from(pred);
    const numeric = numericGradient(p64, () => lossValue(loss, p64, label, ROWS, COLS));
    expect(maxRelativeError(get(pg, ROWS * COLS), numeric, 1e-4)).toBeLessThan(1e-3);
  });

  it('sample weights scale each row: Σ w·loss(row) / rows, its gradient that of the weighted reference; weights of 1 change no bit', () => {
    const { pred, label } = data(loss, loss.name.length + 5);
    const w = Float32Array.from([0.5, 2, 0, 1.25, 3]);
    const labelCols = loss.sparse ? 1 : COLS;
    const rowLoss = (p: ArrayLike<number>, r: number) => lossValue(loss, Array.from(p).slice(r * COLS, (r + 1) * COLS), Array.from(label).slice(r * labelCols, (r + 1) * labelCols), 1, COLS);
    const weighted = (p: ArrayLike<number>) => w.reduce((sum, wr, r) => sum + wr * rowLoss(p, r), 0) / ROWS;
    const pg = put(ROWS * COLS);
    const value = core.loss_forward_backward(pg, put(pred), put(label), ROWS, COLS, loss.id, loss.param, put(w), 1);
    expect(value).toBeCloseTo(weighted(pred), 5);
    const p64 = Float64Array.from(pred);
    expect(maxRelativeError(get(pg, ROWS * COLS), numericGradient(p64, () => weighted(p64)), 1e-4)).toBeLessThan(1e-3);
    // Rows of a weight 0 get no gradient at all.
    expect(get(pg, ROWS * COLS).slice(2 * COLS, 3 * COLS).every((g) => g === 0)).toBe(true);
    // Ones: the same bits as no weights; groups of rows share their example's weight.
    const plain = put(ROWS * COLS), ones = put(ROWS * COLS), grouped = put(ROWS * COLS);
    const v0 = core.loss_forward_backward(plain, put(pred), put(label), ROWS, COLS, loss.id, loss.param, 0, 1);
    const v1 = core.loss_forward_backward(ones, put(pred), put(label), ROWS, COLS, loss.id, loss.param, put(new Float32Array(ROWS).fill(1)), 1);
    const v5 = core.loss_forward_backward(grouped, put(pred), put(label), ROWS, COLS, loss.id, loss.param, put([2]), ROWS);
    expect(v1).toBe(v0);
    expect(get(ones, ROWS * COLS)).toEqual(get(plain, ROWS * COLS));
    expect(v5).toBeCloseTo(2 * v0, 10);
    expect(maxRelativeError(get(grouped, ROWS * COLS), get(plain, ROWS * COLS).map((g) => 2 * g), 1e-9)).toBeLessThan(1e-6);
  });

  it('a perfect prediction has the smallest loss', () => {
    if (loss.name === 'hinge' || loss.param > 0) return; // hinge is 0 beyond the margin; smoothing moves the optimum
    const { label } = data(loss, 3);
    const perfect = loss.sparse ? new Float32Array(ROWS * COLS).map((_, i) => (label[Math.floor(i / COLS)] === i % COLS ? 1 : 0)) : label;
    const value = core.loss_forward_backward(0, put(perfect), put(label), ROWS, COLS, loss.id, loss.param);
    expect(value).toBeLessThan(1e-5);
    expect(value).toBeGreaterThanOrEqual(-1e-7);
  });
});

describe.each([
  ['binaryCrossentropy', 'sigmoid', 0],
  ['binaryCrossentropy', 'sigmoid', 0.1],
  ['categoricalCrossentropy', 'softmax', 0],
  ['categoricalCrossentropy', 'softmax', 0.2],
  ['sparseCategoricalCrossentropy', 'softmax', 0],
] as const)('%s from logits (fused with %s), label smoothing %d', (name, activation, smoothing) => {
  const loss = name === 'sparseCategoricalCrossentropy' ? getLoss(name, 't') : losses[name]({ labelSmoothing: smoothing });

  it('equals the loss of the activated logits, and its gradient is dLoss/dz', () => {
    const { label } = data(loss, 11);
    const z = randomArray(ROWS * COLS, random(12), -3, 3);
    const pg = put(ROWS * COLS);
    const value = core.loss_from_logits(pg, put(z), put(label), ROWS, COLS, loss.id, loss.param);
    const lossOf = (logits: ArrayLike<number>) => lossValue(loss, activate(activation, logits, ROWS, COLS), label, ROWS, COLS);
    expect(value).toBeCloseTo(lossOf(z), 5);
    const z64 = Float64Array.from(z);
    expect(maxRelativeError(get(pg, ROWS * COLS), numericGradient(z64, () => lossOf(z64)), 1e-4)).toBeLessThan(1e-3);
  });

  it('sample weights scale each row as they do the loss of the activated logits', () => {
    const { label } = data(loss, 17);
    const z = randomArray(ROWS * COLS, random(18), -3, 3);
    const w = Float32Array.from([1.5, 0, 0.25, 4, 1]);
    const labelCols = loss.sparse ? 1 : COLS;
    const weighted = (logits: ArrayLike<number>) => w.reduce((sum, wr, r) => {
      const row = Array.from(logits).slice(r * COLS, (r + 1) * COLS);
      return sum + wr * lossValue(loss, activate(activation, row, 1, COLS), Array.from(label).slice(r * labelCols, (r + 1) * labelCols), 1, COLS);
    }, 0) / ROWS;
    const pg = put(ROWS * COLS);
    const value = core.loss_from_logits(pg, put(z), put(label), ROWS, COLS, loss.id, loss.param, put(w), 1);
    expect(value).toBeCloseTo(weighted(z), 5);
    const z64 = Float64Array.from(z);
    expect(maxRelativeError(get(pg, ROWS * COLS), numericGradient(z64, () => weighted(z64)), 1e-4)).toBeLessThan(1e-3);
  });

  it('stays finite for logits of ±1e4', () => {
    const { label } = data(loss, 13);
    const z = Float32Array.from({ length: ROWS * COLS }, (_, i) => (i % 2 ? 1e4 : -1e4));
    const pg = put(ROWS * COLS);
    const value = core.loss_from_logits(pg, put(z), put(label), ROWS, COLS, loss.id, loss.param);
    expect(Number.isFinite(value)).toBe(true);
    expect(get(pg, ROWS * COLS).every(Number.isFinite)).toBe(true);
  });
});

it('losses stay finite for probabilities of exactly 0 and 1', () => {
  for (const name of ['binaryCrossentropy', 'categoricalCrossentropy', 'kullbackLeiblerDivergence', 'sparseCategoricalCrossentropy']) {
    const loss = getLoss(name, 't');
    const pred = [1, 0, 0, 0, 1, 0], label = loss.sparse ? [1, 0] : [0, 1, 0, 1, 0, 0];
    const pg = put(6);
    const value = core.loss_forward_backward(pg, put(pred), put(label), 2, 3, loss.id, 0);
    expect(Number.isFinite(value), name).toBe(true);
    expect(value, name).toBeGreaterThan(5); // confidently wrong costs a lot: −log(1e-7) ≈ 16.1
    expect(get(pg, 6).every(Number.isFinite), name).toBe(true);
  }
});

it('penalty: l1·Σ|w| + l2·Σw², with its gradient added onto the gradient (none with a null gradient)', () => {
  const low = get(0, 64);
  expect(core.penalty_forward_backward(0, put([1, -1]), 2, 0.5, 0.5)).toBeCloseTo(2, 6);
  expect(get(0, 64)).toEqual(low);
  const w = [0.5, -2, 0, 1.5];
  const pg = put([1, 1, 1, 1]);
  const value = core.penalty_forward_backward(pg, put(w), 4, 0.1, 0.01);
  expect(value).toBeCloseTo(0.1 * 4 + 0.01 * (0.25 + 4 + 0 + 2.25), 6);
  const g = Array.from(get(pg, 4));
  [1 + 0.1 + 0.01, 1 - 0.1 - 0.04, 1, 1 + 0.1 + 0.03].forEach((v, i) => expect(g[i]).toBeCloseTo(v, 6));
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
