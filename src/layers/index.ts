// The layer catalog, by TF.js factory name.
import { Dense, type DenseConfig } from './dense.js';
import { Dropout, type DropoutConfig } from './dropout.js';
import { BatchNormalization, type BatchNormalizationConfig } from './batch-normalization.js';

export { Layer, type LayerArgs, type LayerWeight, type Shape } from './layer.js';
export { Dense, type DenseConfig } from './dense.js';
export { Dropout, type DropoutConfig } from './dropout.js';
export { BatchNormalization, type BatchNormalizationConfig } from './batch-normalization.js';

export const layers = {
  /** A densely connected layer: activation(x·kernel + bias) over the last axis. */
  dense: (config: DenseConfig): Dense => new Dense(config),
  /** Randomly drops inputs during training (inverted dropout). */
  dropout: (config: DropoutConfig): Dropout => new Dropout(config),
  /** Normalizes each channel of the last axis by batch statistics (moving ones at inference). */
  batchNormalization: (config: BatchNormalizationConfig = {}): BatchNormalization => new BatchNormalization(config),
};
