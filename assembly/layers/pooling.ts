// Pooling over [height, width, channels] examples (channelsLast; 1-D layers use height 1): each
// output position (oh, ow) of each channel reduces the window of poolHeight × poolWidth inputs
// starting at (oh·strideHeight − padTop, ow·strideWidth − padLeft), clipped to the input:
//   max:      y = max over the window (the first maximum wins ties, as TF.js), its position kept;
//   average:  y = mean over the window's valid (unpadded) inputs, as TensorFlow's 'same' padding.
// Global pooling is the same with the window the whole input (outHeight = outWidth = 1).
// Channels are the innermost axis, so every kernel runs four channels per f32x4.

// The window of output (oh, ow) clipped to the input: rows [h0, h1), columns [w0, w1).
// @ts-ignore: decorator
@inline function windowStart(o: i32, stride: i32, pad: i32): i32 {
  return max(o * stride - pad, 0);
}

// @ts-ignore: decorator
@inline function windowEnd(o: i32, stride: i32, pad: i32, pool: i32, size: i32): i32 {
  return min(o * stride - pad + pool, size);
}

/**
 * y = max over each window, for `rows` examples of inHeight × inWidth × channels; `argmax` gets,
 * per output value, the offset within its example of the input that won (as i32 bits).
 */
export function max_pooling_forward(
  output: usize, argmax: usize, x: usize, rows: i32,
  inHeight: i32, inWidth: i32, channels: i32, outHeight: i32, outWidth: i32,
  poolHeight: i32, poolWidth: i32, strideHeight: i32, strideWidth: i32, padTop: i32, padLeft: i32,
): void {
  const inSize = inHeight * inWidth * channels, outSize = outHeight * outWidth * channels;
  const lanes = i32x4(0, 1, 2, 3);
  for (let r = 0; r < rows; r++) {
    const xe = x + ((<usize>r * <usize>inSize) << 2);
    const ye = <usize>r * <usize>outSize;
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = windowStart(oh, strideHeight, padTop), h1 = windowEnd(oh, strideHeight, padTop, poolHeight, inHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = windowStart(ow, strideWidth, padLeft), w1 = windowEnd(ow, strideWidth, padLeft, poolWidth, inWidth);
        const o = (ye + <usize>((oh * outWidth + ow) * channels)) << 2;
        const first = (h0 * inWidth + w0) * channels;
        let c = 0;
        for (; c + 4 <= channels; c += 4) {
          let best = v128.load(xe + (<usize>(first + c) << 2));
          let arg = i32x4.add(i32x4.splat(first + c), lanes);
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const at = (h * inWidth + w) * channels + c;
              const v = v128.load(xe + (<usize>at << 2));
              const wins = f32x4.gt(v, best);
              best = v128.bitselect(v, best, wins);
              arg = v128.bitselect(i32x4.add(i32x4.splat(at), lanes), arg, wins);
            }
          }
          v128.store(output + o + (<usize>c << 2), best);
          v128.store(argmax + o + (<usize>c << 2), arg);
        }
        for (; c < channels; c++) {
          let best = load<f32>(xe + (<usize>(first + c) << 2));
          let arg = first + c;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const at = (h * inWidth + w) * channels + c;
              const v = load<f32>(xe + (<usize>at << 2));
              if (v > best) { best = v; arg = at; }
            }
          }
          store<f32>(output + o + (<usize>c << 2), best);
          store<i32>(argmax + o + (<usize>c << 2), arg);
        }
      }
    }
  }
}

/**
 * dx from dy: each output's gradient goes to the input its forward pass picked (`argmax`), summed
 * where windows overlap. With `accumulate` it adds to dx; otherwise dx is overwritten.
 */
export function max_pooling_backward(dx: usize, dy: usize, argmax: usize, rows: i32, inputSize: i32, outputSize: i32, accumulate: bool): void {
  if (!accumulate) memory.fill(dx, 0, (<usize>rows * <usize>inputSize) << 2);
  for (let r = 0; r < rows; r++) {
    const dxe = dx + ((<usize>r * <usize>inputSize) << 2);
    const oe = (<usize>r * <usize>outputSize) << 2;
    for (let j = 0; j < outputSize; j++) {
      const o = oe + (<usize>j << 2);
      const at = dxe + (<usize>load<i32>(argmax + o) << 2);
      store<f32>(at, load<f32>(at) + load<f32>(dy + o));
    }
  }
}

