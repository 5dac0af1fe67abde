// GRU as TF.js computes it (reset gate applied before the recurrent kernel, no resetAfter), over the
// steps of a [steps, inputs] example, with the gates in TF.js's order z, r, h:
//   a = x_t·W + b,   a_z += h_{s−1}·U_z,   a_r += h_{s−1}·U_r,
//   z = σ(a_z),   r = σ(a_r),   a_h += (r ⊙ h_{s−1})·U_h,   ĥ = f(a_h),
//   h_s = z ⊙ h_{s−1} + (1 − z) ⊙ ĥ,   h_{−1} = 0,
// with σ the recurrent activation, the kernel W [inputs × 3·units], the recurrent kernel U
// [units × 3·units] and the bias b [3·units] (one block: W then U then b). Step s reads input step
// t = s, or t = steps − 1 − s going backwards; the output is h of the last step, or of every step in
// processing order.
//
// `saved` holds, for the whole batch and time-major ([steps, rows, …] each): the pre-activations a
// (3·units), the gates z, r, ĥ (3·units), h (units) and r ⊙ h_{s−1} (units): 8·steps·units per
// example; then under recurrent dropout (`recurrentMask`, m: [rows, units], 0 for none) h ⊙ m of
// every step, which the step after reads in place of h_{s−1} (in the gates and in h_s, as TF.js). The x·W of every step is one GEMM over rows × steps; the recurrence two small GEMMs per
// step. Backward through time keeps in `scratch` dLoss/dh (rows × units), a step's d(r ⊙ h_{s−1})
// (rows × units), then da of every step time-major and example-major (3·units × steps per example
// each), and with a mask dh kept across a skipped step: (3 + 6·steps)·units per example. `mask` (0
// for none): assembly/recurrent.ts.
import { gemm_nn_bias, gemm_tn, gemm_nt, gemm_strided, gemm_keep, gemm_kept } from "../gemm";
import { activation_forward_rows, activation_backward_rows, bias_gradient } from "../activations";
import {
  inputStep, recurrent_output_step, recurrent_output_backward, recurrent_mask_forward, recurrent_mask_copy, recurrent_mask_gates,
  recurrent_dropout_step, mul_rows,
} from "../recurrent";

/**
 * Forward pass of `rows` examples: `out` gets h of the last step ([rows, units]) or, with
 * `sequences`, of every step ([rows, steps, units]). With `keep` it leaves in `saved` what
 * gru_backward reads; without (inference, no recurrentMask) only the current step lives there:
 * a stays example-major where x·W put it, its gates activated in place, and h alternates between
 * two buffers after it, with r ⊙ h_{s−1} beside them (a's 3·steps + 3 units per example).
 */
