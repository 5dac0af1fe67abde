// The helpers apps write by hand: oneHot, argMax and confusionMatrix against TF.js's tf.oneHot,
// tf.argMax and tf.math.confusionMatrix on random data; predictClasses against predict; and
// trainTestSplit's invariants (a partition, x and y in step, seeded, stratified shares).
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, tfjsCpu } from './tfjs-cpu.js';
import { random } from './reference.js';
import { ready, sequential, layers, oneHot, argMax, predictClasses, confusionMatrix, trainTestSplit, ShapeError, ValueError } from '../src/index.js';

beforeAll(async () => {
  await tfjsCpu();
  await ready();
});

const ints = (n: number, below: number, seed: number) => { const r = random(seed); return Array.from({ length: n }, () => Math.floor(r() * below)); };

describe('oneHot, argMax and confusionMatrix match TF.js', () => {
  it('oneHot(indices, depth) is tf.oneHot', () => {
    for (const depth of [2, 3, 7]) {
      const indices = ints(50, depth, depth);
      const want = tf.oneHot(tf.tensor1d(indices, 'int32'), depth);
      expect(Array.from(oneHot(indices, depth))).toEqual(Array.from(want.dataSync()));
      expect(oneHot(Int32Array.from(indices), depth)).toEqual(oneHot(indices, depth));
      want.dispose();
    }
  });

  it('argMax(values, width) is tf.argMax over the last axis, ties to the first', () => {
    const r = random(3);
    // Values from a small set, so rows have ties.
    const values = Float32Array.from({ length: 40 * 5 }, () => Math.floor(r() * 4) / 4);
    const want = tf.argMax(tf.tensor2d(values, [40, 5]), 1);
    expect(Array.from(argMax(values, 5))).toEqual(Array.from(want.dataSync()));
    want.dispose();
  });

  it('confusionMatrix(labels, predictions, numClasses) is tf.math.confusionMatrix', () => {
    const labels = ints(200, 4, 5), predictions = ints(200, 4, 6);
    const want = tf.math.confusionMatrix(tf.tensor1d(labels, 'int32'), tf.tensor1d(predictions, 'int32'), 5);
    expect(confusionMatrix(labels, predictions, 5)).toEqual(want.arraySync());
    // Without numClasses: the largest index + 1.
    expect(confusionMatrix(labels, predictions)).toEqual((want.arraySync() as number[][]).slice(0, 4).map((row) => row.slice(0, 4)));
    want.dispose();
  });

  it('bad input is a typed error naming it', () => {
    expect(() => oneHot([0, 3], 3)).toThrow(/oneHot\(\): indices\[1\] must be an integer in \[0, 3\), got 3/);
    expect(() => oneHot([0.5], 3)).toThrow(ValueError);
    expect(() => oneHot([0], 1)).toThrow(/oneHot\(\) depth: expected an integer in \[2, /); // as tf.oneHot
    expect(() => argMax([1, 2, 3], 2)).toThrow(/argMax\(\): values hold 3 numbers, not a whole number of rows of width 2/);
    expect(() => confusionMatrix([0, 1], [0])).toThrow(ShapeError);
    expect(() => confusionMatrix([0, 2], [0, 1], 2)).toThrow(/labels\[1\] must be a class index, an integer in \[0, 2\), got 2/);
    expect(() => confusionMatrix([0, -1], [0, 1])).toThrow(ValueError);
  });
});

describe('predictClasses', () => {
  it('is argMax of predict for several units, and p > 0.5 for one', () => {
    const x = Array.from({ length: 30 }, (_, i) => [Math.sin(i), Math.cos(2 * i)]);
    const many = sequential({ inputShape: [2], seed: 1 });
    many.add(layers.dense({ units: 4, activation: 'softmax' }));
    expect(predictClasses(many, x)).toEqual(argMax(many.predict(x), 4));
    const one = sequential({ inputShape: [2], seed: 2 });
    one.add(layers.dense({ units: 1, activation: 'sigmoid', biasInitializer: 'randomNormal' }));
    const p = one.predict(x), classes = predictClasses(one, x);
    expect(Array.from(classes)).toEqual(Array.from(p, (v) => (v > 0.5 ? 1 : 0)));
    expect(new Set(classes).size).toBe(2); // both classes occur: the threshold is exercised
  });
});

describe('trainTestSplit', () => {
  const n = 103;
  const x = Array.from({ length: n }, (_, i) => [i, -i]);
  // Imbalanced classes: 0 for 60%, 1 for 30%, 2 for 10%.
  const y = Array.from({ length: n }, (_, i) => (i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2));

  it('is a partition with x and y in step, of the size asked for, shuffled by the seed', () => {
    const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, { testSize: 0.2, seed: 7 });
    expect(xTest).toHaveLength(Math.ceil(0.2 * n));
    expect(xTrain).toHaveLength(n - xTest.length);
    expect([...xTrain, ...xTest].map((r) => r[0]).sort((a, b) => a - b)).toEqual(x.map((r) => r[0]));
    [...xTrain, ...xTest].forEach((row, i) => expect([...yTrain, ...yTest][i]).toBe(y[row[0]]));
    expect(xTrain[0]).toBe(x[xTrain[0][0]]); // rows are shared, not copied
    // The same seed gives the same split; another seed another one; both are shuffled.
    expect(trainTestSplit(x, y, { testSize: 0.2, seed: 7 }).xTest).toEqual(xTest);
    expect(trainTestSplit(x, y, { testSize: 0.2, seed: 8 }).xTest).not.toEqual(xTest);
    expect(xTest.map((r) => r[0])).not.toEqual([...xTest.map((r) => r[0])].sort((a, b) => a - b));
  });

  it('stratify keeps each class\'s share in the test part, to within one example', () => {
    for (const seed of [1, 2, 3]) {
      const { yTest, yTrain } = trainTestSplit(x, y, { testSize: 0.3, seed, stratify: true });
      for (const k of [0, 1, 2]) {
        const all = y.filter((v) => v === k).length, share = (all * yTest.length) / n;
        const got = yTest.filter((v) => v === k).length;
        expect(got === Math.floor(share) || got === Math.ceil(share)).toBe(true);
        expect(got + yTrain.filter((v) => v === k).length).toBe(all);
      }
    }
    // One-hot rows are read by their argmax.
    const oneHotY = y.map((k) => [0, 1, 2].map((c) => (c === k ? 1 : 0)));
    const byRows = trainTestSplit(x, oneHotY, { testSize: 0.3, seed: 1, stratify: true });
    expect(byRows.xTest).toEqual(trainTestSplit(x, y, { testSize: 0.3, seed: 1, stratify: true }).xTest);
  });

  it('flat typed arrays are split by rows and keep their type; shuffle: false takes the last examples', () => {
    const flatX = Float32Array.from(x.flat()), flatY = Int32Array.from(y);
    const split = trainTestSplit(flatX, flatY, { testSize: 10, shuffle: false });
    expect(split.xTest).toBeInstanceOf(Float32Array);
    expect(split.yTrain).toBeInstanceOf(Int32Array);
    expect(Array.from(split.xTest)).toEqual(x.slice(n - 10).flat());
    expect(Array.from(split.yTrain)).toEqual(y.slice(0, n - 10));
    const shuffled = trainTestSplit(flatX, y, { seed: 4 });
    expect(Array.from(shuffled.xTest)).toEqual(trainTestSplit(x, y, { seed: 4 }).xTest.flat());
  });

  it('bad options and mismatched data are typed errors', () => {
    expect(() => trainTestSplit(x, y.slice(1))).toThrow(ShapeError);
    expect(() => trainTestSplit(x, y, { testSize: 1.5 })).toThrow(/testSize must be a fraction in \(0, 1\) or a whole number of examples, got 1.5/);
    expect(() => trainTestSplit(x, y, { testSize: n })).toThrow(/leaves none for training/);
    expect(() => trainTestSplit(x, y, { stratify: true, shuffle: false })).toThrow(/stratify needs shuffle: true/);
    expect(() => trainTestSplit(x, y, { seed: -1 })).toThrow(ValueError);
    expect(() => trainTestSplit(x, y, { test: 0.2 } as never)).toThrow(/unknown option "test"/);
    expect(() => trainTestSplit([[1]], [0])).toThrow(/at least 2 examples/);
  });
});
