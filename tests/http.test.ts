// loadModel('http(s)://…/model.json') and save('http(s)://…'), against a real node:http server on
// 127.0.0.1: a model served from a saved folder loads with the same predictions; a model saved over
// http arrives as TF.js's multipart body and loads back bitwise; TF.js reads what neurite sends and
// neurite reads what TF.js's tf.io.http sends; a missing, failing, HTML or truncated file is a typed
// error naming the URL; weights paths resolve as URLs relative to model.json; a failed save rejects
// and changes nothing.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tf, tfjsCpu } from './tfjs-cpu.js';
import { bits, expectBitwise, expectClose, uniformRows } from './close.js';
import {
  ready, sequential, layers, loadModel, optimizers, ShapeError, StateError, ValueError, type Sequential,
} from '../src/index.js';

// ---------------------------------------------------------------------------------------------
// The server: static files from `files` (path → bytes), or what `route` answers first.

interface Logged { method: string; path: string; search: string; headers: IncomingMessage['headers'] }
interface Answer { status?: number; headers?: Record<string, string>; body?: Uint8Array | string }

let server: Server;
let base: string;
let dir: string;
const files = new Map<string, Uint8Array>();
const log: Logged[] = [];
let route: ((req: IncomingMessage, url: URL, body: Buffer) => Promise<Answer | undefined> | Answer | undefined) | undefined;

beforeAll(async () => {
  await tfjsCpu();
  await ready();
  dir = await mkdtemp(join(tmpdir(), 'neurite-http-'));
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url!, base);
    log.push({ method: req.method!, path: url.pathname, search: url.search, headers: req.headers });
    try {
      const answer = (await route?.(req, url, Buffer.concat(chunks))) ?? (req.method === 'GET' && files.has(url.pathname)
        ? { body: files.get(url.pathname)!, headers: { 'content-type': url.pathname.endsWith('.json') ? 'application/json' : 'application/octet-stream' } }
        : { status: 404, body: 'not found' });
      res.writeHead(answer.status ?? 200, answer.headers);
      res.end(answer.body);
    } catch (err) {
      res.writeHead(599);
      res.end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
  tf.disposeVariables();
});

beforeEach(() => {
  files.clear();
  log.length = 0;
  route = undefined;
});

/** The two parts of a multipart/form-data body, parsed with the web Request API (Node ≥ 20). */
async function parts(req: IncomingMessage, body: Buffer): Promise<FormData> {
  return new Request(base, { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body }).formData();
}

/** A route that takes uploads at /upload/<name> and serves them at /models/<name>/, as sent. */
function receiveUploads(received: Map<string, { form: FormData; method: string; headers: IncomingMessage['headers'] }>) {
  return async (req: IncomingMessage, url: URL, body: Buffer): Promise<Answer | undefined> => {
    if (!url.pathname.startsWith('/upload/')) return undefined;
    const name = url.pathname.slice('/upload/'.length);
    const form = await parts(req, body);
    received.set(name, { form, method: req.method!, headers: req.headers });
    for (const value of form.values()) {
      if (typeof value !== 'string') files.set(`/models/${name}/${value.name}`, new Uint8Array(await value.arrayBuffer()));
    }
    return { status: 200, body: JSON.stringify({ saved: name }), headers: { 'content-type': 'application/json' } };
  };
}

// ---------------------------------------------------------------------------------------------
// Models and data

const X = uniformRows(1, 12, 4);

function smallModel(seed = 3): Sequential {
  return sequential({
    inputShape: [4], seed,
    layers: [layers.dense({ units: 6, activation: 'relu' }), layers.dropout({ rate: 0.2 }), layers.dense({ units: 5, activation: 'tanh' }), layers.dense({ units: 3, activation: 'softmax' })],
  });
}

/** Serves a folder neurite saved (model.json + weights.bin) under `prefix`. */
async function serveSaved(model: Sequential, prefix: string): Promise<void> {
  const path = join(dir, prefix.replace(/\W/g, '_'));
  await model.save(path);
  files.set(`${prefix}/model.json`, await readFile(join(path, 'model.json')));
  files.set(`${prefix}/weights.bin`, await readFile(join(path, 'weights.bin')));
}

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

// ---------------------------------------------------------------------------------------------

