// [model.json, ...weights] as File or Blob objects, from an <input type=file> or fetched: the
// manifest's paths match the files by base name.
import { ShapeError, ValueError, describe } from '../errors.js';
import { MAX_MODEL_JSON_BYTES, fromModelJSON } from './model-json.js';
import type { Loaded } from './types.js';

export async function load(files: unknown[]): Promise<Loaded> {
  if (files.length === 0 || !files.every((f) => typeof Blob !== 'undefined' && f instanceof Blob)) {
    throw new ValueError(`loadModel(): expected [jsonFile, ...weightFiles] as File or Blob objects, got ${describe(files)}`);
  }
  const [json, ...weights] = files as Blob[];
  const nameOf = (f: Blob, i: number) => (typeof File !== 'undefined' && f instanceof File ? f.name : `files[${i}]`);
  const origin = nameOf(json, 0);
  if (json.size > MAX_MODEL_JSON_BYTES) throw new ValueError(`loadModel(): model file ${origin} has ${json.size} bytes, more than the ${MAX_MODEL_JSON_BYTES} a model.json may have`);
  const used = new Set<Blob>();
  const artifacts = await fromModelJSON(await json.text(), origin, async (path, maxBytes) => {
    const base = path.slice(path.lastIndexOf('/') + 1);
    // Blobs have no names: with one weights file, it is the one the manifest means.
    const match = weights.find((f, i) => nameOf(f, i + 1) === base) ?? (weights.length === 1 && !(weights[0] instanceof File) ? weights[0] : undefined);
    if (!match) throw new ValueError(`loadModel() ${origin}: the manifest needs weights file ${describe(base)}, which is not among the files given (${weights.map(nameOf).join(', ') || 'none'})`);
    if (used.has(match)) throw new ValueError(`loadModel() ${origin}: weightsManifest names weights file ${describe(base)} twice`);
    used.add(match);
    if (match.size > maxBytes) throw new ShapeError(`loadModel() ${origin}: weights file ${describe(base)} has ${match.size} bytes, more than the ${maxBytes} the weightsManifest still needs`);
    return new Uint8Array(await match.arrayBuffer());
  });
  return { artifacts, origin };
}
