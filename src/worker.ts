// Training in a Web Worker (or a Node worker_threads thread), so the page's main thread stays free
// for rendering and input while fit() runs. The model crosses the boundary as save() artifacts
// (the TF.js layers-model format, with optimizer state, weights as one transferred ArrayBuffer);
// data crosses once per call as Float32Arrays, never per step.
import type { Data } from './data.js';
import type { Logs } from './callbacks.js';
import { DivergenceError, NeuriteError, ShapeError, StateError, ValueError, checkKeys, describe } from './errors.js';
import type { History, Sequential } from './model.js';
import { loadModel, type ModelArtifacts } from './serialization.js';
import { transferable, type Reply, type Request, type SerializedError, type WorkerFitOptions } from './worker-protocol.js';

export type { WorkerFitOptions } from './worker-protocol.js';

/** A browser Worker or a Node worker_threads Worker running neurite's worker-entry module. */
export type WorkerLike =
  | { postMessage(m: unknown, t?: Transferable[]): void; addEventListener(type: string, f: (e: any) => void): void; terminate(): unknown }
  | { postMessage(m: unknown, t?: readonly unknown[]): void; on(type: string, f: (v: any) => void): unknown; terminate(): unknown };

export interface WorkerTrainerOptions {
  /** The Wasm build the worker loads (default 'auto'). */
  build?: 'simd' | 'relaxed' | 'auto';
  /**
   * A worker you created yourself from neurite's worker-entry module (e.g. for a bundler that
   * needs it spelled out). By default workerTrainer starts one.
   */
  worker?: WorkerLike;
}

export interface WorkerFitConfig extends WorkerFitOptions {
  /** Called on the main thread after each epoch, with that epoch's logs. */
  onEpochEnd?: (epoch: number, logs: Logs) => void;
  /** Called on the main thread after each batch (a message per batch: use for small data sets). */
  onBatchEnd?: (batch: number, logs: Logs) => void;
  /**
   * Move x and y to the worker without a copy (default false). Their buffers are then detached:
   * the arrays read as empty on this thread afterwards.
   */
  transfer?: boolean;
}

export interface WorkerTrainer {
  /** Trains the worker's model; progress callbacks run on this thread. Resolves to the History. */
  fit(x: Data, y: Data, config?: WorkerFitConfig): Promise<History>;
  /** Ends a running fit() after its current batch; fit() then resolves normally. */
  stop(): void;
  /** The worker model's weights, in getWeights() order. */
  getWeights(): Promise<Float32Array[]>;
  /** The worker model, saved with its optimizer state. */
  save(): Promise<ModelArtifacts>;
  /** A copy of the worker's model on this thread (needs ready() here), ready to predict or train on. */
  getModel(): Promise<Sequential>;
  predict(x: Data): Promise<Float32Array>;
  evaluate(x: Data, y: Data): Promise<Logs>;
  /** Stops the worker. Pending calls reject with a StateError. */
  terminate(): void;
}

const FIT_KEYS = ['epochs', 'batchSize', 'shuffle', 'validationSplit', 'validationData', 'initialEpoch', 'onEpochEnd', 'onBatchEnd', 'transfer'];

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  onEpochEnd?: (epoch: number, logs: Logs) => void;
  onBatchEnd?: (batch: number, logs: Logs) => void;
}

/**
 * Starts a worker holding a copy of `model` (compiled, or saved artifacts of a compiled model)
 * and resolves once it is ready to train:
 *
 *   const trainer = await workerTrainer(model);
 *   await trainer.fit(x, y, { epochs: 50, onEpochEnd: (e, logs) => draw(logs.loss) });
 *   model.setWeights(await trainer.getWeights());
 *   trainer.terminate();
 */
