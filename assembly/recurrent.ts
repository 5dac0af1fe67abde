// What simpleRNN, LSTM and GRU share: their buffers' sizes, the order steps are read in, how h of
// each step (kept step-major, [steps, rows, units], so one GEMM covers a step) meets the
// example-major output, and masks.
import { GRU, LSTM } from "./layers/layer";

/**
 * Values per example a recurrent kernel of `kind` saves for backward (each kernel's file says
 * which), with h ⊙ r of every step after them under recurrent dropout.
 */
export function recurrent_saved_size(kind: i32, steps: i32, units: i32, recurrentDropout: bool): i32 {
  return ((kind == LSTM ? 11 : kind == GRU ? 8 : 2) + (recurrentDropout ? 1 : 0)) * steps * units;
}

/** Values per example its backward pass needs in the shared scratch. */
export function recurrent_scratch_size(kind: i32, steps: i32, units: i32): i32 {
  return (kind == LSTM ? 5 + 8 * steps : kind == GRU ? 3 + 6 * steps : 2 + 2 * steps) * units;
}

/** The input step read at step s: the last first when the layer runs `backwards`. */
// @ts-ignore: decorator
@inline export function inputStep(s: i32, steps: i32, backwards: bool): i32 {
  return backwards ? steps - 1 - s : s;
}

/**
 * `out` gets h of step s ([rows, units] at hs): with `sequences`, into its step s of [rows, steps,
 * units]; otherwise, at the last step, as [rows, units].
 */
export function recurrent_output_step(out: usize, hs: usize, s: i32, rows: i32, steps: i32, units: i32, sequences: bool): void {
  const rowBytes = <usize>units << 2;
  if (sequences) {
    for (let r = 0; r < rows; r++) {
      memory.copy(out + (<usize>r * <usize>steps + <usize>s) * rowBytes, hs + <usize>r * rowBytes, rowBytes);
    }
  } else if (s == steps - 1) {
    memory.copy(out, hs, <usize>rows * rowBytes);
  }
}

/** dh ([rows, units]) gains the output's gradient at step s: dOut's step s, or all of dOut at the last step. */
export function recurrent_output_backward(dh: usize, dOut: usize, s: i32, rows: i32, steps: i32, units: i32, sequences: bool): void {
  const rowBytes = <usize>units << 2;
  if (sequences) {
    for (let r = 0; r < rows; r++) {
      add_row(dh + <usize>r * rowBytes, dOut + (<usize>r * <usize>steps + <usize>s) * rowBytes, units);
    }
  } else if (s == steps - 1) {
    memory.copy(dh, dOut, <usize>rows * rowBytes);
  }
}

/** dst += src over n values. */
// @ts-ignore: decorator
@inline export function add_row(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

// Masks (TF.js's): mask[r·steps + t] is 1 where example r's input step t runs and 0 where it is
// padding (mask 0 as a pointer: no mask). A skipped step carries the state through, h_s = h_{s−1}
// (and the LSTM's c), so backward its gradient passes straight to step s − 1 and its gates get none.

/** Whether example r's input step t is skipped. */
// @ts-ignore: decorator
@inline export function skipped(mask: usize, r: i32, t: i32, steps: i32): bool {
  return mask != 0 && load<f32>(mask + ((<usize>r * <usize>steps + <usize>t) << 2)) == 0;
}

/**
 * The state of the current step ([rows, units]) on every row that skips input step t: the previous
 * step's (`previous`, [rows, units]), or zero at the first step (`previous` 0).
 */
export function recurrent_mask_forward(current: usize, previous: usize, mask: usize, t: i32, rows: i32, steps: i32, units: i32): void {
  if (!mask) return;
  const rowBytes = <usize>units << 2;
  for (let r = 0; r < rows; r++) {
    if (!skipped(mask, r, t, steps)) continue;
    const dst = current + <usize>r * rowBytes;
    if (previous) memory.copy(dst, previous + <usize>r * rowBytes, rowBytes);
    else memory.fill(dst, 0, rowBytes);
  }
}

/** dst ← src ([rows, width] each) on every row that skips input step t: to keep a gradient across a step, and to put it back. */
export function recurrent_mask_copy(dst: usize, src: usize, mask: usize, t: i32, rows: i32, steps: i32, width: i32): void {
  if (!mask) return;
  const rowBytes = <usize>width << 2;
  for (let r = 0; r < rows; r++) {
    if (skipped(mask, r, t, steps)) memory.copy(dst + <usize>r * rowBytes, src + <usize>r * rowBytes, rowBytes);
  }
}

/** Zeroes the gates' gradients ([rows, width]) of every row that skips input step t, before they reach a weight or U. */
export function recurrent_mask_gates(dz: usize, mask: usize, t: i32, rows: i32, steps: i32, width: i32): void {
  if (!mask) return;
  const rowBytes = <usize>width << 2;
  for (let r = 0; r < rows; r++) {
    if (skipped(mask, r, t, steps)) memory.fill(dz + <usize>r * rowBytes, 0, rowBytes);
  }
}

// Dropout inside the recurrence (TF.js's, as Keras's): one mask per example for the inputs, kept for
// every step (x_t ⊙ m: the dispatcher applies it), and one, r, for the state the recurrence reads:
// the kernels use h_{s−1} ⊙ r in place of h_{s−1}, keeping it (hd) for the backward pass, where
// dLoss/dh_{s−1} = dLoss/d(h_{s−1} ⊙ r) ⊙ r.

/** Step s of hd ([steps, rows, units]) = step s of h ⊙ r (r: [rows, units]); returns its address. */
export function recurrent_dropout_step(hd: usize, h: usize, r: usize, s: i32, rows: i32, units: i32): usize {
  const n = rows * units, at = <usize>s * <usize>n << 2;
  mul_rows(hd + at, h + at, r, n);
  return hd + at;
}

/** dst = a ⊙ b over n values (dst may be a or b). */
// @ts-ignore: decorator
@inline export function mul_rows(dst: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(a + o) * load<f32>(b + o));
  }
}

/** xd[r, t, :] = x[r, t, :] ⊙ m[r, :]: an example's mask on each of its steps. */
export function recurrent_dropout_inputs(xd: usize, x: usize, m: usize, rows: i32, steps: i32, width: i32): void {
  for (let r = 0; r < rows; r++) {
    const mr = m + (<usize>r * <usize>width << 2);
    for (let t = 0; t < steps; t++) {
      const at = (<usize>r * <usize>steps + <usize>t) * <usize>width << 2;
      mul_rows(xd + at, x + at, mr, width);
    }
  }
}

/** dx = dxd ⊙ m, as recurrent_dropout_inputs spreads m (added to dx with `accumulate`). */
export function recurrent_dropout_inputs_backward(dx: usize, dxd: usize, m: usize, rows: i32, steps: i32, width: i32, accumulate: bool): void {
  for (let r = 0; r < rows; r++) {
    const mr = m + (<usize>r * <usize>width << 2);
    for (let t = 0; t < steps; t++) {
      const at = (<usize>r * <usize>steps + <usize>t) * <usize>width << 2;
      for (let j = 0; j < width; j++) {
        const o = <usize>j << 2, v = load<f32>(dxd + at + o) * load<f32>(mr + o);
        store<f32>(dx + at + o, accumulate ? load<f32>(dx + at + o) + v : v);
      }
    }
  }
}
