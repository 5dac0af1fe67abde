// Rescaling (Keras's and TF.js's): every value scaled and shifted, y = x·scale + offset, as two
// float32 operations (a product, then a sum: TF.js's mul then add, never fused), so the bits match.
// Its gradient is dLoss/dx = dLoss/dy · scale.

/** y = x·scale + offset over `n` values. */
export function rescaling_forward(y: usize, x: usize, n: i32, scale: f32, offset: f32): void {
  const s = f32x4.splat(scale), o = f32x4.splat(offset);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(y + at, f32x4.add(f32x4.mul(v128.load(x + at), s), o));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(y + at, load<f32>(x + at) * scale + offset);
  }
}

/** dx = dy · scale (dx += with `accumulate`) over `n` values. */
export function rescaling_backward(dx: usize, dy: usize, n: i32, scale: f32, accumulate: bool): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    const g = load<f32>(dy + at) * scale;
    store<f32>(dx + at, accumulate ? load<f32>(dx + at) + g : g);
  }
}
