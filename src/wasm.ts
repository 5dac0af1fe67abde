// Loading the Wasm core, and the few helpers that move numbers in and out of its memory.
import { float32Range, lengthOf } from './typed-arrays.js';
import { NeuriteError, StateError, ValueError, checkKeys, describe } from './errors.js';
import { MAX_THREADS, SPIN_CHECKS, availableCores, mayBlock, startThreads, type ThreadPool } from './threads.js';
import { NO_MODULE_URL, isNode, moduleUrl, packageFile, type FetchResponse, type WasmModule } from './platform.js';

/** The exports of assembly/ that the TypeScript side calls (pointers are byte offsets). */
export interface Core {
  memory: { readonly buffer: ArrayBuffer | SharedArrayBuffer; grow(pages: number): number };
  alloc(bytes: number): number;
  free(ptr: number): void;
  heap_top(): number;
  heap_available(): number;
  block_bytes(ptr: number): number;
  rng_seed(state: number, seed: number): void;
  rng_uniform(out: number, n: number, state: number, lo: number, hi: number): void;
  rng_normal(out: number, n: number, state: number, mean: number, std: number, truncate: boolean): void;
  rng_shuffle(indices: number, n: number, state: number): void;
  gemm_nn(c: number, a: number, b: number, m: number, n: number, k: number, accumulate: boolean): void;
  gemm_nt(c: number, a: number, b: number, m: number, n: number, k: number, accumulate: boolean): void;
  gemm_tn(c: number, a: number, b: number, m: number, n: number, k: number, accumulate: boolean): void;
  gemm_nn_bias(c: number, a: number, b: number, bias: number, m: number, n: number, k: number): void;
  gemm_keep(slot: number, b: number, bps: number, bjs: number, n: number, k: number): void;
  gemm_kept(slot: number, c: number, ldc: number, a: number, ars: number, aps: number, m: number, accumulate: boolean): void;
  gemm_pack_b(panels: number, b: number, n: number, k: number): void;
  gemm_nn_bias_packed(c: number, a: number, b: number, panels: number, bias: number, m: number, n: number, k: number): void;
  activation_forward(a: number, z: number, rows: number, cols: number, act: number, alpha: number): void;
  activation_backward(dz: number, da: number, z: number, a: number, rows: number, cols: number, act: number, alpha: number): void;
  activation_forward_rows(a: number, z: number, rows: number, cols: number, ld: number, act: number, alpha: number): void;
  activation_backward_rows(dz: number, da: number, z: number, a: number, rows: number, cols: number, ld: number, act: number, alpha: number): void;
  bias_gradient(dbias: number, dz: number, rows: number, cols: number, accumulate: boolean): void;
  loss_forward_backward(grad: number, pred: number, label: number, rows: number, cols: number, loss: number, param: number, weights: number, groups: number): number;
  loss_from_logits(grad: number, logits: number, label: number, rows: number, cols: number, loss: number, smoothing: number, weights: number, groups: number): number;
  penalty_forward_backward(grad: number, w: number, n: number, l1: number, l2: number): number;
  metrics_update(totals: number, pred: number, label: number, rows: number, cols: number, mask: number): void;
  sgd_update(paramsOut: number, params: number, grads: number, n: number, lr: number): void;
  momentum_update(paramsOut: number, velocityOut: number, params: number, velocity: number, grads: number, n: number, lr: number, momentum: number, nesterov: boolean): void;
  adam_update(paramsOut: number, mOut: number, vOut: number, vmaxOut: number, params: number, m: number, v: number, vmax: number, grads: number, n: number, lr: number, beta1: number, beta2: number, epsilon: number, t: number): void;
  rmsprop_update(paramsOut: number, msOut: number, momOut: number, mgOut: number, params: number, ms: number, mom: number, mg: number, grads: number, n: number, lr: number, rho: number, momentum: number, epsilon: number, centered: boolean): void;
  adagrad_update(paramsOut: number, accOut: number, params: number, acc: number, grads: number, n: number, lr: number, epsilon: number): void;
  adadelta_update(paramsOut: number, accGradOut: number, accUpdateOut: number, params: number, accGrad: number, accUpdate: number, grads: number, n: number, lr: number, rho: number, epsilon: number): void;
  adamax_update(paramsOut: number, mOut: number, uOut: number, params: number, m: number, u: number, grads: number, n: number, lr: number, beta1: number, beta2: number, epsilon: number, t: number): void;
  weight_decay(paramsOut: number, params: number, n: number, lr: number, decay: number): void;
  clip_gradients(grads: number, n: number, clipNorm: number, clipValue: number): void;
  first_nonfinite(x: number, n: number): number;
  dropout_forward(a: number, mask: number, x: number, n: number, rate: number, state: number): void;
  dropout_backward(dx: number, dy: number, mask: number, n: number, accumulate: boolean): void;
  max_pooling_forward(output: number, argmax: number, x: number, rows: number, inHeight: number, inWidth: number, channels: number, outHeight: number, outWidth: number, poolHeight: number, poolWidth: number, strideHeight: number, strideWidth: number, padTop: number, padLeft: number): void;
  max_pooling_backward(dx: number, dy: number, argmax: number, rows: number, inputSize: number, outputSize: number, accumulate: boolean): void;
  average_pooling_forward(output: number, x: number, rows: number, inHeight: number, inWidth: number, channels: number, outHeight: number, outWidth: number, poolHeight: number, poolWidth: number, strideHeight: number, strideWidth: number, padTop: number, padLeft: number): void;
  average_pooling_backward(dx: number, dy: number, rows: number, inHeight: number, inWidth: number, channels: number, outHeight: number, outWidth: number, poolHeight: number, poolWidth: number, strideHeight: number, strideWidth: number, padTop: number, padLeft: number, accumulate: boolean): void;
  dense_forward(a: number, z: number, x: number, kernel: number, bias: number, rows: number, inputs: number, units: number, act: number, alpha: number): void;
  dense_forward_packed(a: number, z: number, x: number, kernel: number, panels: number, bias: number, rows: number, inputs: number, units: number, act: number, alpha: number): void;
  dense_backward(inputGrad: number, kernelGrad: number, biasGrad: number, d: number, z: number, a: number, x: number, kernel: number, rows: number, inputs: number, units: number, act: number, alpha: number, fused: boolean, accumulateParams: boolean, accumulateInput: boolean): void;
  reshape_forward(y: number, x: number, n: number): void;
  reshape_backward(dx: number, dy: number, n: number, accumulate: boolean): void;
  repeat_vector_forward(y: number, x: number, rows: number, n: number, features: number): void;
  repeat_vector_backward(dx: number, dy: number, rows: number, n: number, features: number, accumulate: boolean): void;
  zero_padding2d_forward(y: number, x: number, rows: number, h: number, w: number, c: number, top: number, bottom: number, left: number, right: number): void;
  zero_padding2d_backward(dx: number, dy: number, rows: number, h: number, w: number, c: number, top: number, bottom: number, left: number, right: number, accumulate: boolean): void;
  up_sampling2d_forward(y: number, x: number, rows: number, h: number, w: number, c: number, sh: number, sw: number): void;
  up_sampling2d_backward(dx: number, dy: number, rows: number, h: number, w: number, c: number, sh: number, sw: number, accumulate: boolean): void;
  im2col(cols: number, x: number, rows: number, geometry: number): void;
  col2im(dx: number, cols: number, rows: number, geometry: number, accumulate: boolean): void;
  conv2d_forward(a: number, z: number, cols: number, x: number, kernel: number, bias: number, rows: number, geometry: number, act: number, alpha: number): void;
  conv2d_backward(inputGrad: number, kernelGrad: number, biasGrad: number, d: number, z: number, a: number, x: number, kernel: number, cols: number, rows: number, geometry: number, act: number, alpha: number, fused: boolean, accumulateParams: boolean, accumulateInput: boolean): void;
  depthwise_conv2d_forward(a: number, z: number, x: number, kernel: number, bias: number, rows: number, geometry: number, multiplier: number, act: number, alpha: number): void;
  depthwise_conv2d_backward(inputGrad: number, kernelGrad: number, biasGrad: number, d: number, z: number, a: number, x: number, kernel: number, rows: number, geometry: number, multiplier: number, act: number, alpha: number, fused: boolean, accumulateParams: boolean, accumulateInput: boolean): void;
  embedding_forward(out: number, ids: number, table: number, positions: number, inputDim: number, outputDim: number): void;
  embedding_backward(tableGrad: number, d: number, ids: number, positions: number, inputDim: number, outputDim: number, accumulate: boolean): void;
  separable_conv2d_forward(a: number, saved: number, x: number, depthwiseKernel: number, pointwiseKernel: number, bias: number, rows: number, geometry: number, multiplier: number, act: number, alpha: number): void;
  separable_conv2d_backward(inputGrad: number, depthwiseGrad: number, pointwiseGrad: number, biasGrad: number, d: number, saved: number, a: number, x: number, depthwiseKernel: number, pointwiseKernel: number, scratch: number, rows: number, geometry: number, multiplier: number, act: number, alpha: number, fused: boolean, accumulateParams: boolean, accumulateInput: boolean): void;
  rng_next_u32(state: number): number;
  net_create(layers: number): number;
  simple_rnn_forward(out: number, saved: number, x: number, mask: number, recurrentMask: number, kernel: number, bias: number, rows: number, steps: number, inputs: number, units: number, sequences: boolean, backwards: boolean, keep: boolean, act: number, alpha: number): void;
  simple_rnn_backward(inputGrad: number, kernelGrad: number, biasGrad: number, dOut: number, saved: number, scratch: number, x: number, mask: number, recurrentMask: number, kernel: number, rows: number, steps: number, inputs: number, units: number, sequences: boolean, backwards: boolean, act: number, alpha: number, accumulateParams: boolean, accumulateInput: boolean): void;
  gru_forward(out: number, saved: number, x: number, mask: number, recurrentMask: number, kernel: number, bias: number, rows: number, steps: number, inputs: number, units: number, sequences: boolean, backwards: boolean, keep: boolean, act: number, alpha: number, recurrentAct: number, recurrentAlpha: number): void;
  gru_backward(inputGrad: number, kernelGrad: number, biasGrad: number, dOut: number, saved: number, scratch: number, x: number, mask: number, recurrentMask: number, kernel: number, rows: number, steps: number, inputs: number, units: number, sequences: boolean, backwards: boolean, act: number, alpha: number, recurrentAct: number, recurrentAlpha: number, accumulateParams: boolean, accumulateInput: boolean): void;
  lstm_forward(out: number, saved: number, x: number, mask: number, recurrentMask: number, kernel: number, bias: number, rows: number, steps: number, inputs: number, units: number, sequences: boolean, backwards: boolean, keep: boolean, act: number, alpha: number, recAct: number, recAlpha: number): void;
  lstm_backward(inputGrad: number, kernelGrad: number, biasGrad: number, dOut: number, saved: number, scratch: number, x: number, mask: number, recurrentMask: number, kernel: number, rows: number, steps: number, inputs: number, units: number, sequences: boolean, backwards: boolean, act: number, alpha: number, recAct: number, recAlpha: number, accumulateParams: boolean, accumulateInput: boolean): void;
  layer_normalization_forward(out: number, normalized: number, invStd: number, x: number, gamma: number, beta: number, rows: number, channels: number, epsilon: number): void;
  layer_normalization_backward(inputGrad: number, gammaGrad: number, betaGrad: number, dOut: number, normalized: number, invStd: number, gamma: number, rows: number, channels: number, accumulateParams: boolean, accumulateInput: boolean): void;
  net_set_dense(net: number, i: number, groups: number, inputs: number, units: number, act: number, alpha: number, useBias: boolean): void;
  net_set_embedding(net: number, i: number, positions: number, inputDim: number, outputDim: number, maskZero: boolean): void;
  net_set_masking(net: number, i: number, groups: number, features: number, maskValue: number): void;
  net_set_rescaling(net: number, i: number, size: number, features: number, scale: number, offset: number): void;
  net_set_normalization(net: number, i: number, groups: number, features: number): void;
  net_set_category_encoding(net: number, i: number, groups: number, ids: number, numTokens: number, count: boolean): void;
  net_set_mask(net: number, i: number, from: number): void;
  net_set_bidirectional(net: number, i: number, mergeMode: number): void;
  net_set_merge(net: number, i: number, size: number, features: number, op: number): void;
  net_set_concatenate(net: number, i: number, groups: number, width: number, inputSize: number): void;
  net_set_input(net: number, i: number, k: number, from: number, width: number): boolean;
  net_set_model_input(net: number, k: number, size: number): boolean;
  net_set_dot(net: number, i: number, rows: number, inner: number, cols: number, firstTransposed: boolean, secondTransposed: boolean, width: number, normalize: boolean): void;
  net_set_trainable(net: number, i: number, trainable: boolean): void;
  net_weights_changed(net: number): void;
  net_set_dropout(net: number, i: number, groups: number, features: number, rate: number): void;
  net_set_batch_normalization(net: number, i: number, groups: number, channels: number, momentum: number, epsilon: number, scale: boolean, center: boolean): void;
  net_set_layer_normalization(net: number, i: number, groups: number, channels: number, epsilon: number, scale: boolean, center: boolean): void;
  net_set_reshape(net: number, i: number, size: number, inputs: number, outputs: number): void;
  net_set_repeat_vector(net: number, i: number, n: number, features: number): void;
  net_set_zero_padding2d(net: number, i: number, height: number, width: number, channels: number, top: number, bottom: number, left: number, right: number): void;
  net_set_up_sampling2d(net: number, i: number, height: number, width: number, channels: number, rowsBy: number, colsBy: number): void;
  net_set_max_pooling(net: number, i: number, inHeight: number, inWidth: number, channels: number, poolHeight: number, poolWidth: number, strideHeight: number, strideWidth: number, same: boolean): void;
  net_set_average_pooling(net: number, i: number, inHeight: number, inWidth: number, channels: number, poolHeight: number, poolWidth: number, strideHeight: number, strideWidth: number, same: boolean): void;
  net_set_global_max_pooling(net: number, i: number, positions: number, channels: number): void;
  net_set_global_average_pooling(net: number, i: number, positions: number, channels: number): void;
  net_set_conv2d(net: number, i: number, inHeight: number, inWidth: number, channels: number, filters: number, kernelHeight: number, kernelWidth: number, strideHeight: number, strideWidth: number, dilationHeight: number, dilationWidth: number, same: boolean, act: number, alpha: number, useBias: boolean): void;
  net_set_conv1d(net: number, i: number, steps: number, channels: number, filters: number, kernel: number, stride: number, dilation: number, same: boolean, act: number, alpha: number, useBias: boolean): void;
  net_set_depthwise_conv2d(net: number, i: number, inHeight: number, inWidth: number, channels: number, multiplier: number, kernelHeight: number, kernelWidth: number, strideHeight: number, strideWidth: number, dilationHeight: number, dilationWidth: number, same: boolean, act: number, alpha: number, useBias: boolean): void;
  net_set_separable_conv2d(net: number, i: number, inHeight: number, inWidth: number, channels: number, multiplier: number, filters: number, kernelHeight: number, kernelWidth: number, strideHeight: number, strideWidth: number, dilationHeight: number, dilationWidth: number, same: boolean, act: number, alpha: number, useBias: boolean): void;
  net_set_regularizers(net: number, i: number, kernelL1: number, kernelL2: number, biasL1: number, biasL2: number): void;
  net_set_simple_rnn(net: number, i: number, steps: number, inputs: number, units: number, sequences: boolean, backwards: boolean, act: number, alpha: number, useBias: boolean): void;
  net_set_gru(net: number, i: number, steps: number, inputs: number, units: number, sequences: boolean, backwards: boolean, act: number, alpha: number, recurrentAct: number, recurrentAlpha: number, useBias: boolean): void;
  net_set_lstm(net: number, i: number, steps: number, inputs: number, units: number, sequences: boolean, backwards: boolean, act: number, alpha: number, recAct: number, recAlpha: number, useBias: boolean): void;
  net_set_recurrent_regularizer(net: number, i: number, l1: number, l2: number): void;
  net_set_recurrent_dropout(net: number, i: number, rate: number, recurrentRate: number): void;
  net_build(net: number): number;
  net_params(net: number): number;
  net_grads(net: number): number;
  net_param_count(net: number): number;
  net_slots(net: number): number;
  net_slot_count(net: number): number;
  net_step(net: number): number;
  net_set_step(net: number, step: number): void;
  net_rng(net: number): number;
  net_set_output(net: number, k: number, layer: number): number;
  net_set_shared(net: number, i: number, first: number): number;
  net_set_param_rank(net: number, i: number, rank: number): void;
  net_set_loss(net: number, k: number, loss: number, param: number, fromLogits: boolean, labelCols: number, metricMask: number, weight: number): void;
  net_set_optimizer(net: number, optimizer: number, slots: number, lr: number, p1: number, p2: number, epsilon: number, p3: number, flags: number, clipNorm: number, clipValue: number): number;
  net_set_learning_rate(net: number, lr: number): void;
  net_reserve(net: number, rows: number): number;
  net_reserve_packed(net: number): number;
  net_batch_cap(net: number): number;
  net_input(net: number): number;
  net_label(net: number): number;
  net_sample_weights(net: number): number;
  net_output(net: number, k: number): number;
  net_forward(net: number, x: number, rows: number, training: boolean, keep: boolean): void;
  net_loss(net: number, y: number, rows: number, withGrad: boolean, weights: number): number;
  net_reset_metrics(net: number): void;
  net_loss_sum(net: number): number;
  net_epoch_stats(net: number): number;
  net_train_epochs(net: number, x: number, y: number, order: number, rows: number, batchSize: number, epochs: number, shuffle: boolean, rng: number, weights: number, stats: number): number;
  net_output_loss_sum(net: number, k: number): number;
  net_metric_totals(net: number): number;
  net_backward(net: number, x: number, rows: number, allWeights: boolean): void;
  net_clear_frozen_gradients(net: number): void;
  net_update(net: number): boolean;
  net_train_batch(net: number, x: number, y: number, indices: number, rows: number, weights: number): number;
  net_train_batches(net: number, x: number, y: number, order: number, rows: number, batchSize: number, first: number, count: number, weights: number): number;
  net_diverged_batch(net: number): number;
  net_bytes(net: number, part: number): number;
  net_free(net: number): void;
  threads_set(count: number): void;
  threads_count(): number;
  threads_block(allowed: boolean, spins: number): void;
  threads_generation(): number;
}

