// Dense: units neurons that each see every input value of the last axis,
//   z = x·W + b,   a = f(z),
// with the kernel W [inFeatures × units] and the bias b [units] (Keras's layout). Rows are examples
// times the groups of the other axes, so on [T, F] input it applies to each of the T rows.
import { gemm_nn_bias, gemm_nn_bias_packed, gemm_nt, gemm_tn } from "../gemm";
import { activation_forward, activation_backward, bias_gradient } from "../activations";

/** z = x·W + b and a = f(z) for `rows` rows of `inputs` values. */
// @ts-ignore: decorator
@inline export function dense_forward(a: usize, z: usize, x: usize, kernel: usize, bias: usize, rows: i32, inputs: i32, units: i32, act: i32, alpha: f32): void {
  gemm_nn_bias(z, x, kernel, bias, rows, units, inputs);
  activation_forward(a, z, rows, units, act, alpha);
}

/** dense_forward with the kernel also packed at `panels` (gemm_pack_b): bitwise the same a and z. */
export function dense_forward_packed(a: usize, z: usize, x: usize, kernel: usize, panels: usize, bias: usize, rows: i32, inputs: i32, units: i32, act: i32, alpha: f32): void {
  gemm_nn_bias_packed(z, x, kernel, panels, bias, rows, units, inputs);
  activation_forward(a, z, rows, units, act, alpha);
}

/**
 * The chain rule through one dense layer, given d = dLoss/dA (turned into dLoss/dZ in place unless
 * `fused`, where the loss already gave dLoss/dZ):
 *   dZ = f'(Z) ⊙ dA,   dW = Xᵀ·dZ,   db = Σ_rows dZ,   dX = dZ·Wᵀ.
 * dW and db are skipped when `kernelGrad` is 0 (a frozen layer), dX when `inputGrad` is 0 (the
 * first layer). With `accumulate…` the results are added to what is there.
 */
// @ts-ignore: decorator
@inline export function dense_backward(
  inputGrad: usize, kernelGrad: usize, biasGrad: usize, d: usize,
  z: usize, a: usize, x: usize, kernel: usize,
  rows: i32, inputs: i32, units: i32, act: i32, alpha: f32, fused: bool,
  accumulateParams: bool, accumulateInput: bool,
): void {
  if (!fused) activation_backward(d, d, z, a, rows, units, act, alpha);
  if (kernelGrad) {
    if (biasGrad) bias_gradient(biasGrad, d, rows, units, accumulateParams);
    gemm_tn(kernelGrad, x, d, inputs, units, rows, accumulateParams);
  }
  if (inputGrad) gemm_nt(inputGrad, d, kernel, rows, inputs, units, accumulateInput);
}
