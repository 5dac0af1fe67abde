// Bidirectional (TF.js's): a recurrent layer run over the steps forwards and, with its own weights,
// backwards, the two outputs merged:
//   y = merge(f, b),  f = forward(x),  b = backward(x) with its steps put back in input order,
// merge: concat ([f | b]), sum (f + b), mul (f ⊙ b) or ave ((f + b) / 2). Only with returnSequences
// does the backward run's output need reversing (its step s is input step T − 1 − s); the last
// step's h of each run is already the whole sequence's summary.
//
// The layer's `saved` holds, in order: the forward run's saved values, the backward run's, then the
// two runs' outputs f and b and, during the backward pass, their gradients df and db (rows × the
// run's output each). The runs themselves are the recurrent kernels (index.ts calls them).
export const CONCAT = 0;
export const SUM = 1;
export const MUL = 2;
export const AVE = 3;

/** The width of each run's output, from the merged width: concat's is twice it. */
// @ts-ignore: decorator
@inline export function run_units(mode: i32, width: i32): i32 {
  return mode == CONCAT ? width >> 1 : width;
}

// Where run b's step s sits in y: step T − 1 − s when the runs return sequences (reversed).
// @ts-ignore: decorator
@inline function mergedStep(s: i32, steps: i32): i32 {
  return steps - 1 - s;
}

/** y from f and b ([rows, steps, units] each; steps is 1 without returnSequences). */
export function bidirectional_merge_forward(y: usize, f: usize, b: usize, rows: i32, steps: i32, units: i32, mode: i32): void {
  const width = mode == CONCAT ? units << 1 : units;
  for (let r = 0; r < rows; r++) {
    for (let s = 0; s < steps; s++) {
      const fr = f + ((<usize>r * <usize>steps + <usize>s) * <usize>units << 2);
      const br = b + ((<usize>r * <usize>steps + <usize>mergedStep(s, steps)) * <usize>units << 2);
      const yr = y + ((<usize>r * <usize>steps + <usize>s) * <usize>width << 2);
      if (mode == CONCAT) {
        memory.copy(yr, fr, <usize>units << 2);
        memory.copy(yr + (<usize>units << 2), br, <usize>units << 2);
        continue;
      }
      for (let j = 0; j < units; j++) {
        const o = <usize>j << 2, fv = load<f32>(fr + o), bv = load<f32>(br + o);
        store<f32>(yr + o, mode == SUM ? fv + bv : mode == MUL ? fv * bv : (fv + bv) * <f32>0.5);
      }
    }
  }
}

/** df and db from dy, the merge's chain rule (mul reads f and b). */
export function bidirectional_merge_backward(df: usize, db: usize, dy: usize, f: usize, b: usize, rows: i32, steps: i32, units: i32, mode: i32): void {
  const width = mode == CONCAT ? units << 1 : units;
  for (let r = 0; r < rows; r++) {
    for (let s = 0; s < steps; s++) {
      const at = (<usize>r * <usize>steps + <usize>s) * <usize>units << 2;
      const back = (<usize>r * <usize>steps + <usize>mergedStep(s, steps)) * <usize>units << 2;
      const dyr = dy + ((<usize>r * <usize>steps + <usize>s) * <usize>width << 2);
      if (mode == CONCAT) {
        memory.copy(df + at, dyr, <usize>units << 2);
        memory.copy(db + back, dyr + (<usize>units << 2), <usize>units << 2);
        continue;
      }
      for (let j = 0; j < units; j++) {
        const o = <usize>j << 2, d = load<f32>(dyr + o);
        if (mode == MUL) {
          store<f32>(df + at + o, d * load<f32>(b + back + o));
          store<f32>(db + back + o, d * load<f32>(f + at + o));
        } else {
          const g = mode == SUM ? d : d * <f32>0.5;
          store<f32>(df + at + o, g);
          store<f32>(db + back + o, g);
        }
      }
    }
  }
}
