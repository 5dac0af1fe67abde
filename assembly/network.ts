// The one piece of model structure that lives in Wasm: a table describing a stack of dense
// layers and where their tensors sit, so a whole training step (forward, loss, backward, update)
// is a single call. The TypeScript model fills the table once; every buffer is allocated here.
//
// Memory plan (llm.c style): one buffer holds every parameter, each layer's kernel and bias point
// into it; gradients and optimizer moments are parallel buffers of the same layout; one more
// buffer holds the activations for `batchCap` rows.
import { alloc, free } from "./memory";
import { gemm_nn_bias, gemm_nt, gemm_tn } from "./gemm";
import { activation_forward, activation_backward, bias_gradient, SIGMOID, SOFTMAX } from "./activations";
import { loss_forward_backward, loss_from_logits, BINARY_CROSSENTROPY, CATEGORICAL_CROSSENTROPY } from "./losses";
import { count_correct } from "./metrics";
import { sgd_update, adam_update, ADAM } from "./optimizers";

// Header fields (byte offsets).
const N_LAYERS = 0;
const BATCH_CAP = 4;
const LOSS = 8;
const FUSED = 12; // 1 when the last activation is folded into the loss (computed from logits)
const METRIC = 16; // -1 for none
const OPTIMIZER = 20;
const STEP = 24;
const N_PARAMS = 28;
const LR = 32;
const BETA1 = 36;
const BETA2 = 40;
const EPS = 44;
const PARAMS = 48;
const GRADS = 52;
const MOMENTS = 56;
const INPUT = 60; // staging rows for a gathered batch
const LABEL = 64;
const ACTIVATIONS = 68;
const CORRECT = 72; // f64: metric count of the last loss evaluation
const HEADER = 80;

// Layer record fields.
const IN = 0;
const OUT = 4;
const ACT = 8;
const ALPHA = 12;
const W = 16;
const B = 20;
const DW = 24;
const DB = 28;
const Z = 32; // pre-activation, batchCap × out
const A = 36; // activation output, batchCap × out
const D = 40; // gradient: dLoss/dA, turned into dLoss/dZ in place
const USE_BIAS = 44;
const LAYER = 48;

// @ts-ignore: decorator
@inline function layer(net: usize, i: i32): usize {
  return net + HEADER + <usize>i * LAYER;
}

// @ts-ignore: decorator
@inline function nLayers(net: usize): i32 {
  return load<i32>(net + N_LAYERS);
}

// @ts-ignore: decorator
@inline function biasSize(l: usize): usize {
  return load<i32>(l + USE_BIAS) ? <usize>load<i32>(l + OUT) : 0;
}

/** A table for `layers` dense layers; 0 when out of memory. */
export function net_create(layers: i32): usize {
  const net = alloc(<usize>HEADER + <usize>layers * <usize>LAYER);
  if (net == 0) return 0;
  store<i32>(net + N_LAYERS, layers);
  store<i32>(net + METRIC, -1);
  return net;
}

export function net_set_layer(net: usize, i: i32, inputs: i32, units: i32, act: i32, alpha: f32, useBias: bool): void {
  const l = layer(net, i);
  store<i32>(l + USE_BIAS, useBias ? 1 : 0);
  store<i32>(l + IN, inputs);
  store<i32>(l + OUT, units);
  store<i32>(l + ACT, act);
  store<f32>(l + ALPHA, alpha);
}

/** Allocates parameters and gradients (zeroed) and points each layer into them. */
export function net_build(net: usize): bool {
  const layers = nLayers(net);
  let count: usize = 0;
  for (let i = 0; i < layers; i++) {
    const l = layer(net, i);
    count += <usize>load<i32>(l + IN) * <usize>load<i32>(l + OUT) + biasSize(l);
  }
  const params = alloc(count << 2);
  if (params == 0) return false;
  const grads = alloc(count << 2);
  if (grads == 0) { free(params); return false; }
  store<i32>(net + N_PARAMS, <i32>count);
  store<usize>(net + PARAMS, params);
  store<usize>(net + GRADS, grads);
  let offset: usize = 0;
  for (let i = 0; i < layers; i++) {
    const l = layer(net, i);
    const kernel = <usize>load<i32>(l + IN) * <usize>load<i32>(l + OUT);
    store<usize>(l + W, params + (offset << 2));
    store<usize>(l + DW, grads + (offset << 2));
    offset += kernel;
    // A layer without bias keeps null pointers: the kernels skip a null bias.
    const bias = biasSize(l);
    store<usize>(l + B, bias ? params + (offset << 2) : 0);
    store<usize>(l + DB, bias ? grads + (offset << 2) : 0);
    offset += bias;
  }
  return true;
}

