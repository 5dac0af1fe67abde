// The thread pool of the threaded build: one Worker (a worker_threads thread in Node) per extra
// thread, each instantiating the same compiled module over the same shared memory and parking in
// thread_loop (assembly/threads.ts) until the main thread posts a matrix product to split.

/** Packing buffers in the threaded build are reserved for this many threads. */
export const MAX_THREADS = 4;

export interface ThreadPool {
  /** Threads in all, the main thread included. */
  readonly count: number;
}

interface Port {
  postMessage(message: unknown): void;
  once(listener: (message: unknown) => void, fail: (error: unknown) => void): void;
}

/** Starts count − 1 workers on `module` over `memory`; resolves once each is waiting for work. */
export async function startThreads(module: WebAssembly.Module, memory: WebAssembly.Memory, count: number): Promise<ThreadPool> {
  // `../dist/` resolves to the same file from src/ (tests) and from dist/ (the package).
  const url = new URL('../dist/threads-worker.js', import.meta.url);
  const spawn = isNode() ? await nodeSpawner() : browserSpawner;
  await Promise.all(Array.from({ length: count - 1 }, async (_, i) => {
    const port = spawn(url);
    const started = new Promise<void>((resolve, reject) => port.once(() => resolve(), reject));
    port.postMessage({ module, memory, index: i + 1 });
    await started;
  }));
  return { count };
}

/** The cores this process may use. */
export function availableCores(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  const os = (globalThis as { process?: { availableParallelism?: () => number } }).process;
  return os?.availableParallelism?.() ?? 1;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';
}

async function nodeSpawner(): Promise<(url: URL) => Port> {
  const name = 'node:worker_threads';
  const { Worker } = (await import(/* @vite-ignore */ name)) as typeof import('node:worker_threads');
  return (url) => {
    const worker = new Worker(url);
    // Workers park in Atomics.wait for good: they must not keep the process alive.
    worker.unref();
    return {
      postMessage: (message) => worker.postMessage(message),
      once: (listener, fail) => { worker.once('message', listener); worker.once('error', fail); },
    };
  };
}

function browserSpawner(url: URL): Port {
  const worker = new Worker(url, { type: 'module' });
  return {
    postMessage: (message) => worker.postMessage(message),
    once: (listener, fail) => {
      worker.addEventListener('message', (event) => listener(event.data), { once: true });
      worker.addEventListener('error', fail, { once: true });
    },
  };
}
