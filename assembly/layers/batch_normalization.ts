// Batch normalization over the last axis (Ioffe & Szegedy), as TF.js and Keras define it: each
// channel c of `rows` rows is normalized by the batch's statistics in training and by the moving
// ones in inference, then scaled and shifted:
//   x̂ = (x − μ) / √(σ² + ε),   y = γ·x̂ + β,
// and in training the moving statistics follow the batch's: m ← m − (m − μ)·(1 − momentum) (TF.js's
// form; σ² is the biased batch variance, as tf.moments gives it).
//
// `fixed` holds 4·channels floats per batch: μ (or the moving mean), 1/√(σ² + ε), and two per-channel
// sums the backward pass uses.
//
// Every channel's values are computed on their own, its sums over the rows in row order, so the
// threaded build splits a large batch by channels: each thread takes whole channels and the
// results are bitwise the same as on one thread.
import {
  kernel_parallel, job_set, job_set_f32, job_arg, job_i32, job_f32, split, run_job, threads_count,
  JOB_BATCH_NORMALIZATION_FORWARD, JOB_BATCH_NORMALIZATION_BACKWARD,
} from "../threads";

// The statistics' float64 sums, STAT_BLOCK channels (μ, then Σ(x − μ)²) a thread at a time.
const STAT_BLOCK = 256;
// (THREADS_MAX of assembly/threads.ts, which the modules' import cycle does not let a constant read here.)
const STAT_THREADS: i32 = ASC_FEATURE_THREADS ? 4 : 1;
const statScratch = memory.data(STAT_BLOCK * 16 * STAT_THREADS, 16);

// Channels go to threads in multiples of 16 when there are enough (a 64-byte cache line of each row).
// @ts-ignore: decorator
@inline function channelAlign(channels: i32, threads: i32): i32 {
  return channels >= 16 * threads ? 16 : 1;
}


/**
 * y and x̂ for `rows` rows of `channels`; γ and β may be 0 (scale / center off). With `training`,
 * normalizes by the batch's statistics and writes the updated moving ones to `nextMoving`
 * (mean then variance); otherwise uses `moving`.
 */
export function batch_normalization_forward(
  output: usize, normalized: usize, fixed: usize, nextMoving: usize,
  x: usize, gamma: usize, beta: usize, moving: usize,
  rows: i32, channels: i32, momentum: f32, epsilon: f32, training: bool,
): void {
  if (ASC_FEATURE_THREADS && channels > 1 && kernel_parallel(<u64>rows * <u64>channels)) {
    job_set(0, output); job_set(1, normalized); job_set(2, fixed); job_set(3, nextMoving);
    job_set(4, x); job_set(5, gamma); job_set(6, beta); job_set(7, moving);
    job_set(8, rows); job_set(9, channels); job_set_f32(10, momentum); job_set_f32(11, epsilon); job_set(12, training ? 1 : 0);
    run_job(JOB_BATCH_NORMALIZATION_FORWARD, threads_count());
    return;
  }
  forwardChannels(output, normalized, fixed, nextMoving, x, gamma, beta, moving, rows, channels, momentum, epsilon, training, 0, channels, 0);
}

/** Thread `index`'s channels of the threaded forward job. */
export function batch_normalization_forward_share(index: i32, threads: i32): void {
  const channels = job_i32(9), align = channelAlign(channels, threads);
  const c0 = split(index, threads, channels, align), c1 = split(index + 1, threads, channels, align);
  if (c0 >= c1) return;
  forwardChannels(job_arg(0), job_arg(1), job_arg(2), job_arg(3), job_arg(4), job_arg(5), job_arg(6), job_arg(7),
    job_i32(8), channels, job_f32(10), job_f32(11), job_i32(12) != 0, c0, c1, index);
}

