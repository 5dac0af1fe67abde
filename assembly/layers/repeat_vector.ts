// RepeatVector: each example's [features] row repeated n times, [features] → [n, features].
// Forward copies the row n times; backward sums the n gradient rows back into one.

/** y[r, k, :] = x[r, :] for k < n, over `rows` examples of `features` values. */
export function repeat_vector_forward(y: usize, x: usize, rows: i32, n: i32, features: i32): void {
  const bytes = <usize>features << 2;
  for (let r = 0; r < rows; r++) {
    const src = x + <usize>r * bytes;
    const dst = y + <usize>r * <usize>n * bytes;
    for (let k = 0; k < n; k++) memory.copy(dst + <usize>k * bytes, src, bytes);
  }
}

/** dx[r, :] = Σ_k dy[r, k, :] (dx += with `accumulate`), over `rows` examples. */
export function repeat_vector_backward(dx: usize, dy: usize, rows: i32, n: i32, features: i32, accumulate: bool): void {
  const bytes = <usize>features << 2;
  for (let r = 0; r < rows; r++) {
    const d = dx + <usize>r * bytes;
    const g = dy + <usize>r * <usize>n * bytes;
    if (!accumulate) memory.fill(d, 0, bytes);
    let j = 0;
    for (; j + 4 <= features; j += 4) {
      const o = <usize>j << 2;
      let s = v128.load(d + o);
      for (let k = 0; k < n; k++) s = f32x4.add(s, v128.load(g + <usize>k * bytes + o));
      v128.store(d + o, s);
    }
    for (; j < features; j++) {
      const o = <usize>j << 2;
      let s = load<f32>(d + o);
      for (let k = 0; k < n; k++) s += load<f32>(g + <usize>k * bytes + o);
      store<f32>(d + o, s);
    }
  }
}
