// The Worker side of workerTrainer(): a dedicated Worker (browsers) or a worker_threads thread
// (Node) that holds one model and runs fit(), predict() and evaluate() on it, posting progress.
// fit() yields to the event loop at least every 16 ms, which is when a 'stop' message gets in.
import { StateError } from './errors.js';
import { isReady, ready, threadCount, type WasmSource } from './wasm.js';
import { isNode, nodeBuiltin, nodeImport } from './platform.js';
import { loadModel } from './io/index.js';
import type { LayersModel, Prediction } from './model.js';
import { fromSpec, type Callback, type Logs } from './callbacks.js';
import { serialize, transferable, type Port, type Reply, type Request } from './worker-protocol.js';
import type { TransferList } from './platform.js';

let model: LayersModel<Prediction> | undefined;

// A fit whose callbacks run on the main thread waits, as it ends, for word that they all settled:
// one that failed makes the fit throw, which puts the model back as it was before the fit.
const callbacksDone = new Map<number, (failed: boolean) => void>();

function awaitCallbacks(id: number, logs: Logs, reply: (message: Reply) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    callbacksDone.set(id, (failed) => (failed ? reject(new StateError('workerTrainer fit(): a callback on the main thread failed')) : resolve()));
    reply({ type: 'trainEnd', id, logs });
  });
}

/**
 * The worker's callbacks for one fit: first a relay that reports each hook the main thread's
 * callbacks have (onTrainEnd waits for them all to settle), then the built-in callbacks, rebuilt
 * here from their specs so they steer this model (stop it, change its rate, restore its weights).
 */
function fitCallbacks(request: Extract<Request, { type: 'fit' }>, reply: (message: Reply) => void): Callback[] {
  const { id, hooks } = request;
  const relay: Record<string, (...args: never[]) => unknown> = {};
  for (const hook of hooks) {
    if (hook === 'onTrainBegin') relay[hook] = (logs: Logs) => reply({ type: 'hook', id, hook, index: 0, logs });
    else if (hook !== 'onTrainEnd') relay[hook] = (index: number, logs: Logs) => reply({ type: 'hook', id, hook, index, logs });
  }
  if (hooks.length > 0) relay.onTrainEnd = (logs: Logs) => awaitCallbacks(id, logs, reply);
  return [relay, ...request.builtins.map(fromSpec)];
}

async function handle(request: Request, port: Port): Promise<void> {
  if (request.type === 'stop') {
    if (model) model.stopTraining = true;
    return;
  }
  if (request.type === 'callbacksDone') {
    callbacksDone.get(request.id)?.(request.failed);
    callbacksDone.delete(request.id);
    return;
  }
  const { id } = request;
  const reply = (message: Reply, transfer: ArrayBuffer[] = []) => port.post(message, transfer);
  try {
    if (request.type === 'init') {
      // A worker given to a second workerTrainer() keeps its first build: ready() refuses another.
      // The core the main thread sent (its compiled module, or where to find it), unless this
      // worker already has one.
      const { wasm, threads } = request;
      await ready({ build: request.build, ...(threads !== undefined && { threads }), ...(wasm !== undefined && !isReady() && { wasm: wasm as WasmSource }) });
      model?.dispose();
      model = await loadModel(request.artifacts);
      reply({ type: 'result', id, value: { inputShapes: model.inputShapes, outputShapes: model.outputShapes, threads: threadCount() } });
      return;
    }
    if (!model) throw new StateError('workerTrainer: the worker has no model');
    switch (request.type) {
      case 'fit': {
        const history = await model.fit(request.x, request.y, { ...request.options, callbacks: fitCallbacks(request, reply) });
        reply({ type: 'result', id, value: history });
        return;
      }
      case 'save': {
        const artifacts = await model.save(undefined, { includeOptimizer: true });
        reply({ type: 'result', id, value: artifacts }, [artifacts.weightData]);
        return;
      }
      case 'predict': {
        const out = model.predict(request.x);
        reply({ type: 'result', id, value: out }, transferable(out));
        return;
      }
      case 'evaluate':
        reply({ type: 'result', id, value: model.evaluate(request.x, request.y) });
        return;
    }
  } catch (err) {
    reply({ type: 'error', id, error: serialize(err) });
  }
}

/** What importing this module anywhere but in a worker throws. */
const MAIN_THREAD = "neurite/worker (dist/worker-entry.js) is the script of workerTrainer's worker, not a module to import: "
  + "let workerTrainer(model) start its worker, or start one on this file yourself (new Worker(url, { type: 'module' }) in a browser, "
  + 'new Worker(path) from node:worker_threads in Node) and pass it as workerTrainer(model, { worker })';

function listen(parentPort: import('node:worker_threads').MessagePort): void {
  const port: Port = { post: (m, t = []) => parentPort.postMessage(m, t as never) };
  parentPort.on('message', (m: Request) => void handle(m, port));
}

// Browsers: this module runs as the Worker's global scope. Node: it runs in a worker_threads thread.
// Imported on a main thread by mistake it throws a StateError as it is evaluated (require() throws
// it, import() rejects with it), before it listens to anything: a page's window would otherwise
// take its messages as requests. No top-level await: bundlers build workers in formats that cannot
// hold one.
if (!isNode()) {
  if (typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined') throw new StateError(MAIN_THREAD);
  const scope = globalThis as unknown as { postMessage(m: unknown, t: TransferList): void; addEventListener(t: 'message', f: (e: { data: unknown }) => void): void };
  const port: Port = { post: (m, t = []) => scope.postMessage(m, t) };
  scope.addEventListener('message', (e) => void handle(e.data as Request, port));
} else {
  const threads = nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads');
  if (threads) {
    if (!threads.parentPort) throw new StateError(MAIN_THREAD);
    listen(threads.parentPort);
  } else {
    // Node < 20.16 has no synchronous way to the built-in: the mistake can only be reported later,
    // on stderr (never as an unhandled rejection).
    void nodeImport<typeof import('node:worker_threads')>('node:worker_threads').then(({ parentPort }) => {
      if (parentPort) listen(parentPort);
      else console.error(new StateError(MAIN_THREAD));
    });
  }
}