let core: Core | undefined;
let loadedBuild: WasmBuild | undefined;
let loadedModule: WasmModule | undefined;
let loading: Promise<void> | undefined;
// What the first ready() asked for, to refuse a later call asking for something else.
let requested: { build: 'simd' | 'relaxed'; threads: number } | undefined;
let pool: ThreadPool | undefined;

/** Where the compiled core can come from, for `ready({ wasm })`. */
export type WasmSource = URL | string | ArrayBuffer | ArrayBufferView | WasmModule | FetchResponse;

/**
 * The builds of the core: plain Wasm SIMD; relaxed SIMD (fused multiply-add in the matrix
 * multiply), which Chromium runs as is and Node 20 only with --experimental-wasm-relaxed-simd;
 * threads (plain SIMD over a shared memory, large products split between workers); and
 * threads-relaxed (the threaded build with relaxed SIMD, which ready({ threads }) loads where the
 * engine validates relaxed SIMD, unless build: 'simd').
 */
export type WasmBuild = 'simd' | 'relaxed' | 'threads' | 'threads-relaxed';

export interface ReadyOptions {
  /**
   * Which build to load: 'auto' (default) picks relaxed SIMD where the engine validates it (with
   * threads, the threaded relaxed build), 'simd' the plain SIMD one.
   */
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
  // threads: 'auto' needs the core count, which Node 20 gives only through an import: the first
  // call that asks for it looks it up, and every call meanwhile waits behind the lookup, so calls
  // are still served in the order they were made.
  if (coresLookup) return coresLookup.then(() => ready(options));
  if (cores === undefined && asksForAuto(options)) {
    coresLookup = availableCores().then((n) => { cores = n; }, () => { cores = 1; }).then(() => { coresLookup = undefined; });
    return coresLookup.then(() => ready(options));
  }
  // Options are checked on every call, and a bad one always rejects (never throws).
  let threads: number, build: 'simd' | 'relaxed';
  try {
    checkKeys(options, ['build', 'threads', 'wasm'], 'ready()');
    threads = chooseThreads(options.threads ?? 1);
    build = chooseBuild(options.build ?? 'auto');
    if (requested) checkSameOptions(options, threads, build);
  } catch (error) {
    return Promise.reject(error);
  }
  if (core) return Promise.resolve();
  if (!loading) {
    requested = { build, threads };
    // A failed load can be retried: nothing is kept of it.
    loading = (threads > 1 ? loadThreaded(options.wasm, threads, build) : load(options.wasm, build)).then(
      (loaded) => { core = loaded.exports; loadedBuild = loaded.build; loadedModule = loaded.module; },
      (err) => {
        loading = undefined;
        requested = undefined;
        // A missing file, a refused fetch, a module that does not instantiate: typed, like every error.
        throw err instanceof NeuriteError ? err : new ValueError(`ready(): loading the Wasm core failed: ${err instanceof Error ? err.message : describe(err)}`);
      },
    );
  }
  return loading;
}

