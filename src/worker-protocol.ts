// The messages between workerTrainer() (main thread) and worker-entry.ts (the Worker). Everything
// here is structured-cloneable: the model crosses as save() artifacts, data as Float32Arrays
// whose buffers are transferred, and errors as their class name and message.
import type { Data, InputData } from './data.js';
import type { BuiltinSpec, Hook, Logs } from './callbacks.js';
import type { ModelArtifacts } from './io/types.js';

/** fit() options that cross to the worker as they are: FitConfig but callbacks, which cross as hook names and specs. */
export interface WorkerFitOptions {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  validationSplit?: number;
  validationData?: readonly [Data, Data];
  initialEpoch?: number;
  /** 1 prints one line per epoch, from the worker (in Node, through the main thread's stdout). */
  verbose?: 0 | 1;
}

export type Request =
  | { type: 'init'; id: number; artifacts: ModelArtifacts; build: 'simd' | 'relaxed' | 'auto' }
  // hooks: those the main thread's callbacks have, which the worker reports; builtins: earlyStopping
  // and reduceLROnPlateau callbacks, which the worker builds and runs itself.
  | { type: 'fit'; id: number; x: InputData; y: Data; options: WorkerFitOptions; hooks: Hook[]; builtins: BuiltinSpec[] }
  | { type: 'stop' }
  // The answer to a fit's 'trainEnd': every main-thread callback has settled, and whether one failed.
  | { type: 'callbacksDone'; id: number; failed: boolean }
  | { type: 'save'; id: number }
  | { type: 'predict'; id: number; x: InputData }
  | { type: 'evaluate'; id: number; x: InputData; y: Data };

export interface SerializedError {
  name: string;
  message: string;
  epoch?: number;
  batch?: number;
  loss?: number;
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
  post(message: unknown, transfer?: Transferable[]): void;
}

/**
 * The buffer to transfer for `data`, if it is a Float32Array over a whole buffer (a view over
 * part of one would detach the rest); otherwise nothing, and structured clone copies it once.
 */
export function transferable(data: unknown): ArrayBuffer[] {
  if (!(data instanceof Float32Array)) return [];
  const buffer = data.buffer;
  // An empty one may be detached (transferred before), which a transfer list refuses.
  if (!(buffer instanceof ArrayBuffer) || data.byteLength === 0 || data.byteOffset !== 0 || data.byteLength !== buffer.byteLength) return [];
  return [buffer];
}
