// An independent float64 implementation of the forward pass and the losses: plain loops and
// textbook formulas, sharing no code with the Wasm kernels. gradientCheck() differentiates it
// numerically to check the kernels' backpropagation, so it must stay simple enough to trust.
import type { Activation } from './activations.js';
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

export interface ReferenceLayer {
  kind: 'dense' | 'dropout';
  units: number;
  activation?: Activation;
  useBias?: boolean;
  kernelL1?: number;
  kernelL2?: number;
  biasL1?: number;
  biasL2?: number;
}

/**
 * Loss of a layer stack with weights [kernel0, bias0, ...] on x, y, plus regularizer penalties:
 * the whole forward pass in float64, dropout inactive.
 */
export function stackLoss(
  layers: ReferenceLayer[], weights: ArrayLike<number>[], loss: Loss,
  x: ArrayLike<number>, y: ArrayLike<number>, rows: number, inputs: number,
): number {
  let a: ArrayLike<number> = x, z: ArrayLike<number> = x;
  let width = inputs, w = 0, penalty = 0;
  for (const layer of layers) {
    if (layer.kind === 'dropout') continue;
    const kernel = weights[w++];
    const bias = layer.useBias ? weights[w++] : undefined;
    const out = new Float64Array(rows * layer.units);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < layer.units; j++) {
        let s = bias ? bias[j] : 0;
        for (let i = 0; i < width; i++) s += a[r * width + i] * kernel[i * layer.units + j];
        out[r * layer.units + j] = s;
      }
    }
    penalty += regularization(kernel, layer.kernelL1 ?? 0, layer.kernelL2 ?? 0);
    if (bias) penalty += regularization(bias, layer.biasL1 ?? 0, layer.biasL2 ?? 0);
    z = out;
    a = activate(layer.activation!.name, out, rows, layer.units, layer.activation!.alpha);
    width = layer.units;
  }
  const last = layers.filter((l) => l.kind === 'dense').at(-1)!.activation!.name;
  const cross = loss.name === 'binaryCrossentropy' ? 'sigmoid' : loss.name.endsWith('ategoricalCrossentropy') ? 'softmax' : '';
  // The losses the Wasm core computes from logits: fromLogits, or a matching final activation.
  if (loss.fromLogits && cross) return lossValue(loss, a, y, rows, width, true) + penalty;
  if (cross && last === cross) return lossValue(loss, z, y, rows, width, true) + penalty;
  return lossValue(loss, a, y, rows, width) + penalty;
}

function regularization(w: ArrayLike<number>, l1: number, l2: number): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += l1 * Math.abs(w[i]) + l2 * w[i] * w[i];
  return s;
}
