// Weight updates over one flat buffer holding every parameter of a model, with its gradients and
// optimizer state (moments, accumulators) in parallel flat buffers of the same length: one call
// updates the whole model. Each rule is TensorFlow.js's (Keras's where TF.js has none), with its
// defaults chosen on the TypeScript side; a comment says where the two libraries differ.

import { kernel_parallel, job_set, job_arg, job_i32, job_raise, split, run_job, threads_count, JOB_ALL_FINITE } from "./threads";

export const SGD = 0;
export const ADAM = 1;
export const RMSPROP = 2;
export const ADAGRAD = 3;
export const ADADELTA = 4;
export const ADAMAX = 5;
export const ADAMW = 6;

// Every rule writes the new parameters and state to separate output buffers (outputs first, then
// inputs), so the network can check an update before adopting it and keep the old values whole if
// it overflows. Passing the same buffer as input and output updates in place.

/** Plain gradient descent: θ ← θ − lr·g. */
export function sgd_update(paramsOut: usize, params: usize, grads: usize, n: i32, lr: f32): void {
  const vlr = f32x4.splat(lr);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(paramsOut + o, f32x4.sub(v128.load(params + o), f32x4.mul(vlr, v128.load(grads + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(paramsOut + o, load<f32>(params + o) - lr * load<f32>(grads + o));
  }
}

/**
 * SGD with momentum (TF.js's momentum optimizer, equal to Keras's SGD(momentum) for a fixed rate):
 *   v ← momentum·v + g;   θ ← θ − lr·v,   or with Nesterov θ ← θ − lr·(g + momentum·v).
 */
export function momentum_update(paramsOut: usize, velocityOut: usize, params: usize, velocity: usize, grads: usize, n: i32, lr: f32, momentum: f32, nesterov: bool): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grads + o);
    const v = momentum * load<f32>(velocity + o) + g;
    store<f32>(velocityOut + o, v);
    store<f32>(paramsOut + o, load<f32>(params + o) - lr * (nesterov ? g + momentum * v : v));
  }
}

/**
 * RMSProp as TF.js: ms ← ρ·ms + (1−ρ)·g²; with `centered`, mg ← ρ·mg + (1−ρ)·g and the
 * variance is ms − mg²; mom ← momentum·mom + lr·g / √(variance + ε); θ ← θ − mom.
 * ε sits inside the square root (Keras adds it outside).
 */
export function rmsprop_update(
  paramsOut: usize, msOut: usize, momOut: usize, mgOut: usize,
  params: usize, ms: usize, mom: usize, mg: usize, grads: usize,
  n: i32, lr: f32, rho: f32, momentum: f32, epsilon: f32, centered: bool,
): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grads + o);
    const s = rho * load<f32>(ms + o) + (1 - rho) * g * g;
    store<f32>(msOut + o, s);
    let variance = s;
    if (centered) {
      const mean = rho * load<f32>(mg + o) + (1 - rho) * g;
      store<f32>(mgOut + o, mean);
      variance = s - mean * mean;
    }
    const step = momentum * load<f32>(mom + o) + lr * g / Mathf.sqrt(variance + epsilon);
    store<f32>(momOut + o, step);
    store<f32>(paramsOut + o, load<f32>(params + o) - step);
  }
}

/** Adagrad as TF.js: acc ← acc + g²; θ ← θ − lr·g / √(acc + ε) (ε inside the root). */
export function adagrad_update(paramsOut: usize, accOut: usize, params: usize, acc: usize, grads: usize, n: i32, lr: f32, epsilon: f32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grads + o);
    const a = load<f32>(acc + o) + g * g;
    store<f32>(accOut + o, a);
    store<f32>(paramsOut + o, load<f32>(params + o) - lr * g / Mathf.sqrt(a + epsilon));
  }
}

/**
 * Adadelta as TF.js, which divides by the gradient accumulator from before this step:
 *   u ← √(accU + ε) / √(accG + ε) · g;  accG ← ρ·accG + (1−ρ)·g²;  accU ← ρ·accU + (1−ρ)·u²;  θ ← θ − lr·u.
 */
