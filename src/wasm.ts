// Loading the Wasm core, and the few helpers that move numbers in and out of its memory.
import { StateError, ValueError } from './errors.js';
import { MAX_THREADS, availableCores, startThreads, type ThreadPool } from './threads.js';

/** The exports of assembly/ that the TypeScript side calls (pointers are byte offsets). */
export interface Core {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  free(ptr: number): void;
  heap_top(): number;
  rng_seed(state: number, seed: number): void;
  rng_uniform(out: number, n: number, state: number, lo: number, hi: number): void;
  rng_normal(out: number, n: number, state: number, mean: number, std: number, truncate: boolean): void;
  rng_shuffle(indices: number, n: number, state: number): void;
  gemm_nn(c: number, a: number, b: number, m: number, n: number, k: number, accumulate: boolean): void;
  gemm_nt(c: number, a: number, b: number, m: number, n: number, k: number, accumulate: boolean): void;
  gemm_tn(c: number, a: number, b: number, m: number, n: number, k: number, accumulate: boolean): void;
  gemm_nn_bias(c: number, a: number, b: number, bias: number, m: number, n: number, k: number): void;
  activation_forward(a: number, z: number, rows: number, cols: number, act: number, alpha: number): void;
  activation_backward(dz: number, da: number, z: number, a: number, rows: number, cols: number, act: number, alpha: number): void;
  bias_gradient(dbias: number, dz: number, rows: number, cols: number): void;
  loss_forward_backward(grad: number, pred: number, label: number, rows: number, cols: number, loss: number, param: number): number;
  loss_from_logits(grad: number, logits: number, label: number, rows: number, cols: number, loss: number, smoothing: number): number;
  penalty_forward_backward(grad: number, w: number, n: number, l1: number, l2: number): number;
  metrics_update(totals: number, pred: number, label: number, rows: number, cols: number, mask: number): void;
  sgd_update(params: number, grads: number, n: number, lr: number): void;
  momentum_update(params: number, grads: number, velocity: number, n: number, lr: number, momentum: number, nesterov: boolean): void;
  adam_update(params: number, grads: number, m: number, v: number, vmax: number, n: number, lr: number, beta1: number, beta2: number, epsilon: number, t: number): void;
  rmsprop_update(params: number, grads: number, ms: number, mom: number, mg: number, n: number, lr: number, rho: number, momentum: number, epsilon: number, centered: boolean): void;
  adagrad_update(params: number, grads: number, acc: number, n: number, lr: number, epsilon: number): void;
  adadelta_update(params: number, grads: number, accGrad: number, accUpdate: number, n: number, lr: number, rho: number, epsilon: number): void;
  adamax_update(params: number, grads: number, m: number, u: number, n: number, lr: number, beta1: number, beta2: number, epsilon: number, t: number): void;
  weight_decay(params: number, n: number, lr: number, decay: number): void;
  clip_gradients(grads: number, n: number, clipNorm: number, clipValue: number): void;
  dropout_forward(a: number, mask: number, x: number, n: number, rate: number, state: number): void;
  dropout_backward(dx: number, dy: number, mask: number, n: number): void;
  rng_next_u32(state: number): number;
  net_create(layers: number): number;
  net_set_dense(net: number, i: number, inputs: number, units: number, act: number, alpha: number, useBias: boolean): void;
  net_set_dropout(net: number, i: number, units: number, rate: number): void;
  net_set_regularizers(net: number, i: number, kernelL1: number, kernelL2: number, biasL1: number, biasL2: number): void;
  net_build(net: number): number;
  net_params(net: number): number;
  net_grads(net: number): number;
  net_param_count(net: number): number;
  net_slots(net: number): number;
  net_slot_count(net: number): number;
  net_step(net: number): number;
  net_weights_changed(net: number): void;
  net_set_step(net: number, step: number): void;
  net_rng(net: number): number;
  net_set_loss(net: number, loss: number, param: number, fromLogits: boolean, labelCols: number, metricMask: number): void;
  net_set_optimizer(net: number, optimizer: number, lr: number, p1: number, p2: number, epsilon: number, p3: number, flags: number, clipNorm: number, clipValue: number): number;
  net_set_learning_rate(net: number, lr: number): void;
  net_reserve(net: number, rows: number): number;
  net_batch_cap(net: number): number;
  net_input(net: number): number;
  net_label(net: number): number;
  net_output(net: number): number;
  net_forward(net: number, x: number, rows: number, training: boolean): void;
  net_loss(net: number, y: number, rows: number, withGrad: boolean): number;
  net_reset_metrics(net: number): void;
  net_metric_totals(net: number): number;
  net_backward(net: number, x: number, rows: number): void;
  net_update(net: number): void;
  net_train_batch(net: number, x: number, y: number, indices: number, rows: number): number;
  net_train_batches(net: number, x: number, y: number, order: number, rows: number, batchSize: number, first: number, count: number): number;
  net_diverged_batch(net: number): number;
  net_free(net: number): void;
  threads_set(count: number): void;
  threads_count(): number;
  threads_generation(): number;
}

