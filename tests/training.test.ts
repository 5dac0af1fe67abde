// The catalog at work inside fit(): dropout, regularizers, sparse labels, metrics, clipping,
// schedules and callbacks, each checked against what it must do to training.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ready, sequential, layers, optimizers, regularizers, schedules, earlyStopping, reduceLROnPlateau, ValueError, type Sequential,
} from '../src/index.js';
import { random, randomArray } from './reference.js';

beforeAll(() => ready());

function blobs(n: number, seed: number) {
  const rand = random(seed);
  const x: number[][] = [], classes: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    x.push([k + (rand() - 0.5), -k + (rand() - 0.5)]);
    classes.push(k);
  }
  const oneHot = classes.map((k) => [0, 1, 2].map((c) => (c === k ? 1 : 0)));
  return { x, classes, oneHot };
}

function classifier(seed: number, extra?: (m: Sequential) => void): Sequential {
  const model = sequential({ inputShape: [2], seed });
  model.add(layers.dense({ units: 16, activation: 'relu' }));
  extra?.(model);
  model.add(layers.dense({ units: 3, activation: 'softmax' }));
  return model;
}

describe('dropout', () => {
  it('is inactive in predict and evaluate, active in training, and reproducible by seed', async () => {
    const { x, oneHot } = blobs(60, 1);
    const run = async () => {
      const model = classifier(4, (m) => m.add(layers.dropout({ rate: 0.5 })));
      model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
      const reference = classifier(4);
      reference.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
      reference.setWeights(model.getWeights());
      expect(model.predict(x)).toEqual(reference.predict(x)); // same weights, dropout off
      expect(model.evaluate(x, oneHot)).toEqual(reference.evaluate(x, oneHot));
      await model.fit(x, oneHot, { epochs: 3 });
      await reference.fit(x, oneHot, { epochs: 3 });
      expect(model.getWeights()).not.toEqual(reference.getWeights()); // dropout changed the updates
      return model.getWeights();
    };
    expect(await run()).toEqual(await run());
  });
});

describe('regularizers', () => {
  it('add l2·Σw² to the loss and pull weights toward zero', async () => {
    const x = randomArray(40 * 3, random(2)), y = randomArray(40, random(3));
    const build = (l2: number) => {
      const m = sequential({ inputShape: [3], seed: 1 });
      m.add(layers.dense({ units: 1, kernelRegularizer: l2 ? regularizers.l2({ l2 }) : undefined }));
      m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
      return m;
    };
    const plain = build(0), penalized = build(0.5);
    const kernel = penalized.getWeights()[0];
    const penalty = 0.5 * kernel.reduce((s, w) => s + w * w, 0);
    expect(penalized.computeLoss(x, y)).toBeCloseTo(plain.computeLoss(x, y) + penalty, 5);
    await plain.fit(x, y, { epochs: 30 });
    await penalized.fit(x, y, { epochs: 30 });
    const norm = (m: Sequential) => m.getWeights()[0].reduce((s, w) => s + w * w, 0);
    expect(norm(penalized)).toBeLessThan(norm(plain));
  });
});

describe('sparse labels', () => {
  it('sparseCategoricalCrossentropy on class indices trains exactly like categorical on one-hot rows', async () => {
    const { x, classes, oneHot } = blobs(45, 2);
    const a = classifier(3), b = classifier(3);
    a.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    b.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const ha = await a.fit(x, classes, { epochs: 5, batchSize: 8 });
    const hb = await b.fit(x, oneHot, { epochs: 5, batchSize: 8 });
    expect(a.getWeights()).toEqual(b.getWeights());
    expect(ha.history.accuracy).toEqual(hb.history.accuracy);
  });

  it('rejects labels that are not class indices in range', () => {
    const model = classifier(1);
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    expect(() => model.trainOnBatch([[0, 0]], [3])).toThrow(/takes class indices, integers in \[0, 2\], got 3 at row 0/);
    expect(() => model.evaluate([[0, 0]], [1.5])).toThrow(ValueError);
    expect(() => model.trainOnBatch([[0, 0]], [[0, 1, 0]])).toThrow(/got width 3/);
    model.trainOnBatch([[0, 0]], [2]);
  });
});

