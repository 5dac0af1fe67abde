// Reshape and flatten: the values stay as they are, in the same (row-major) order, under another
// shape. Forward copies them to the layer's output; backward copies (or adds) the gradient back.

/** y = x: `n` values copied. */
export function reshape_forward(y: usize, x: usize, n: i32): void {
  memory.copy(y, x, <usize>n << 2);
}

/** dx = dy (dx += dy with `accumulate`) over `n` values. */
export function reshape_backward(dx: usize, dy: usize, n: i32, accumulate: bool): void {
  if (!accumulate) {
    memory.copy(dx, dy, <usize>n << 2);
    return;
  }
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, f32x4.add(v128.load(dx + o), v128.load(dy + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(dx + o) + load<f32>(dy + o));
  }
}
