// Conv2D (and Conv1D, as height 1): `filters` kernels slid over [height, width, channels] examples,
//   z[oy, ox, f] = b[f] + Σ_{ky,kx,c} x[oy·sh − padTop + ky·dh, ox·sw − padLeft + kx·dw, c] · W[ky, kx, c, f],
//   a = activation(z),
// with the kernel W [kh, kw, channels, filters] and the bias b [filters] (TF.js's and Keras's layout),
// zeros outside the input (the padding).
//
// Lowered to the packed GEMM through im2col: each output position's receptive field is copied into
// one row of a [outHeight·outWidth × kh·kw·channels] matrix (the columns, in the shared scratch), whose
// column order (ky, kx, c) is the kernel's row order, so
//   Z = cols · W + b                      (gemm_nn_bias, every example's positions at once)
//   dW = colsᵀ · dZ,  db = Σ dZ,  dCols = dZ · Wᵀ,  dX = col2im(dCols)   (scatter-add).
// The scratch is shared by every layer and valid only within one layer's call, so the backward pass
// recomputes the columns rather than keeping them per layer. A 1×1 kernel with stride 1 and no
// padding needs no columns: the input already is that matrix.
import { gemm_nn_bias, gemm_nt, gemm_tn } from "../gemm";
import { activation_forward, activation_backward, bias_gradient } from "../activations";
import { Layer } from "./layer";
import { kernel_parallel, job_set, job_arg, job_i32, split, run_job, threads_count, JOB_IM2COL, JOB_COL2IM } from "../threads";

// im2col and col2im touch each example's own columns and input only (col2im's scatter-adds stay
// within one example), so the threaded build splits a large batch by examples, bitwise as on one thread.

/**
 * The geometry of a convolution, in 16 consecutive i32s. It is a view of the layer record's fields
 * inFeatures … padRight (assembly/layers/layer.ts keeps them in this order), so kernels read a
 * layer's geometry where the plan wrote it; tests write the same 16 values into their own buffer.
 */
@unmanaged
export class ConvGeometry {
  channels: i32;
  filters: i32;
  inHeight: i32;
  inWidth: i32;
  outHeight: i32;
  outWidth: i32;
  kernelHeight: i32;
  kernelWidth: i32;
  strideHeight: i32;
  strideWidth: i32;
  dilationHeight: i32;
  dilationWidth: i32;
  padTop: i32;
  padLeft: i32;
  padBottom: i32;
  padRight: i32;
}

/** A layer record's geometry (see ConvGeometry). */
// @ts-ignore: decorator
@inline export function geometry(l: Layer): usize {
  // A compile error, not a wrong convolution, if fields are added to or removed from that span.
  if (offsetof<Layer>("padRight") - offsetof<Layer>("inFeatures") != offsetof<ConvGeometry>("padRight")) {
    ERROR("the layer record's inFeatures … padRight no longer match ConvGeometry");
  }
  return changetype<usize>(l) + offsetof<Layer>("inFeatures");
}

/** Values per example of the columns: outHeight·outWidth rows of kh·kw·channels. */
export function conv2d_columns(g: usize): i32 {
  const c = changetype<ConvGeometry>(g);
  return pointwise(c) ? 0 : c.outHeight * c.outWidth * c.kernelHeight * c.kernelWidth * c.channels;
}

// A 1×1 kernel, stride 1, no padding: the columns are the input itself.
// @ts-ignore: decorator
@inline function pointwise(c: ConvGeometry): bool {
  return c.kernelHeight == 1 && c.kernelWidth == 1 && c.strideHeight == 1 && c.strideWidth == 1
    && c.padTop == 0 && c.padLeft == 0 && c.padBottom == 0 && c.padRight == 0;
}

// memory.copy and memory.fill have a fixed cost that dominates the runs of a few channels.
// @ts-ignore: decorator
@inline function copyFloats(dst: usize, src: usize, n: i32): void {
  const bytes = <usize>n << 2;
  if (bytes > 64) {
    memory.copy(dst, src, bytes);
    return;
  }
  for (let o: usize = 0; o < bytes; o += 4) store<u32>(dst + o, load<u32>(src + o));
}

// @ts-ignore: decorator
@inline function zeroFloats(dst: usize, n: i32): void {
  const bytes = <usize>n << 2;
  if (bytes > 64) {
    memory.fill(dst, 0, bytes);
    return;
  }
  for (let o: usize = 0; o < bytes; o += 4) store<u32>(dst + o, 0);
}