describe('metrics', () => {
  it('evaluate reports every compiled metric as computed from predict', () => {
    const model = sequential({ inputShape: [2], seed: 3 });
    model.add(layers.dense({ units: 1, activation: 'sigmoid', biasInitializer: 'randomNormal' }));
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy', 'precision', 'recall', 'mse', 'mae'] });
    const x = Array.from({ length: 20 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
    const y = x.map((_, i) => [i % 3 === 0 ? 1 : 0]);
    const p = Array.from(model.predict(x));
    const yes = p.map((v) => v > 0.5), truth = y.map((r) => r[0] === 1);
    const tp = yes.filter((v, i) => v && truth[i]).length, fp = yes.filter((v, i) => v && !truth[i]).length;
    const fn = yes.filter((v, i) => !v && truth[i]).length;
    const scores = model.evaluate(x, y, { batchSize: 7 });
    expect(scores.accuracy).toBeCloseTo(yes.filter((v, i) => v === truth[i]).length / 20, 6);
    expect(scores.precision).toBeCloseTo(tp + fp ? tp / (tp + fp) : 0, 6);
    expect(scores.recall).toBeCloseTo(tp + fn ? tp / (tp + fn) : 0, 6);
    expect(scores.mse).toBeCloseTo(p.reduce((s, v, i) => s + (v - y[i][0]) ** 2, 0) / 20, 5);
    expect(scores.mae).toBeCloseTo(p.reduce((s, v, i) => s + Math.abs(v - y[i][0]), 0) / 20, 5);
  });
});

describe('gradient clipping', () => {
  it('clipNorm bounds the step: with lr 1 the weights move by at most clipNorm', () => {
    const model = sequential({ inputShape: [3], seed: 1 });
    model.add(layers.dense({ units: 2 }));
    model.compile({ optimizer: optimizers.sgd({ learningRate: 1, clipNorm: 0.1 }), loss: 'meanSquaredError' });
    const before = model.getWeights();
    model.trainOnBatch([[10, -20, 30]], [[100, -100]]);
    const after = model.getWeights();
    const step = Math.sqrt(before.reduce((s, w, t) => s + w.reduce((q, v, i) => q + (after[t][i] - v) ** 2, 0), 0));
    expect(step).toBeCloseTo(0.1, 4);
  });
});

describe('learning-rate schedules', () => {
  it('follow their formulas', () => {
    const exp = schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    expect(exp.at(0)).toBe(0.1);
    expect(exp.at(10)).toBeCloseTo(0.05, 12);
    expect(exp.at(5)).toBeCloseTo(0.1 * Math.SQRT1_2, 12);
    const stair = schedules.stepDecay({ initialLearningRate: 1, stepSize: 3, factor: 0.1 });
    expect([0, 2, 3, 6].map((s) => stair.at(s))).toEqual([1, 1, 0.1, 0.1 ** 2].map((v) => expect.closeTo(v, 12)));
    const piece = schedules.piecewiseConstantDecay({ boundaries: [2, 5], values: [1, 0.5, 0.1] });
    expect([0, 2, 3, 5, 6].map((s) => piece.at(s))).toEqual([1, 1, 0.5, 0.5, 0.1]);
    const cos = schedules.cosineDecay({ initialLearningRate: 0, warmupTarget: 1, warmupSteps: 4, decaySteps: 10, alpha: 0.1 });
    expect(cos.at(2)).toBeCloseTo(0.5, 12);
    expect(cos.at(4)).toBeCloseTo(1, 12);
    expect(cos.at(9)).toBeCloseTo(0.1 + 0.9 * 0.5, 12);
    expect(cos.at(100)).toBeCloseTo(0.1, 12);
    expect(() => schedules.piecewiseConstantDecay({ boundaries: [2], values: [1] })).toThrow(/one more entry/);
  });

  it('set the rate at every step, and the logs show the rate in force', async () => {
    const x = randomArray(8 * 2, random(1)), y = randomArray(8, random(2));
    const schedule = schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 4, decayRate: 0.5, staircase: true });
    const model = sequential({ inputShape: [2], seed: 1 });
    model.add(layers.dense({ units: 1 }));
    model.compile({ optimizer: optimizers.sgd({ learningRate: schedule }), loss: 'mse' });
    const history = await model.fit(x, y, { epochs: 3, batchSize: 2 }); // 4 steps an epoch
    expect(history.history.lr).toEqual([0.1, 0.05, 0.025].map((v) => expect.closeTo(v, 9)));
    expect(() => { model.learningRate = 1; }).toThrow(/follows the exponentialDecay schedule/);
    for (let i = 0; i < 5; i++) model.trainOnBatch(x, y); // steps 12..16: trainOnBatch follows it too
    expect(model.learningRate).toBeCloseTo(schedule.at(16), 12);
  });

  it('epoch logs average over the rows actually trained when training stops early', async () => {
    const x = randomArray(8 * 2, random(1)), y = randomArray(8, random(2));
    const model = sequential({ inputShape: [2], seed: 1 });
    model.add(layers.dense({ units: 1 }));
    model.compile({ optimizer: optimizers.sgd({ learningRate: 1e-9 }), loss: 'mse' });
    const before = model.computeLoss(x.subarray(0, 4), y.subarray(0, 2));
    const history = await model.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, callbacks: { onBatchEnd: () => { model.stopTraining = true; } } });
    expect(history.history.loss[0]).toBeCloseTo(model.computeLoss(x.subarray(0, 4), y.subarray(0, 2)), 6);
    expect(history.history.loss[0]).toBeCloseTo(before, 6);
  });
});

