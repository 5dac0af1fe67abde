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
// Every channel's sums run over the rows in row order, so the threaded build takes them channel
// by channel — each thread whole channels, summed in its own scratch (threads writing sums that
// share a cache line run slower than one thread) — then, after a barrier, the element-wise pass
// row by row: results bitwise the same as on one thread.
import {
  kernel_parallel, job_set, job_set_f32, job_arg, job_i32, job_f32, split, run_job, threads_count, barrier,
  JOB_BATCH_NORMALIZATION_FORWARD, JOB_BATCH_NORMALIZATION_BACKWARD,
} from "../threads";

// The sums, STAT_BLOCK channels (two float64 sums each) a thread at a time, in a scratch of each thread's own.
const STAT_BLOCK = 256;
const SCRATCH_BYTES: usize = STAT_BLOCK * 16;
// (THREADS_MAX of assembly/threads.ts, which the modules' import cycle does not let a constant read here.)
const STAT_THREADS: i32 = ASC_FEATURE_THREADS ? 4 : 1;
const statScratch = memory.data(<i32>SCRATCH_BYTES * STAT_THREADS, 64);

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
  forwardStatistics(fixed, nextMoving, x, moving, rows, channels, momentum, epsilon, training, 0, channels, 0);
  forwardRows(output, normalized, fixed, x, gamma, beta, channels, 0, rows);
}

/** Thread `index`'s part of the threaded forward job: its channels' statistics, then its rows. */
export function batch_normalization_forward_share(index: i32, threads: i32): void {
  const rows = job_i32(8), channels = job_i32(9), align = channelAlign(channels, threads);
  const c0 = split(index, threads, channels, align), c1 = split(index + 1, threads, channels, align);
  const fixed = job_arg(2), x = job_arg(4);
  if (c0 < c1) forwardStatistics(fixed, job_arg(3), x, job_arg(7), rows, channels, job_f32(10), job_f32(11), job_i32(12) != 0, c0, c1, index);
  barrier(threads);
  const r0 = split(index, threads, rows, 1), r1 = split(index + 1, threads, rows, 1);
  if (r0 < r1) forwardRows(job_arg(0), job_arg(1), fixed, x, job_arg(5), job_arg(6), channels, r0, r1);
}

// μ (or the moving mean) and 1/√(σ² + ε) of channels [c0, c1) into `fixed`, and in training the
// next moving statistics, summing in thread `slot`'s scratch.
function forwardStatistics(
  fixed: usize, nextMoving: usize, x: usize, moving: usize,
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
}

// y = γ·x̂ + β and x̂ = (x − μ)·(1/√(σ² + ε)) for rows [r0, r1), four channels a step (the same
// operations, lane by lane, as one at a time).
function forwardRows(output: usize, normalized: usize, fixed: usize, x: usize, gamma: usize, beta: usize, channels: i32, r0: i32, r1: i32): void {
  const mean = fixed, invStd = fixed + (<usize>channels << 2);
  const rowBytes = <usize>channels << 2;
  for (let r = r0; r < r1; r++) {
    const row = <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const o = <usize>c << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(x + row + o), v128.load(mean + o)), v128.load(invStd + o));
      v128.store(normalized + row + o, xh);
      const g = gamma ? v128.load(gamma + o) : f32x4.splat(1), b = beta ? v128.load(beta + o) : f32x4.splat(0);
      v128.store(output + row + o, f32x4.add(f32x4.mul(g, xh), b));
    }
    for (; c < channels; c++) {
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
  const mus = statScratch + <usize>slot * SCRATCH_BYTES, squares = mus + (STAT_BLOCK << 3);
  for (let b0 = c0; b0 < c1; b0 += STAT_BLOCK) {
    const b1 = min(b0 + STAT_BLOCK, c1);
    const width = b1 - b0;
    memory.fill(mus, 0, <usize>width << 3);
    memory.fill(squares, 0, <usize>width << 3);
    for (let r = 0; r < rows; r++) {
      const row = x + <usize>r * rowBytes + (<usize>b0 << 2);
      let c = 0;
      for (; c + 4 <= width; c += 4) {
        const s = mus + (<usize>c << 3), v = v128.load(row + (<usize>c << 2));
        v128.store(s, f64x2.add(v128.load(s), f64x2.promote_low_f32x4(v)));
        v128.store(s, f64x2.add(v128.load(s, 16), f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 0, 1))), 16);
      }
      for (; c < width; c++) {
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
      let c = 0;
      for (; c + 4 <= width; c += 4) {
        const s = squares + (<usize>c << 3), mu = mus + (<usize>c << 3), v = v128.load(row + (<usize>c << 2));
        const d0 = f64x2.sub(f64x2.promote_low_f32x4(v), v128.load(mu));
        const d1 = f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 0, 1)), v128.load(mu, 16));
        v128.store(s, f64x2.add(v128.load(s), f64x2.mul(d0, d0)));
        v128.store(s, f64x2.add(v128.load(s, 16), f64x2.mul(d1, d1)), 16);
      }
      for (; c < width; c++) {
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
  backwardSums(gammaGrad, betaGrad, outputGrad, normalized, fixed, rows, channels, accumulateParams, 0, channels, 0);
  if (inputGrad) backwardRows(inputGrad, outputGrad, normalized, fixed, gamma, rows, channels, training, accumulateInput, 0, rows);
}