// dst[0..n) += src[0..n).
// @ts-ignore: decorator
@inline function addFloats(dst: usize, src: usize, n: i32): void {
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

/**
 * im2col: for each of `rows` examples at x, its [outHeight·outWidth × kh·kw·channels] columns at
 * `cols` (row (oy, ox), column (ky, kx, c)), zeros where the window reaches into the padding.
 */
export function im2col(cols: usize, x: usize, rows: i32, g: usize): void {
  if (ASC_FEATURE_THREADS && rows > 1 && kernel_parallel(<u64>rows * <u64>columnsOf(g))) {
    job_set(0, cols); job_set(1, x); job_set(2, rows); job_set(3, g);
    run_job(JOB_IM2COL, threads_count());
    return;
  }
  im2colRows(cols, x, rows, g);
}

/** Thread `index`'s examples of the threaded im2col job. */
export function im2col_share(index: i32, threads: i32): void {
  const rows = job_i32(2), r0 = split(index, threads, rows, 1), r1 = split(index + 1, threads, rows, 1);
  if (r0 >= r1) return;
  const g = job_arg(3);
  im2colRows(job_arg(0) + ((<usize>r0 * <usize>columnsOf(g)) << 2), job_arg(1) + ((<usize>r0 * <usize>inputOf(g)) << 2), r1 - r0, g);
}

// Values per example of the columns (even for a pointwise kernel) and of the input.
function columnsOf(g: usize): i32 {
  const c = changetype<ConvGeometry>(g);
  return c.outHeight * c.outWidth * c.kernelHeight * c.kernelWidth * c.channels;
}

function inputOf(g: usize): i32 {
  const c = changetype<ConvGeometry>(g);
  return c.inHeight * c.inWidth * c.channels;
}

function im2colRows(cols: usize, x: usize, rows: i32, g: usize): void {
  const c = changetype<ConvGeometry>(g);
  const channels = c.channels, inH = c.inHeight, inW = c.inWidth, outH = c.outHeight, outW = c.outWidth;
  const kh = c.kernelHeight, kw = c.kernelWidth, sh = c.strideHeight, sw = c.strideWidth;
  const dh = c.dilationHeight, dw = c.dilationWidth, padTop = c.padTop, padLeft = c.padLeft;
  const run = kw * channels; // one kernel row's values
  const pixel = <usize>channels << 2, inRow = <usize>inW * pixel;
  const example = <usize>inH * inRow;
  let dst = cols;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * example;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sw - padLeft;
        // The window's columns all inside the input and next to each other: one copy per row.
        const whole = dw == 1 && ix0 >= 0 && ix0 + kw <= inW;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - padTop + ky * dh;
          if (iy < 0 || iy >= inH) {
            zeroFloats(dst, run);
          } else {
            const src = xr + <usize>iy * inRow;
            if (whole) {
              copyFloats(dst, src + <usize>ix0 * pixel, run);
            } else {
              for (let kx = 0; kx < kw; kx++) {
                const ix = ix0 + kx * dw, to = dst + <usize>kx * pixel;
                if (ix < 0 || ix >= inW) zeroFloats(to, channels);
                else copyFloats(to, src + <usize>ix * pixel, channels);
              }
            }
          }
          dst += <usize>run << 2;
        }
      }
    }
  }
}

/**
 * col2im, im2col's transpose: adds each column entry back onto the input value it was copied from
 * (entries from the padding are dropped), into dx for `rows` examples. dx is zeroed first unless
 * `accumulate`.
 */
export function col2im(dx: usize, cols: usize, rows: i32, g: usize, accumulate: bool): void {
  if (ASC_FEATURE_THREADS && rows > 1 && kernel_parallel(<u64>rows * <u64>columnsOf(g))) {
    job_set(0, dx); job_set(1, cols); job_set(2, rows); job_set(3, g); job_set(4, accumulate ? 1 : 0);
    run_job(JOB_COL2IM, threads_count());
    return;
  }
  col2imRows(dx, cols, rows, g, accumulate);
}

/** Thread `index`'s examples of the threaded col2im job. */
export function col2im_share(index: i32, threads: i32): void {
  const rows = job_i32(2), r0 = split(index, threads, rows, 1), r1 = split(index + 1, threads, rows, 1);
  if (r0 >= r1) return;
  const g = job_arg(3);
  col2imRows(job_arg(0) + ((<usize>r0 * <usize>inputOf(g)) << 2), job_arg(1) + ((<usize>r0 * <usize>columnsOf(g)) << 2), r1 - r0, g, job_i32(4) != 0);
}

