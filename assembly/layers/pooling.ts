// Pooling over [height, width, channels] examples (channelsLast; 1-D layers use height 1): each
// output position (oh, ow) of each channel reduces the window of poolHeight × poolWidth inputs
// starting at (oh·strideHeight − padTop, ow·strideWidth − padLeft), clipped to the input:
//   max:      y = max over the window (the first maximum wins ties, as TF.js), its position kept;
//   average:  y = mean over the window's valid (unpadded) inputs, as TensorFlow's 'same' padding.
// Global pooling is the same with the window the whole input (outHeight = outWidth = 1).
// Channels are the innermost axis, so every kernel runs four channels per f32x4.
//
// Every example is pooled on its own, so the threaded build splits a large batch by examples: each
// thread takes whole examples and the results are bitwise the same as on one thread.
import {
  kernel_parallel, job_set, job_arg, job_i32, split, run_job, threads_count,
  JOB_MAX_POOLING_FORWARD, JOB_MAX_POOLING_BACKWARD, JOB_AVERAGE_POOLING_FORWARD, JOB_AVERAGE_POOLING_BACKWARD,
} from "../threads";

// The shape arguments every pooling job carries after its pointers and rows: job_set(at … at + 9).
// @ts-ignore: decorator
@inline function setShape(
  at: i32, inHeight: i32, inWidth: i32, channels: i32, outHeight: i32, outWidth: i32,
  poolHeight: i32, poolWidth: i32, strideHeight: i32, strideWidth: i32, padTop: i32, padLeft: i32,
): void {
  job_set(at, inHeight); job_set(at + 1, inWidth); job_set(at + 2, channels); job_set(at + 3, outHeight); job_set(at + 4, outWidth);
  job_set(at + 5, poolHeight); job_set(at + 6, poolWidth); job_set(at + 7, strideHeight); job_set(at + 8, strideWidth);
  job_set(at + 9, padTop); job_set(at + 10, padLeft);
}

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
  if (ASC_FEATURE_THREADS && rows > 1 && kernel_parallel(<u64>rows * <u64>(inHeight * inWidth * channels))) {
    job_set(0, output); job_set(1, argmax); job_set(2, x); job_set(3, rows);
    setShape(4, inHeight, inWidth, channels, outHeight, outWidth, poolHeight, poolWidth, strideHeight, strideWidth, padTop, padLeft);
    run_job(JOB_MAX_POOLING_FORWARD, threads_count());
    return;
  }
  maxForward(output, argmax, x, rows, inHeight, inWidth, channels, outHeight, outWidth, poolHeight, poolWidth, strideHeight, strideWidth, padTop, padLeft);
}

/** Thread `index`'s examples of the threaded max-pooling job. */
export function max_pooling_forward_share(index: i32, threads: i32): void {
  const rows = job_i32(3), r0 = split(index, threads, rows, 1), r1 = split(index + 1, threads, rows, 1);
  if (r0 >= r1) return;
  const inSize = <usize>(job_i32(4) * job_i32(5) * job_i32(6)), outSize = <usize>(job_i32(7) * job_i32(8) * job_i32(6));
  maxForward(job_arg(0) + ((<usize>r0 * outSize) << 2), job_arg(1) + ((<usize>r0 * outSize) << 2), job_arg(2) + ((<usize>r0 * inSize) << 2), r1 - r0,
    job_i32(4), job_i32(5), job_i32(6), job_i32(7), job_i32(8), job_i32(9), job_i32(10), job_i32(11), job_i32(12), job_i32(13), job_i32(14));
}

function maxForward(
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
  if (ASC_FEATURE_THREADS && rows > 1 && kernel_parallel(<u64>rows * <u64>inputSize)) {
    job_set(0, dx); job_set(1, dy); job_set(2, argmax); job_set(3, rows); job_set(4, inputSize); job_set(5, outputSize); job_set(6, accumulate ? 1 : 0);
    run_job(JOB_MAX_POOLING_BACKWARD, threads_count());
    return;
  }
  maxBackward(dx, dy, argmax, rows, inputSize, outputSize, accumulate);
}

