// The network: a stack of layer records (assembly/layers/) and the buffers they point into, so a
// whole training step (forward, loss, backward, update) is a single call. The TypeScript model
// describes each layer once; every buffer is allocated here.
//
// Memory plan (llm.c style): one buffer holds every parameter, each layer's kernel and bias point
// into it, in getWeights() order; gradients and the optimizer's state are parallel buffers of the
// same layout; one more buffer holds the activations for `batchCap` examples. Parameters and
// optimizer state are double-buffered: an update writes the next ones beside the current ones, and
// they are adopted only when every value is finite, so a failed step leaves the model exactly as
// it was.
import { alloc, block_bytes, free } from "./memory";
import { rng_shuffle } from "./rng";
import { SIGMOID, SOFTMAX } from "./activations";
import {
  loss_forward_backward, loss_from_logits, penalty_forward_backward,
  BINARY_CROSSENTROPY, CATEGORICAL_CROSSENTROPY, SPARSE_CATEGORICAL_CROSSENTROPY,
} from "./losses";
import { metrics_update, METRIC_SLOTS } from "./metrics";
import {
  sgd_update, momentum_update, adam_update, rmsprop_update, adagrad_update, adadelta_update,
  adamax_update, weight_decay, clip_gradients, all_finite, finite_part as finite, ADAM, RMSPROP, ADAGRAD, ADADELTA, ADAMAX, ADAMW,
} from "./optimizers";
import {
  Layer, record, DENSE, DROPOUT, BATCH_NORMALIZATION, LAYER_NORMALIZATION, RESHAPE, ZERO_PADDING2D, UP_SAMPLING2D,
  MAX_POOLING, AVERAGE_POOLING, GLOBAL_MAX_POOLING, GLOBAL_AVERAGE_POOLING, CONV1D, CONV2D,
  DEPTHWISE_CONV2D, EMBEDDING, SEPARABLE_CONV2D, SIMPLE_RNN, GRU, LSTM, REPEAT_VECTOR, MASKING, BIDIRECTIONAL, MERGE, CONCATENATE, DOT,
} from "./layers/layer";
import { layer_forward, layer_backward, recurrent_run_saved_size } from "./layers/index";
import { RESCALING, NORMALIZATION, CATEGORY_ENCODING } from "./layers/layer";
import { recurrent_saved_size, recurrent_scratch_size } from "./recurrent";
import { run_units, CONCAT } from "./layers/bidirectional";
import { conv2d_columns, geometry } from "./layers/conv2d";
import { gemm_pack_b, PANEL_COLUMNS } from "./gemm";
import { kernel_parallel, job_set, job_set_f64, job_arg, job_f64, job_i32, job_raise, split, run_job, threads_count, barrier, JOB_UPDATE } from "./threads";

const NESTEROV = 1;
const CENTERED = 2;
const AMSGRAD = 4;

// How net_loss reads the network's output.
const PROBABILITIES = 0; // the loss sees the last layer's output
const FUSED = 1; // softmax/sigmoid + cross-entropy computed from the last layer's z
const FROM_LOGITS = 2; // the output itself is logits (fromLogits: true)

@unmanaged
class Net {
  layerCount: i32;
  /** Examples the activation buffers hold. */
  batchCap: i32;
  /**
   * The model's outputs, each with the loss that trains it (Head records, MAX_OUTPUTS of them, in
   * this same block), and the label values a staged row holds: each output's, one after another.
   */
  headCount: i32;
  heads: usize;
  labelSize: i32;
  /** The optimizer: rule, state buffers, hyperparameters (p1: β1, ρ or momentum; p2: β2, or
   * momentum for rmsprop; p3: weight decay, adamax decay or adagrad's initial accumulator). */
  optimizer: i32;
  slotCount: i32;
  lr: f32;
  p1: f32;
  p2: f32;
  epsilon: f32;
  p3: f32;
  flags: i32;
  clipNorm: f32;
  clipValue: f32;
  paramCount: i32;
  /** Layers with parameters that are frozen: the update then runs layer by layer. */
  frozenCount: i32;
  /** Layers with state (moving statistics) in the parameter buffer, which the update skips too. */
  stateCount: i32;
  /** 1 when the last forward pass dropped values (its masks are live). */
  training: i32;
  /** The batch at which net_train_batches met a non-finite loss, or -1. */
  divergedBatch: i32;
  params: usize;
  nextParams: usize;
  grads: usize;
  slots: usize;
  nextSlots: usize;
  activations: usize;
  /** Staging rows for a gathered batch: inputs, labels and sample weights (one f32 per example). */
  input: usize;
  label: usize;
  weights: usize;
  /** METRIC_SLOTS f64 running metric totals per output, and the layer records, in this same block. */
  totals: usize;
  layers: usize;
  /**
   * The graph, for a model that is not a chain: MAX_INPUTS edges per layer (where each input comes
   * from), then the arrays a layer call reads its inputs through (pointers, gradient pointers,
   * accumulate flags, widths), in this same block.
   */
  edges: usize;
  /**
   * The model's inputs: values per example in all (a staged row holds each input's values one
   * after another), and with several inputs, each one's size and where a batch's rows of it are
   * laid out contiguously for the layers that read it (MAX_MODEL_INPUTS of each).
   */
  inputSize: i32;
  modelInputs: i32;
  inputSizes: usize;
  inputBlocks: usize;
  inputPointers: usize;
  gradPointers: usize;
  accumulateFlags: usize;
  inputWidths: usize;
  /** The dropout stream's 16-byte state. */
  rng0: u32;
  rng1: u32;
  rng2: u32;
  rng3: u32;
  /** Updates applied, exact to 2^53 (an i32 would wrap after 2^31 steps). */
  step: f64;
  /** Σ batch loss × batch rows since the metrics were reset, added batch by batch. */
  lossSum: f64;
  /**
   * Counts every change of the parameters (an adopted update, anything written from outside, a
   * layer frozen or unfrozen): a dense layer's packed kernel is current while its packedVersion
   * equals it. u64: it never wraps.
   */
  weightsVersion: u64;
  /** The packed kernels' cache (net_reserve_packed), 0 until inference makes room for it. */
  packed: usize;
}

// @ts-ignore: decorator
@inline function net(ptr: usize): Net {
  return changetype<Net>(ptr);
}

// @ts-ignore: decorator
@inline function layer(n: Net, i: i32): Layer {
  return record(n.layers + <usize>i * offsetof<Layer>());
}

// @ts-ignore: decorator
@inline function rngState(n: Net): usize {
  return changetype<usize>(n) + offsetof<Net>("rng0");
}

/** Most inputs a layer takes (a merge layer's), and a model. */
const MAX_INPUTS = 16;
const MAX_MODEL_INPUTS = 16;

/** One input of a layer: the layer it comes from (index + 1; 0 for the model's input). */
@unmanaged
class Edge {
  from: i32;
  /** 1 when the backward pass adds its gradient to what another consumer wrote there first. */
  accumulate: i32;
  /** The input's last axis (concatenate's widths). */
  width: i32;
}

// @ts-ignore: decorator
@inline function edge(n: Net, i: i32, k: i32): Edge {
  return changetype<Edge>(n.edges + (<usize>i * MAX_INPUTS + <usize>k) * offsetof<Edge>());
}

/** Most outputs a model has, each trained by its own loss. */
const MAX_OUTPUTS = 16;

/**
 * One output of the model and the loss that trains it. The total loss is Σ weight × loss over the
 * outputs (Keras's loss_weights), plus the regularizers' penalties.
 */
@unmanaged
class Head {
  /** The layer whose output it is. */
  layer: i32;
  /** The loss, its parameter (huber delta or label smoothing) and how it reads the output. */
  loss: i32;
  lossParam: f32;
  lossMode: i32;
  /** Label values per row of the output's last axis: 1 for sparse labels (class indices). */
  labelCols: i32;
  metricMask: i32;
  weight: f32;
  /** Label values per example, and where they start in a staged label row. */
  labelSize: i32;
  labelOffset: i32;
  /** With several outputs: this output's labels of the staged rows, split out contiguously. */
  labels: usize;
  /** Σ batch loss × batch rows since net_reset_metrics (the `<output>_loss` logs). */
  lossSum: f64;
}

// @ts-ignore: decorator
@inline function head(n: Net, k: i32): Head {
  return changetype<Head>(n.heads + <usize>k * ((offsetof<Head>() + 7) & ~7));
}

// @ts-ignore: decorator
@inline function totalsOf(n: Net, k: i32): usize {
  return n.totals + <usize>k * METRIC_SLOTS * 8;
}

// True when layer i's output is one of the model's outputs.
function isOutput(n: Net, i: i32): bool {
  for (let k = 0; k < n.headCount; k++) if (head(n, k).layer == i) return true;
  return false;
}

// True when another layer reads layer i's output (a chain's next layer, or a graph edge).
function hasConsumers(n: Net, i: i32): bool {
  for (let j = i + 1; j < n.layerCount; j++) {
    const l = layer(n, j);
    if (l.inputCount == 0 && j == i + 1) return true;
    for (let k = 0; k < l.inputCount; k++) if (edge(n, j, k).from == i + 1) return true;
  }
  return false;
}

/** A network of `layers` layers (each then described by net_set_*); 0 when out of memory. */
export function net_create(layers: i32): usize {
  const header = (offsetof<Net>() + 7) & ~7;
  const records = <usize>layers * offsetof<Layer>(), edges = <usize>layers * MAX_INPUTS * offsetof<Edge>();
  const arrays = 4 * MAX_INPUTS * sizeof<usize>() + MAX_MODEL_INPUTS * (4 + sizeof<usize>());
  const heads = MAX_OUTPUTS * ((offsetof<Head>() + 7) & ~7);
  const ptr = alloc(header + MAX_OUTPUTS * METRIC_SLOTS * 8 + heads + records + edges + arrays);
  if (ptr == 0) return 0;
  const n = net(ptr);
  n.layerCount = layers;
  n.totals = ptr + header;
  n.heads = n.totals + MAX_OUTPUTS * METRIC_SLOTS * 8;
  n.layers = n.heads + heads;
  n.edges = n.layers + records;
  n.inputPointers = n.edges + edges;
  n.gradPointers = n.inputPointers + MAX_INPUTS * sizeof<usize>();
  n.accumulateFlags = n.gradPointers + MAX_INPUTS * sizeof<usize>();
  n.inputWidths = n.accumulateFlags + MAX_INPUTS * sizeof<usize>();
  n.inputSizes = n.inputWidths + MAX_INPUTS * sizeof<usize>();
  n.inputBlocks = n.inputSizes + MAX_MODEL_INPUTS * 4;
  for (let i = 0; i < layers; i++) {
    layer(n, i).trainable = 1;
    layer(n, i).paramRank = i;
  }
  return ptr;
}

