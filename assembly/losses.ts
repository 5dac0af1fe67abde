// Loss value and gradient over a batch of predictions `pred` [rows × cols] and labels `label`
// ([rows × cols], or [rows × 1] class indices for the sparse loss). The value is the Keras batch
// reduction: the mean over rows of each row's loss, where element-wise losses (squared, absolute,
// huber, logcosh, hinge, binary cross-entropy) average over the row and distribution losses
// (categorical cross-entropies, KL divergence) sum over it. `grad` (skipped when 0) receives
// dLoss/dPred for that mean, so the backward pass needs no further scaling. Formulas follow
// TensorFlow.js; where it differs from Keras the comment says so.
//
// Sample weights (classWeight / sampleWeight): `weights` (0: none) holds one f32 per example, and
// loss row r belongs to example r / groups. Each row's loss and gradient are multiplied by its
// example's weight and the batch value stays the mean over the rows (Keras's and TF.js's sum over
// the batch size, not over the weights). Without weights every factor is exactly 1, so the results
// keep their bits.
import { finiteF32, sigmoid, softplus } from "./activations";

export const MEAN_SQUARED_ERROR = 0;
export const BINARY_CROSSENTROPY = 1;
export const CATEGORICAL_CROSSENTROPY = 2;
export const MEAN_ABSOLUTE_ERROR = 3;
export const HUBER = 4;
export const LOG_COSH = 5;
export const SPARSE_CATEGORICAL_CROSSENTROPY = 6;
export const HINGE = 7;
export const KULLBACK_LEIBLER_DIVERGENCE = 8;

// TensorFlow.js clips probabilities to [EPSILON, 1 − EPSILON] before taking logs.
const EPSILON: f32 = 1e-7;
const LN2: f64 = 0.6931471805599453;

// @ts-ignore: decorator
@inline function clip(p: f32): f32 {
  return min(max(p, EPSILON), 1 - EPSILON);
}

/**
 * Class index of a sparse label, clamped into [0, cols) so a bad label can never read outside
 * the row (the TypeScript side rejects bad labels before they get here).
 */
// @ts-ignore: decorator
@inline function classOf(label: usize, row: i32, cols: i32): i32 {
  return min(max(<i32>load<f32>(label + (<usize>row << 2)), 0), cols - 1);
}

/**
 * Target probability of class c in a row, after label smoothing (y·(1−s) + s/cols), for the
 * categorical losses; sparse labels become one-hot rows first.
 */
// @ts-ignore: decorator
@inline function target(label: usize, row: i32, c: i32, cols: i32, sparse: bool, smoothing: f32): f32 {
  const y: f32 = sparse ? (classOf(label, row, cols) == c ? 1 : 0) : load<f32>(label + ((<usize>row * <usize>cols + <usize>c) << 2));
  return smoothing > 0 ? y * (1 - smoothing) + smoothing / <f32>cols : y;
}

/** The weight of loss row `row`: its example's (row / groups), or 1 without weights. */
// @ts-ignore: decorator
@inline function weightOf(weights: usize, row: i32, groups: i32): f32 {
  return weights == 0 ? 1 : load<f32>(weights + (<usize>(row / groups) << 2));
}

/**
 * Loss of probabilities or values `pred` against `label`; returns the mean loss. `param` is the
 * huber delta, or the label smoothing of the cross-entropies. `weights`, `groups`: see the top.
 */
