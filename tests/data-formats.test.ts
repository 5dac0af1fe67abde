// Data in the forms users have it: flat Int32Array class indices, Float64Array rows from other
// libraries, Uint8ClampedArray pixels, Float32Array[] rows, flat number[] labels. Each is converted
// to float32 once, checked as it is copied, and trains exactly as the same values as Float32Array.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, sequential, layers, ShapeError, ValueError } from '../src/index.js';

beforeAll(() => ready());

const X = [[0.1, 0.9], [0.8, 0.2], [0.5, 0.5], [0.9, 0.9], [0.2, 0.1], [0.7, 0.4]];
const CLASSES = [1, 0, 2, 2, 0, 1];

function sparseModel() {
  const model = sequential({ inputShape: [2], seed: 5 });
  model.add(layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

describe('other typed arrays are converted once and train as their float32 values', () => {
  it('Float64Array x and Int32Array class indices give the bits Float32Array gives', async () => {
    const [a, b] = [sparseModel(), sparseModel()];
    const ha = await a.fit(new Float32Array(X.flat()), new Float32Array(CLASSES), { epochs: 3, batchSize: 2 });
    const hb = await b.fit(new Float64Array(X.flat()), new Int32Array(CLASSES), { epochs: 3, batchSize: 2, validationData: [new Float64Array(X.flat()), Int32Array.from(CLASSES)] });
    expect(hb.history.loss).toEqual(ha.history.loss);
    expect(b.getWeights()).toEqual(a.getWeights());
    expect(b.predict(new Float64Array(X.flat()))).toEqual(a.predict(X));
    expect(b.evaluate(X, new Int32Array(CLASSES))).toEqual(a.evaluate(X, CLASSES));
    expect(b.trainOnBatch(new Float64Array(X.flat()), new Uint8Array(CLASSES))).toBe(a.trainOnBatch(X, CLASSES));
  });

  it('Uint8ClampedArray pixels and Float32Array[] rows', () => {
    const model = sequential({ inputShape: [4], seed: 1 });
    model.add(layers.dense({ units: 1 }));
    const pixels = new Uint8ClampedArray([0, 128, 255, 7, 1, 2, 3, 4]);
    expect(model.predict(pixels)).toEqual(model.predict([[0, 128, 255, 7], [1, 2, 3, 4]]));
    expect(model.predict([new Float32Array([0, 128, 255, 7]), new Float32Array([1, 2, 3, 4])])).toEqual(model.predict(pixels));
  });

  it('a Float64Array value beyond float32, or NaN, is a ValueError naming where, and training does not start', async () => {
    const model = sparseModel(), weights = model.getWeights();
    const big = new Float64Array(X.flat());
    big[7] = 1e39; // row 3, column 1: Infinity once in float32
    await expect(model.fit(big, CLASSES)).rejects.toThrow(/fit\(\) x: expected finite float32 numbers, got 1e\+39 at row 3, column 1/);
    const nan = new Float64Array(X.flat());
    nan[2] = NaN;
    expect(() => model.predict(nan)).toThrow(/predict\(\) x: expected finite float32 numbers, got NaN at row 1, column 0/);
    expect(model.getWeights()).toEqual(weights);
    expect(model.getOptimizerState().step).toBe(0);
  });

  it('wrong lengths, empty arrays and BigInt arrays are typed errors', () => {
    const model = sparseModel();
    expect(() => model.predict(new Float64Array(5))).toThrow(ShapeError);
    expect(() => model.predict(new Float64Array(5))).toThrow(/expected a flat Float64Array whose length is a multiple of the row width 2, got length 5/);
    expect(() => model.predict(new Int32Array(0))).toThrow(/expected at least one row, got an empty Int32Array/);
    expect(() => model.predict(new BigInt64Array(4) as never)).toThrow(ValueError);
    expect(() => model.evaluate(X, new Int32Array([0, 1, 2, 3, 0, 1]))).toThrow(ValueError); // class 3 of 3
  });
});

describe('flat number[]', () => {
  it('is one value per example: labels of one unit', () => {
    const model = sequential({ inputShape: [2], seed: 2 });
    model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    expect(model.evaluate(X, [1, 0, 1, 0, 1, 0])).toEqual(model.evaluate(X, [[1], [0], [1], [0], [1], [0]]));
  });

  it('for examples of more than one value, the error says what a flat number[] means', () => {
    const model = sparseModel();
    expect(() => model.predict(X.flat())).toThrow(ShapeError);
    expect(() => model.predict(X.flat())).toThrow(/predict\(\) x: a flat number\[\] is one value per example, but examples here have shape \[2\]; pass one array per example, or a flat Float32Array of rows × 2 values/);
  });
});
