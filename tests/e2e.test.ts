// End to end: real models learning real tasks through the public API.
import { beforeAll, expect, it } from 'vitest';
import { ready, sequential, layers, optimizers } from '../src/index.js';
import { random } from './reference.js';
// @ts-expect-error: plain JS example module
import { loadMnist } from '../examples/mnist-data.js';

beforeAll(() => ready());

it('XOR: all four predictions land on the right side of 0.5', async () => {
  const model = sequential({ inputShape: [2], seed: 42 });
  model.add(layers.dense({ units: 8, activation: 'tanh', kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const x = [[0, 0], [0, 1], [1, 0], [1, 1]], y = [[0], [1], [1], [0]];
  const history = await model.fit(x, y, { epochs: 300, batchSize: 4, shuffle: true });
  const p = model.predict(x);
  expect(p[0]).toBeLessThan(0.5);
  expect(p[1]).toBeGreaterThan(0.5);
  expect(p[2]).toBeGreaterThan(0.5);
  expect(p[3]).toBeLessThan(0.5);
  expect(history.history.accuracy.at(-1)).toBe(1);
  expect(history.history.loss.at(-1)!).toBeLessThan(history.history.loss[0] / 2);
});

/** Three interleaved spiral arms, one class each (the classic CS231n toy set). */
function spiral(perClass: number, seed: number): { x: number[][]; y: number[][] } {
  const rand = random(seed);
  const x: number[][] = [], y: number[][] = [];
  for (let k = 0; k < 3; k++) {
    for (let i = 0; i < perClass; i++) {
      const r = i / perClass;
      const t = k * 4 + 4 * r + rand() * 0.2;
      x.push([r * Math.sin(t), r * Math.cos(t)]);
      y.push([0, 1, 2].map((c) => (c === k ? 1 : 0)));
    }
  }
  return { x, y };
}

it('3-class spiral: at least 95% training accuracy', async () => {
  const { x, y } = spiral(100, 5);
  const model = sequential({ inputShape: [2], seed: 1 });
  model.add(layers.dense({ units: 64, activation: 'relu', kernelInitializer: 'heNormal' }));
  model.add(layers.dense({ units: 64, activation: 'relu', kernelInitializer: 'heNormal' }));
  model.add(layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  await model.fit(x, y, { epochs: 200, batchSize: 32 });
  expect(model.evaluate(x, y).accuracy).toBeGreaterThanOrEqual(0.95);
});

it('real handwritten digits: a small MLP generalizes to held-out digits', async () => {
  const { train, test } = loadMnist();
  const rows = 3000; // a subset keeps the test quick; `npm start` trains on all of it
  const model = sequential({ inputShape: [784], seed: 3 });
  model.add(layers.dense({ units: 64, activation: 'relu', kernelInitializer: 'heNormal' }));
  model.add(layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  // Train rows are grouped by digit: take every k-th so every digit is present.
  const x = new Float32Array(rows * 784), y = new Float32Array(rows * 10);
  for (let i = 0; i < rows; i++) {
    const from = Math.floor((i * train.rows) / rows);
    x.set(train.x.subarray(from * 784, (from + 1) * 784), i * 784);
    y.set(train.y.subarray(from * 10, (from + 1) * 10), i * 10);
  }
  await model.fit(x, y, { epochs: 8, batchSize: 32 });
  expect(model.evaluate(test.x, test.y).accuracy).toBeGreaterThan(0.88);
});

it('the learning rate: too small crawls, a good one learns, too large diverges', async () => {
  // Fit y = 3x − 1 with one linear neuron and plain gradient descent.
  const x = Array.from({ length: 32 }, (_, i) => [i / 8 - 2]);
  const y = x.map(([v]) => [3 * v - 1]);
  const finalLoss = async (learningRate: number) => {
    const model = sequential({ inputShape: [1], seed: 2 });
    model.add(layers.dense({ units: 1 }));
    model.compile({ optimizer: optimizers.sgd({ learningRate }), loss: 'meanSquaredError' });
    const h = await model.fit(x, y, { epochs: 20, batchSize: 32 });
    return { first: h.history.loss[0], last: h.history.loss.at(-1)! };
  };
  const tiny = await finalLoss(1e-4), good = await finalLoss(0.1), huge = await finalLoss(2);
  expect(tiny.last).toBeGreaterThan(0.9 * tiny.first); // barely moved
  expect(good.last).toBeLessThan(1e-3 * good.first); // converged
  expect(huge.last).toBeGreaterThan(huge.first); // overshoots further every step
});

it('constant initialization is a trap: every hidden neuron stays identical', async () => {
  const { x, y } = spiral(30, 2);
  const model = sequential({ inputShape: [2], seed: 1 });
  model.add(layers.dense({ units: 4, activation: 'tanh', kernelInitializer: 'ones' }));
  model.add(layers.dense({ units: 3, activation: 'softmax', kernelInitializer: 'ones' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  await model.fit(x, y, { epochs: 20 });
  const kernel = model.getWeights()[0];
  // Each input's row of the kernel: all four neurons received the same updates.
  for (let i = 0; i < 2; i++) {
    const row = kernel.subarray(i * 4, i * 4 + 4);
    expect(row.every((v) => v === row[0])).toBe(true);
  }
});
