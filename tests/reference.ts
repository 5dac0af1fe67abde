// Independent float64 references for the kernels under test, written plainly for reading.
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

/** Φ(z) from erf/erfc in f64: Taylor series near 0, continued fraction in the tails. */
function normalCdf(z: number): number {
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

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const softplus = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));

/** Element-wise activations by name, f64. */
export const activationFns: Record<string, (z: number, alpha: number) => number> = {
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
  const f = activationFns[name];
  return Float64Array.from(z as ArrayLike<number>, (v) => f(v, alpha));
}

const EPS = 1e-7;
const clip = (p: number) => Math.min(Math.max(p, EPS), 1 - EPS);

/** Mean-over-batch losses on probabilities, as Keras/TF.js define them, f64. */
export function lossValue(name: string, pred: ArrayLike<number>, label: ArrayLike<number>, rows: number, cols: number): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let rowLoss = 0;
    if (name === 'categoricalCrossentropy') {
      let s = 0;
      for (let c = 0; c < cols; c++) s += pred[r * cols + c];
      for (let c = 0; c < cols; c++) rowLoss -= label[r * cols + c] * Math.log(clip(pred[r * cols + c] / s));
    } else {
      for (let c = 0; c < cols; c++) {
        const p = pred[r * cols + c], y = label[r * cols + c];
        rowLoss += name === 'meanSquaredError' ? (p - y) ** 2 : -(y * Math.log(clip(p)) + (1 - y) * Math.log(1 - clip(p)));
      }
      rowLoss /= cols;
    }
    total += rowLoss;
  }
  return total / rows;
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

/** Loss of a dense stack with weights [W0, b0, W1, b1, ...], f64 from end to end. */
export function denseStackLoss(weights: ArrayLike<number>[], layers: RefLayer[], x: ArrayLike<number>, y: ArrayLike<number>, rows: number, inputs: number, loss: string): number {
  let a: ArrayLike<number> = x;
  let width = inputs;
  layers.forEach((layer, i) => {
    const z = matmul(a, weights[2 * i], rows, layer.units, width);
    for (let r = 0; r < rows; r++) for (let c = 0; c < layer.units; c++) z[r * layer.units + c] += weights[2 * i + 1][c];
    a = activate(layer.activation, z, rows, layer.units, layer.alpha ?? 0);
    width = layer.units;
  });
  return lossValue(loss, a, y, rows, width);
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
