// The layer catalog, by TF.js factory name: `layers.dense(...)`. A module of its own, exported as a
// namespace, so a bundler keeps only the layers an app uses (a namespace's static member accesses
// are tree-shaken; an object literal of factories would pull in every layer class).
import { Dense, type DenseConfig } from './dense.js';
import { SimpleRNN, type SimpleRNNConfig } from './simple-rnn.js';
import { GRU, type GRUConfig } from './gru.js';
import { LSTM, type LSTMConfig } from './lstm.js';
import { RepeatVector, type RepeatVectorConfig } from './repeat-vector.js';
import { Masking, type MaskingConfig } from './masking.js';
import { Bidirectional, type BidirectionalConfig } from './bidirectional.js';
import { Concatenate, Dot, ElementwiseMerge, type ConcatenateConfig, type DotConfig } from './merge.js';
import type { LayerArgs } from './layer.js';
import { TimeDistributed, type TimeDistributedConfig } from './time-distributed.js';
import { Dropout, type DropoutConfig } from './dropout.js';
import { BatchNormalization, type BatchNormalizationConfig } from './batch-normalization.js';
import { LayerNormalization, type LayerNormalizationConfig } from './layer-normalization.js';
import { Flatten, type FlattenConfig } from './flatten.js';
import { Reshape, type ReshapeConfig } from './reshape.js';
import { ZeroPadding2D, type ZeroPadding2DConfig } from './zero-padding2d.js';
import { UpSampling2D, type UpSampling2DConfig } from './up-sampling2d.js';
import {
  MaxPooling2D, AveragePooling2D, MaxPooling1D, AveragePooling1D,
  GlobalMaxPooling2D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalAveragePooling1D,
  type Pooling2DConfig, type Pooling1DConfig, type GlobalPooling2DConfig, type GlobalPooling1DConfig,
} from './pooling.js';
import { Conv2D, type Conv2DConfig } from './conv2d.js';
import { Conv1D, type Conv1DConfig } from './conv1d.js';
import { DepthwiseConv2D, type DepthwiseConv2DConfig } from './depthwise-conv2d.js';
import { Embedding, type EmbeddingConfig } from './embedding.js';
import { SeparableConv2D, type SeparableConv2DConfig } from './separable-conv2d.js';
import { Rescaling, type RescalingConfig } from './rescaling.js';
import { Normalization, type NormalizationConfig } from './normalization.js';
import { CategoryEncoding, type CategoryEncodingConfig } from './category-encoding.js';
import { TextVectorization, type TextVectorizationConfig } from '../preprocessing/text-vectorization.js';


