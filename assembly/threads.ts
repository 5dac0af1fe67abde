// Threads, in the build compiled with `--enable threads` over a shared memory: the main thread's
// instance and one instance per worker share one linear memory. A large matrix product is split
// by columns (by rows when it is taller than wide): the main thread writes the job into JOB below, bumps its generation (waking the
// workers that sleep), does its own share, then waits for the others to count themselves done —
// one barrier per product, no message per step. A waiting thread spins (2^17 checks, set by the
// TypeScript side) before it blocks: waking a sleeping thread costs 100–150 µs, longer than most
// kernels between two jobs. In the single-threaded builds THREADS_MAX is 1 and none of
// this is compiled in.
import { gemm_columns, gemm_rows } from "./gemm";
import { activation_forward_share, activation_backward_share, bias_gradient_share } from "./activations";
import { batch_normalization_forward_share, batch_normalization_backward_share } from "./layers/batch_normalization";
import {
  max_pooling_forward_share, max_pooling_backward_share, average_pooling_forward_share, average_pooling_backward_share,
} from "./layers/pooling";
import { im2col_share, col2im_share } from "./layers/conv2d";
import { all_finite_share } from "./optimizers";
import { net_update_share } from "./network";

/** Packing buffers are reserved for this many threads. */
export const THREADS_MAX: i32 = ASC_FEATURE_THREADS ? 4 : 1;

// Products below this many multiply-adds stay on one thread: handing out a job costs more (measured:
// 2^18 rather than 2^20 once the workers spin between jobs; mnist-mlp's 64×64×128 layer now splits).
const PARALLEL_MIN: u64 = 1 << 18;
// Other kernels (batch normalization, pooling, im2col, activations) below this many values a pass.
const KERNEL_MIN: u64 = 1 << 15;
// Columns go to threads in multiples of the micro-kernel's 8 (rows in multiples of its 4), so
// every tile is computed as on one thread.
const NR = 8;
const MR = 4;
// A tall product's chunks of rows: CHUNKS a thread, at least CHUNK_MIN rows each.
const CHUNKS = 4;
const CHUNK_MIN = 128;

// Who sleeps (i32 fields): workers blocked in thread_loop, whether the main thread is blocked in
// run_job, whether it may block at all (a browser page's main thread may not: it only spins), and
// the checks a waiting thread makes before it blocks (threads_block sets them).
const SLEEP = memory.data(64, 64);
const SLEEPERS = 0;
const MAIN_SLEEPS = 4;
const MAIN_BLOCKS = 8;
const SPINS = 12;

// The job area (i32 fields): generation, threads done, threads in use, the job's kind, then its
// arguments: the product's for a GEMM, the kernel's own (in the order its *_share reads them) otherwise.
const JOB = memory.data(128, 64);
const GENERATION = 0;
const DONE = 4;
const THREADS = 8;
const KIND = 12;
const BARRIER = 16;
const ARGS = 20;
const ARGS_MAX = 27;
const FORM = ARGS;
const C = ARGS + 4;
const A = ARGS + 8;
const B = ARGS + 12;
const BIAS = ARGS + 16;
const M = ARGS + 20;
const N = ARGS + 24;
const K = ARGS + 28;
const ACCUMULATE = ARGS + 32;
const PANELS = ARGS + 36;
const BY_ROWS = ARGS + 40;
const NEXT_CHUNK = ARGS + 44;

// The kinds of job: each kernel's *_share (in its own module) takes thread `index`'s part of it.
export const JOB_GEMM: i32 = 0;
export const JOB_BATCH_NORMALIZATION_FORWARD: i32 = 1;
export const JOB_BATCH_NORMALIZATION_BACKWARD: i32 = 2;
export const JOB_MAX_POOLING_FORWARD: i32 = 3;
export const JOB_MAX_POOLING_BACKWARD: i32 = 4;
export const JOB_AVERAGE_POOLING_FORWARD: i32 = 5;
export const JOB_AVERAGE_POOLING_BACKWARD: i32 = 6;
export const JOB_IM2COL: i32 = 7;
export const JOB_COL2IM: i32 = 8;
export const JOB_ACTIVATION_FORWARD: i32 = 9;
export const JOB_ACTIVATION_BACKWARD: i32 = 10;
export const JOB_BIAS_GRADIENT: i32 = 11;
export const JOB_ALL_FINITE: i32 = 12;
export const JOB_UPDATE: i32 = 13;

