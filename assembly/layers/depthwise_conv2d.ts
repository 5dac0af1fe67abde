// DepthwiseConv2D: each input channel convolved with its own `multiplier` kernels (no sum across
// channels), over [height, width, channels] examples:
//   z[oy, ox, c·M + m] = b[c·M + m] + Σ_{ky,kx} x[oy·sh − padTop + ky·dh, ox·sw − padLeft + kx·dw, c] · W[ky, kx, c, m],
//   a = activation(z),
// with the kernel W [kh, kw, channels, M] and the bias b [channels·M] (TF.js's and Keras's layout),
// zeros outside the input (the padding). The geometry is conv2d's (ConvGeometry); the multiplier M
// is passed on its own and the geometry's `filters` is not read (the output has channels·M values
// per position), so separableConv2d runs this step with its own filters in the geometry.
//
// A direct kernel, no GEMM: W[ky, kx] is one row of channels·M values in the output's channel
// order, so each tap of the window adds x's pixel (each channel repeated M times) times that row
// onto the output pixel, f32x4 across the channels (M = 1) or across the multiplier (M > 1).
// Backward walks the same taps: dW[ky, kx] += dZ ⊙ x (repeated), dx[c] += Σ_m dZ[c·M + m]·W[ky, kx, c, m].
// Every sum runs in a fixed order (examples, positions, taps), so the results are deterministic.
import { activation_forward, activation_backward, bias_gradient } from "../activations";
import { ConvGeometry } from "./conv2d";

// Fused multiply-add: one rounding with relaxed SIMD, mul then add without it (as the GEMM).
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// out[c·M + m] += x[c] · w[c·M + m] for c < channels, m < M.
// @ts-ignore: decorator
@inline function tapForward(out: usize, x: usize, w: usize, channels: i32, M: i32): void {
  if (M == 1) {
    let i = 0;
    for (; i + 4 <= channels; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, madd(v128.load(x + o), v128.load(w + o), v128.load(out + o)));
    }
    for (; i < channels; i++) {
      const o = <usize>i << 2;
      store<f32>(out + o, load<f32>(out + o) + load<f32>(x + o) * load<f32>(w + o));
    }
    return;
  }
  for (let c = 0; c < channels; c++) {
    const xs = load<f32>(x + (<usize>c << 2)), xv = f32x4.splat(xs);
    const row = <usize>(c * M) << 2;
    let m = 0;
    for (; m + 4 <= M; m += 4) {
      const o = row + (<usize>m << 2);
      v128.store(out + o, madd(xv, v128.load(w + o), v128.load(out + o)));
    }
    for (; m < M; m++) {
      const o = row + (<usize>m << 2);
      store<f32>(out + o, load<f32>(out + o) + xs * load<f32>(w + o));
    }
  }
}

// dx[c] += Σ_m dz[c·M + m] · w[c·M + m].
// @ts-ignore: decorator
@inline function tapInputGrad(dx: usize, dz: usize, w: usize, channels: i32, M: i32): void {
  if (M == 1) {
    let i = 0;
    for (; i + 4 <= channels; i += 4) {
      const o = <usize>i << 2;
      v128.store(dx + o, madd(v128.load(dz + o), v128.load(w + o), v128.load(dx + o)));
    }
    for (; i < channels; i++) {
      const o = <usize>i << 2;
      store<f32>(dx + o, load<f32>(dx + o) + load<f32>(dz + o) * load<f32>(w + o));
    }
    return;
  }
  for (let c = 0; c < channels; c++) {
    const row = <usize>(c * M) << 2;
    let s = load<f32>(dx + (<usize>c << 2));
    for (let m = 0; m < M; m++) {
      const o = row + (<usize>m << 2);
      s += load<f32>(dz + o) * load<f32>(w + o);
    }
    store<f32>(dx + (<usize>c << 2), s);
  }
}

