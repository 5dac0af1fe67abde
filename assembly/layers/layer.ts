// The layer record: what the network plan knows about one layer, as struct fields. Each layer
// kind declares its sizes (parameters, values saved for its backward pass); the plan in
// network.ts allocates once and points every record into the shared buffers.
//
// Shapes are per example. A layer sees `rows` examples at a time; a layer that works on the last
// axis (dense) sees `rows × groups` rows of `inFeatures` values, where groups is the product of
// the other axes ([T, F] input: T groups of F).

// Layer kinds: the Wasm side's registry (src/layers/ maps class names to these ids).
export const DENSE = 0;
export const DROPOUT = 1;
export const BATCH_NORMALIZATION = 2;
// Reserved for the convolutional layers (one kind per file in assembly/layers/):
export const CONV1D = 3;
export const CONV2D = 4;
export const MAX_POOLING = 5; // 1-D and 2-D (1-D as height 1)
export const AVERAGE_POOLING = 6;
export const GLOBAL_MAX_POOLING = 7;
export const GLOBAL_AVERAGE_POOLING = 8;
export const RESHAPE = 9; // reshape and flatten: the values as they are, under another shape
export const ZERO_PADDING2D = 10;
export const UP_SAMPLING2D = 11;
export const DEPTHWISE_CONV2D = 12;
export const SEPARABLE_CONV2D = 13;
// Reserved for the sequence layers:
export const EMBEDDING = 14;
export const SIMPLE_RNN = 15;
export const LSTM = 16;
export const GRU = 17;
export const LAYER_NORMALIZATION = 18;
export const REPEAT_VECTOR = 19;
export const MASKING = 20;
export const BIDIRECTIONAL = 21;
// Preprocessing layers, saved with the model:
export const RESCALING = 22;
export const NORMALIZATION = 23;
export const CATEGORY_ENCODING = 24;
// Graph models' merge layers:
export const MERGE = 25; // add, subtract, multiply, average, maximum, minimum (mergeMode: merge.ts)
export const CONCATENATE = 26;
export const DOT = 27; // normalize in mergeMode (1: cosine); its product in dotRows, inFeatures, dotCols