export function gru_forward(
  out: usize, saved: usize, x: usize, mask: usize, recurrentMask: usize, kernel: usize, bias: usize,
  rows: i32, steps: i32, inputs: i32, units: i32, sequences: bool, backwards: bool, keep: bool,
  act: i32, alpha: f32, recurrentAct: i32, recurrentAlpha: f32,
): void {
  const u3 = 3 * units;
  const gateRow = <usize>u3 << 2, rowBytes = <usize>units << 2;
  const gateStep = <usize>rows * gateRow, stepBytes = <usize>rows * rowBytes;
  const a = saved, g = a + <usize>steps * gateStep, h = g + <usize>steps * gateStep, rh = h + <usize>steps * stepBytes;
  const hd = rh + <usize>steps * stepBytes;
  const roll = g; // without keep: h, h, r ⊙ h_{s−1}
  const recurrent = kernel + (<usize>inputs * <usize>u3 << 2);
  // x·W + b for every (row, input step), example-major: with keep staged in the gates' place and
  // moved time-major into a, in processing order; without, read where it is (a step's rows steps apart).
  gemm_nn_bias(keep ? g : a, x, kernel, bias, rows * steps, u3, inputs);
  if (keep) {
    for (let s = 0; s < steps; s++) {
      const t = inputStep(s, steps, backwards);
      for (let r = 0; r < rows; r++) {
        memory.copy(a + <usize>s * gateStep + <usize>r * gateRow, g + (<usize>r * <usize>steps + <usize>t) * gateRow, gateRow);
      }
    }
  }
  const ld = keep ? u3 : steps * u3, ldBytes = <usize>ld << 2; // floats between a step's rows of a and of the gates
  // [U_z U_r] and U_h, each packed once for every step.
  gemm_keep(0, recurrent, u3, 1, 2 * units, units);
  gemm_keep(1, recurrent + (rowBytes << 1), u3, 1, units, units);
  for (let s = 0; s < steps; s++) {
    const t = inputStep(s, steps, backwards);
    // This step's a, gates, h and r ⊙ h_{s−1}, and the previous step's h (0 before the first).
    const as = keep ? a + <usize>s * gateStep : a + <usize>t * gateRow, gs = keep ? g + <usize>s * gateStep : as;
    const hs = keep ? h + <usize>s * stepBytes : roll + <usize>(s & 1) * stepBytes;
    const rhs = keep ? rh + <usize>s * stepBytes : roll + 2 * stepBytes;
    const hPrev = s == 0 ? <usize>0 : keep ? hs - stepBytes : roll + <usize>((s - 1) & 1) * stepBytes;
    const hp = s > 0 && recurrentMask ? recurrent_dropout_step(hd, h, recurrentMask, s - 1, rows, units) : hPrev;
    // a_z, a_r += h_{s−1}·[U_z U_r]
    if (s > 0) gemm_kept(0, as, ld, hp, units, 1, rows, true);
    activation_forward_rows(gs, as, rows, units, ld, recurrentAct, recurrentAlpha);
    activation_forward_rows(gs + rowBytes, as + rowBytes, rows, units, ld, recurrentAct, recurrentAlpha);
    if (s > 0) {
      // r ⊙ h_{s−1}, then a_h += (r ⊙ h_{s−1})·U_h
      for (let r = 0; r < rows; r++) {
        mul_rows(rhs + <usize>r * rowBytes, gs + <usize>r * ldBytes + rowBytes, hp + <usize>r * rowBytes, units);
      }
      gemm_kept(1, as + (rowBytes << 1), ld, rhs, units, 1, rows, true);
    } else {
      memory.fill(rhs, 0, stepBytes);
    }
    activation_forward_rows(gs + (rowBytes << 1), as + (rowBytes << 1), rows, units, ld, act, alpha);
    // h = z ⊙ h_{s−1} + (1 − z) ⊙ ĥ
    for (let r = 0; r < rows; r++) {
      const zr = gs + <usize>r * ldBytes, hh = zr + (rowBytes << 1), dst = hs + <usize>r * rowBytes, prev = hp + <usize>r * rowBytes;
      let j = 0;
      const one = f32x4.splat(1);
      for (; j + 4 <= units; j += 4) {
        const o = <usize>j << 2;
        const z = v128.load(zr + o), p = s > 0 ? v128.load(prev + o) : f32x4.splat(0);
        v128.store(dst + o, f32x4.add(f32x4.mul(z, p), f32x4.mul(f32x4.sub(one, z), v128.load(hh + o))));
      }
      for (; j < units; j++) {
        const o = <usize>j << 2;
        const z = load<f32>(zr + o), p: f32 = s > 0 ? load<f32>(prev + o) : 0;
        store<f32>(dst + o, z * p + (<f32>1 - z) * load<f32>(hh + o));
      }
    }
    recurrent_mask_forward(hs, hPrev, mask, t, rows, steps, units);
    recurrent_output_step(out, hs, s, rows, steps, units, sequences);
  }
}

