// The layer catalog, by TF.js factory name.
import { Dense, type DenseConfig } from './dense.js';
import { Dropout, type DropoutConfig } from './dropout.js';
import { BatchNormalization, type BatchNormalizationConfig } from './batch-normalization.js';
import { Flatten, type FlattenConfig } from './flatten.js';
import { Reshape, type ReshapeConfig } from './reshape.js';
import { ZeroPadding2D, type ZeroPadding2DConfig } from './zero-padding2d.js';
import { UpSampling2D, type UpSampling2DConfig } from './up-sampling2d.js';

export { Layer, type LayerArgs, type LayerWeight, type Shape } from './layer.js';
export { Dense, type DenseConfig } from './dense.js';
export { Dropout, type DropoutConfig } from './dropout.js';
export { BatchNormalization, type BatchNormalizationConfig } from './batch-normalization.js';
export { Flatten, type FlattenConfig } from './flatten.js';
export { Reshape, type ReshapeConfig } from './reshape.js';
export { ZeroPadding2D, type ZeroPadding2DConfig } from './zero-padding2d.js';
export { UpSampling2D, type UpSampling2DConfig } from './up-sampling2d.js';

export const layers = {
  /** A densely connected layer: activation(x·kernel + bias) over the last axis. */
  dense: (config: DenseConfig): Dense => new Dense(config),
  /** Randomly drops inputs during training (inverted dropout). */
  dropout: (config: DropoutConfig): Dropout => new Dropout(config),
  /** Normalizes each channel of the last axis by batch statistics (moving ones at inference). */
  batchNormalization: (config: BatchNormalizationConfig = {}): BatchNormalization => new BatchNormalization(config),
  /** One example's values as a single axis ([4, 4, 2] → [32]), unchanged. */
  flatten: (config: FlattenConfig = {}): Flatten => new Flatten(config),
  /** One example's values, unchanged, under another shape (one axis may be −1). */
  reshape: (config: ReshapeConfig): Reshape => new Reshape(config),
  /** Rows and columns of zeros around each [height, width, channels] example. */
  zeroPadding2d: (config: ZeroPadding2DConfig = {}): ZeroPadding2D => new ZeroPadding2D(config),
  /** Each [height, width, channels] example enlarged by repeating its values (nearest). */
  upSampling2d: (config: UpSampling2DConfig = {}): UpSampling2D => new UpSampling2D(config),
};