/**
 * The model's input k holds `size` values per example (inputs given in order; a model given none
 * has one, the first layer's input). Staged rows hold the inputs one after another.
 */
export function net_set_model_input(ptr: usize, k: i32, size: i32): bool {
  const n = net(ptr);
  if (k != n.modelInputs || k >= MAX_MODEL_INPUTS) return false;
  store<i32>(n.inputSizes + (<usize>k << 2), size);
  n.modelInputs = k + 1;
  n.inputSize += size;
  return true;
}

/**
 * Layer i's input k comes from layer `from` (−1 − m: the model's input m), `width` values wide on its last
 * axis. A layer given no inputs takes the one before it (a chain: sequential models). Layers must
 * come in an order where every input is made before it is read. False for too many inputs.
 */
export function net_set_input(ptr: usize, i: i32, k: i32, from: i32, width: i32): bool {
  const n = net(ptr), l = layer(n, i);
  if (k < 0 || k >= MAX_INPUTS || k != l.inputCount || from >= i || -1 - from >= max(n.modelInputs, 1)) return false;
  const e = edge(n, i, k);
  e.from = from + 1;
  e.width = width;
  l.inputCount = k + 1;
  return true;
}

// Which gradient writes add: backward runs the layers last to first (a layer's inputs in order), and
// the first write into a value's gradient overwrites, every later one adds (the multivariable chain
// rule: the gradient reaching a value is the sum over its consumers).
function planAccumulation(n: Net): void {
  for (let i = n.layerCount - 1; i >= 0; i--) {
    const l = layer(n, i);
    for (let k = 0; k < l.inputCount; k++) {
      const from = edge(n, i, k).from;
      // The loss writes an output's gradient before any layer does.
      let earlier = from > 0 && isOutput(n, from - 1);
      for (let j = n.layerCount - 1; j >= i && !earlier; j--) {
        const count = j == i ? k : layer(n, j).inputCount;
        for (let q = 0; q < count; q++) if (edge(n, j, q).from == from) { earlier = true; break; }
      }
      edge(n, i, k).accumulate = earlier ? 1 : 0;
    }
    if (l.inputCount > 0) l.accumulateInput = edge(n, i, 0).accumulate;
    // A shared layer's weight gradients: its last application (the first to run backward)
    // overwrites, every earlier one adds.
    const owner = l.sharedFrom ? l.sharedFrom - 1 : i;
    let later = false;
    for (let j = i + 1; j < n.layerCount && !later; j++) {
      const m = layer(n, j);
      later = (m.sharedFrom ? m.sharedFrom - 1 : j) == owner;
    }
    l.accumulateParams = later ? 1 : 0;
  }
}

// Where layer i's input k is (its producer's output, or a model input: x itself, or with several
// inputs, that input's block), and its gradient (0 for a model input: nothing to pass back to).
// An edge's `from` is the producer's index + 1, or −m for model input m.
// @ts-ignore: decorator
@inline function inputOf(n: Net, i: i32, k: i32, x: usize): usize {
  const from = layer(n, i).inputCount ? edge(n, i, k).from : i;
  if (from > 0) return layer(n, from - 1).output;
  return n.modelInputs > 1 ? load<usize>(n.inputBlocks + (<usize>(-from) * sizeof<usize>())) : x;
}

// @ts-ignore: decorator
@inline function inputGradOf(n: Net, i: i32, k: i32): usize {
  const from = layer(n, i).inputCount ? edge(n, i, k).from : i;
  return from > 0 ? layer(n, from - 1).outputGrad : 0;
}

// With several model inputs: each input's values of the `rows` staged rows at x, into its block.
function splitInputs(n: Net, x: usize, rows: i32): void {
  const rowBytes = <usize>n.inputSize << 2;
  let offset: usize = 0;
  for (let m = 0; m < n.modelInputs; m++) {
    const bytes = <usize>load<i32>(n.inputSizes + (<usize>m << 2)) << 2, block = load<usize>(n.inputBlocks + (<usize>m * sizeof<usize>()));
    for (let r = 0; r < rows; r++) memory.copy(block + <usize>r * bytes, x + <usize>r * rowBytes + offset, bytes);
    offset += bytes;
  }
}

// Fills the arrays a merge layer reads its inputs (and their gradients) through.
function gatherInputs(n: Net, i: i32, x: usize): void {
  const l = layer(n, i);
  for (let k = 0; k < l.inputCount; k++) {
    const at = <usize>k * sizeof<usize>(), e = edge(n, i, k);
    store<usize>(n.inputPointers + at, inputOf(n, i, k, x));
    store<usize>(n.gradPointers + at, inputGradOf(n, i, k));
    store<usize>(n.accumulateFlags + at, <usize>e.accumulate);
    store<i32>(n.inputWidths + (<usize>k << 2), e.width);
  }
}

/**
 * Layer i applies the same layer as layer `first` (< i) again: it uses first's weights, and their
 * gradients add up over both applications. False when `first` is not an earlier own-weights record.
 */
export function net_set_shared(ptr: usize, i: i32, first: i32): bool {
  const n = net(ptr);
  if (first < 0 || first >= i || i >= n.layerCount || layer(n, first).sharedFrom != 0) return false;
  layer(n, i).sharedFrom = first + 1;
  return true;
}

/**
 * Layer i's weights come `rank`-th in the parameter buffer (getWeights() order: a graph's layers in
 * TF.js's order, which with a shared layer can differ from the order they run in).
 */
export function net_set_param_rank(ptr: usize, i: i32, rank: i32): void {
  layer(net(ptr), i).paramRank = rank;
}

/**
 * The model's output k is layer i's output (outputs given in order; a model given none has one,
 * its last layer's). False for too many outputs.
 */
export function net_set_output(ptr: usize, k: i32, i: i32): bool {
  const n = net(ptr);
  if (k != n.headCount || k >= MAX_OUTPUTS || i < 0 || i >= n.layerCount) return false;
  head(n, k).layer = i;
  head(n, k).weight = 1;
  n.headCount = k + 1;
  return true;
}

/**
 * Layer i is dense: units = activation(x·kernel + bias) over the last axis of its input, which
 * holds `groups` rows of `inputs` values per example.
 */
export function net_set_dense(ptr: usize, i: i32, groups: i32, inputs: i32, units: i32, act: i32, alpha: f32, useBias: bool): void {
  const l = layer(net(ptr), i);
  l.kind = DENSE;
  l.groups = groups;
  l.inFeatures = inputs;
  l.outFeatures = units;
  l.inputSize = groups * inputs;
  l.outputSize = groups * units;
  l.activation = act;
  l.alpha = alpha;
  l.useBias = useBias ? 1 : 0;
  l.kernelSize = inputs * units;
  l.biasSize = useBias ? units : 0;
  l.paramSize = l.trainableSize = l.kernelSize + l.biasSize;
  l.savedSize = l.outputSize; // z, for the activation's derivative
}

/**
 * Layer i is embedding: each of the `positions` ids of an example (given as f32) picks a row of the
 * table [inputDim × outputDim], so the output is positions rows of outputDim. The table sits where
 * a kernel would (regularizers and pointers treat it so); no bias. With `maskZero`, id 0 is padding:
 * saved holds the mask (one value per position) for the recurrent layers after.
 */
export function net_set_embedding(ptr: usize, i: i32, positions: i32, inputDim: i32, outputDim: i32, maskZero: bool): void {
  const l = layer(net(ptr), i);
  l.kind = EMBEDDING;
  l.groups = positions;
  l.inFeatures = 1;
  l.outFeatures = outputDim;
  l.inputSize = positions;
  l.outputSize = positions * outputDim;
  l.kernelSize = inputDim * outputDim;
  l.biasSize = 0;
  l.paramSize = l.trainableSize = l.kernelSize;
  l.maskZero = maskZero ? 1 : 0;
  l.savedSize = maskZero ? positions : 0;
}

/**
 * Layer i is masking over `groups` steps of `features` values: a step all equal to `maskValue` is
 * zeroed and masked (saved holds the mask, one value per step).
 */
export function net_set_masking(ptr: usize, i: i32, groups: i32, features: i32, maskValue: f32): void {
  const l = layer(net(ptr), i);
  l.kind = MASKING;
  l.groups = groups;
  l.inFeatures = l.outFeatures = features;
  l.inputSize = l.outputSize = groups * features;
  l.maskValue = maskValue;
  l.savedSize = groups;
}

/**
 * Layer i merges its inputs (net_set_input), `size` values per example each, value by value with
 * `op` (assembly/layers/merge.ts); `features` is the last axis (what a loss after it reads).
 */
export function net_set_merge(ptr: usize, i: i32, size: i32, features: i32, op: i32): void {
  const l = layer(net(ptr), i);
  l.kind = MERGE;
  l.mergeMode = op;
  l.inputSize = l.outputSize = size;
  l.inFeatures = l.outFeatures = features;
  l.groups = size / features;
}

/**
 * Layer i is the dot product of its two inputs (TF.js's dot; its cosine with `normalize`), per
 * example [rows × inner] · [inner × cols]: the first input holds the left matrix (its transpose
 * with `firstTransposed`: the contracted axis first), the second the right one (its transpose with
 * `secondTransposed`: the contracted axis last); the output's last axis is `width` wide.
 */