// The forward pass for channels [c0, c1).
function forwardChannels(
  output: usize, normalized: usize, fixed: usize, nextMoving: usize,
  x: usize, gamma: usize, beta: usize, moving: usize,
  rows: i32, channels: i32, momentum: f32, epsilon: f32, training: bool, c0: i32, c1: i32, slot: i32,
): void {
  const mean = fixed, invStd = fixed + (<usize>channels << 2);
  const movingMean = moving, movingVariance = moving + (<usize>channels << 2);
  if (training) {
    batch_statistics(mean, invStd, x, rows, channels, c0, c1, slot);
    const decay: f32 = 1 - momentum;
    for (let c = c0; c < c1; c++) {
      const o = <usize>c << 2;
      const variance = load<f32>(invStd + o); // batch_statistics leaves σ² here
      const m = load<f32>(movingMean + o), v = load<f32>(movingVariance + o);
      store<f32>(nextMoving + o, m - (m - load<f32>(mean + o)) * decay);
      store<f32>(nextMoving + (<usize>channels << 2) + o, v - (v - variance) * decay);
      store<f32>(invStd + o, 1 / Mathf.sqrt(variance + epsilon));
    }
  } else {
    for (let c = c0; c < c1; c++) {
      const o = <usize>c << 2;
      store<f32>(mean + o, load<f32>(movingMean + o));
      store<f32>(invStd + o, 1 / Mathf.sqrt(load<f32>(movingVariance + o) + epsilon));
    }
  }
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * (<usize>channels << 2);
    for (let c = c0; c < c1; c++) {
      const o = <usize>c << 2;
      const xh = (load<f32>(x + row + o) - load<f32>(mean + o)) * load<f32>(invStd + o);
      store<f32>(normalized + row + o, xh);
      store<f32>(output + row + o, (gamma ? load<f32>(gamma + o) : 1) * xh + (beta ? load<f32>(beta + o) : 0));
    }
  }
}

// μ and σ² (biased) of channels [c0, c1) over `rows` rows, summed in float64 row by row (each
// channel's sums still add its rows in order) in blocks of STAT_BLOCK channels, with the sums
// in thread `slot`'s scratch.
function batch_statistics(mean: usize, variance: usize, x: usize, rows: i32, channels: i32, c0: i32, c1: i32, slot: i32): void {
  const rowBytes = <usize>channels << 2;
  const mus = statScratch + <usize>slot * (STAT_BLOCK << 4), squares = mus + (STAT_BLOCK << 3);
  for (let b0 = c0; b0 < c1; b0 += STAT_BLOCK) {
    const b1 = min(b0 + STAT_BLOCK, c1);
    const width = b1 - b0;
    memory.fill(mus, 0, <usize>width << 3);
    memory.fill(squares, 0, <usize>width << 3);
    for (let r = 0; r < rows; r++) {
      const row = x + <usize>r * rowBytes + (<usize>b0 << 2);
      for (let c = 0; c < width; c++) {
        const s = mus + (<usize>c << 3);
        store<f64>(s, load<f64>(s) + <f64>load<f32>(row + (<usize>c << 2)));
      }
    }
    for (let c = 0; c < width; c++) {
      const s = mus + (<usize>c << 3);
      store<f64>(s, load<f64>(s) / <f64>rows);
    }
    for (let r = 0; r < rows; r++) {
      const row = x + <usize>r * rowBytes + (<usize>b0 << 2);
      for (let c = 0; c < width; c++) {
        const s = squares + (<usize>c << 3);
        const d = <f64>load<f32>(row + (<usize>c << 2)) - load<f64>(mus + (<usize>c << 3));
        store<f64>(s, load<f64>(s) + d * d);
      }
    }
    for (let c = 0; c < width; c++) {
      const o = <usize>(b0 + c) << 2;
      store<f32>(mean + o, <f32>load<f64>(mus + (<usize>c << 3)));
      store<f32>(variance + o, <f32>(load<f64>(squares + (<usize>c << 3)) / <f64>rows));
    }
  }
}

/**
 * The chain rule back through it, from dy = dLoss/dy: dγ = Σ dy·x̂, dβ = Σ dy (skipped when their
 * pointers are 0), and dx — in training, where μ and σ² depend on every row,
 *   dx = (1/√(σ² + ε)) · (d − mean(d) − x̂·mean(d·x̂)),  d = dy·γ;
 * in inference simply dy·γ/√(m_σ² + ε). With `accumulate…` the results are added to what is there.
 */
