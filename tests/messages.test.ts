// Error messages that name the real cause (issue #17): a monitor that is missing for want of a
// metric rather than of validation data, a callback factory passed uncalled, URL objects given to
// loadModel and save, and epochs counted the same way in DivergenceError and verbose.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ready, sequential, layers, earlyStopping, reduceLROnPlateau, loadModel, ValueError } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  await ready();
  dir = await mkdtemp(join(tmpdir(), 'neurite messages '));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const Y = [[0], [1], [1], [0]];

function model(metrics: string[] = []) {
  const m = sequential({ inputShape: [2], seed: 1 });
  m.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: metrics as never });
  return m;
}

describe('a monitor missing from the logs', () => {
  it('with validation data but no accuracy metric: says to compile the metric, not to add validation data', async () => {
    const m = model();
    const error = await m.fit(X, Y, { epochs: 2, validationData: [X, Y], callbacks: earlyStopping({ monitor: 'val_acc' }) }).catch((e) => e);
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toBe(`earlyStopping(): monitor "val_acc" is not in the logs (loss, val_loss, lr); no metrics are compiled: monitor one of the logs, or compile with metrics: ['accuracy'] to log val_acc`);
    expect(error.message).not.toMatch(/validationSplit/);
  });

  it('with other metrics compiled: lists them', async () => {
    const error = await model(['mse']).fit(X, Y, { validationSplit: 0.5, callbacks: reduceLROnPlateau({ monitor: 'val_precision' }) }).catch((e) => e);
    expect(error.message).toMatch(/monitor "val_precision" is not in the logs \(loss, mse, val_loss, val_mse, lr\); the compiled metrics log as mse: monitor one of the logs, or compile with metrics: \["precision"\]/);
  });

  it('without validation data: says to add it', async () => {
    const error = await model(['accuracy']).fit(X, Y, { callbacks: earlyStopping({ monitor: 'val_accuracy' }) }).catch((e) => e);
    expect(error.message).toMatch(/monitor "val_accuracy" is not in the logs \(loss, accuracy, acc, lr\); it needs validation data: pass validationSplit or validationData/);
  });
});

describe('a callback factory passed uncalled', () => {
  it.each([['earlyStopping', earlyStopping], ['reduceLROnPlateau', reduceLROnPlateau]] as const)('%s: says to call it', async (name, factory) => {
    const m = model(), weights = m.getWeights();
    const alone = await m.fit(X, Y, { callbacks: factory as never }).catch((e) => e);
    expect(alone).toBeInstanceOf(ValueError);
    expect(alone.message).toBe(`fit() callbacks: got the function ${name}, not a callback; call a factory to make one (${name}(), say) or pass an object of hooks, e.g. { onEpochEnd: (epoch, logs) => ... }`);
    const listed = await m.fit(X, Y, { callbacks: [{}, factory] as never }).catch((e) => e);
    expect(listed.message).toMatch(new RegExp(`^fit\\(\\) callbacks\\[1\\]: got the function ${name}, not a callback`));
    expect(m.getWeights()).toEqual(weights);
  });

  it('an anonymous function: says what a callback is', async () => {
    const error = await model().fit(X, Y, { callbacks: [() => {}] as never }).catch((e) => e);
    expect(error.message).toMatch(/got a function, not a callback; call a factory to make one \(earlyStopping\(\), say\) or pass an object of hooks/);
  });
});

describe('URL objects', () => {
  it('save() and loadModel() take a file: URL, spaces and all', async () => {
    const m = model();
    const url = pathToFileURL(join(dir, 'a model'));
    expect(url.href).toContain('a%20model');
    await m.save(url);
    const back = await loadModel(url);
    expect(back.predict(X)).toEqual(m.predict(X));
    const json = await loadModel(new URL('a%20model/model.json', pathToFileURL(dir + '/')));
    expect(json.getWeights()).toEqual(m.getWeights());
  });

  it('an http(s) URL object is fetched (tests/http.test.ts has the rest): its request goes to fetchFunc, whose answer names the URL', async () => {
    const seen: string[] = [];
    const fetchFunc = async (url: string) => {
      seen.push(url);
      return new Response('nope', { status: 404 });
    };
    const error = await loadModel(new URL('https://example.com/a%20b/model.json'), { fetchFunc }).catch((e) => e);
    expect(error).toBeInstanceOf(ValueError);
    expect(error.message).toBe('loadModel() https://example.com/a%20b/model.json: the server answered HTTP 404');
    await expect(model().save(new URL('http://example.com/upload'), { fetchFunc })).rejects.toThrow(/^save\(\) http:\/\/example.com\/upload: the server answered HTTP 404$/);
    expect(seen).toEqual(['https://example.com/a%20b/model.json', 'http://example.com/upload']);
  });

  it('a file: URL with a host is a ValueError naming it', async () => {
    await expect(loadModel(new URL('file://server/share/model.json'))).rejects.toThrow(/loadModel\(\): "file:\/\/server\/share\/model.json" is not a local file URL/);
  });
});