export function net_set_dot(ptr: usize, i: i32, rows: i32, inner: i32, cols: i32, firstTransposed: bool, secondTransposed: bool, width: i32, normalize: bool): void {
  const l = layer(net(ptr), i);
  l.kind = DOT;
  l.mergeMode = normalize ? 1 : 0;
  l.dotRows = rows;
  l.inFeatures = inner;
  l.dotCols = cols;
  l.dotFirstTransposed = firstTransposed ? 1 : 0;
  l.dotSecondTransposed = secondTransposed ? 1 : 0;
  l.inputSize = rows * inner;
  l.outputSize = rows * cols;
  l.outFeatures = width;
  l.groups = l.outputSize / width;
  // The norms, the coefficients and G of the backward pass (merge.ts).
  l.scratchSize = normalize ? 2 * (rows + cols) + rows * cols : 0;
}

/**
 * Layer i concatenates its inputs along the last axis: `groups` rows per example, `width` values
 * wide in all (each input's width given with it); its first input holds `inputSize` values.
 */
export function net_set_concatenate(ptr: usize, i: i32, groups: i32, width: i32, inputSize: i32): void {
  const l = layer(net(ptr), i);
  l.kind = CONCATENATE;
  l.groups = groups;
  l.outFeatures = width;
  l.outputSize = groups * width;
  l.inputSize = inputSize;
}

/**
 * Layer i, a recurrent layer just set (simpleRNN, gru or lstm), becomes a bidirectional of it merged
 * by `mergeMode` (assembly/layers/bidirectional.ts): a second run backwards with its own weights.
 */
export function net_set_bidirectional(ptr: usize, i: i32, mergeMode: i32): void {
  const l = layer(net(ptr), i);
  const units = l.outFeatures;
  l.innerKind = l.kind;
  l.kind = BIDIRECTIONAL;
  l.mergeMode = mergeMode;
  l.outFeatures = mergeMode == CONCAT ? units << 1 : units;
  l.outputSize = l.groups * l.outFeatures;
  l.paramSize = l.trainableSize = 2 * (l.kernelSize + l.biasSize);
  // Each run's saved values, then their outputs and the outputs' gradients.
  l.savedSize = 2 * l.savedSize + 4 * l.groups * units;
}

/** Layer i reads the mask that layer `from` (an embedding with maskZero, or masking) makes. */
export function net_set_mask(ptr: usize, i: i32, from: i32): void {
  layer(net(ptr), i).maskFrom = from + 1;
}

/** Layer i is dropout at `rate` over `groups` rows of `features` values per example. */
export function net_set_dropout(ptr: usize, i: i32, groups: i32, features: i32, rate: f32): void {
  const l = layer(net(ptr), i);
  l.kind = DROPOUT;
  l.groups = groups;
  l.inFeatures = l.outFeatures = features;
  l.inputSize = l.outputSize = groups * features;
  l.rate = rate;
  l.savedSize = l.outputSize; // the mask
}

/**
 * Layer i is batch normalization over the last axis (`channels` wide, `groups` rows of it per
 * example): weights gamma (if `scale`) and beta (if `center`), which train, then the moving mean
 * and variance, which the forward pass updates in training with `momentum`.
 */
export function net_set_batch_normalization(ptr: usize, i: i32, groups: i32, channels: i32, momentum: f32, epsilon: f32, scale: bool, center: bool): void {
  const l = layer(net(ptr), i);
  l.kind = BATCH_NORMALIZATION;
  l.groups = groups;
  l.inFeatures = l.outFeatures = channels;
  l.inputSize = l.outputSize = groups * channels;
  l.rate = momentum;
  l.epsilon = epsilon;
  // gamma and beta sit where a kernel and a bias would: regularizers and pointers treat them so.
  l.kernelSize = scale ? channels : 0;
  l.biasSize = center ? channels : 0;
  l.trainableSize = l.kernelSize + l.biasSize;
  l.paramSize = l.trainableSize + 2 * channels;
  l.savedSize = l.outputSize; // the normalized values x̂
  l.fixedSize = 4 * channels; // the batch's mean, 1/√(variance + ε), and the backward pass's sums
}

/**
 * Layer i is layer normalization over the last axis (`channels` wide, `groups` rows of it per
 * example): weights gamma (if `scale`) and beta (if `center`), each row normalized by its own
 * statistics. Saved per example: x̂, then each row's 1/√(σ² + ε).
 */
export function net_set_layer_normalization(ptr: usize, i: i32, groups: i32, channels: i32, epsilon: f32, scale: bool, center: bool): void {
  const l = layer(net(ptr), i);
  l.kind = LAYER_NORMALIZATION;
  l.groups = groups;
  l.inFeatures = l.outFeatures = channels;
  l.inputSize = l.outputSize = groups * channels;
  l.epsilon = epsilon;
  // gamma and beta sit where a kernel and a bias would: regularizers and pointers treat them so.
  l.kernelSize = scale ? channels : 0;
  l.biasSize = center ? channels : 0;
  l.paramSize = l.trainableSize = l.kernelSize + l.biasSize;
  l.savedSize = l.outputSize + groups;
}

/**
 * Layer i is reshape or flatten: `size` values per example, unchanged, whose last axis is
 * `inputs` wide on the way in and `outputs` wide on the way out (a loss after it reads the latter).
 */
export function net_set_reshape(ptr: usize, i: i32, size: i32, inputs: i32, outputs: i32): void {
  const l = layer(net(ptr), i);
  l.kind = RESHAPE;
  l.inputSize = l.outputSize = size;
  l.inFeatures = inputs;
  l.outFeatures = outputs;
  l.groups = size / outputs;
}

/** Layer i is repeatVector: each example's `features` values repeated `n` times ([features] → [n, features]). */
export function net_set_repeat_vector(ptr: usize, i: i32, n: i32, features: i32): void {
  const l = layer(net(ptr), i);
  l.kind = REPEAT_VECTOR;
  l.inputSize = features;
  l.outputSize = n * features;
  l.inFeatures = l.outFeatures = features;
  l.groups = n;
}

/**
 * Layer i is zeroPadding2d over [height, width, channels] examples: `top`, `bottom` rows and
 * `left`, `right` columns of zeros around each.
 */
export function net_set_zero_padding2d(ptr: usize, i: i32, height: i32, width: i32, channels: i32, top: i32, bottom: i32, left: i32, right: i32): void {
  const l = layer(net(ptr), i);
  l.kind = ZERO_PADDING2D;
  l.inHeight = height;
  l.inWidth = width;
  l.outHeight = top + height + bottom;
  l.outWidth = left + width + right;
  l.padTop = top;
  l.padBottom = bottom;
  l.padLeft = left;
  l.padRight = right;
  l.inFeatures = l.outFeatures = channels;
  l.inputSize = height * width * channels;
  l.outputSize = l.outHeight * l.outWidth * channels;
  l.groups = l.outHeight * l.outWidth;
}

/**
 * Layer i is upSampling2d (nearest) over [height, width, channels] examples: each value repeated
 * `rowsBy` times down and `colsBy` times across (the window the backward pass sums over).
 */
export function net_set_up_sampling2d(ptr: usize, i: i32, height: i32, width: i32, channels: i32, rowsBy: i32, colsBy: i32): void {
  const l = layer(net(ptr), i);
  l.kind = UP_SAMPLING2D;
  l.inHeight = height;
  l.inWidth = width;
  l.outHeight = height * rowsBy;
  l.outWidth = width * colsBy;
  l.windowHeight = l.strideHeight = rowsBy;
  l.windowWidth = l.strideWidth = colsBy;
  l.inFeatures = l.outFeatures = channels;
  l.inputSize = height * width * channels;
  l.outputSize = l.outHeight * l.outWidth * channels;
  l.groups = l.outHeight * l.outWidth;
}

/**
 * Layer i is max pooling over [inHeight, inWidth, channels] examples (1-D: inHeight 1, poolHeight 1):
 * windows of poolHeight × poolWidth every strideHeight, strideWidth; with `same`, the output has
 * ⌈in/stride⌉ positions and the input is padded as TensorFlow pads (the smaller half before),
 * otherwise ('valid') ⌊(in − pool)/stride⌋ + 1 and no padding.
 */
export function net_set_max_pooling(ptr: usize, i: i32, inHeight: i32, inWidth: i32, channels: i32, poolHeight: i32, poolWidth: i32, strideHeight: i32, strideWidth: i32, same: bool): void {
  const l = layer(net(ptr), i);
  setPooling(l, MAX_POOLING, inHeight, inWidth, channels, poolHeight, poolWidth, strideHeight, strideWidth, same);
  l.savedSize = l.outputSize; // the position of each maximum, as i32 bits
}

/** Layer i is average pooling (as net_set_max_pooling); 'same' windows average their valid inputs only. */
export function net_set_average_pooling(ptr: usize, i: i32, inHeight: i32, inWidth: i32, channels: i32, poolHeight: i32, poolWidth: i32, strideHeight: i32, strideWidth: i32, same: bool): void {
  setPooling(layer(net(ptr), i), AVERAGE_POOLING, inHeight, inWidth, channels, poolHeight, poolWidth, strideHeight, strideWidth, same);
}

/** Layer i is global max pooling: each of `channels` reduced over `positions` (height × width, or steps). */
export function net_set_global_max_pooling(ptr: usize, i: i32, positions: i32, channels: i32): void {
  const l = layer(net(ptr), i);
  setPooling(l, GLOBAL_MAX_POOLING, 1, positions, channels, 1, positions, 1, positions, false);
  l.savedSize = l.outputSize;
}

/** Layer i is global average pooling over `positions` of `channels`. */
export function net_set_global_average_pooling(ptr: usize, i: i32, positions: i32, channels: i32): void {
  setPooling(layer(net(ptr), i), GLOBAL_AVERAGE_POOLING, 1, positions, channels, 1, positions, 1, positions, false);
}

