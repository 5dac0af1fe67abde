// Activations, forward and backward, over row-major [rows × cols] batches. The bias add is fused
// into the matrix multiply that precedes the forward pass (gemm_nn_bias). Formulas follow
// TensorFlow.js.

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

import { kernel_parallel, job_set, job_set_f32, job_arg, job_i32, job_f32, split, run_job, threads_count, JOB_ACTIVATION_FORWARD, JOB_ACTIVATION_BACKWARD, JOB_BIAS_GRADIENT } from "./threads";

// The threaded build splits a large batch between threads: softmax by rows, the rest by ranges of
// whole vectors (multiples of 16 values), so every value is computed exactly as on one thread.
// @ts-ignore: decorator
@inline function activationParallel(rows: i32, cols: i32, act: i32): bool {
  return kernel_parallel(<u64>rows * <u64>cols) && (act != SOFTMAX || rows > 1);
}

// Thread `index`'s part: [from, to) of the rows (softmax) or of the values (the rest, as one row).
// @ts-ignore: decorator
@inline function shareStart(index: i32, threads: i32, rows: i32, cols: i32, act: i32): i32 {
  return act == SOFTMAX ? split(index, threads, rows, 1) : split(index, threads, rows * cols, 16);
}

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

// Vector forms of the exponential-based activations, four lanes at a time; the hot ones
// (sigmoid, tanh, softmax) would otherwise cost a scalar libm call per element.

/**
 * e^x for each lane: x = n·ln2 + r, e^x = 2^n · p(r), p the Cephes minimax polynomial (≈1 ulp).
 * Below −87.3 it flushes to 0; above 88.3 it saturates at ≈2e38 rather than overflowing.
 */
// @ts-ignore: decorator
@inline function exp4(input: v128): v128 {
  const x = f32x4.pmin(f32x4.pmax(input, f32x4.splat(-87.3)), f32x4.splat(88.3));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.4426950408889634)));
  // ln 2 split in two so n·ln2 is exact in the high part.
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.add(r, f32x4.mul(n, f32x4.splat(2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  // 2^n built in the exponent bits; the clamp keeps n in [-126, 127].
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(p, scale), f32x4.lt(input, f32x4.splat(-87.3)));
}

/** σ(x) = 1 / (1 + e^−x), accurate in both tails. */
// @ts-ignore: decorator
@inline function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

/**
 * tanh(x) as a rational minimax fit p(x)/q(x) of degrees 13/6 on [−7.9, 7.9] (the coefficients
 * Eigen uses); beyond that range tanh rounds to ±1 in float32, and near 0 it returns x.
 */
// @ts-ignore: decorator
@inline function tanh4(x: v128): v128 {
  const c = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-7.90531110763549805)), f32x4.splat(7.90531110763549805));
  const x2 = f32x4.mul(c, c);
  let p = f32x4.splat(-2.76076847742355e-16);
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(2.00018790482477e-13));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(-8.60467152213735e-11));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(5.12229709037114e-8));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(1.48572235717979e-5));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(6.37261928875436e-4));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(4.89352455891786e-3));
  p = f32x4.mul(p, c);
  let q = f32x4.splat(1.19825839466702e-6);
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(1.18534705686654e-4));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(2.26843463243900e-3));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(4.89352518554385e-3));
  const tiny = f32x4.lt(f32x4.abs(x), f32x4.splat(0.0004));
  return v128.bitselect(x, f32x4.div(p, q), tiny);
}

/**
 * σ'(z) = e^−|z| / (1 + e^−|z|)² and tanh'(z) = 4·e^−2|z| / (1 + e^−2|z|)², from z rather than from
 * the output: 1 − a² loses all relative precision once a rounds near ±1.
 */
// @ts-ignore: decorator
@inline function slope4(z: v128, act: i32): v128 {
  const az = f32x4.abs(z);
  const t = exp4(f32x4.neg(act == TANH ? f32x4.add(az, az) : az));
  const u = f32x4.add(f32x4.splat(1), t);
  const d = f32x4.div(t, f32x4.mul(u, u));
  return act == TANH ? f32x4.mul(d, f32x4.splat(4)) : d;
}