export async function workerTrainer(model: Sequential | ModelArtifacts, options: WorkerTrainerOptions = {}): Promise<WorkerTrainer> {
  checkKeys(options, ['build', 'worker'], 'workerTrainer()');
  const artifacts = await toArtifacts(model);
  const worker = options.worker ?? (await startWorker());
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let failure: Error | undefined;

  const fail = (err: Error) => {
    failure ??= err;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  const onMessage = (reply: Reply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    if (reply.type === 'epoch') p.onEpochEnd?.(reply.epoch, reply.logs);
    else if (reply.type === 'batch') p.onBatchEnd?.(reply.batch, reply.logs);
    else {
      pending.delete(reply.id);
      if (reply.type === 'result') p.resolve(reply.value);
      else p.reject(deserialize(reply.error));
    }
  };
  const onError = (err: unknown) => fail(new StateError(`workerTrainer: the worker failed: ${(err as { message?: string })?.message ?? String(err)}`));
  if ('on' in worker) {
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', () => fail(new StateError('workerTrainer: the worker has exited')));
  } else {
    worker.addEventListener('message', (e: MessageEvent) => onMessage(e.data as Reply));
    worker.addEventListener('error', (e: ErrorEvent) => { e.preventDefault?.(); onError(e); });
  }

  function call<T>(request: Request & { id: number }, transfer: ArrayBuffer[] = [], hooks: Partial<Pending> = {}): Promise<T> {
    if (failure) return Promise.reject(failure);
    return new Promise<T>((resolve, reject) => {
      pending.set(request.id, { resolve: resolve as (v: unknown) => void, reject, ...hooks });
      worker.postMessage(request, transfer as never);
    });
  }

  await call({ type: 'init', id: nextId++, artifacts, build: options.build ?? 'auto' }, [artifacts.weightData]);

  const trainer: WorkerTrainer = {
    fit(x, y, config = {}) {
      checkKeys(config, FIT_KEYS, 'workerTrainer fit()');
      const { onEpochEnd, onBatchEnd, transfer = false, ...fitOptions } = config;
      for (const [name, f] of [['onEpochEnd', onEpochEnd], ['onBatchEnd', onBatchEnd]] as const) {
        if (f !== undefined && typeof f !== 'function') throw new ValueError(`workerTrainer fit(): ${name} must be a function, got ${describe(f)}`);
      }
      if (typeof transfer !== 'boolean') throw new ValueError(`workerTrainer fit(): transfer must be a boolean, got ${describe(transfer)}`);
      // Without transfer, a Float32Array view is cloned as its whole buffer: send just the view's floats.
      const [xs, ys] = transfer ? [x, y] : [copy(x), copy(y)];
      return call<History>(
        { type: 'fit', id: nextId++, x: xs, y: ys, options: fitOptions, epochEvents: !!onEpochEnd, batchEvents: !!onBatchEnd },
        [...transferable(xs), ...transferable(ys)],
        { onEpochEnd, onBatchEnd },
      );
    },
    stop() {
      if (!failure) worker.postMessage({ type: 'stop' } satisfies Request);
    },
    save() {
      return call<ModelArtifacts>({ type: 'save', id: nextId++ });
    },
    async getWeights() {
      return weightsOf(await trainer.save());
    },
    async getModel() {
      return loadModel(await trainer.save());
    },
    predict(x) {
      const xs = copy(x);
      return call<Float32Array>({ type: 'predict', id: nextId++, x: xs }, transferable(xs));
    },
    evaluate(x, y) {
      return call<Logs>({ type: 'evaluate', id: nextId++, x: copy(x), y: copy(y) });
    },
    terminate() {
      fail(new StateError('workerTrainer: terminate() was called'));
      worker.terminate();
    },
  };
  return trainer;
}

async function toArtifacts(model: Sequential | ModelArtifacts): Promise<ModelArtifacts> {
  if (typeof model === 'object' && model !== null && 'modelTopology' in model) {
    // A copy, as the weights are transferred to the worker and the caller keeps theirs.
    return { ...model, weightData: model.weightData.slice(0) };
  }
  if (typeof model !== 'object' || model === null || typeof (model as Sequential).save !== 'function') {
    throw new ValueError(`workerTrainer(): expected a model or saved model artifacts, got ${describe(model)}`);
  }
  if (!model.optimizer || !model.loss) throw new StateError('workerTrainer(): compile the model before handing it to a worker');
  return model.save(undefined, { includeOptimizer: true });
}

// The worker module is dist/worker-entry.js (from src/ in the tests, `../dist/` finds it too).
// Browsers and bundlers (Vite, webpack) see `new Worker(new URL(literal, import.meta.url))` and
// bundle the worker; Node gets a worker_threads thread on the same file.
async function startWorker(): Promise<WorkerLike> {
  if (typeof Worker !== 'undefined') {
    return new Worker(new URL('../dist/worker-entry.js', import.meta.url), { type: 'module' });
  }
  const name = 'node:worker_threads';
  const threads = (await import(/* @vite-ignore */ name)) as typeof import('node:worker_threads');
  return new threads.Worker(new URL('../dist/worker-entry.js', import.meta.url));
}

function copy(data: Data): Data {
  return data instanceof Float32Array ? data.slice() : data;
}

/** The model's weight tensors from artifacts, in getWeights() order. */
function weightsOf(artifacts: ModelArtifacts): Float32Array[] {
  const all = new Float32Array(artifacts.weightData);
  const out: Float32Array[] = [];
  let offset = 0;
  for (const spec of artifacts.weightSpecs) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.group !== 'optimizer') out.push(all.slice(offset, offset + n));
    offset += n;
  }
  return out;
}

const ERRORS: Record<string, new (message: string) => Error> = { NeuriteError, ShapeError, ValueError, StateError };

function deserialize(e: SerializedError): Error {
  if (e.name === 'DivergenceError') return new DivergenceError(e.message, e.epoch ?? -1, e.batch ?? -1, e.loss ?? NaN);
  const err = new (ERRORS[e.name] ?? Error)(e.message);
  if (!(e.name in ERRORS)) err.name = e.name;
  return err;
}
