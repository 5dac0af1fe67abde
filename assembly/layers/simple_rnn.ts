// SimpleRNN: a fully connected recurrence over the steps of a [steps, inputs] example,
//   z_s = x_t·W + h_{s−1}·U + b,   h_s = f(z_s),   h_{−1} = 0,
// with the kernel W [inputs × units], the recurrent kernel U [units × units] and the bias b [units]
// (Keras's layout: W then U then b, one block). Step s reads input step t = s, or t = steps − 1 − s
// going backwards; the output is h of the last step, or h of every step in processing order (as
// Keras: going backwards, the sequence comes out reversed).
//
// `saved` holds, for the whole batch, z and then h of every step, time-major ([steps, rows, units]
// each) so that one step's rows are contiguous for the recurrence's GEMM, then under recurrent
// dropout (`recurrentMask`, r: [rows, units], 0 for none) h ⊙ r of every step, which the recurrence
// reads in place of h. The x·W of every step is
// one GEMM over rows × steps; the recurrence one small GEMM per step. Backward through time keeps in
// `scratch` dLoss/dh of the step (rows × units), then dLoss/dz of every step time-major and again
// example-major (steps × units per example each), and with a mask dh kept across a skipped step
// ((2 + 2·steps)·units per example in all); dW, db and dX come from one GEMM each, and dU from one
// GEMM over the steps' h and dz. `mask` (0 for none): assembly/recurrent.ts.
import { gemm_nn_bias, gemm_nt, gemm_tn, gemm_keep, gemm_kept } from "../gemm";
import { activation_forward, activation_forward_rows, activation_backward, bias_gradient } from "../activations";
import {
  inputStep, recurrent_output_step, recurrent_output_backward, recurrent_mask_forward, recurrent_mask_copy, recurrent_mask_gates,
  recurrent_dropout_step, mul_rows,
} from "../recurrent";

/**
 * Forward pass of `rows` examples: `out` gets h of the last step ([rows, units]) or, with
 * `sequences`, of every step ([rows, steps, units]). With `keep` it leaves in `saved` what
 * simple_rnn_backward reads; without (inference, no recurrentMask) only the current step lives
 * there: z stays example-major where x·W put it, activated in place, and h alternates between two
 * buffers after it.
 */
export function simple_rnn_forward(
  out: usize, saved: usize, x: usize, mask: usize, recurrentMask: usize, kernel: usize, bias: usize,
  rows: i32, steps: i32, inputs: i32, units: i32, sequences: bool, backwards: bool, keep: bool, act: i32, alpha: f32,
): void {
  const stepBytes = <usize>rows * <usize>units << 2, rowBytes = <usize>units << 2;
  const z = saved, h = saved + <usize>steps * stepBytes, hd = h + <usize>steps * stepBytes;
  const roll = h; // without keep: h, h
  const recurrent = kernel + (<usize>inputs * <usize>units << 2);
  // x·W + b for every (row, input step), example-major: with keep staged in h's place and moved
  // time-major into z, in processing order; without, read where it is (a step's rows steps apart).
  gemm_nn_bias(keep ? h : z, x, kernel, bias, rows * steps, units, inputs);
  if (keep) {
    for (let s = 0; s < steps; s++) {
      const t = inputStep(s, steps, backwards);
      for (let r = 0; r < rows; r++) {
        memory.copy(z + <usize>s * stepBytes + <usize>r * rowBytes, h + (<usize>r * <usize>steps + <usize>t) * rowBytes, rowBytes);
      }
    }
  }
  const ld = keep ? units : steps * units; // floats between a step's rows of z
  gemm_keep(0, recurrent, units, 1, units, units); // U, packed once for every step
  for (let s = 0; s < steps; s++) {
    const t = inputStep(s, steps, backwards);
    const zs = keep ? z + <usize>s * stepBytes : z + <usize>t * rowBytes;
    const hs = keep ? h + <usize>s * stepBytes : roll + <usize>(s & 1) * stepBytes;
    const hPrev = s == 0 ? <usize>0 : keep ? hs - stepBytes : roll + <usize>((s - 1) & 1) * stepBytes;
    if (s > 0) {
      const prev = recurrentMask ? recurrent_dropout_step(hd, h, recurrentMask, s - 1, rows, units) : hPrev;
      gemm_kept(0, zs, ld, prev, units, 1, rows, true);
    }
    if (keep) {
      activation_forward(hs, zs, rows, units, act, alpha);
    } else {
      activation_forward_rows(zs, zs, rows, units, ld, act, alpha);
      for (let r = 0; r < rows; r++) memory.copy(hs + <usize>r * rowBytes, zs + <usize>r * (<usize>ld << 2), rowBytes);
    }
    recurrent_mask_forward(hs, hPrev, mask, t, rows, steps, units);
    recurrent_output_step(out, hs, s, rows, steps, units, sequences);
  }
}

