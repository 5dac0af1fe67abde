// Activations, forward and backward, row-major [rows × cols]. The forward pass is fused with the
// bias add (z += b, a = f(z)); the backward pass with the bias gradient (dz = f'(z)·da,
// db = Σ_rows dz), so each costs one pass over memory. Formulas follow TensorFlow.js.

export const LINEAR = 0;
export const RELU = 1;
export const SIGMOID = 2;
export const TANH = 3;
export const SOFTMAX = 4;
export const RELU6 = 5;
export const LEAKY_RELU = 6;
export const ELU = 7;
export const SELU = 8;
export const SOFTPLUS = 9;
export const SOFTSIGN = 10;
export const HARD_SIGMOID = 11;
export const SWISH = 12;
export const GELU = 13;
export const MISH = 14;

const SELU_ALPHA: f32 = 1.6732632423543772;
const SELU_SCALE: f32 = 1.0507009873554805;
const INV_SQRT2: f64 = 0.7071067811865476;
const INV_SQRT_2PI: f32 = 0.3989422804014327;

// @ts-ignore: decorator
@inline export function sigmoid(z: f32): f32 {
  // Two branches so exp never overflows.
  if (z >= 0) return 1 / (1 + Mathf.exp(-z));
  const e = Mathf.exp(z);
  return e / (1 + e);
}

// @ts-ignore: decorator
@inline export function softplus(z: f32): f32 {
  return max(z, 0) + <f32>Math.log1p(Math.exp(-<f64>Mathf.abs(z)));
}

/**
 * Φ(z), the standard normal CDF, through erfc by the Chebyshev fit of Numerical Recipes
 * (fractional error < 1.2e-7 everywhere, so GELU stays accurate far into the negative tail).
 */
// @ts-ignore: decorator
@inline function normalCdf(z: f32): f32 {
  const x = <f64>Mathf.abs(z) * INV_SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return <f32>(z >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc);
}

/** f(z) for every activation but softmax (which needs the whole row). */
// @ts-ignore: decorator
@inline function forward(act: i32, z: f32, alpha: f32): f32 {
  switch (act) {
    case RELU: return max(z, 0);
    case SIGMOID: return sigmoid(z);
    case TANH: return Mathf.tanh(z);
    case RELU6: return min(max(z, 0), 6);
    case LEAKY_RELU: return z > 0 ? z : alpha * z;
    case ELU: return z > 0 ? z : alpha * (Mathf.exp(z) - 1);
    case SELU: return z > 0 ? SELU_SCALE * z : SELU_SCALE * SELU_ALPHA * (Mathf.exp(z) - 1);
    case SOFTPLUS: return softplus(z);
    case SOFTSIGN: return z / (1 + Mathf.abs(z));
    case HARD_SIGMOID: return min(max(<f32>0.2 * z + <f32>0.5, 0), 1);
    case SWISH: return z * sigmoid(z);
    case GELU: return z * normalCdf(z);
    case MISH: return z * Mathf.tanh(softplus(z));
    default: return z;
  }
}

/** f'(z), given z and a = f(z). */
// @ts-ignore: decorator
@inline function derivative(act: i32, z: f32, a: f32, alpha: f32): f32 {
  switch (act) {
    case RELU: return z > 0 ? 1 : 0;
    case SIGMOID: return a * (1 - a);
    case TANH: return 1 - a * a;
    case RELU6: return z > 0 && z < 6 ? 1 : 0;
    case LEAKY_RELU: return z > 0 ? 1 : alpha;
    case ELU: return z > 0 ? 1 : alpha * Mathf.exp(z);
    case SELU: return z > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * Mathf.exp(z);
    case SOFTPLUS: return sigmoid(z);
    case SOFTSIGN: { const d: f32 = 1 + Mathf.abs(z); return 1 / (d * d); }
    case HARD_SIGMOID: return z > -2.5 && z < 2.5 ? 0.2 : 0;
    case SWISH: { const s = sigmoid(z); return s + z * s * (1 - s); }
    case GELU: return normalCdf(z) + z * INV_SQRT_2PI * Mathf.exp(-0.5 * z * z);
    case MISH: {
      const t = Mathf.tanh(softplus(z));
      return t + z * (1 - t * t) * sigmoid(z);
    }
    default: return 1;
  }
}

/**
 * z[r,c] += bias[c] (skipped when bias is 0), then a = act(z). `a` may equal `z` only for
 * linear, because the backward pass of the others reads both.
 */
