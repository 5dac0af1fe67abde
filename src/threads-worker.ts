// A worker of the thread pool (src/threads.ts): instantiates the threaded core over the shared
// memory it is sent, says so, and serves matrix products from then on (thread_loop never returns).
// No top-level await: bundlers build workers in formats that cannot hold one.
import { isNode, nodeImport, type WasmModule } from './platform.js';

interface Start {
  module: WasmModule;
  memory: object;
  index: number;
  /** The job counter when the pool started this worker (see thread_loop). */
  generation: number;
}

async function serve(start: Start, post: (message: unknown) => void): Promise<void> {
  const { exports } = await WebAssembly.instantiate(start.module as WebAssembly.Module, { env: { memory: start.memory as WebAssembly.Memory } });
  post('ready');
  (exports.thread_loop as (index: number, generation: number) => void)(start.index, start.generation);
}

if (isNode()) {
  void nodeImport<typeof import('node:worker_threads')>('node:worker_threads').then(({ parentPort }) => {
    parentPort!.once('message', (start: Start) => void serve(start, (m) => parentPort!.postMessage(m)));
  });
} else {
  self.addEventListener('message', (event) => void serve((event as MessageEvent<Start>).data, (m) => self.postMessage(m)), { once: true });
}
