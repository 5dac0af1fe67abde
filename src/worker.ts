// Training in a Web Worker (or a Node worker_threads thread), so the page's main thread stays free
// for rendering and input while fit() runs. The model crosses the boundary as save() artifacts
// (the TF.js layers-model format, with optimizer state, weights as one transferred ArrayBuffer);
// data crosses once per call as Float32Arrays, never per step.
import type { Data, InputData } from './data.js';
import { HOOKS, builtinSpec, callbackList, type BuiltinSpec, type Callback, type Hook, type Logs } from './callbacks.js';
import { DivergenceError, StateError, ValueError, checkBoolean, checkKeys, describe } from './errors.js';
import type { History, LayersModel, Prediction } from './model.js';
import { loadModel, type ModelArtifacts } from './io/index.js';
import { packageDir, resolveWasmUrl, wasmBuild, wasmModule, type WasmSource } from './wasm.js';
import { MAX_THREADS } from './threads.js';
import { NO_MODULE_URL, isNode, nodeImport, packageFile, workerExecArgv, type TransferList } from './platform.js';
import { sizeOf } from './layers/layer.js';
import { deserialize, transferable, type Reply, type Request, type WorkerFitOptions } from './worker-protocol.js';

export type { WorkerFitOptions } from './worker-protocol.js';

/** A browser Worker or a Node worker_threads Worker running neurite's worker-entry module. */
export type WorkerLike =
  | { postMessage(m: unknown, t?: any[]): void; addEventListener(type: string, f: (e: any) => void): void; terminate(): unknown }
  | { postMessage(m: unknown, t?: TransferList): void; on(type: string, f: (v: any) => void): unknown; terminate(): unknown };

export interface WorkerTrainerOptions {
  /**
   * The Wasm build the worker loads. By default the one ready() loaded on this thread (the plain
   * SIMD build for 'threads', relaxed for 'threads-relaxed': each computes the same bits), so trainer.fit() gives the weights
   * model.fit() gives; 'auto' if ready() has not run here.
   */
  build?: 'simd' | 'relaxed' | 'auto';
  /**
   * A worker you created yourself from neurite's worker-entry module (e.g. for a bundler that
   * needs it spelled out). By default workerTrainer starts one. Either way the trainer owns it:
   * terminate() ends it, and so does a workerTrainer() that rejects.
   */
  worker?: WorkerLike;
  /**
   * Where the worker gets the Wasm core: a URL (a string is resolved as ready({ wasm }) resolves
   * it), its bytes, a compiled WebAssembly.Module or a Response. By default the worker is handed
   * the module this thread's ready() compiled (nothing is fetched twice); when there is none (before
   * ready(), after ready({ threads }), or with another `build`) it loads the build from beside its
   * own script, as ready() does.
   */
  wasm?: WasmSource;
  /**
   * Threads for the worker's core, as ready({ threads }) takes them: 1 (default), up to 4, or
   * 'auto'. More than one loads the threaded build in the worker (plain or relaxed SIMD, as `build`
   * picks), which starts its own thread workers; the weights are still bitwise those of one thread.
   * Where there is no SharedArrayBuffer the worker trains on one thread (trainer.threads says so).
   */
  threads?: number | 'auto';
}

export interface WorkerFitConfig extends WorkerFitOptions {
  /**
   * Callbacks, as in model.fit(). earlyStopping() and reduceLROnPlateau() run in the worker, on its
   * model (they are sent as their options; the objects you pass are not changed). Any other
   * callback is an object of hooks (onTrainBegin, onEpochBegin, onEpochEnd, onBatchBegin,
   * onBatchEnd, onTrainEnd) run on this thread with the worker's logs, as its messages arrive: they
   * watch training but cannot hold it up, and have no setModel (end training with trainer.stop()).
   * A hook that throws or rejects stops the fit, which then rejects with its error.
   */
  callbacks?: Callback | Callback[];
  /**
   * Called on the main thread after each epoch, with that epoch's logs. If it throws (or returns
   * a promise that rejects), fit() rejects with that error and the worker's model is put back as
   * it was before the fit.
   */
  onEpochEnd?: (epoch: number, logs: Logs) => void | Promise<void>;
  /** Called on the main thread after each batch (a message per batch: use for small data sets). Errors as onEpochEnd. */
  onBatchEnd?: (batch: number, logs: Logs) => void | Promise<void>;
  /**
   * Move x and y to the worker without a copy (default false). Their buffers are then detached:
   * the arrays read as empty on this thread afterwards.
   */
  transfer?: boolean;
}

