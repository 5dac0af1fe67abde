// Loss value and gradient over a batch, row-major [rows × cols]. The value is the Keras batch
// reduction (mean over rows of the per-row loss); `grad` (skipped when 0) receives dLoss/dInput
// for that mean, so the backward pass needs no further scaling.
import { sigmoid } from "./activations";

export const MEAN_SQUARED_ERROR = 0;
export const BINARY_CROSSENTROPY = 1;
export const CATEGORICAL_CROSSENTROPY = 2;

// TensorFlow.js clips probabilities to [EPSILON, 1 - EPSILON] before taking logs.
const EPSILON: f32 = 1e-7;

/** Loss of probabilities / values `pred` against `label`; returns the mean loss. */
export function loss_forward_backward(grad: usize, pred: usize, label: usize, rows: i32, cols: i32, loss: i32): f64 {
  const n = <usize>rows * <usize>cols;
  let total: f64 = 0;
  if (loss == CATEGORICAL_CROSSENTROPY) {
    // Per row: p is normalized to sum 1 and clipped, as TF.js does; loss = −Σ y·log p.
    const inv: f32 = 1 / <f32>rows;
    for (let r = 0; r < rows; r++) {
      const row = <usize>r * <usize>cols << 2;
      let psum: f32 = 0, ysum: f32 = 0;
      for (let c = 0; c < cols; c++) {
        psum += load<f32>(pred + row + (<usize>c << 2));
        ysum += load<f32>(label + row + (<usize>c << 2));
      }
      for (let c = 0; c < cols; c++) {
        const o = row + (<usize>c << 2);
        const p = load<f32>(pred + o) / psum, y = load<f32>(label + o);
        const pc = min(max(p, EPSILON), 1 - EPSILON);
        total -= <f64>y * Math.log(<f64>pc);
        // d/dp_j of −Σ y_i log(p_i / Σp) = −y_j / p_j + Σy / Σp (zero slope where clipped).
        if (grad != 0) {
          const inRange = p > EPSILON && p < 1 - EPSILON;
          store<f32>(grad + o, inv * ((inRange ? -y / load<f32>(pred + o) : 0) + ysum / psum));
        }
      }
    }
    return total / <f64>rows;
  }
  const inv: f32 = 1 / <f32>n;
  for (let i: usize = 0; i < n; i++) {
    const o = i << 2;
    const p = load<f32>(pred + o), y = load<f32>(label + o);
    let g: f32 = 0;
    if (loss == BINARY_CROSSENTROPY) {
      const pc = min(max(p, EPSILON), 1 - EPSILON);
      total -= <f64>y * Math.log(<f64>pc) + <f64>(1 - y) * Math.log(<f64>(1 - pc));
      if (p > EPSILON && p < 1 - EPSILON) g = (p - y) / (p * (1 - p));
    } else {
      const d = p - y;
      total += <f64>d * <f64>d;
      g = 2 * d;
    }
    if (grad != 0) store<f32>(grad + o, g * inv);
  }
  // Mean over the last axis, then over rows: the mean over all elements.
  return total / <f64>n;
}

/**
 * The same losses computed from logits z, fused with the activation that would turn them into
 * probabilities (sigmoid for binary, softmax for categorical cross-entropy). Stable for any z,
 * and `grad` receives dLoss/dz directly: (σ(z) − y) and (softmax(z)·Σy − y), over the batch.
 */
export function loss_from_logits(grad: usize, logits: usize, label: usize, rows: i32, cols: i32, loss: i32): f64 {
  let total: f64 = 0;
  if (loss == CATEGORICAL_CROSSENTROPY) {
    const inv: f32 = 1 / <f32>rows;
    for (let r = 0; r < rows; r++) {
      const row = <usize>r * <usize>cols << 2;
      let m = -Infinity as f32;
      for (let c = 0; c < cols; c++) m = max(m, load<f32>(logits + row + (<usize>c << 2)));
      let sumExp: f64 = 0, ysum: f64 = 0, yz: f64 = 0;
      for (let c = 0; c < cols; c++) {
        const o = row + (<usize>c << 2);
        const zc = load<f32>(logits + o) - m, y = load<f32>(label + o);
        sumExp += Math.exp(<f64>zc);
        ysum += y;
        yz += <f64>y * <f64>zc;
      }
      const logSum = Math.log(sumExp);
      total += ysum * logSum - yz;
      if (grad != 0) {
        for (let c = 0; c < cols; c++) {
          const o = row + (<usize>c << 2);
          const p = Math.exp(<f64>(load<f32>(logits + o) - m) - logSum);
          store<f32>(grad + o, inv * <f32>(p * ysum - <f64>load<f32>(label + o)));
        }
      }
    }
    return total / <f64>rows;
  }
  // Binary: max(z,0) − z·y + log(1 + e^−|z|).
  const n = <usize>rows * <usize>cols;
  const inv: f32 = 1 / <f32>n;
  for (let i: usize = 0; i < n; i++) {
    const o = i << 2;
    const z = load<f32>(logits + o), y = load<f32>(label + o);
    total += <f64>max(z, 0) - <f64>z * <f64>y + Math.log1p(Math.exp(-Math.abs(<f64>z)));
    if (grad != 0) store<f32>(grad + o, inv * (sigmoid(z) - y));
  }
  return total / <f64>n;
}
