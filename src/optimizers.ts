// Optimizers: how gradients turn into weight updates. The learning rate is how far each update
// moves the weights along the negative gradient: too small crawls, too large diverges.
// Defaults are TensorFlow.js's; the update rules run in assembly/optimizers.ts.
import { ValueError, checkKeys, describe } from './errors.js';

export type OptimizerIdentifier = 'sgd' | 'adam';

export interface Optimizer {
  readonly name: OptimizerIdentifier;
  /** The kernel id in assembly/optimizers.ts. */
  readonly id: number;
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

function positive(value: unknown, where: string, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValueError(`${where}: ${what} must be a positive finite number, got ${describe(value)}`);
  }
  return value;
}

function fraction(value: unknown, where: string, what: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new ValueError(`${where}: ${what} must be in [0, 1), got ${describe(value)}`);
  }
  return value;
}


export const optimizers = {
  /** Stochastic gradient descent: θ ← θ − learningRate·g (default learning rate 0.01). */
  sgd(config: { learningRate?: number } = {}): Optimizer {
    checkKeys(config, ['learningRate'], 'optimizers.sgd()');
    const learningRate = positive(config.learningRate ?? 0.01, 'optimizers.sgd()', 'learningRate');
    return Object.freeze({ name: 'sgd', id: 0, learningRate, beta1: 0, beta2: 0, epsilon: 0 });
  },
  /** Adam: per-weight steps scaled by running gradient moments (defaults 0.001, 0.9, 0.999, 1e-7). */
  adam(config: { learningRate?: number; beta1?: number; beta2?: number; epsilon?: number } = {}): Optimizer {
    const where = 'optimizers.adam()';
    checkKeys(config, ['learningRate', 'beta1', 'beta2', 'epsilon'], where);
    return Object.freeze({
      name: 'adam',
      id: 1,
      learningRate: positive(config.learningRate ?? 0.001, where, 'learningRate'),
      beta1: fraction(config.beta1 ?? 0.9, where, 'beta1'),
      beta2: fraction(config.beta2 ?? 0.999, where, 'beta2'),
      epsilon: positive(config.epsilon ?? 1e-7, where, 'epsilon'),
    });
  },
};

export function getOptimizer(value: unknown, where: string): Optimizer {
  if (typeof value === 'string' && value in optimizers) return optimizers[value as OptimizerIdentifier]();
  if (typeof value === 'object' && value !== null && (value as Optimizer).name in optimizers && typeof (value as Optimizer).id === 'number') {
    return value as Optimizer;
  }
  throw new ValueError(`${where}: unknown optimizer ${describe(value)}; expected 'sgd', 'adam' or an object from optimizers.sgd() / optimizers.adam()`);
}