// ready() loads one core per process: a later call that asks for something else is an error,
// never silently ignored. Calls without options (or asking for what is there) share it.
// (A thread count the first call asked for but could not get — no SharedArrayBuffer, workers that
// did not start — counts as what it asked for: that was documented or warned about then.)
function checkSameOptions(options: ReadyOptions, threads: number, build: 'simd' | 'relaxed'): void {
  const first = requested!, state = core ? 'loaded' : 'loading';
  if (options.threads !== undefined && threads !== first.threads) {
    throw new StateError(`ready(): neurite is already ${state} for ${first.threads} thread${first.threads > 1 ? 's' : ''}; threads: ${threads} applies only to the first ready() call`);
  }
  if (options.build !== undefined && options.build !== 'auto' && first.threads === 1 && build !== first.build) {
    throw new StateError(`ready(): neurite is already ${state} with the ${first.build} build; build: '${build}' applies only to the first ready() call`);
  }
  if (options.wasm !== undefined) throw new StateError(`ready(): neurite is already ${state}; wasm applies only to the first ready() call`);
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

// The cores availableCores() found, once a ready({ threads: 'auto' }) has asked; the lookup meanwhile.
let cores: number | undefined;
let coresLookup: Promise<void> | undefined;

function asksForAuto(options: unknown): boolean {
  try {
    return (options as ReadyOptions | null)?.threads === 'auto';
  } catch {
    return false; // a getter that throws: the checks in ready() report it
  }
}

function chooseThreads(requested: unknown): number {
  const threads = requested === 'auto' ? Math.min(MAX_THREADS, cores ?? 1) : requested;
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new ValueError(`ready(): threads must be 'auto' or an integer in [1, ${MAX_THREADS}], got ${JSON.stringify(threads)}`);
  }
  // Without SharedArrayBuffer (a page that is not cross-origin isolated) there are no threads.
  return typeof SharedArrayBuffer === 'undefined' || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false ? 1 : threads;
}

