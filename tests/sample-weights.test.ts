// classWeight and sampleWeight. classWeight is checked against TF.js 4.22's own fit({ classWeight })
// on the same initial weights and data (no shuffling): the losses it logs, val_loss, and the
// weights after a few epochs, to 1e-4 relative. sampleWeight (Keras; TF.js has none) is checked by
// what it must equal: repeating examples, training without the zero-weight rows, and classWeight
// given as the same per-row weights. Bad weights are typed errors that leave the model as it was.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from './close.js';
import { tf, tfjsCpu } from './tfjs-cpu.js';
import { random } from './reference.js';
import { ready, sequential, layers, optimizers, regularizers, ShapeError, ValueError, type Sequential } from '../src/index.js';

beforeAll(async () => {
  await tfjsCpu();
  await ready();
});

const ROWS = 12, INPUTS = 4;
const rand = random(5);
const X = Array.from({ length: ROWS }, () => Array.from({ length: INPUTS }, () => rand() * 2 - 1));
const CLASSES = [0, 1, 2, 1, 1, 0, 2, 1, 0, 1, 2, 0];
const ONE_HOT = CLASSES.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
const BINARY = CLASSES.map((c) => [c === 1 ? 1 : 0]);

interface Case {
  units: number[];
  activations: ('tanh' | 'relu' | 'softmax' | 'sigmoid')[];
  loss: 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'binaryCrossentropy';
  labels: number[][];
  neuriteLabels: number[][] | number[];
  classWeight: Record<number, number>;
  optimizer: () => [ReturnType<typeof optimizers.sgd>, tf.Optimizer];
  l2?: number;
  validationSplit?: number;
  batchSize: number;
  epochs: number;
}

const CASES: Record<string, Case> = {
  'one-hot labels (argmax), an l2 penalty, validationSplit, a last batch of 1': {
    units: [6, 3], activations: ['tanh', 'softmax'], loss: 'categoricalCrossentropy', labels: ONE_HOT, neuriteLabels: ONE_HOT,
    classWeight: { 0: 1, 1: 3.5, 2: 0.25 }, optimizer: () => [optimizers.sgd({ learningRate: 0.2 }), tf.train.sgd(0.2)],
    l2: 0.01, validationSplit: 0.2, batchSize: 4, epochs: 3,
  },
  'class indices (sparse loss)': {
    units: [5, 3], activations: ['relu', 'softmax'], loss: 'sparseCategoricalCrossentropy', labels: CLASSES.map((c) => [c]), neuriteLabels: CLASSES,
    classWeight: { 0: 2, 1: 1, 2: 0.5 }, optimizer: () => [optimizers.adam({ learningRate: 0.05 }), tf.train.adam(0.05, 0.9, 0.999, 1e-7)],
    batchSize: 5, epochs: 3,
  },
  'one sigmoid unit, 0/1 labels': {
    units: [5, 1], activations: ['tanh', 'sigmoid'], loss: 'binaryCrossentropy', labels: BINARY, neuriteLabels: BINARY,
    classWeight: { 0: 0.4, 1: 2.5 }, optimizer: () => [optimizers.sgd({ learningRate: 0.3, momentum: 0.5 }), tf.train.momentum(0.3, 0.5)],
    batchSize: 5, epochs: 4,
  },
};