export function loss_forward_backward(grad: usize, pred: usize, label: usize, rows: i32, cols: i32, loss: i32, param: f32, weights: usize, groups: i32): f64 {
  if (loss == CATEGORICAL_CROSSENTROPY || loss == SPARSE_CATEGORICAL_CROSSENTROPY || loss == KULLBACK_LEIBLER_DIVERGENCE) {
    return distributionLoss(grad, pred, label, rows, cols, loss, param, weights, groups);
  }
  const n = <usize>rows * <usize>cols;
  const inv: f32 = 1 / <f32>n;
  let total: f64 = 0;
  // Row by row (the same order as one pass over n), for the row's weight.
  for (let r = 0; r < rows; r++) {
    const w = weightOf(weights, r, groups), wInv: f32 = w * inv;
    for (let i: usize = <usize>r * <usize>cols, end = i + <usize>cols; i < end; i++) {
      const o = i << 2;
      const p = load<f32>(pred + o);
      let y = load<f32>(label + o);
      let g: f32 = 0;
      const d = p - y;
      switch (loss) {
        case BINARY_CROSSENTROPY: {
          // Keras label smoothing: y·(1−s) + s/2.
          if (param > 0) y = y * (1 - param) + 0.5 * param;
          const pc = clip(p);
          total -= <f64>w * (<f64>y * Math.log(<f64>pc) + <f64>(1 - y) * Math.log(<f64>(1 - pc)));
          // Zero slope where the probability was clipped, as TF.js's clipByValue gradient.
          if (p > EPSILON && p < 1 - EPSILON) g = (p - y) / (p * (1 - p));
          break;
        }
        case MEAN_ABSOLUTE_ERROR: {
          total += <f64>w * Math.abs(<f64>d);
          g = d > 0 ? 1 : d < 0 ? -1 : 0;
          break;
        }
        case HUBER: {
          // 0.5·d² inside ±delta, linear outside (Keras Huber; TF.js layers has no huber).
          const ad = Mathf.abs(d);
          if (ad <= param) {
            total += <f64>w * (0.5 * <f64>d * <f64>d);
            g = d;
          } else {
            total += <f64>w * (<f64>param * (<f64>ad - 0.5 * <f64>param));
            g = d > 0 ? param : -param;
          }
          break;
        }
        case LOG_COSH: {
          // log(cosh d) = |d| + softplus(−2|d|) − log 2: stable for any d, and ∞ (not ∞ − ∞) at d = ±∞.
          const ad = Mathf.abs(d);
          total += <f64>w * (<f64>ad + <f64>softplus(-2 * ad) - LN2);
          g = Mathf.tanh(d);
          break;
        }
        case HINGE: {
          // max(0, 1 − y·p). TF.js takes labels as given; Keras would first map 0/1 labels to −1/1.
          const margin: f32 = 1 - y * p;
          if (margin > 0) {
            total += <f64>w * <f64>margin;
            g = -y;
          }
          break;
        }
        default: {
          total += <f64>w * (<f64>d * <f64>d);
          g = 2 * d;
        }
      }
      if (grad != 0) store<f32>(grad + o, g * wInv);
    }
  }
  return total / <f64>n;
}

/** Categorical and sparse categorical cross-entropy on probabilities, and KL divergence. */
function distributionLoss(grad: usize, pred: usize, label: usize, rows: i32, cols: i32, loss: i32, smoothing: f32, weights: usize, groups: i32): f64 {
  const rowsInv: f32 = 1 / <f32>rows;
  const sparse = loss == SPARSE_CATEGORICAL_CROSSENTROPY;
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const row = pred + (<usize>r * <usize>cols << 2);
    const w = weightOf(weights, r, groups), inv: f32 = w * rowsInv;
    if (loss == KULLBACK_LEIBLER_DIVERGENCE) {
      // Σ y·log(clip(y) / clip(p)), clipping to [ε, 1] as TF.js does.
      for (let c = 0; c < cols; c++) {
        const o = <usize>c << 2;
        const p = load<f32>(row + o), y = load<f32>(label + ((<usize>r * <usize>cols) << 2) + o);
        const yc = min(max(y, EPSILON), 1), pc = min(max(p, EPSILON), 1);
        total += <f64>w * (<f64>y * Math.log(<f64>yc / <f64>pc));
        if (grad != 0) store<f32>(grad + (<usize>r * <usize>cols << 2) + o, p > EPSILON && p < 1 ? -y / p * inv : 0);
      }
      continue;
    }
    // p is normalized to sum 1 and clipped, as TF.js does; loss = −Σ y·log p.
    // Summed in f64, so finite outputs cannot overflow the sum.
    let psum: f64 = 0, ysum: f32 = 0;
    for (let c = 0; c < cols; c++) {
      psum += <f64>load<f32>(row + (<usize>c << 2));
      ysum += target(label, r, c, cols, sparse, smoothing);
    }
    // A row of all-zero outputs (dead relus, say) would divide 0 by 0: treat it as ε. A row that
    // overflowed to +∞ normalizes to its infinite entries (their limit), with no slope.
    psum = max(psum, <f64>EPSILON);
    const overflowed = psum == Infinity;
    for (let c = 0; c < cols; c++) {
      const o = <usize>c << 2;
      const raw = load<f32>(row + o);
      const p: f32 = overflowed ? (raw == Infinity ? 1 : 0) : <f32>(<f64>raw / psum), y = target(label, r, c, cols, sparse, smoothing);
      total -= <f64>w * (<f64>y * Math.log(<f64>clip(p)));
      // d/dp_j of −Σ y_i log(p_i / Σp) = −y_j / p_j + Σy / Σp (zero slope where clipped).
      if (grad != 0 && overflowed) {
        store<f32>(grad + (<usize>r * <usize>cols << 2) + o, 0);
      } else if (grad != 0) {
        const inRange = p > EPSILON && p < 1 - EPSILON;
        store<f32>(grad + (<usize>r * <usize>cols << 2) + o, inv * ((inRange ? -y / raw : 0) + <f32>(<f64>ysum / psum)));
      }
    }
  }
  return total / <f64>rows;
}

