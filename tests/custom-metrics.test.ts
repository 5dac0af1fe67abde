// Metric functions in compile({ metrics }): logged under the function's name (Keras: __name__),
// with val_ versions, computed over the data once per epoch and in evaluate(), outside the training
// step, so the trained weights keep their bits. Bad functions are typed errors.
import { beforeAll, describe, expect, it } from 'vitest';
import { random } from './reference.js';
import { ready, sequential, layers, earlyStopping, ValueError, type Sequential, type Logs } from '../src/index.js';

beforeAll(() => ready());

const ROWS = 20;
const rand = random(8);
const X = Array.from({ length: ROWS }, () => [rand() * 2 - 1, rand() * 2 - 1, rand() * 2 - 1]);
const CLASSES = X.map(([a, b]) => (a + b > 0.3 ? 2 : a > b ? 1 : 0));
const Y = X.map(([a, b, c]) => [a * b - c]);

function regression(metrics: unknown[], seed = 3): Sequential {
  const model = sequential({ inputShape: [3], seed });
  model.add(layers.dense({ units: 6, activation: 'tanh' }));
  model.add(layers.dropout({ rate: 0.2 }));
  model.add(layers.dense({ units: 1 }));
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: metrics as never });
  return model;
}

// A metric written as a user would, over flat rows.
function meanError(yTrue: Float32Array, yPred: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += yPred[i] - yTrue[i];
  return sum / yTrue.length;
}
const flat = (rows: number[][]) => Float32Array.from(rows.flat());

describe('metric functions', () => {
  it('log under their name, with val_, each epoch: the function over every training (held-out) row with the weights the epoch leaves', async () => {
    const maxError = (yTrue: Float32Array, yPred: Float32Array) => yTrue.reduce((m, y, i) => Math.max(m, Math.abs(yPred[i] - y)), 0);
    const model = regression([meanError, 'mae', maxError]);
    const seen: Logs[] = [];
    const expected: Logs[] = [];
    const history = await model.fit(X, Y, {
      epochs: 3, batchSize: 6, validationSplit: 0.25,
      callbacks: {
        onEpochEnd: (_, logs) => {
          seen.push({ ...logs });
          const train = model.predict(X.slice(0, 15)), held = model.predict(X.slice(15));
          expected.push({ meanError: meanError(flat(Y.slice(0, 15)), train), val_meanError: meanError(flat(Y.slice(15)), held), maxError: maxError(flat(Y.slice(0, 15)), train) });
        },
      },
    });
    expect(Object.keys(history.history).sort()).toEqual(['loss', 'lr', 'mae', 'maxError', 'meanError', 'val_loss', 'val_mae', 'val_maxError', 'val_meanError']);
    seen.forEach((logs, e) => {
      for (const key of ['meanError', 'val_meanError', 'maxError']) expect(logs[key]).toBeCloseTo(expected[e][key], 6);
      expect(history.history.meanError[e]).toBe(logs.meanError);
    });
    // Over the weights after the epoch, not a running mean during it: unlike the built-in mae, the
    // last epoch's figure is exactly what evaluate() gives.
    const scores = model.evaluate(X.slice(0, 15), Y.slice(0, 15));
    expect(scores.meanError).toBeCloseTo(history.history.meanError[2], 6);
    expect(Object.keys(scores).sort()).toEqual(['loss', 'mae', 'maxError', 'meanError']);
  });

  it('agree with the built-in metric they restate (mse over the data, in evaluate)', () => {
    const mse = (yTrue: Float32Array, yPred: Float32Array) => yTrue.reduce((s, y, i) => s + (yPred[i] - y) ** 2, 0) / yTrue.length;
    const model = regression(['mse', Object.defineProperty(mse, 'name', { value: 'mySquaredError' })]);
    const scores = model.evaluate(X, Y, { batchSize: 7 });
    expect(scores.mySquaredError).toBeCloseTo(scores.mse, 6);
  });

  it('see the labels as fit() took them (class indices for a sparse loss) and the outputs as predict() returns them', async () => {
    const model = sequential({ inputShape: [3], seed: 2 });
    model.add(layers.dense({ units: 3, activation: 'softmax' }));
    let shapes: number[] = [];
    const classAccuracy = (yTrue: Float32Array, yPred: Float32Array) => {
      shapes = [yTrue.length, yPred.length];
      let correct = 0;
      for (let r = 0; r < yTrue.length; r++) {
        const row = Array.from(yPred.subarray(r * 3, r * 3 + 3));
        if (row.indexOf(Math.max(...row)) === yTrue[r]) correct++;
      }
      return correct / yTrue.length;
    };
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy', classAccuracy] });
    const history = await model.fit(X, CLASSES, { epochs: 2, batchSize: 32 });
    expect(shapes).toEqual([ROWS, ROWS * 3]);
    // One batch of all rows, no dropout: the built-in accuracy saw the weights before the step.
    const scores = model.evaluate(X, CLASSES);
    expect(scores.classAccuracy).toBe(scores.accuracy);
    expect(history.history.classAccuracy).toHaveLength(2);
  });

  it('change no bit of training, and earlyStopping can monitor them', async () => {
    const plain = regression(['mae']), metered = regression(['mae', meanError]);
    await plain.fit(X, Y, { epochs: 4, batchSize: 5, validationSplit: 0.2 });
    await metered.fit(X, Y, { epochs: 4, batchSize: 5, validationSplit: 0.2 });
    expect(metered.getWeights()).toEqual(plain.getWeights());
    const watched = regression([meanError]);
    const h = await watched.fit(X, Y, { epochs: 30, validationSplit: 0.2, callbacks: earlyStopping({ monitor: 'val_meanError', mode: 'min', patience: 1, minDelta: 10 }) });
    expect(h.epoch).toEqual([0, 1]);
  });
});

describe('bad metric functions', () => {
  it('an anonymous function, or a name fit() logs something else under, is refused by compile()', () => {
    const model = sequential({ inputShape: [3], seed: 1 });
    model.add(layers.dense({ units: 1 }));
    const anonymous = [(a: Float32Array) => a[0]][0];
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', metrics: [anonymous] })).toThrow(ValueError);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', metrics: [anonymous] })).toThrow(/a metric function needs a name, which its logs are keyed by/);
    const named = (name: string) => Object.defineProperty(() => 0, 'name', { value: name });
    for (const name of ['loss', 'lr', 'val_score']) {
      expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', metrics: [named(name)] })).toThrow(new RegExp(`"${name}" would log under a key fit\\(\\) uses`));
    }
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae', named('mae')] })).toThrow(/metrics are listed twice: mae, mae/);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['accuracy', named('acc')] })).toThrow(/listed twice/);
  });

  it('one that throws or returns a non-number fails fit() (the model as it was) and evaluate()', async () => {
    const broken = () => { throw new RangeError('metric bug'); };
    const words = () => 'high' as unknown as number;
    for (const [fn, error, message] of [[broken, RangeError, /metric bug/], [words, ValueError, /fit\(\): the metric function "words" must return a number, got "high"/]] as const) {
      const model = regression([fn]);
      const before = model.getWeights();
      await expect(model.fit(X, Y, { epochs: 2 })).rejects.toThrow(error);
      await expect(model.fit(X, Y, { epochs: 2 })).rejects.toThrow(message);
      expect(model.getWeights()).toEqual(before);
      expect(() => model.evaluate(X, Y)).toThrow(error);
    }
  });
});