export function bias_activation_forward(a: usize, z: usize, bias: usize, rows: i32, cols: i32, act: i32, alpha: f32): void {
  const rowBytes = <usize>cols << 2;
  const vecEnd = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const zr = z + <usize>r * rowBytes, ar = a + <usize>r * rowBytes;
    if (bias != 0) {
      let c = 0;
      for (; c < vecEnd; c += 4) {
        const o = <usize>c << 2;
        v128.store(zr + o, f32x4.add(v128.load(zr + o), v128.load(bias + o)));
      }
      for (; c < cols; c++) {
        const o = <usize>c << 2;
        store<f32>(zr + o, load<f32>(zr + o) + load<f32>(bias + o));
      }
    }
    if (act == SOFTMAX) {
      softmaxRow(ar, zr, cols);
    } else if (act == RELU || act == LINEAR) {
      const zero = f32x4.splat(0);
      let c = 0;
      for (; c < vecEnd; c += 4) {
        const o = <usize>c << 2;
        const v = v128.load(zr + o);
        v128.store(ar + o, act == RELU ? f32x4.max(v, zero) : v);
      }
      for (; c < cols; c++) {
        const o = <usize>c << 2;
        const v = load<f32>(zr + o);
        store<f32>(ar + o, act == RELU ? max(v, 0) : v);
      }
    } else {
      for (let c = 0; c < cols; c++) {
        const o = <usize>c << 2;
        store<f32>(ar + o, forward(act, load<f32>(zr + o), alpha));
      }
    }
  }
}

/** Numerically stable softmax of one row: exp(z - max) / Σ exp(z - max). */
function softmaxRow(a: usize, z: usize, cols: i32): void {
  let m = -Infinity as f32;
  for (let c = 0; c < cols; c++) m = max(m, load<f32>(z + (<usize>c << 2)));
  let sum: f64 = 0;
  for (let c = 0; c < cols; c++) {
    const e = Mathf.exp(load<f32>(z + (<usize>c << 2)) - m);
    store<f32>(a + (<usize>c << 2), e);
    sum += e;
  }
  const inv = <f32>(1.0 / sum);
  for (let c = 0; c < cols; c++) {
    const o = a + (<usize>c << 2);
    store<f32>(o, load<f32>(o) * inv);
  }
}

/**
 * dz = f'(z) ⊙ da (softmax: dz = a ⊙ (da − Σ da·a) per row), then dbias[c] = Σ_r dz[r,c]
 * (skipped when dbias is 0). dz may equal da.
 */
export function activation_bias_backward(dz: usize, dbias: usize, da: usize, z: usize, a: usize, rows: i32, cols: i32, act: i32, alpha: f32): void {
  const rowBytes = <usize>cols << 2;
  const vecEnd = cols & ~3;
  if (dbias != 0) memory.fill(dbias, 0, rowBytes);
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * rowBytes;
    const dzr = dz + off, dar = da + off, zr = z + off, ar = a + off;
    if (act == SOFTMAX) {
      let dot: f64 = 0;
      for (let c = 0; c < cols; c++) {
        const o = <usize>c << 2;
        dot += <f64>load<f32>(dar + o) * <f64>load<f32>(ar + o);
      }
      const d = <f32>dot;
      for (let c = 0; c < cols; c++) {
        const o = <usize>c << 2;
        store<f32>(dzr + o, load<f32>(ar + o) * (load<f32>(dar + o) - d));
      }
    } else if (act == RELU) {
      const zero = f32x4.splat(0);
      let c = 0;
      for (; c < vecEnd; c += 4) {
        const o = <usize>c << 2;
        const keep = f32x4.gt(v128.load(zr + o), zero);
        v128.store(dzr + o, v128.and(v128.load(dar + o), keep));
      }
      for (; c < cols; c++) {
        const o = <usize>c << 2;
        store<f32>(dzr + o, load<f32>(zr + o) > 0 ? load<f32>(dar + o) : 0);
      }
    } else if (act != LINEAR) {
      for (let c = 0; c < cols; c++) {
        const o = <usize>c << 2;
        store<f32>(dzr + o, load<f32>(dar + o) * derivative(act, load<f32>(zr + o), load<f32>(ar + o), alpha));
      }
    } else if (dzr != dar) {
      memory.copy(dzr, dar, rowBytes);
    }
    if (dbias != 0) {
      let c = 0;
      for (; c < vecEnd; c += 4) {
        const o = <usize>c << 2;
        v128.store(dbias + o, f32x4.add(v128.load(dbias + o), v128.load(dzr + o)));
      }
      for (; c < cols; c++) {
        const o = <usize>c << 2;
        store<f32>(dbias + o, load<f32>(dbias + o) + load<f32>(dzr + o));
      }
    }
  }
}
