// Threads, in the build compiled with `--enable threads` over a shared memory: the main thread's
// instance and one instance per worker share one linear memory. A large matrix product is split
// by columns: the main thread writes the job into JOB below, bumps its generation and wakes the
// workers, does its own share, then waits for the others to count themselves done — one barrier
// per product, no message per step. In the single-threaded builds THREADS_MAX is 1 and none of
// this is compiled in.
import { gemm_columns } from "./gemm";

/** Packing buffers are reserved for this many threads. */
export const THREADS_MAX: i32 = ASC_FEATURE_THREADS ? 4 : 1;

// Products below this many multiply-adds stay on one thread: waking another costs more.
const PARALLEL_MIN: u64 = 1 << 20;
// Columns go to threads in multiples of the micro-kernel's 8, so every tile is computed as on one thread.
const NR = 8;

// The job area (i32 fields): generation, threads done, threads in use, then the product.
const JOB = memory.data(64, 64);
const GENERATION = 0;
const DONE = 4;
const THREADS = 8;
const FORM = 12;
const C = 16;
const A = 20;
const B = 24;
const BIAS = 28;
const M = 32;
const N = 36;
const K = 40;
const ACCUMULATE = 44;

/** How many threads take part in large products, 1 … THREADS_MAX (workers must be running). */
export function threads_set(count: i32): void {
  atomic.store<i32>(JOB + THREADS, min(max(count, 1), THREADS_MAX));
}

export function threads_count(): i32 {
  return max(atomic.load<i32>(JOB + THREADS), 1);
}

/**
 * Runs on the main thread: splits a large product between the threads and returns true once it
 * is done, or returns false for a product that should stay on one thread.
 */
export function parallel(form: i32, c: usize, a: usize, b: usize, bias: usize, m: i32, n: i32, k: i32, accumulate: bool): bool {
  const threads = threads_count();
  if (threads <= 1 || n < 2 * NR || <u64>m * <u64>n * <u64>k < PARALLEL_MIN) return false;
  store<i32>(JOB + FORM, form);
  store<usize>(JOB + C, c);
  store<usize>(JOB + A, a);
  store<usize>(JOB + B, b);
  store<usize>(JOB + BIAS, bias);
  store<i32>(JOB + M, m);
  store<i32>(JOB + N, n);
  store<i32>(JOB + K, k);
  store<i32>(JOB + ACCUMULATE, accumulate ? 1 : 0);
  atomic.store<i32>(JOB + DONE, 0);
  // The atomic add publishes the job's fields to the workers that see the new generation.
  atomic.add<i32>(JOB + GENERATION, 1);
  // Wake every worker: a woken worker outside the `threads` in use goes back to sleep, and with a
  // count a needed one could be left sleeping.
  atomic.notify(JOB + GENERATION);
  share(0, threads);
  // The main thread of a page may not block, so it spins; its own share took about as long.
  // (A worker cannot fail here short of a trap, which the TypeScript side's checks rule out.)
  while (atomic.load<i32>(JOB + DONE) < threads - 1) {}
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
  let seen = generation;
  while (true) {
    atomic.wait<i32>(JOB + GENERATION, seen, -1);
    const generation = atomic.load<i32>(JOB + GENERATION);
    if (generation == seen) continue;
    seen = generation;
    const threads = threads_count();
    if (index < threads) {
      share(index, threads);
      atomic.add<i32>(JOB + DONE, 1);
    }
  }
}

/** Thread `index`'s columns of the current job. */
function share(index: i32, threads: i32): void {
  const n = load<i32>(JOB + N);
  const per = ((n + threads - 1) / threads + NR - 1) & ~(NR - 1);
  const j0 = min(index * per, n), j1 = min(j0 + per, n);
  if (j0 >= j1) return;
  gemm_columns(load<i32>(JOB + FORM), load<usize>(JOB + C), load<usize>(JOB + A), load<usize>(JOB + B), load<usize>(JOB + BIAS),
    load<i32>(JOB + M), n, load<i32>(JOB + K), load<i32>(JOB + ACCUMULATE) != 0, j0, j1, index);
}
