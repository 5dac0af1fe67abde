// The one piece of model structure that lives in Wasm: a table describing a stack of layers and
// where their tensors sit, so a whole training step (forward, loss, backward, update) is a single
// call. The TypeScript model fills the table once; every buffer is allocated here.
//
// Memory plan (llm.c style): one buffer holds every parameter, each layer's kernel and bias point
// into it, in getWeights() order; gradients and the optimizer's state are parallel buffers of the
// same layout; one more buffer holds the activations for `batchCap` rows. Parameters and optimizer
// state are double-buffered: an update writes the next ones beside the current ones, and they are
// adopted only when every value is finite, so a failed step leaves the model exactly as it was.
import { alloc, free } from "./memory";
import { gemm_nn_bias, gemm_nt, gemm_tn } from "./gemm";
import { activation_forward, activation_backward, bias_gradient, SIGMOID, SOFTMAX } from "./activations";
import {
  loss_forward_backward, loss_from_logits, penalty_forward_backward,
  BINARY_CROSSENTROPY, CATEGORICAL_CROSSENTROPY, SPARSE_CATEGORICAL_CROSSENTROPY,
} from "./losses";
import { metrics_update, METRIC_SLOTS } from "./metrics";
import {
  sgd_update, momentum_update, adam_update, rmsprop_update, adagrad_update, adadelta_update,
  adamax_update, weight_decay, clip_gradients, all_finite, SGD, ADAM, RMSPROP, ADAGRAD, ADADELTA, ADAMAX, ADAMW,
} from "./optimizers";
import { dropout_forward, dropout_backward } from "./dropout";

// Header fields (byte offsets).
const N_LAYERS = 0;
const BATCH_CAP = 4;
const LOSS = 8;
const LOSS_PARAM = 12; // f32: huber delta or label smoothing
const LOGITS = 16; // how the loss reads the output: see net_set_loss
const LABEL_COLS = 20;
const METRIC_MASK = 24;
const OPTIMIZER = 28;
const NEXT_SLOTS = 32; // where the next update writes the optimizer state
const N_PARAMS = 36;
const LR = 40;
const P1 = 44; // β1, ρ or momentum, by optimizer
const P2 = 48; // β2, or momentum for rmsprop
const EPS = 52;
const P3 = 56; // weight decay (adamw), decay (adamax), initial accumulator (adagrad)
const FLAGS = 60; // NESTEROV | CENTERED | AMSGRAD
const CLIP_NORM = 64;
const CLIP_VALUE = 68;
const PARAMS = 72;
const GRADS = 76;
const SLOTS = 80; // optimizer state: N_SLOTS buffers of N_PARAMS floats, back to back
const N_SLOTS = 84;
const INPUT = 88; // staging rows for a gathered batch
const LABEL = 92;
const ACTIVATIONS = 96;
const TRAINING = 100; // 1 when the last forward pass dropped values (its masks are live)
const DIVERGED = 104; // batch index at which net_train_batches met a non-finite loss, or -1
const NEXT_PARAMS = 108; // where the next update writes the parameters
const RNG = 112; // 16 bytes: the dropout stream
const STEP = 128; // f64: updates applied, exact to 2^53 (an i32 would wrap after 2^31 steps)
const TOTALS = 136; // METRIC_SLOTS f64 running metric totals
const HEADER = TOTALS + METRIC_SLOTS * 8;

const NESTEROV = 1;
const CENTERED = 2;
const AMSGRAD = 4;

// How net_loss reads the network's output.
const PROBABILITIES = 0; // the loss sees the last layer's output
const FUSED = 1; // softmax/sigmoid + cross-entropy computed from the last layer's z
const FROM_LOGITS = 2; // the output itself is logits (fromLogits: true)

// Layer record fields.
const KIND = 0;
const IN = 4;
const OUT = 8;
const ACT = 12;
const ALPHA = 16; // f32: the activation's parameter, or the dropout rate
const W = 20;
const B = 24;
const DW = 28;
const DB = 32;
const Z = 36; // pre-activation (dropout: the mask), batchCap × out
const A = 40; // output, batchCap × out
const D = 44; // gradient: dLoss/dA, turned into dLoss/dZ in place
const USE_BIAS = 48;
const KERNEL_L1 = 52; // f32 regularizer weights
const KERNEL_L2 = 56;
const BIAS_L1 = 60;
const BIAS_L2 = 64;
const LAYER = 80;