// Instantiates the threaded build over a new shared memory, then starts the workers.
// The threaded build with relaxed SIMD where the single-threaded choice is relaxed (as `build` picks it).
async function loadThreaded(source: WasmSource | undefined, threads: number, build: 'simd' | 'relaxed'): Promise<Loaded> {
  const threaded: WasmBuild = build === 'relaxed' ? 'threads-relaxed' : 'threads';
  const bytes = await (source ? fetchBytes(source) : fetchDefault(threaded));
  const module = await compile(bytes);
  // 4 MiB holds the static packing buffers of every thread; 65,536 pages is Wasm's 4 GiB.
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
  if (!WebAssembly.Module.exports(module).some((e) => e.name === 'thread_loop')) {
    throw new ValueError('ready(): the wasm given is not the threaded build (dist/neurite.threads.wasm), which threads > 1 needs');
  }
  checkExports(module);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const exports = instance.exports as unknown as Core;
  try {
    pool = await startThreads(module, memory, threads, exports.threads_generation(), viteDevDir);
  } catch (error) {
    // Workers that cannot start (a script the page's policy blocks, say) leave one thread, and
    // say so: threads were asked for.
    console.warn(`neurite: ready({ threads: ${threads} }) could not start its workers (${error instanceof Error ? error.message : String(error)}); training runs on one thread, and threadCount() is 1`);
    return load(undefined, build);
  }
  exports.threads_set(threads);
  exports.threads_block(mayBlock(), SPIN_CHECKS);
  // A module given as `wasm` is taken to be the plain threaded build.
  return { exports, build: source ? 'threads' : threaded };
}