/** f(z) for every activation but softmax (which needs the whole row). */
// @ts-ignore: decorator
@inline function forward(act: i32, z: f32, alpha: f32): f32 {
  switch (act) {
    case RELU: return max(z, 0);
    case RELU6: return min(max(z, 0), 6);
    case LEAKY_RELU: return z > 0 ? z : alpha * z;
    case ELU: return z > 0 ? z : alpha * (Mathf.exp(z) - 1);
    case SELU: return z > 0 ? SELU_SCALE * z : SELU_SCALE * SELU_ALPHA * (Mathf.exp(z) - 1);
    case SOFTPLUS: return softplus(z);
    case SOFTSIGN: return Mathf.abs(z) == Infinity ? Mathf.sign(z) : z / (1 + Mathf.abs(z));
    case HARD_SIGMOID: return min(max(<f32>0.2 * z + <f32>0.5, 0), 1);
    // z·g(z) forms: at z = −∞ (an overflowed sum) the limit is 0, not −∞·0 = NaN.
    case SWISH: return z < -1e30 ? 0 : z * sigmoid(z);
    case GELU: return z < -1e30 ? 0 : z * normalCdf(z);
    case MISH: return z < -1e30 ? 0 : z * Mathf.tanh(softplus(z));
    default: return z;
  }
}

/** f'(z), given z and a = f(z). */
// @ts-ignore: decorator
@inline function derivative(act: i32, z: f32, a: f32, alpha: f32): f32 {
  // The z·g(z) forms tend to slopes 0 and 1 at ∓∞, where their formulas would give ∞·0 = NaN.
  if ((act == SWISH || act == GELU || act == MISH) && Mathf.abs(z) > 1e30) return z > 0 ? 1 : 0;
  switch (act) {
    case RELU: return z > 0 ? 1 : 0;
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
 * act(z) on four lanes (not softmax): each vector activation's one definition, which the batch
 * loops below specialize by passing a constant `act`.
 */
// @ts-ignore: decorator
@inline function activation4(z: v128, act: i32, alpha: f32): v128 {
  if (act == LINEAR) return z;
  if (act == RELU) return f32x4.max(z, f32x4.splat(0));
  if (act == TANH) return tanh4(z);
  if (act == SIGMOID) return sigmoid4(z);
  if (act == HARD_SIGMOID) return f32x4.min(f32x4.max(f32x4.add(f32x4.mul(z, f32x4.splat(0.2)), f32x4.splat(0.5)), f32x4.splat(0)), f32x4.splat(1));
  let a = z;
  a = f32x4.replace_lane(a, 0, forward(act, f32x4.extract_lane(z, 0), alpha));
  a = f32x4.replace_lane(a, 1, forward(act, f32x4.extract_lane(z, 1), alpha));
  a = f32x4.replace_lane(a, 2, forward(act, f32x4.extract_lane(z, 2), alpha));
  return f32x4.replace_lane(a, 3, forward(act, f32x4.extract_lane(z, 3), alpha));
}

/** dz = f'(z) ⊙ da on four lanes (a = f(z)), bit for bit what activation_backward computes (not softmax). */
// @ts-ignore: decorator
@inline function activation_backward4(da: v128, z: v128, a: v128, act: i32, alpha: f32): v128 {
  if (act == LINEAR) return da;
  if (act == RELU) return v128.and(da, f32x4.gt(z, f32x4.splat(0)));
  if (act == TANH || act == SIGMOID) return f32x4.mul(da, slope4(z, act));
  if (act == HARD_SIGMOID) {
    return f32x4.mul(da, v128.and(f32x4.splat(0.2), v128.and(f32x4.gt(z, f32x4.splat(-2.5)), f32x4.lt(z, f32x4.splat(2.5)))));
  }
  let d = da;
  d = f32x4.replace_lane(d, 0, f32x4.extract_lane(da, 0) * derivative(act, f32x4.extract_lane(z, 0), f32x4.extract_lane(a, 0), alpha));
  d = f32x4.replace_lane(d, 1, f32x4.extract_lane(da, 1) * derivative(act, f32x4.extract_lane(z, 1), f32x4.extract_lane(a, 1), alpha));
  d = f32x4.replace_lane(d, 2, f32x4.extract_lane(da, 2) * derivative(act, f32x4.extract_lane(z, 2), f32x4.extract_lane(a, 2), alpha));
  return f32x4.replace_lane(d, 3, f32x4.extract_lane(da, 3) * derivative(act, f32x4.extract_lane(z, 3), f32x4.extract_lane(a, 3), alpha));
}

/** a = act(z) over n floats (the tail through a padded vector); `act` a constant at each call, so each copy is specialized. */
// @ts-ignore: decorator
@inline function mapForward(a: usize, z: usize, n: i32, act: i32, alpha: f32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(a + o, activation4(v128.load(z + o), act, alpha));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(a + o, f32x4.extract_lane(activation4(f32x4.splat(load<f32>(z + o)), act, alpha), 0));
  }
}

/** dz = f'(z) ⊙ da over n floats, as mapForward. */
// @ts-ignore: decorator
@inline function mapBackward(dz: usize, da: usize, z: usize, a: usize, n: i32, act: i32, alpha: f32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dz + o, activation_backward4(v128.load(da + o), v128.load(z + o), v128.load(a + o), act, alpha));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const d = activation_backward4(f32x4.splat(load<f32>(da + o)), f32x4.splat(load<f32>(z + o)), f32x4.splat(load<f32>(a + o)), act, alpha);
    store<f32>(dz + o, f32x4.extract_lane(d, 0));
  }
}

