// What neurite needs from the platform it runs on, written so that every bundler (Vite, webpack,
// rollup, esbuild, Parcel) leaves Node's built-ins alone, and so that the emitted .d.ts files need
// no DOM lib (a Node-only TypeScript project compiles against them).
import { ValueError } from './errors.js';

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
const nodeProcess = (): NodeProcess | undefined => (globalThis as { process?: NodeProcess }).process;

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
export function packageFile(name: string): URL {
  const here = moduleUrl();
  return new URL((here.endsWith('.ts') ? '../dist/' : './') + name, here);
}

/**
 * This module's URL: import.meta.url, or, in Node code bundled into CommonJS (esbuild's
 * `--platform=node`, whose default cjs format leaves import.meta empty), the bundle's own file.
 */
export function moduleUrl(): string {
  const here: string | undefined = import.meta.url;
  if (typeof here === 'string') return here;
  if (typeof __filename === 'string') return fileUrl(__filename).href;
  throw new ValueError('neurite cannot tell where its own code is (import.meta.url is empty and there is no __filename), so it cannot find its .wasm files and worker scripts: pass the .wasm file as ready({ wasm })');
}

/** True for an absolute Windows path: a drive letter and a separator (C:\ or C:/), or a UNC path (\\server\share). */
export function isWindowsAbsolute(path: string): boolean {
  return /^[a-z]:[\\/]/i.test(path) || /^\\\\[^\\]/.test(path);
}

/**
 * A file: URL for an absolute path: node:url's pathToFileURL, except for a Windows path on
 * another platform (pathToFileURL would take it for a relative POSIX name) or where the runtime does
 * not hand node:url out synchronously (Node < 20.16).
 */
export function fileUrl(path: string): URL {
  const windows = isWindowsAbsolute(path);
  const url = nodeBuiltin<typeof import('node:url')>('node:url');
  if (url && (!windows || nodeProcess()?.platform === 'win32')) return url.pathToFileURL(path);
  const slashed = windows ? path.replace(/\\/g, '/') : path;
  const unc = windows ? /^\/\/([^/]+)(\/.*)?$/.exec(slashed) : null;
  const [host, rest] = unc ? [unc[1], unc[2] ?? '/'] : ['', slashed.startsWith('/') ? slashed : `/${slashed}`];
  // Each segment percent-encoded (a # or ? is part of a file name), a drive letter kept as it is.
  const encoded = rest.split('/').map((s, i) => (i === 1 && windows && /^[a-z]:$/i.test(s) ? s : encodeURIComponent(s))).join('/');
  return new URL(`file://${host}${encoded}`);
}

/** WebAssembly.Module where the program's types declare it (the DOM lib, a runtime's types), else an opaque object. */
export type WasmModule = typeof globalThis extends { WebAssembly: { Module: abstract new (...args: never[]) => infer M } } ? M : object;

/** A Fetch API Response where the program's types declare one (the DOM lib, @types/node ≥ 18), else an object with arrayBuffer(). */
export type FetchResponse = typeof globalThis extends { Response: abstract new (...args: never[]) => infer R } ? R : { arrayBuffer(): Promise<ArrayBuffer> };

/** Anything a postMessage transfer list takes (Transferable in the DOM lib). */
export type TransferList = readonly unknown[];
