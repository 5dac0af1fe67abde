// A worker of the thread pool (src/threads.ts): instantiates the threaded core over the shared
// memory it is sent, says so, and serves matrix products from then on (thread_loop never returns).
export {}; // a module: the Node branch awaits at the top level

interface Start {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  index: number;
  /** The job counter when the pool started this worker (see thread_loop). */
  generation: number;
}

async function serve(start: Start, post: (message: unknown) => void): Promise<void> {
  const { exports } = await WebAssembly.instantiate(start.module, { env: { memory: start.memory } });
  post('ready');
  (exports.thread_loop as (index: number, generation: number) => void)(start.index, start.generation);
}

if (typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined'
  && typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined') {
  const name = 'node:worker_threads';
  const { parentPort } = (await import(/* @vite-ignore */ name)) as typeof import('node:worker_threads');
  parentPort!.once('message', (start: Start) => void serve(start, (m) => parentPort!.postMessage(m)));
} else {
  self.addEventListener('message', (event) => void serve((event as MessageEvent<Start>).data, (m) => self.postMessage(m)), { once: true });
}
