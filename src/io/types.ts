// The shapes save() and loadModel() exchange: the public artifact types, and the internal ones the
// model hands to the I/O code. Types only, so the model can name them without loading any I/O.
import type { Layer, Shape } from '../layers/layer.js';
import type { Loss } from '../losses.js';
import type { Optimizer, OptimizerIdentifier } from '../optimizers.js';
import type { FetchResponse } from '../platform.js';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  /** 'optimizer' for optimizer state; absent for the model's weights. */
  group?: string;
}

/** A saved model in memory: what tf.io.fromMemory takes and tf.io.withSaveHandler receives. */
export interface ModelArtifacts {
  /** The Keras Sequential config, as tfjs-layers writes it (JSON-serialisable). */
  modelTopology: Record<string, unknown>;
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  weightSpecs: WeightSpec[];
  /** Every weight in weightSpecs order, little-endian float32. */
  weightData: ArrayBuffer;
  /** The compile config, when TF.js can express it (see trainingConfigFor). */
  trainingConfig?: Record<string, unknown>;
  userDefinedMetadata?: { neurite?: NeuriteMetadata } & Record<string, unknown>;
}

/** Where save() writes: a directory (Node) or file:// URL (also as a URL object), an http(s):// URL, or localstorage://, indexeddb://, downloads:// + a name. */
export type SaveTarget = string | URL;

/** fetch's RequestInit where the program's types declare one (the DOM lib, @types/node), else an object. */
export type HttpRequestInit = typeof globalThis extends { fetch: (input: never, init?: infer I) => unknown } ? NonNullable<I> : Record<string, unknown>;

/** A function of fetch's signature, as TF.js's fetchFunc: called with each URL and the request options. */
export type FetchFunction = (url: string, init: HttpRequestInit) => Promise<FetchResponse>;

/** Options of http(s):// URLs, as TF.js's tf.io.http(path, { requestInit, fetchFunc }). */
export interface HttpOptions {
  /**
   * Passed to every request (headers, credentials, signal, ...). save() POSTs unless this sets
   * another method, and sets the body itself: a requestInit with a body is refused.
   */
  requestInit?: HttpRequestInit;
  /** Used instead of globalThis.fetch. */
  fetchFunc?: FetchFunction;
}

export interface SaveOptions extends HttpOptions {
  /** Also save the optimizer's state (slots, step, random streams) so training resumes exactly. */
  includeOptimizer?: boolean;
}

/** loadModel's options: those of http(s):// URLs, refused with any other source. */
export type LoadOptions = HttpOptions;

/** What loadModel reads: artifacts, a directory or model.json path or file:// URL (a string or a URL object), an http(s):// URL of model.json, a browser URL, or [json, ...weights] files. */
export type LoadSource = string | URL | ModelArtifacts | Blob[];

/** @internal Training state Sequential.getOptimizerState() hands over. */
export interface OptimizerState {
  step: number;
  slots: Float32Array;
  /** The shuffle stream (words 0–3) and the dropout stream (words 4–7). */
  rng: Uint32Array;
}

/**
 * @internal What save() reads from the model, all when it is called (copies of the weights and
 * the optimizer state), so a fit() or dispose() while the writer loads cannot change what is saved.
 */
export interface ModelState {
  name: string;
  seed: number;
  inputShape: number[];
  layers: readonly Layer[];
  weights: Float32Array[];
  /** Present when the model is compiled. */
  compiled?: CompiledState;
  /** A graph model's inputs and each layer's inputs (−1 − m: the model's input m) and their shapes. */
  graph?: {
    inputs: { name: string; shape: number[] }[];
    outputs: number[];
    edges: readonly (readonly number[])[];
    inputShapes: readonly (readonly Shape[])[];
    /** Each layer's first application (a shared layer's later ones hold its index). */
    owners: readonly number[];
    /** The layers' first applications in the layers' (and getWeights()') order. */
    order: readonly number[];
  };
}

/** @internal A compiled model's training setup and state, as save() reads it. */
export interface CompiledState {
  /** One loss per output, with its weight in the total loss. */
  losses: { output: string; loss: Loss; weight: number }[];
  optimizer: Optimizer;
  learningRate: number;
  /** getOptimizerState(): the step, slots and random streams, and each output's metric names. */
  state: OptimizerState & { metrics: string[][] };
}

/** A loss as neurite saves it. */
export interface SavedLoss { name: string; param: number; fromLogits: boolean }

/** neurite's own metadata, in userDefinedMetadata.neurite. */
export interface NeuriteMetadata {
  version: 1;
  seed: number;
  compile?: {
    /** With several outputs, one loss per output, and metrics one list per output. */
    loss: SavedLoss | SavedLoss[];
    metrics: string[] | string[][];
    /** Each output's weight in the total loss, when one is not 1. */
    lossWeights?: number[];
    optimizer: { name: OptimizerIdentifier; config: Record<string, number | boolean>; schedule?: { name: string; config: Record<string, unknown> } };
  };
  /** Present when saved with includeOptimizer. */
  training?: { step: number; learningRate: number; rng: number[] };
}

/** Artifacts as read from storage, before any check: every field is whatever the source held. */
export interface RawArtifacts {
  modelTopology: unknown;
  weightSpecs: unknown;
  weightData: ArrayBuffer;
  userDefinedMetadata?: unknown;
}

/** Raw artifacts and where they came from, for error messages. */
export interface Loaded {
  artifacts: RawArtifacts;
  origin: string;
}
