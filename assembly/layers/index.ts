// The Wasm side's layer registry: each kind's forward and backward pass, chosen by the record's
// kind. Adding a layer adds its file beside this one, a kind in layer.ts and a case here.
import {
  Layer, DENSE, DROPOUT, BATCH_NORMALIZATION, RESHAPE, ZERO_PADDING2D, UP_SAMPLING2D,
  MAX_POOLING, AVERAGE_POOLING, GLOBAL_MAX_POOLING, GLOBAL_AVERAGE_POOLING, CONV1D, CONV2D,
  DEPTHWISE_CONV2D, EMBEDDING, SEPARABLE_CONV2D, SIMPLE_RNN, GRU, LSTM, REPEAT_VECTOR, LAYER_NORMALIZATION, MASKING, BIDIRECTIONAL, MERGE, CONCATENATE, DOT,
} from "./layer";
import { RESCALING, NORMALIZATION, CATEGORY_ENCODING } from "./layer";
import { rescaling_forward, rescaling_backward } from "./rescaling";
import { normalization_forward, normalization_backward } from "./normalization";
import { category_encoding_forward } from "./category_encoding";
import { dense_forward, dense_forward_packed, dense_backward } from "./dense";
import { dropout_forward, dropout_backward, dropout_mask } from "./dropout";
import { batch_normalization_forward, batch_normalization_backward } from "./batch_normalization";
import { layer_normalization_forward, layer_normalization_backward } from "./layer_normalization";
import { reshape_forward, reshape_backward } from "./reshape";
import { repeat_vector_forward, repeat_vector_backward } from "./repeat_vector";
import { zero_padding2d_forward, zero_padding2d_backward } from "./zero_padding2d";
import { up_sampling2d_forward, up_sampling2d_backward } from "./up_sampling2d";
import { max_pooling_forward, max_pooling_backward, average_pooling_forward, average_pooling_backward } from "./pooling";
import { conv2d_forward, conv2d_backward, geometry } from "./conv2d";
import { depthwise_conv2d_forward, depthwise_conv2d_backward } from "./depthwise_conv2d";
import { embedding_forward, embedding_backward, embedding_mask } from "./embedding";
import { masking_forward, masking_backward } from "./masking";
import { merge_forward, merge_backward, concatenate_forward, concatenate_backward, dot_forward, dot_backward } from "./merge";
import { separable_conv2d_forward, separable_conv2d_backward } from "./separable_conv2d";

// separableConv2d's pointwise kernel follows its depthwise one in the record's kernel (and gradient).
// @ts-ignore: decorator
@inline function pointwiseOffset(l: Layer): usize {
  return <usize>(l.windowHeight * l.windowWidth * l.inFeatures * l.multiplier) << 2;
}
import { simple_rnn_forward, simple_rnn_backward } from "./simple_rnn";
import { gru_forward, gru_backward } from "./gru";
import { lstm_forward, lstm_backward } from "./lstm";
import { bidirectional_merge_forward, bidirectional_merge_backward, run_units } from "./bidirectional";
import { recurrent_saved_size, recurrent_dropout_inputs, recurrent_dropout_inputs_backward } from "../recurrent";

// A recurrent run's buffers in its `saved` for `rows` examples, after the kernel's own values: under
// dropout x ⊙ m (part 0: steps × inputs) and m (part 1: inputs), under recurrent dropout its mask
// (part 2: units); part 3 is the end.
function runPart(l: Layer, kind: i32, units: i32, rows: i32, saved: usize, part: i32): usize {
  const steps = l.inHeight, inputs = l.inFeatures, inputDropout = l.rate > 0, recurrentDropout = l.recurrentRate > 0;
  let at = recurrent_saved_size(kind, steps, units, recurrentDropout);
  if (part > 0 && inputDropout) at += steps * inputs;
  if (part > 1 && inputDropout) at += inputs;
  if (part > 2 && recurrentDropout) at += units;
  return saved + (<usize>at * <usize>rows << 2);
}

/** Values per example a recurrent run of `kind` saves, its dropout's included. */
export function recurrent_run_saved_size(l: Layer, kind: i32, units: i32): i32 {
  return <i32>(runPart(l, kind, units, 1, 0, 3) >> 2);
}