// The pooling layers' geometry: the output's positions are the rows of its last axis (channels).
function setPooling(l: Layer, kind: i32, inHeight: i32, inWidth: i32, channels: i32, poolHeight: i32, poolWidth: i32, strideHeight: i32, strideWidth: i32, same: bool): void {
  l.kind = kind;
  l.inHeight = inHeight;
  l.inWidth = inWidth;
  l.inFeatures = l.outFeatures = channels;
  l.windowHeight = poolHeight;
  l.windowWidth = poolWidth;
  l.strideHeight = strideHeight;
  l.strideWidth = strideWidth;
  l.dilationHeight = l.dilationWidth = 1;
  l.outHeight = same ? (inHeight + strideHeight - 1) / strideHeight : (inHeight - poolHeight) / strideHeight + 1;
  l.outWidth = same ? (inWidth + strideWidth - 1) / strideWidth : (inWidth - poolWidth) / strideWidth + 1;
  const padHeight = same ? max((l.outHeight - 1) * strideHeight + poolHeight - inHeight, 0) : 0;
  const padWidth = same ? max((l.outWidth - 1) * strideWidth + poolWidth - inWidth, 0) : 0;
  l.padTop = padHeight / 2;
  l.padBottom = padHeight - l.padTop;
  l.padLeft = padWidth / 2;
  l.padRight = padWidth - l.padLeft;
  l.groups = l.outHeight * l.outWidth;
  l.inputSize = inHeight * inWidth * channels;
  l.outputSize = l.groups * channels;
}

/**
 * Layer i is conv2d: `filters` kernels of kh × kw over [inHeight, inWidth, channels] examples, with
 * strides and dilation per axis, and 'valid' (no) or 'same' padding (TF.js's split: the total pad is
 * max((⌈in/stride⌉ − 1)·stride + (k − 1)·dilation + 1 − in, 0), the odd one at the bottom and right).
 * The caller checks the sizes (a positive output, everything within 2^30).
 */
export function net_set_conv2d(
  ptr: usize, i: i32, inHeight: i32, inWidth: i32, channels: i32, filters: i32,
  kernelHeight: i32, kernelWidth: i32, strideHeight: i32, strideWidth: i32, dilationHeight: i32, dilationWidth: i32,
  same: bool, act: i32, alpha: f32, useBias: bool,
): void {
  const l = layer(net(ptr), i);
  l.kind = CONV2D;
  l.inFeatures = channels;
  l.outFeatures = filters;
  l.inHeight = inHeight;
  l.inWidth = inWidth;
  l.windowHeight = kernelHeight;
  l.windowWidth = kernelWidth;
  l.strideHeight = strideHeight;
  l.strideWidth = strideWidth;
  l.dilationHeight = dilationHeight;
  l.dilationWidth = dilationWidth;
  l.outHeight = convOutput(inHeight, kernelHeight, strideHeight, dilationHeight, same);
  l.outWidth = convOutput(inWidth, kernelWidth, strideWidth, dilationWidth, same);
  const padHeight = convPadding(inHeight, l.outHeight, kernelHeight, strideHeight, dilationHeight);
  const padWidth = convPadding(inWidth, l.outWidth, kernelWidth, strideWidth, dilationWidth);
  l.padTop = padHeight / 2;
  l.padBottom = padHeight - l.padTop;
  l.padLeft = padWidth / 2;
  l.padRight = padWidth - l.padLeft;
  // The output's last axis is the filters: the loss and a dense layer after it see positions × filters.
  l.groups = l.outHeight * l.outWidth;
  l.inputSize = inHeight * inWidth * channels;
  l.outputSize = l.groups * filters;
  l.activation = act;
  l.alpha = alpha;
  l.useBias = useBias ? 1 : 0;
  l.kernelSize = kernelHeight * kernelWidth * channels * filters;
  l.biasSize = useBias ? filters : 0;
  l.paramSize = l.trainableSize = l.kernelSize + l.biasSize;
  l.savedSize = l.outputSize; // z, for the activation's derivative
  l.scratchSize = conv2d_columns(geometry(l)); // the im2col columns
}

/** Layer i is conv1d over [steps, channels] examples: a conv2d of height 1 (kind CONV1D). */
export function net_set_conv1d(
  ptr: usize, i: i32, steps: i32, channels: i32, filters: i32, kernel: i32, stride: i32, dilation: i32,
  same: bool, act: i32, alpha: f32, useBias: bool,
): void {
  net_set_conv2d(ptr, i, 1, steps, channels, filters, 1, kernel, 1, stride, 1, dilation, same, act, alpha, useBias);
  layer(net(ptr), i).kind = CONV1D;
}

/**
 * Layer i is depthwiseConv2d: each of the `channels` input channels convolved with its own
 * `multiplier` kernels of kh × kw (output channel c·multiplier + m), strides, dilation and padding
 * as conv2d (the record's geometry is conv2d's with filters = channels·multiplier). The kernel is
 * [kh, kw, channels, multiplier], the bias [channels·multiplier]. No scratch: a direct kernel.
 */
export function net_set_depthwise_conv2d(
  ptr: usize, i: i32, inHeight: i32, inWidth: i32, channels: i32, multiplier: i32,
  kernelHeight: i32, kernelWidth: i32, strideHeight: i32, strideWidth: i32, dilationHeight: i32, dilationWidth: i32,
  same: bool, act: i32, alpha: f32, useBias: bool,
): void {
  net_set_conv2d(
    ptr, i, inHeight, inWidth, channels, channels * multiplier, kernelHeight, kernelWidth,
    strideHeight, strideWidth, dilationHeight, dilationWidth, same, act, alpha, useBias,
  );
  const l = layer(net(ptr), i);
  l.kind = DEPTHWISE_CONV2D;
  l.multiplier = multiplier;
  l.kernelSize = kernelHeight * kernelWidth * channels * multiplier;
  l.paramSize = l.trainableSize = l.kernelSize + l.biasSize;
  l.scratchSize = 0;
}

/**
 * Layer i is separableConv2d: a depthwiseConv2d of `multiplier` kernels of kh × kw per channel (no
 * bias), then a 1×1 convolution to `filters`, the bias and the activation. Strides, dilation and
 * padding apply to the depthwise step (conv2d's geometry, with filters the pointwise filters). The
 * weights, in Keras order: depthwise kernel [kh, kw, channels, multiplier], pointwise kernel
 * [channels·multiplier, filters] (the record's kernel spans both), bias [filters]. Saved per example:
 * z and the depthwise output; scratch: the depthwise output's gradient.
 */
export function net_set_separable_conv2d(
  ptr: usize, i: i32, inHeight: i32, inWidth: i32, channels: i32, multiplier: i32, filters: i32,
  kernelHeight: i32, kernelWidth: i32, strideHeight: i32, strideWidth: i32, dilationHeight: i32, dilationWidth: i32,
  same: bool, act: i32, alpha: f32, useBias: bool,
): void {
  net_set_conv2d(
    ptr, i, inHeight, inWidth, channels, filters, kernelHeight, kernelWidth,
    strideHeight, strideWidth, dilationHeight, dilationWidth, same, act, alpha, useBias,
  );
  const l = layer(net(ptr), i);
  l.kind = SEPARABLE_CONV2D;
  l.multiplier = multiplier;
  const depth = channels * multiplier;
  l.kernelSize = kernelHeight * kernelWidth * depth + depth * filters;
  l.paramSize = l.trainableSize = l.kernelSize + l.biasSize;
  l.savedSize = l.groups * (filters + depth); // z, then the depthwise output
  l.scratchSize = l.groups * depth; // the depthwise output's gradient
}

/**
 * Layer i is simpleRNN: `units` = activation(x_t·W + h_{t−1}·U + b) over `steps` steps of `inputs`
 * values, the last step's h out, or every step's with `sequences`; `backwards` reads the steps
 * last to first. The kernel block is W [inputs × units] then U [units × units]. Saved: z and h of
 * every step; scratch: dh, and dz time-major and example-major, and dh kept across a masked step (assembly/layers/simple_rnn.ts).
 */
export function net_set_simple_rnn(ptr: usize, i: i32, steps: i32, inputs: i32, units: i32, sequences: bool, backwards: bool, act: i32, alpha: f32, useBias: bool): void {
  setRecurrent(layer(net(ptr), i), SIMPLE_RNN, 1, steps, inputs, units, sequences, backwards, act, alpha, 0, 0, useBias);
}

// The record of a recurrent layer of `kind` with `gates` blocks of units in its kernels and bias
// (1 simpleRNN, 3 GRU, 4 LSTM): steps of inputs in, units out (each step's with `sequences`).
function setRecurrent(
  l: Layer, kind: i32, gates: i32, steps: i32, inputs: i32, units: i32, sequences: bool, backwards: bool,
  act: i32, alpha: f32, recAct: i32, recAlpha: f32, useBias: bool,
): void {
  l.kind = kind;
  l.inHeight = steps;
  l.strideHeight = backwards ? -1 : 1;
  l.groups = sequences ? steps : 1;
  l.inFeatures = inputs;
  l.outFeatures = units;
  l.inputSize = steps * inputs;
  l.outputSize = l.groups * units;
  l.activation = act;
  l.alpha = alpha;
  l.recurrentActivation = recAct;
  l.recurrentAlpha = recAlpha;
  l.useBias = useBias ? 1 : 0;
  l.kernelSize = (inputs + units) * gates * units;
  l.biasSize = useBias ? gates * units : 0;
  l.paramSize = l.trainableSize = l.kernelSize + l.biasSize;
  l.savedSize = recurrent_saved_size(kind, steps, units, false);
  l.scratchSize = recurrent_scratch_size(kind, steps, units);
}

/**
 * Layer i is gru (TF.js's: gates z, r, h; the reset gate before the recurrent kernel): `units` out
 * over `steps` steps of `inputs` values, the last step's h, or every step's with `sequences`;
 * `backwards` reads the steps last to first. The kernel block is W [inputs × 3·units] then U
 * [units × 3·units]; the gates' activation is recurrentActivation (and recurrentAlpha).
 * Saved: the pre-activations, the gates, h and r ⊙ h_{s−1} of every step; scratch: dh, d(r ⊙ h),
 * and da time-major and example-major, and dh kept across a masked step (assembly/layers/gru.ts).
 */
