// Saving and loading models in TensorFlow.js's layers-model format. Nothing here is loaded until
// used: Sequential.save() imports save.ts and loadModel imports load.ts when first called, so an
// app that neither saves nor loads downloads none of the format or the storage handlers.
import type { LayersModel, Prediction } from '../model.js';
import type { LoadOptions, LoadSource } from './types.js';

export type { ModelArtifacts, WeightSpec, SaveTarget, SaveOptions, LoadSource, LoadOptions, HttpOptions, HttpRequestInit, FetchFunction } from './types.js';

/**
 * Loads a model saved by neurite or by TF.js: from artifacts in memory, a directory or model.json
 * path (Node), the http(s):// URL of a model.json (fetched with its weights files; `options` as
 * TF.js's tf.io.http: `requestInit`, `fetchFunc`), `localstorage://name`, `indexeddb://name`, or
 * [model.json, ...weight files] as File or Blob objects. The model is compiled again if it was
 * saved compiled by neurite. A model with several outputs predicts one array per output: say so
 * with loadModel<Float32Array[]>(...).
 */
export async function loadModel<P extends Prediction = Float32Array>(source: LoadSource, options?: LoadOptions): Promise<LayersModel<P>> {
  const load = await import('./load.js');
  return load.loadModel(source, options) as Promise<LayersModel<P>>;
}