export function batch_normalization_backward(
  inputGrad: usize, gammaGrad: usize, betaGrad: usize,
  outputGrad: usize, normalized: usize, fixed: usize, gamma: usize,
  rows: i32, channels: i32, training: bool, accumulateParams: bool, accumulateInput: bool,
): void {
  if (ASC_FEATURE_THREADS && channels > 1 && kernel_parallel(<u64>rows * <u64>channels)) {
    job_set(0, inputGrad); job_set(1, gammaGrad); job_set(2, betaGrad); job_set(3, outputGrad);
    job_set(4, normalized); job_set(5, fixed); job_set(6, gamma); job_set(7, rows); job_set(8, channels);
    job_set(9, training ? 1 : 0); job_set(10, accumulateParams ? 1 : 0); job_set(11, accumulateInput ? 1 : 0);
    run_job(JOB_BATCH_NORMALIZATION_BACKWARD, threads_count());
    return;
  }
  backwardChannels(inputGrad, gammaGrad, betaGrad, outputGrad, normalized, fixed, gamma, rows, channels, training, accumulateParams, accumulateInput, 0, channels);
}

/** Thread `index`'s channels of the threaded backward job. */
export function batch_normalization_backward_share(index: i32, threads: i32): void {
  const channels = job_i32(8), align = channelAlign(channels, threads);
  const c0 = split(index, threads, channels, align), c1 = split(index + 1, threads, channels, align);
  if (c0 >= c1) return;
  backwardChannels(job_arg(0), job_arg(1), job_arg(2), job_arg(3), job_arg(4), job_arg(5), job_arg(6),
    job_i32(7), channels, job_i32(9) != 0, job_i32(10) != 0, job_i32(11) != 0, c0, c1);
}

// The backward pass for channels [c0, c1).
function backwardChannels(
  inputGrad: usize, gammaGrad: usize, betaGrad: usize,
  outputGrad: usize, normalized: usize, fixed: usize, gamma: usize,
  rows: i32, channels: i32, training: bool, accumulateParams: bool, accumulateInput: bool, c0: i32, c1: i32,
): void {
  const invStd = fixed + (<usize>channels << 2);
  const sumD = invStd + (<usize>channels << 2), sumDX = sumD + (<usize>channels << 2);
  const rowBytes = <usize>channels << 2;
  const from = <usize>c0 << 2, bytes = <usize>(c1 - c0) << 2;
  memory.fill(sumD + from, 0, bytes);
  memory.fill(sumDX + from, 0, bytes);
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * rowBytes;
    for (let c = c0; c < c1; c++) {
      const o = <usize>c << 2;
      const dy = load<f32>(outputGrad + row + o), xh = load<f32>(normalized + row + o);
      store<f32>(sumD + o, load<f32>(sumD + o) + dy);
      store<f32>(sumDX + o, load<f32>(sumDX + o) + dy * xh);
    }
  }
  for (let c = c0; c < c1; c++) {
    const o = <usize>c << 2;
    if (gammaGrad) store<f32>(gammaGrad + o, (accumulateParams ? load<f32>(gammaGrad + o) : 0) + load<f32>(sumDX + o));
    if (betaGrad) store<f32>(betaGrad + o, (accumulateParams ? load<f32>(betaGrad + o) : 0) + load<f32>(sumD + o));
  }
  if (!inputGrad) return;
  const scale: f32 = 1 / <f32>rows;
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * rowBytes;
    for (let c = c0; c < c1; c++) {
      const o = <usize>c << 2;
      const g: f32 = gamma ? load<f32>(gamma + o) : 1;
      const dy = load<f32>(outputGrad + row + o);
      let dx = dy * g * load<f32>(invStd + o);
      if (training) {
        // With d = dy·γ: mean(d) = γ·Σdy/n and mean(d·x̂) = γ·Σdy·x̂/n.
        const xh = load<f32>(normalized + row + o);
        dx = g * load<f32>(invStd + o) * (dy - load<f32>(sumD + o) * scale - xh * load<f32>(sumDX + o) * scale);
      }
      store<f32>(inputGrad + row + o, accumulateInput ? load<f32>(inputGrad + row + o) + dx : dx);
    }
  }
}