/** The compiled module of the single-threaded build ready() loaded (for workerTrainer's worker). */
export function wasmModule(): WasmModule | undefined {
  return loadedModule;
}

/** True once ready() has resolved. */
export function isReady(): boolean {
  return core !== undefined;
}

/** The build ready() loaded ('simd', 'relaxed', 'threads' or 'threads-relaxed'), or undefined before it resolves. */
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
  /** The compiled single-threaded module, which workerTrainer hands to its worker. */
  module?: WasmModule;
}

async function load(source: WasmSource | undefined, build: 'simd' | 'relaxed'): Promise<Loaded> {
  const bytes = await (source ? fetchBytes(source) : fetchDefault(build));
  // Plain WebAssembly.instantiate: the core imports nothing and needs no JS glue. (It once went
  // through @assemblyscript/loader, a bare import that a page's import map had to name and that a
  // module Worker, which import maps do not reach, could not resolve at all.)
  const module = await compile(bytes);
  if (WebAssembly.Module.imports(module).length > 0) {
    throw new ValueError('ready(): the wasm given imports a shared memory: it is the threaded build, which needs threads > 1 (and SharedArrayBuffer)');
  }
  checkExports(module);
  const instance = await WebAssembly.instantiate(module, {});
  return { exports: instance.exports as unknown as Core, build, module };
}