/** How many threads take part in large products, 1 … THREADS_MAX (workers must be running). */
export function threads_set(count: i32): void {
  atomic.store<i32>(JOB + THREADS, min(max(count, 1), THREADS_MAX));
}

/**
 * Whether the thread calling into the core (run_job's) may block (in Node and in workers), and how
 * many checks a waiting thread spins before it blocks (the workers always may).
 */
export function threads_block(allowed: bool, spins: i32): void {
  atomic.store<i32>(SLEEP + MAIN_BLOCKS, allowed ? 1 : 0);
  atomic.store<i32>(SLEEP + SPINS, spins);
}

export function threads_count(): i32 {
  return max(atomic.load<i32>(JOB + THREADS), 1);
}

/**
 * Runs on the main thread: splits a large product between the threads and returns true once it
 * is done, or returns false for a product that should stay on one thread. `panels`: B already
 * packed by gemm_pack_b (NN), or 0.
 */
export function parallel(form: i32, c: usize, a: usize, b: usize, bias: usize, m: i32, n: i32, k: i32, accumulate: bool, panels: usize = 0): bool {
  const threads = threads_count();
  if (threads <= 1 || <u64>m * <u64>n * <u64>k < PARALLEL_MIN) return false;
  // A tall product is split by rows, so each thread packs only its rows of A (by columns, every
  // thread would pack all of A); a wide one by columns, each packing only its columns of B.
  const byRows = m > n && m >= 2 * MR * threads;
  if (!byRows && n < 2 * NR) return false;
  store<i32>(JOB + FORM, form);
  store<usize>(JOB + C, c);
  store<usize>(JOB + A, a);
  store<usize>(JOB + B, b);
  store<usize>(JOB + BIAS, bias);
  store<i32>(JOB + M, m);
  store<i32>(JOB + N, n);
  store<i32>(JOB + K, k);
  store<i32>(JOB + ACCUMULATE, accumulate ? 1 : 0);
  store<usize>(JOB + PANELS, panels);
  store<i32>(JOB + BY_ROWS, byRows ? 1 : 0);
  store<i32>(JOB + NEXT_CHUNK, 0);
  run_job(JOB_GEMM, threads);
  return true;
}

/** The job counter, which the pool hands each worker as it starts. */
export function threads_generation(): i32 {
  return atomic.load<i32>(JOB + GENERATION);
}

/**
 * Runs on worker `index` (1 … THREADS_MAX − 1) forever: waits for a job, takes its share.
 * `generation` is the job counter when the pool started it, so a job posted before this worker
 * reached its first wait is still seen as new.
 */
export function thread_loop(index: i32, generation: i32): void {
  let seen = generation, spin = 0;
  while (true) {
    let generation = atomic.load<i32>(JOB + GENERATION);
    for (let i = 0; generation == seen && i < spin; i++) generation = atomic.load<i32>(JOB + GENERATION);
    if (generation == seen) {
      // Counted as asleep before waiting: run_job reads the count after bumping the generation,
      // so either it sees this worker and wakes it, or the wait sees the new generation.
      atomic.add<i32>(SLEEP + SLEEPERS, 1);
      atomic.wait<i32>(JOB + GENERATION, seen, -1);
      atomic.sub<i32>(SLEEP + SLEEPERS, 1);
      continue;
    }
    seen = generation;
    const threads = threads_count();
    // A worker the job does not use goes straight back to sleep.
    spin = index < threads ? atomic.load<i32>(SLEEP + SPINS) : 0;
    if (index < threads) {
      share(index, threads);
      atomic.add<i32>(JOB + DONE, 1);
      if (atomic.load<i32>(SLEEP + MAIN_SLEEPS)) atomic.notify(JOB + DONE);
    }
  }
}

