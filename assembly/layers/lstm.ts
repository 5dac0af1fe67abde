// LSTM: a gated recurrence over the steps of a [steps, inputs] example (TF.js's LSTMCell),
//   z_s = x_t·W + h_{s−1}·U + b = [z_i | z_f | z_c | z_o],
//   i = r(z_i), f = r(z_f), g = a(z_c), o = r(z_o),
//   c_s = f ⊙ c_{s−1} + i ⊙ g,   h_s = o ⊙ a(c_s),   h_{−1} = c_{−1} = 0,
// with r the recurrent activation (TF.js: hardSigmoid), a the activation (tanh), the kernel W
// [inputs × 4·units], the recurrent kernel U [units × 4·units] and the bias b [4·units], each in
// TF.js's gate order i, f, c, o (one block: W then U then b). Step s reads input step t = s, or
// t = steps − 1 − s going backwards; the output is h of the last step, or of every step in
// processing order (as Keras: going backwards, the sequence comes out reversed).
//
// `saved` holds, for the whole batch and time-major ([steps, rows, …] each, so one step's rows are
// contiguous for the recurrence's GEMM): z and the activated gates (4·units each), then c, a(c) and
// h (units each): 11·steps·units per example, then under recurrent dropout (`recurrentMask`, r:
// [rows, units], 0 for none) h ⊙ r of every step, which the recurrence reads in place of h. The
// x·W of every step is one GEMM over rows × steps; the recurrence one small GEMM per step. Backward through time keeps in `scratch` dLoss/dh and
// dLoss/dc of the step and a temporary (units each), then dLoss/dz of every step time-major and
// again example-major (4·units per step each), and with a mask dh and dc kept across a skipped step:
// (5 + 8·steps)·units per example in all. `mask` (0 for none): assembly/recurrent.ts.
import { gemm_nn_bias, gemm_nt, gemm_tn, gemm_keep, gemm_kept } from "../gemm";
import { activation_forward, activation_backward, activation_forward_rows, activation_backward_rows, bias_gradient } from "../activations";
import {
  inputStep, recurrent_output_step, recurrent_output_backward, add_row, recurrent_mask_forward, recurrent_mask_copy, recurrent_mask_gates,
  recurrent_dropout_step, mul_rows,
} from "../recurrent";

/** The gate activations of one step's rows (`ld` floats apart), a call per gate (softmax, too, stays within a gate): r on i, f, o; a on c. */
function activateGates(ga: usize, gz: usize, rows: i32, units: i32, ld: i32, act: i32, alpha: f32, recAct: i32, recAlpha: f32): void {
  const gateBytes = <usize>units << 2;
  activation_forward_rows(ga, gz, rows, units, ld, recAct, recAlpha);
  activation_forward_rows(ga + gateBytes, gz + gateBytes, rows, units, ld, recAct, recAlpha);
  activation_forward_rows(ga + gateBytes * 2, gz + gateBytes * 2, rows, units, ld, act, alpha);
  activation_forward_rows(ga + gateBytes * 3, gz + gateBytes * 3, rows, units, ld, recAct, recAlpha);
}

/**
 * Forward pass of `rows` examples: `out` gets h of the last step ([rows, units]) or, with
 * `sequences`, of every step ([rows, steps, units]). With `keep` it leaves in `saved` what
 * lstm_backward reads; without (inference, no recurrentMask) only the current step lives there:
 * z stays example-major where x·W put it, its gates activated in place, and c, h alternate
 * between two buffers each after it, with a(c) beside them (z's 4·steps + 5 units per example).
 */