let core: Core | undefined;
let loadedBuild: WasmBuild | undefined;
let loading: Promise<void> | undefined;
let pool: ThreadPool | undefined;

/** Where the compiled core can come from, for `ready({ wasm })`. */
export type WasmSource = URL | string | ArrayBuffer | ArrayBufferView | WebAssembly.Module | Response;

/**
 * The builds of the core: plain Wasm SIMD; relaxed SIMD (fused multiply-add in the matrix
 * multiply), which Chromium runs as is and Node 20 only with --experimental-wasm-relaxed-simd;
 * and threads (plain SIMD over a shared memory, large products split between workers).
 */
export type WasmBuild = 'simd' | 'relaxed' | 'threads';

export interface ReadyOptions {
  /** Which single-threaded build to load: 'auto' (default) picks relaxed where the engine validates it. */
  build?: 'simd' | 'relaxed' | 'auto';
  /**
   * Threads for large matrix products: 1 (default), a number up to 4, or 'auto' (the cores
   * available, up to 4). More than one loads the threaded build and starts workers, where
   * SharedArrayBuffer exists (a browser page must be cross-origin isolated); elsewhere neurite
   * stays on one thread.
   */
  threads?: number | 'auto';
  /** Override where the .wasm is loaded from (a URL, its bytes or a compiled module). */
  wasm?: WasmSource;
}

/**
 * Instantiates the Wasm core. Call it once before anything else; it is idempotent, and
 * concurrent callers share one instantiation. In Node the .wasm is read from beside this module,
 * in browsers it is fetched from there.
 */
export function ready(options: ReadyOptions = {}): Promise<void> {
  if (core) return Promise.resolve();
  if (!loading) {
    const threads = chooseThreads(options.threads ?? 1);
    loading = (threads > 1 ? loadThreaded(options.wasm, threads) : load(options.wasm, chooseBuild(options.build ?? 'auto'))).then(
      (loaded) => { core = loaded.exports; loadedBuild = loaded.build; },
      (err) => { loading = undefined; throw err; },
    );
  }
  return loading;
}

/** Threads taking part in large products (1 unless ready() started a pool). */
export function threadCount(): number {
  return pool ? wasm('threadCount()').threads_count() : 1;
}

/** Uses `count` threads (1 … the number ready() started) from now on; mainly for comparisons. */
export function setThreads(count: number): void {
  const started = pool?.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > started) {
    throw new ValueError(`setThreads(): count must be an integer in [1, ${started}] (the threads ready() started), got ${JSON.stringify(count)}`);
  }
  if (pool) wasm('setThreads()').threads_set(count);
}

function chooseThreads(threads: unknown): number {
  if (threads === 'auto') return Math.min(MAX_THREADS, availableCores());
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new ValueError(`ready(): threads must be 'auto' or an integer in [1, ${MAX_THREADS}], got ${JSON.stringify(threads)}`);
  }
  // Without SharedArrayBuffer (a page that is not cross-origin isolated) there are no threads.
  return typeof SharedArrayBuffer === 'undefined' || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false ? 1 : threads;
}

// Instantiates the threaded build over a new shared memory, then starts the workers.
async function loadThreaded(source: WasmSource | undefined, threads: number): Promise<Loaded> {
  const bytes = await fetchBytes(source ?? new URL('../dist/neurite.threads.wasm', import.meta.url));
  const module = bytes instanceof WebAssembly.Module ? bytes : await WebAssembly.compile(bytes as BufferSource);
  // 4 MiB holds the static packing buffers of every thread; 65,536 pages is Wasm's 4 GiB.
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
  if (!WebAssembly.Module.exports(module).some((e) => e.name === 'thread_loop')) {
    throw new ValueError('ready(): the wasm given is not the threaded build (dist/neurite.threads.wasm), which threads > 1 needs');
  }
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const exports = instance.exports as unknown as Core;
  try {
    pool = await startThreads(module, memory, threads, exports.threads_generation());
  } catch {
    // Workers that cannot start (a script the page's policy blocks, say) leave one thread.
    return load(undefined, 'simd');
  }
  exports.threads_set(threads);
  return { exports, build: 'threads' };
}

/** True once ready() has resolved. */
export function isReady(): boolean {
  return core !== undefined;
}

/** The build ready() loaded ('simd', 'relaxed' or 'threads'), or undefined before it resolves. */
export function wasmBuild(): WasmBuild | undefined {
  return loadedBuild;
}