/**
 * The cross-entropies computed from logits z, fused with the activation that would turn them into
 * probabilities (sigmoid for binary, softmax for the categorical ones). Stable for any z, and
 * `grad` receives dLoss/dz directly: (σ(z) − y) and (softmax(z)·Σy − y), over the batch.
 * Exact where TF.js clips the probabilities at 1e-7 first.
 */
export function loss_from_logits(grad: usize, logits: usize, label: usize, rows: i32, cols: i32, loss: i32, smoothing: f32, weights: usize, groups: i32): f64 {
  let total: f64 = 0;
  if (loss == CATEGORICAL_CROSSENTROPY || loss == SPARSE_CATEGORICAL_CROSSENTROPY) {
    const sparse = loss == SPARSE_CATEGORICAL_CROSSENTROPY;
    const rowsInv = 1 / <f64>rows;
    for (let r = 0; r < rows; r++) {
      const row = logits + (<usize>r * <usize>cols << 2);
      const w = <f64>weightOf(weights, r, groups), inv = w * rowsInv;
      // Logits clamped to the finite range, so an overflowed row gives its limit, not ∞ − ∞.
      let m: f32 = -F32.MAX_VALUE;
      for (let c = 0; c < cols; c++) m = max(m, finiteF32(load<f32>(row + (<usize>c << 2))));
      let sumExp: f64 = 0, ysum: f64 = 0, yz: f64 = 0;
      for (let c = 0; c < cols; c++) {
        const zc = <f64>finiteF32(load<f32>(row + (<usize>c << 2))) - <f64>m, y = <f64>target(label, r, c, cols, sparse, smoothing);
        sumExp += Math.exp(zc);
        ysum += y;
        yz += y * zc;
      }
      const logSum = Math.log(sumExp);
      total += w * (ysum * logSum - yz);
      if (grad != 0) {
        for (let c = 0; c < cols; c++) {
          const o = <usize>c << 2;
          const p = Math.exp(<f64>finiteF32(load<f32>(row + o)) - <f64>m - logSum);
          store<f32>(grad + (<usize>r * <usize>cols << 2) + o, <f32>(inv * (p * ysum - <f64>target(label, r, c, cols, sparse, smoothing))));
        }
      }
    }
    return total / <f64>rows;
  }
  // Binary: max(z,0) − z·y + log(1 + e^−|z|).
  const n = <usize>rows * <usize>cols;
  const nInv: f32 = 1 / <f32>n;
  for (let r = 0; r < rows; r++) {
    const w = weightOf(weights, r, groups), inv: f32 = w * nInv;
    for (let i: usize = <usize>r * <usize>cols, end = i + <usize>cols; i < end; i++) {
      const o = i << 2;
      // Clamped to the finite range, so an overflowed logit gives the limit, not ∞ − ∞.
      const z = finiteF32(load<f32>(logits + o));
      let y = load<f32>(label + o);
      if (smoothing > 0) y = y * (1 - smoothing) + 0.5 * smoothing;
      total += <f64>w * (<f64>max(z, 0) - <f64>z * <f64>y + Math.log1p(Math.exp(-Math.abs(<f64>z))));
      if (grad != 0) store<f32>(grad + o, inv * (sigmoid(z) - y));
    }
  }
  return total / <f64>n;
}

/**
 * Weight penalty of a regularizer, l1·Σ|w| + l2·Σw², added to the loss; its gradient
 * l1·sign(w) + 2·l2·w is added to `grad` (skipped when 0). Returns the penalty.
 */
export function penalty_forward_backward(grad: usize, w: usize, n: i32, l1: f32, l2: f32): f64 {
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(w + o);
    total += <f64>l1 * Math.abs(<f64>v) + <f64>l2 * <f64>v * <f64>v;
    if (grad == 0) continue;
    const sign: f32 = v > 0 ? 1 : v < 0 ? -1 : 0;
    store<f32>(grad + o, load<f32>(grad + o) + l1 * sign + 2 * l2 * v);
  }
  return total;
}