const DENSE = 0;
const DROPOUT = 1;

// @ts-ignore: decorator
@inline function layer(net: usize, i: i32): usize {
  return net + HEADER + <usize>i * LAYER;
}

// @ts-ignore: decorator
@inline function nLayers(net: usize): i32 {
  return load<i32>(net + N_LAYERS);
}

// @ts-ignore: decorator
@inline function kernelSize(l: usize): usize {
  return load<i32>(l + KIND) == DENSE ? <usize>load<i32>(l + IN) * <usize>load<i32>(l + OUT) : 0;
}

// @ts-ignore: decorator
@inline function biasSize(l: usize): usize {
  return load<i32>(l + KIND) == DENSE && load<i32>(l + USE_BIAS) ? <usize>load<i32>(l + OUT) : 0;
}

/** A table for `layers` layers; 0 when out of memory. */
export function net_create(layers: i32): usize {
  const net = alloc(<usize>HEADER + <usize>layers * <usize>LAYER);
  if (net == 0) return 0;
  store<i32>(net + N_LAYERS, layers);
  return net;
}

/** Layer i is dense: units = activation(inputs · kernel + bias). */
export function net_set_dense(net: usize, i: i32, inputs: i32, units: i32, act: i32, alpha: f32, useBias: bool): void {
  const l = layer(net, i);
  store<i32>(l + KIND, DENSE);
  store<i32>(l + IN, inputs);
  store<i32>(l + OUT, units);
  store<i32>(l + ACT, act);
  store<f32>(l + ALPHA, alpha);
  store<i32>(l + USE_BIAS, useBias ? 1 : 0);
}

/** Layer i is dropout over `units` values at `rate`. */
export function net_set_dropout(net: usize, i: i32, units: i32, rate: f32): void {
  const l = layer(net, i);
  store<i32>(l + KIND, DROPOUT);
  store<i32>(l + IN, units);
  store<i32>(l + OUT, units);
  store<f32>(l + ALPHA, rate);
}

/** Penalties l1·Σ|w| + l2·Σw² on layer i's kernel and bias. */
export function net_set_regularizers(net: usize, i: i32, kernelL1: f32, kernelL2: f32, biasL1: f32, biasL2: f32): void {
  const l = layer(net, i);
  store<f32>(l + KERNEL_L1, kernelL1);
  store<f32>(l + KERNEL_L2, kernelL2);
  store<f32>(l + BIAS_L1, biasL1);
  store<f32>(l + BIAS_L2, biasL2);
}

/** Allocates parameters and gradients (zeroed) and points each layer into them. */
export function net_build(net: usize): bool {
  const layers = nLayers(net);
  let count: u64 = 0;
  for (let i = 0; i < layers; i++) count += <u64>kernelSize(layer(net, i)) + <u64>biasSize(layer(net, i));
  if (count * 12 >= <u64>0xffff_0000) return false;
  const params = alloc(<usize>count << 2);
  if (params == 0) return false;
  const grads = alloc(<usize>count << 2);
  if (grads == 0) { free(params); return false; }
  const next = alloc(<usize>count << 2);
  if (next == 0) { free(grads); free(params); return false; }
  store<usize>(net + NEXT_PARAMS, next);
  store<i32>(net + N_PARAMS, <i32>count);
  store<usize>(net + PARAMS, params);
  store<usize>(net + GRADS, grads);
  pointLayers(net);
  return true;
}

// Points each layer's kernel and bias (and their gradients) into the flat buffers, in getWeights() order.
function pointLayers(net: usize): void {
  const params = load<usize>(net + PARAMS), grads = load<usize>(net + GRADS);
  let offset: usize = 0;
  for (let i = 0; i < nLayers(net); i++) {
    const l = layer(net, i);
    // Layers without a kernel or bias keep null pointers: the kernels skip a null bias.
    const kernel = kernelSize(l), bias = biasSize(l);
    store<usize>(l + W, kernel ? params + (offset << 2) : 0);
    store<usize>(l + DW, kernel ? grads + (offset << 2) : 0);
    offset += kernel;
    store<usize>(l + B, bias ? params + (offset << 2) : 0);
    store<usize>(l + DB, bias ? grads + (offset << 2) : 0);
    offset += bias;
  }
}

