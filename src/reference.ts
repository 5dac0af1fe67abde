// An independent float64 implementation of the forward pass and the losses: plain loops and
// textbook formulas, sharing no code with the Wasm kernels. gradientCheck() differentiates it
// numerically to check the kernels' backpropagation, so it must stay simple enough to trust.
import type { Loss } from './losses.js';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const EPSILON = 1e-7;

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const softplus = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));

/** Φ(z), the standard normal CDF: Taylor series of erf near 0, continued fraction of erfc beyond. */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  let erfc: number;
  if (x < 3) {
    let term = x, sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    erfc = 1 - (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    let frac = x;
    for (let k = 80; k >= 1; k--) frac = x + k / 2 / frac;
    erfc = Math.exp(-x * x) / Math.sqrt(Math.PI) / frac;
  }
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Element-wise activations by name. */
export const ACTIVATIONS: Record<string, (z: number, alpha: number) => number> = {
  linear: (z) => z,
  relu: (z) => Math.max(z, 0),
  sigmoid,
  tanh: Math.tanh,
  relu6: (z) => Math.min(Math.max(z, 0), 6),
  leakyRelu: (z, a) => (z > 0 ? z : a * z),
  elu: (z, a) => (z > 0 ? z : a * (Math.exp(z) - 1)),
  selu: (z) => (z > 0 ? SELU_SCALE * z : SELU_SCALE * SELU_ALPHA * (Math.exp(z) - 1)),
  softplus,
  softsign: (z) => z / (1 + Math.abs(z)),
  hardSigmoid: (z) => Math.min(Math.max(0.2 * z + 0.5, 0), 1),
  swish: (z) => z * sigmoid(z),
  silu: (z) => z * sigmoid(z),
  gelu: (z) => z * normalCdf(z),
  mish: (z) => z * Math.tanh(softplus(z)),
};

export function softmaxRows(z: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let c = 0; c < cols; c++) m = Math.max(m, z[r * cols + c]);
    let s = 0;
    for (let c = 0; c < cols; c++) s += out[r * cols + c] = Math.exp(z[r * cols + c] - m);
    for (let c = 0; c < cols; c++) out[r * cols + c] /= s;
  }
  return out;
}

export function activate(name: string, z: ArrayLike<number>, rows: number, cols: number, alpha = 0): Float64Array {
  if (name === 'softmax') return softmaxRows(z, rows, cols);
  const f = ACTIVATIONS[name];
  return Float64Array.from(z as ArrayLike<number>, (v) => f(v, alpha));
}

const clip = (p: number) => Math.min(Math.max(p, EPSILON), 1 - EPSILON);

/** Target of class c in row r: one-hot for sparse labels, smoothed towards uniform if asked. */
function target(labels: ArrayLike<number>, r: number, c: number, cols: number, loss: Loss): number {
  const y = loss.sparse ? (labels[r] === c ? 1 : 0) : labels[r * cols + c];
  return loss.param > 0 && loss.name !== 'huber' ? y * (1 - loss.param) + loss.param / cols : y;
}

/**
 * Mean-over-batch loss of `pred` against `labels`, as Keras and TF.js define each loss. With
 * `logits`, pred holds the pre-activation values of a sigmoid/softmax output (or a fromLogits
 * model's output) and the cross-entropies are taken from them exactly, without clipping.
 */
export function lossValue(loss: Loss, pred: ArrayLike<number>, labels: ArrayLike<number>, rows: number, cols: number, logits = false): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: cols }, (_, c) => pred[r * cols + c]);
    let rowLoss = 0;
    switch (loss.name) {
      case 'categoricalCrossentropy':
      case 'sparseCategoricalCrossentropy': {
        const p = logits ? softmaxRows(row, 1, cols) : row.map((v) => v / row.reduce((a, b) => a + b, 0));
        for (let c = 0; c < cols; c++) {
          const y = target(labels, r, c, cols, loss);
          rowLoss -= y * (logits ? Math.log(p[c]) : Math.log(clip(p[c])));
        }
        break;
      }
      case 'kullbackLeiblerDivergence':
        for (let c = 0; c < cols; c++) {
          const y = labels[r * cols + c];
          rowLoss += y * Math.log(Math.min(Math.max(y, EPSILON), 1) / Math.min(Math.max(row[c], EPSILON), 1));
        }
        break;
      default:
        for (let c = 0; c < cols; c++) rowLoss += elementLoss(loss, row[c], labels[r * cols + c], logits);
        rowLoss /= cols;
    }
    total += rowLoss;
  }
  return total / rows;
}

function elementLoss(loss: Loss, p: number, y: number, logits: boolean): number {
  const d = p - y;
  switch (loss.name) {
    case 'binaryCrossentropy': {
      const t = loss.param > 0 ? y * (1 - loss.param) + 0.5 * loss.param : y;
      if (logits) return Math.max(p, 0) - p * t + Math.log1p(Math.exp(-Math.abs(p)));
      return -(t * Math.log(clip(p)) + (1 - t) * Math.log(1 - clip(p)));
    }
    case 'meanAbsoluteError': return Math.abs(d);
    case 'huber': return Math.abs(d) <= loss.param ? 0.5 * d * d : loss.param * (Math.abs(d) - 0.5 * loss.param);
    case 'logcosh': return Math.log(Math.cosh(d));
    case 'hinge': return Math.max(0, 1 - y * p);
    default: return d * d;
  }
}

/**
 * The loss of a network's output (rows of the last axis, `cols` wide) against labels y, read as the
 * Wasm core reads it: from the logits of a sigmoid/softmax last layer under its cross-entropy, or
 * of a fromLogits model; otherwise from the output itself.
 */
export function outputLoss(
  loss: Loss, output: ArrayLike<number>, logits: ArrayLike<number> | undefined, activation: string | undefined,
  y: ArrayLike<number>, rows: number, cols: number,
): number {
  const cross = loss.name === 'binaryCrossentropy' ? 'sigmoid' : loss.name.endsWith('ategoricalCrossentropy') ? 'softmax' : '';
  if (loss.fromLogits && cross) return lossValue(loss, output, y, rows, cols, true);
  if (cross && logits && activation === cross) return lossValue(loss, logits, y, rows, cols, true);
  return lossValue(loss, output, y, rows, cols);
}