/** Thread `index`'s part of the threaded backward job: its channels' sums, then its rows of dx. */
export function batch_normalization_backward_share(index: i32, threads: i32): void {
  const inputGrad = job_arg(0), outputGrad = job_arg(3), normalized = job_arg(4), fixed = job_arg(5);
  const rows = job_i32(7), channels = job_i32(8), align = channelAlign(channels, threads);
  const c0 = split(index, threads, channels, align), c1 = split(index + 1, threads, channels, align);
  if (c0 < c1) backwardSums(job_arg(1), job_arg(2), outputGrad, normalized, fixed, rows, channels, job_i32(10) != 0, c0, c1, index);
  if (!inputGrad) return;
  barrier(threads);
  const r0 = split(index, threads, rows, 1), r1 = split(index + 1, threads, rows, 1);
  if (r0 < r1) backwardRows(inputGrad, outputGrad, normalized, fixed, job_arg(6), rows, channels, job_i32(9) != 0, job_i32(11) != 0, r0, r1);
}

// Σdy and Σdy·x̂ of channels [c0, c1) over the rows in order (float32, four channels a step, in
// thread `slot`'s scratch) into `fixed`, and dγ, dβ from them.
function backwardSums(
  gammaGrad: usize, betaGrad: usize, outputGrad: usize, normalized: usize, fixed: usize,
  rows: i32, channels: i32, accumulateParams: bool, c0: i32, c1: i32, slot: i32,
): void {
  const sumD = fixed + (<usize>channels << 3), sumDX = sumD + (<usize>channels << 2);
  const rowBytes = <usize>channels << 2;
  const sd = statScratch + <usize>slot * SCRATCH_BYTES, sdx = sd + (STAT_BLOCK << 2);
  for (let b0 = c0; b0 < c1; b0 += STAT_BLOCK) {
    const width = min(b0 + STAT_BLOCK, c1) - b0;
    memory.fill(sd, 0, <usize>width << 2);
    memory.fill(sdx, 0, <usize>width << 2);
    for (let r = 0; r < rows; r++) {
      const at = <usize>r * rowBytes + (<usize>b0 << 2);
      let c = 0;
      for (; c + 4 <= width; c += 4) {
        const o = <usize>c << 2;
        const dy = v128.load(outputGrad + at + o), xh = v128.load(normalized + at + o);
        v128.store(sd + o, f32x4.add(v128.load(sd + o), dy));
        v128.store(sdx + o, f32x4.add(v128.load(sdx + o), f32x4.mul(dy, xh)));
      }
      for (; c < width; c++) {
        const o = <usize>c << 2;
        const dy = load<f32>(outputGrad + at + o), xh = load<f32>(normalized + at + o);
        store<f32>(sd + o, load<f32>(sd + o) + dy);
        store<f32>(sdx + o, load<f32>(sdx + o) + dy * xh);
      }
    }
    memory.copy(sumD + (<usize>b0 << 2), sd, <usize>width << 2);
    memory.copy(sumDX + (<usize>b0 << 2), sdx, <usize>width << 2);
  }
  for (let c = c0; c < c1; c++) {
    const o = <usize>c << 2;
    if (gammaGrad) store<f32>(gammaGrad + o, (accumulateParams ? load<f32>(gammaGrad + o) : 0) + load<f32>(sumDX + o));
    if (betaGrad) store<f32>(betaGrad + o, (accumulateParams ? load<f32>(betaGrad + o) : 0) + load<f32>(sumD + o));
  }
}

// dx for rows [r0, r1) from the sums, four channels a step (the same operations, lane by lane).
function backwardRows(
  inputGrad: usize, outputGrad: usize, normalized: usize, fixed: usize, gamma: usize,
  rows: i32, channels: i32, training: bool, accumulateInput: bool, r0: i32, r1: i32,
): void {
  const invStd = fixed + (<usize>channels << 2);
  const sumD = invStd + (<usize>channels << 2), sumDX = sumD + (<usize>channels << 2);
  const rowBytes = <usize>channels << 2;
  const scale: f32 = 1 / <f32>rows, vscale = f32x4.splat(scale);
  for (let r = r0; r < r1; r++) {
    const row = <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const o = <usize>c << 2;
      const g = gamma ? v128.load(gamma + o) : f32x4.splat(1);
      const dy = v128.load(outputGrad + row + o);
      let dx = f32x4.mul(f32x4.mul(dy, g), v128.load(invStd + o));
      if (training) {
        const xh = v128.load(normalized + row + o);
        const centered = f32x4.sub(f32x4.sub(dy, f32x4.mul(v128.load(sumD + o), vscale)), f32x4.mul(f32x4.mul(xh, v128.load(sumDX + o)), vscale));
        dx = f32x4.mul(f32x4.mul(g, v128.load(invStd + o)), centered);
      }
      v128.store(inputGrad + row + o, accumulateInput ? f32x4.add(v128.load(inputGrad + row + o), dx) : dx);
    }
    for (; c < channels; c++) {
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
