// The layer catalog, by TF.js factory name.
import { Dense, type DenseConfig } from './dense.js';
import { Dropout, type DropoutConfig } from './dropout.js';
import { BatchNormalization, type BatchNormalizationConfig } from './batch-normalization.js';
import { Flatten, type FlattenConfig } from './flatten.js';
import { Reshape, type ReshapeConfig } from './reshape.js';
import { ZeroPadding2D, type ZeroPadding2DConfig } from './zero-padding2d.js';
import { UpSampling2D, type UpSampling2DConfig } from './up-sampling2d.js';
import {
  MaxPooling2D, AveragePooling2D, MaxPooling1D, AveragePooling1D,
  GlobalMaxPooling2D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalAveragePooling1D,
  type Pooling2DConfig, type Pooling1DConfig, type GlobalPooling2DConfig, type GlobalPooling1DConfig,
} from './pooling.js';

export { Layer, type LayerArgs, type LayerWeight, type Shape } from './layer.js';
export { Dense, type DenseConfig } from './dense.js';
export { Dropout, type DropoutConfig } from './dropout.js';
export { BatchNormalization, type BatchNormalizationConfig } from './batch-normalization.js';
export { Flatten, type FlattenConfig } from './flatten.js';
export { Reshape, type ReshapeConfig } from './reshape.js';
export { ZeroPadding2D, type ZeroPadding2DConfig } from './zero-padding2d.js';
export { UpSampling2D, type UpSampling2DConfig } from './up-sampling2d.js';
export {
  MaxPooling2D, AveragePooling2D, MaxPooling1D, AveragePooling1D,
  GlobalMaxPooling2D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalAveragePooling1D,
  type Pooling2DConfig, type Pooling1DConfig, type GlobalPooling2DConfig, type GlobalPooling1DConfig,
} from './pooling.js';

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
  /** The max of each poolSize window of [height, width, channels] examples (strides default to poolSize). */
  maxPooling2d: (config: Pooling2DConfig = {}): MaxPooling2D => new MaxPooling2D(config),
  /** The mean of each poolSize window of [height, width, channels] examples ('same': of its valid inputs). */
  averagePooling2d: (config: Pooling2DConfig = {}): AveragePooling2D => new AveragePooling2D(config),
  /** The max of each poolSize window of [steps, channels] examples. */
  maxPooling1d: (config: Pooling1DConfig = {}): MaxPooling1D => new MaxPooling1D(config),
  /** The mean of each poolSize window of [steps, channels] examples. */
  averagePooling1d: (config: Pooling1DConfig = {}): AveragePooling1D => new AveragePooling1D(config),
  /** Each channel's max over height and width: [h, w, c] → [c]. */
  globalMaxPooling2d: (config: GlobalPooling2DConfig = {}): GlobalMaxPooling2D => new GlobalMaxPooling2D(config),
  /** Each channel's mean over height and width: [h, w, c] → [c]. */
  globalAveragePooling2d: (config: GlobalPooling2DConfig = {}): GlobalAveragePooling2D => new GlobalAveragePooling2D(config),
  /** Each channel's max over the steps: [steps, c] → [c]. */
  globalMaxPooling1d: (config: GlobalPooling1DConfig = {}): GlobalMaxPooling1D => new GlobalMaxPooling1D(config),
  /** Each channel's mean over the steps: [steps, c] → [c]. */
  globalAveragePooling1d: (config: GlobalPooling1DConfig = {}): GlobalAveragePooling1D => new GlobalAveragePooling1D(config),
};
