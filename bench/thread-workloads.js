// The training workloads bench/threads.js (Node) and bench/pages/threads.html (Chromium) run on
// one thread and on two: the same networks and batch sizes in both places.
import { LARGE_CNN, MNIST_CNN, neuriteCnnTrain } from './cnn-models.js';
import { uniform } from './random.js';
import { neuriteTrain } from './tasks.js';

export const WIDE = {
  inputs: 1024,
  layers: [{ units: 1024, activation: 'relu' }, { units: 1024, activation: 'relu' }, { units: 10, activation: 'linear' }],
  optimizer: { name: 'sgd', learningRate: 0.01 },
  loss: 'meanSquaredError',
};
export const MNIST = {
  inputs: 784,
  layers: [{ units: 128, activation: 'relu' }, { units: 64, activation: 'relu' }, { units: 10, activation: 'softmax' }],
  optimizer: { name: 'adam', learningRate: 1e-3 },
  loss: 'categoricalCrossentropy',
};
export const XOR = {
  inputs: 2,
  layers: [{ units: 8, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }],
  optimizer: { name: 'sgd', learningRate: 0.1 },
  loss: 'meanSquaredError',
};

export const batchOf = (spec, rows, seed) => ({ x: uniform(rows * spec.inputs, -1, 1, seed), y: uniform(rows * spec.layers.at(-1).units, 0, 1, seed + 1), rows });

/**
 * [label, () => task] per workload, for measure() in bench/measure.js. `cnnBatches`: batches of
 * 64 digits (28×28×1, one-hot labels) for the CNNs.
 */
export function trainingWorkloads(ctx, cnnBatches) {
  return [
    ['large-cnn train, batch 64, samples/s', () => neuriteCnnTrain(ctx, LARGE_CNN, cnnBatches, 1)],
    ['mnist-cnn train, batch 64, samples/s', () => neuriteCnnTrain(ctx, MNIST_CNN, cnnBatches, 5)],
    ['wide train, samples/s', () => neuriteTrain(ctx, WIDE, [batchOf(WIDE, 128, 1)], 1)],
    ['mnist-mlp train, samples/s', () => neuriteTrain(ctx, MNIST, [batchOf(MNIST, 64, 3)], 10)],
    ['xor train, steps/s', () => ({ ...neuriteTrain(ctx, XOR, [batchOf(XOR, 4, 5)], 1000), work: 1000 })],
  ];
}