/**
 * Backward through time from dOut (dLoss/dOutput, as the forward pass's `out`), after a forward pass
 * on `x` that left `saved` (which it leaves as it was). With dh the gradient reaching h_s:
 *   dĥ = dh ⊙ (1 − z),  dz = dh ⊙ (h_{s−1} − ĥ),  da_h = f'(a_h) ⊙ dĥ,  d(r⊙h) = da_h·U_hᵀ,
 *   dr = d(r⊙h) ⊙ h_{s−1},  da_z,r = σ'(a_z,r) ⊙ dz,r,
 *   dh_{s−1} = dh ⊙ z + d(r⊙h) ⊙ r + [da_z da_r]·[U_z U_r]ᵀ (+ the output's gradient at s − 1);
 *   dW = Σ x_tᵀ·da,  dU_z,r = Σ h_{s−1}ᵀ·da_z,r,  dU_h = Σ (r⊙h_{s−1})ᵀ·da_h,  db = Σ da,  dx_t = da·Wᵀ.
 * Weight gradients are skipped when `kernelGrad` is 0 (a frozen layer), dX when `inputGrad` is 0;
 * with `accumulate…` the results are added to what is there.
 */
export function gru_backward(
  inputGrad: usize, kernelGrad: usize, biasGrad: usize, dOut: usize,
  saved: usize, scratch: usize, x: usize, mask: usize, recurrentMask: usize, kernel: usize,
  rows: i32, steps: i32, inputs: i32, units: i32, sequences: bool, backwards: bool,
  act: i32, alpha: f32, recurrentAct: i32, recurrentAlpha: f32,
  accumulateParams: bool, accumulateInput: bool,
): void {
  if (!kernelGrad && !inputGrad) return;
  const u3 = 3 * units;
  const gateRow = <usize>u3 << 2, rowBytes = <usize>units << 2;
  const gateStep = <usize>rows * gateRow, stepBytes = <usize>rows * rowBytes;
  const a = saved, g = a + <usize>steps * gateStep, h = g + <usize>steps * gateStep, rh = h + <usize>steps * stepBytes;
  const prevH = recurrentMask ? rh + <usize>steps * stepBytes : h; // what the steps read as h_{s−1}
  const d = scratch, drh = d + stepBytes, das = drh + stepBytes, da = das + <usize>steps * gateStep, keep = da + <usize>steps * gateStep;
  const recurrent = kernel + (<usize>inputs * <usize>u3 << 2);
  memory.fill(d, 0, stepBytes);
  // U_hᵀ and [U_z U_r]ᵀ, each packed once for every step.
  gemm_keep(0, recurrent + (rowBytes << 1), 1, u3, units, units);
  gemm_keep(1, recurrent, 1, u3, units, 2 * units);
  for (let s = steps - 1; s >= 0; s--) {
    const as = a + <usize>s * gateStep, gs = g + <usize>s * gateStep, hp = prevH + <usize>(s - 1) * stepBytes;
    const dA = das + <usize>s * gateStep;
    recurrent_output_backward(d, dOut, s, rows, steps, units, sequences);
    const t = inputStep(s, steps, backwards);
    recurrent_mask_copy(keep, d, mask, t, rows, steps, units);
    // dz and dĥ (before their activations' derivatives); d becomes dh ⊙ z, the direct path to h_{s−1}.
    for (let r = 0; r < rows; r++) {
      const gr = gs + <usize>r * gateRow, dr = dA + <usize>r * gateRow, dh = d + <usize>r * rowBytes, prev = hp + <usize>r * rowBytes;
      let j = 0;
      const one = f32x4.splat(1);
      for (; j + 4 <= units; j += 4) {
        const o = <usize>j << 2;
        const z = v128.load(gr + o), hh = v128.load(gr + (rowBytes << 1) + o), dv = v128.load(dh + o);
        const p = s > 0 ? v128.load(prev + o) : f32x4.splat(0);
        v128.store(dr + o, f32x4.mul(dv, f32x4.sub(p, hh)));
        v128.store(dr + (rowBytes << 1) + o, f32x4.mul(dv, f32x4.sub(one, z)));
        v128.store(dh + o, f32x4.mul(dv, z));
      }
      for (; j < units; j++) {
        const o = <usize>j << 2;
        const z = load<f32>(gr + o), hh = load<f32>(gr + (rowBytes << 1) + o), dv = load<f32>(dh + o);
        const p: f32 = s > 0 ? load<f32>(prev + o) : 0;
        store<f32>(dr + o, dv * (p - hh));
        store<f32>(dr + (rowBytes << 1) + o, dv * (<f32>1 - z));
        store<f32>(dh + o, dv * z);
      }
    }
    const hOff = rowBytes << 1;
    activation_backward_rows(dA + hOff, dA + hOff, as + hOff, gs + hOff, rows, units, u3, act, alpha);
    if (s > 0) {
      // d(r ⊙ h_{s−1}) = da_h·U_hᵀ: dr into the r block, and its share of dh_{s−1}.
      gemm_kept(0, drh, units, dA + (rowBytes << 1), u3, 1, rows, false);
      for (let r = 0; r < rows; r++) {
        const gr = gs + <usize>r * gateRow + rowBytes, dr = dA + <usize>r * gateRow + rowBytes;
        const dh = d + <usize>r * rowBytes, t = drh + <usize>r * rowBytes, prev = hp + <usize>r * rowBytes;
        let j = 0;
        for (; j + 4 <= units; j += 4) {
          const o = <usize>j << 2;
          const v = v128.load(t + o);
          v128.store(dr + o, f32x4.mul(v, v128.load(prev + o)));
          v128.store(dh + o, f32x4.add(v128.load(dh + o), f32x4.mul(v, v128.load(gr + o))));
        }
        for (; j < units; j++) {
          const o = <usize>j << 2;
          const v = load<f32>(t + o);
          store<f32>(dr + o, v * load<f32>(prev + o));
          store<f32>(dh + o, load<f32>(dh + o) + v * load<f32>(gr + o));
        }
      }
    } else {
      for (let r = 0; r < rows; r++) memory.fill(dA + <usize>r * gateRow + rowBytes, 0, rowBytes);
    }
    activation_backward_rows(dA, dA, as, gs, rows, units, u3, recurrentAct, recurrentAlpha);
    activation_backward_rows(dA + rowBytes, dA + rowBytes, as + rowBytes, gs + rowBytes, rows, units, u3, recurrentAct, recurrentAlpha);
    recurrent_mask_gates(dA, mask, t, rows, steps, u3);
    if (s > 0) {
      gemm_kept(1, d, units, dA, u3, 1, rows, true);
      if (recurrentMask) mul_rows(d, d, recurrentMask, rows * units);
    }
    recurrent_mask_copy(d, keep, mask, t, rows, steps, units);
  }
  if (kernelGrad) {
    const recurrentGrad = kernelGrad + (<usize>inputs * <usize>u3 << 2);
    if (steps > 1) {
      const n = rows * (steps - 1);
      // dU_z,r = Σ_{s ≥ 1} h_{s−1}ᵀ·da_z,r;  dU_h = Σ_{s ≥ 1} (r ⊙ h_{s−1})ᵀ·da_h
      gemm_strided(recurrentGrad, u3, prevH, 1, units, das + gateStep, u3, 1, units, 2 * units, n, accumulateParams);
      gemm_strided(recurrentGrad + (rowBytes << 1), u3, rh + stepBytes, 1, units, das + gateStep + (rowBytes << 1), u3, 1, units, units, n, accumulateParams);
    } else if (!accumulateParams) {
      memory.fill(recurrentGrad, 0, <usize>units * gateRow);
    }
  }
  // da in example-major order of the input steps, for one GEMM each over rows × steps.
  for (let s = 0; s < steps; s++) {
    const t = inputStep(s, steps, backwards);
    for (let r = 0; r < rows; r++) {
      memory.copy(da + (<usize>r * <usize>steps + <usize>t) * gateRow, das + <usize>s * gateStep + <usize>r * gateRow, gateRow);
    }
  }
  const n = rows * steps;
  if (kernelGrad) {
    if (biasGrad) bias_gradient(biasGrad, da, n, u3, accumulateParams);
    gemm_tn(kernelGrad, x, da, inputs, u3, n, accumulateParams);
  }
  // (x may be inputGrad's buffer, under input dropout: dW has read it by now.)
  if (inputGrad) gemm_nt(inputGrad, da, kernel, n, inputs, u3, accumulateInput);
}
