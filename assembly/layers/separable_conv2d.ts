// SeparableConv2D: a depthwise convolution (each input channel convolved with its own M kernels,
// no bias) followed by a 1×1 convolution mixing the channels·M results, then the bias and the
// activation, over [height, width, channels] examples:
//   u[o, c·M + m] = Σ_{ky,kx} x[tap(o, ky, kx), c] · Wd[ky, kx, c, m]     (depthwise_conv2d_forward)
//   z[o, f] = b[f] + Σ_j u[o, j] · Wp[j, f],   a = activation(z),
// with Wd [kh, kw, channels, M] ('depthwise_kernel'), Wp [1, 1, channels·M, filters]
// ('pointwise_kernel') and b [filters], TF.js's and Keras's layout and order. The geometry is
// conv2d's (ConvGeometry) with `filters` the pointwise filters; M is passed on its own.
//
// One layer in the core: the depthwise step reuses depthwise_conv2d's direct kernel, the pointwise
// step is a GEMM over every position of every example at once (the 1×1 convolution's input already
// is its im2col matrix):
//   Z = U · Wp + b                            (gemm_nn_bias)
//   dWp = Uᵀ · dZ,  db = Σ dZ,  dU = dZ · Wpᵀ   (gemm_tn, bias_gradient, gemm_nt)
// then depthwise_conv2d_backward from dU (linear: no activation between the two steps).
// `saved` holds, per batch of `rows` examples, z (rows·positions·filters, first: the loss reads a
// last layer's z there) and then U (rows·positions·channels·M), which backward needs for dWp. dU
// lives in the shared scratch (positions·channels·M per example), valid within the backward call.
import { gemm_nn_bias, gemm_nt, gemm_tn } from "../gemm";
import { activation_forward, activation_backward, bias_gradient, LINEAR } from "../activations";
import { ConvGeometry } from "./conv2d";
import { depthwise_conv2d_forward, depthwise_conv2d_backward } from "./depthwise_conv2d";

/** z and a for `rows` examples; z then U written at `saved`. g: ConvGeometry (filters = pointwise filters). */
export function separable_conv2d_forward(
  a: usize, saved: usize, x: usize, depthwiseKernel: usize, pointwiseKernel: usize, bias: usize,
  rows: i32, g: usize, M: i32, act: i32, alpha: f32,
): void {
  const c = changetype<ConvGeometry>(g);
  const positions = rows * c.outHeight * c.outWidth, D = c.channels * M, F = c.filters;
  const z = saved, u = saved + (<usize>positions * <usize>F << 2);
  depthwise_conv2d_forward(u, u, x, depthwiseKernel, 0, rows, g, M, LINEAR, 0);
  gemm_nn_bias(z, u, pointwiseKernel, bias, positions, F, D);
  activation_forward(a, z, positions, F, act, alpha);
}

/**
 * The chain rule through both steps, given d = dLoss/dA at the output (turned into dLoss/dZ in
 * place unless `fused`): dWp = Uᵀ·dZ, db = Σ dZ, dU = dZ·Wpᵀ (into `scratch`), then dWd and dX
 * from dU as depthwise_conv2d_backward. The weight gradients are skipped when `depthwiseGrad` is 0
 * (a frozen layer; `pointwiseGrad` and `biasGrad` then are not written either), dX when `inputGrad`
 * is 0. With `accumulate…` the results are added to what is there.
 */
export function separable_conv2d_backward(
  inputGrad: usize, depthwiseGrad: usize, pointwiseGrad: usize, biasGrad: usize, d: usize,
  saved: usize, a: usize, x: usize, depthwiseKernel: usize, pointwiseKernel: usize, scratch: usize,
  rows: i32, g: usize, M: i32, act: i32, alpha: f32, fused: bool,
  accumulateParams: bool, accumulateInput: bool,
): void {
  const c = changetype<ConvGeometry>(g);
  const positions = rows * c.outHeight * c.outWidth, D = c.channels * M, F = c.filters;
  const z = saved, u = saved + (<usize>positions * <usize>F << 2);
  if (!fused) activation_backward(d, d, z, a, positions, F, act, alpha);
  if (depthwiseGrad) {
    if (biasGrad) bias_gradient(biasGrad, d, positions, F, accumulateParams);
    gemm_tn(pointwiseGrad, u, d, D, F, positions, accumulateParams);
  }
  if (!depthwiseGrad && !inputGrad) return;
  gemm_nt(scratch, d, pointwiseKernel, positions, D, F, false);
  depthwise_conv2d_backward(
    inputGrad, depthwiseGrad, 0, scratch, 0, 0, x, depthwiseKernel,
    rows, g, M, LINEAR, 0, true, accumulateParams, accumulateInput,
  );
}
