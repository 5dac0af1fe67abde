// Test helpers: the float64 reference of src/reference.ts under the names the tests use, plain
// matrix helpers, finite differences and seeded test data.
import { getLoss } from '../src/losses.js';
import { ACTIVATIONS, activate, lossValue as referenceLoss, outputLoss, softmaxRows } from '../src/reference.js';
import { Dense } from '../src/layers/dense.js';
import { getActivation } from '../src/activations.js';

export { activate, softmaxRows };
export const activationFns = ACTIVATIONS;

/** Mean-over-batch loss by name on probabilities (values), float64. */
export function lossValue(name: string, pred: ArrayLike<number>, label: ArrayLike<number>, rows: number, cols: number): number {
  return referenceLoss(getLoss(name, 'test'), pred, label, rows, cols);
}

/** C = A·B for row-major A [m×k], B [k×n], f64. */
export function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
    c[i * n + j] = s;
  }
  return c;
}

export function transpose(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
  return t;
}

export interface RefLayer { units: number; activation: string; alpha?: number }

/**
 * Loss of a dense stack with weights [W0, b0, W1, b1, ...], float64 from end to end: each layer's
 * own reference forward pass (src/layers/dense.ts), then the loss as the core reads it.
 */
export function denseStackLoss(weights: Float64Array[], layers: RefLayer[], x: ArrayLike<number>, y: ArrayLike<number>, rows: number, inputs: number, loss: string): number {
  let a = Float64Array.from(x), logits: Float64Array | undefined, width = inputs;
  layers.forEach((l, i) => {
    const activation = l.alpha === undefined ? getActivation(l.activation as never, 'test') : { ...getActivation(l.activation as never, 'test'), alpha: l.alpha };
    ({ output: a, logits } = new Dense({ units: l.units, activation }).reference(a, rows, [width], weights.slice(2 * i, 2 * i + 2)));
    width = l.units;
  });
  return outputLoss(getLoss(loss, 'test'), a, logits, layers[layers.length - 1].activation, y, rows, width);
}

/** Central finite differences of f with respect to each entry of params, in f64. */
export function numericGradient(params: Float64Array, f: () => number, h = 1e-6): Float64Array {
  const g = new Float64Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const keep = params[i];
    params[i] = keep + h; const up = f();
    params[i] = keep - h; const down = f();
    params[i] = keep;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** Largest |a − b| / max(|a|, |b|, floor) over the arrays. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(a[i]), Math.abs(b[i]), floor));
  }
  return worst;
}

/** Deterministic pseudo-random numbers for test data (mulberry32). */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomArray(n: number, rand: () => number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
}