/** A densely connected layer: activation(x·kernel + bias) over the last axis. */
export const dense = (config: DenseConfig): Dense => new Dense(config);
/** Randomly drops inputs during training (inverted dropout). */
export const dropout = (config: DropoutConfig): Dropout => new Dropout(config);
/** Normalizes each channel of the last axis by batch statistics (moving ones at inference). */
export const batchNormalization = (config: BatchNormalizationConfig = {}): BatchNormalization => new BatchNormalization(config);
/** Normalizes each row of the last axis by its own mean and variance, then scales and shifts it. */
export const layerNormalization = (config: LayerNormalizationConfig = {}): LayerNormalization => new LayerNormalization(config);
/** One example's values as a single axis ([4, 4, 2] → [32]), unchanged. */
export const flatten = (config: FlattenConfig = {}): Flatten => new Flatten(config);
/** One example's values, unchanged, under another shape (one axis may be −1). */
export const reshape = (config: ReshapeConfig): Reshape => new Reshape(config);
/** Rows and columns of zeros around each [height, width, channels] example. */
export const zeroPadding2d = (config: ZeroPadding2DConfig = {}): ZeroPadding2D => new ZeroPadding2D(config);
/** Each [height, width, channels] example enlarged by repeating its values (nearest). */
export const upSampling2d = (config: UpSampling2DConfig = {}): UpSampling2D => new UpSampling2D(config);
/** The max of each poolSize window of [height, width, channels] examples (strides default to poolSize). */
export const maxPooling2d = (config: Pooling2DConfig = {}): MaxPooling2D => new MaxPooling2D(config);
/** The mean of each poolSize window of [height, width, channels] examples ('same': of its valid inputs). */
export const averagePooling2d = (config: Pooling2DConfig = {}): AveragePooling2D => new AveragePooling2D(config);
/** The max of each poolSize window of [steps, channels] examples. */
export const maxPooling1d = (config: Pooling1DConfig = {}): MaxPooling1D => new MaxPooling1D(config);
/** The mean of each poolSize window of [steps, channels] examples. */
export const averagePooling1d = (config: Pooling1DConfig = {}): AveragePooling1D => new AveragePooling1D(config);
/** Each channel's max over height and width: [h, w, c] → [c]. */
export const globalMaxPooling2d = (config: GlobalPooling2DConfig = {}): GlobalMaxPooling2D => new GlobalMaxPooling2D(config);
/** Each channel's mean over height and width: [h, w, c] → [c]. */
export const globalAveragePooling2d = (config: GlobalPooling2DConfig = {}): GlobalAveragePooling2D => new GlobalAveragePooling2D(config);
/** Each channel's max over the steps: [steps, c] → [c]. */
export const globalMaxPooling1d = (config: GlobalPooling1DConfig = {}): GlobalMaxPooling1D => new GlobalMaxPooling1D(config);
/** Each channel's mean over the steps: [steps, c] → [c]. */
export const globalAveragePooling1d = (config: GlobalPooling1DConfig = {}): GlobalAveragePooling1D => new GlobalAveragePooling1D(config);
/** 2-D convolution over [height, width, channels]: activation(conv(x, kernel) + bias). */
export const conv2d = (config: Conv2DConfig): Conv2D => new Conv2D(config);
/** 1-D convolution over [steps, channels]: activation(conv(x, kernel) + bias). */
export const conv1d = (config: Conv1DConfig): Conv1D => new Conv1D(config);
/** Depthwise 2-D convolution over [height, width, channels]: each channel with its own depthMultiplier kernels. */
export const depthwiseConv2d = (config: DepthwiseConv2DConfig): DepthwiseConv2D => new DepthwiseConv2D(config);
/** Integer ids to dense vectors: each id in [0, inputDim) picks a row of a trained [inputDim, outputDim] table. */
export const embedding = (config: EmbeddingConfig): Embedding => new Embedding(config);
/** Separable 2-D convolution over [height, width, channels]: a depthwise convolution, then a 1×1 one to `filters`, bias and activation. */
export const separableConv2d = (config: SeparableConv2DConfig): SeparableConv2D => new SeparableConv2D(config);
/** A fully connected recurrence over the steps of [timesteps, features] examples: h_t = activation(x_t·W + h_{t−1}·U + b). */
export const simpleRNN = (config: SimpleRNNConfig): SimpleRNN => new SimpleRNN(config);
export const gru = (config: GRUConfig): GRU => new GRU(config);
/** Long short-term memory over the steps of [timesteps, features] examples (TF.js's LSTM: gates i, f, c, o). */
export const lstm = (config: LSTMConfig): LSTM => new LSTM(config);
/** Each [features] example repeated n times: [features] → [n, features]. */
export const repeatVector = (config: RepeatVectorConfig): RepeatVector => new RepeatVector(config);
/** A layer applied to each step of [steps, ...] examples (a dense, for now). */
export const timeDistributed = (config: TimeDistributedConfig): TimeDistributed => new TimeDistributed(config);
/** Marks the padded steps of [steps, features] examples (every feature equal to maskValue) for the recurrent layers after it. */
export const masking = (config: MaskingConfig = {}): Masking => new Masking(config);
/** A recurrent layer run over the steps both ways (a copy with its own weights backwards), the two outputs merged. */
export const bidirectional = (config: BidirectionalConfig): Bidirectional => new Bidirectional(config);
/** Every value scaled and shifted, y = x·scale + offset (pixels to [0, 1]: scale 1/255), inside the model. */
export const rescaling = (config: RescalingConfig): Rescaling => new Rescaling(config);
/** Each feature of the last axis by fixed statistics, (x − mean)/√variance: `adapt(data)` computes them (Keras's). */
export const normalization = (config: NormalizationConfig = {}): Normalization => new Normalization(config);
/** Integer ids in [0, numTokens) to a row of numTokens: 'multiHot' (default), 'count', or 'oneHot'. First layer only. */
export const categoryEncoding = (config: CategoryEncodingConfig): CategoryEncoding => new CategoryEncoding(config);
/**
 * Keras's TextVectorization: strings to token ids or bag-of-words rows, before the model (it is not
 * added to one): `adapt(texts)`, then `apply(texts)` gives what fit / predict take.
 */
export const textVectorization = (config: TextVectorizationConfig = {}): TextVectorization => new TextVectorization(config);
/** The sum of its inputs (a graph model's branches: apply([a, b])). */
export const add = (config: LayerArgs = {}): ElementwiseMerge => new ElementwiseMerge('Add', config);
/** Its first input minus its second. */
export const subtract = (config: LayerArgs = {}): ElementwiseMerge => new ElementwiseMerge('Subtract', config);
/** The product of its inputs, value by value. */
export const multiply = (config: LayerArgs = {}): ElementwiseMerge => new ElementwiseMerge('Multiply', config);
/** The mean of its inputs. */
export const average = (config: LayerArgs = {}): ElementwiseMerge => new ElementwiseMerge('Average', config);
/** The largest of its inputs, value by value. */
export const maximum = (config: LayerArgs = {}): ElementwiseMerge => new ElementwiseMerge('Maximum', config);
/** The smallest of its inputs, value by value. */
export const minimum = (config: LayerArgs = {}): ElementwiseMerge => new ElementwiseMerge('Minimum', config);
/** Its inputs joined along the last axis. */
export const concatenate = (config: ConcatenateConfig = {}): Concatenate => new Concatenate(config);
/** The dot product of its two inputs along an axis of each (with normalize, the cosines), as TF.js: vectors, or matrices as in attention. */
export const dot = (config: DotConfig): Dot => new Dot(config);