describe.each(Object.entries(CASES))('fit({ classWeight }) matches TF.js: %s', (_, c) => {
  it('per-epoch loss (and val_loss, unweighted) and the trained weights', async () => {
    const [neuriteOptimizer, tfOptimizer] = c.optimizer();
    const model = sequential({ inputShape: [INPUTS], seed: 3 });
    c.units.forEach((units, i) => model.add(layers.dense({ units, activation: c.activations[i], kernelRegularizer: i === 0 && c.l2 ? regularizers.l2({ l2: c.l2 }) : undefined })));
    model.compile({ optimizer: neuriteOptimizer, loss: c.loss });
    const initial = model.getWeights();

    const reference = tf.sequential();
    c.units.forEach((units, i) => reference.add(tf.layers.dense({ units, activation: c.activations[i], inputShape: i === 0 ? [INPUTS] : undefined, kernelRegularizer: i === 0 && c.l2 ? tf.regularizers.l2({ l2: c.l2 }) : undefined })));
    let fanIn = INPUTS;
    const tensors = c.units.flatMap((units, i) => {
      const pair = [tf.tensor2d(initial[2 * i], [fanIn, units]), tf.tensor1d(initial[2 * i + 1])];
      fanIn = units;
      return pair;
    });
    reference.setWeights(tensors);
    reference.compile({ optimizer: tfOptimizer, loss: c.loss });
    const [xs, ys] = [tf.tensor2d(X), tf.tensor2d(c.labels)];
    const config = { epochs: c.epochs, batchSize: c.batchSize, shuffle: false, classWeight: c.classWeight, validationSplit: c.validationSplit };
    // TF.js leaves the regularizer penalty out of val_loss (its evaluate has no penalty); neurite
    // includes it, as Keras does: it is added to TF.js's figure, from TF.js's own weights.
    const penalties: number[] = [];
    const penalty = { onEpochEnd: async () => { penalties.push(c.l2 ? c.l2 * reference.getWeights()[0].dataSync().reduce((s, v) => s + v * v, 0) : 0); } };
    const want = await reference.fit(xs, ys, { ...config, verbose: 0, callbacks: penalty });
    const got = await model.fit(X, c.neuriteLabels, config);

    expectClose(got.history.loss, want.history.loss as number[], 'loss');
    if (c.validationSplit) expectClose(got.history.val_loss, (want.history.val_loss as number[]).map((v, e) => v + penalties[e]), 'val_loss');
    const trained = reference.getWeights().map((t) => t.dataSync());
    model.getWeights().forEach((w, i) => expectClose(w, trained[i], `weight ${i}`));
    // The weights matter: the same fit without them ends elsewhere.
    const plain = sequential({ inputShape: [INPUTS], seed: 3 });
    c.units.forEach((units, i) => plain.add(layers.dense({ units, activation: c.activations[i] })));
    plain.compile({ optimizer: c.optimizer()[0], loss: c.loss });
    plain.setWeights(initial);
    const unweighted = await plain.fit(X, c.neuriteLabels, { ...config, classWeight: undefined });
    expect(Math.abs(unweighted.history.loss[0] - got.history.loss[0])).toBeGreaterThan(1e-3);
    tf.dispose([xs, ys, ...tensors]);
    reference.dispose();
  });
});

/** A 4→5→1 regression model with fixed weights. */
function regression(seed = 2): Sequential {
  const model = sequential({ inputShape: [INPUTS], seed });
  model.add(layers.dense({ units: 5, activation: 'tanh' }));
  model.add(layers.dense({ units: 1 }));
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'meanSquaredError', metrics: ['mae'] });
  return model;
}

const Y = X.map((row) => [row[0] - 2 * row[1] + row[2] * row[3]]);

