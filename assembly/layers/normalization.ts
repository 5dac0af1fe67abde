// Normalization (Keras's preprocessing layer): each feature of the last axis shifted and scaled by
// statistics fixed before training (adapt() or given), y = (x − mean) / max(√variance, ε), ε = 1e-7
// (Keras's backend epsilon), in float32 as Keras computes it: a difference, then a division.
// A negative variance (only a hand-set weight can hold one) counts as 0, where Keras gives NaN.
// The statistics are non-trainable weights: [mean (features), variance (features), count (1)].
// The gradient is dLoss/dx = dLoss/dy / max(√variance, ε); the statistics get none.

const EPSILON: f32 = 1e-7;

// @ts-ignore: decorator
@inline function spread(variance: f32): f32 {
  return max(Mathf.sqrt(max(variance, 0)), EPSILON);
}

/** y = (x − mean) / max(√variance, ε) over `rows` rows of `features` values. */
export function normalization_forward(y: usize, x: usize, stats: usize, rows: i32, features: i32): void {
  const variance = stats + (<usize>features << 2);
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * <usize>features << 2;
    for (let j = 0; j < features; j++) {
      const at = <usize>j << 2;
      store<f32>(y + row + at, (load<f32>(x + row + at) - load<f32>(stats + at)) / spread(load<f32>(variance + at)));
    }
  }
}

/** dx = dy / max(√variance, ε) (dx += with `accumulate`). */
export function normalization_backward(dx: usize, dy: usize, stats: usize, rows: i32, features: i32, accumulate: bool): void {
  const variance = stats + (<usize>features << 2);
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * <usize>features << 2;
    for (let j = 0; j < features; j++) {
      const at = <usize>j << 2;
      const g = load<f32>(dy + row + at) / spread(load<f32>(variance + at));
      store<f32>(dx + row + at, accumulate ? load<f32>(dx + row + at) + g : g);
    }
  }
}
