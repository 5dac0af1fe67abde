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
  const module = nodeBuiltin<T>(name);
  if (module !== undefined) return Promise.resolve(module);
  return import(/* webpackIgnore: true */ /* @vite-ignore */ name) as Promise<T>;
}

/** A Node built-in, synchronously, where the runtime hands them out so (Node ≥ 20.16); else undefined. */
export function nodeBuiltin<T>(name: string): T | undefined {
  const builtin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  return typeof builtin === 'function' ? builtin(name) as T : undefined;
}

// Node's process is always reached as globalThis.process, never as a free variable: Parcel takes a
// free `process` for a Node global to polyfill, and fails the build where its polyfill is not
// installed (as in CI, where it installs nothing by itself).
type NodeProcess = { versions?: { node?: unknown }; execArgv?: string[]; platform?: string };
export const nodeProcess = (): NodeProcess | undefined => (globalThis as { process?: NodeProcess }).process;

/** True in Node (a worker_threads thread included), false in browsers and their workers. */
export function isNode(): boolean {
  return typeof nodeProcess()?.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined'
    && typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';
}

/**
 * Node: the flags for a worker_threads Worker started on one of neurite's files: this process's,
 * less --input-type (a worker started from a file refuses it: `node --input-type=module -e`
 * scripts) and V8's Wasm flags (--experimental-wasm-relaxed-simd), which Worker refuses and which
 * already apply to the whole process.
 */
export function workerExecArgv(): string[] {
  return (nodeProcess()?.execArgv ?? []).filter((arg) => !arg.startsWith('--input-type') && !arg.startsWith('--experimental-wasm-'));
}

/**
 * A file of the package, in Node: `name` beside this module (in dist/). Browsers and bundlers get
 * each file from a `new URL('./x', import.meta.url)` written out where it is used, which bundlers
 * recognize and ship; this one is spelled so that they do not (a bundler would ship the file a
 * second time, as a raw asset). Run from the TypeScript sources (neurite's own tests, through
 * vitest), the built files are in dist/, beside src/.
 */
export function packageFile(name: string): URL | undefined {
  const here = moduleUrl();
  return here === undefined ? undefined : new URL((here.endsWith('.ts') ? '../dist/' : './') + name, here);
}

/**
 * This module's URL: import.meta.url, or, in Node code bundled into CommonJS (esbuild's
 * `--platform=node`, whose default cjs format leaves import.meta empty), the bundle's own file;
 * undefined if neither is known (callers throw NO_MODULE_URL as a ValueError: errors.js is not
 * imported here, which would cost apps a chunk of its own).
 */
export function moduleUrl(): string | undefined {
  const here: string | undefined = import.meta.url;
  if (typeof here === 'string') return here;
  // (Node < 20.16 cannot hand node:url out synchronously: there, undefined.)
  if (typeof __filename === 'string') return nodeBuiltin<typeof import('node:url')>('node:url')?.pathToFileURL(__filename).href;
  return undefined;
}

/** Why packageFile() has no answer (import.meta.url empty, and no __filename or no synchronous node:url). */
export const NO_MODULE_URL = 'neurite cannot tell where its own files are (import.meta.url is empty): pass ready({ wasm })';

/** WebAssembly.Module where the program's types declare it (the DOM lib, a runtime's types), else an opaque object. */
export type WasmModule = typeof globalThis extends { WebAssembly: { Module: abstract new (...args: never[]) => infer M } } ? M : object;

/** A Fetch API Response where the program's types declare one (the DOM lib, @types/node ≥ 18), else an object with arrayBuffer(). */
export type FetchResponse = typeof globalThis extends { Response: abstract new (...args: never[]) => infer R } ? R : { arrayBuffer(): Promise<ArrayBuffer> };

/** Anything a postMessage transfer list takes (Transferable in the DOM lib). */
export type TransferList = readonly unknown[];