const FILES: Record<WasmBuild, string> = {
  simd: 'neurite.wasm', relaxed: 'neurite.relaxed.wasm', threads: 'neurite.threads.wasm', 'threads-relaxed': 'neurite.threads-relaxed.wasm',
};

/**
 * Fetches a build from where it is by default. Vite 5–7's dev server pre-bundles dependencies
 * into node_modules/.vite/deps/ without their files, so a build that is not found from there is
 * looked for where the package is, node_modules/neurite/dist/ beside .vite/; if it is found there,
 * the workers are started from there too (packageDir()).
 */
async function fetchDefault(build: WasmBuild): Promise<ArrayBuffer | ArrayBufferView | WebAssembly.Module> {
  try {
    return checkMagic(await fetchBytes(defaultUrl(build), true));
  } catch (error) {
    if (isNode()) throw error;
    const here: string = import.meta.url;
    const deps = here.indexOf('/node_modules/.vite/');
    if (deps < 0) throw error;
    const dir = new URL(here.slice(0, deps) + '/node_modules/neurite/dist/');
    const bytes = await fetchBytes(new URL(FILES[build], dir)).then(checkMagic, () => undefined);
    if (!bytes) throw error;
    viteDevDir = dir;
    return bytes;
  }
}

// Where neurite's files were found when they were not beside this module (Vite 5–7's dev server).
let viteDevDir: URL | undefined;