/**
 * Backward through time from dOut (dLoss/dOutput, as the forward pass's `out`), after a forward pass
 * on `x` that left `saved` (which it leaves as it was):
 *   dh_s = dy_s + dz_{s+1}·Uᵀ,   dz_s = f'(z_s) ⊙ dh_s,
 *   dW = Σ x_tᵀ·dz_s,   dU = Σ h_{s−1}ᵀ·dz_s,   db = Σ dz_s,   dx_t = dz_s·Wᵀ.
 * Weight gradients are skipped when `kernelGrad` is 0 (a frozen layer), dX when `inputGrad` is 0;
 * with `accumulate…` the results are added to what is there.
 */
export function simple_rnn_backward(
  inputGrad: usize, kernelGrad: usize, biasGrad: usize, dOut: usize,
  saved: usize, scratch: usize, x: usize, mask: usize, recurrentMask: usize, kernel: usize,
  rows: i32, steps: i32, inputs: i32, units: i32, sequences: bool, backwards: bool, act: i32, alpha: f32,
  accumulateParams: bool, accumulateInput: bool,
): void {
  if (!kernelGrad && !inputGrad) return;
  const stepBytes = <usize>rows * <usize>units << 2, rowBytes = <usize>units << 2;
  const z = saved, h = saved + <usize>steps * stepBytes, hd = h + <usize>steps * stepBytes, d = scratch;
  const dzs = d + stepBytes, dz = dzs + <usize>steps * stepBytes, keep = dz + <usize>steps * stepBytes;
  const recurrent = kernel + (<usize>inputs * <usize>units << 2);
  memory.fill(d, 0, stepBytes);
  gemm_keep(0, recurrent, 1, units, units, units); // Uᵀ, packed once for every step
  for (let s = steps - 1; s >= 0; s--) {
    const zs = z + <usize>s * stepBytes, hs = h + <usize>s * stepBytes;
    // dh_s: what came back through U from step s + 1, plus the output's gradient at this step.
    recurrent_output_backward(d, dOut, s, rows, steps, units, sequences);
    const t = inputStep(s, steps, backwards), dzStep = dzs + <usize>s * stepBytes;
    recurrent_mask_copy(keep, d, mask, t, rows, steps, units);
    activation_backward(dzStep, d, zs, hs, rows, units, act, alpha);
    recurrent_mask_gates(dzStep, mask, t, rows, steps, units);
    if (s > 0) {
      gemm_kept(0, d, units, dzStep, units, 1, rows, false);
      if (recurrentMask) mul_rows(d, d, recurrentMask, rows * units);
    }
    recurrent_mask_copy(d, keep, mask, t, rows, steps, units);
  }
  if (kernelGrad) {
    const recurrentGrad = kernelGrad + (<usize>inputs * <usize>units << 2);
    // dU = Σ_{s ≥ 1} h_{s−1}ᵀ·dz_s: the steps 0 … steps − 2 of h against 1 … steps − 1 of dz.
    if (steps > 1) gemm_tn(recurrentGrad, recurrentMask ? hd : h, dzs + stepBytes, units, units, rows * (steps - 1), accumulateParams);
    else if (!accumulateParams) memory.fill(recurrentGrad, 0, <usize>units * rowBytes);
  }
  // dz in example-major order of the input steps, for one GEMM each over rows × steps.
  for (let s = 0; s < steps; s++) {
    const t = inputStep(s, steps, backwards);
    for (let r = 0; r < rows; r++) {
      memory.copy(dz + (<usize>r * <usize>steps + <usize>t) * rowBytes, dzs + <usize>s * stepBytes + <usize>r * rowBytes, rowBytes);
    }
  }
  const n = rows * steps;
  if (kernelGrad) {
    if (biasGrad) bias_gradient(biasGrad, dz, n, units, accumulateParams);
    gemm_tn(kernelGrad, x, dz, inputs, units, n, accumulateParams);
  }
  // (x may be inputGrad's buffer, under input dropout: dW has read it by now.)
  if (inputGrad) gemm_nt(inputGrad, dz, kernel, n, inputs, units, accumulateInput);
}