function col2imRows(dx: usize, cols: usize, rows: i32, g: usize, accumulate: bool): void {
  const c = changetype<ConvGeometry>(g);
  const channels = c.channels, inH = c.inHeight, inW = c.inWidth, outH = c.outHeight, outW = c.outWidth;
  const kh = c.kernelHeight, kw = c.kernelWidth, sh = c.strideHeight, sw = c.strideWidth;
  const dh = c.dilationHeight, dw = c.dilationWidth, padTop = c.padTop, padLeft = c.padLeft;
  const run = kw * channels;
  const pixel = <usize>channels << 2, inRow = <usize>inW * pixel;
  const example = <usize>inH * inRow;
  if (!accumulate) memory.fill(dx, 0, <usize>rows * example);
  let src = cols;
  for (let r = 0; r < rows; r++) {
    const xr = dx + <usize>r * example;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sw - padLeft;
        const whole = dw == 1 && ix0 >= 0 && ix0 + kw <= inW;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - padTop + ky * dh;
          if (iy >= 0 && iy < inH) {
            const dst = xr + <usize>iy * inRow;
            if (whole) {
              addFloats(dst + <usize>ix0 * pixel, src, run);
            } else {
              for (let kx = 0; kx < kw; kx++) {
                const ix = ix0 + kx * dw;
                if (ix >= 0 && ix < inW) addFloats(dst + <usize>ix * pixel, src + <usize>kx * pixel, channels);
              }
            }
          }
          src += <usize>run << 2;
        }
      }
    }
  }
}

/**
 * z = conv(x, W) + b and a = f(z) for `rows` examples, through the columns at `cols`
 * (conv2d_columns(g) floats per example; unused for a pointwise kernel).
 */
export function conv2d_forward(a: usize, z: usize, cols: usize, x: usize, kernel: usize, bias: usize, rows: i32, g: usize, act: i32, alpha: f32): void {
  const c = changetype<ConvGeometry>(g);
  const positions = rows * c.outHeight * c.outWidth, depth = c.kernelHeight * c.kernelWidth * c.channels;
  let lhs = x;
  if (!pointwise(c)) {
    im2col(cols, x, rows, g);
    lhs = cols;
  }
  gemm_nn_bias(z, lhs, kernel, bias, positions, c.filters, depth);
  activation_forward(a, z, positions, c.filters, act, alpha);
}

/**
 * The chain rule through the convolution, given d = dLoss/dA at the output (turned into dLoss/dZ in
 * place unless `fused`, where the loss already gave dLoss/dZ):
 *   dZ = f'(Z) ⊙ dA,   dW = colsᵀ·dZ,   db = Σ_positions dZ,   dX = col2im(dZ·Wᵀ),
 * recomputing the columns of x into `cols`. dW and db are skipped when `kernelGrad` is 0 (a frozen
 * layer), dX when `inputGrad` is 0 (the first layer). With `accumulate…` the results are added to
 * what is there.
 */
export function conv2d_backward(
  inputGrad: usize, kernelGrad: usize, biasGrad: usize, d: usize,
  z: usize, a: usize, x: usize, kernel: usize, cols: usize,
  rows: i32, g: usize, act: i32, alpha: f32, fused: bool,
  accumulateParams: bool, accumulateInput: bool,
): void {
  const c = changetype<ConvGeometry>(g);
  const positions = rows * c.outHeight * c.outWidth, depth = c.kernelHeight * c.kernelWidth * c.channels;
  const filters = c.filters, direct = pointwise(c);
  if (!fused) activation_backward(d, d, z, a, positions, filters, act, alpha);
  if (kernelGrad) {
    if (biasGrad) bias_gradient(biasGrad, d, positions, filters, accumulateParams);
    if (!direct) im2col(cols, x, rows, g);
    gemm_tn(kernelGrad, direct ? x : cols, d, depth, filters, positions, accumulateParams);
  }
  if (inputGrad) {
    if (direct) {
      gemm_nt(inputGrad, d, kernel, positions, depth, filters, accumulateInput);
    } else {
      // The columns are no longer needed: their gradient overwrites them.
      gemm_nt(cols, d, kernel, positions, depth, filters, false);
      col2im(inputGrad, cols, rows, g, accumulateInput);
    }
  }
}