/**
 * a = act(z) over a [rows × cols] batch (softmax row by row, the rest element by element over the
 * whole buffer, so narrow layers pay for one partial vector, not one per row). `a` may equal `z`
 * only for linear, because the backward pass of the others reads both.
 */
export function activation_forward(a: usize, z: usize, rows: i32, cols: i32, act: i32, alpha: f32): void {
  if (ASC_FEATURE_THREADS && act != LINEAR && activationParallel(rows, cols, act)) {
    job_set(0, a); job_set(1, z); job_set(2, rows); job_set(3, cols); job_set(4, act); job_set_f32(5, alpha);
    run_job(JOB_ACTIVATION_FORWARD, threads_count());
    return;
  }
  activationForward(a, z, rows, cols, cols, act, alpha);
}

/**
 * a = act(z) over `rows` rows of `cols` values, `ld` floats apart in both (one gate block of a
 * recurrent step's [rows, gates·units] buffer): one call per step and block, on one thread.
 */
export function activation_forward_rows(a: usize, z: usize, rows: i32, cols: i32, ld: i32, act: i32, alpha: f32): void {
  activationForward(a, z, rows, cols, ld, act, alpha);
}

/** Thread `index`'s part of the threaded activation job. */
export function activation_forward_share(index: i32, threads: i32): void {
  const rows = job_i32(2), cols = job_i32(3), act = job_i32(4);
  const from = shareStart(index, threads, rows, cols, act), to = shareStart(index + 1, threads, rows, cols, act);
  if (from >= to) return;
  const at = <usize>from * (act == SOFTMAX ? <usize>cols : 1) << 2;
  if (act == SOFTMAX) activationForward(job_arg(0) + at, job_arg(1) + at, to - from, cols, cols, act, job_f32(5));
  else activationForward(job_arg(0) + at, job_arg(1) + at, 1, to - from, to - from, act, job_f32(5));
}

/**
 * a = act(z) over the strided rows of activation_forward_rows; contiguous rows (ld = cols) of an
 * element-wise activation run as one row, so narrow layers pay for one partial vector, not one per row.
 */
function activationForward(a: usize, z: usize, rows: i32, cols: i32, ld: i32, act: i32, alpha: f32): void {
  if (ld == cols && act != SOFTMAX) {
    cols *= rows;
    ld = cols;
    rows = 1;
  }
  const ldBytes = <usize>ld << 2;
  // The activation is chosen once and each loop is specialized to it.
  if (act == SOFTMAX) {
    for (let r = 0; r < rows; r++) softmaxRow(a + <usize>r * ldBytes, z + <usize>r * ldBytes, cols);
  } else if (act == LINEAR) {
    if (a != z) for (let r = 0; r < rows; r++) memory.copy(a + <usize>r * ldBytes, z + <usize>r * ldBytes, <usize>cols << 2);
  } else if (act == RELU) {
    for (let r = 0; r < rows; r++) mapForward(a + <usize>r * ldBytes, z + <usize>r * ldBytes, cols, RELU, alpha);
  } else if (act == SIGMOID) {
    for (let r = 0; r < rows; r++) mapForward(a + <usize>r * ldBytes, z + <usize>r * ldBytes, cols, SIGMOID, alpha);
  } else if (act == TANH) {
    for (let r = 0; r < rows; r++) mapForward(a + <usize>r * ldBytes, z + <usize>r * ldBytes, cols, TANH, alpha);
  } else if (act == HARD_SIGMOID) {
    for (let r = 0; r < rows; r++) mapForward(a + <usize>r * ldBytes, z + <usize>r * ldBytes, cols, HARD_SIGMOID, alpha);
  } else {
    // The scalar ones, one value at a time.
    for (let r = 0; r < rows; r++) {
      const ar = a + <usize>r * ldBytes, zr = z + <usize>r * ldBytes;
      for (let i = 0; i < cols; i++) {
        const o = <usize>i << 2;
        store<f32>(ar + o, forward(act, load<f32>(zr + o), alpha));
      }
    }
  }
}