// The smallest module using f32x4.relaxed_madd: engines without relaxed SIMD reject it.
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00, 0x0a, 0x3d, 0x01, 0x3b, 0x00,
  0xfd, 0x0c, ...new Array(16).fill(0), 0xfd, 0x0c, ...new Array(16).fill(0), 0xfd, 0x0c, ...new Array(16).fill(0),
  0xfd, 0x85, 0x02, 0x0b,
]);

export function supportsRelaxedSimd(): boolean {
  try {
    return WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

function chooseBuild(build: unknown): 'simd' | 'relaxed' {
  if (build === 'auto') return supportsRelaxedSimd() ? 'relaxed' : 'simd';
  if (build === 'simd') return build;
  if (build === 'relaxed') {
    if (!supportsRelaxedSimd()) throw new ValueError(`ready(): this engine does not support relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd); use build: 'simd' or 'auto'`);
    return build;
  }
  throw new ValueError(`ready(): build must be 'auto', 'simd' or 'relaxed', got ${JSON.stringify(build)}`);
}

interface Loaded {
  exports: Core;
  build: WasmBuild;
}

async function load(source: WasmSource | undefined, build: 'simd' | 'relaxed'): Promise<Loaded> {
  // `../dist/` resolves to the same file from src/ (tests) and from dist/ (the package).
  const url = build === 'relaxed'
    ? new URL('../dist/neurite.relaxed.wasm', import.meta.url)
    : new URL('../dist/neurite.wasm', import.meta.url);
  const bytes = await fetchBytes(source ?? url);
  // Plain WebAssembly.instantiate: the core imports nothing and needs no JS glue. (It once went
  // through @assemblyscript/loader, a bare import that a page's import map had to name and that a
  // module Worker, which import maps do not reach, could not resolve at all.)
  const module = bytes instanceof WebAssembly.Module ? bytes : await WebAssembly.compile(bytes as BufferSource);
  if (WebAssembly.Module.imports(module).length > 0) {
    throw new ValueError('ready(): the wasm given imports a shared memory: it is the threaded build, which needs threads > 1 (and SharedArrayBuffer)');
  }
  const instance = await WebAssembly.instantiate(module, {});
  return { exports: instance.exports as unknown as Core, build };
}

async function fetchBytes(source: WasmSource): Promise<ArrayBuffer | ArrayBufferView | WebAssembly.Module> {
  if (source instanceof WebAssembly.Module || source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return source;
  if (typeof Response !== 'undefined' && source instanceof Response) return source.arrayBuffer();
  const url = source instanceof URL ? source : new URL(source as string, import.meta.url);
  if (url.protocol === 'file:') {
    // Node's fetch does not read file: URLs.
    const fs = 'node:fs/promises';
    const { readFile } = (await import(/* @vite-ignore */ fs)) as typeof import('node:fs/promises');
    return readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new ValueError(`ready(): fetching the Wasm core from ${url} failed with HTTP ${response.status}`);
  return response.arrayBuffer();
}

/** The instantiated core; throws a StateError naming `what` if ready() has not resolved. */
export function wasm(what = 'this call'): Core {
  if (!core) throw new StateError(`neurite is not ready: await ready() before ${what}`);
  return core;
}

let heap: Float32Array | undefined;

/**
 * A Float32Array over all of Wasm memory. Memory growth detaches old views (their length drops
 * to 0), so callers get it fresh after any call that may allocate, and never keep it across one.
 */
export function heapF32(): Float32Array {
  // A detached view has length 0: cheaper to test than reading memory.buffer on every call. A
  // shared memory's views are never detached, only outgrown, so there the length is compared.
  if (!heap || heap.length === 0 || (pool && heap.byteLength !== wasm().memory.buffer.byteLength)) {
    heap = new Float32Array(wasm().memory.buffer);
  }
  return heap;
}

/** Copies n floats at ptr out of Wasm memory. */
export function readF32(ptr: number, n: number): Float32Array {
  const start = ptr >>> 2;
  return heapF32().slice(start, start + n);
}

/** Copies `data` into Wasm memory at ptr. */
export function writeF32(ptr: number, data: ArrayLike<number>): void {
  const h = heapF32(), start = ptr >>> 2;
  if (data.length > 32) {
    h.set(data, start);
    return;
  }
  // A few values copy faster in a loop than through TypedArray.prototype.set.
  for (let i = 0; i < data.length; i++) h[start + i] = data[i];
}

/** Allocates zeroed bytes or throws a ValueError saying what did not fit. */
export function allocate(bytes: number, what: string): number {
  if (!Number.isFinite(bytes) || bytes > 2 ** 32) {
    throw new ValueError(`${what} needs ${formatBytes(bytes)}, more than WebAssembly's 4 GiB of memory`);
  }
  const ptr = wasm().alloc(bytes) >>> 0;
  if (ptr === 0) throw new ValueError(`${what} needs ${formatBytes(bytes)}, which does not fit in WebAssembly's 4 GiB of memory`);
  return ptr;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
