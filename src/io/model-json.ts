// model.json, the file TF.js writes beside the weights: the artifacts' JSON fields plus a
// manifest of weight files. Used by the handlers that read or write files (Node directories,
// downloads, browser files); reading bounds every size and keeps every weights path in the folder.
import { ValueError, describe } from '../errors.js';
import { checkNesting, isObject, preview } from './json.js';
import type { ModelArtifacts, RawArtifacts, WeightSpec } from './types.js';
import { MAX_WEIGHT_BYTES, specBytes } from './weights.js';

/** model.json holds the topology and the manifest, kilobytes in practice. */
export const MAX_MODEL_JSON_BYTES = 256 * 2 ** 20;

// The file layout of model.json, as TF.js writes it.
interface ModelJSON {
  modelTopology: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: null;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  trainingConfig?: unknown;
  userDefinedMetadata?: unknown;
}

/** The model.json for `artifacts`, its weights in one file at `weightsPath`. */
export function toModelJSON(artifacts: ModelArtifacts, weightsPath: string): ModelJSON {
  const { weightSpecs, weightData: _, ...rest } = artifacts;
  return { ...rest, weightsManifest: [{ paths: [weightsPath], weights: weightSpecs }] };
}

// model.json: the topology and a manifest of weight files, read in order with `read(path, maxBytes)`.
// A reader refuses a file larger than maxBytes before reading it: what the manifest's weights
// still need, so no file can make a load read more than the weights it describes. `paths` says
// what a weights path may be: 'folder', a file in model.json's folder; 'url', a relative URL
// (model.json's over http, where '..' is URL resolution's, which the reader does).
export async function fromModelJSON(text: string, origin: string, read: (path: string, maxBytes: number) => Promise<Uint8Array>, paths: 'folder' | 'url' = 'folder'): Promise<RawArtifacts> {
  const fail = (message: string) => new ValueError(`loadModel() ${origin}: ${message}`);
  let json: ModelJSON;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw fail(`malformed JSON: ${(err as Error).message}`);
  }
  if (!isObject(json) || json.modelTopology === undefined) throw fail('not a TF.js model.json: it has no modelTopology');
  if (json.format !== undefined && json.format !== 'layers-model') throw fail(`format is ${describe(json.format)}; neurite reads 'layers-model' (graph models cannot be trained)`);
  checkNesting(json.weightsManifest, 'weightsManifest', fail);
  if (!Array.isArray(json.weightsManifest) || !json.weightsManifest.every((g) => isObject(g) && Array.isArray(g.paths) && Array.isArray(g.weights))) {
    throw fail('weightsManifest must be an array of { paths, weights }');
  }
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const needed = weightSpecs.reduce((n, spec) => n + specBytes(spec, fail), 0);
  if (needed > MAX_WEIGHT_BYTES) throw fail(`the weights need ${needed} bytes, more than the 4 GiB a Wasm memory holds`);
  const files = json.weightsManifest.flatMap((g) => g.paths as unknown[]);
  const seen = new Set<string>();
  for (const path of files) {
    checkWeightsPath(path, paths, fail);
    const key = path.split('/').filter((s) => s !== '' && s !== '.').join('/');
    if (seen.has(key)) throw fail(`weightsManifest names weights file ${preview(path)} twice`);
    seen.add(key);
  }
  const buffers: Uint8Array[] = [];
  let total = 0;
  for (const path of files as string[]) {
    const bytes = await read(path, needed - total);
    buffers.push(bytes);
    total += bytes.byteLength;
  }
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  return { modelTopology: json.modelTopology, weightSpecs, weightData: weightData.buffer, userDefinedMetadata: json.userDefinedMetadata };
}

/**
 * A weights path must name a file inside the model's folder: relative, with '/' separators, no
 * '..' segment, no URL scheme or drive letter, no NUL. A backslash is refused, as ambiguous: TF.js
 * never writes one, and it would be a separator on Windows (..\x a way out of the folder) but a
 * character of a file name elsewhere. (Symlinks are resolved by the reader.) Over http it is a
 * relative URL: '..' segments are allowed (they stay on model.json's server), the rest is refused
 * alike — an absolute path or a scheme would resolve otherwise in TF.js, which appends the path to
 * model.json's folder.
 */
function checkWeightsPath(path: unknown, paths: 'folder' | 'url', fail: (m: string) => Error): asserts path is string {
  if (typeof path !== 'string' || path === '' || path.length > 4096) throw fail(`a weights path must be a non-empty string of at most 4096 characters, got ${preview(path)}`);
  const why = path.includes('\0') ? 'it holds a NUL character'
    : path.includes('\\') ? 'it holds a backslash, which is ambiguous: a separator on Windows, part of a file name elsewhere (manifest paths are URL paths with / separators, as TF.js writes them: ./model.weights.bin, sub/shard1.bin)'
    : path.startsWith('/') ? 'it is absolute'
    : /^[a-z][a-z0-9+.-]*:/i.test(path) ? 'it has a URL scheme or drive letter'
    : paths === 'folder' && path.split('/').includes('..') ? 'it has a .. segment'
    : undefined;
  if (why) throw fail(`weights path ${preview(path)} must ${paths === 'folder' ? 'stay inside the model folder' : 'be a relative URL'}, but ${why}`);
}