/** z = depthwise(x, W) + b and a = f(z) for `rows` examples; g is a ConvGeometry (its filters unread), M the multiplier. */
export function depthwise_conv2d_forward(a: usize, z: usize, x: usize, kernel: usize, bias: usize, rows: i32, g: usize, M: i32, act: i32, alpha: f32): void {
  const c = changetype<ConvGeometry>(g);
  const channels = c.channels, F = channels * M;
  const inH = c.inHeight, inW = c.inWidth, outH = c.outHeight, outW = c.outWidth;
  const kh = c.kernelHeight, kw = c.kernelWidth, sh = c.strideHeight, sw = c.strideWidth;
  const dh = c.dilationHeight, dw = c.dilationWidth, padTop = c.padTop, padLeft = c.padLeft;
  const pixel = <usize>channels << 2, outPixel = <usize>F << 2;
  const example = <usize>inH * <usize>inW * pixel;
  let zr = z;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * example;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        if (bias) memory.copy(zr, bias, outPixel);
        else memory.fill(zr, 0, outPixel);
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - padTop + ky * dh;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - padLeft + kx * dw;
            if (ix < 0 || ix >= inW) continue;
            tapForward(zr, xr + (<usize>iy * <usize>inW + <usize>ix) * pixel, kernel + <usize>(ky * kw + kx) * outPixel, channels, M);
          }
        }
        zr += outPixel;
      }
    }
  }
  activation_forward(a, z, rows * outH * outW, F, act, alpha);
}

/**
 * The chain rule through the depthwise convolution, given d = dLoss/dA at the output (turned into
 * dLoss/dZ in place unless `fused`, where the loss already gave dLoss/dZ):
 *   dW[ky, kx, c, m] = Σ dZ[o, c·M + m]·x[tap, c],  db = Σ_positions dZ,  dx[tap, c] += Σ_m dZ[o, c·M + m]·W[ky, kx, c, m].
 * dW and db are skipped when `kernelGrad` is 0 (a frozen layer), dx when `inputGrad` is 0 (the
 * first layer). With `accumulate…` the results are added to what is there.
 */
export function depthwise_conv2d_backward(
  inputGrad: usize, kernelGrad: usize, biasGrad: usize, d: usize,
  z: usize, a: usize, x: usize, kernel: usize,
  rows: i32, g: usize, M: i32, act: i32, alpha: f32, fused: bool,
  accumulateParams: bool, accumulateInput: bool,
): void {
  const c = changetype<ConvGeometry>(g);
  const channels = c.channels, F = channels * M;
  const inH = c.inHeight, inW = c.inWidth, outH = c.outHeight, outW = c.outWidth;
  const kh = c.kernelHeight, kw = c.kernelWidth, sh = c.strideHeight, sw = c.strideWidth;
  const dh = c.dilationHeight, dw = c.dilationWidth, padTop = c.padTop, padLeft = c.padLeft;
  const pixel = <usize>channels << 2, outPixel = <usize>F << 2;
  const example = <usize>inH * <usize>inW * pixel;
  const positions = rows * outH * outW;
  if (!fused) activation_backward(d, d, z, a, positions, F, act, alpha);
  if (kernelGrad) {
    if (biasGrad) bias_gradient(biasGrad, d, positions, F, accumulateParams);
    if (!accumulateParams) memory.fill(kernelGrad, 0, <usize>(kh * kw) * outPixel);
  }
  if (inputGrad && !accumulateInput) memory.fill(inputGrad, 0, <usize>rows * example);
  if (!kernelGrad && !inputGrad) return;
  let dz = d;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * example, dxr = inputGrad + <usize>r * example;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - padTop + ky * dh;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - padLeft + kx * dw;
            if (ix < 0 || ix >= inW) continue;
            const at = (<usize>iy * <usize>inW + <usize>ix) * pixel, tap = <usize>(ky * kw + kx) * outPixel;
            // dW[ky, kx] += dZ ⊙ x (each channel repeated M times): the forward tap with dZ for W.
            if (kernelGrad) tapForward(kernelGrad + tap, xr + at, dz, channels, M);
            if (inputGrad) tapInputGrad(dxr + at, dz, kernel + tap, channels, M);
          }
        }
        dz += outPixel;
      }
    }
  }
}
