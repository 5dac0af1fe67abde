// The messages between workerTrainer() (main thread) and worker-entry.ts (the Worker). Everything
// here is structured-cloneable: the model crosses as save() artifacts, data as Float32Arrays
// whose buffers are transferred, and errors as their class name, message and fields.
import type { Data, InputData } from './data.js';
import type { BuiltinSpec, Hook, Logs } from './callbacks.js';
import type { ModelArtifacts } from './io/types.js';
import type { Verbosity } from './progress.js';
import type { ClassWeight } from './sample-weights.js';
import { DivergenceError, NeuriteError, ShapeError, StateError, ValueError } from './errors.js';
import type { TransferList, WasmModule } from './platform.js';

/** fit() options that cross to the worker as they are: FitConfig but callbacks, which cross as hook names and specs. */
export interface WorkerFitOptions {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  validationSplit?: number;
  validationData?: readonly [InputData, InputData] | readonly [InputData, InputData, Data];
  initialEpoch?: number;
  /** As model.fit()'s: a weight per class index, and one weight per example. */
  classWeight?: ClassWeight;
  sampleWeight?: Data;
  /** 1 or 2 print one line per epoch, from the worker (in Node, through the main thread's stdout): a worker's stdout is no terminal. */
  verbose?: Verbosity;
}

export type Request =
  // wasm: the core to load (a compiled module, bytes or a URL's href); else the worker finds its build.
  // threads: for the worker's ready() (a worker given to a second trainer keeps its first); its
  // reply's value says how many it got ({ threads }).
  | { type: 'init'; id: number; artifacts: ModelArtifacts; build: 'simd' | 'relaxed' | 'auto'; threads?: number | 'auto'; wasm?: WasmModule | ArrayBuffer | ArrayBufferView | string }
  // hooks: those the main thread's callbacks have, which the worker reports; builtins: earlyStopping
  // and reduceLROnPlateau callbacks, which the worker builds and runs itself.
  | { type: 'fit'; id: number; x: InputData; y: InputData; options: WorkerFitOptions; hooks: Hook[]; builtins: BuiltinSpec[] }
  | { type: 'stop' }
  // The answer to a fit's 'trainEnd': every main-thread callback has settled, and whether one failed.
  | { type: 'callbacksDone'; id: number; failed: boolean }
  | { type: 'save'; id: number }
  | { type: 'predict'; id: number; x: InputData }
  | { type: 'evaluate'; id: number; x: InputData; y: InputData };

/**
 * An error thrown in the worker: its class name (neurite's classes name themselves with literals,
 * so the name survives minification), its message, and its own fields (DivergenceError's epoch,
 * batch and loss), from which the main thread rebuilds the same class.
 */
export interface SerializedError {
  name: string;
  message: string;
  fields?: Record<string, string | number | boolean | null>;
}

export type Reply =
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: SerializedError }
  // A hook of the worker's fit was called (index: the epoch or batch; 0 for onTrainBegin).
  | { type: 'hook'; id: number; hook: Exclude<Hook, 'onTrainEnd'>; index: number; logs: Logs }
  // A fit with callbacks has trained and waits for 'callbacksDone' before it returns or undoes itself.
  | { type: 'trainEnd'; id: number; logs: Logs };

/** The one interface worker-entry.ts and workerTrainer() need from either kind of thread. */
export interface Port {
  post(message: unknown, transfer?: TransferList): void;
}

/**
 * The buffers to transfer for these arguments: each Float32Array over a whole buffer (a view over
 * part of one would detach the rest), also inside an array or object of a model's several inputs;
 * anything else is left to structured clone, which copies it once. Each buffer is listed once (a
 * transfer list refuses one listed twice).
 */
export function transferable(...data: unknown[]): ArrayBuffer[] {
  const parts = data.flatMap((d) => (d instanceof Float32Array ? [d] : Array.isArray(d) ? d : typeof d === 'object' && d !== null && !ArrayBuffer.isView(d) ? Object.values(d) : []));
  const buffers: ArrayBuffer[] = [];
  for (const part of parts) {
    if (!(part instanceof Float32Array)) continue;
    const buffer = part.buffer;
    // An empty one may be detached (transferred before), which a transfer list refuses.
    if (!(buffer instanceof ArrayBuffer) || part.byteLength === 0 || part.byteOffset !== 0 || part.byteLength !== buffer.byteLength) continue;
    if (!buffers.includes(buffer)) buffers.push(buffer);
  }
  return buffers;
}

/** An error as it can cross to the main thread: name, message and its own plain fields. */
export function serialize(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const fields: NonNullable<SerializedError['fields']> = {};
  for (const [key, value] of Object.entries(err)) {
    if (key === 'name' || key === 'message' || key === 'stack') continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value as string | number | boolean | null;
  }
  return { name: String(err.name), message: String(err.message), fields };
}

// The classes an error from the worker is rebuilt as, by name; any other name becomes an Error
// carrying that name.
const ERROR_CLASSES = new Map<string, new (message: string) => Error>(Object.entries({
  NeuriteError, ShapeError, ValueError, StateError, Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
}));

/** Rebuilds an error the worker sent as the same class, with its fields (DivergenceError's epoch, batch, loss). */
export function deserialize(e: SerializedError): Error {
  const fields = e.fields ?? {};
  const number = (key: string) => (typeof fields[key] === 'number' ? fields[key] as number : NaN);
  let err: Error;
  if (e.name === 'DivergenceError') {
    err = new DivergenceError(e.message, number('epoch'), number('batch'), number('loss'));
  } else {
    err = new (ERROR_CLASSES.get(e.name) ?? Error)(e.message);
    if (err.name !== e.name) err.name = e.name;
  }
  for (const [key, value] of Object.entries(fields)) {
    if (!(key in err)) (err as unknown as Record<string, unknown>)[key] = value;
  }
  return err;
}
