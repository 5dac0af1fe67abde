// neurite: train neural networks on the device, with a WebAssembly SIMD core.
export { ready, isReady, wasmBuild, supportsRelaxedSimd, threadCount, setThreads, type ReadyOptions, type WasmSource, type WasmBuild } from './wasm.js';
export { sequential, Sequential, model, LayersModel, type Prediction, type ModelConfig, type SequentialConfig, type CompileConfig, type FitConfig, type History, type Logs } from './model.js';
export { layers, Layer, Dense, Dropout, BatchNormalization, Flatten, Reshape, ZeroPadding2D, UpSampling2D, type DenseConfig, type DropoutConfig, type BatchNormalizationConfig, type FlattenConfig, type ReshapeConfig, type ZeroPadding2DConfig, type UpSampling2DConfig, type LayerArgs, type LayerWeight, type Shape } from './layers/index.js';
export {
  MaxPooling2D, AveragePooling2D, MaxPooling1D, AveragePooling1D,
  GlobalMaxPooling2D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalAveragePooling1D,
  type Pooling2DConfig, type Pooling1DConfig, type GlobalPooling2DConfig, type GlobalPooling1DConfig,
} from './layers/index.js';
export { Conv2D, Conv1D, type Conv2DConfig, type Conv1DConfig, type ConvConfig } from './layers/index.js';
export { DepthwiseConv2D, type DepthwiseConv2DConfig } from './layers/index.js';
export { Embedding, type EmbeddingConfig } from './layers/index.js';
export { LayerNormalization, type LayerNormalizationConfig } from './layers/index.js';
export { SeparableConv2D, type SeparableConv2DConfig } from './layers/index.js';
export { SimpleRNN, type SimpleRNNConfig } from './layers/index.js';
export { GRU, type GRUConfig } from './layers/index.js';
export { LSTM, type LSTMConfig } from './layers/index.js';
export { Rescaling, Normalization, CategoryEncoding, type RescalingConfig, type NormalizationConfig, type CategoryEncodingConfig, type CategoryOutputMode } from './layers/index.js';
export { TextVectorization, type TextVectorizationConfig, type TextVectorizationJSON, type TextOutputMode } from './preprocessing/text-vectorization.js';
export { RepeatVector, TimeDistributed, type RepeatVectorConfig, type TimeDistributedConfig } from './layers/index.js';
export { Masking, type MaskingConfig } from './layers/index.js';
export { Bidirectional, type BidirectionalConfig, type MergeMode } from './layers/index.js';
export { Merge, ElementwiseMerge, Concatenate, Dot, type ConcatenateConfig, type DotConfig } from './layers/index.js';
export { input, type InputConfig } from './symbolic.js';
export { SymbolicTensor } from './layers/index.js';
export { callbacks, earlyStopping, reduceLROnPlateau, type Callback, type EarlyStoppingConfig, type ReduceLROnPlateauConfig } from './callbacks.js';
export { losses, type Loss } from './losses.js';
export { regularizers, type Regularizer, type RegularizerIdentifier } from './regularizers.js';
export { schedules, type LearningRateSchedule } from './schedules.js';
export { activations, type Activation, type ActivationIdentifier } from './activations.js';
export { initializers, computeFans, type Initializer, type InitializerIdentifier } from './initializers.js';
export { optimizers, type Optimizer, type OptimizerIdentifier } from './optimizers.js';
export type { LossIdentifier } from './losses.js';
export type { MetricIdentifier } from './metrics.js';
export type { ClassWeight } from './sample-weights.js';
export type { MetricFunction } from './custom-metrics.js';
export type { Data, InputData, Nested, NumericArray } from './data.js';
export { gradientCheck, type GradientCheckResult } from './gradient-check.js';
export { NeuriteError, ShapeError, ValueError, StateError, DivergenceError } from './errors.js';
export { loadModel, type ModelArtifacts, type WeightSpec, type SaveTarget, type SaveOptions, type LoadSource, type LoadOptions, type HttpOptions, type HttpRequestInit, type FetchFunction } from './io/index.js';
export { workerTrainer, type WorkerTrainer, type WorkerTrainerOptions, type WorkerFitConfig, type WorkerFitOptions, type WorkerLike } from './worker.js';
export { oneHot } from './utils/one-hot.js';
export { argMax, predictClasses } from './utils/classes.js';
export { confusionMatrix } from './utils/confusion-matrix.js';
export { trainTestSplit, type TrainTestSplitConfig, type TrainTestSplit } from './utils/train-test-split.js';