@unmanaged
export class Layer {
  kind: i32;
  /** Values per example in and out. */
  inputSize: i32;
  outputSize: i32;
  /** Rows of the last axis per example, and that axis's width in and out. */
  groups: i32;
  inFeatures: i32;
  outFeatures: i32;
  /**
   * Spatial geometry, for layers over [height, width, channels] examples (1-D ones use height 1):
   * input and output sizes, the window (kernel or pool), its strides and dilation, and the padding
   * before and after each axis. inFeatures / outFeatures hold the channels in and out.
   * inFeatures … padRight are read as one ConvGeometry (assembly/layers/conv2d.ts): keep their order.
   */
  inHeight: i32;
  inWidth: i32;
  outHeight: i32;
  outWidth: i32;
  windowHeight: i32;
  windowWidth: i32;
  strideHeight: i32;
  strideWidth: i32;
  dilationHeight: i32;
  dilationWidth: i32;
  padTop: i32;
  padLeft: i32;
  padBottom: i32;
  padRight: i32;
  /** depthwiseConv2d's and separableConv2d's depth multiplier. */
  multiplier: i32;
  /** The activation applied to the output, and its parameter (leakyRelu, elu). */
  activation: i32;
  alpha: f32;
  /** Dropout's rate (a recurrent layer's dropout on its inputs); batchNormalization's momentum. */
  rate: f32;
  /** A recurrent layer's dropout on the state its recurrence reads. */
  recurrentRate: f32;
  /** batchNormalization's epsilon. */
  epsilon: f32;
  useBias: i32;
  /** 0 for a frozen layer: its parameters get no gradient and no update. */
  trainable: i32;
  /** Regularizer weights: l1·Σ|w| + l2·Σw² on the kernel and on the bias. */
  kernelL1: f32;
  kernelL2: f32;
  biasL1: f32;
  biasL2: f32;
  /** Recurrent layers: the regularizer on the recurrent kernel (the kernel block's part after W). */
  recurrentL1: f32;
  recurrentL2: f32;
  /** LSTM: the gates' activation (i, f, o; `activation` is the cell's) and its parameter. */
  recurrentActivation: i32;
  recurrentAlpha: f32;
  /**
   * Masks (TF.js's): 1 or 0 per step of an example, 0 where a padded step is skipped. A layer that
   * makes one (embedding with maskZero: ids of 0; masking: steps all equal to maskValue) writes it
   * at the start of its `saved`; maskFrom is the layer whose mask this one reads (index + 1, 0 for
   * none), and the plan points `mask` at it. Only the recurrent layers read it.
   */
  maskZero: i32;
  maskValue: f32;
  maskFrom: i32;
  /**
   * bidirectional: the recurrent kind it runs both ways (the other fields are that layer's, but
   * outFeatures, the merged width) and how the two outputs merge (assembly/layers/bidirectional.ts);
   * a merge layer's operation (assembly/layers/merge.ts).
   */
  innerKind: i32;
  mergeMode: i32;
  /**
   * dot: each example's product [dotRows × inFeatures] · [inFeatures × dotCols], and whether its
   * first and second inputs hold their matrices transposed (assembly/layers/merge.ts).
   */
  dotRows: i32;
  dotCols: i32;
  dotFirstTransposed: i32;
  dotSecondTransposed: i32;
  /** rescaling: y = x·scale + offset. */
  scale: f32;
  offset: f32;
  /** categoryEncoding: 1 to add up repeated ids ('count'), 0 to mark them ('multiHot', 'oneHot'). */
  countTokens: i32;
  /** Inputs given to the plan (a graph's edges, in network.ts); 0: the layer before (a chain). */
  inputCount: i32;
  /** Kernel and bias values (the weights regularizers and dense read). */
  kernelSize: i32;
  biasSize: i32;
  /**
   * All the layer's weights in the flat parameter buffer, from paramOffset, in Keras order: the
   * first trainableSize train, the rest are state the layer updates itself (moving statistics),
   * written by the forward pass into the next buffer so a refused step leaves them as they were.
   */
  paramSize: i32;
  trainableSize: i32;
  paramOffset: i32;
  /**
   * A layer applied twice (a shared layer) is one record per application: the later ones hold the
   * first's index + 1 here and point at its weights; 0 for a layer's first (or only) application.
   */
  sharedFrom: i32;
  /** Where the layer's weights come in the parameter buffer: layers are laid out by rank (default: their index). */
  paramRank: i32;
  /** Values per example kept from the forward pass for the backward one (z, a dropout mask). */
  savedSize: i32;
  /** Values per batch kept for the backward pass (batch statistics). */
  fixedSize: i32;
  /** Scratch values per example, shared by every layer (im2col columns, say): valid within one call. */
  scratchSize: i32;
  /**
   * Gradient accumulation: with 1, the backward pass adds into the gradient of its parameters or
   * of its input instead of overwriting it, so a value with several consumers gets the sum over
   * every path (the chain rule across branches). The first consumer to run backward overwrites.
   */
  accumulateParams: i32;
  accumulateInput: i32;
  // Pointers, set by the plan: the layer's weights in the current and the next buffer, and ...
  params: usize;
  nextParams: usize;
  // ... kernel, bias and their gradients (0 where the layer has none) ...
  kernel: usize;
  bias: usize;
  kernelGrad: usize;
  biasGrad: usize;
  // ... and the activation buffers, batchCap examples each.
  saved: usize;
  mask: usize;
  fixed: usize;
  scratch: usize;
  output: usize;
  outputGrad: usize;
  /**
   * A dense layer's kernel packed for inference (gemm_pack_b's strips, in the network's cache; 0
   * without one) and the weights version it was packed from (assembly/network.ts packedKernel).
   */
  packed: usize;
  packedVersion: u64;
}

/** The record of a layer from its address. */
// @ts-ignore: decorator
@inline export function record(ptr: usize): Layer {
  return changetype<Layer>(ptr);
}