// A recurrent layer's run (of `kind`, `units` wide; the record gives the rest), into `out` with its
// saved values at `saved`: the layer itself, or one direction of a bidirectional. In training, its
// dropout masks are drawn here: the inputs' (applied to every step of x) and the state's. Without
// `keep` (always set in training; unset for inference that no backward pass follows) the kernel
// keeps only its current step.
function recurrent_forward(
  l: Layer, kind: i32, out: usize, saved: usize, x: usize, kernel: usize, bias: usize,
  units: i32, rows: i32, backwards: bool, training: bool, keep: bool, rng: usize,
): void {
  const steps = l.inHeight, inputs = l.inFeatures, sequences = l.groups > 1;
  let input = x, recurrentMask: usize = 0;
  if (training && l.rate > 0) {
    const dropped = runPart(l, kind, units, rows, saved, 0), mask = runPart(l, kind, units, rows, saved, 1);
    dropout_mask(mask, rows * inputs, l.rate, rng);
    recurrent_dropout_inputs(dropped, x, mask, rows, steps, inputs);
    input = dropped;
  }
  if (training && l.recurrentRate > 0) {
    recurrentMask = runPart(l, kind, units, rows, saved, 2);
    dropout_mask(recurrentMask, rows * units, l.recurrentRate, rng);
  }
  if (kind == SIMPLE_RNN) {
    simple_rnn_forward(out, saved, input, l.mask, recurrentMask, kernel, bias, rows, steps, inputs, units, sequences, backwards, keep, l.activation, l.alpha);
  } else if (kind == GRU) {
    gru_forward(out, saved, input, l.mask, recurrentMask, kernel, bias, rows, steps, inputs, units, sequences, backwards, keep, l.activation, l.alpha, l.recurrentActivation, l.recurrentAlpha);
  } else {
    lstm_forward(out, saved, input, l.mask, recurrentMask, kernel, bias, rows, steps, inputs, units, sequences, backwards, keep, l.activation, l.alpha, l.recurrentActivation, l.recurrentAlpha);
  }
}

// Its backward pass from dOut; weight gradients added to what is there with the record's
// accumulateParams. Under dropout the kernel sees x ⊙ m and gives dLoss/d(x ⊙ m), in the same buffer
// (it reads x for dW before it writes dX), which ⊙ m makes dLoss/dx.
function recurrent_backward(
  l: Layer, kind: i32, inputGrad: usize, kernelGrad: usize, biasGrad: usize, dOut: usize, saved: usize, x: usize, kernel: usize,
  units: i32, rows: i32, backwards: bool, accumulateInput: bool, training: bool,
): void {
  const steps = l.inHeight, inputs = l.inFeatures, sequences = l.groups > 1, accumulateParams = l.accumulateParams != 0;
  const inputDropout = training && l.rate > 0;
  const dropped = runPart(l, kind, units, rows, saved, 0);
  const input = inputDropout ? dropped : x, dInput = inputDropout && inputGrad ? dropped : inputGrad;
  const accumulate = inputDropout ? false : accumulateInput;
  const recurrentMask = training && l.recurrentRate > 0 ? runPart(l, kind, units, rows, saved, 2) : 0;
  if (kind == SIMPLE_RNN) {
    simple_rnn_backward(
      dInput, kernelGrad, biasGrad, dOut, saved, l.scratch, input, l.mask, recurrentMask, kernel,
      rows, steps, inputs, units, sequences, backwards, l.activation, l.alpha, accumulateParams, accumulate,
    );
  } else if (kind == GRU) {
    gru_backward(
      dInput, kernelGrad, biasGrad, dOut, saved, l.scratch, input, l.mask, recurrentMask, kernel,
      rows, steps, inputs, units, sequences, backwards, l.activation, l.alpha, l.recurrentActivation, l.recurrentAlpha, accumulateParams, accumulate,
    );
  } else {
    lstm_backward(
      dInput, kernelGrad, biasGrad, dOut, saved, l.scratch, input, l.mask, recurrentMask, kernel,
      rows, steps, inputs, units, sequences, backwards, l.activation, l.alpha, l.recurrentActivation, l.recurrentAlpha, accumulateParams, accumulate,
    );
  }
  if (inputDropout && inputGrad) {
    const mask = runPart(l, kind, units, rows, saved, 1);
    recurrent_dropout_inputs_backward(inputGrad, dropped, mask, rows, steps, inputs, accumulateInput);
  }
}