/** Thread `index`'s examples of the threaded max-pooling gradient job. */
export function max_pooling_backward_share(index: i32, threads: i32): void {
  const rows = job_i32(3), r0 = split(index, threads, rows, 1), r1 = split(index + 1, threads, rows, 1);
  if (r0 >= r1) return;
  const inSize = <usize>job_i32(4), outSize = <usize>job_i32(5);
  maxBackward(job_arg(0) + ((<usize>r0 * inSize) << 2), job_arg(1) + ((<usize>r0 * outSize) << 2), job_arg(2) + ((<usize>r0 * outSize) << 2),
    r1 - r0, job_i32(4), job_i32(5), job_i32(6) != 0);
}

function maxBackward(dx: usize, dy: usize, argmax: usize, rows: i32, inputSize: i32, outputSize: i32, accumulate: bool): void {
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
  if (ASC_FEATURE_THREADS && rows > 1 && kernel_parallel(<u64>rows * <u64>(inHeight * inWidth * channels))) {
    job_set(0, output); job_set(1, x); job_set(2, rows);
    setShape(3, inHeight, inWidth, channels, outHeight, outWidth, poolHeight, poolWidth, strideHeight, strideWidth, padTop, padLeft);
    run_job(JOB_AVERAGE_POOLING_FORWARD, threads_count());
    return;
  }
  averageForward(output, x, rows, inHeight, inWidth, channels, outHeight, outWidth, poolHeight, poolWidth, strideHeight, strideWidth, padTop, padLeft);
}

/** Thread `index`'s examples of the threaded average-pooling job. */
export function average_pooling_forward_share(index: i32, threads: i32): void {
  const rows = job_i32(2), r0 = split(index, threads, rows, 1), r1 = split(index + 1, threads, rows, 1);
  if (r0 >= r1) return;
  const inSize = <usize>(job_i32(3) * job_i32(4) * job_i32(5)), outSize = <usize>(job_i32(6) * job_i32(7) * job_i32(5));
  averageForward(job_arg(0) + ((<usize>r0 * outSize) << 2), job_arg(1) + ((<usize>r0 * inSize) << 2), r1 - r0,
    job_i32(3), job_i32(4), job_i32(5), job_i32(6), job_i32(7), job_i32(8), job_i32(9), job_i32(10), job_i32(11), job_i32(12), job_i32(13));
}

function averageForward(
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
  if (ASC_FEATURE_THREADS && rows > 1 && kernel_parallel(<u64>rows * <u64>(inHeight * inWidth * channels))) {
    job_set(0, dx); job_set(1, dy); job_set(2, rows);
    setShape(3, inHeight, inWidth, channels, outHeight, outWidth, poolHeight, poolWidth, strideHeight, strideWidth, padTop, padLeft);
    job_set(14, accumulate ? 1 : 0);
    run_job(JOB_AVERAGE_POOLING_BACKWARD, threads_count());
    return;
  }
  averageBackward(dx, dy, rows, inHeight, inWidth, channels, outHeight, outWidth, poolHeight, poolWidth, strideHeight, strideWidth, padTop, padLeft, accumulate);
}

/** Thread `index`'s examples of the threaded average-pooling gradient job. */
export function average_pooling_backward_share(index: i32, threads: i32): void {
  const rows = job_i32(2), r0 = split(index, threads, rows, 1), r1 = split(index + 1, threads, rows, 1);
  if (r0 >= r1) return;
  const inSize = <usize>(job_i32(3) * job_i32(4) * job_i32(5)), outSize = <usize>(job_i32(6) * job_i32(7) * job_i32(5));
  averageBackward(job_arg(0) + ((<usize>r0 * inSize) << 2), job_arg(1) + ((<usize>r0 * outSize) << 2), r1 - r0,
    job_i32(3), job_i32(4), job_i32(5), job_i32(6), job_i32(7), job_i32(8), job_i32(9), job_i32(10), job_i32(11), job_i32(12), job_i32(13), job_i32(14) != 0);
}

function averageBackward(
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