export function net_params(net: usize): usize { return load<usize>(net + PARAMS); }
export function net_grads(net: usize): usize { return load<usize>(net + GRADS); }
export function net_param_count(net: usize): i32 { return load<i32>(net + N_PARAMS); }
/** The optimizer's state: net_slot_count() buffers of net_param_count() floats, back to back. */
export function net_slots(net: usize): usize { return load<usize>(net + SLOTS); }
export function net_slot_count(net: usize): i32 { return load<i32>(net + N_SLOTS); }
export function net_step(net: usize): f64 { return load<f64>(net + STEP); }
export function net_set_step(net: usize, step: f64): void { store<f64>(net + STEP, step); }
/** The dropout stream's 16-byte state, for rng_seed. */
export function net_rng(net: usize): usize { return net + RNG; }

/**
 * Picks the loss, its parameter, the label width (1 for sparse labels) and the metric totals to
 * keep. Softmax + categorical and sigmoid + binary cross-entropy are computed from the last
 * layer's z (as Keras does on TensorFlow); with fromLogits the output itself is the logits.
 */
export function net_set_loss(net: usize, loss: i32, param: f32, fromLogits: bool, labelCols: i32, metricMask: i32): void {
  const act = load<i32>(layer(net, nLayers(net) - 1) + ACT);
  const categorical = loss == CATEGORICAL_CROSSENTROPY || loss == SPARSE_CATEGORICAL_CROSSENTROPY;
  let mode = PROBABILITIES;
  if (fromLogits) mode = FROM_LOGITS;
  else if ((categorical && act == SOFTMAX) || (loss == BINARY_CROSSENTROPY && act == SIGMOID)) mode = FUSED;
  store<i32>(net + LOSS, loss);
  store<f32>(net + LOSS_PARAM, param);
  store<i32>(net + LOGITS, mode);
  store<i32>(net + LABEL_COLS, labelCols);
  store<i32>(net + METRIC_MASK, metricMask);
}

/**
 * Picks the optimizer and allocates its `slots` state buffers (zeroed; src/optimizers.ts counts
 * them per rule), double-buffered; restarts the step count.
 */
export function net_set_optimizer(net: usize, optimizer: i32, slots: i32, lr: f32, p1: f32, p2: f32, epsilon: f32, p3: f32, flags: i32, clipNorm: f32, clipValue: f32): bool {
  const n = <usize>load<i32>(net + N_PARAMS);
  // The new state is taken before the old is given back, so a failure leaves the old one whole.
  let state: usize = 0, next: usize = 0;
  if (slots > 0) {
    if (<u64>slots * <u64>n * 8 >= <u64>0xffff_0000) return false;
    state = alloc(<usize>slots * n << 2);
    if (state == 0) return false;
    next = alloc(<usize>slots * n << 2);
    if (next == 0) { free(state); return false; }
  }
  free(load<usize>(net + SLOTS));
  free(load<usize>(net + NEXT_SLOTS));
  store<usize>(net + SLOTS, state);
  store<usize>(net + NEXT_SLOTS, next);
  store<i32>(net + N_SLOTS, slots);
  store<i32>(net + OPTIMIZER, optimizer);
  store<f64>(net + STEP, 0);
  store<f32>(net + LR, lr);
  store<f32>(net + P1, p1);
  store<f32>(net + P2, p2);
  store<f32>(net + EPS, epsilon);
  store<f32>(net + P3, p3);
  store<i32>(net + FLAGS, flags);
  store<f32>(net + CLIP_NORM, clipNorm);
  store<f32>(net + CLIP_VALUE, clipValue);
  resetState(net);
  return true;
}

// The optimizer's state as compile() leaves it: zero moments (adagrad: its initial accumulator).
function resetState(net: usize): void {
  const bytes = <usize>load<i32>(net + N_SLOTS) * <usize>load<i32>(net + N_PARAMS) << 2;
  const state = load<usize>(net + SLOTS);
  if (load<i32>(net + OPTIMIZER) == ADAGRAD) {
    const init = load<f32>(net + P3);
    for (let o: usize = 0; o < bytes; o += 4) store<f32>(state + o, init);
  } else {
    memory.fill(state, 0, bytes);
  }
}

