// Weight updates over one flat buffer holding every parameter of a model, with its gradients and
// optimizer moments in parallel flat buffers of the same length: one call updates the whole model.

export const SGD = 0;
export const ADAM = 1;

/** Plain gradient descent: θ ← θ − lr·g. */
export function sgd_update(params: usize, grads: usize, n: i32, lr: f32): void {
  const vlr = f32x4.splat(lr);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(params + o, f32x4.sub(v128.load(params + o), f32x4.mul(vlr, v128.load(grads + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(params + o, load<f32>(params + o) - lr * load<f32>(grads + o));
  }
}

/**
 * Adam (Kingma & Ba) as TensorFlow.js applies it, for step t = 1, 2, ...:
 *   m ← β1·m + (1−β1)·g          first moment (mean of gradients)
 *   v ← β2·v + (1−β2)·g²         second moment (uncentred variance)
 *   θ ← θ − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)
 */
export function adam_update(params: usize, grads: usize, m: usize, v: usize, n: i32, lr: f32, beta1: f32, beta2: f32, epsilon: f32, t: i32): void {
  const c1 = <f32>(1 - Math.pow(beta1, t)), c2 = <f32>(1 - Math.pow(beta2, t));
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
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const step = f32x4.div(f32x4.div(mi, vc1), f32x4.add(f32x4.sqrt(f32x4.div(vi, vc2)), veps));
    v128.store(params + o, f32x4.sub(v128.load(params + o), f32x4.mul(vlr, step)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grads + o);
    const mi = beta1 * load<f32>(m + o) + (1 - beta1) * g;
    const vi = beta2 * load<f32>(v + o) + (1 - beta2) * g * g;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(params + o, load<f32>(params + o) - lr * ((mi / c1) / (Mathf.sqrt(vi / c2) + epsilon)));
  }
}