export function net_set_gru(ptr: usize, i: i32, steps: i32, inputs: i32, units: i32, sequences: bool, backwards: bool, act: i32, alpha: f32, recurrentAct: i32, recurrentAlpha: f32, useBias: bool): void {
  setRecurrent(layer(net(ptr), i), GRU, 3, steps, inputs, units, sequences, backwards, act, alpha, recurrentAct, recurrentAlpha, useBias);
}

/**
 * Layer i is lstm: TF.js's LSTMCell over `steps` steps of `inputs` values (assembly/layers/lstm.ts),
 * with the cell's activation `act` and the gates' `recAct`; the last step's h out, or every step's
 * with `sequences`; `backwards` reads the steps last to first. The kernel block is W
 * [inputs × 4·units] then U [units × 4·units], gates i, f, c, o. Saved: z and the gates, c, a(c)
 * and h of every step; scratch: dh, dc, a temporary, and dz time-major and example-major, and dh and dc kept across a masked step.
 */
export function net_set_lstm(
  ptr: usize, i: i32, steps: i32, inputs: i32, units: i32, sequences: bool, backwards: bool,
  act: i32, alpha: f32, recAct: i32, recAlpha: f32, useBias: bool,
): void {
  setRecurrent(layer(net(ptr), i), LSTM, 4, steps, inputs, units, sequences, backwards, act, alpha, recAct, recAlpha, useBias);
}

/**
 * Layer i, a recurrent layer just set, drops its inputs at `rate` and the state its recurrence reads
 * at `recurrentRate` in training (one mask per example for all steps, as TF.js), saving what that takes.
 */
export function net_set_recurrent_dropout(ptr: usize, i: i32, rate: f32, recurrentRate: f32): void {
  const l = layer(net(ptr), i);
  l.rate = rate;
  l.recurrentRate = recurrentRate;
  l.savedSize = recurrent_run_saved_size(l, l.kind, l.outFeatures);
}

/** The regularizer on layer i's recurrent kernel (a recurrent layer's). */
export function net_set_recurrent_regularizer(ptr: usize, i: i32, l1: f32, l2: f32): void {
  const l = layer(net(ptr), i);
  l.recurrentL1 = l1;
  l.recurrentL2 = l2;
}

// One axis of a convolution: its output length ('same': ⌈size/stride⌉; 'valid': the windows that
// fit) and the padding the windows need beyond the input (0 for 'valid').
function convOutput(size: i32, kernel: i32, stride: i32, dilation: i32, same: bool): i32 {
  const span = (kernel - 1) * dilation + 1;
  return same ? (size + stride - 1) / stride : (size - span + stride) / stride;
}

function convPadding(size: i32, out: i32, kernel: i32, stride: i32, dilation: i32): i32 {
  return max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
}

/** Penalties l1·Σ|w| + l2·Σw² on layer i's kernel and bias. */
export function net_set_regularizers(ptr: usize, i: i32, kernelL1: f32, kernelL2: f32, biasL1: f32, biasL2: f32): void {
  const l = layer(net(ptr), i);
  l.kernelL1 = kernelL1;
  l.kernelL2 = kernelL2;
  l.biasL1 = biasL1;
  l.biasL2 = biasL2;
}

/** Layer i is rescaling over `size` values per example (the last axis `features` wide): y = x·scale + offset. */
export function net_set_rescaling(ptr: usize, i: i32, size: i32, features: i32, scale: f32, offset: f32): void {
  const l = layer(net(ptr), i);
  l.kind = RESCALING;
  l.inputSize = l.outputSize = size;
  l.inFeatures = l.outFeatures = features;
  l.groups = size / features;
  l.scale = scale;
  l.offset = offset;
}

/**
 * Layer i is normalization over the last axis (`features` wide, `groups` rows of it per example) by
 * fixed statistics: its weights mean, variance and count (one value) never train.
 */
export function net_set_normalization(ptr: usize, i: i32, groups: i32, features: i32): void {
  const l = layer(net(ptr), i);
  l.kind = NORMALIZATION;
  l.groups = groups;
  l.inFeatures = l.outFeatures = features;
  l.inputSize = l.outputSize = groups * features;
  l.paramSize = 2 * features + 1;
  l.trainableSize = 0;
}

/**
 * Layer i is categoryEncoding: `groups` rows of `ids` integer ids per example, each row to
 * `numTokens` values (counts when `count`, else 1 for each id present).
 */
export function net_set_category_encoding(ptr: usize, i: i32, groups: i32, ids: i32, numTokens: i32, count: bool): void {
  const l = layer(net(ptr), i);
  l.kind = CATEGORY_ENCODING;
  l.groups = groups;
  l.inFeatures = ids;
  l.outFeatures = numTokens;
  l.inputSize = groups * ids;
  l.outputSize = groups * numTokens;
  l.countTokens = count ? 1 : 0;
}

/** Allocates parameters and gradients (zeroed) and points each layer into them. */
export function net_build(ptr: usize): bool {
  const n = net(ptr);
  let count: u64 = 0;
  for (let i = 0; i < n.layerCount; i++) if (!layer(n, i).sharedFrom) count += <u64>layer(n, i).paramSize;
  if (count * 12 >= <u64>0xffff_0000) return false;
  const params = alloc(<usize>count << 2);
  if (params == 0) return false;
  const grads = alloc(<usize>count << 2);
  if (grads == 0) { free(params); return false; }
  const next = alloc(<usize>count << 2);
  if (next == 0) { free(grads); free(params); return false; }
  n.paramCount = <i32>count;
  n.params = params;
  n.nextParams = next;
  // Layers' packedVersion starts at 0: nothing packed is current.
  n.weightsVersion = 1;
  n.grads = grads;
  // Each layer's weights in rank order; a shared layer's later applications point at its first one's.
  let offset = 0;
  for (let rank = 0; rank < n.layerCount; rank++) {
    for (let i = 0; i < n.layerCount; i++) {
      const l = layer(n, i);
      if (l.sharedFrom || l.paramRank != rank) continue;
      l.paramOffset = offset;
      offset += l.paramSize;
      if (l.paramSize > l.trainableSize) n.stateCount++;
    }
  }
  for (let i = 0; i < n.layerCount; i++) {
    const l = layer(n, i);
    if (l.sharedFrom) l.paramOffset = layer(n, l.sharedFrom - 1).paramOffset;
  }
  pointLayers(n);
  if (n.headCount == 0) net_set_output(ptr, 0, n.layerCount - 1);
  planAccumulation(n);
  if (n.modelInputs == 0) n.inputSize = layer(n, 0).inputSize;
  return true;
}

// Points each layer's kernel and bias (and their gradients) into the flat buffers, in
// getWeights() order. Layers without a kernel or bias keep null pointers: kernels skip a null bias.
function pointLayers(n: Net): void {
  for (let i = 0; i < n.layerCount; i++) {
    const l = layer(n, i);
    const kernel = <usize>l.paramOffset << 2, bias = kernel + (<usize>l.kernelSize << 2);
    l.params = n.params + kernel;
    l.nextParams = n.nextParams + kernel;
    l.kernel = l.kernelSize ? n.params + kernel : 0;
    l.kernelGrad = l.kernelSize ? n.grads + kernel : 0;
    l.bias = l.biasSize ? n.params + bias : 0;
    l.biasGrad = l.biasSize ? n.grads + bias : 0;
  }
}

export function net_params(ptr: usize): usize { return net(ptr).params; }
export function net_grads(ptr: usize): usize { return net(ptr).grads; }
export function net_param_count(ptr: usize): i32 { return net(ptr).paramCount; }
/** The optimizer's state: net_slot_count() buffers of net_param_count() floats, back to back. */
export function net_slots(ptr: usize): usize { return net(ptr).slots; }
export function net_slot_count(ptr: usize): i32 { return net(ptr).slotCount; }
export function net_step(ptr: usize): f64 { return net(ptr).step; }
export function net_set_step(ptr: usize, step: f64): void { net(ptr).step = step; }
/** The dropout stream's 16-byte state, for rng_seed. */
export function net_rng(ptr: usize): usize { return rngState(net(ptr)); }

/**
 * Freezes (0) or unfreezes (1) layer i. A frozen layer's parameters get no gradient and no update;
 * its values are made equal in both buffers, which the update then leaves alone.
 */
export function net_set_trainable(ptr: usize, i: i32, trainable: bool): void {
  const n = net(ptr), l = layer(n, i);
  if ((l.trainable != 0) == trainable) return;
  l.trainable = trainable ? 1 : 0;
  // The current values stay as they are; counted as a change all the same (one repack).
  n.weightsVersion++;
  const size = l.paramSize;
  if (size == 0) return;
  n.frozenCount += trainable ? -1 : 1;
  if (!trainable) {
    // Zero gradients keep the global clipping norm to the trainable weights.
    memory.fill(n.grads + (<usize>l.paramOffset << 2), 0, <usize>size << 2);
    syncLayer(n, l);
  }
}

/**
 * The parameters or optimizer state were written from outside (setWeights, a load, fit undoing
 * itself): packed kernels are out of date, and frozen layers' values are copied to the next
 * buffers, so an update keeps them. Whatever writes the parameters must call it.
 */
export function net_weights_changed(ptr: usize): void {
  const n = net(ptr);
  n.weightsVersion++;
  if (n.frozenCount == 0) return;
  for (let i = 0; i < n.layerCount; i++) {
    const l = layer(n, i);
    if (!l.trainable) syncLayer(n, l);
  }
}

// Copies one layer's parameters and optimizer state from the current buffers to the next ones.
function syncLayer(n: Net, l: Layer): void {
  const offset = <usize>l.paramOffset << 2, bytes = <usize>l.paramSize << 2;
  if (bytes == 0) return;
  memory.copy(n.nextParams + offset, n.params + offset, bytes);
  const slotBytes = <usize>n.paramCount << 2;
  for (let s = 0; s < n.slotCount; s++) {
    memory.copy(n.nextSlots + <usize>s * slotBytes + offset, n.slots + <usize>s * slotBytes + offset, bytes);
  }
}