export function net_params(net: usize): usize { return load<usize>(net + PARAMS); }
export function net_grads(net: usize): usize { return load<usize>(net + GRADS); }
export function net_moments(net: usize): usize { return load<usize>(net + MOMENTS); }
export function net_param_count(net: usize): i32 { return load<i32>(net + N_PARAMS); }
export function net_step(net: usize): i32 { return load<i32>(net + STEP); }
export function net_correct(net: usize): f64 { return load<f64>(net + CORRECT); }

/** Picks the loss and metric; softmax + categorical and sigmoid + binary cross-entropy are fused. */
export function net_set_loss(net: usize, loss: i32, metric: i32): void {
  const act = load<i32>(layer(net, nLayers(net) - 1) + ACT);
  const fused = (loss == CATEGORICAL_CROSSENTROPY && act == SOFTMAX) || (loss == BINARY_CROSSENTROPY && act == SIGMOID);
  store<i32>(net + LOSS, loss);
  store<i32>(net + FUSED, fused ? 1 : 0);
  store<i32>(net + METRIC, metric);
}

/** Picks the optimizer and allocates its moments (zeroed); restarts the step count. */
export function net_set_optimizer(net: usize, optimizer: i32, lr: f32, beta1: f32, beta2: f32, epsilon: f32): bool {
  free(load<usize>(net + MOMENTS));
  store<usize>(net + MOMENTS, 0);
  const slots: usize = optimizer == ADAM ? 2 : 0;
  if (slots > 0) {
    const moments = alloc(slots * (<usize>load<i32>(net + N_PARAMS) << 2));
    if (moments == 0) return false;
    store<usize>(net + MOMENTS, moments);
  }
  store<i32>(net + OPTIMIZER, optimizer);
  store<i32>(net + STEP, 0);
  store<f32>(net + LR, lr);
  store<f32>(net + BETA1, beta1);
  store<f32>(net + BETA2, beta2);
  store<f32>(net + EPS, epsilon);
  return true;
}

export function net_set_learning_rate(net: usize, lr: f32): void {
  store<f32>(net + LR, lr);
}

/** Makes the activation buffers hold at least `rows` rows; false when out of memory. */
export function net_reserve(net: usize, rows: i32): bool {
  if (rows <= load<i32>(net + BATCH_CAP)) return true;
  const layers = nLayers(net);
  const first = layer(net, 0), last = layer(net, layers - 1);
  let floats: usize = <usize>load<i32>(first + IN) + <usize>load<i32>(last + OUT);
  for (let i = 0; i < layers; i++) floats += 3 * <usize>load<i32>(layer(net, i) + OUT);
  free(load<usize>(net + ACTIVATIONS));
  store<i32>(net + BATCH_CAP, 0);
  const block = alloc(floats * <usize>rows << 2);
  store<usize>(net + ACTIVATIONS, block);
  if (block == 0) return false;
  let p = block;
  const rowBytes = <usize>rows << 2;
  store<usize>(net + INPUT, p);
  p += <usize>load<i32>(first + IN) * rowBytes;
  store<usize>(net + LABEL, p);
  p += <usize>load<i32>(last + OUT) * rowBytes;
  for (let i = 0; i < layers; i++) {
    const l = layer(net, i);
    const size = <usize>load<i32>(l + OUT) * rowBytes;
    store<usize>(l + Z, p); p += size;
    store<usize>(l + A, p); p += size;
    store<usize>(l + D, p); p += size;
  }
  store<i32>(net + BATCH_CAP, rows);
  return true;
}

/** Row capacity of the activation buffers. */
export function net_batch_cap(net: usize): i32 { return load<i32>(net + BATCH_CAP); }
/** Where a caller stages `rows` input rows (and labels) for net_forward / net_loss. */
export function net_input(net: usize): usize { return load<usize>(net + INPUT); }
export function net_label(net: usize): usize { return load<usize>(net + LABEL); }
/** The last layer's activations after net_forward. */
export function net_output(net: usize): usize { return load<usize>(layer(net, nLayers(net) - 1) + A); }

/** Forward pass of `rows` ≤ batchCap input rows at `x`: z = x·W + b, a = f(z), layer by layer. */
export function net_forward(net: usize, x: usize, rows: i32): void {
  const layers = nLayers(net);
  let input = x;
  for (let i = 0; i < layers; i++) {
    const l = layer(net, i);
    const inputs = load<i32>(l + IN), units = load<i32>(l + OUT);
    gemm_nn_bias(load<usize>(l + Z), input, load<usize>(l + W), load<usize>(l + B), rows, units, inputs);
    activation_forward(load<usize>(l + A), load<usize>(l + Z), rows, units, load<i32>(l + ACT), load<f32>(l + ALPHA));
    input = load<usize>(l + A);
  }
}

/**
 * Loss of the last forward pass against labels `y`; with `withGrad`, also seeds the backward pass
 * (dLoss/dA of the last layer, or dLoss/dZ when fused). Counts the metric into CORRECT.
 */