/** The package's dist/ directory when its files are not beside this module (see fetchDefault), else undefined. */
export function packageDir(): URL | undefined {
  return viteDevDir;
}

/**
 * Where a build is by default: beside this module. Each URL is written out in full, the form
 * bundlers recognize (they ship the file and rewrite the URL); in Node the file is read from the
 * package (or from dist/ when neurite runs from its sources).
 */
function defaultUrl(build: WasmBuild): URL {
  if (isNode()) return packageFile(FILES[build]) ?? noModuleUrl();
  if (build === 'relaxed') return new URL('./neurite.relaxed.wasm', import.meta.url);
  if (build === 'threads') return new URL('./neurite.threads.wasm', import.meta.url);
  if (build === 'threads-relaxed') return new URL('./neurite.threads-relaxed.wasm', import.meta.url);
  return new URL('./neurite.wasm', import.meta.url);
}

async function compile(bytes: ArrayBuffer | ArrayBufferView | WebAssembly.Module): Promise<WebAssembly.Module> {
  if (bytes instanceof WebAssembly.Module) return bytes;
  checkMagic(bytes);
  try {
    return await WebAssembly.compile(bytes as BufferSource);
  } catch (error) {
    throw new ValueError(`ready(): the wasm given is not a WebAssembly module (${error instanceof Error ? error.message : describe(error)})`);
  }
}

// Functions every build exports; a module without them is not neurite's core.
const REQUIRED_EXPORTS = ['memory', 'alloc', 'free', 'heap_available', 'net_create', 'net_train_batch', 'gemm_nn'];

function checkExports(module: WebAssembly.Module): void {
  const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const missing = REQUIRED_EXPORTS.filter((name) => !names.has(name));
  if (missing.length > 0) throw new ValueError(`ready(): the wasm given is not neurite's core (it lacks ${missing.join(', ')}); give dist/neurite.wasm or leave wasm out`);
}

// Where the file came from, for the messages of checkMagic (set by fetchBytes).
let fetchedFrom: string | undefined;

/** The bytes `source` names; `byDefault` when it is where neurite looks without a wasm option (for the fix an error names). */
async function fetchBytes(source: WasmSource, byDefault = false): Promise<ArrayBuffer | ArrayBufferView | WebAssembly.Module> {
  fetchedFrom = undefined;
  if (source instanceof WebAssembly.Module || source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return source;
  // Strings and URLs first: in Node, the first touch of the global Response loads its fetch
  // implementation (about 25 ms of start-up) for nothing.
  if (typeof source !== 'string' && !(source instanceof URL)) {
    if (typeof Response !== 'undefined' && source instanceof Response) return source.arrayBuffer();
    throw new ValueError(`ready(): wasm must be a URL, a path, bytes, a Response or a WebAssembly.Module, got ${describe(source)}`);
  }
  const url = await resolveWasmUrl(source);
  fetchedFrom = url.href;
  // Node's fetch does not read file: URLs.
  if (url.protocol === 'file:') return (await import('./node-files.js')).readWasmFile(url, byDefault);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new ValueError(`ready(): fetching the Wasm core from ${url.href} failed (${error instanceof Error ? error.message : describe(error)}). ${WHERE_FIX}`, { cause: error });
  }
  if (!response.ok) throw new ValueError(`ready(): fetching the Wasm core from ${url.href} failed with HTTP ${response.status}. ${WHERE_FIX}`);
  return response.arrayBuffer();
}

/**
 * A wasm URL as ready() reads it: in a browser a string is resolved against the page (or the
 * worker's script), as fetch() would; in Node against this module's URL.
 */
export async function resolveWasmUrl(source: URL | string): Promise<URL> {
  if (source instanceof URL) return source;
  // A Windows path (C:\app\neurite.wasm) would read as a URL of scheme c:.
  if (isNode() && /^([a-z]:)?[\\/]/i.test(source)) {
    const { fileUrl, isWindowsAbsolute } = await import('./node-files.js');
    if (isWindowsAbsolute(source)) return await fileUrl(source);
  }
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  // Through a variable: webpack warns about `new URL(expression, import.meta.url)`.
  const here = isNode() || !base ? moduleUrl() ?? noModuleUrl() : base;
  return new URL(source, here);
}

function noModuleUrl(): never {
  throw new ValueError(`ready(): ${NO_MODULE_URL}`);
}