/** A model trained in a worker; `P` is what its predict() gives (one array per output with several). */
export interface WorkerTrainer<P extends Prediction = Float32Array> {
  /**
   * Trains the worker's model; progress callbacks run on this thread. Resolves to the History.
   * A fit that fails for any reason, divergence included, leaves the worker's weights, optimizer
   * state and learning rate as they were before it, as model.fit() does.
   */
  fit(x: InputData, y: InputData, config?: WorkerFitConfig): Promise<History>;
  /** Ends a running fit() after its current batch; fit() then resolves normally. Does nothing otherwise. */
  stop(): void;
  /** The worker model's weights, in getWeights() order. */
  getWeights(): Promise<Float32Array[]>;
  /** The worker model, saved with its optimizer state. */
  save(): Promise<ModelArtifacts>;
  /** A copy of the worker's model on this thread (needs ready() here), ready to predict or train on. */
  getModel(): Promise<LayersModel<P>>;
  predict(x: InputData): Promise<P>;
  evaluate(x: InputData, y: InputData): Promise<Logs>;
  /** Stops the worker. Pending and later calls reject with a StateError. */
  terminate(): void;
  /** The threads the worker's core trains on (its threadCount()). */
  readonly threads: number;
}

const FIT_KEYS = ['epochs', 'batchSize', 'shuffle', 'validationSplit', 'validationData', 'initialEpoch', 'verbose', 'callbacks', 'onEpochEnd', 'onBatchEnd', 'transfer', 'classWeight', 'sampleWeight'];
const BUILDS = ['simd', 'relaxed', 'auto'];

type Progress = Extract<Reply, { type: 'hook' | 'trainEnd' }>;

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  onProgress?: (reply: Progress) => void;
}

/**
 * Starts a worker holding a copy of `model` (compiled, or saved artifacts of a compiled model)
 * and resolves once it is ready to train:
 *
 *   const trainer = await workerTrainer(model);
 *   await trainer.fit(x, y, { epochs: 50, onEpochEnd: (e, logs) => draw(logs.loss) });
 *   model.setWeights(await trainer.getWeights());
 *   trainer.terminate();
 *
 * If it rejects, no worker is left running. Once it resolves, the worker keeps Node running only while a call waits for it.
 */
export async function workerTrainer<P extends Prediction = Float32Array>(model: LayersModel<P> | ModelArtifacts, options: WorkerTrainerOptions = {}): Promise<WorkerTrainer<P>> {
  const given = (options as WorkerTrainerOptions | null)?.worker;
  let worker = isWorker(given) ? given : undefined;
  try {
    checkKeys(options, ['build', 'worker', 'wasm', 'threads'], 'workerTrainer()');
    if (given !== undefined && !worker) {
      throw new ValueError(`workerTrainer(): worker must be a Worker (with postMessage, terminate, and on or addEventListener) running neurite's worker entry, got ${describe(given)}`);
    }
    const build = workerBuild(options.build);
    const threads = workerThreads(options.threads);
    // This thread's compiled module is a single-threaded build: a threaded worker loads its own.
    const wasm = options.wasm === undefined && threads !== undefined && threads !== 1 ? undefined : await workerWasm(options.wasm, build);
    const artifacts = await toArtifacts(model);
    worker ??= await startWorker();
    return await connect(worker, artifacts, build, wasm, threads);
  } catch (err) {
    worker?.terminate();
    throw err;
  }
}

