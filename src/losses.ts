// Losses: how far predictions are from labels, as one number to minimize. Training follows its
// gradient. Identifiers are TensorFlow.js's (Keras spellings accepted); the value is the mean
// over the batch of the per-example loss, as in Keras.
import { ValueError, describe } from './errors.js';

export type LossIdentifier = 'meanSquaredError' | 'binaryCrossentropy' | 'categoricalCrossentropy';

export interface Loss {
  readonly name: LossIdentifier;
  /** The kernel id in assembly/losses.ts. */
  readonly id: number;
}

// Kernel ids; must match the constants in assembly/losses.ts.
const IDS: Record<LossIdentifier, number> = {
  meanSquaredError: 0, binaryCrossentropy: 1, categoricalCrossentropy: 2,
};

const ALIASES: Record<string, LossIdentifier> = {
  mse: 'meanSquaredError', MSE: 'meanSquaredError', mean_squared_error: 'meanSquaredError',
  binary_crossentropy: 'binaryCrossentropy', categorical_crossentropy: 'categoricalCrossentropy',
};

export function getLoss(value: unknown, where: string): Loss {
  const name = typeof value === 'string' ? (value in IDS ? (value as LossIdentifier) : ALIASES[value]) : undefined;
  if (!name) throw new ValueError(`${where}: unknown loss ${describe(value)}; expected one of ${Object.keys(IDS).join(', ')}`);
  return { name, id: IDS[name] };
}
