// The layer catalog, by TF.js factory name.
import { Dense, type DenseConfig } from './dense.js';
import { Dropout, type DropoutConfig } from './dropout.js';
import { BatchNormalization, type BatchNormalizationConfig } from './batch-normalization.js';
import { Conv2D, type Conv2DConfig } from './conv2d.js';
import { Conv1D, type Conv1DConfig } from './conv1d.js';

export { Layer, type LayerArgs, type LayerWeight, type Shape } from './layer.js';
export { Dense, type DenseConfig } from './dense.js';
export { Dropout, type DropoutConfig } from './dropout.js';
export { BatchNormalization, type BatchNormalizationConfig } from './batch-normalization.js';
export { Conv2D, type Conv2DConfig, type ConvConfig } from './conv2d.js';
export { Conv1D, type Conv1DConfig } from './conv1d.js';

export const layers = {
  /** A densely connected layer: activation(x·kernel + bias) over the last axis. */
  dense: (config: DenseConfig): Dense => new Dense(config),
  /** Randomly drops inputs during training (inverted dropout). */
  dropout: (config: DropoutConfig): Dropout => new Dropout(config),
  /** Normalizes each channel of the last axis by batch statistics (moving ones at inference). */
  batchNormalization: (config: BatchNormalizationConfig = {}): BatchNormalization => new BatchNormalization(config),
  /** 2-D convolution over [height, width, channels]: activation(conv(x, kernel) + bias). */
  conv2d: (config: Conv2DConfig): Conv2D => new Conv2D(config),
  /** 1-D convolution over [steps, channels]: activation(conv(x, kernel) + bias). */
  conv1d: (config: Conv1DConfig): Conv1D => new Conv1D(config),
};
