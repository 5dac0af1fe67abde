// The thread pool of the threaded build: one Worker (a worker_threads thread in Node) per extra
// thread, each instantiating the same compiled module over the same shared memory and parking in
// thread_loop (assembly/threads.ts) until the main thread posts a matrix product to split.
import { NO_MODULE_URL, isNode, nodeImport, packageFile, workerExecArgv, type WasmModule } from './platform.js';

/** Packing buffers in the threaded build are reserved for this many threads. */
export const MAX_THREADS = 4;

/**
 * Checks a waiting thread spins before it blocks (about a millisecond): waking a sleeping thread
 * costs 100–150 µs, and the next job usually comes sooner; spinning for good would hold a core.
 */
export const SPIN_CHECKS = 2 ** 17;

export interface ThreadPool {
  /** Threads in all, the main thread included. */
  readonly count: number;
}

interface Port {
  postMessage(message: unknown): void;
  once(listener: (message: unknown) => void, fail: (error: unknown) => void): void;
  terminate(): void;
}

/**
 * Starts count − 1 workers on `module` over `memory`; resolves once each has instantiated it.
 * `generation` is the core's job counter now (threads_generation()). If a worker cannot start,
 * the ones that did are terminated and the promise rejects. `dir`: where the worker script is when it
 * is not beside this module (Vite 5–7's dev server, see wasm.ts).
 */
export async function startThreads(module: WasmModule, memory: object, count: number, generation: number, dir?: URL): Promise<ThreadPool> {
  const spawn = isNode() ? await nodeSpawner() : () => browserSpawner(dir);
  const ports: Port[] = [];
  try {
    await Promise.all(Array.from({ length: count - 1 }, async (_, i) => {
      const port = spawn();
      ports.push(port);
      const started = new Promise<void>((resolve, reject) => port.once(() => resolve(), reject));
      port.postMessage({ module, memory, index: i + 1, generation });
      await started;
    }));
  } catch (error) {
    for (const port of ports) port.terminate();
    throw error;
  }
  return { count };
}

/**
 * Whether this thread may block in Atomics.wait while the workers finish a job: Node's main thread
 * and workers may, and so may a Web Worker; a page's main thread may not (it spins instead).
 */
export function mayBlock(): boolean {
  if (isNode()) return true;
  const scope = (globalThis as { WorkerGlobalScope?: abstract new () => unknown }).WorkerGlobalScope;
  return typeof scope === 'function' && globalThis instanceof scope;
}

/**
 * The cores this process may use: navigator.hardwareConcurrency in browsers (and Node ≥ 21), else
 * Node's os.availableParallelism() (Node 20 has no navigator), imported only here and only in Node,
 * so a browser bundle never loads node:os.
 */
export async function availableCores(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  if (!isNode()) return 1;
  const os = await nodeImport<typeof import('node:os')>('node:os');
  // availableParallelism is Node ≥ 18.14; cpus() can be empty in some containers.
  return os.availableParallelism?.() ?? (os.cpus().length || 1);
}

async function nodeSpawner(): Promise<() => Port> {
  const { Worker } = await nodeImport<typeof import('node:worker_threads')>('node:worker_threads');
  const url = packageFile('threads-worker.js');
  // (ready() reports this as the reason it stays on one thread.)
  if (!url) throw new Error(NO_MODULE_URL);
  return () => {
    const worker = new Worker(url, { execArgv: workerExecArgv() });
    // Workers park in Atomics.wait for good: they must not keep the process alive.
    worker.unref();
    return {
      postMessage: (message) => worker.postMessage(message),
      once: (listener, fail) => { worker.once('message', listener); worker.once('error', fail); },
      terminate: () => void worker.terminate(),
    };
  };
}

function browserSpawner(dir: URL | undefined): Port {
  // Written out in full, as bundlers recognize it: each bundles threads-worker.js as a worker.
  const worker = dir ? new Worker(new URL('threads-worker.js', dir), { type: 'module' }) : new Worker(new URL('./threads-worker.js', import.meta.url), { type: 'module' });
  return {
    postMessage: (message) => worker.postMessage(message),
    once: (listener, fail) => {
      worker.addEventListener('message', (event) => listener(event.data), { once: true });
      // A script the page cannot load (a CSP's worker-src, a 404) is an ErrorEvent without a message.
      worker.addEventListener('error', (event) => fail(new Error(event.message || `the thread worker script could not be loaded (a Content-Security-Policy whose worker-src does not allow its URL, or a missing file)`)), { once: true });
    },
    terminate: () => worker.terminate(),
  };
}
