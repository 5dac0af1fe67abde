// The TypeScript side's layer registry: Keras class names to the classes that read their configs.
// A saved model names its layers by these; adding a layer adds its line here.
import type { Layer } from './layer.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { BatchNormalization } from './batch-normalization.js';
import { LayerNormalization } from './layer-normalization.js';
import { Flatten } from './flatten.js';
import { Reshape } from './reshape.js';
import { ZeroPadding2D } from './zero-padding2d.js';
import { UpSampling2D } from './up-sampling2d.js';
import {
  MaxPooling2D, AveragePooling2D, MaxPooling1D, AveragePooling1D,
  GlobalMaxPooling2D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalAveragePooling1D,
} from './pooling.js';
import { Conv2D } from './conv2d.js';
import { Conv1D } from './conv1d.js';
import { DepthwiseConv2D } from './depthwise-conv2d.js';
import { Embedding } from './embedding.js';
import { SeparableConv2D } from './separable-conv2d.js';
import { SimpleRNN } from './simple-rnn.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import { RepeatVector } from './repeat-vector.js';
import { TimeDistributed } from './time-distributed.js';
import { Masking } from './masking.js';
import { Bidirectional } from './bidirectional.js';
import { Rescaling } from './rescaling.js';
import { Normalization } from './normalization.js';
import { CategoryEncoding } from './category-encoding.js';
import { Concatenate, Dot, mergeFromConfig } from './merge.js';

export const LAYER_CLASSES: Readonly<Record<string, (config: Record<string, unknown>) => Layer>> = Object.freeze({
  Dense: Dense.fromConfig,
  Dropout: Dropout.fromConfig,
  BatchNormalization: BatchNormalization.fromConfig,
  LayerNormalization: LayerNormalization.fromConfig,
  Flatten: Flatten.fromConfig,
  Reshape: Reshape.fromConfig,
  ZeroPadding2D: ZeroPadding2D.fromConfig,
  UpSampling2D: UpSampling2D.fromConfig,
  MaxPooling2D: MaxPooling2D.fromConfig,
  AveragePooling2D: AveragePooling2D.fromConfig,
  MaxPooling1D: MaxPooling1D.fromConfig,
  AveragePooling1D: AveragePooling1D.fromConfig,
  GlobalMaxPooling2D: GlobalMaxPooling2D.fromConfig,
  GlobalAveragePooling2D: GlobalAveragePooling2D.fromConfig,
  GlobalMaxPooling1D: GlobalMaxPooling1D.fromConfig,
  GlobalAveragePooling1D: GlobalAveragePooling1D.fromConfig,
  Conv2D: Conv2D.fromConfig,
  Conv1D: Conv1D.fromConfig,
  DepthwiseConv2D: DepthwiseConv2D.fromConfig,
  Embedding: Embedding.fromConfig,
  SeparableConv2D: SeparableConv2D.fromConfig,
  SimpleRNN: SimpleRNN.fromConfig,
  GRU: GRU.fromConfig,
  LSTM: LSTM.fromConfig,
  RepeatVector: RepeatVector.fromConfig,
  TimeDistributed: TimeDistributed.fromConfig,
  Masking: Masking.fromConfig,
  Bidirectional: Bidirectional.fromConfig,
  Rescaling: Rescaling.fromConfig,
  Normalization: Normalization.fromConfig,
  CategoryEncoding: CategoryEncoding.fromConfig,
  Add: mergeFromConfig('Add'),
  Subtract: mergeFromConfig('Subtract'),
  Multiply: mergeFromConfig('Multiply'),
  Average: mergeFromConfig('Average'),
  Maximum: mergeFromConfig('Maximum'),
  Minimum: mergeFromConfig('Minimum'),
  Concatenate: Concatenate.fromConfig,
  Dot: Dot.fromConfig,
});

/** True for a class name neurite can build. */
export function isLayerClass(name: unknown): name is string {
  return typeof name === 'string' && Object.hasOwn(LAYER_CLASSES, name);
}
