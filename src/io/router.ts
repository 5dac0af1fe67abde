// Where artifacts go to and come from: picks the storage handler by the target's scheme and loads
// it with import() when first used, so bundlers split each handler into a chunk of its own that an
// app downloads only if it saves or loads that way.
import { ValueError, describe } from '../errors.js';
import { isObject, preview } from './json.js';
import type { Loaded, ModelArtifacts } from './types.js';

type Scheme = 'localstorage' | 'indexeddb' | 'downloads' | 'file';

/** A storage handler module: save writes artifacts under a name, load reads them back. */
interface Handler {
  save(name: string, artifacts: ModelArtifacts): Promise<void> | void;
  /** Absent for downloads://, which only saves. */
  load?(name: string, source: string): Promise<Loaded> | Loaded;
}

// Literal paths, so bundlers see each handler and give it its own chunk.
const handlers: Record<Scheme, () => Promise<Handler>> = {
  localstorage: () => import('./local-storage.js'),
  indexeddb: () => import('./indexeddb.js'),
  downloads: () => import('./downloads.js'),
  file: () => import('./files.js'),
};

function splitScheme(target: string, where: string): [Scheme, string] {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(target);
  const scheme = match ? match[1].toLowerCase() : 'file';
  const name = match ? match[2] : target;
  if (scheme !== 'localstorage' && scheme !== 'indexeddb' && scheme !== 'downloads' && scheme !== 'file') {
    throw new ValueError(`${where}: unknown scheme ${describe(scheme + '://')}; expected localstorage://, indexeddb://, downloads://, file:// or a directory path`);
  }
  if (!name) throw new ValueError(`${where}: ${describe(target)} names no model`);
  return [scheme, name];
}

/** True for a WHATWG URL object (new URL(...)), which save() and loadModel() take as well as strings. */
export function isUrl(value: unknown): value is URL {
  return typeof URL === 'function' && value instanceof URL;
}

/**
 * A URL object as a target string: a file: URL as its path (percent-escapes decoded, Windows drive
 * letters kept, as Node's fileURLToPath), localstorage: and the like as written. http(s) is refused.
 */
async function fromUrl(url: URL, where: string): Promise<[Scheme, string]> {
  if (url.protocol === 'file:') {
    const { fileUrlPath } = await import('./files.js');
    return ['file', await fileUrlPath(url, where)];
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    throw new ValueError(`${where}: ${url.protocol}// URLs are not supported yet (${preview(url.href)}); fetch model.json and its weights files and pass them as [jsonBlob, ...weightBlobs], or use a folder, localstorage:// or indexeddb://`);
  }
  return splitScheme(url.href, where);
}

async function resolveTarget(target: string | URL, where: string): Promise<[Scheme, string]> {
  return isUrl(target) ? fromUrl(target, where) : splitScheme(target, where);
}

/** Writes `artifacts` to `target`: a directory path, file://, localstorage://, indexeddb:// or downloads:// + a name. */
export async function saveTo(target: string | URL, artifacts: ModelArtifacts): Promise<void> {
  const [scheme, name] = await resolveTarget(target, 'save()');
  const handler = await handlers[scheme]();
  await handler.save(name, artifacts);
}

/** Reads the artifacts `source` names (see loadModel), unchecked. */
export async function readSource(source: unknown): Promise<Loaded> {
  if (typeof source === 'string' || isUrl(source)) {
    const [scheme, name] = await resolveTarget(source, 'loadModel()');
    if (scheme === 'downloads') throw new ValueError(`loadModel(): downloads:// is for save(); load the downloaded files with loadModel([jsonFile, weightsFile])`);
    const handler = await handlers[scheme]();
    return handler.load!(name, typeof source === 'string' ? source : source.href);
  }
  if (Array.isArray(source)) return (await import('./browser-files.js')).load(source);
  if (isObject(source) && 'modelTopology' in source) {
    return { artifacts: source as unknown as Loaded['artifacts'], origin: 'artifacts' };
  }
  throw new ValueError(`loadModel(): expected artifacts { modelTopology, weightSpecs, weightData }, a path or file: URL, a localstorage:// or indexeddb:// URL, or [jsonFile, ...weightFiles], got ${describe(source)}`);
}