// A bidirectional's buffers for `rows` examples, after the forward run's saved values at l.saved:
// the backward run's saved values (part 0), then the runs' outputs f and b (parts 1 and 2) and
// their gradients df and db (parts 3 and 4).
function bidirectionalPart(l: Layer, rows: i32, part: i32): usize {
  const units = runUnits(l);
  const savedBytes = <usize>recurrent_run_saved_size(l, l.innerKind, units) * <usize>rows << 2;
  const outBytes = <usize>l.groups * <usize>units * <usize>rows << 2;
  return l.saved + savedBytes + (part == 0 ? 0 : savedBytes + <usize>(part - 1) * outBytes);
}

// @ts-ignore: decorator
@inline function runUnits(l: Layer): i32 {
  return run_units(l.mergeMode, l.outFeatures);
}

// Where the backward run's weights start after the forward run's (kernel, recurrent kernel, bias).
// @ts-ignore: decorator
@inline function directionBytes(l: Layer): usize {
  return <usize>(l.kernelSize + l.biasSize) << 2;
}

/**
 * Runs layer `l` forward on `rows` examples at `x` into its output buffer; `keep`: for a backward
 * pass after it (set in training). A merge layer reads its inputCount inputs through `inputs` (an
 * array of pointers) and, concatenating, their last axes' widths through `widths` (i32s). A dense
 * layer multiplies by its kernel as packed at `panels` when that is not 0 (the network's cache,
 * current: assembly/network.ts packedKernel), which gives the same bits as packing it here.
 */
