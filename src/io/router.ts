// Where artifacts go to and come from: picks the storage handler by the target's scheme and loads
// it with import() when first used, so bundlers split each handler into a chunk of its own that an
// app downloads only if it saves or loads that way.
import { ValueError, checkKeys, describe } from '../errors.js';
import { isObject, preview } from './json.js';
import type { HttpOptions, Loaded, LoadOptions, ModelArtifacts } from './types.js';

/** 'http' serves http:// and https:// alike. */
type Scheme = 'localstorage' | 'indexeddb' | 'downloads' | 'file' | 'http';

/** A storage handler module: save writes artifacts under a name, load reads them back. */
interface Handler {
  save(name: string, artifacts: ModelArtifacts, options: HttpOptions): Promise<void> | void;
  /** Absent for downloads://, which only saves. */
  load?(name: string, source: string, options: HttpOptions): Promise<Loaded> | Loaded;
}

// Literal paths, so bundlers see each handler and give it its own chunk.
const handlers: Record<Scheme, () => Promise<Handler>> = {
  localstorage: () => import('./local-storage.js'),
  indexeddb: () => import('./indexeddb.js'),
  downloads: () => import('./downloads.js'),
  file: () => import('./files.js'),
  http: () => import('./http.js'),
};

const SCHEMES = 'localstorage://, indexeddb://, downloads://, http://, https://, file:// or a directory path';

function splitScheme(target: string, where: string): [Scheme, string] {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(target);
  const scheme = match ? match[1].toLowerCase() : 'file';
  const name = match ? match[2] : target;
  if (scheme === 'http' || scheme === 'https') return ['http', httpUrl(target, where)];
  if (scheme !== 'localstorage' && scheme !== 'indexeddb' && scheme !== 'downloads' && scheme !== 'file') {
    throw new ValueError(`${where}: unknown scheme ${describe(scheme + '://')}; expected ${SCHEMES}`);
  }
  if (!name) throw new ValueError(`${where}: ${describe(target)} names no model`);
  return [scheme, name];
}

/** An http(s) URL, parsed and checked: the handler gets it whole, as its href. */
function httpUrl(target: string, where: string): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new ValueError(`${where}: ${preview(target)} is not a valid URL`);
  }
  // fetch refuses them, and an error message would show them: they belong in requestInit's headers.
  if (url.username || url.password) throw new ValueError(`${where}: ${url.protocol}// URL ${preview(url.host + url.pathname)} holds a user name or password; send credentials in requestInit.headers (Authorization) instead`);
  return url.href;
}

/** True for a WHATWG URL object (new URL(...)), which save() and loadModel() take as well as strings. */
export function isUrl(value: unknown): value is URL {
  return typeof URL === 'function' && value instanceof URL;
}

/**
 * A URL object as a target string: a file: URL as its path (percent-escapes decoded, Windows drive
 * letters kept, as Node's fileURLToPath), http(s): and localstorage: and the like as written.
 */
async function fromUrl(url: URL, where: string): Promise<[Scheme, string]> {
  if (url.protocol === 'file:') {
    const { fileUrlPath } = await import('./files.js');
    return ['file', await fileUrlPath(url, where)];
  }
  return splitScheme(url.href, where);
}

async function resolveTarget(target: string | URL, where: string): Promise<[Scheme, string]> {
  return isUrl(target) ? fromUrl(target, where) : splitScheme(target, where);
}

/** requestInit and fetchFunc, which only http(s) targets take. */
function httpOptions(options: HttpOptions, scheme: Scheme | undefined, target: unknown, where: string): HttpOptions {
  const { requestInit, fetchFunc } = options;
  if (scheme !== 'http' && (requestInit !== undefined || fetchFunc !== undefined)) {
    const given = [requestInit !== undefined && 'requestInit', fetchFunc !== undefined && 'fetchFunc'].filter(Boolean);
    throw new ValueError(`${where}: ${given.join(' and ')} ${given.length > 1 ? 'are options' : 'is an option'} of http:// and https:// URLs only, not of ${typeof target === 'string' || isUrl(target) ? preview(String(target)) : describe(target)}`);
  }
  return { requestInit, fetchFunc };
}

/** Writes `artifacts` to `target`: a directory path, file://, http(s)://, localstorage://, indexeddb:// or downloads:// + a name. */
export async function saveTo(target: string | URL, artifacts: ModelArtifacts, options: HttpOptions = {}): Promise<void> {
  const [scheme, name] = await resolveTarget(target, 'save()');
  const http = httpOptions(options, scheme, target, 'save()');
  const handler = await handlers[scheme]();
  await handler.save(name, artifacts, http);
}

/** Reads the artifacts `source` names (see loadModel), unchecked. */
export async function readSource(source: unknown, options: LoadOptions = {}): Promise<Loaded> {
  checkKeys(options, ['requestInit', 'fetchFunc'], 'loadModel()');
  if (typeof source === 'string' || isUrl(source)) {
    const [scheme, name] = await resolveTarget(source, 'loadModel()');
    const http = httpOptions(options, scheme, source, 'loadModel()');
    if (scheme === 'downloads') throw new ValueError(`loadModel(): downloads:// is for save(); load the downloaded files with loadModel([jsonFile, weightsFile])`);
    const handler = await handlers[scheme]();
    return handler.load!(name, typeof source === 'string' ? source : source.href, http);
  }
  httpOptions(options, undefined, source, 'loadModel()');
  if (Array.isArray(source)) return (await import('./browser-files.js')).load(source);
  if (isObject(source) && 'modelTopology' in source) {
    return { artifacts: source as unknown as Loaded['artifacts'], origin: 'artifacts' };
  }
  throw new ValueError(`loadModel(): expected artifacts { modelTopology, weightSpecs, weightData }, a path or file: URL, an http(s):// URL of model.json, a localstorage:// or indexeddb:// URL, or [jsonFile, ...weightFiles], got ${describe(source)}`);
}