describe('callbacks', () => {
  it('earlyStopping stops after `patience` epochs without improvement and restores the best weights', async () => {
    const { x, oneHot } = blobs(30, 3);
    const model = classifier(2);
    // A huge learning rate makes validation loss worse from the first epoch on.
    model.compile({ optimizer: optimizers.sgd({ learningRate: 50 }), loss: 'categoricalCrossentropy' });
    let best: Float32Array[] = [];
    let bestLoss = Infinity;
    const watch = { onEpochEnd: (_: number, logs: Record<string, number>) => {
      if (logs.val_loss < bestLoss) {
        bestLoss = logs.val_loss;
        best = model.getWeights();
      }
    } };
    const history = await model.fit(x, oneHot, {
      epochs: 50, validationSplit: 0.3, callbacks: [watch, earlyStopping({ patience: 2, restoreBestWeights: true })],
    });
    expect(history.epoch.length).toBeLessThan(50);
    expect(model.getWeights()).toEqual(best);
  });

  it('reduceLROnPlateau cuts the rate when the monitor stalls', async () => {
    const x = randomArray(8 * 2, random(1)), y = randomArray(8, random(2));
    const model = sequential({ inputShape: [2], seed: 1 });
    model.add(layers.dense({ units: 1 }));
    model.compile({ optimizer: optimizers.sgd({ learningRate: 1e-9 }), loss: 'mse' });
    const history = await model.fit(x, y, { epochs: 6, callbacks: reduceLROnPlateau({ monitor: 'loss', patience: 2, factor: 0.5 }) });
    // Two epochs without improvement (patience 2) cut the rate, in force from the next epoch on.
    expect(history.history.lr).toEqual([1e-9, 1e-9, 1e-9, 5e-10, 5e-10, 2.5e-10].map((v) => expect.closeTo(v, 20)));
  });

  it('a monitor that is not in the logs is an error naming the logs there are', async () => {
    const model = classifier(1);
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const { x, oneHot } = blobs(6, 1);
    await expect(model.fit(x, oneHot, { callbacks: [earlyStopping()] })).rejects.toThrow(/monitor "val_loss" is not in the logs \(loss, lr\)/);
  });
});