/** Numerically stable softmax of one row: exp(z − max) / Σ exp(z − max). */
function softmaxRow(a: usize, z: usize, cols: i32): void {
  // z is clamped to the finite range first: a row that overflowed to ±∞ gets the limit of its
  // softmax (the largest entries share the mass) instead of ∞ − ∞ = NaN.
  let m: f32 = -F32.MAX_VALUE;
  for (let c = 0; c < cols; c++) m = max(m, finiteF32(load<f32>(z + (<usize>c << 2))));
  const vm = f32x4.splat(m), lo = f32x4.splat(-F32.MAX_VALUE), hi = f32x4.splat(F32.MAX_VALUE);
  let vsum = f32x4.splat(0);
  let c = 0;
  for (; c + 4 <= cols; c += 4) {
    const o = <usize>c << 2;
    const e = exp4(f32x4.sub(f32x4.pmin(f32x4.pmax(v128.load(z + o), lo), hi), vm));
    v128.store(a + o, e);
    vsum = f32x4.add(vsum, e);
  }
  let sum = f32x4.extract_lane(vsum, 0) + f32x4.extract_lane(vsum, 1) + f32x4.extract_lane(vsum, 2) + f32x4.extract_lane(vsum, 3);
  for (; c < cols; c++) {
    const o = <usize>c << 2;
    const e = f32x4.extract_lane(exp4(f32x4.splat(finiteF32(load<f32>(z + o)) - m)), 0);
    store<f32>(a + o, e);
    sum += e;
  }
  const inv = f32x4.splat(1 / sum);
  c = 0;
  for (; c + 4 <= cols; c += 4) {
    const o = <usize>c << 2;
    v128.store(a + o, f32x4.mul(v128.load(a + o), inv));
  }
  for (; c < cols; c++) {
    const o = <usize>c << 2;
    store<f32>(a + o, load<f32>(a + o) * f32x4.extract_lane(inv, 0));
  }
}

/** x clamped to the finite float32 range. */
// @ts-ignore: decorator
@inline export function finiteF32(x: f32): f32 {
  return min(max(x, -F32.MAX_VALUE), F32.MAX_VALUE);
}

/**
 * dz = f'(z) ⊙ da over a [rows × cols] batch (softmax: dz = a ⊙ (da − Σ da·a) per row).
 * dz may equal da.
 */
export function activation_backward(dz: usize, da: usize, z: usize, a: usize, rows: i32, cols: i32, act: i32, alpha: f32): void {
  if (ASC_FEATURE_THREADS && act != LINEAR && activationParallel(rows, cols, act)) {
    job_set(0, dz); job_set(1, da); job_set(2, z); job_set(3, a); job_set(4, rows); job_set(5, cols); job_set(6, act); job_set_f32(7, alpha);
    run_job(JOB_ACTIVATION_BACKWARD, threads_count());
    return;
  }
  activationBackward(dz, da, z, a, rows, cols, cols, act, alpha);
}

/** dz = f'(z) ⊙ da over strided rows, as activation_forward_rows (dz may equal da). */
export function activation_backward_rows(dz: usize, da: usize, z: usize, a: usize, rows: i32, cols: i32, ld: i32, act: i32, alpha: f32): void {
  activationBackward(dz, da, z, a, rows, cols, ld, act, alpha);
}

/** Thread `index`'s part of the threaded activation gradient job. */
export function activation_backward_share(index: i32, threads: i32): void {
  const rows = job_i32(4), cols = job_i32(5), act = job_i32(6);
  const from = shareStart(index, threads, rows, cols, act), to = shareStart(index + 1, threads, rows, cols, act);
  if (from >= to) return;
  const at = <usize>from * (act == SOFTMAX ? <usize>cols : 1) << 2;
  if (act == SOFTMAX) activationBackward(job_arg(0) + at, job_arg(1) + at, job_arg(2) + at, job_arg(3) + at, to - from, cols, cols, act, job_f32(7));
  else activationBackward(job_arg(0) + at, job_arg(1) + at, job_arg(2) + at, job_arg(3) + at, 1, to - from, to - from, act, job_f32(7));
}