export function layer_forward(l: Layer, x: usize, rows: i32, training: bool, keep: bool, rng: usize, inputs: usize, widths: usize, panels: usize): void {
  switch (l.kind) {
    case MERGE:
      merge_forward(l.output, inputs, l.inputCount, rows * l.outputSize, l.mergeMode);
      break;
    case CONCATENATE:
      concatenate_forward(l.output, inputs, widths, l.inputCount, rows, l.groups);
      break;
    case DOT:
      dot_forward(l.output, l.scratch, inputs, rows, l.dotRows, l.inFeatures, l.dotCols, l.dotFirstTransposed != 0, l.dotSecondTransposed != 0, l.mergeMode != 0);
      break;
    case DENSE:
      if (panels) dense_forward_packed(l.output, l.saved, x, l.kernel, panels, l.bias, rows * l.groups, l.inFeatures, l.outFeatures, l.activation, l.alpha);
      else dense_forward(l.output, l.saved, x, l.kernel, l.bias, rows * l.groups, l.inFeatures, l.outFeatures, l.activation, l.alpha);
      break;
    case DROPOUT: {
      // Inverted dropout scales in training, so inference passes the values through.
      const n = rows * l.outputSize;
      if (training && l.rate > 0) dropout_forward(l.output, l.saved, x, n, l.rate, rng);
      else memory.copy(l.output, x, <usize>n << 2);
      break;
    }
    case BATCH_NORMALIZATION: {
      // A frozen batchNormalization runs in inference mode, as in Keras: its statistics stay put.
      const channels = l.outFeatures, moving = l.params + (<usize>l.trainableSize << 2);
      batch_normalization_forward(
        l.output, l.saved, l.fixed, l.nextParams + (<usize>l.trainableSize << 2),
        x, l.kernel, l.bias, moving, rows * l.groups, channels, l.rate, l.epsilon, training && l.trainable != 0,
      );
      break;
    }
    case LAYER_NORMALIZATION: {
      // x̂ for every row, then each row's 1/√(σ² + ε) (per-example statistics: no training mode).
      const n = rows * l.groups;
      layer_normalization_forward(l.output, l.saved, l.saved + (<usize>n * <usize>l.outFeatures << 2), x, l.kernel, l.bias, n, l.outFeatures, l.epsilon);
      break;
    }
    case RESHAPE:
      reshape_forward(l.output, x, rows * l.outputSize);
      break;
    case REPEAT_VECTOR: // groups is n
      repeat_vector_forward(l.output, x, rows, l.groups, l.inFeatures);
      break;
    case ZERO_PADDING2D:
      zero_padding2d_forward(l.output, x, rows, l.inHeight, l.inWidth, l.inFeatures, l.padTop, l.padBottom, l.padLeft, l.padRight);
      break;
    case UP_SAMPLING2D:
      up_sampling2d_forward(l.output, x, rows, l.inHeight, l.inWidth, l.inFeatures, l.windowHeight, l.windowWidth);
      break;
    // Global pooling is pooling with the window the whole input (the record says so).
    case MAX_POOLING:
    case GLOBAL_MAX_POOLING:
      max_pooling_forward(
        l.output, l.saved, x, rows, l.inHeight, l.inWidth, l.inFeatures, l.outHeight, l.outWidth,
        l.windowHeight, l.windowWidth, l.strideHeight, l.strideWidth, l.padTop, l.padLeft,
      );
      break;
    case AVERAGE_POOLING:
    case GLOBAL_AVERAGE_POOLING:
      average_pooling_forward(
        l.output, x, rows, l.inHeight, l.inWidth, l.inFeatures, l.outHeight, l.outWidth,
        l.windowHeight, l.windowWidth, l.strideHeight, l.strideWidth, l.padTop, l.padLeft,
      );
      break;
    case CONV1D: // a conv2d of height 1
    case CONV2D:
      conv2d_forward(l.output, l.saved, l.scratch, x, l.kernel, l.bias, rows, geometry(l), l.activation, l.alpha);
      break;
    case DEPTHWISE_CONV2D:
      depthwise_conv2d_forward(l.output, l.saved, x, l.kernel, l.bias, rows, geometry(l), l.multiplier, l.activation, l.alpha);
      break;
    case SEPARABLE_CONV2D:
      separable_conv2d_forward(l.output, l.saved, x, l.kernel, l.kernel + pointwiseOffset(l), l.bias, rows, geometry(l), l.multiplier, l.activation, l.alpha);
      break;
    // The table is [inputDim × outputDim]: inputDim is kernelSize / outFeatures.
    case EMBEDDING:
      embedding_forward(l.output, x, l.kernel, rows * l.groups, l.kernelSize / l.outFeatures, l.outFeatures);
      if (l.maskZero) embedding_mask(l.saved, x, rows * l.groups);
      break;
    case MASKING: // the mask goes to saved, for the recurrent layers after
      masking_forward(l.output, l.saved, x, rows * l.groups, l.inFeatures, l.maskValue);
      break;
    // Recurrent layers: inHeight steps of inFeatures; groups is the steps out (1 unless returnSequences);
    // strideHeight −1 goes backwards; mask is the steps to skip (0: none).
    case SIMPLE_RNN:
    case GRU:
    case LSTM:
      recurrent_forward(l, l.kind, l.output, l.saved, x, l.kernel, l.bias, l.outFeatures, rows, l.strideHeight < 0, training, keep, rng);
      break;
    case RESCALING:
      rescaling_forward(l.output, x, rows * l.outputSize, l.scale, l.offset);
      break;
    case NORMALIZATION:
      normalization_forward(l.output, x, l.params, rows * l.groups, l.outFeatures);
      // Its statistics are state that never trains: the next buffer keeps them as they are.
      if (training) memory.copy(l.nextParams, l.params, <usize>l.paramSize << 2);
      break;
    case CATEGORY_ENCODING:
      category_encoding_forward(l.output, x, rows * l.groups, l.inFeatures, l.outFeatures, l.countTokens != 0);
      break;
    case BIDIRECTIONAL: {
      const units = runUnits(l), dir = directionBytes(l), backwards = l.strideHeight < 0;
      const f = bidirectionalPart(l, rows, 1), b = bidirectionalPart(l, rows, 2);
      recurrent_forward(l, l.innerKind, f, l.saved, x, l.kernel, l.bias, units, rows, backwards, training, keep, rng);
      recurrent_forward(l, l.innerKind, b, bidirectionalPart(l, rows, 0), x, l.kernel + dir, l.bias ? l.bias + dir : 0, units, rows, !backwards, training, keep, rng);
      bidirectional_merge_forward(l.output, f, b, rows, l.groups, units, l.mergeMode);
      break;
    }
  }
}

