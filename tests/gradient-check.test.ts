// The chain rule, visible: gradientCheck() compares backpropagation in the Wasm core with central
// differences of the float64 reference, for every activation under every loss it fits.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, sequential, layers, losses, regularizers, gradientCheck, activations, type Loss } from '../src/index.js';
import { getLoss } from '../src/losses.js';
import { random, randomArray } from './reference.js';

beforeAll(() => ready());

const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'relu6', 'leakyRelu', 'elu', 'selu', 'softplus', 'softsign', 'hardSigmoid', 'swish', 'gelu', 'mish'];
const ROWS = 6, INPUTS = 3, HIDDEN = 5, OUT = 3;

// Each loss with the output activation it is used with; 'same' puts the activation under test
// at the output too.
const LOSSES: [string, Loss, string][] = [
  ['meanSquaredError', getLoss('meanSquaredError', 't'), 'same'],
  ['meanAbsoluteError', getLoss('meanAbsoluteError', 't'), 'linear'],
  ['huber', losses.huber({ delta: 0.5 }), 'same'],
  ['logcosh', getLoss('logcosh', 't'), 'same'],
  ['binaryCrossentropy', getLoss('binaryCrossentropy', 't'), 'sigmoid'],
  ['binaryCrossentropy fromLogits', losses.binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }), 'linear'],
  ['categoricalCrossentropy', losses.categoricalCrossentropy({ labelSmoothing: 0.1 }), 'softmax'],
  ['categoricalCrossentropy fromLogits', losses.categoricalCrossentropy({ fromLogits: true }), 'linear'],
  ['sparseCategoricalCrossentropy', getLoss('sparseCategoricalCrossentropy', 't'), 'softmax'],
  ['kullbackLeiblerDivergence', getLoss('kullbackLeiblerDivergence', 't'), 'softmax'],
  ['hinge', getLoss('hinge', 't'), 'tanh'],
  // Cross-entropies on outputs they are not fused with: the loss reads probabilities.
  ['binaryCrossentropy on softmax outputs', getLoss('binaryCrossentropy', 't'), 'softmax'],
  ['categoricalCrossentropy on sigmoid outputs', getLoss('categoricalCrossentropy', 't'), 'sigmoid'],
  ['sparseCategoricalCrossentropy on sigmoid outputs', getLoss('sparseCategoricalCrossentropy', 't'), 'sigmoid'],
];

function labels(loss: Loss, rand: () => number): Float32Array {
  if (loss.sparse) return Float32Array.from({ length: ROWS }, () => Math.floor(rand() * OUT));
  const y = new Float32Array(ROWS * OUT);
  switch (loss.name) {
    case 'binaryCrossentropy': return y.map(() => (rand() < 0.5 ? 0 : 1));
    case 'hinge': return y.map(() => (rand() < 0.5 ? -1 : 1));
    case 'categoricalCrossentropy':
      for (let r = 0; r < ROWS; r++) y[r * OUT + Math.floor(rand() * OUT)] = 1;
      return y;
    case 'kullbackLeiblerDivergence':
      for (let r = 0; r < ROWS; r++) {
        const w = [rand() + 0.1, rand() + 0.1, rand() + 0.1], s = w[0] + w[1] + w[2];
        w.forEach((v, c) => { y[r * OUT + c] = v / s; });
      }
      return y;
    default: return randomArray(ROWS * OUT, rand);
  }
}

describe.each(ACTIVATIONS)('%s', (activation) => {
  it.each(LOSSES)('under %s: every tensor within 1e-3', (_, loss, output) => {
    const rand = random(activation.length * 31 + loss.name.length);
    const model = sequential({ inputShape: [INPUTS], seed: 5 });
    model.add(layers.dense({ units: HIDDEN, activation: activation as never, biasInitializer: 'randomNormal' }));
    model.add(layers.dense({ units: OUT, activation: (output === 'same' ? activation : output) as never, biasInitializer: 'randomNormal' }));
    model.compile({ optimizer: 'sgd', loss });
    const result = gradientCheck(model, randomArray(ROWS * INPUTS, rand), labels(loss, rand));
    expect(result.tensors.map((t) => t.name)).toEqual(['dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias']);
    for (const t of result.tensors) expect(t.maxRelativeError, t.name).toBeLessThan(1e-3);
    model.dispose();
  });
});

it('covers regularizers, layers without bias and (inactive) dropout', () => {
  const model = sequential({ inputShape: [4], seed: 2 });
  model.add(layers.dense({ units: 6, activation: activations.leakyRelu({ alpha: 0.1 }), kernelRegularizer: regularizers.l1l2({ l1: 0.01, l2: 0.05 }), biasRegularizer: 'l2' }));
  model.add(layers.dropout({ rate: 0.5 }));
  model.add(layers.dense({ units: 2, useBias: false, kernelRegularizer: 'l1' }));
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  const rand = random(9);
  const result = gradientCheck(model, randomArray(5 * 4, rand), randomArray(5 * 2, rand));
  expect(result.tensors.map((t) => t.name)).toEqual(['dense_1/kernel', 'dense_1/bias', 'dense_3/kernel']);
  expect(result.maxRelativeError).toBeLessThan(1e-3);
});

it('needs a compiled model and a positive epsilon', () => {
  const model = sequential({ inputShape: [2], seed: 1 });
  model.add(layers.dense({ units: 1 }));
  expect(() => gradientCheck(model, [[1, 2]], [[0]])).toThrow(/must be compiled first/);
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  expect(() => gradientCheck(model, [[1, 2]], [[0]], { epsilon: 0 })).toThrow(/epsilon must be a positive number/);
});