export function net_set_learning_rate(net: usize, lr: f32): void {
  store<f32>(net + LR, lr);
}

/** Makes the activation buffers hold at least `rows` rows; false when out of memory. */
export function net_reserve(net: usize, rows: i32): bool {
  if (rows <= load<i32>(net + BATCH_CAP)) return true;
  const layers = nLayers(net);
  const first = layer(net, 0), last = layer(net, layers - 1);
  let floats: u64 = <u64>load<i32>(first + IN) + <u64>load<i32>(last + OUT);
  for (let i = 0; i < layers; i++) floats += 3 * <u64>load<i32>(layer(net, i) + OUT);
  const bytes = floats * <u64>rows * 4;
  if (bytes >= <u64>0xffff_0000) return false;
  // The new block is taken before the old one is given back, so a failure leaves the old intact.
  const block = alloc(<usize>bytes);
  if (block == 0) return false;
  free(load<usize>(net + ACTIVATIONS));
  store<usize>(net + ACTIVATIONS, block);
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
/** The last layer's output after net_forward. */
export function net_output(net: usize): usize { return load<usize>(layer(net, nLayers(net) - 1) + A); }

/**
 * Forward pass of `rows` ≤ batchCap input rows at `x`, layer by layer: dense z = x·W + b, a = f(z);
 * dropout drops values only when `training`.
 */
export function net_forward(net: usize, x: usize, rows: i32, training: bool): void {
  const layers = nLayers(net);
  store<i32>(net + TRAINING, training ? 1 : 0);
  let input = x;
  for (let i = 0; i < layers; i++) {
    const l = layer(net, i);
    const units = load<i32>(l + OUT);
    if (load<i32>(l + KIND) == DROPOUT) {
      const n = rows * units, rate = load<f32>(l + ALPHA);
      if (training && rate > 0) dropout_forward(load<usize>(l + A), load<usize>(l + Z), input, n, rate, net + RNG);
      else memory.copy(load<usize>(l + A), input, <usize>n << 2);
    } else {
      gemm_nn_bias(load<usize>(l + Z), input, load<usize>(l + W), load<usize>(l + B), rows, units, load<i32>(l + IN));
      activation_forward(load<usize>(l + A), load<usize>(l + Z), rows, units, load<i32>(l + ACT), load<f32>(l + ALPHA));
    }
    input = load<usize>(l + A);
  }
}

/**
 * Loss of the last forward pass against labels `y`, plus the regularizers' penalties; with
 * `withGrad`, also seeds the backward pass (dLoss/dA of the last layer, or dLoss/dZ when fused).
 * Adds the batch into the metric totals.
 */
export function net_loss(net: usize, y: usize, rows: i32, withGrad: bool): f64 {
  const last = layer(net, nLayers(net) - 1);
  const units = load<i32>(last + OUT);
  const grad = withGrad ? load<usize>(last + D) : 0;
  const loss = load<i32>(net + LOSS), param = load<f32>(net + LOSS_PARAM);
  const mode = load<i32>(net + LOGITS);
  let value = mode == PROBABILITIES
    ? loss_forward_backward(grad, load<usize>(last + A), y, rows, units, loss, param)
    : loss_from_logits(grad, load<usize>(last + (mode == FUSED ? Z : A)), y, rows, units, loss, param);
  for (let i = 0; i < nLayers(net); i++) value += penalty(layer(net, i), false);
  const mask = load<i32>(net + METRIC_MASK);
  if (mask) metrics_update(net + TOTALS, load<usize>(last + A), y, rows, units, mask);
  return value;
}

// The regularizer penalty of one layer; with `withGrad` its gradient is added to dW and db.
function penalty(l: usize, withGrad: bool): f64 {
  let total: f64 = 0;
  const kl1 = load<f32>(l + KERNEL_L1), kl2 = load<f32>(l + KERNEL_L2);
  const bl1 = load<f32>(l + BIAS_L1), bl2 = load<f32>(l + BIAS_L2);
  if (kl1 != 0 || kl2 != 0) {
    total += penalty_forward_backward(withGrad ? load<usize>(l + DW) : 0, load<usize>(l + W), <i32>kernelSize(l), kl1, kl2);
  }
  if ((bl1 != 0 || bl2 != 0) && load<usize>(l + B)) {
    total += penalty_forward_backward(withGrad ? load<usize>(l + DB) : 0, load<usize>(l + B), <i32>biasSize(l), bl1, bl2);
  }
  return total;
}

/** Zeroes the metric totals. */
export function net_reset_metrics(net: usize): void {
  memory.fill(net + TOTALS, 0, METRIC_SLOTS * 8);
}

/** The metric totals: METRIC_SLOTS f64 values (see assembly/metrics.ts). */
export function net_metric_totals(net: usize): usize {
  return net + TOTALS;
}

/** Backward pass after net_loss: the chain rule, layer by layer from the output to `x`. */
export function net_backward(net: usize, x: usize, rows: i32): void {
  const layers = nLayers(net);
  for (let i = layers - 1; i >= 0; i--) {
    const l = layer(net, i);
    const inputs = load<i32>(l + IN), units = load<i32>(l + OUT);
    const d = load<usize>(l + D);
    const below = i > 0 ? load<usize>(layer(net, i - 1) + D) : 0;
    if (load<i32>(l + KIND) == DROPOUT) {
      // The values dropped in the forward pass pass no gradient back.
      if (!below) continue;
      if (load<i32>(net + TRAINING) && load<f32>(l + ALPHA) > 0) dropout_backward(below, d, load<usize>(l + Z), rows * units);
      else memory.copy(below, d, <usize>(rows * units) << 2);
      continue;
    }
    // dZ = f'(Z) ⊙ dA (a fused last layer already holds dZ), and db = Σ_rows dZ.
    if (i < layers - 1 || load<i32>(net + LOGITS) != FUSED) {
      activation_backward(d, d, load<usize>(l + Z), load<usize>(l + A), rows, units, load<i32>(l + ACT), load<f32>(l + ALPHA));
    }
    if (load<usize>(l + DB)) bias_gradient(load<usize>(l + DB), d, rows, units);
    const input = i == 0 ? x : load<usize>(layer(net, i - 1) + A);
    // dW = Xᵀ · dZ
    gemm_tn(load<usize>(l + DW), input, d, inputs, units, rows, false);
    // dX = dZ · Wᵀ becomes dA of the layer below.
    if (below) gemm_nt(below, d, load<usize>(l + W), rows, inputs, units, false);
    penalty(l, true);
  }
}

/**
 * One optimizer step over every parameter (after clipping the gradients), written to the next
 * buffers. Returns false, adopting nothing, when a new parameter or state value is not finite
 * (an update that overflows float32); otherwise the next buffers become the current ones.
 */
export function net_update(net: usize): bool {
  const t = load<f64>(net + STEP) + 1;
  const params = load<usize>(net + PARAMS), grads = load<usize>(net + GRADS);
  const out = load<usize>(net + NEXT_PARAMS);
  const n = load<i32>(net + N_PARAMS);
  clip_gradients(grads, n, load<f32>(net + CLIP_NORM), load<f32>(net + CLIP_VALUE));
  const lr = load<f32>(net + LR), p1 = load<f32>(net + P1), p2 = load<f32>(net + P2);
  const eps = load<f32>(net + EPS), p3 = load<f32>(net + P3), flags = load<i32>(net + FLAGS);
  const size = <usize>n << 2;
  const s0 = load<usize>(net + SLOTS), s1 = s0 + size, s2 = s1 + size;
  const o0 = load<usize>(net + NEXT_SLOTS), o1 = o0 + size, o2 = o1 + size;
  const amsgrad = (flags & AMSGRAD) != 0;
  switch (load<i32>(net + OPTIMIZER)) {
    case ADAMW:
      // Decay into the output buffer, then Adam reads it there.
      weight_decay(out, params, n, lr, p3);
      adam_update(out, o0, o1, amsgrad ? o2 : 0, out, s0, s1, amsgrad ? s2 : 0, grads, n, lr, p1, p2, eps, t);
      break;
    case ADAM:
      adam_update(out, o0, o1, amsgrad ? o2 : 0, params, s0, s1, amsgrad ? s2 : 0, grads, n, lr, p1, p2, eps, t);
      break;
    case RMSPROP:
      rmsprop_update(out, o0, o1, o2, params, s0, s1, s2, grads, n, lr, p1, p2, eps, (flags & CENTERED) != 0);
      break;
    case ADAGRAD:
      adagrad_update(out, o0, params, s0, grads, n, lr, eps);
      break;
    case ADADELTA:
      adadelta_update(out, o0, o1, params, s0, s1, grads, n, lr, p1, eps);
      break;
    case ADAMAX:
      // TF.js's adamax decays the rate with the step count: lr / (1 + decay·(t−1)).
      adamax_update(out, o0, o1, params, s0, s1, grads, n, lr / (1 + p3 * <f32>(t - 1)), p1, p2, eps, t);
      break;
    default:
      if (p1 > 0) momentum_update(out, o0, params, s0, grads, n, lr, p1, (flags & NESTEROV) != 0);
      else sgd_update(out, params, grads, n, lr);
  }
  // A moment that overflows (g² beyond float32) would silently stall its weight forever: refused too.
  if (!all_finite(out, n) || !all_finite(o0, load<i32>(net + N_SLOTS) * n)) return false;
  store<usize>(net + PARAMS, out);
  store<usize>(net + NEXT_PARAMS, params);
  store<usize>(net + SLOTS, o0);
  store<usize>(net + NEXT_SLOTS, s0);
  store<f64>(net + STEP, t);
  pointLayers(net);
  return true;
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
 * Returns the batch loss (before the update), or NaN when the step was not applied.
 */
export function net_train_batch(net: usize, x: usize, y: usize, indices: usize, rows: i32): f64 {
  if (indices != 0) {
    const xBytes = <usize>load<i32>(layer(net, 0) + IN) << 2, yBytes = <usize>load<i32>(net + LABEL_COLS) << 2;
    const xs = load<usize>(net + INPUT), ys = load<usize>(net + LABEL);
    for (let r = 0; r < rows; r++) {
      const row = <usize>load<i32>(indices + (<usize>r << 2));
      copyRow(xs + <usize>r * xBytes, x + row * xBytes, xBytes);
      copyRow(ys + <usize>r * yBytes, y + row * yBytes, yBytes);
    }
    x = xs;
    y = ys;
  }
  // A failed step leaves the model as it was: the dropout stream too is put back.
  const stream = v128.load(net + RNG);
  net_forward(net, x, rows, true);
  const loss = net_loss(net, y, rows, true);
  // Divergence: nothing non-finite ever reaches the weights. A loss or gradient that is not
  // finite (or beyond float32), or an update that overflows, is not applied.
  if (isFinite(loss) && loss <= <f64>F32.MAX_VALUE) {
    net_backward(net, x, rows);
    if (all_finite(load<usize>(net + GRADS), load<i32>(net + N_PARAMS)) && net_update(net)) return loss;
  }
  v128.store(net + RNG, stream);
  return NaN;
}

/**
 * Batches first .. first+count−1 of an epoch over `rows` rows of the data set at x, y, visited in
 * the order at `order` (row numbers, shuffled by the caller). Returns the sum of batch loss × batch
 * rows. At a batch whose loss is not finite it stops, without that batch's update, records the
 * batch in net_diverged_batch() and returns the loss.
 */
export function net_train_batches(net: usize, x: usize, y: usize, order: usize, rows: i32, batchSize: i32, first: i32, count: i32): f64 {
  store<i32>(net + DIVERGED, -1);
  let lossSum: f64 = 0;
  for (let b = first; b < first + count; b++) {
    const start = b * batchSize;
    if (start >= rows) break;
    const n = min(batchSize, rows - start);
    const loss = net_train_batch(net, x, y, order + (<usize>start << 2), n);
    if (!isFinite(loss)) {
      store<i32>(net + DIVERGED, b);
      return loss;
    }
    lossSum += loss * <f64>n;
  }
  return lossSum;
}

/** The batch at which the last net_train_batches call stopped on a non-finite loss, or -1. */
export function net_diverged_batch(net: usize): i32 {
  return load<i32>(net + DIVERGED);
}

export function net_free(net: usize): void {
  free(load<usize>(net + PARAMS));
  free(load<usize>(net + GRADS));
  free(load<usize>(net + NEXT_PARAMS));
  free(load<usize>(net + SLOTS));
  free(load<usize>(net + NEXT_SLOTS));
  free(load<usize>(net + ACTIVATIONS));
  free(net);
}