/**
 * Whether a kernel pass over `values` values should be split between the threads (on the main
 * thread only: the kernels' *_share never ask).
 */
export function kernel_parallel(values: u64): bool {
  return threads_count() > 1 && values >= KERNEL_MIN;
}

/** Argument `i` of the job being written (by the main thread) or run. */
// @ts-ignore: decorator
@inline export function job_set(i: i32, value: usize): void {
  store<usize>(JOB + ARGS + (<usize>i << 2), value);
}

// @ts-ignore: decorator
@inline export function job_set_f32(i: i32, value: f32): void {
  store<f32>(JOB + ARGS + (<usize>i << 2), value);
}

// A float64 takes arguments i and i + 1.
// @ts-ignore: decorator
@inline export function job_set_f64(i: i32, value: f64): void {
  store<f64>(JOB + ARGS + (<usize>i << 2), value);
}

// @ts-ignore: decorator
@inline export function job_f64(i: i32): f64 {
  return load<f64>(JOB + ARGS + (<usize>i << 2));
}

/** Argument `i` as a flag any thread may raise (atomically: others may read it meanwhile). */
// @ts-ignore: decorator
@inline export function job_raise(i: i32): void {
  if (ASC_FEATURE_THREADS) atomic.store<i32>(JOB + ARGS + (<usize>i << 2), 1);
}