describe('sampleWeight', () => {
  it('a weight of k counts as the example repeated k times (same rows in all, one batch): fit, trainOnBatch, evaluate', async () => {
    // Weights summing to the row count, so both means divide by the same number.
    const w = [2, 0, 1, 1, 3, 0, 1, 0, 2, 1, 0, 1];
    const repeatedX = X.flatMap((row, i) => Array.from({ length: w[i] }, () => row));
    const repeatedY = Y.flatMap((row, i) => Array.from({ length: w[i] }, () => row));
    expect(repeatedX.length).toBe(ROWS);
    const weighted = regression(), repeated = regression();
    const a = await weighted.fit(X, Y, { epochs: 3, batchSize: ROWS, sampleWeight: w });
    const b = await repeated.fit(repeatedX, repeatedY, { epochs: 3, batchSize: ROWS });
    expectClose(a.history.loss, b.history.loss, 'loss', 1e-6);
    weighted.getWeights().forEach((t, i) => expectClose(t, repeated.getWeights()[i], `weight ${i}`, 1e-5));
    expectClose([weighted.trainOnBatch(X, Y, { sampleWeight: w })], [repeated.trainOnBatch(repeatedX, repeatedY)], 'trainOnBatch', 1e-6);
    weighted.getWeights().forEach((t, i) => expectClose(t, repeated.getWeights()[i], `weight ${i} after trainOnBatch`, 1e-5));
    // evaluate: the loss weighted, in batches of any size; metrics not (mae over all 12 rows).
    const scores = weighted.evaluate(X, Y, { sampleWeight: w, batchSize: 5 });
    expectClose([scores.loss], [repeated.evaluate(repeatedX, repeatedY).loss], 'evaluate loss', 1e-6);
    expect(scores.mae).toBe(weighted.evaluate(X, Y).mae);
    expect(scores.loss).not.toBeCloseTo(weighted.evaluate(X, Y).loss, 4);
  });

  it('is gathered with the shuffled rows: zero-weight rows change nothing (batch size 1, plain SGD)', async () => {
    // Three copies of one example weigh 1, every other row 0: in any order, three steps on it.
    const x = [X[0], X[1], X[0], X[2], X[3], X[0], X[4]], y = [Y[0], Y[1], Y[0], Y[2], Y[3], Y[0], Y[4]];
    const w = Float32Array.from([1, 0, 1, 0, 0, 1, 0]);
    const make = () => {
      const m = sequential({ inputShape: [INPUTS], seed: 9 });
      m.add(layers.dense({ units: 3, activation: 'tanh' }));
      m.add(layers.dense({ units: 1 }));
      m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
      return m;
    };
    const fitted = make(), stepped = make();
    await fitted.fit(x, y, { epochs: 1, batchSize: 1, shuffle: true, sampleWeight: w });
    for (let i = 0; i < 3; i++) stepped.trainOnBatch([X[0]], [Y[0]]);
    expect(fitted.getWeights()).toEqual(stepped.getWeights());
  });

  it('weights of 1, or classWeight of 1s, give the same bits as no weights (shuffled, with dropout)', async () => {
    const make = () => {
      const m = sequential({ inputShape: [INPUTS], seed: 4 });
      m.add(layers.dense({ units: 8, activation: 'relu' }));
      m.add(layers.dropout({ rate: 0.3 }));
      m.add(layers.dense({ units: 3, activation: 'softmax' }));
      m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
      return m;
    };
    const plain = make(), ones = make(), classes = make();
    const config = { epochs: 3, batchSize: 5, validationSplit: 0.25 };
    const h0 = await plain.fit(X, ONE_HOT, config);
    const h1 = await ones.fit(X, ONE_HOT, { ...config, sampleWeight: new Array(ROWS).fill(1) });
    const h2 = await classes.fit(X, ONE_HOT, { ...config, classWeight: [1, 1, 1] });
    expect(h1.history).toEqual(h0.history);
    expect(h2.history).toEqual(h0.history);
    expect(ones.getWeights()).toEqual(plain.getWeights());
    expect(classes.getWeights()).toEqual(plain.getWeights());
  });

  it('classWeight equals sampleWeight of each row\'s class weight, and both together multiply (Keras)', async () => {
    const classWeight = { 0: 0.5, 1: 2, 2: 1.5 };
    const perRow = CLASSES.map((c) => classWeight[c as 0 | 1 | 2]);
    const make = () => {
      const m = sequential({ inputShape: [INPUTS], seed: 6 });
      m.add(layers.dense({ units: 3, activation: 'softmax' }));
      m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
      return m;
    };
    const a = make(), b = make(), c = make();
    const config = { epochs: 2, batchSize: 4 };
    const sample = CLASSES.map((_, i) => 1 + (i % 3));
    const ha = await a.fit(X, ONE_HOT, { ...config, classWeight });
    const hb = await b.fit(X, ONE_HOT, { ...config, sampleWeight: perRow });
    expect(hb.history).toEqual(ha.history);
    expect(b.getWeights()).toEqual(a.getWeights());
    const both = await c.fit(X, ONE_HOT, { ...config, classWeight, sampleWeight: sample });
    const d = make();
    const product = await d.fit(X, ONE_HOT, { ...config, sampleWeight: perRow.map((w, i) => w * sample[i]) });
    expect(both.history).toEqual(product.history);
  });

  it('weighs val_loss with the held-out rows\' weights (validationSplit, or validationData [x, y, w]); classWeight never does', async () => {
    const w = Array.from({ length: ROWS }, (_, i) => (i % 4) * 0.5);
    const split = regression();
    const h = await split.fit(X, Y, { epochs: 1, batchSize: 4, validationSplit: 0.25, sampleWeight: w, shuffle: false });
    const held = { x: X.slice(9), y: Y.slice(9), w: w.slice(9) };
    expect(h.history.val_loss[0]).toBeCloseTo(split.evaluate(held.x, held.y, { sampleWeight: held.w }).loss, 6);
    const data = regression();
    const hd = await data.fit(X.slice(0, 9), Y.slice(0, 9), { epochs: 1, batchSize: 4, validationData: [held.x, held.y, held.w], sampleWeight: w.slice(0, 9), shuffle: false });
    expect(hd.history.val_loss[0]).toBeCloseTo(data.evaluate(held.x, held.y, { sampleWeight: held.w }).loss, 6);
    expect(data.getWeights()).toEqual(split.getWeights());
    const classes = sequential({ inputShape: [INPUTS], seed: 1 });
    classes.add(layers.dense({ units: 3, activation: 'softmax' }));
    classes.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const hc = await classes.fit(X, ONE_HOT, { epochs: 1, validationSplit: 0.25, classWeight: { 0: 5, 1: 0.1, 2: 1 } });
    expect(hc.history.val_loss[0]).toBeCloseTo(classes.evaluate(X.slice(9), ONE_HOT.slice(9)).loss, 6);
  });
});

