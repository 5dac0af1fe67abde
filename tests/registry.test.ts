// Name resolution for activations, losses, metrics and optimizers: TF.js identifiers, Keras
// aliases, configuration objects, and clear errors for everything else.
import { beforeAll, expect, it } from 'vitest';
import { ready, activations, optimizers } from '../src/index.js';
import { getActivation } from '../src/activations.js';
import { getLoss } from '../src/losses.js';
import { getMetric } from '../src/metrics.js';
import { getOptimizer } from '../src/optimizers.js';

beforeAll(() => ready());

it('activations: TF.js names, Keras aliases and configs', () => {
  expect(getActivation(undefined, 't').name).toBe('linear');
  expect(getActivation('silu', 't').id).toBe(getActivation('swish', 't').id);
  expect(getActivation('leaky_relu', 't')).toEqual(getActivation('leakyRelu', 't'));
  expect(getActivation('leakyRelu', 't').alpha).toBe(0.2);
  expect(getActivation(activations.leakyRelu({ alpha: 0.1 }), 't').alpha).toBe(0.1);
  expect(() => activations.elu({ alpha: NaN })).toThrow(/alpha must be a finite number/);
});

it('losses: TF.js names and Keras aliases', () => {
  expect(getLoss('mse', 't').name).toBe('meanSquaredError');
  expect(getLoss('categorical_crossentropy', 't').name).toBe('categoricalCrossentropy');
  expect(() => getLoss(42, 'compile() loss')).toThrow(/compile\(\) loss: unknown loss 42/);
});

it("metrics: 'accuracy' is binary for one unit or binary cross-entropy, categorical otherwise", () => {
  const bce = getLoss('binaryCrossentropy', 't'), cce = getLoss('categoricalCrossentropy', 't');
  expect(getMetric('accuracy', bce, 3, 't').perElement).toBe(true);
  expect(getMetric('acc', cce, 1, 't').perElement).toBe(true);
  expect(getMetric('accuracy', cce, 10, 't').perElement).toBe(false);
  expect(() => getMetric('f1', cce, 10, 't')).toThrow(/unknown metric "f1"/);
});

it('optimizers: TF.js defaults, configs and validation', () => {
  expect(getOptimizer('sgd', 't').learningRate).toBe(0.01);
  expect(getOptimizer('adam', 't')).toMatchObject({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  expect(optimizers.adam({ learningRate: 0.1 }).learningRate).toBe(0.1);
  expect(() => optimizers.sgd({ learningRate: -1 })).toThrow(/learningRate must be a positive finite number, got -1/);
  expect(() => optimizers.adam({ beta1: 1 })).toThrow(/beta1 must be in \[0, 1\), got 1/);
  expect(() => optimizers.sgd({ lr: 0.1 } as never)).toThrow(/unknown option "lr"/);
});
