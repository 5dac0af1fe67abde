// What neurite needs from the platform it runs on, written so that every bundler (Vite, webpack,
// rollup, esbuild, Parcel) leaves Node's built-ins alone, and so that the emitted .d.ts files need
// no DOM lib (a Node-only TypeScript project compiles against them).

/**
 * Imports a Node built-in by a name bundlers do not follow (they would try to bundle it for the
 * browser, or warn "Critical dependency"). Only ever called in Node.
 */
export function nodeImport<T>(name: string): Promise<T> {
  // Node ≥ 20.16 hands built-ins out synchronously, which also works where import() does not (the
  // CommonJS build run by Jest's module system); older Node imports them.
  const builtin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof builtin === 'function') return Promise.resolve(builtin(name) as T);
  return import(/* webpackIgnore: true */ /* @vite-ignore */ name) as Promise<T>;
}

/** True in Node (a worker_threads thread included), false in browsers and their workers. */
export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined'
    && typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';
}

/**
 * A file of the package, in Node: `name` beside this module (in dist/). Browsers and bundlers get
 * each file from a `new URL('./x', import.meta.url)` written out where it is used, which bundlers
 * recognize and ship; this one is spelled so that they do not (a bundler would ship the file a
 * second time, as a raw asset). Run from the TypeScript sources (neurite's own tests, through
 * vitest), the built files are in dist/, beside src/.
 */
export function packageFile(name: string): URL {
  const here: string = import.meta.url;
  return new URL((here.endsWith('.ts') ? '../dist/' : './') + name, here);
}

/** WebAssembly.Module where the program's types declare it (the DOM lib, a runtime's types), else an opaque object. */
export type WasmModule = typeof globalThis extends { WebAssembly: { Module: abstract new (...args: never[]) => infer M } } ? M : object;

/** A Fetch API Response where the program's types declare one (the DOM lib, @types/node ≥ 18), else an object with arrayBuffer(). */
export type FetchResponse = typeof globalThis extends { Response: abstract new (...args: never[]) => infer R } ? R : { arrayBuffer(): Promise<ArrayBuffer> };

/** Anything a postMessage transfer list takes (Transferable in the DOM lib). */
export type TransferList = readonly unknown[];