export function net_loss(net: usize, y: usize, rows: i32, withGrad: bool): f64 {
  const last = layer(net, nLayers(net) - 1);
  const units = load<i32>(last + OUT);
  const grad = withGrad ? load<usize>(last + D) : 0;
  const loss = load<i32>(net + LOSS);
  const value = load<i32>(net + FUSED)
    ? loss_from_logits(grad, load<usize>(last + Z), y, rows, units, loss)
    : loss_forward_backward(grad, load<usize>(last + A), y, rows, units, loss);
  const metric = load<i32>(net + METRIC);
  store<f64>(net + CORRECT, metric >= 0 ? count_correct(load<usize>(last + A), y, rows, units, metric) : 0);
  return value;
}

/** Backward pass after net_loss: the chain rule, layer by layer from the output to `x`. */
export function net_backward(net: usize, x: usize, rows: i32): void {
  const layers = nLayers(net);
  for (let i = layers - 1; i >= 0; i--) {
    const l = layer(net, i);
    const inputs = load<i32>(l + IN), units = load<i32>(l + OUT);
    const d = load<usize>(l + D);
    // dZ = f'(Z) ⊙ dA (a fused last layer already holds dZ), and db = Σ_rows dZ.
    if (i < layers - 1 || !load<i32>(net + FUSED)) {
      activation_backward(d, d, load<usize>(l + Z), load<usize>(l + A), rows, units, load<i32>(l + ACT), load<f32>(l + ALPHA));
    }
    if (load<usize>(l + DB)) bias_gradient(load<usize>(l + DB), d, rows, units);
    const input = i == 0 ? x : load<usize>(layer(net, i - 1) + A);
    // dW = Xᵀ · dZ
    gemm_tn(load<usize>(l + DW), input, d, inputs, units, rows, false);
    // dX = dZ · Wᵀ becomes dA of the layer below.
    if (i > 0) gemm_nt(load<usize>(layer(net, i - 1) + D), d, load<usize>(l + W), rows, inputs, units, false);
  }
}

/** One optimizer step over every parameter. */
export function net_update(net: usize): void {
  const t = load<i32>(net + STEP) + 1;
  store<i32>(net + STEP, t);
  const params = load<usize>(net + PARAMS), grads = load<usize>(net + GRADS);
  const n = load<i32>(net + N_PARAMS);
  const lr = load<f32>(net + LR);
  if (load<i32>(net + OPTIMIZER) == ADAM) {
    const m = load<usize>(net + MOMENTS);
    adam_update(params, grads, m, m + (<usize>n << 2), n, lr, load<f32>(net + BETA1), load<f32>(net + BETA2), load<f32>(net + EPS), t);
  } else {
    sgd_update(params, grads, n, lr);
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
 * One training step on `rows` ≤ batchCap rows. With `indices` ≠ 0 the rows are gathered from the
 * data set at `x`, `y` (indices[0..rows) are row numbers); otherwise x and y are the batch.
 * Returns the batch loss (before the update).
 */
export function net_train_batch(net: usize, x: usize, y: usize, indices: usize, rows: i32): f64 {
  if (indices != 0) {
    const last = layer(net, nLayers(net) - 1);
    const xBytes = <usize>load<i32>(layer(net, 0) + IN) << 2, yBytes = <usize>load<i32>(last + OUT) << 2;
    const xs = load<usize>(net + INPUT), ys = load<usize>(net + LABEL);
    for (let r = 0; r < rows; r++) {
      const row = <usize>load<i32>(indices + (<usize>r << 2));
      copyRow(xs + <usize>r * xBytes, x + row * xBytes, xBytes);
      copyRow(ys + <usize>r * yBytes, y + row * yBytes, yBytes);
    }
    x = xs;
    y = ys;
  }
  net_forward(net, x, rows);
  const loss = net_loss(net, y, rows, true);
  net_backward(net, x, rows);
  net_update(net);
  return loss;
}

/**
 * Batches first .. first+count−1 of an epoch over `rows` rows of the data set at x, y, visited in
 * the order at `order` (row numbers, shuffled by the caller). Returns the sum of batch loss × batch
 * rows; CORRECT holds the metric count summed over the batches.
 */
export function net_train_batches(net: usize, x: usize, y: usize, order: usize, rows: i32, batchSize: i32, first: i32, count: i32): f64 {
  let lossSum: f64 = 0, correct: f64 = 0;
  for (let b = first; b < first + count; b++) {
    const start = b * batchSize;
    if (start >= rows) break;
    const n = min(batchSize, rows - start);
    lossSum += net_train_batch(net, x, y, order + (<usize>start << 2), n) * <f64>n;
    correct += load<f64>(net + CORRECT);
  }
  store<f64>(net + CORRECT, correct);
  return lossSum;
}

export function net_free(net: usize): void {
  free(load<usize>(net + PARAMS));
  free(load<usize>(net + GRADS));
  free(load<usize>(net + MOMENTS));
  free(load<usize>(net + ACTIVATIONS));
  free(net);
}
