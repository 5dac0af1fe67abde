// Metrics counted over a batch: the number of correct predictions, so batches of any size
// add up exactly into an epoch figure.

export const BINARY_ACCURACY = 0;
export const CATEGORICAL_ACCURACY = 1;

/**
 * Binary: elements where (pred > 0.5) equals the label (label 0 or 1), as TF.js's step(pred − 0.5).
 * Categorical: rows whose argmax of pred equals the argmax of label (first maximum wins).
 */
export function count_correct(pred: usize, label: usize, rows: i32, cols: i32, metric: i32): f64 {
  let correct: f64 = 0;
  if (metric == BINARY_ACCURACY) {
    const n = <usize>rows * <usize>cols;
    for (let i: usize = 0; i < n; i++) {
      const p: f32 = load<f32>(pred + (i << 2)) > 0.5 ? 1 : 0;
      if (p == load<f32>(label + (i << 2))) correct += 1;
    }
    return correct;
  }
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * <usize>cols << 2;
    if (argmax(pred + row, cols) == argmax(label + row, cols)) correct += 1;
  }
  return correct;
}

function argmax(x: usize, n: i32): i32 {
  let best = 0;
  let bestValue = load<f32>(x);
  for (let i = 1; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v > bestValue) { bestValue = v; best = i; }
  }
  return best;
}
