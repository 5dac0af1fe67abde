// localstorage://name: five keys under tensorflowjs_models/name/, TF.js's layout (the weights in
// base64), so either library reads what the other saved.
import { NeuriteError, ValueError } from '../errors.js';
import { isObject } from './json.js';
import type { Loaded, ModelArtifacts } from './types.js';
import { webApi } from './web-api.js';

function storageKeys(name: string): Record<'info' | 'topology' | 'weightSpecs' | 'weightData' | 'metadata', string> {
  const p = `tensorflowjs_models/${name}/`;
  return { info: p + 'info', topology: p + 'model_topology', weightSpecs: p + 'weight_specs', weightData: p + 'weight_data', metadata: p + 'model_metadata' };
}

export function save(name: string, artifacts: ModelArtifacts): void {
  const storage = webApi<Storage>('localStorage', 'localstorage');
  const keys = storageKeys(name);
  const { modelTopology, weightSpecs, weightData, ...metadata } = artifacts;
  const items: [string, string][] = [
    [keys.info, JSON.stringify({ dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightData.byteLength })],
    [keys.topology, JSON.stringify(modelTopology)],
    [keys.weightSpecs, JSON.stringify(weightSpecs)],
    [keys.weightData, toBase64(weightData)],
    [keys.metadata, JSON.stringify(metadata)],
  ];
  try {
    for (const [key, value] of items) storage.setItem(key, value);
  } catch (err) {
    // Over quota part-way: take the partial copy out rather than leave one that cannot load.
    for (const [key] of items) storage.removeItem(key);
    throw new ValueError(`save() localstorage://${name}: ${(err as Error).message} (${weightData.byteLength} bytes of weights)`);
  }
}

export function load(name: string, source: string): Loaded {
  const storage = webApi<Storage>('localStorage', 'localstorage');
  const keys = storageKeys(name);
  const get = (key: string, json: boolean) => {
    const value = storage.getItem(key);
    if (value === null) throw new ValueError(`loadModel() localstorage://${name}: no model saved there (missing ${key})`);
    if (!json) return value;
    try {
      return JSON.parse(value);
    } catch (err) {
      throw new ValueError(`loadModel() localstorage://${name}: malformed JSON in ${key}: ${(err as Error).message}`);
    }
  };
  const metadata = storage.getItem(keys.metadata) === null ? {} : get(keys.metadata, true);
  let weightData: ArrayBuffer;
  try {
    weightData = fromBase64(get(keys.weightData, false));
  } catch (err) {
    if (err instanceof NeuriteError) throw err;
    throw new ValueError(`loadModel() localstorage://${name}: ${keys.weightData} is not base64: ${(err as Error).message}`, { cause: err });
  }
  const artifacts = { modelTopology: get(keys.topology, true), weightSpecs: get(keys.weightSpecs, true), weightData, userDefinedMetadata: isObject(metadata) ? metadata.userDefinedMetadata : undefined };
  return { artifacts, origin: source };
}

function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): ArrayBuffer {
  const s = atob(text);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes.buffer;
}