/** dz = f'(z) ⊙ da over strided rows, as activationForward. */
function activationBackward(dz: usize, da: usize, z: usize, a: usize, rows: i32, cols: i32, ld: i32, act: i32, alpha: f32): void {
  if (ld == cols && act != SOFTMAX) {
    cols *= rows;
    ld = cols;
    rows = 1;
  }
  const ldBytes = <usize>ld << 2;
  if (act == SOFTMAX) {
    for (let r = 0; r < rows; r++) {
      const row = <usize>r * ldBytes;
      let dot: f64 = 0;
      for (let c = 0; c < cols; c++) {
        const o = row + (<usize>c << 2);
        dot += <f64>load<f32>(da + o) * <f64>load<f32>(a + o);
      }
      const d = <f32>dot;
      for (let c = 0; c < cols; c++) {
        const o = row + (<usize>c << 2);
        store<f32>(dz + o, load<f32>(a + o) * (load<f32>(da + o) - d));
      }
    }
  } else if (act == LINEAR) {
    if (dz != da) for (let r = 0; r < rows; r++) memory.copy(dz + <usize>r * ldBytes, da + <usize>r * ldBytes, <usize>cols << 2);
  } else if (act == RELU) {
    for (let r = 0; r < rows; r++) { const o = <usize>r * ldBytes; mapBackward(dz + o, da + o, z + o, a + o, cols, RELU, alpha); }
  } else if (act == SIGMOID) {
    for (let r = 0; r < rows; r++) { const o = <usize>r * ldBytes; mapBackward(dz + o, da + o, z + o, a + o, cols, SIGMOID, alpha); }
  } else if (act == TANH) {
    for (let r = 0; r < rows; r++) { const o = <usize>r * ldBytes; mapBackward(dz + o, da + o, z + o, a + o, cols, TANH, alpha); }
  } else if (act == HARD_SIGMOID) {
    for (let r = 0; r < rows; r++) { const o = <usize>r * ldBytes; mapBackward(dz + o, da + o, z + o, a + o, cols, HARD_SIGMOID, alpha); }
  } else {
    for (let r = 0; r < rows; r++) {
      const row = <usize>r * ldBytes;
      for (let i = 0; i < cols; i++) {
        const o = row + (<usize>i << 2);
        store<f32>(dz + o, load<f32>(da + o) * derivative(act, load<f32>(z + o), load<f32>(a + o), alpha));
      }
    }
  }
}

/** dbias[c] = Σ_r dz[r, c] (added to dbias with `accumulate`): every row adds the same bias. */
export function bias_gradient(dbias: usize, dz: usize, rows: i32, cols: i32, accumulate: bool): void {
  // The threaded build splits the columns (each column's sum keeps its rows' order), in whole vectors.
  if (ASC_FEATURE_THREADS && cols >= 8 && kernel_parallel(<u64>rows * <u64>cols)) {
    job_set(0, dbias); job_set(1, dz); job_set(2, rows); job_set(3, cols); job_set(4, accumulate ? 1 : 0);
    run_job(JOB_BIAS_GRADIENT, threads_count());
    return;
  }
  biasGradient(dbias, dz, rows, cols, accumulate, 0, cols);
}

/** Thread `index`'s columns of the threaded bias-gradient job. */
export function bias_gradient_share(index: i32, threads: i32): void {
  const cols = job_i32(3), align = cols >= 16 * threads ? 16 : 4;
  const c0 = split(index, threads, cols, align), c1 = split(index + 1, threads, cols, align);
  if (c0 < c1) biasGradient(job_arg(0), job_arg(1), job_i32(2), cols, job_i32(4) != 0, c0, c1);
}

// Columns [c0, c1) of dbias (c0 a multiple of 4).
function biasGradient(dbias: usize, dz: usize, rows: i32, cols: i32, accumulate: bool, c0: i32, c1: i32): void {
  const rowBytes = <usize>cols << 2;
  if (!accumulate) zero(dbias + (<usize>c0 << 2), <usize>(c1 - c0) << 2);
  for (let r = 0; r < rows; r++) {
    const row = dz + <usize>r * rowBytes;
    let c = c0;
    for (; c + 4 <= c1; c += 4) {
      const o = <usize>c << 2;
      v128.store(dbias + o, f32x4.add(v128.load(dbias + o), v128.load(row + o)));
    }
    for (; c < c1; c++) {
      const o = <usize>c << 2;
      store<f32>(dbias + o, load<f32>(dbias + o) + load<f32>(row + o));
    }
  }
}

// memory.fill is a call out of Wasm that costs more than zeroing a few floats.
// @ts-ignore: decorator
@inline function zero(dst: usize, bytes: usize): void {
  if (bytes > 64) {
    memory.fill(dst, 0, bytes);
    return;
  }
  for (let o: usize = 0; o < bytes; o += 4) store<u32>(dst + o, 0);
}
