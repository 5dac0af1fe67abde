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

it("metrics: 'accuracy' is binary for one unit or binary cross-entropy, sparse for a sparse loss, categorical otherwise", () => {
  const bce = getLoss('binaryCrossentropy', 't'), cce = getLoss('categoricalCrossentropy', 't');
  const sparse = getLoss('sparseCategoricalCrossentropy', 't');
  expect(getMetric('accuracy', bce, 3, 't').mask).toBe(getMetric('binaryAccuracy', bce, 3, 't').mask);
  expect(getMetric('acc', cce, 1, 't').mask).toBe(getMetric('binaryAccuracy', cce, 1, 't').mask);
  expect(getMetric('accuracy', cce, 10, 't').mask).toBe(getMetric('categoricalAccuracy', cce, 10, 't').mask);
  expect(getMetric('accuracy', sparse, 10, 't').mask).toBe(getMetric('sparseCategoricalAccuracy', sparse, 10, 't').mask);
  expect(getMetric('acc', cce, 1, 't').key).toBe('acc');
  expect(() => getMetric('f1', cce, 10, 't')).toThrow(/unknown metric "f1"/);
});

it('metrics: figures from the totals', () => {
  const cce = getLoss('categoricalCrossentropy', 't');
  // totals: binary, categorical, sparse correct, squared error, absolute error, tp, fp, fn
  const totals = Float64Array.from([6, 3, 0, 2, 4, 3, 1, 2]);
  expect(getMetric('binaryAccuracy', cce, 2, 't').value(totals, 4, 2)).toBe(6 / 8);
  expect(getMetric('categoricalAccuracy', cce, 2, 't').value(totals, 4, 2)).toBe(3 / 4);
  expect(getMetric('mse', cce, 2, 't').value(totals, 4, 2)).toBe(2 / 8);
  expect(getMetric('mae', cce, 2, 't').value(totals, 4, 2)).toBe(4 / 8);
  expect(getMetric('precision', cce, 2, 't').value(totals, 4, 2)).toBe(3 / 4);
  expect(getMetric('recall', cce, 2, 't').value(totals, 4, 2)).toBe(3 / 5);
});

it('optimizers: TF.js defaults, configs and validation', () => {
  expect(getOptimizer('sgd', 't').learningRate).toBe(0.01);
  expect(getOptimizer('adam', 't').config).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false });
  expect(getOptimizer('rmsprop', 't').config).toEqual({ learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
  expect(getOptimizer('adagrad', 't').config).toEqual({ learningRate: 0.01, initialAccumulatorValue: 0.1, epsilon: 1e-7 });
  expect(getOptimizer('adadelta', 't').config).toEqual({ learningRate: 0.001, rho: 0.95, epsilon: 1e-7 });
  expect(getOptimizer('adamax', 't').config).toEqual({ learningRate: 0.002, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, decay: 0 });
  expect(getOptimizer('adamw', 't').config).toEqual({ learningRate: 0.001, weightDecay: 0.004, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false });
  expect(optimizers.rmsprop({ decay: 0.8 }).config.rho).toBe(0.8);
  expect(optimizers.sgd({ clipNorm: 1 }).config.clipNorm).toBe(1);
  expect(optimizers.adam({ learningRate: 0.1 }).learningRate).toBe(0.1);
  expect(() => optimizers.sgd({ learningRate: -1 })).toThrow(/learningRate must be a positive finite number, got -1/);
  expect(() => optimizers.adam({ beta1: 1 })).toThrow(/beta1 must be in \[0, 1\), got 1/);
  expect(() => optimizers.sgd({ lr: 0.1 } as never)).toThrow(/unknown option "lr"/);
});

it('the kernel ids on the TypeScript side match the constants the Wasm core exports', async () => {
  const { wasm } = await import('../src/wasm.js');
  const core = wasm() as unknown as Record<string, WebAssembly.Global>;
  const constant = (name: string) => core[name].value as number;
  const snake = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
  for (const name of ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'relu6', 'leakyRelu', 'elu', 'selu', 'softplus', 'softsign', 'hardSigmoid', 'swish', 'gelu', 'mish']) {
    expect(getActivation(name as never, 't').id, name).toBe(constant(snake(name)));
  }
  for (const name of ['meanSquaredError', 'binaryCrossentropy', 'categoricalCrossentropy', 'meanAbsoluteError', 'huber', 'sparseCategoricalCrossentropy', 'hinge', 'kullbackLeiblerDivergence']) {
    expect(getLoss(name, 't').id, name).toBe(constant(snake(name)));
  }
  expect(getLoss('logcosh', 't').id).toBe(constant('LOG_COSH'));
  for (const name of ['sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamax', 'adamw']) {
    expect(getOptimizer(name, 't').kernel.id, name).toBe(constant(name.toUpperCase()));
  }
  const cce = getLoss('categoricalCrossentropy', 't');
  const slots: [string, string][] = [['binaryAccuracy', 'BINARY_CORRECT'], ['categoricalAccuracy', 'CATEGORICAL_CORRECT'], ['mse', 'SQUARED_ERROR'], ['mae', 'ABSOLUTE_ERROR']];
  for (const [metric, slot] of slots) expect(getMetric(metric, cce, 3, 't').mask, metric).toBe(1 << constant(slot));
  expect(getMetric('precision', cce, 3, 't').mask).toBe((1 << constant('TRUE_POSITIVES')) | (1 << constant('FALSE_POSITIVES')));
  expect(getMetric('recall', cce, 3, 't').mask).toBe((1 << constant('TRUE_POSITIVES')) | (1 << constant('FALSE_NEGATIVES')));
  expect(constant('METRIC_SLOTS')).toBe(8);
});