export function lstm_forward(
  out: usize, saved: usize, x: usize, mask: usize, recurrentMask: usize, kernel: usize, bias: usize,
  rows: i32, steps: i32, inputs: i32, units: i32, sequences: bool, backwards: bool, keep: bool,
  act: i32, alpha: f32, recAct: i32, recAlpha: f32,
): void {
  const u4 = units << 2;
  const stepBytes = <usize>rows * <usize>units << 2, gateStepBytes = stepBytes << 2;
  const rowBytes = <usize>units << 2, gateRowBytes = rowBytes << 2;
  const z = saved, ga = z + <usize>steps * gateStepBytes, c = ga + <usize>steps * gateStepBytes;
  const tc = c + <usize>steps * stepBytes, h = tc + <usize>steps * stepBytes, hd = h + <usize>steps * stepBytes;
  const roll = ga; // without keep: c, c, h, h, a(c)
  const recurrent = kernel + (<usize>inputs * <usize>u4 << 2);
  // x·W + b for every (row, input step), example-major: with keep staged in the gates' place and
  // moved time-major into z, in processing order; without, read where it is (a step's rows steps apart).
  gemm_nn_bias(keep ? ga : z, x, kernel, bias, rows * steps, u4, inputs);
  if (keep) {
    for (let s = 0; s < steps; s++) {
      const t = inputStep(s, steps, backwards);
      for (let r = 0; r < rows; r++) {
        memory.copy(z + <usize>s * gateStepBytes + <usize>r * gateRowBytes, ga + (<usize>r * <usize>steps + <usize>t) * gateRowBytes, gateRowBytes);
      }
    }
  }
  const ld = keep ? u4 : steps * u4, ldBytes = <usize>ld << 2; // floats between a step's rows of z and of the gates
  gemm_keep(0, recurrent, u4, 1, u4, units); // U, packed once for every step
  for (let s = 0; s < steps; s++) {
    const t = inputStep(s, steps, backwards);
    // This step's z, gates, c, a(c) and h, and the previous step's c and h (0 before the first).
    const zs = keep ? z + <usize>s * gateStepBytes : z + <usize>t * gateRowBytes, as = keep ? ga + <usize>s * gateStepBytes : zs;
    const cs = keep ? c + <usize>s * stepBytes : roll + <usize>(s & 1) * stepBytes;
    const hs = keep ? h + <usize>s * stepBytes : roll + <usize>(2 + (s & 1)) * stepBytes;
    const tcs = keep ? tc + <usize>s * stepBytes : roll + 4 * stepBytes;
    const cp = s == 0 ? <usize>0 : keep ? cs - stepBytes : roll + <usize>((s - 1) & 1) * stepBytes;
    const hp = s == 0 ? <usize>0 : keep ? hs - stepBytes : roll + <usize>(2 + ((s - 1) & 1)) * stepBytes;
    if (s > 0) {
      const prev = recurrentMask ? recurrent_dropout_step(hd, h, recurrentMask, s - 1, rows, units) : hp;
      gemm_kept(0, zs, ld, prev, units, 1, rows, true);
    }
    activateGates(as, zs, rows, units, ld, act, alpha, recAct, recAlpha);
    for (let r = 0; r < rows; r++) {
      const a = as + <usize>r * ldBytes, cr = cs + <usize>r * rowBytes;
      if (s > 0) cell_update(cr, a + rowBytes, cp + <usize>r * rowBytes, a, a + rowBytes * 2, units);
      else mul_rows(cr, a, a + rowBytes * 2, units);
    }
    recurrent_mask_forward(cs, cp, mask, t, rows, steps, units);
    activation_forward(tcs, cs, rows, units, act, alpha);
    for (let r = 0; r < rows; r++) {
      const a = as + <usize>r * ldBytes + rowBytes * 3, tr = tcs + <usize>r * rowBytes, hr = hs + <usize>r * rowBytes;
      mul_rows(hr, a, tr, units);
    }
    recurrent_mask_forward(hs, hp, mask, t, rows, steps, units);
    recurrent_output_step(out, hs, s, rows, steps, units, sequences);
  }
}

