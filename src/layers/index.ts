// The layers: their classes, and the catalog of factories as the `layers` namespace.
export { Layer, SymbolicTensor, type LayerArgs, type LayerWeight, type Shape } from './layer.js';
export { Dense, type DenseConfig } from './dense.js';
export { Dropout, type DropoutConfig } from './dropout.js';
export { BatchNormalization, type BatchNormalizationConfig } from './batch-normalization.js';
export { LayerNormalization, type LayerNormalizationConfig } from './layer-normalization.js';
export { Flatten, type FlattenConfig } from './flatten.js';
export { Reshape, type ReshapeConfig } from './reshape.js';
export { ZeroPadding2D, type ZeroPadding2DConfig } from './zero-padding2d.js';
export { UpSampling2D, type UpSampling2DConfig } from './up-sampling2d.js';
export {
  MaxPooling2D, AveragePooling2D, MaxPooling1D, AveragePooling1D,
  GlobalMaxPooling2D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalAveragePooling1D,
  type Pooling2DConfig, type Pooling1DConfig, type GlobalPooling2DConfig, type GlobalPooling1DConfig,
} from './pooling.js';

export { Conv2D, type Conv2DConfig, type ConvConfig } from './conv2d.js';
export { Conv1D, type Conv1DConfig } from './conv1d.js';
export { DepthwiseConv2D, type DepthwiseConv2DConfig } from './depthwise-conv2d.js';
export { Embedding, type EmbeddingConfig } from './embedding.js';
export { SeparableConv2D, type SeparableConv2DConfig } from './separable-conv2d.js';
export { SimpleRNN, type SimpleRNNConfig } from './simple-rnn.js';
export { GRU, type GRUConfig } from './gru.js';
export { LSTM, type LSTMConfig } from './lstm.js';
export { RepeatVector, type RepeatVectorConfig } from './repeat-vector.js';
export { TimeDistributed, type TimeDistributedConfig } from './time-distributed.js';
export { Masking, type MaskingConfig } from './masking.js';
export { Bidirectional, type BidirectionalConfig, type MergeMode } from './bidirectional.js';
export { Merge, ElementwiseMerge, Concatenate, Dot, type ConcatenateConfig, type DotConfig } from './merge.js';

export { Rescaling, type RescalingConfig } from './rescaling.js';
export { Normalization, type NormalizationConfig } from './normalization.js';
export { CategoryEncoding, type CategoryEncodingConfig, type CategoryOutputMode } from './category-encoding.js';

export * as layers from './factories.js';