/**
 * Picks output k's loss, its parameter, the label width (1 for sparse labels), the metric totals
 * to keep and its weight in the total loss. Softmax + categorical and sigmoid + binary
 * cross-entropy are computed from the output layer's z (as Keras does on TensorFlow) unless
 * another layer reads that output too; with fromLogits the output itself is the logits.
 */
export function net_set_loss(ptr: usize, k: i32, loss: i32, param: f32, fromLogits: bool, labelCols: i32, metricMask: i32, weight: f32): void {
  const n = net(ptr), h = head(n, k), l = layer(n, h.layer);
  // Layers that keep z in `saved` and skip their activation's derivative when `fused`.
  const act = l.kind == DENSE || l.kind == CONV1D || l.kind == CONV2D || l.kind == DEPTHWISE_CONV2D || l.kind == SEPARABLE_CONV2D ? l.activation : -1;
  const categorical = loss == CATEGORICAL_CROSSENTROPY || loss == SPARSE_CATEGORICAL_CROSSENTROPY;
  let mode = PROBABILITIES;
  if (fromLogits) mode = FROM_LOGITS;
  else if (((categorical && act == SOFTMAX) || (loss == BINARY_CROSSENTROPY && act == SIGMOID)) && !hasConsumers(n, h.layer)) mode = FUSED;
  h.loss = loss;
  h.lossParam = param;
  h.lossMode = mode;
  h.labelCols = labelCols;
  h.metricMask = metricMask;
  h.weight = weight;
  h.labelSize = l.groups * labelCols;
  // Each output's labels follow the one before's in a staged row.
  let offset = 0;
  for (let q = 0; q < n.headCount; q++) {
    head(n, q).labelOffset = offset;
    offset += head(n, q).labelSize;
  }
  n.labelSize = offset;
}

/**
 * Picks the optimizer and allocates its `slots` state buffers (zeroed; src/optimizers.ts counts
 * them per rule), double-buffered; restarts the step count.
 */
export function net_set_optimizer(ptr: usize, optimizer: i32, slots: i32, lr: f32, p1: f32, p2: f32, epsilon: f32, p3: f32, flags: i32, clipNorm: f32, clipValue: f32): bool {
  const n = net(ptr);
  const count = <usize>n.paramCount;
  // The new state is taken before the old is given back, so a failure leaves the old one whole.
  let state: usize = 0, next: usize = 0;
  if (slots > 0) {
    if (<u64>slots * <u64>count * 8 >= <u64>0xffff_0000) return false;
    state = alloc(<usize>slots * count << 2);
    if (state == 0) return false;
    next = alloc(<usize>slots * count << 2);
    if (next == 0) { free(state); return false; }
  }
  free(n.slots);
  free(n.nextSlots);
  n.slots = state;
  n.nextSlots = next;
  n.slotCount = slots;
  n.optimizer = optimizer;
  n.step = 0;
  n.lr = lr;
  n.p1 = p1;
  n.p2 = p2;
  n.epsilon = epsilon;
  n.p3 = p3;
  n.flags = flags;
  n.clipNorm = clipNorm;
  n.clipValue = clipValue;
  // Zero moments (adagrad: its initial accumulator), in both buffers: frozen ranges keep these.
  const bytes = <usize>slots * count << 2;
  if (optimizer == ADAGRAD) {
    for (let o: usize = 0; o < bytes; o += 4) {
      store<f32>(state + o, p3);
      store<f32>(next + o, p3);
    }
  }
  return true;
}

export function net_set_learning_rate(ptr: usize, lr: f32): void {
  net(ptr).lr = lr;
}

/** Makes the activation buffers hold at least `rows` examples; false when out of memory. */
export function net_reserve(ptr: usize, rows: i32): bool {
  const n = net(ptr);
  if (rows <= n.batchCap) return true;
  // Staging for inputs, labels (never wider than the outputs) and sample weights, then each layer's
  // buffers (with several model inputs, their blocks too: inputSize again; several outputs, the same for labels).
  let labels: u64 = 0;
  for (let k = 0; k < n.headCount; k++) labels += <u64>layer(n, head(n, k).layer).outputSize;
  let floats: u64 = <u64>n.inputSize * (n.modelInputs > 1 ? 2 : 1) + labels * (n.headCount > 1 ? 2 : 1) + 1, fixed: u64 = 0, scratch: u64 = 0;
  for (let i = 0; i < n.layerCount; i++) {
    const l = layer(n, i);
    floats += <u64>l.savedSize + 2 * <u64>l.outputSize;
    fixed += <u64>l.fixedSize;
    scratch = max(scratch, <u64>l.scratchSize);
  }
  const bytes = ((floats + scratch) * <u64>rows + fixed) * 4;
  if (bytes >= <u64>0xffff_0000) return false;
  // The new block is taken before the old one is given back, so a failure leaves the old intact.
  const block = alloc(<usize>bytes);
  if (block == 0) return false;
  free(n.activations);
  n.activations = block;
  const rowBytes = <usize>rows << 2;
  let p = block;
  n.input = p;
  p += <usize>n.inputSize * rowBytes;
  for (let m = 0; m < n.modelInputs && n.modelInputs > 1; m++) {
    store<usize>(n.inputBlocks + (<usize>m * sizeof<usize>()), p);
    p += <usize>load<i32>(n.inputSizes + (<usize>m << 2)) * rowBytes;
  }
  n.label = p;
  p += <usize>labels * rowBytes;
  for (let k = 0; k < n.headCount && n.headCount > 1; k++) {
    head(n, k).labels = p;
    p += <usize>layer(n, head(n, k).layer).outputSize * rowBytes;
  }
  n.weights = p;
  p += rowBytes;
  const scratchStart = p;
  p += <usize>scratch * rowBytes;
  for (let i = 0; i < n.layerCount; i++) {
    const l = layer(n, i);
    l.scratch = scratchStart;
    l.saved = p; p += <usize>l.savedSize * rowBytes;
    l.fixed = p; p += <usize>l.fixedSize << 2;
    l.output = p; p += <usize>l.outputSize * rowBytes;
    l.outputGrad = p; p += <usize>l.outputSize * rowBytes;
  }
  // A mask is where the layer that makes it saves it.
  for (let i = 0; i < n.layerCount; i++) {
    const l = layer(n, i);
    l.mask = l.maskFrom ? layer(n, l.maskFrom - 1).saved : 0;
  }
  n.batchCap = rows;
  return true;
}

/** Example capacity of the activation buffers. */
export function net_batch_cap(ptr: usize): i32 { return net(ptr).batchCap; }
/** Where a caller stages `rows` input rows (and labels) for net_forward / net_loss. */
export function net_input(ptr: usize): usize { return net(ptr).input; }
export function net_label(ptr: usize): usize { return net(ptr).label; }
/** Where a caller stages one sample weight per row for net_train_batch / net_loss. */
export function net_sample_weights(ptr: usize): usize { return net(ptr).weights; }
/** Output k's values after net_forward. */
export function net_output(ptr: usize, k: i32): usize {
  const n = net(ptr);
  return layer(n, head(n, k).layer).output;
}

/** Forward pass of `rows` ≤ batchCap examples at `x`, layer by layer; dropout drops only when `training`; `keep`: what net_backward needs. */
export function net_forward(ptr: usize, x: usize, rows: i32, training: bool, keep: bool): void {
  const n = net(ptr);
  n.training = training ? 1 : 0;
  if (n.modelInputs > 1) splitInputs(n, x, rows);
  for (let i = 0; i < n.layerCount; i++) {
    const l = layer(n, i);
    if (l.inputCount > 1) gatherInputs(n, i, x);
    const panels = l.kind == DENSE ? packedKernel(n, l, training) : 0;
    layer_forward(l, inputOf(n, i, 0, x), rows, training, keep, rngState(n), n.inputPointers, n.inputWidths, panels);
  }
}

/**
 * Makes room for inference to keep every dense layer's kernel packed between calls (predict and
 * evaluate call it): one block of gemm_pack_b strips, each kernel's units rounded up to whole
 * strips. False when it does not fit in memory: inference then packs each call, as before.
 */
export function net_reserve_packed(ptr: usize): bool {
  const n = net(ptr);
  if (n.packed) return true;
  let bytes: u64 = 0;
  for (let i = 0; i < n.layerCount; i++) bytes += packedBytes(layer(n, i));
  if (bytes == 0) return true;
  if (bytes >= <u64>0xffff_0000) return false;
  const block = alloc(<usize>bytes);
  if (block == 0) return false;
  n.packed = block;
  let p = block;
  for (let i = 0; i < n.layerCount; i++) {
    const l = layer(n, i), size = packedBytes(l);
    if (size == 0) continue;
    l.packed = p;
    l.packedVersion = 0;
    p += <usize>size;
  }
  return true;
}

// A dense layer's packed kernel, k = inputs deep and its units rounded up to whole strips; a shared
// layer's later applications use the first's.
function packedBytes(l: Layer): u64 {
  if (l.kind != DENSE || l.kernelSize == 0 || l.sharedFrom) return 0;
  const strips = (<u64>l.outFeatures + <u64>PANEL_COLUMNS - 1) / <u64>PANEL_COLUMNS;
  return strips * <u64>PANEL_COLUMNS * <u64>l.inFeatures * 4;
}

/**
 * The packed kernel dense layer l multiplies by in this forward pass, or 0 to pack it per call as
 * the GEMM does. Inference packs it into the cache whenever the weights have changed since it was
 * packed (net_update, net_weights_changed and net_set_trainable count every change); a training
 * step uses it only while it is current (the step's own update changes the weights).
 */
function packedKernel(n: Net, l: Layer, training: bool): usize {
  const owner = l.sharedFrom ? layer(n, l.sharedFrom - 1) : l;
  if (!owner.packed) return 0;
  if (owner.packedVersion != n.weightsVersion) {
    if (training) return 0;
    gemm_pack_b(owner.packed, owner.kernel, owner.outFeatures, owner.inFeatures);
    owner.packedVersion = n.weightsVersion;
  }
  return owner.packed;
}