// @ts-ignore: decorator
@inline export function job_arg(i: i32): usize {
  return load<usize>(JOB + ARGS + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline export function job_i32(i: i32): i32 {
  return load<i32>(JOB + ARGS + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline export function job_f32(i: i32): f32 {
  return load<f32>(JOB + ARGS + (<usize>i << 2));
}

/**
 * Where thread `index`'s part of [0, count) starts when `threads` threads split it in parts of
 * whole multiples of `align` (thread `index` takes [split(index), split(index + 1))).
 */
export function split(index: i32, threads: i32, count: i32, align: i32): i32 {
  const units = (count + align - 1) / align;
  const per = (units + threads - 1) / threads;
  return min(index * per * align, count);
}

/**
 * Runs the job of `kind` whose arguments were just written on `threads` threads (the main thread
 * takes part 0) and returns once every part is done: one barrier.
 */
export function run_job(kind: i32, threads: i32): void {
  store<i32>(JOB + KIND, kind);
  atomic.store<i32>(JOB + DONE, 0);
  atomic.store<i32>(JOB + BARRIER, 0);
  // The atomic add publishes the job's fields to the workers that see the new generation.
  atomic.add<i32>(JOB + GENERATION, 1);
  // Wake every sleeping worker: a woken worker outside the `threads` in use goes back to sleep,
  // and with a count a needed one could be left sleeping.
  if (atomic.load<i32>(SLEEP + SLEEPERS)) atomic.notify(JOB + GENERATION);
  share(0, threads);
  // (A worker cannot fail here short of a trap, which the TypeScript side's checks rule out.)
  const others = threads - 1;
  let done = atomic.load<i32>(JOB + DONE);
  for (let i = 0, spins = atomic.load<i32>(SLEEP + SPINS); done < others && i < spins; i++) done = atomic.load<i32>(JOB + DONE);
  if (done < others && atomic.load<i32>(SLEEP + MAIN_BLOCKS)) {
    // Flagged before reading the count: a worker that counts itself after this sees the flag and wakes us.
    atomic.store<i32>(SLEEP + MAIN_SLEEPS, 1);
    while ((done = atomic.load<i32>(JOB + DONE)) < others) atomic.wait<i32>(JOB + DONE, done, -1);
    atomic.store<i32>(SLEEP + MAIN_SLEEPS, 0);
  }
  while (atomic.load<i32>(JOB + DONE) < others) {}
}

/**
 * Waits inside a job until all `threads` threads of it reach this point (the k-th call of a job
 * returns once every thread made its k-th): for a kernel whose second pass needs all of the first's
 * results. Spins: every thread of a running job is busy, so the wait is only the imbalance.
 */
export function barrier(threads: i32): void {
  if (!ASC_FEATURE_THREADS || threads <= 1) return;
  const arrived = atomic.add<i32>(JOB + BARRIER, 1) + 1;
  const target = (arrived + threads - 1) / threads * threads;
  while (atomic.load<i32>(JOB + BARRIER) < target) {}
}

/** Thread `index`'s part of the current job. */
function share(index: i32, threads: i32): void {
  switch (load<i32>(JOB + KIND)) {
    case JOB_GEMM: gemm_share(index, threads); break;
    case JOB_BATCH_NORMALIZATION_FORWARD: batch_normalization_forward_share(index, threads); break;
    case JOB_BATCH_NORMALIZATION_BACKWARD: batch_normalization_backward_share(index, threads); break;
    case JOB_MAX_POOLING_FORWARD: max_pooling_forward_share(index, threads); break;
    case JOB_MAX_POOLING_BACKWARD: max_pooling_backward_share(index, threads); break;
    case JOB_AVERAGE_POOLING_FORWARD: average_pooling_forward_share(index, threads); break;
    case JOB_AVERAGE_POOLING_BACKWARD: average_pooling_backward_share(index, threads); break;
    case JOB_IM2COL: im2col_share(index, threads); break;
    case JOB_COL2IM: col2im_share(index, threads); break;
    case JOB_ACTIVATION_FORWARD: activation_forward_share(index, threads); break;
    case JOB_ACTIVATION_BACKWARD: activation_backward_share(index, threads); break;
    case JOB_BIAS_GRADIENT: bias_gradient_share(index, threads); break;
    case JOB_ALL_FINITE: all_finite_share(index, threads); break;
    case JOB_UPDATE: net_update_share(index, threads); break;
  }
}

/** Thread `index`'s columns (or rows) of the current product. */
function gemm_share(index: i32, threads: i32): void {
  const m = load<i32>(JOB + M), n = load<i32>(JOB + N);
  const form = load<i32>(JOB + FORM), c = load<usize>(JOB + C), a = load<usize>(JOB + A), b = load<usize>(JOB + B), bias = load<usize>(JOB + BIAS);
  const k = load<i32>(JOB + K), accumulate = load<i32>(JOB + ACCUMULATE) != 0, panels = load<usize>(JOB + PANELS);
  if (load<i32>(JOB + BY_ROWS)) {
    // Four chunks a thread, taken in turn as each thread is free (a thread slowed by another
    // process, or by data in the other's cache, takes fewer), when each is tall enough that
    // packing B once a chunk costs little; else one part a thread.
    const chunk = (m / (threads * CHUNKS) + MR - 1) & ~(MR - 1);
    if (chunk < CHUNK_MIN) {
      const i0 = split(index, threads, m, MR), i1 = split(index + 1, threads, m, MR);
      if (i0 < i1) gemm_rows(form, c, a, b, bias, m, n, k, accumulate, i0, i1, index, panels);
      return;
    }
    for (let i0 = atomic.add<i32>(JOB + NEXT_CHUNK, 1) * chunk; i0 < m; i0 = atomic.add<i32>(JOB + NEXT_CHUNK, 1) * chunk) {
      gemm_rows(form, c, a, b, bias, m, n, k, accumulate, i0, min(i0 + chunk, m), index, panels);
    }
    return;
  }
  const j0 = split(index, threads, n, NR), j1 = split(index + 1, threads, n, NR);
  if (j0 < j1) gemm_columns(form, c, a, b, bias, m, n, k, accumulate, j0, j1, index, panels);
}
