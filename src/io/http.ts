// http:// and https://, as TF.js's tf.io.http: loadModel fetches model.json, then each weights
// file of its manifest at the path's URL relative to model.json's; save() sends one
// multipart/form-data request (POST unless requestInit says otherwise) holding model.json and
// model.weights.bin, the body TF.js's handler sends, so a server written for TF.js receives
// neurite's models as it receives TF.js's. What is fetched goes through the checks every other
// source does (model-json.ts, then read.ts); bodies are read no further than those checks allow.
import { NeuriteError, ShapeError, StateError, ValueError, describe } from '../errors.js';
import { isObject, preview } from './json.js';
import { MAX_MODEL_JSON_BYTES, fromModelJSON, toModelJSON } from './model-json.js';
import type { FetchFunction, HttpOptions, HttpRequestInit, Loaded, ModelArtifacts } from './types.js';
import { webApi } from './web-api.js';

/** What is read of a fetch Response. */
interface HttpResponse {
  ok: boolean;
  status: number;
  statusText?: string;
  body?: { getReader(): { read(): Promise<{ done: boolean; value?: unknown }>; cancel(): Promise<void> }; cancel(): Promise<void> } | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** The fetch to use and the request options, checked as TF.js checks them. */
function client(options: HttpOptions, where: string): { fetch: FetchFunction; init: Record<string, unknown> } {
  const { requestInit, fetchFunc } = options;
  if (requestInit !== undefined && !isObject(requestInit)) throw new ValueError(`${where}: requestInit must be an object of fetch options, got ${describe(requestInit)}`);
  if (requestInit?.body != null) throw new ValueError(`${where}: requestInit must have no body: ${where === 'save()' ? 'save() sends the model as the body' : 'loadModel() sends none'}`);
  if (fetchFunc !== undefined && typeof fetchFunc !== 'function') throw new ValueError(`${where}: fetchFunc must be a function of fetch's signature, got ${describe(fetchFunc)}`);
  const fetch = fetchFunc ?? webApi<FetchFunction>('fetch', 'http');
  return { fetch, init: { ...(requestInit as Record<string, unknown> | undefined) } };
}

/**
 * One request; `what` names it in errors ("loadModel() <url>"). No answer is a StateError; an
 * answer other than 2xx names its status: a ValueError for 4xx (the URL or the request is wrong),
 * a StateError otherwise (the server failed).
 */
async function request(fetch: FetchFunction, url: string, init: Record<string, unknown>, what: string): Promise<HttpResponse> {
  let response: HttpResponse;
  try {
    // globalThis.fetch must be called on globalThis (a browser refuses another `this`).
    response = await fetch.call(globalThis, url, init as HttpRequestInit) as unknown as HttpResponse;
  } catch (err) {
    if (err instanceof NeuriteError) throw err;
    throw new StateError(`${what}: the request failed: ${reason(err)}`, { cause: err });
  }
  if (!isObject(response) || typeof response.ok !== 'boolean' || typeof response.status !== 'number' || typeof response.arrayBuffer !== 'function') {
    throw new ValueError(`${what}: fetchFunc answered ${describe(response)}, not a Response`);
  }
  if (!response.ok) {
    await discard(response);
    const Type = response.status >= 400 && response.status < 500 ? ValueError : StateError;
    throw new Type(`${what}: the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  }
  return response;
}

/** An error's message, with the code of its cause (Node's fetch says "fetch failed", the cause ECONNREFUSED). */
function reason(err: unknown): string {
  const message = err instanceof Error ? err.message : describe(err);
  const code = err instanceof Error && isObject(err.cause) ? err.cause.code : undefined;
  return typeof code === 'string' ? `${message} (${code})` : message;
}

/** Lets the connection go without reading the body. */
async function discard(response: HttpResponse): Promise<void> {
  await Promise.resolve(response.body?.cancel?.()).catch(() => undefined);
}

/** The body, read no further than maxBytes: past them, tooBig() is thrown and the rest is not read. */
async function readBody(response: HttpResponse, maxBytes: number, tooBig: () => NeuriteError, what: string): Promise<Uint8Array> {
  try {
    const reader = response.body && typeof response.body.getReader === 'function' ? response.body.getReader() : undefined;
    if (!reader) {
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (bytes.byteLength > maxBytes) throw tooBig();
      return bytes;
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!ArrayBuffer.isView(value)) throw new ValueError(`${what}: the response body gave ${describe(value)}, not bytes`);
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooBig();
      }
      chunks.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    }
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return bytes;
  } catch (err) {
    if (err instanceof NeuriteError) throw err;
    throw new StateError(`${what}: reading the response failed: ${reason(err)}`, { cause: err });
  }
}

/**
 * Where a weights path of the manifest is fetched from: the path as a URL relative to model.json's
 * (so 'sub/w.bin' is in a subfolder and '../w.bin' one folder up), with model.json's query string
 * when the path has none, as TF.js appends it (a token in it reaches the weights too).
 */
export function weightsUrl(path: string, modelUrl: string): URL {
  const base = new URL(modelUrl);
  const url = new URL(path, base);
  if (!url.search && base.search) url.search = base.search;
  return url;
}

export async function load(modelUrl: string, _source: string, options: HttpOptions): Promise<Loaded> {
  const { fetch, init } = client(options, 'loadModel()');
  const what = `loadModel() ${modelUrl}`;
  const response = await request(fetch, modelUrl, init, what);
  const json = await readBody(response, MAX_MODEL_JSON_BYTES, () => new ValueError(`${what}: the response has more than the ${MAX_MODEL_JSON_BYTES} bytes a model.json may have`), what);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    throw new ValueError(`${what}: the response is not UTF-8 text, so not a model.json`);
  }
  const origin = new URL(modelUrl).origin;
  const seen = new Set<string>();
  const artifacts = await fromModelJSON(text, modelUrl, async (path, maxBytes) => {
    const url = weightsUrl(path, modelUrl);
    const file = `${what}: weights file ${url.href}`;
    // A relative path stays on model.json's server, so requestInit's credentials go nowhere else.
    if (url.origin !== origin) throw new ValueError(`${what}: weights path ${preview(path)} leads to another server (${url.origin})`);
    if (seen.has(url.href)) throw new ValueError(`${what}: weightsManifest names weights file ${url.href} twice`);
    seen.add(url.href);
    const answer = await request(fetch, url.href, init, file);
    return readBody(answer, maxBytes, () => new ShapeError(`${file} has more than the ${maxBytes} bytes the weightsManifest still needs`), file);
  }, 'url');
  return { artifacts, origin: modelUrl };
}

export async function save(url: string, artifacts: ModelArtifacts, options: HttpOptions): Promise<void> {
  const { fetch, init } = client(options, 'save()');
  const Form = webApi<typeof FormData>('FormData', 'http');
  const body = new Form();
  // TF.js's field and file names (those of its releases, 4.22 included; its development branch
  // has renamed the fields model_json and model_weights_bin), and its weights path.
  body.append('model.json', new Blob([JSON.stringify(toModelJSON(artifacts, './model.weights.bin'))], { type: 'application/json' }), 'model.json');
  body.append('model.weights.bin', new Blob([artifacts.weightData], { type: 'application/octet-stream' }), 'model.weights.bin');
  const response = await request(fetch, url, { method: 'POST', ...init, body }, `save() ${url}`);
  await discard(response);
}