/**
 * Runs layer `l` backward from dLoss/dOutput (its outputGrad) after a forward pass on `x`: its
 * weights' gradients (when `weights`: not for a frozen layer in training) and dLoss/dInput into
 * `inputGrad` (unless 0); a merge layer writes each input's through `grads`, adding where
 * `accumulate` says (as layer_forward reads them). `fused`:
 * the loss already gave dLoss/dZ of this (last) layer.
 */
export function layer_backward(
  l: Layer, inputGrad: usize, x: usize, rows: i32, training: bool, fused: bool, weights: bool,
  inputs: usize, grads: usize, accumulate: usize, widths: usize,
): void {
  switch (l.kind) {
    case MERGE:
      merge_backward(grads, accumulate, l.outputGrad, inputs, l.inputCount, rows * l.outputSize, l.mergeMode);
      break;
    case CONCATENATE:
      concatenate_backward(grads, accumulate, l.outputGrad, widths, l.inputCount, rows, l.groups);
      break;
    case DOT:
      dot_backward(grads, accumulate, l.scratch, l.outputGrad, l.output, inputs, rows, l.dotRows, l.inFeatures, l.dotCols, l.dotFirstTransposed != 0, l.dotSecondTransposed != 0, l.mergeMode != 0);
      break;
    case DENSE:
      dense_backward(
        inputGrad, weights ? l.kernelGrad : 0, l.biasGrad, l.outputGrad,
        l.saved, l.output, x, l.kernel,
        rows * l.groups, l.inFeatures, l.outFeatures, l.activation, l.alpha, fused,
        l.accumulateParams != 0, l.accumulateInput != 0,
      );
      break;
    case DROPOUT: {
      if (!inputGrad) return;
      const n = rows * l.outputSize;
      dropout_backward(inputGrad, l.outputGrad, training && l.rate > 0 ? l.saved : 0, n, l.accumulateInput != 0);
      break;
    }
    case BATCH_NORMALIZATION:
      batch_normalization_backward(
        inputGrad, weights ? l.kernelGrad : 0, weights ? l.biasGrad : 0,
        l.outputGrad, l.saved, l.fixed, l.kernel,
        rows * l.groups, l.outFeatures, training && l.trainable != 0, l.accumulateParams != 0, l.accumulateInput != 0,
      );
      break;
    case LAYER_NORMALIZATION: {
      const n = rows * l.groups;
      layer_normalization_backward(
        inputGrad, weights ? l.kernelGrad : 0, weights ? l.biasGrad : 0,
        l.outputGrad, l.saved, l.saved + (<usize>n * <usize>l.outFeatures << 2), l.kernel,
        n, l.outFeatures, l.accumulateParams != 0, l.accumulateInput != 0,
      );
      break;
    }
    case RESHAPE:
      if (inputGrad) reshape_backward(inputGrad, l.outputGrad, rows * l.inputSize, l.accumulateInput != 0);
      break;
    case REPEAT_VECTOR:
      if (inputGrad) repeat_vector_backward(inputGrad, l.outputGrad, rows, l.groups, l.inFeatures, l.accumulateInput != 0);
      break;
    case ZERO_PADDING2D:
      if (inputGrad) {
        zero_padding2d_backward(
          inputGrad, l.outputGrad, rows, l.inHeight, l.inWidth, l.inFeatures,
          l.padTop, l.padBottom, l.padLeft, l.padRight, l.accumulateInput != 0,
        );
      }
      break;
    case UP_SAMPLING2D:
      if (inputGrad) {
        up_sampling2d_backward(
          inputGrad, l.outputGrad, rows, l.inHeight, l.inWidth, l.inFeatures,
          l.windowHeight, l.windowWidth, l.accumulateInput != 0,
        );
      }
      break;
    case MAX_POOLING:
    case GLOBAL_MAX_POOLING:
      if (inputGrad) max_pooling_backward(inputGrad, l.outputGrad, l.saved, rows, l.inputSize, l.outputSize, l.accumulateInput != 0);
      break;
    case AVERAGE_POOLING:
    case GLOBAL_AVERAGE_POOLING:
      if (inputGrad) {
        average_pooling_backward(
          inputGrad, l.outputGrad, rows, l.inHeight, l.inWidth, l.inFeatures, l.outHeight, l.outWidth,
          l.windowHeight, l.windowWidth, l.strideHeight, l.strideWidth, l.padTop, l.padLeft, l.accumulateInput != 0,
        );
      }
      break;
    case CONV1D:
    case CONV2D:
      conv2d_backward(
        inputGrad, weights ? l.kernelGrad : 0, l.biasGrad, l.outputGrad,
        l.saved, l.output, x, l.kernel, l.scratch,
        rows, geometry(l), l.activation, l.alpha, fused,
        l.accumulateParams != 0, l.accumulateInput != 0,
      );
      break;
    case DEPTHWISE_CONV2D:
      depthwise_conv2d_backward(
        inputGrad, weights ? l.kernelGrad : 0, l.biasGrad, l.outputGrad,
        l.saved, l.output, x, l.kernel,
        rows, geometry(l), l.multiplier, l.activation, l.alpha, fused,
        l.accumulateParams != 0, l.accumulateInput != 0,
      );
      break;
    // No input gradient: ids are not differentiable (the layer is first in the model).
    case EMBEDDING:
      if (weights && l.kernelGrad) {
        embedding_backward(l.kernelGrad, l.outputGrad, x, rows * l.groups, l.kernelSize / l.outFeatures, l.outFeatures, l.accumulateParams != 0);
      }
      break;
    case MASKING:
      if (inputGrad) masking_backward(inputGrad, l.outputGrad, l.saved, rows * l.groups, l.inFeatures, l.accumulateInput != 0);
      break;
    case SEPARABLE_CONV2D: {
      const kernelGrad = weights ? l.kernelGrad : 0;
      separable_conv2d_backward(
        inputGrad, kernelGrad, kernelGrad ? kernelGrad + pointwiseOffset(l) : 0, l.biasGrad, l.outputGrad,
        l.saved, l.output, x, l.kernel, l.kernel + pointwiseOffset(l), l.scratch,
        rows, geometry(l), l.multiplier, l.activation, l.alpha, fused,
        l.accumulateParams != 0, l.accumulateInput != 0,
      );
      break;
    }
    // Recurrent layers are never fused: net_set_loss fuses only layers that keep z as their output's.
    case SIMPLE_RNN:
    case GRU:
    case LSTM:
      recurrent_backward(
        l, l.kind, inputGrad, weights ? l.kernelGrad : 0, l.biasGrad, l.outputGrad, l.saved, x, l.kernel,
        l.outFeatures, rows, l.strideHeight < 0, l.accumulateInput != 0, training,
      );
      break;
    case RESCALING:
      if (inputGrad) rescaling_backward(inputGrad, l.outputGrad, rows * l.inputSize, l.scale, l.accumulateInput != 0);
      break;
    case NORMALIZATION:
      if (inputGrad) normalization_backward(inputGrad, l.outputGrad, l.params, rows * l.groups, l.outFeatures, l.accumulateInput != 0);
      break;
    // No input gradient: ids are not differentiable (the layer is first in the model).
    case CATEGORY_ENCODING:
      break;
    case BIDIRECTIONAL: {
      // The merge's chain rule splits dLoss/dy into the runs' gradients; both runs add into dX.
      const units = runUnits(l), dir = directionBytes(l), backwards = l.strideHeight < 0, kernelGrad = weights ? l.kernelGrad : 0;
      const df = bidirectionalPart(l, rows, 3), db = bidirectionalPart(l, rows, 4);
      bidirectional_merge_backward(df, db, l.outputGrad, bidirectionalPart(l, rows, 1), bidirectionalPart(l, rows, 2), rows, l.groups, units, l.mergeMode);
      recurrent_backward(l, l.innerKind, inputGrad, kernelGrad, l.biasGrad, df, l.saved, x, l.kernel, units, rows, backwards, l.accumulateInput != 0, training);
      recurrent_backward(
        l, l.innerKind, inputGrad, kernelGrad ? kernelGrad + dir : 0, l.biasGrad ? l.biasGrad + dir : 0, db, bidirectionalPart(l, rows, 0), x, l.kernel + dir,
        units, rows, !backwards, true, training,
      );
      break;
    }
  }
}