/** y = the mean of each window's valid inputs, for `rows` examples of inHeight × inWidth × channels. */
export function average_pooling_forward(
  output: usize, x: usize, rows: i32,
  inHeight: i32, inWidth: i32, channels: i32, outHeight: i32, outWidth: i32,
  poolHeight: i32, poolWidth: i32, strideHeight: i32, strideWidth: i32, padTop: i32, padLeft: i32,
): void {
  const inSize = inHeight * inWidth * channels, outSize = outHeight * outWidth * channels;
  for (let r = 0; r < rows; r++) {
    const xe = x + ((<usize>r * <usize>inSize) << 2);
    const ye = <usize>r * <usize>outSize;
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = windowStart(oh, strideHeight, padTop), h1 = windowEnd(oh, strideHeight, padTop, poolHeight, inHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = windowStart(ow, strideWidth, padLeft), w1 = windowEnd(ow, strideWidth, padLeft, poolWidth, inWidth);
        const o = (ye + <usize>((oh * outWidth + ow) * channels)) << 2;
        const count = <f32>((h1 - h0) * (w1 - w0));
        let c = 0;
        for (; c + 4 <= channels; c += 4) {
          let sum = f32x4.splat(0);
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) sum = f32x4.add(sum, v128.load(xe + (<usize>((h * inWidth + w) * channels + c) << 2)));
          }
          v128.store(output + o + (<usize>c << 2), f32x4.div(sum, f32x4.splat(count)));
        }
        for (; c < channels; c++) {
          let sum: f32 = 0;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) sum += load<f32>(xe + (<usize>((h * inWidth + w) * channels + c) << 2));
          }
          store<f32>(output + o + (<usize>c << 2), sum / count);
        }
      }
    }
  }
}

/**
 * dx from dy: each output's gradient, divided by its window's count of valid inputs, goes to every
 * one of them. With `accumulate` it adds to dx; otherwise dx is overwritten.
 */
export function average_pooling_backward(
  dx: usize, dy: usize, rows: i32,
  inHeight: i32, inWidth: i32, channels: i32, outHeight: i32, outWidth: i32,
  poolHeight: i32, poolWidth: i32, strideHeight: i32, strideWidth: i32, padTop: i32, padLeft: i32, accumulate: bool,
): void {
  const inSize = inHeight * inWidth * channels, outSize = outHeight * outWidth * channels;
  if (!accumulate) memory.fill(dx, 0, (<usize>rows * <usize>inSize) << 2);
  for (let r = 0; r < rows; r++) {
    const dxe = dx + ((<usize>r * <usize>inSize) << 2);
    const ye = <usize>r * <usize>outSize;
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = windowStart(oh, strideHeight, padTop), h1 = windowEnd(oh, strideHeight, padTop, poolHeight, inHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = windowStart(ow, strideWidth, padLeft), w1 = windowEnd(ow, strideWidth, padLeft, poolWidth, inWidth);
        const o = (ye + <usize>((oh * outWidth + ow) * channels)) << 2;
        const scale: f32 = 1 / <f32>((h1 - h0) * (w1 - w0));
        let c = 0;
        for (; c + 4 <= channels; c += 4) {
          const g = f32x4.mul(v128.load(dy + o + (<usize>c << 2)), f32x4.splat(scale));
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const at = dxe + (<usize>((h * inWidth + w) * channels + c) << 2);
              v128.store(at, f32x4.add(v128.load(at), g));
            }
          }
        }
        for (; c < channels; c++) {
          const g = load<f32>(dy + o + (<usize>c << 2)) * scale;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const at = dxe + (<usize>((h * inWidth + w) * channels + c) << 2);
              store<f32>(at, load<f32>(at) + g);
            }
          }
        }
      }
    }
  }
}
