// The chain rule through a whole dense stack: gradients from the fused Wasm backward pass against
// central differences of an independent float64 forward pass.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, sequential, layers } from '../../src/index.js';
import { denseStackLoss, maxRelativeError, numericGradient, random, randomArray, type RefLayer } from '../reference.js';

beforeAll(() => ready());

const ROWS = 6, INPUTS = 5;

function labels(loss: string, units: number, rand: () => number): Float32Array {
  const y = new Float32Array(ROWS * units);
  if (loss === 'meanSquaredError') return randomArray(ROWS * units, rand);
  if (loss === 'binaryCrossentropy') return y.map(() => (rand() < 0.5 ? 0 : 1));
  for (let r = 0; r < ROWS; r++) y[r * units + Math.floor(rand() * units)] = 1;
  return y;
}

const STACKS: [string, RefLayer[], string][] = [
  ['tanh → sigmoid, binary cross-entropy', [{ units: 7, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], 'binaryCrossentropy'],
  ['relu → relu → softmax, categorical cross-entropy', [{ units: 9, activation: 'relu' }, { units: 6, activation: 'relu' }, { units: 4, activation: 'softmax' }], 'categoricalCrossentropy'],
  ['elu → linear, mean squared error', [{ units: 8, activation: 'elu', alpha: 1 }, { units: 3, activation: 'linear' }], 'meanSquaredError'],
  ['gelu → swish → sigmoid, mean squared error', [{ units: 4, activation: 'gelu' }, { units: 5, activation: 'swish' }, { units: 2, activation: 'sigmoid' }], 'meanSquaredError'],
  ['selu → mish → softplus → softsign, mean squared error', [{ units: 4, activation: 'selu' }, { units: 4, activation: 'mish' }, { units: 3, activation: 'softplus' }, { units: 2, activation: 'softsign' }], 'meanSquaredError'],
  ['sigmoid → tanh, binary cross-entropy on probabilities', [{ units: 6, activation: 'sigmoid' }, { units: 2, activation: 'linear' }, { units: 2, activation: 'sigmoid' }], 'binaryCrossentropy'],
  ['softmax output with mean squared error (not fused)', [{ units: 5, activation: 'tanh' }, { units: 3, activation: 'softmax' }], 'meanSquaredError'],
];

describe.each(STACKS)('%s', (_, stack, loss) => {
  it('every weight gradient agrees with central differences (relative error < 1e-3)', () => {
    const rand = random(stack.length * 97 + loss.length);
    const model = sequential({ inputShape: [INPUTS], seed: 3 });
    for (const layer of stack) model.add(layers.dense({ units: layer.units, activation: layer.activation as never, biasInitializer: 'randomNormal' }));
    model.compile({ optimizer: 'sgd', loss: loss as never });
    const x = randomArray(ROWS * INPUTS, rand);
    const y = labels(loss, stack[stack.length - 1].units, rand);

    const { loss: value, gradients } = model.computeGradients(x, y);
    const weights = model.getWeights().map((w) => Float64Array.from(w));
    const f = () => denseStackLoss(weights, stack, x, y, ROWS, INPUTS, loss);
    expect(value).toBeCloseTo(f(), 5);
    weights.forEach((w, i) => {
      const numeric = numericGradient(w, f);
      expect(maxRelativeError(gradients[i], numeric, 1e-4), `tensor ${i}`).toBeLessThan(1e-3);
    });
    model.dispose();
  });
});