/**
 * Backward through time from dOut (dLoss/dOutput, as the forward pass's `out`), after a forward pass
 * on `x` that left `saved` (which it leaves as it was):
 *   dh_s = dy_s + dz_{s+1}·Uᵀ,   dc_s = f_{s+1} ⊙ dc_{s+1} + dh_s ⊙ o ⊙ a'(c_s),
 *   dz = [r'(z_i) ⊙ dc ⊙ g | r'(z_f) ⊙ dc ⊙ c_{s−1} | a'(z_c) ⊙ dc ⊙ i | r'(z_o) ⊙ dh ⊙ a(c_s)],
 *   dW = Σ x_tᵀ·dz_s,   dU = Σ h_{s−1}ᵀ·dz_s,   db = Σ dz_s,   dx_t = dz_s·Wᵀ.
 * Weight gradients are skipped when `kernelGrad` is 0 (a frozen layer), dX when `inputGrad` is 0;
 * with `accumulate…` the results are added to what is there.
 */
export function lstm_backward(
  inputGrad: usize, kernelGrad: usize, biasGrad: usize, dOut: usize,
  saved: usize, scratch: usize, x: usize, mask: usize, recurrentMask: usize, kernel: usize,
  rows: i32, steps: i32, inputs: i32, units: i32, sequences: bool, backwards: bool,
  act: i32, alpha: f32, recAct: i32, recAlpha: f32,
  accumulateParams: bool, accumulateInput: bool,
): void {
  if (!kernelGrad && !inputGrad) return;
  const u4 = units << 2;
  const stepBytes = <usize>rows * <usize>units << 2, gateStepBytes = stepBytes << 2;
  const rowBytes = <usize>units << 2, gateRowBytes = rowBytes << 2;
  const z = saved, ga = z + <usize>steps * gateStepBytes, c = ga + <usize>steps * gateStepBytes;
  const tc = c + <usize>steps * stepBytes, h = tc + <usize>steps * stepBytes, hd = h + <usize>steps * stepBytes;
  const dh = scratch, dc = dh + stepBytes, tmp = dc + stepBytes;
  const dzs = tmp + stepBytes, dz = dzs + <usize>steps * gateStepBytes;
  const keepH = dz + <usize>steps * gateStepBytes, keepC = keepH + stepBytes;
  const recurrent = kernel + (<usize>inputs * <usize>u4 << 2);
  memory.fill(dh, 0, stepBytes);
  memory.fill(dc, 0, stepBytes);
  gemm_keep(0, recurrent, 1, u4, units, u4); // Uᵀ, packed once for every step
  for (let s = steps - 1; s >= 0; s--) {
    const zs = z + <usize>s * gateStepBytes, as = ga + <usize>s * gateStepBytes;
    const cs = c + <usize>s * stepBytes, tcs = tc + <usize>s * stepBytes;
    const dzStep = dzs + <usize>s * gateStepBytes;
    // dh_s: what came back through U from step s + 1, plus the output's gradient at this step.
    recurrent_output_backward(dh, dOut, s, rows, steps, units, sequences);
    const t = inputStep(s, steps, backwards);
    recurrent_mask_copy(keepH, dh, mask, t, rows, steps, units);
    recurrent_mask_copy(keepC, dc, mask, t, rows, steps, units);
    // dLoss/d(a(c)) = dh ⊙ o into tmp, then through a' and into dc; dLoss/do = dh ⊙ a(c).
    for (let r = 0; r < rows; r++) {
      const a = as + <usize>r * gateRowBytes + rowBytes * 3, d = dzStep + <usize>r * gateRowBytes + rowBytes * 3;
      const hr = dh + <usize>r * rowBytes, tr = tcs + <usize>r * rowBytes, mr = tmp + <usize>r * rowBytes;
      mul_rows(mr, hr, a, units);
      mul_rows(d, hr, tr, units);
    }
    activation_backward(tmp, tmp, cs, tcs, rows, units, act, alpha);
    add_row(dc, tmp, rows * units);
    // The gates' dLoss/d(activated): i ← dc ⊙ g, f ← dc ⊙ c_{s−1}, g ← dc ⊙ i; then dc_{s−1} = dc ⊙ f.
    for (let r = 0; r < rows; r++) {
      const a = as + <usize>r * gateRowBytes, d = dzStep + <usize>r * gateRowBytes;
      const cr = cs + <usize>r * rowBytes, dcr = dc + <usize>r * rowBytes;
      mul_rows(d, dcr, a + rowBytes * 2, units);
      if (s > 0) mul_rows(d + rowBytes, dcr, cr - stepBytes, units);
      else memory.fill(d + rowBytes, 0, rowBytes);
      mul_rows(d + rowBytes * 2, dcr, a, units);
      mul_rows(dcr, dcr, a + rowBytes, units);
    }
    // Through the gate activations, in place, a call per gate.
    activation_backward_rows(dzStep, dzStep, zs, as, rows, units, u4, recAct, recAlpha);
    const fOff = rowBytes, cOff = rowBytes * 2, oOff = rowBytes * 3;
    activation_backward_rows(dzStep + fOff, dzStep + fOff, zs + fOff, as + fOff, rows, units, u4, recAct, recAlpha);
    activation_backward_rows(dzStep + cOff, dzStep + cOff, zs + cOff, as + cOff, rows, units, u4, act, alpha);
    activation_backward_rows(dzStep + oOff, dzStep + oOff, zs + oOff, as + oOff, rows, units, u4, recAct, recAlpha);
    recurrent_mask_gates(dzStep, mask, t, rows, steps, u4);
    if (s > 0) {
      gemm_kept(0, dh, units, dzStep, u4, 1, rows, false);
      if (recurrentMask) mul_rows(dh, dh, recurrentMask, rows * units);
    }
    recurrent_mask_copy(dh, keepH, mask, t, rows, steps, units);
    recurrent_mask_copy(dc, keepC, mask, t, rows, steps, units);
  }
  if (kernelGrad) {
    const recurrentGrad = kernelGrad + (<usize>inputs * <usize>u4 << 2);
    // dU = Σ_{s ≥ 1} h_{s−1}ᵀ·dz_s: the steps 0 … steps − 2 of h against 1 … steps − 1 of dz.
    if (steps > 1) gemm_tn(recurrentGrad, recurrentMask ? hd : h, dzs + gateStepBytes, units, u4, rows * (steps - 1), accumulateParams);
    else if (!accumulateParams) memory.fill(recurrentGrad, 0, <usize>units * gateRowBytes);
  }
  // dz in example-major order of the input steps, for one GEMM each over rows × steps.
  for (let s = 0; s < steps; s++) {
    const t = inputStep(s, steps, backwards);
    for (let r = 0; r < rows; r++) {
      memory.copy(dz + (<usize>r * <usize>steps + <usize>t) * gateRowBytes, dzs + <usize>s * gateStepBytes + <usize>r * gateRowBytes, gateRowBytes);
    }
  }
  const n = rows * steps;
  if (kernelGrad) {
    if (biasGrad) bias_gradient(biasGrad, dz, n, u4, accumulateParams);
    gemm_tn(kernelGrad, x, dz, inputs, u4, n, accumulateParams);
  }
  // (x may be inputGrad's buffer, under input dropout: dW has read it by now.)
  if (inputGrad) gemm_nt(inputGrad, dz, kernel, n, inputs, u4, accumulateInput);
}

/** The cell state: c = f ⊙ prev + i ⊙ g over n values. */
// @ts-ignore: decorator
@inline function cell_update(c: usize, f: usize, prev: usize, i: usize, g: usize, n: i32): void {
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = <usize>k << 2;
    v128.store(c + o, f32x4.add(f32x4.mul(v128.load(f + o), v128.load(prev + o)), f32x4.mul(v128.load(i + o), v128.load(g + o))));
  }
  for (; k < n; k++) {
    const o = <usize>k << 2;
    store<f32>(c + o, load<f32>(f + o) * load<f32>(prev + o) + load<f32>(i + o) * load<f32>(g + o));
  }
}