describe('bad weights are typed errors, and the model is left as it was', () => {
  let model: Sequential, classifier: Sequential;
  beforeAll(() => {
    model = regression(12);
    classifier = sequential({ inputShape: [INPUTS], seed: 1 });
    classifier.add(layers.dense({ units: 3, activation: 'softmax' }));
    classifier.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  });

  it.each([
    ['a wrong length', { sampleWeight: [1, 2, 3] }, ShapeError, /sampleWeight: expected one weight per example, 12, got 3/],
    ['a negative weight', { sampleWeight: X.map((_, i) => (i === 4 ? -1 : 1)) }, ValueError, /sampleWeight: expected finite weights ≥ 0, got -1 at row 4/],
    ['NaN', { sampleWeight: Float32Array.from(X, (_, i) => (i === 7 ? NaN : 1)) }, ValueError, /sampleWeight: expected finite weights ≥ 0, got NaN at row 7/],
    ['NaN in a number[]', { sampleWeight: X.map((_, i) => (i === 2 ? NaN : 1)) }, ValueError, /sampleWeight: expected finite float32 numbers, got NaN at \[2\]/],
    ['weights as rows of 2', { sampleWeight: X.map(() => [1, 1]) }, ShapeError, /sampleWeight/],
  ])('fit(): sampleWeight with %s', async (_, config, type, message) => {
    const before = model.getWeights();
    await expect(model.fit(X, Y, config as never)).rejects.toThrow(type);
    await expect(model.fit(X, Y, config as never)).rejects.toThrow(message);
    expect(() => model.trainOnBatch(X, Y, config as never)).toThrow(message);
    expect(() => model.evaluate(X, Y, config as never)).toThrow(message);
    expect(model.getWeights()).toEqual(before);
  });

  it.each([
    ['a class missing from the map', { 0: 1, 2: 1 }, /the labels hold class 1 \(at row 1\), which classWeight does not list; it must list every class in the training data \(it has 0, 2\)/],
    ['a negative weight', { 0: 1, 1: -2, 2: 1 }, /the weight of class 1 must be a finite float32 number ≥ 0, got -2/],
    ['NaN', { 0: 1, 1: NaN, 2: 1 }, /the weight of class 1 must be a finite float32 number ≥ 0, got NaN/],
    ['a key that is not a class index', { 0: 1, 1: 1, 2: 1, cat: 3 }, /keys are class indices \(integers ≥ 0\), got "cat"/],
    ['not a map', 'balanced', /expected a map from class index to weight/],
  ])('fit(): classWeight with %s', async (_, classWeight, message) => {
    const before = classifier.getWeights();
    await expect(classifier.fit(X, ONE_HOT, { classWeight: classWeight as never })).rejects.toThrow(ValueError);
    await expect(classifier.fit(X, ONE_HOT, { classWeight: classWeight as never })).rejects.toThrow(message);
    expect(() => classifier.trainOnBatch(X, ONE_HOT, { classWeight: classWeight as never })).toThrow(message);
    expect(classifier.getWeights()).toEqual(before);
  });

  it('classWeight needs one class per example; evaluate() takes no classWeight (as Keras)', async () => {
    const sequence = sequential({ inputShape: [3, 2], seed: 1 });
    sequence.add(layers.dense({ units: 2, activation: 'softmax' }));
    sequence.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const x = [[[0, 1], [1, 0], [1, 1]]], y = [[[1, 0], [0, 1], [1, 0]]];
    await expect(sequence.fit(x, y, { classWeight: { 0: 1, 1: 1 } })).rejects.toThrow(/classWeight: needs one class per example, but the output has shape \[3, 2\]/);
    // sampleWeight weighs every row of an example.
    await expect(sequence.fit(x, y, { sampleWeight: [2] })).resolves.toBeDefined();
    expect(() => classifier.evaluate(X, ONE_HOT, { classWeight: { 0: 1 } } as never)).toThrow(/evaluate\(\): unknown option "classWeight"/);
  });
});