/**
 * Loss of the last forward pass against labels `y` (each output's loss, times its weight, summed),
 * plus the regularizers' penalties; with `withGrad`, also seeds the backward pass (dLoss/dA of
 * each output layer, or dLoss/dZ when fused). `weights` (0: none) holds one sample weight per
 * example, which scales that example's loss (not the penalties or the metrics). Adds the batch into
 * each output's loss sum and metric totals, unweighted. A loss sees the rows of its output's last axis.
 */
export function net_loss(ptr: usize, y: usize, rows: i32, withGrad: bool, weights: usize): f64 {
  const n = net(ptr);
  if (n.headCount > 1) splitLabels(n, y, rows);
  let value: f64 = 0;
  for (let k = 0; k < n.headCount; k++) {
    const h = head(n, k), l = layer(n, h.layer);
    const labels = n.headCount > 1 ? h.labels : y;
    const lossRows = rows * l.groups, units = l.outFeatures;
    const grad = withGrad ? l.outputGrad : 0;
    const loss = h.lossMode == PROBABILITIES
      ? loss_forward_backward(grad, l.output, labels, lossRows, units, h.loss, h.lossParam, weights, l.groups)
      : loss_from_logits(grad, h.lossMode == FUSED ? l.saved : l.output, labels, lossRows, units, h.loss, h.lossParam, weights, l.groups);
    // d(weight × loss) = weight × dLoss.
    if (grad && h.weight != 1) scale(grad, lossRows * units, h.weight);
    value += h.weight == 1 ? loss : <f64>h.weight * loss;
    h.lossSum += loss * <f64>rows;
    if (h.metricMask) metrics_update(totalsOf(n, k), l.output, labels, lossRows, units, h.metricMask);
  }
  // (A shared layer's weights are penalized once, at its first application.)
  for (let i = 0; i < n.layerCount; i++) if (!layer(n, i).sharedFrom) value += penalty(layer(n, i), false);
  return value;
}

// With several outputs: each output's labels of the `rows` staged rows at y, into its block.
function splitLabels(n: Net, y: usize, rows: i32): void {
  const rowBytes = <usize>n.labelSize << 2;
  for (let k = 0; k < n.headCount; k++) {
    const h = head(n, k), bytes = <usize>h.labelSize << 2, offset = <usize>h.labelOffset << 2;
    for (let r = 0; r < rows; r++) memory.copy(h.labels + <usize>r * bytes, y + <usize>r * rowBytes + offset, bytes);
  }
}

function scale(values: usize, count: i32, by: f32): void {
  for (let i: usize = 0; i < <usize>count; i++) store<f32>(values + (i << 2), load<f32>(values + (i << 2)) * by);
}

// The regularizer penalty of one layer; with `withGrad` its gradient is added to dW and db.
// (A frozen layer's penalty is a constant of training: it counts in the loss, and net_backward asks
// for its gradient only when every weight's gradient is wanted.) A bidirectional's weights are its
// two runs', one after the other, regularized alike.
// (Inline: most layers have no regularizer, and a tiny step is mostly calls.)
// @ts-ignore: decorator
@inline function penalty(l: Layer, withGrad: bool): f64 {
  if (l.kernelL1 == 0 && l.kernelL2 == 0 && l.biasL1 == 0 && l.biasL2 == 0 && l.recurrentL1 == 0 && l.recurrentL2 == 0) return 0;
  return regularizerPenalty(l, withGrad);
}

function regularizerPenalty(l: Layer, withGrad: bool): f64 {
  if (l.kind != BIDIRECTIONAL) return weightsPenalty(l, l.kind, l.outFeatures, 0, withGrad);
  const units = run_units(l.mergeMode, l.outFeatures), run = <usize>(l.kernelSize + l.biasSize) << 2;
  return weightsPenalty(l, l.innerKind, units, 0, withGrad) + weightsPenalty(l, l.innerKind, units, run, withGrad);
}

// The penalty of the kernel and bias at `offset` bytes past the layer's, for a layer of `kind`.
function weightsPenalty(l: Layer, kind: i32, units: i32, offset: usize, withGrad: bool): f64 {
  let total: f64 = 0;
  // A recurrent layer's kernel block is W then U, each with its own regularizer.
  const recurrent = (kind == SIMPLE_RNN ? 1 : kind == GRU ? 3 : kind == LSTM ? 4 : 0) * units * units;
  const size = l.kernelSize - recurrent;
  const kernel = l.kernel + offset, kernelGrad = withGrad ? l.kernelGrad + offset : 0;
  if ((l.kernelL1 != 0 || l.kernelL2 != 0) && l.kernel) {
    total += penalty_forward_backward(kernelGrad, kernel, size, l.kernelL1, l.kernelL2);
  }
  if ((l.recurrentL1 != 0 || l.recurrentL2 != 0) && recurrent) {
    const at = <usize>size << 2;
    total += penalty_forward_backward(withGrad ? kernelGrad + at : 0, kernel + at, recurrent, l.recurrentL1, l.recurrentL2);
  }
  if ((l.biasL1 != 0 || l.biasL2 != 0) && l.bias) {
    total += penalty_forward_backward(withGrad ? l.biasGrad + offset : 0, l.bias + offset, l.biasSize, l.biasL1, l.biasL2);
  }
  return total;
}

/** Zeroes the metric totals. */
export function net_reset_metrics(ptr: usize): void {
  const n = net(ptr);
  // The outputs' totals only (no other is written or read), by stores: memory.fill leaves Wasm,
  // which costs more than 64 bytes an output, and fit() restarts them every epoch.
  const bytes = <usize>n.headCount * METRIC_SLOTS * 8;
  for (let o: usize = 0; o < bytes; o += 16) v128.store(n.totals + o, i32x4.splat(0));
  for (let k = 0; k < n.headCount; k++) head(n, k).lossSum = 0;
  n.lossSum = 0;
}

/**
 * The training loss summed (× rows) over the batches since net_reset_metrics, in batch order:
 * the same sum however the batches were split between calls, so epoch logs are bitwise repeatable.
 */
export function net_loss_sum(ptr: usize): f64 {
  return net(ptr).lossSum;
}

/** Output k's loss summed (× rows) over the net_loss calls since net_reset_metrics, unweighted. */
export function net_output_loss_sum(ptr: usize, k: i32): f64 {
  return head(net(ptr), k).lossSum;
}

/** The metric totals: METRIC_SLOTS f64 values per output, output after output (see assembly/metrics.ts). */
export function net_metric_totals(ptr: usize): usize {
  return net(ptr).totals;
}

/**
 * Backward pass after net_loss: the chain rule, layer by layer from the output to `x`. Frozen
 * layers' weight gradients are skipped unless `allWeights` (computeGradients asks for every one;
 * net_clear_frozen_gradients then zeroes them again for training's clipping norm).
 */
export function net_backward(ptr: usize, x: usize, rows: i32, allWeights: bool): void {
  const n = net(ptr);
  const training = n.training != 0;
  for (let i = n.layerCount - 1; i >= 0; i--) {
    const l = layer(n, i);
    if (l.inputCount > 1) gatherInputs(n, i, x);
    const weights = allWeights || l.trainable != 0;
    layer_backward(
      l, inputGradOf(n, i, 0), inputOf(n, i, 0, x), rows, training, isFused(n, i), weights,
      n.inputPointers, n.gradPointers, n.accumulateFlags, n.inputWidths,
    );
    if (weights && !l.sharedFrom) penalty(l, true);
  }
}

// True when the loss seeded layer i's dLoss/dZ rather than dLoss/dA.
function isFused(n: Net, i: i32): bool {
  for (let k = 0; k < n.headCount; k++) if (head(n, k).layer == i && head(n, k).lossMode == FUSED) return true;
  return false;
}

/** Zeroes the frozen layers' weight gradients (after a net_backward with allWeights). */
export function net_clear_frozen_gradients(ptr: usize): void {
  const n = net(ptr);
  for (let i = 0; i < n.layerCount; i++) {
    const l = layer(n, i);
    if (!l.trainable) memory.fill(n.grads + (<usize>l.paramOffset << 2), 0, <usize>l.paramSize << 2);
  }
}

/**
 * One optimizer step over the trainable parameters (after clipping the gradients), written to
 * the next buffers. Returns false, adopting nothing, when a new parameter or state value is not
 * finite (an update that overflows float32); otherwise the next buffers become the current ones.
 */
export function net_update(ptr: usize): bool {
  const n = net(ptr);
  const t = n.step + 1;
  if (n.clipNorm > 0 || n.clipValue > 0) clip_gradients(n.grads, n.paramCount, n.clipNorm, n.clipValue);
  if (ASC_FEATURE_THREADS && kernel_parallel(<u64>n.paramCount * <u64>(n.slotCount + 1))) {
    // Every value is computed as on one thread: the threads take parts of each range and of the checks.
    job_set(0, ptr); job_set_f64(1, t); job_set(3, 0);
    run_job(JOB_UPDATE, threads_count());
    if (job_i32(3) != 0) return false;
  } else {
    update_part(n, 0, 1, t);
    // A moment that overflows (g² beyond float32) would silently stall its weight forever: refused too.
    if (!all_finite(n.nextParams, n.paramCount) || (n.slotCount != 0 && !all_finite(n.nextSlots, n.slotCount * n.paramCount))) return false;
  }
  const params = n.params, slots = n.slots;
  n.params = n.nextParams;
  n.nextParams = params;
  n.slots = n.nextSlots;
  n.nextSlots = slots;
  n.step = t;
  n.weightsVersion++;
  pointLayers(n);
  return true;
}

/** Thread `index`'s part of the threaded update: its parts of the update, then of the checks. */
export function net_update_share(index: i32, threads: i32): void {
  const n = net(job_arg(0));
  update_part(n, index, threads, job_f64(1));
  barrier(threads);
  const params = n.paramCount, states = n.slotCount * n.paramCount;
  const p0 = split(index, threads, params, 16), p1 = split(index + 1, threads, params, 16);
  const s0 = split(index, threads, states, 16), s1 = split(index + 1, threads, states, 16);
  if ((p0 < p1 && !finite(n.nextParams + (<usize>p0 << 2), p1 - p0)) || (s0 < s1 && !finite(n.nextSlots + (<usize>s0 << 2), s1 - s0))) job_raise(3);
}