export function adadelta_update(
  paramsOut: usize, accGradOut: usize, accUpdateOut: usize,
  params: usize, accGrad: usize, accUpdate: usize, grads: usize,
  n: i32, lr: f32, rho: f32, epsilon: f32,
): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grads + o);
    const ag = load<f32>(accGrad + o), au = load<f32>(accUpdate + o);
    const u = Mathf.sqrt(au + epsilon) / Mathf.sqrt(ag + epsilon) * g;
    store<f32>(accGradOut + o, rho * ag + (1 - rho) * g * g);
    store<f32>(accUpdateOut + o, rho * au + (1 - rho) * u * u);
    store<f32>(paramsOut + o, load<f32>(params + o) - lr * u);
  }
}

/**
 * Adam (Kingma & Ba) as TensorFlow.js applies it, for step t = 1, 2, ... (a float64: exact far
 * beyond 2^31 steps, where an i32 count would wrap and zero the bias corrections):
 *   m ← β1·m + (1−β1)·g          first moment (mean of gradients)
 *   v ← β2·v + (1−β2)·g²         second moment (uncentred variance)
 *   θ ← θ − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)
 * With `vmax` ≠ 0 (AMSGrad, from Keras: TF.js has none) the running maximum of v replaces v.
 */
export function adam_update(
  paramsOut: usize, mOut: usize, vOut: usize, vmaxOut: usize,
  params: usize, m: usize, v: usize, vmax: usize, grads: usize,
  n: i32, lr: f32, beta1: f32, beta2: f32, epsilon: f32, t: f64,
): void {
  const c1 = <f32>(1 - Math.pow(beta1, t)), c2 = <f32>(1 - Math.pow(beta2, t));
  if (vmax != 0) {
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 2;
      const g = load<f32>(grads + o);
      const mi = beta1 * load<f32>(m + o) + (1 - beta1) * g;
      const vi = beta2 * load<f32>(v + o) + (1 - beta2) * g * g;
      const vm = max(load<f32>(vmax + o), vi);
      store<f32>(mOut + o, mi);
      store<f32>(vOut + o, vi);
      store<f32>(vmaxOut + o, vm);
      store<f32>(paramsOut + o, load<f32>(params + o) - lr * ((mi / c1) / (Mathf.sqrt(vm / c2) + epsilon)));
    }
    return;
  }
  const vb1 = f32x4.splat(beta1), vb1c = f32x4.splat(1 - beta1);
  const vb2 = f32x4.splat(beta2), vb2c = f32x4.splat(1 - beta2);
  const vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2);
  const vlr = f32x4.splat(lr), veps = f32x4.splat(epsilon);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(grads + o);
    const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vb1c, g));
    const vi = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(vb2c, f32x4.mul(g, g)));
    v128.store(mOut + o, mi);
    v128.store(vOut + o, vi);
    const step = f32x4.div(f32x4.div(mi, vc1), f32x4.add(f32x4.sqrt(f32x4.div(vi, vc2)), veps));
    v128.store(paramsOut + o, f32x4.sub(v128.load(params + o), f32x4.mul(vlr, step)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grads + o);
    const mi = beta1 * load<f32>(m + o) + (1 - beta1) * g;
    const vi = beta2 * load<f32>(v + o) + (1 - beta2) * g * g;
    store<f32>(mOut + o, mi);
    store<f32>(vOut + o, vi);
    store<f32>(paramsOut + o, load<f32>(params + o) - lr * ((mi / c1) / (Mathf.sqrt(vi / c2) + epsilon)));
  }
}

/**
 * Adamax as TF.js: m ← β1·m + (1−β1)·g;  u ← max(β2·u, |g|);  θ ← θ − lr/(1−β1ᵗ) · m/(u + ε).
 */