describe('loading over http', () => {
  it('a folder saved with save(dir) and served over http loads with identical weights and predictions, from a string or a URL object', async () => {
    const model = smallModel();
    await serveSaved(model, '/m');
    for (const source of [`${base}/m/model.json`, new URL('/m/model.json', base)]) {
      log.length = 0;
      const loaded = await loadModel(source);
      expectBitwise(loaded.getWeights(), model.getWeights(), 'loaded weights');
      expect(bits(loaded.predict(X))).toEqual(bits(model.predict(X)));
      expect(log.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /m/model.json', 'GET /m/weights.bin']);
    }
  });

  it('requestInit goes with every request, fetchFunc replaces fetch, and model.json\'s query string reaches the weights (as in TF.js)', async () => {
    const model = smallModel(5);
    await serveSaved(model, '/private');
    // Refuses any request without the header and the token.
    route = (req, url) => (req.headers.authorization !== 'Bearer abc' || url.searchParams.get('token') !== 't1' ? { status: 403, body: 'no' } : undefined);
    const calls: string[] = [];
    const fetchFunc = (url: string, init: RequestInit) => {
      calls.push(url);
      return fetch(url, init);
    };
    const loaded = await loadModel(`${base}/private/model.json?token=t1`, { requestInit: { headers: { authorization: 'Bearer abc' } }, fetchFunc });
    expectBitwise(loaded.getWeights(), model.getWeights(), 'loaded weights');
    expect(calls).toEqual([`${base}/private/model.json?token=t1`, `${base}/private/weights.bin?token=t1`]);
    expect(log.map((r) => `${r.path}${r.search} ${r.headers.authorization}`)).toEqual(['/private/model.json?token=t1 Bearer abc', '/private/weights.bin?token=t1 Bearer abc']);
    // Without the header: the server's 403 is a ValueError naming the URL.
    await expect(loadModel(`${base}/private/model.json?token=t1`)).rejects.toThrow(ValueError);
    await expect(loadModel(`${base}/private/model.json?token=t1`)).rejects.toThrow(`loadModel() ${base}/private/model.json?token=t1: the server answered HTTP 403 Forbidden`);
  });

  it('weights paths are URLs relative to model.json: subfolders and .. resolve as URL resolution says', async () => {
    const model = smallModel(7);
    const artifacts = await model.save();
    const bytes = new Uint8Array(artifacts.weightData);
    const cut = 4 * (4 * 6 + 6); // dense_1's kernel and bias in the first file
    const manifest = [
      { paths: ['shards/part1.bin'], weights: artifacts.weightSpecs.slice(0, 2) },
      { paths: ['./../shared/./part2.bin', '../../../../../top.bin'], weights: artifacts.weightSpecs.slice(2) },
    ];
    const rest = bytes.subarray(cut);
    const { weightSpecs: _, weightData: __, ...json } = artifacts;
    files.set('/zoo/v1/model.json', new TextEncoder().encode(JSON.stringify({ ...json, weightsManifest: manifest })));
    files.set('/zoo/v1/shards/part1.bin', bytes.slice(0, cut));
    files.set('/zoo/shared/part2.bin', rest.slice(0, 40));
    files.set('/top.bin', rest.slice(40));
    const loaded = await loadModel(`${base}/zoo/v1/model.json`);
    expectBitwise(loaded.getWeights(), model.getWeights(), 'loaded weights');
    expect(log.map((r) => r.path)).toEqual(['/zoo/v1/model.json', '/zoo/v1/shards/part1.bin', '/zoo/shared/part2.bin', '/top.bin']);

    // An absolute path or a URL with a scheme or host is refused before any weights file is fetched.
    for (const [path, why] of [['/top.bin', 'it is absolute'], ['//evil.example/w.bin', 'it is absolute'], ['http://evil.example/w.bin', 'it has a URL scheme'], ['data:application/octet-stream;base64,AAAA', 'it has a URL scheme'], ['a\\b.bin', 'it holds a backslash']]) {
      log.length = 0;
      files.set('/zoo/v1/model.json', new TextEncoder().encode(JSON.stringify({ ...json, weightsManifest: [{ paths: [path], weights: artifacts.weightSpecs }] })));
      const error = await loadModel(`${base}/zoo/v1/model.json`).catch((e) => e);
      expect(error).toBeInstanceOf(ValueError);
      expect(error.message).toContain(`loadModel() ${base}/zoo/v1/model.json: weights path ${JSON.stringify(path)} must be a relative URL, but ${why}`);
      expect(log.map((r) => r.path)).toEqual(['/zoo/v1/model.json']);
    }
    // Two paths that resolve to one URL are refused.
    files.set('/zoo/v1/model.json', new TextEncoder().encode(JSON.stringify({ ...json, weightsManifest: [{ paths: ['shards/part1.bin', 'x/../shards/part1.bin'], weights: artifacts.weightSpecs }] })));
    await expect(loadModel(`${base}/zoo/v1/model.json`)).rejects.toThrow(`weightsManifest names weights file ${base}/zoo/v1/shards/part1.bin twice`);
  });
});

describe('saving over http', () => {
  it('sends TF.js\'s multipart body (model.json as the file handler writes it, model.weights.bin), and the model loads back bitwise, compiled', async () => {
    const received = new Map<string, { form: FormData; method: string; headers: IncomingMessage['headers'] }>();
    route = receiveUploads(received);
    const model = smallModel(11);
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const artifacts = await model.save(`${base}/upload/one`);
    const { form, method, headers } = received.get('one')!;
    expect(method).toBe('POST');
    expect(headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect([...form.keys()]).toEqual(['model.json', 'model.weights.bin']);
    const jsonPart = form.get('model.json') as File, weightsPart = form.get('model.weights.bin') as File;
    expect([jsonPart.name, jsonPart.type, weightsPart.name, weightsPart.type]).toEqual(['model.json', 'application/json', 'model.weights.bin', 'application/octet-stream']);
    // The JSON the file handler writes, with TF.js's weights path.
    const path = join(dir, 'saved-as-file');
    await model.save(path);
    const fileJSON = JSON.parse(await readFile(join(path, 'model.json'), 'utf8'));
    const sent = JSON.parse(await jsonPart.text());
    expect(sent).toEqual({ ...fileJSON, weightsManifest: [{ ...fileJSON.weightsManifest[0], paths: ['./model.weights.bin'] }] });
    expect(Object.keys(sent)).toEqual(expect.arrayContaining(['modelTopology', 'format', 'generatedBy', 'convertedBy', 'weightsManifest', 'trainingConfig']));
    expect(sent.trainingConfig).toEqual(artifacts.trainingConfig);
    expect(new Uint8Array(await weightsPart.arrayBuffer())).toEqual(new Uint8Array(artifacts.weightData));

    const loaded = await loadModel(`${base}/models/one/model.json`);
    expectBitwise(loaded.getWeights(), model.getWeights(), 'loaded weights');
    expect(bits(loaded.predict(X))).toEqual(bits(model.predict(X)));
    expect(loaded.optimizer?.config).toEqual(model.optimizer?.config);
  });

  it('requestInit sets the method and headers; includeOptimizer round-trips the training state', async () => {
    const received = new Map<string, { form: FormData; method: string; headers: IncomingMessage['headers'] }>();
    route = receiveUploads(received);
    const model = smallModel(13);
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const y = uniformRows(2, 12, 3).map((row) => row.map((v) => (v > 0 ? 1 : 0)));
    await model.fit(X, y, { epochs: 2, batchSize: 4 });
    await model.save(`${base}/upload/resume`, { includeOptimizer: true, requestInit: { method: 'PUT', headers: { 'x-api-key': 'k' } } });
    expect(received.get('resume')!.method).toBe('PUT');
    expect(received.get('resume')!.headers['x-api-key']).toBe('k');
    const loaded = await loadModel(`${base}/models/resume/model.json`);
    await model.fit(X, y, { epochs: 1, batchSize: 4 });
    await loaded.fit(X, y, { epochs: 1, batchSize: 4 });
    expectBitwise(loaded.getWeights(), model.getWeights(), 'loaded weights');
  });

  it('TF.js loads what neurite sent (from memory and from the URL), with the same predictions', async () => {
    const received = new Map<string, { form: FormData; method: string; headers: IncomingMessage['headers'] }>();
    route = receiveUploads(received);
    const model = smallModel(17);
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    await model.save(`${base}/upload/for-tfjs`);
    const { form } = received.get('for-tfjs')!;
    const json = JSON.parse(await (form.get('model.json') as File).text());
    const weightData = await (form.get('model.weights.bin') as File).arrayBuffer();
    const expected = model.predict(X);
    const fromMemory = await tf.loadLayersModel(tf.io.fromMemory({ ...json, weightSpecs: json.weightsManifest[0].weights, weightData }));
    const fromUrl = await tf.loadLayersModel(`${base}/models/for-tfjs/model.json`);
    for (const tfModel of [fromMemory, fromUrl]) {
      expectClose(tf.tidy(() => (tfModel.predict(tf.tensor2d(X)) as tf.Tensor).dataSync()), expected, 'TF.js predictions', 0, 1e-5);
      tfModel.dispose();
    }
  });

  it('neurite loads what TF.js\'s tf.io.http handler sends, with the same predictions', async () => {
    const received = new Map<string, { form: FormData; method: string; headers: IncomingMessage['headers'] }>();
    route = receiveUploads(received);
    const tfModel = tf.sequential({
      layers: [
        tf.layers.dense({ units: 5, inputShape: [4], activation: 'relu', biasInitializer: tf.initializers.randomNormal({ stddev: 0.1, seed: 1 }) }),
        tf.layers.dense({ units: 4, activation: 'sigmoid', biasInitializer: tf.initializers.randomNormal({ stddev: 0.1, seed: 2 }) }),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    await tfModel.save(tf.io.http(`${base}/upload/from-tfjs`));
    expect([...received.get('from-tfjs')!.form.keys()]).toEqual(['model.json', 'model.weights.bin']);
    const expected = tf.tidy(() => (tfModel.predict(tf.tensor2d(X)) as tf.Tensor).dataSync());
    const model = await loadModel(`${base}/models/from-tfjs/model.json`);
    expectClose(model.predict(X), expected, 'neurite predictions', 0, 1e-5);
    expect(log.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual(['/models/from-tfjs/model.json', '/models/from-tfjs/model.weights.bin']);
    tfModel.dispose();
  });
});

describe('failures are typed errors naming the URL', () => {
  it('404 on model.json is a ValueError', async () => {
    const error = await loadModel(`${base}/nothing/model.json`).catch((e) => e);
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toBe(`loadModel() ${base}/nothing/model.json: the server answered HTTP 404 Not Found`);
  });

  it('500 on a weights file is a StateError naming the weights URL and the status', async () => {
    await serveSaved(smallModel(), '/m');
    route = (_req, url) => (url.pathname === '/m/weights.bin' ? { status: 500, body: 'boom' } : undefined);
    const error = await loadModel(`${base}/m/model.json`).catch((e) => e);
    expect(error).toBeInstanceOf(StateError);
    expect(error.message).toBe(`loadModel() ${base}/m/model.json: weights file ${base}/m/weights.bin: the server answered HTTP 500 Internal Server Error`);
  });

  it('HTML instead of JSON is a ValueError (malformed JSON), and nothing else is fetched', async () => {
    files.set('/spa/model.json', new TextEncoder().encode('<!DOCTYPE html><html><body>app</body></html>'));
    route = (_req, url) => (url.pathname === '/spa/model.json' ? { body: files.get(url.pathname)!, headers: { 'content-type': 'text/html' } } : undefined);
    const error = await loadModel(`${base}/spa/model.json`).catch((e) => e);
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toMatch(new RegExp(`^loadModel\\(\\) ${base.replace(/\./g, '\\.')}/spa/model\\.json: malformed JSON: `));
    expect(log.map((r) => r.path)).toEqual(['/spa/model.json']);
    // JSON that is not a model.
    files.set('/spa/model.json', new TextEncoder().encode('{"hello": 1}'));
    await expect(loadModel(`${base}/spa/model.json`)).rejects.toThrow(`loadModel() ${base}/spa/model.json: not a TF.js model.json: it has no modelTopology`);
  });

  it('a truncated or oversized weights file is a ShapeError from the same check as every source, naming the URL', async () => {
    const model = smallModel();
    await serveSaved(model, '/m');
    const whole = files.get('/m/weights.bin')!;
    files.set('/m/weights.bin', whole.slice(0, whole.length - 8));
    const error = await loadModel(`${base}/m/model.json`).catch((e) => e);
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toMatch(new RegExp(`^loadModel\\(\\) ${base.replace(/\./g, '\\.')}/m/model\\.json: weight data is truncated: .* but the data has ${whole.length - 8} bytes in all`));
    // The same bytes in memory fail the same way: one validator.
    const artifacts = await model.save();
    await expect(loadModel({ ...artifacts, weightData: artifacts.weightData.slice(0, whole.length - 8) })).rejects.toThrow(/weight data is truncated/);
    // Too long: refused once the body passes what the manifest needs, without reading it all.
    files.set('/m/weights.bin', new Uint8Array(whole.length + (1 << 20)));
    const long = await loadModel(`${base}/m/model.json`).catch((e) => e);
    expect(long).toBeInstanceOf(ShapeError);
    expect(long.message).toBe(`loadModel() ${base}/m/model.json: weights file ${base}/m/weights.bin has more than the ${whole.length} bytes the weightsManifest still needs`);
  });

  it('no answer (nothing listening) is a StateError naming the URL and the cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await loadModel(`http://127.0.0.1:${port}/model.json`).catch((e) => e);
    expect(error).toBeInstanceOf(StateError);
    expect(error.message).toBe(`loadModel() http://127.0.0.1:${port}/model.json: the request failed: fetch failed (ECONNREFUSED)`);
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('bad options and URLs are ValueErrors', async () => {
    await expect(loadModel(`${base}/m/model.json`, { requestInit: { body: 'x' } })).rejects.toThrow('loadModel(): requestInit must have no body');
    await expect(loadModel(`${base}/m/model.json`, { fetchFunc: 'fetch' as never })).rejects.toThrow('loadModel(): fetchFunc must be a function');
    await expect(loadModel(`${base}/m/model.json`, { fetchFunc: async () => 'hi' as never })).rejects.toThrow(`loadModel() ${base}/m/model.json: fetchFunc answered "hi", not a Response`);
    await expect(loadModel(`${base}/m/model.json`, { credentials: 'include' } as never)).rejects.toThrow('loadModel(): unknown option "credentials"');
    await expect(loadModel(join(dir, 'x'), { requestInit: {} })).rejects.toThrow(/^loadModel\(\): requestInit is an option of http:\/\/ and https:\/\/ URLs only, not of ".*\/x"$/);
    await expect(loadModel(`http://user:pw@127.0.0.1/model.json`)).rejects.toThrow(/holds a user name or password; send credentials in requestInit\.headers/);
    expect(log).toEqual([]);
  });
});

describe('a failed save', () => {
  it('rejects (never throws synchronously) with a typed error naming the URL, and changes neither the model nor the server', async () => {
    const stored = new Map<string, Uint8Array>();
    route = (_req, url) => (url.pathname === '/full' ? { status: 507, body: 'full' } : url.pathname === '/denied' ? { status: 401, body: 'who?' } : undefined);
    const model = smallModel(19);
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const before = model.getWeights(), predictions = model.predict(X);
    const cases: [string, object, typeof ValueError | typeof StateError, string][] = [
      [`${base}/full`, {}, StateError, `save() ${base}/full: the server answered HTTP 507 Insufficient Storage`],
      [`${base}/denied`, {}, ValueError, `save() ${base}/denied: the server answered HTTP 401 Unauthorized`],
      [`${base}/full`, { requestInit: { body: 'mine' } }, ValueError, 'save(): requestInit must have no body: save() sends the model as the body'],
      [join(dir, 'folder'), { fetchFunc: fetch }, ValueError, 'save(): fetchFunc is an option of http:// and https:// URLs only'],
    ];
    for (const [target, options, Type, message] of cases) {
      let pending: Promise<unknown> | undefined;
      expect(() => { pending = model.save(target, options); }).not.toThrow();
      const error = await pending!.catch((e) => e);
      expect(error).toBeInstanceOf(Type);
      expect(error.message).toContain(message);
    }
    expectBitwise(model.getWeights(), before, 'weights kept');
    expect(bits(model.predict(X))).toEqual(bits(predictions));
    expect(files).toEqual(stored);
    expect(log.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /full', 'POST /denied']);
    // And the model still saves where it can.
    route = receiveUploads(new Map());
    await model.save(`${base}/upload/after`);
    expectBitwise((await loadModel(`${base}/models/after/model.json`)).getWeights(), before, 'weights kept');
    expect(text(files.get('/models/after/model.json'))).toContain('"paths":["./model.weights.bin"]');
  });
});