describe('divergence', () => {
  it('a rejected trainOnBatch leaves the model exactly as before that call, earlier steps included', async () => {
    const { DivergenceError } = await import('../src/index.js');
    const x = [[0.5, -1], [1, 0.25], [-0.5, 0.75], [0.2, 0.1]], y = [[1], [0], [1], [0]];
    const model = sequential({ inputShape: [2], seed: 4 });
    model.add(layers.dense({ units: 3, activation: 'tanh' }));
    model.add(layers.dropout({ rate: 0.5 }));
    model.add(layers.dense({ units: 1 }));
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'mse' });
    model.trainOnBatch(x, y);
    model.trainOnBatch(x, y);
    const weights = model.getWeights(), state = model.getOptimizerState();
    // One label far beyond what float32 can square: the loss overflows, and only this call fails.
    expect(() => model.trainOnBatch(x, [[1], [0], [1], [1e30]])).toThrow(DivergenceError);
    expect(model.getWeights()).toEqual(weights);
    const after = model.getOptimizerState();
    expect(after.step).toBe(state.step);
    expect(after.slots).toEqual(state.slots); // Adam's moments are not reset
    expect(after.rng).toEqual(state.rng); // nor is the dropout stream advanced
  });

  it('a step whose update overflows is not adopted: weights and moments stay as before it', async () => {
    const { DivergenceError } = await import('../src/index.js');
    const x = [[0.5, -1], [1, 0.25]], y = [[1], [0]];
    const model = sequential({ inputShape: [2], seed: 4 });
    model.add(layers.dense({ units: 1 }));
    model.compile({ optimizer: optimizers.sgd({ learningRate: 3e38, momentum: 0.9 }), loss: 'mse' });
    const weights = model.getWeights(), state = model.getOptimizerState();
    // The loss and gradient are finite; lr·g is not.
    expect(() => model.trainOnBatch(x, y)).toThrow(DivergenceError);
    expect(model.getWeights()).toEqual(weights);
    expect(model.getOptimizerState()).toEqual(state);
  });

  it('a diverging fit puts back the weights it started from, and a sane rate then trains on', async () => {
    const { DivergenceError } = await import('../src/index.js');
    const x = Array.from({ length: 16 }, (_, i) => [i / 4, -i / 4]), y = x.map(([a]) => [2 * a]);
    const model = sequential({ inputShape: [2], seed: 1 });
    model.add(layers.dense({ units: 4, activation: 'relu' }));
    model.add(layers.dense({ units: 1 }));
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.01 }), loss: 'mse' });
    await model.fit(x, y, { epochs: 5, batchSize: 4, shuffle: false });
    const weights = model.getWeights(), state = model.getOptimizerState(), loss = model.computeLoss(x, y);
    // A huge rate: the weights grow by orders of magnitude each step until they overflow. The
    // "last finite" weights would be ~1e30; the ones before this fit() are known to be sane.
    model.learningRate = 50;
    const error = await model.fit(x, y, { epochs: 50, batchSize: 4 }).catch((e) => e);
    expect(error).toBeInstanceOf(DivergenceError);
    expect(model.getWeights()).toEqual(weights);
    expect(model.getOptimizerState()).toEqual(state);
    expect(model.learningRate).toBe(50);
    model.learningRate = 0.01;
    await model.fit(x, y, { epochs: 20, batchSize: 4 });
    expect(model.computeLoss(x, y)).toBeLessThan(loss);
  });

  it('fit stops with a DivergenceError naming epoch and batch, and the weights stay finite', async () => {
    const { DivergenceError } = await import('../src/index.js');
    const x = Array.from({ length: 16 }, (_, i) => [i, -i]), y = x.map(([a]) => [10 * a]);
    const model = sequential({ inputShape: [2], seed: 1 });
    model.add(layers.dense({ units: 1 }));
    // Too large a rate: every step overshoots further, until the squared error overflows float32.
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.05 }), loss: 'mse' });
    let error: unknown;
    const printed: string[] = [], log = console.log;
    console.log = (line: string) => printed.push(line);
    try { await model.fit(x, y, { epochs: 50, batchSize: 4, verbose: 2 }); } catch (e) { error = e; } finally { console.log = log; }
    expect(error).toBeInstanceOf(DivergenceError);
    const { epoch, batch, loss } = error as InstanceType<typeof DivergenceError>;
    expect(Number.isFinite(loss)).toBe(false);
    // The message counts epochs as verbose does (from 1): the epoch after the last one printed.
    expect(epoch).toBeGreaterThan(0);
    expect(printed).toHaveLength(epoch);
    expect(printed.at(-1)).toMatch(new RegExp(`^Epoch ${epoch}/50 `));
    expect((error as Error).message).toContain(`diverged in epoch ${epoch + 1}/50 (counted from 1, as verbose prints it; error.epoch is ${epoch}, counted from 0`);
    expect((error as Error).message).toContain(`at its batch ${batch} (from 0)`);
    expect(model.getWeights().every((w) => w.every(Number.isFinite))).toBe(true);
    // The model stays usable: a sane learning rate trains it on.
    model.learningRate = 1e-4;
    model.setWeights(model.getWeights().map((w) => w.map(() => 0.01)));
    await model.fit(x, y, { epochs: 2 });
  });
});