const WHERE_FIX = 'Serve the .wasm files of node_modules/neurite/dist/ where the app can fetch them: a bundler that does not ship '
  + "new URL('./x.wasm', import.meta.url) files (esbuild, rollup without an asset plugin) needs them copied beside the bundle, "
  + "or pass their URL as ready({ wasm }) (and workerTrainer(model, { wasm })); Vite 5–7's dev server needs optimizeDeps: { exclude: ['neurite'] } "
  + "in vite.config.js (see the README's Bundlers section).";

/** Fails with what the bytes are, when they are not a Wasm module: an HTML page (a dev server's fallback) or a 404 body. */
function checkMagic<T extends ArrayBuffer | ArrayBufferView | WebAssembly.Module>(bytes: T): T {
  if (bytes instanceof WebAssembly.Module) return bytes;
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength)) : new Uint8Array(bytes.buffer, bytes.byteOffset, Math.min(4, bytes.byteLength));
  if (view.length === 4 && view[0] === 0x00 && view[1] === 0x61 && view[2] === 0x73 && view[3] === 0x6d) return bytes;
  const head = bytes instanceof ArrayBuffer ? new Uint8Array(bytes, 0, Math.min(64, bytes.byteLength)) : new Uint8Array(bytes.buffer, bytes.byteOffset, Math.min(64, bytes.byteLength));
  const text = String.fromCharCode(...head).trimStart();
  const from = fetchedFrom ? ` from ${fetchedFrom}` : '';
  if (/^<(!doctype|html|head|body|\?xml|!--)/i.test(text)) {
    throw new ValueError(`ready(): got an HTML page${from} instead of the Wasm core: the server answered with a page (a dev server's index.html fallback for a file it does not have). ${WHERE_FIX}`);
  }
  throw new ValueError(`ready(): the bytes${from} are not a WebAssembly module (they start with ${JSON.stringify(text.slice(0, 24))}). ${WHERE_FIX}`);
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

/** Copies n floats at ptr out of Wasm memory into `out` from index `at` (a few by a loop: no view is made). */
export function readF32Into(out: Float32Array, at: number, ptr: number, n: number): void {
  const h = heapF32(), start = ptr >>> 2;
  if (n <= 32) {
    for (let i = 0; i < n; i++) out[at + i] = h[start + i];
  } else {
    out.set(h.subarray(start, start + n), at);
  }
}

/**
 * Copies `count` values of `data` from index `from` (default: all of it) into Wasm memory at ptr.
 * `data` may be a user's array: it is measured and read only through the engine's own accessors.
 */
export function writeF32(ptr: number, data: Float32Array, from = 0, count = lengthOf(data) - from): void {
  const h = heapF32(), start = ptr >>> 2;
  if (count <= 32) {
    // A few values copy faster in a loop than through TypedArray.prototype.set.
    for (let i = 0; i < count; i++) h[start + i] = data[from + i];
  } else {
    h.set(from === 0 && count === lengthOf(data) ? data : float32Range(data, from, count), start);
  }
}

/**
 * writeF32, and whether every value written is finite. A few values are checked by the loop that
 * copies them (the value checked is the value stored, and a call into the core costs more than
 * the loop); more by the core's first_nonfinite on the copy.
 */
export function writeF32Finite(ptr: number, data: Float32Array, from: number, count: number): boolean {
  if (count > 32) {
    writeF32(ptr, data, from, count);
    return wasm().first_nonfinite(ptr, count) < 0;
  }
  const h = heapF32(), start = ptr >>> 2;
  // x·0 is ±0 for a finite x, NaN for NaN and ±Infinity; a NaN stays in the sum.
  let zero = 0;
  for (let i = 0; i < count; i++) {
    const v = data[from + i];
    h[start + i] = v;
    zero += v * 0;
  }
  return zero === 0;
}

/** The largest block the core's allocator hands out (assembly/memory.ts refuses more). */
export const MAX_ALLOCATION = 0xffff_ffe0 - 16;

/**
 * Allocates zeroed bytes or throws a ValueError saying what did not fit. The size is checked as a
 * float64 before the core sees it as a 32-bit integer, where 2^32 bytes would wrap to 0.
 */
export function allocate(bytes: number, what: string): number {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new ValueError(`${what}: ${bytes} is not a size in bytes`);
  if (bytes > MAX_ALLOCATION) {
    throw new ValueError(`${what} needs ${formatBytes(bytes)}, more than WebAssembly's 4 GiB of memory`);
  }
  const ptr = wasm().alloc(bytes) >>> 0;
  if (ptr === 0) throw new ValueError(`${what} needs ${formatBytes(bytes)}, which does not fit in what is left of WebAssembly's 4 GiB of memory`);
  return ptr;
}

/** Bytes the allocator could still hand out: unclaimed memory up to 4 GiB plus its free blocks. */
export function availableBytes(): number {
  return wasm().heap_available();
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