// Part `index` of `parts` of the update: of every range that trains, the part from split() in
// whole multiples of 16 parameters (64-byte lines), so the vector loops and their tails fall on
// the same parameters as in one part.
function update_part(n: Net, index: i32, parts: i32, t: f64): void {
  if (n.frozenCount == 0 && n.stateCount == 0) {
    update_split(n, 0, n.paramCount, index, parts, t);
  } else {
    // Layer by layer, over the weights that train: frozen layers' values already match in both
    // buffers, and state was written to the next buffer by the forward pass.
    for (let i = 0; i < n.layerCount; i++) {
      const l = layer(n, i);
      if (l.trainable && l.trainableSize && !l.sharedFrom) update_split(n, l.paramOffset, l.trainableSize, index, parts, t);
    }
  }
}

// @ts-ignore: decorator
@inline function update_split(n: Net, start: i32, count: i32, index: i32, parts: i32, t: f64): void {
  const i0 = split(index, parts, count, 16), i1 = split(index + 1, parts, count, 16);
  if (i0 < i1) update_range(n, start + i0, i1 - i0, t);
}

// The update rule over parameters [start, start + count) into the next buffers.
function update_range(n: Net, start: i32, count: i32, t: f64): void {
  const offset = <usize>start << 2, slotBytes = <usize>n.paramCount << 2;
  const params = n.params + offset, grads = n.grads + offset, out = n.nextParams + offset;
  const s0 = n.slots + offset, s1 = s0 + slotBytes, s2 = s1 + slotBytes;
  const o0 = n.nextSlots + offset, o1 = o0 + slotBytes, o2 = o1 + slotBytes;
  const lr = n.lr, p1 = n.p1, p2 = n.p2, eps = n.epsilon, p3 = n.p3, flags = n.flags;
  const amsgrad = (flags & AMSGRAD) != 0;
  switch (n.optimizer) {
    case ADAMW:
      // Decay into the output buffer, then Adam reads it there.
      weight_decay(out, params, count, lr, p3);
      adam_update(out, o0, o1, amsgrad ? o2 : 0, out, s0, s1, amsgrad ? s2 : 0, grads, count, lr, p1, p2, eps, t);
      break;
    case ADAM:
      adam_update(out, o0, o1, amsgrad ? o2 : 0, params, s0, s1, amsgrad ? s2 : 0, grads, count, lr, p1, p2, eps, t);
      break;
    case RMSPROP:
      rmsprop_update(out, o0, o1, o2, params, s0, s1, s2, grads, count, lr, p1, p2, eps, (flags & CENTERED) != 0);
      break;
    case ADAGRAD:
      adagrad_update(out, o0, params, s0, grads, count, lr, eps);
      break;
    case ADADELTA:
      adadelta_update(out, o0, o1, params, s0, s1, grads, count, lr, p1, eps);
      break;
    case ADAMAX:
      // TF.js's adamax decays the rate with the step count: lr / (1 + decay·(t−1)).
      adamax_update(out, o0, o1, params, s0, s1, grads, count, lr / (1 + p3 * <f32>(t - 1)), p1, p2, eps, t);
      break;
    default:
      if (p1 > 0) momentum_update(out, o0, params, s0, grads, count, lr, p1, (flags & NESTEROV) != 0);
      else sgd_update(out, params, grads, count, lr);
  }
}

// memory.copy has a fixed cost that dominates rows of a few floats.
// @ts-ignore: decorator
@inline function copyRow(dst: usize, src: usize, bytes: usize): void {
  if (bytes > 64) {
    memory.copy(dst, src, bytes);
    return;
  }
  for (let o: usize = 0; o < bytes; o += 4) store<u32>(dst + o, load<u32>(src + o));
}

/**
 * One training step on `rows` ≤ batchCap examples. With `indices` ≠ 0 the examples are gathered
 * from the data set at `x`, `y` and sample weights `w` (indices[0..rows) are example numbers);
 * otherwise x, y and w are the batch. `w` = 0: no sample weights. Returns the batch loss (before
 * the update), or NaN when the step was not applied.
 */
export function net_train_batch(ptr: usize, x: usize, y: usize, indices: usize, rows: i32, w: usize): f64 {
  const n = net(ptr);
  if (indices != 0) {
    const xBytes = <usize>n.inputSize << 2, yBytes = <usize>n.labelSize << 2;
    const xs = n.input, ys = n.label;
    for (let r = 0; r < rows; r++) {
      const row = <usize>load<i32>(indices + (<usize>r << 2));
      copyRow(xs + <usize>r * xBytes, x + row * xBytes, xBytes);
      copyRow(ys + <usize>r * yBytes, y + row * yBytes, yBytes);
      if (w != 0) store<f32>(n.weights + (<usize>r << 2), load<f32>(w + (row << 2)));
    }
    x = xs;
    y = ys;
    if (w != 0) w = n.weights;
  }
  // A failed step leaves the model as it was: the dropout stream too is put back.
  const stream = v128.load(rngState(n));
  net_forward(ptr, x, rows, true, true);
  const loss = net_loss(ptr, y, rows, true, w);
  // Divergence: nothing non-finite ever reaches the weights. A loss or gradient that is not
  // finite (or beyond float32), or an update that overflows, is not applied.
  if (isFinite(loss) && loss <= <f64>F32.MAX_VALUE) {
    net_backward(ptr, x, rows, false);
    if (all_finite(n.grads, n.paramCount) && net_update(ptr)) return loss;
  }
  v128.store(rngState(n), stream);
  return NaN;
}

/**
 * Batches first .. first+count−1 of an epoch over `rows` examples of the data set at x, y (and
 * sample weights w, or 0), visited in the order at `order` (example numbers, shuffled by the
 * caller). Returns the sum of batch loss × batch rows. At a batch whose step fails it stops,
 * without that batch's update, records the batch in net_diverged_batch() and returns NaN.
 */
export function net_train_batches(ptr: usize, x: usize, y: usize, order: usize, rows: i32, batchSize: i32, first: i32, count: i32, w: usize): f64 {
  const n = net(ptr);
  n.divergedBatch = -1;
  let lossSum: f64 = 0;
  for (let b = first; b < first + count; b++) {
    const start = b * batchSize;
    if (start >= rows) break;
    const size = min(batchSize, rows - start);
    const loss = net_train_batch(ptr, x, y, order + (<usize>start << 2), size, w);
    if (!isFinite(loss)) {
      n.divergedBatch = b;
      return loss;
    }
    lossSum += loss * <f64>size;
    n.lossSum += loss * <f64>size;
  }
  return lossSum;
}

/** f64 values net_train_epochs writes per epoch: the loss sum, then each output's loss sum, then each output's metric totals. */
export function net_epoch_stats(ptr: usize): i32 {
  return 1 + net(ptr).headCount * (1 + METRIC_SLOTS);
}

/**
 * `epochs` whole epochs over `rows` examples in batches of `batchSize`, for fit() when nothing runs
 * between epochs (no callbacks, validation or progress): each one numbers the rows at `order`,
 * shuffles them with the stream at `rng` when `shuffle`, restarts the metrics, trains every batch
 * (net_train_batches), then writes its statistics to `stats` (net_epoch_stats() f64 an epoch).
 * Exactly what fit() does epoch by epoch, in one call. Returns the epochs completed: at a step
 * that fails it stops, without that step, and net_diverged_batch() says which batch.
 */
export function net_train_epochs(ptr: usize, x: usize, y: usize, order: usize, rows: i32, batchSize: i32, epochs: i32, shuffle: bool, rng: usize, w: usize, stats: usize): i32 {
  const n = net(ptr), batches = (rows + batchSize - 1) / batchSize, stride = <usize>net_epoch_stats(ptr) << 3;
  for (let e = 0; e < epochs; e++) {
    for (let i = 0; i < rows; i++) store<i32>(order + (<usize>i << 2), i);
    if (shuffle) rng_shuffle(order, rows, rng);
    net_reset_metrics(ptr);
    const loss = net_train_batches(ptr, x, y, order, rows, batchSize, 0, batches, w);
    const out = stats + <usize>e * stride;
    // A failed step: its loss goes where the epoch's record would have.
    if (n.divergedBatch >= 0) {
      store<f64>(out, loss);
      return e;
    }
    store<f64>(out, n.lossSum);
    for (let k = 0; k < n.headCount; k++) {
      store<f64>(out + (<usize>(1 + k) << 3), head(n, k).lossSum);
      copyRow(out + (<usize>(1 + n.headCount + k * METRIC_SLOTS) << 3), totalsOf(n, k), METRIC_SLOTS * 8);
    }
  }
  return epochs;
}

/** The batch at which the last net_train_batches call stopped on a non-finite loss, or -1. */
export function net_diverged_batch(ptr: usize): i32 {
  return net(ptr).divergedBatch;
}

/**
 * Bytes of Wasm memory the model's blocks take, by part: 0 weights (current and next) and their
 * gradients, 1 optimizer state (current and next), 2 activations, staging and scratch at the
 * batch capacity, 3 packed kernels kept for inference, 4 the network record with its layer records.
 */
export function net_bytes(ptr: usize, part: i32): f64 {
  const n = net(ptr);
  if (part == 0) return <f64>(block_bytes(n.params) + block_bytes(n.nextParams) + block_bytes(n.grads));
  if (part == 1) return <f64>(block_bytes(n.slots) + block_bytes(n.nextSlots));
  if (part == 2) return <f64>block_bytes(n.activations);
  if (part == 3) return <f64>block_bytes(n.packed);
  return <f64>block_bytes(ptr);
}

export function net_free(ptr: usize): void {
  const n = net(ptr);
  free(n.params);
  free(n.nextParams);
  free(n.grads);
  free(n.slots);
  free(n.nextSlots);
  free(n.activations);
  free(n.packed);
  free(ptr);
}
