// Losses: how far predictions are from labels, as one number to minimize; training follows its
// gradient. Identifiers are TensorFlow.js's (Keras spellings accepted); the value is the mean
// over the batch of each example's loss, as in Keras. The arithmetic is in assembly/losses.ts.
import { ValueError, checkBoolean, checkFloat32, checkKeys, describe } from './errors.js';

export type LossIdentifier =
  | 'meanSquaredError' | 'meanAbsoluteError' | 'huber' | 'logcosh' | 'binaryCrossentropy'
  | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'hinge' | 'kullbackLeiblerDivergence';

export interface Loss {
  readonly name: LossIdentifier;
  /** The kernel id in assembly/losses.ts. */
  readonly id: number;
  /** huber's delta, or a cross-entropy's label smoothing (0 for none). */
  readonly param: number;
  /** The model outputs logits rather than probabilities (cross-entropies only). */
  readonly fromLogits: boolean;
  /** Labels are class indices, one per row, rather than one value per output unit. */
  readonly sparse: boolean;
}

// Kernel ids; must match the constants in assembly/losses.ts.
const IDS: Record<LossIdentifier, number> = {
  meanSquaredError: 0, binaryCrossentropy: 1, categoricalCrossentropy: 2, meanAbsoluteError: 3, huber: 4,
  logcosh: 5, sparseCategoricalCrossentropy: 6, hinge: 7, kullbackLeiblerDivergence: 8,
};

const ALIASES: Record<string, LossIdentifier> = {
  mse: 'meanSquaredError', MSE: 'meanSquaredError', mean_squared_error: 'meanSquaredError',
  mae: 'meanAbsoluteError', MAE: 'meanAbsoluteError', mean_absolute_error: 'meanAbsoluteError',
  binary_crossentropy: 'binaryCrossentropy', categorical_crossentropy: 'categoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy', log_cosh: 'logcosh', logCosh: 'logcosh',
  kld: 'kullbackLeiblerDivergence', KLD: 'kullbackLeiblerDivergence', kl_divergence: 'kullbackLeiblerDivergence',
  kullback_leibler_divergence: 'kullbackLeiblerDivergence', huber_loss: 'huber',
};

function make(name: LossIdentifier, param = 0, fromLogits = false): Loss {
  return Object.freeze({ name, id: IDS[name], param, fromLogits, sparse: name === 'sparseCategoricalCrossentropy' });
}

interface CrossentropyConfig {
  /** The model's output is logits, not probabilities (default false). */
  fromLogits?: boolean;
  /** Mix the labels towards uniform by this much, in [0, 1) (default 0). */
  labelSmoothing?: number;
}

function crossentropy(name: LossIdentifier, config: CrossentropyConfig, smoothing: boolean): Loss {
  const where = `losses.${name}()`;
  checkKeys(config, smoothing ? ['fromLogits', 'labelSmoothing'] : ['fromLogits'], where);
  const fromLogits = checkBoolean(config.fromLogits ?? false, where, 'fromLogits');
  const labelSmoothing = checkFloat32(config.labelSmoothing ?? 0, { min: 0, below: 1 }, where, 'labelSmoothing');
  return make(name, labelSmoothing, fromLogits);
}

/** Loss factories, for the losses that take a configuration; the rest are plain strings. */
export const losses = {
  binaryCrossentropy: (config: CrossentropyConfig = {}) => crossentropy('binaryCrossentropy', config, true),
  categoricalCrossentropy: (config: CrossentropyConfig = {}) => crossentropy('categoricalCrossentropy', config, true),
  sparseCategoricalCrossentropy: (config: { fromLogits?: boolean } = {}) => crossentropy('sparseCategoricalCrossentropy', config, false),
  /** Quadratic within ±delta, linear beyond (default delta 1). */
  huber: (config: { delta?: number } = {}) => {
    checkKeys(config, ['delta'], 'losses.huber()');
    const delta = checkFloat32(config.delta ?? 1, { above: 0 }, 'losses.huber()', 'delta');
    return make('huber', delta);
  },
};

export function getLoss(value: unknown, where: string): Loss {
  if (typeof value === 'object' && value !== null && Object.hasOwn(IDS, (value as Loss).name)) {
    // Rebuilt through the factories, so a hand-made object is validated and cannot carry a wrong id.
    const { name, param, fromLogits } = value as Loss;
    if (name === 'huber') return losses.huber({ delta: param });
    if (name === 'sparseCategoricalCrossentropy') return losses.sparseCategoricalCrossentropy({ fromLogits });
    if (name === 'binaryCrossentropy' || name === 'categoricalCrossentropy') return losses[name]({ fromLogits, labelSmoothing: param });
    return make(name);
  }
  const name = typeof value !== 'string' ? undefined : Object.hasOwn(IDS, value) ? (value as LossIdentifier) : Object.hasOwn(ALIASES, value) ? ALIASES[value] : undefined;
  if (!name) throw new ValueError(`${where}: unknown loss ${describe(value)}; expected one of ${Object.keys(IDS).join(', ')}`);
  return name === 'huber' ? losses.huber() : make(name);
}

/** True for the losses whose labels are probabilities, in [0, 1] (checkLabels checks them). */
export function takesProbabilities(loss: Loss): boolean {
  return loss.name === 'binaryCrossentropy' || loss.name === 'kullbackLeiblerDivergence' || loss.name === 'categoricalCrossentropy';
}

/**
 * Checks labels against the loss's domain: probabilities in [0, 1] for the cross-entropies and KL
 * divergence. Outside it the loss has no meaning, and infinities of both signs would meet as NaN.
 * (Rows of categorical labels are not required to sum to 1: Keras and TF.js accept any weights.)
 */
export function checkLabels(loss: Loss, y: Float32Array, start: number, n: number, cols: number, where: string, arg: string, firstRow = 0): void {
  if (!takesProbabilities(loss)) return;
  for (let i = 0; i < n; i++) {
    const v = y[start + i];
    if (!(v >= 0 && v <= 1)) {
      throw new ValueError(`${where} ${arg}: ${loss.name} takes labels in [0, 1], got ${v} at row ${firstRow + Math.floor(i / cols)}, column ${i % cols}`);
    }
  }
}