// Talks to a started worker: sends it the model, and returns the trainer once the worker has loaded it.
async function connect<P extends Prediction>(worker: WorkerLike, artifacts: ModelArtifacts, build: 'simd' | 'relaxed' | 'auto', wasm: WorkerWasm, threads: number | 'auto' | undefined): Promise<WorkerTrainer<P>> {
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let failure: Error | undefined;

  // A Node worker keeps the process alive only while a call waits for it: an idle trainer that is
  // never terminated must not stop a script from exiting. (Browser Workers have no ref/unref.)
  const node = worker as { ref?: () => void; unref?: () => void };
  const holdProcess = (hold: boolean) => {
    if (typeof node.ref === 'function' && typeof node.unref === 'function') (hold ? node.ref() : node.unref());
  };
  const settled = () => {
    if (pending.size === 0) holdProcess(false);
  };
  const fail = (err: Error) => {
    failure ??= err;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
    settled();
  };
  const onMessage = (reply: Reply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    if (reply.type === 'result' || reply.type === 'error') {
      pending.delete(reply.id);
      settled();
      if (reply.type === 'result') p.resolve(reply.value);
      else p.reject(deserialize(reply.error));
    } else {
      p.onProgress?.(reply);
    }
  };
  // A browser reports a worker script it could not load (a 404 or an HTML page, a CSP's
  // worker-src) as an ErrorEvent with no message.
  const onError = (err: unknown) => fail(new StateError(`workerTrainer: the worker failed: ${(err as { message?: string })?.message || 'its script could not be loaded (a missing file: see the README\'s Bundlers section for your setup, or pass workerTrainer(model, { worker }); or a Content-Security-Policy whose worker-src does not allow it)'}`));
  if ('on' in worker) {
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', () => fail(new StateError('workerTrainer: the worker has exited')));
  } else {
    worker.addEventListener('message', (e: MessageEvent) => onMessage(e.data as Reply));
    worker.addEventListener('error', (e: ErrorEvent) => { e.preventDefault?.(); onError(e); });
  }
  const send = (message: Request) => {
    if (!failure) worker.postMessage(message);
  };

  /** Sends a request; `args` are what the caller passed, to name the one that cannot be sent. */
  async function call<T>(request: Request & { id: number }, args: Record<string, unknown> = {}, transfer: ArrayBuffer[] = [], onProgress?: Pending['onProgress']): Promise<T> {
    if (failure) throw failure;
    return new Promise<T>((resolve, reject) => {
      try {
        worker.postMessage(request, [...new Set(transfer)] as never);
      } catch (err) {
        reject(unsendable(request.type, args, err));
        return;
      }
      pending.set(request.id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      holdProcess(true);
    });
  }

  const started = await call<{ threads: number }>({ type: 'init', id: nextId++, artifacts, build, ...(threads !== undefined && { threads }), ...(wasm !== undefined && { wasm }) }, { model: artifacts, wasm }, [artifacts.weightData]);

  const trainer: WorkerTrainer<P> = {
    threads: started.threads,
    async fit(x, y, config = {}) {
      checkKeys(config, FIT_KEYS, 'workerTrainer fit()');
      const { onEpochEnd, onBatchEnd, transfer = false, callbacks: given, ...fitOptions } = config;
      for (const [name, f] of [['onEpochEnd', onEpochEnd], ['onBatchEnd', onBatchEnd]] as const) {
        if (f !== undefined && typeof f !== 'function') throw new ValueError(`workerTrainer fit(): ${name} must be a function, got ${describe(f)}`);
      }
      checkBoolean(transfer, 'workerTrainer fit()', 'transfer');
      const { hooks, builtins } = splitCallbacks(given, { ...(onEpochEnd && { onEpochEnd }), ...(onBatchEnd && { onBatchEnd }) });
      // Without transfer, a Float32Array view is cloned as its whole buffer: send just the view's floats.
      const [xs, ys] = transfer ? [x, y] : [copy(x), copy(y)];
      if (fitOptions.sampleWeight !== undefined && !transfer) fitOptions.sampleWeight = copy(fitOptions.sampleWeight);

      const callbacks = progressCallbacks(hooks, send);
      try {
        return await call<History>(
          { type: 'fit', id: nextId++, x: xs, y: ys, options: fitOptions, hooks: callbacks.hooks, builtins },
          { x, y, ...fitOptions },
          transferable(xs, ys, ...(transfer && fitOptions.sampleWeight !== undefined ? [fitOptions.sampleWeight] : [])),
          callbacks.onProgress,
        );
      } catch (err) {
        // The callback's own error, unless the fit had already diverged: that is what stopped it.
        // (Either way the worker's model is back as it was before the fit.)
        const failed = callbacks.failed();
        throw failed && !(err instanceof DivergenceError) ? failed.error : err;
      }
    },
    stop() {
      send({ type: 'stop' });
    },
    async save() {
      return call<ModelArtifacts>({ type: 'save', id: nextId++ });
    },
    async getWeights() {
      return weightsOf(await trainer.save());
    },
    async getModel() {
      return loadModel<P>(await trainer.save());
    },
    async predict(x) {
      const xs = copy(x);
      return call<P>({ type: 'predict', id: nextId++, x: xs }, { x }, transferable(xs));
    },
    async evaluate(x, y) {
      const [xs, ys] = [copy(x), copy(y)];
      return call<Logs>({ type: 'evaluate', id: nextId++, x: xs, y: ys }, { x, y }, transferable(xs, ys));
    },
    terminate() {
      fail(new StateError('workerTrainer: terminate() was called'));
      worker.terminate();
    },
  };
  return trainer;
}

/**
 * Sorts fit()'s callbacks: built-in ones (earlyStopping, reduceLROnPlateau) become specs the worker
 * builds them from; the others are hooks run here. `extra` is the onEpochEnd / onBatchEnd options.
 */
function splitCallbacks(given: unknown, extra: Callback): { hooks: Callback[]; builtins: BuiltinSpec[] } {
  const hooks: Callback[] = [], builtins: BuiltinSpec[] = [];
  callbackList(given, 'workerTrainer fit()').forEach((callback, i) => {
    const spec = builtinSpec(callback);
    if (spec) {
      builtins.push(spec);
    } else if (callback.setModel) {
      const at = Array.isArray(given) ? `callbacks[${i}]` : 'callbacks';
      throw new ValueError(`workerTrainer fit(): ${at}.setModel: the model is in the worker, and callbacks on this thread get only the logs; end training with trainer.stop()`);
    } else {
      hooks.push(callback);
    }
  });
  if (Object.keys(extra).length > 0) hooks.push(extra);
  return { hooks, builtins };
}

/**
 * One fit's main-thread callbacks, run as the worker's messages arrive. The first that throws or
 * rejects stops the worker's fit; as it ends, the worker waits for every callback to settle
 * ('trainEnd', then 'callbacksDone') and undoes the fit if one failed.
 */
function progressCallbacks(callbacks: Callback[], send: (message: Request) => void) {
  let failed: { error: unknown } | undefined;
  const running: Promise<unknown>[] = [];
  const onFailure = (error: unknown) => {
    if (failed) return;
    failed = { error };
    send({ type: 'stop' });
  };
  const run = (hook: Hook, index: number, logs: Logs) => {
    for (const callback of callbacks) {
      const f = callback[hook] as ((...args: unknown[]) => unknown) | undefined;
      if (!f || failed) continue;
      try {
        // One logs object for all, in order, as model.fit() passes them.
        const result = hook === 'onTrainBegin' || hook === 'onTrainEnd' ? f.call(callback, logs) : f.call(callback, index, logs);
        if (isThenable(result)) running.push(Promise.resolve(result).catch(onFailure));
      } catch (error) {
        onFailure(error);
      }
    }
  };
  return {
    /** The hooks the worker reports: those some callback here has. */
    hooks: HOOKS.filter((hook) => callbacks.some((callback) => callback[hook])),
    onProgress(reply: Progress): void {
      if (reply.type === 'hook') {
        run(reply.hook, reply.index, reply.logs);
        return;
      }
      run('onTrainEnd', 0, reply.logs);
      void Promise.all(running).then(() => send({ type: 'callbacksDone', id: reply.id, failed: !!failed }));
    },
    /** The first callback error, if one failed. */
    failed: () => failed,
  };
}

function isWorker(value: unknown): value is WorkerLike {
  const w = value as Record<string, unknown> | null;
  return typeof w === 'object' && w !== null && typeof w.postMessage === 'function' && typeof w.terminate === 'function' &&
    (typeof w.on === 'function' || typeof w.addEventListener === 'function');
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

// The build ready() loaded on this thread, so the worker computes the same bits.
function workerBuild(build: unknown): 'simd' | 'relaxed' | 'auto' {
  if (build === undefined) {
    const here = wasmBuild();
    return here === undefined ? 'auto' : here === 'threads' ? 'simd' : here === 'threads-relaxed' ? 'relaxed' : here;
  }
  if (typeof build !== 'string' || !BUILDS.includes(build)) {
    throw new ValueError(`workerTrainer(): build must be 'auto', 'simd' or 'relaxed', got ${describe(build)}`);
  }
  return build as 'simd' | 'relaxed' | 'auto';
}

// The threads option, checked here as ready() checks it (the worker's ready() would say the same, later).
function workerThreads(threads: unknown): number | 'auto' | undefined {
  if (threads === undefined) return undefined;
  if (threads === 'auto' || (typeof threads === 'number' && Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)) return threads;
  throw new ValueError(`workerTrainer(): threads must be 'auto' or an integer in [1, ${MAX_THREADS}], got ${describe(threads)}`);
}

type WorkerWasm = Extract<Request, { type: 'init' }>['wasm'];

/**
 * What the worker loads its core from: the `wasm` option as something that crosses to it (a URL
 * as its href, a Response as its bytes), or else the module ready() compiled here, if it is the
 * build the worker is to run.
 */
async function workerWasm(given: unknown, build: 'simd' | 'relaxed' | 'auto'): Promise<WorkerWasm> {
  if (given === undefined) {
    const here = wasmBuild();
    return (build === here || build === 'auto') && here !== 'threads' && here !== 'threads-relaxed' ? wasmModule() : undefined;
  }
  if (typeof given === 'string' || given instanceof URL) return (await resolveWasmUrl(given)).href;
  if (typeof Response !== 'undefined' && given instanceof Response) return given.arrayBuffer();
  if (given instanceof ArrayBuffer || ArrayBuffer.isView(given) || given instanceof WebAssembly.Module) return given as WorkerWasm;
  throw new ValueError(`workerTrainer(): wasm must be a URL, a path, bytes, a Response or a WebAssembly.Module, got ${describe(given)}`);
}

/** A ValueError naming the argument that structured clone refused (a function, a Symbol, a Proxy...). */
function unsendable(method: string, args: Record<string, unknown>, err: unknown): ValueError {
  const name = Object.keys(args).find((key) => {
    try {
      structuredClone(args[key]);
      return false;
    } catch {
      return true;
    }
  });
  const what = name ?? 'the data';
  const reason = (err as { message?: string } | null)?.message ?? String(err);
  const where = method === 'init' ? 'workerTrainer()' : `workerTrainer ${method}()`;
  return new ValueError(`${where}: ${what} cannot be sent to the worker: ${reason}`);
}

async function toArtifacts(model: LayersModel<Prediction> | ModelArtifacts): Promise<ModelArtifacts> {
  if (typeof model === 'object' && model !== null && 'modelTopology' in model) {
    const { weightData } = model;
    if (!(weightData instanceof ArrayBuffer)) throw new ValueError(`workerTrainer(): artifacts.weightData must be an ArrayBuffer, got ${describe(weightData)}`);
    // A copy, as the weights are transferred to the worker and the caller keeps theirs. An empty
    // buffer may be detached, which slice() refuses: the worker then reports the missing weights.
    return { ...model, weightData: weightData.byteLength === 0 ? new ArrayBuffer(0) : weightData.slice(0) };
  }
  if (typeof model !== 'object' || model === null || typeof (model as LayersModel<Prediction>).save !== 'function') {
    throw new ValueError(`workerTrainer(): expected a model or saved model artifacts, got ${describe(model)}`);
  }
  if (!model.optimizer || !model.loss) throw new StateError('workerTrainer(): compile the model before handing it to a worker');
  return model.save(undefined, { includeOptimizer: true });
}

// The worker module is dist/worker-entry.js. Browsers and bundlers (Vite, webpack, rollup and
// esbuild plugins, Parcel) recognize `new Worker(new URL('./x.js', import.meta.url), { type: 'module' })`
// written out in full, and bundle the worker; Node gets a worker_threads thread on the same file.
async function startWorker(): Promise<WorkerLike> {
  if (!isNode()) {
    // Vite 5–7's dev server: the script is in the package, not beside the pre-bundled code.
    const dir = packageDir();
    if (dir) return new Worker(new URL('worker-entry.js', dir), { type: 'module' });
    return new Worker(new URL('./worker-entry.js', import.meta.url), { type: 'module' });
  }
  const threads = await nodeImport<typeof import('node:worker_threads')>('node:worker_threads');
  const script = packageFile('worker-entry.js');
  if (!script) throw new ValueError(`workerTrainer(): ${NO_MODULE_URL}`);
  return new threads.Worker(script, { execArgv: workerExecArgv() });
}

function copy(data: Data): Data;
function copy(data: InputData): InputData;
function copy(data: InputData): InputData {
  // Several inputs or outputs (an array of them, or keyed by name), or rows: each part is copied,
  // as transferable() moves every Float32Array it finds one level down.
  // (Only then: any other value goes to the worker as it is, and what cannot be cloned is refused.)
  if (Array.isArray(data) && data.some((part: unknown) => part instanceof Float32Array)) return data.map((part: unknown) => (part instanceof Float32Array ? copyArray(part) : part)) as InputData;
  if (typeof data === 'object' && data !== null && !Array.isArray(data) && !ArrayBuffer.isView(data) && Object.values(data).some((part) => part instanceof Float32Array)) {
    return Object.fromEntries(Object.entries(data).map(([name, part]) => [name, part instanceof Float32Array ? copyArray(part) : part]));
  }
  return data instanceof Float32Array ? copyArray(data) : data;
}

function copyArray(data: Float32Array): Float32Array {
  // An empty view may be over a detached buffer (transferred before), which slice() refuses.
  return data.length === 0 ? new Float32Array(0) : data.slice();
}

/** The model's weight tensors from artifacts, in getWeights() order. */
function weightsOf(artifacts: ModelArtifacts): Float32Array[] {
  const all = new Float32Array(artifacts.weightData);
  const out: Float32Array[] = [];
  let offset = 0;
  for (const spec of artifacts.weightSpecs) {
    const n = sizeOf(spec.shape);
    if (spec.group !== 'optimizer') out.push(all.slice(offset, offset + n));
    offset += n;
  }
  return out;
}