export function adamax_update(
  paramsOut: usize, mOut: usize, uOut: usize,
  params: usize, m: usize, u: usize, grads: usize,
  n: i32, lr: f32, beta1: f32, beta2: f32, epsilon: f32, t: f64,
): void {
  const rate = lr / <f32>(1 - Math.pow(beta1, t));
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grads + o);
    const mi = beta1 * load<f32>(m + o) + (1 - beta1) * g;
    const ui = max(beta2 * load<f32>(u + o), Mathf.abs(g));
    store<f32>(mOut + o, mi);
    store<f32>(uOut + o, ui);
    store<f32>(paramsOut + o, load<f32>(params + o) - rate * mi / (ui + epsilon));
  }
}

/** Decoupled weight decay (AdamW, from Keras): θ ← θ − lr·decay·θ, before the Adam step. */
export function weight_decay(paramsOut: usize, params: usize, n: i32, lr: f32, decay: f32): void {
  const factor: f32 = 1 - lr * decay;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(paramsOut + o, load<f32>(params + o) * factor);
  }
}

/**
 * Gradient clipping before the update: every gradient into [−clipValue, clipValue] (when > 0),
 * then all gradients scaled together so their global L2 norm is at most clipNorm (when > 0).
 */
export function clip_gradients(grads: usize, n: i32, clipNorm: f32, clipValue: f32): void {
  if (clipValue > 0) {
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 2;
      store<f32>(grads + o, min(max(load<f32>(grads + o), -clipValue), clipValue));
    }
  }
  if (clipNorm > 0) {
    let sq: f64 = 0;
    for (let i = 0; i < n; i++) {
      const g = <f64>load<f32>(grads + (<usize>i << 2));
      sq += g * g;
    }
    const norm = Math.sqrt(sq);
    if (norm > <f64>clipNorm) {
      const scale = <f32>(<f64>clipNorm / norm);
      for (let i = 0; i < n; i++) {
        const o = <usize>i << 2;
        store<f32>(grads + o, load<f32>(grads + o) * scale);
      }
    }
  }
}

/**
 * True when all n floats are finite: x·0 is 0 for a finite x and NaN for ±Infinity or NaN. The
 * threaded build checks a large buffer in parts, one a thread (the answer is the same).
 */
export function all_finite(x: usize, n: i32): bool {
  if (ASC_FEATURE_THREADS && kernel_parallel(<u64>n)) {
    job_set(0, x); job_set(1, n); job_set(2, 0);
    run_job(JOB_ALL_FINITE, threads_count());
    return job_i32(2) == 0;
  }
  return finite_part(x, n);
}

/** Thread `index`'s part of the threaded check: raises argument 2 if it finds a value that is not finite. */
export function all_finite_share(index: i32, threads: i32): void {
  const n = job_i32(1);
  // Parts of whole 64-byte lines.
  const i0 = split(index, threads, n, 16), i1 = split(index + 1, threads, n, 16);
  if (i0 < i1 && !finite_part(job_arg(0) + (<usize>i0 << 2), i1 - i0)) job_raise(2);
}

/** all_finite of one part, on this thread. */
// @ts-ignore: decorator
@inline export function finite_part(x: usize, n: i32): bool {
  const zero = f32x4.splat(0);
  let acc = zero;
  let i = 0;
  for (; i + 4 <= n; i += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(x + (<usize>i << 2)), zero));
  let sum = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; i < n; i++) sum += load<f32>(x + (<usize>i << 2)) * 0;
  return sum == 0;
}

/**
 * The index of the first of n floats that is not finite (NaN or ±Infinity), or -1: the TypeScript
 * side's check of data staged in Wasm memory, 16 values a step (x·0 is ±0 for finite x, else NaN),
 * then value by value from the 16 that hold one.
 */
export function first_nonfinite(x: usize, n: i32): i32 {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = x + (<usize>i << 2);
    const s = f32x4.add(
      f32x4.add(f32x4.mul(v128.load(p), zero), f32x4.mul(v128.load(p, 16), zero)),
      f32x4.add(f32x4.mul(v128.load(p, 32), zero), f32x4.mul(v128.load(p, 48), zero)),
    );
    if (v128.any_true(f32x4.ne(s, zero))) break;
  }
  for (; i < n; i++) if (!isFinite(load<f32>(x + (<usize>i << 2)))) return i;
  return -1;
}
