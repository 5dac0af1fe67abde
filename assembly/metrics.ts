// Metrics: counts and sums over a batch, added into running totals so batches of any size add up
// exactly into an epoch figure. The TypeScript side turns totals into the reported numbers.

// Slots of the totals array (f64 each).
export const BINARY_CORRECT = 0; // elements with (pred > 0.5) == label
export const CATEGORICAL_CORRECT = 1; // rows with argmax(pred) == argmax(label)
export const SPARSE_CORRECT = 2; // rows with argmax(pred) == label (a class index)
export const SQUARED_ERROR = 3; // Σ (pred − label)²
export const ABSOLUTE_ERROR = 4; // Σ |pred − label|
export const TRUE_POSITIVES = 5; // pred > 0.5 and label == 1
export const FALSE_POSITIVES = 6; // pred > 0.5 and label == 0
export const FALSE_NEGATIVES = 7; // pred ≤ 0.5 and label == 1
export const METRIC_SLOTS = 8;

/**
 * Adds this batch into `totals` for each slot whose bit is set in `mask`. `label` is
 * [rows × cols], or [rows × 1] class indices for SPARSE_CORRECT.
 */
export function metrics_update(totals: usize, pred: usize, label: usize, rows: i32, cols: i32, mask: i32): void {
  const n = <usize>rows * <usize>cols;
  if (mask & (1 << CATEGORICAL_CORRECT | 1 << SPARSE_CORRECT)) {
    let categorical: f64 = 0, sparse: f64 = 0;
    for (let r = 0; r < rows; r++) {
      const row = <usize>r * <usize>cols << 2;
      const guess = argmax(pred + row, cols);
      if (mask & (1 << CATEGORICAL_CORRECT) && guess == argmax(label + row, cols)) categorical += 1;
      if (mask & (1 << SPARSE_CORRECT) && guess == <i32>load<f32>(label + (<usize>r << 2))) sparse += 1;
    }
    add(totals, CATEGORICAL_CORRECT, categorical);
    add(totals, SPARSE_CORRECT, sparse);
  }
  if (mask & ~(1 << CATEGORICAL_CORRECT | 1 << SPARSE_CORRECT)) {
    let correct: f64 = 0, sq: f64 = 0, abs: f64 = 0, tp: f64 = 0, fp: f64 = 0, fn: f64 = 0;
    for (let i: usize = 0; i < n; i++) {
      const p = load<f32>(pred + (i << 2)), y = load<f32>(label + (i << 2));
      const yes = p > 0.5;
      // TF.js binaryAccuracy: step(pred − 0.5) compared with the label.
      if (<f32>(yes ? 1 : 0) == y) correct += 1;
      const d = <f64>(p - y);
      sq += d * d;
      abs += Math.abs(d);
      // Precision and recall threshold predictions at 0.5, as Keras does (TF.js compares with 1).
      if (yes && y == 1) tp += 1;
      if (yes && y == 0) fp += 1;
      if (!yes && y == 1) fn += 1;
    }
    add(totals, BINARY_CORRECT, correct);
    add(totals, SQUARED_ERROR, sq);
    add(totals, ABSOLUTE_ERROR, abs);
    add(totals, TRUE_POSITIVES, tp);
    add(totals, FALSE_POSITIVES, fp);
    add(totals, FALSE_NEGATIVES, fn);
  }
}

// @ts-ignore: decorator
@inline function add(totals: usize, slot: i32, value: f64): void {
  const p = totals + (<usize>slot << 3);
  store<f64>(p, load<f64>(p) + value);
}

/** Index of the first largest value among n floats. */
function argmax(x: usize, n: i32): i32 {
  let best = 0;
  let bestValue = load<f32>(x);
  for (let i = 1; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v > bestValue) { bestValue = v; best = i; }
  }
  return best;
}
