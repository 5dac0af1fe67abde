// workerTrainer(): fit() in a worker_threads thread gives exactly the weights fit() gives on the
// main thread, streams progress, stops on request, and reports typed errors. The worker runs
// dist/worker-entry.js, so this runs after `npm run build` (npm test's pretest does it).
import { Worker } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ready, sequential, layers, optimizers, workerTrainer, DivergenceError, NeuriteError, ShapeError, StateError, ValueError, type Sequential, type WorkerTrainer, type WorkerTrainerOptions } from '../src/index.js';
import { deserialize, serialize } from '../src/worker-protocol.js';

beforeAll(() => ready());

const trainers: WorkerTrainer[] = [];
afterEach(() => {
  for (const t of trainers.splice(0)) t.terminate();
});
async function start(model: Sequential, options?: WorkerTrainerOptions): Promise<WorkerTrainer> {
  const trainer = await workerTrainer(model, options);
  trainers.push(trainer);
  return trainer;
}

function circles(rows: number): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(rows * 2), y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const r = i % 2 ? 0.4 : 0.9, a = (i * 2.399963) % (2 * Math.PI);
    x[2 * i] = r * Math.cos(a);
    x[2 * i + 1] = r * Math.sin(a);
    y[i] = i % 2;
  }
  return { x, y };
}

function model(seed = 3): Sequential {
  const m = sequential({ inputShape: [2], seed });
  m.add(layers.dense({ units: 16, activation: 'tanh' }));
  m.add(layers.dropout({ rate: 0.1 }));
  m.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return m;
}

describe('workerTrainer in Node worker_threads', () => {
  it('trains to exactly the weights of the same fit on the main thread, streaming epoch logs', async () => {
    const { x, y } = circles(200);
    const local = model();
    const trainer = await start(local);
    const epochs: number[] = [];
    const history = await trainer.fit(x, y, { epochs: 20, batchSize: 16, onEpochEnd: (e, logs) => { epochs.push(e); expect(logs.loss).toBeGreaterThan(0); } });
    expect(epochs).toEqual([...Array(20).keys()]);
    expect(x.length).toBe(400); // copied, not transferred: the caller's arrays are intact

    const expected = await local.fit(x, y, { epochs: 20, batchSize: 16 });
    expect(history.history.loss).toEqual(expected.history.loss);
    expect(await trainer.getWeights()).toEqual(local.getWeights());
    expect(history.history.loss.at(-1)).toBeLessThan(history.history.loss[0] * 0.8);

    // getModel() brings the trained model back with its optimizer state: training goes on identically.
    const back = await trainer.getModel();
    expect(back.predict(x)).toEqual(await trainer.predict(x));
    expect(await trainer.evaluate(x, y)).toEqual(back.evaluate(x, y));
    await back.fit(x, y, { epochs: 2, batchSize: 16 });
    await local.fit(x, y, { epochs: 2, batchSize: 16 });
    expect(back.getWeights()).toEqual(local.getWeights());
  });

  it('classWeight, sampleWeight and weighted validationData train in the worker exactly as fit() here', async () => {
    const { x, y } = circles(120);
    const sampleWeight = Float32Array.from({ length: 120 }, (_, i) => 0.5 + (i % 4) / 2);
    const valWeight = Float32Array.from({ length: 20 }, (_, i) => 1 + (i % 3));
    const options = { epochs: 4, batchSize: 16, classWeight: { 0: 1, 1: 3 }, sampleWeight, validationData: [x.subarray(0, 40), y.subarray(0, 20), valWeight] as const };
    const trainer = await start(model(5));
    const history = await trainer.fit(x, y, options);
    expect(sampleWeight.length).toBe(120); // copied, not transferred
    const local = model(5);
    const expected = await local.fit(x, y, options);
    expect(history.history).toEqual(expected.history);
    expect(await trainer.getWeights()).toEqual(local.getWeights());
    // The weights change what is learned: without them the same fit ends elsewhere.
    const plain = model(5);
    await plain.fit(x, y, { epochs: 4, batchSize: 16 });
    expect(plain.getWeights()).not.toEqual(local.getWeights());
    // A bad weight is the worker's typed error, as fit()'s here.
    await expect(trainer.fit(x, y, { classWeight: { 0: -1, 1: 1 } })).rejects.toThrow(ValueError);
  });

  it('streams batch logs, and transfers the data without a copy when asked', async () => {
    const { x, y } = circles(64);
    const trainer = await start(model());
    const batches: number[] = [];
    await trainer.fit(x, y, { epochs: 1, batchSize: 16, transfer: true, onBatchEnd: (b) => batches.push(b) });
    expect(batches).toEqual([0, 1, 2, 3]);
    expect(x.length).toBe(0); // the buffers moved to the worker
    expect(y.length).toBe(0);
  });

  it('stop() ends a long fit early while the main thread keeps running timers', async () => {
    const { x, y } = circles(2000);
    const trainer = await start(model());
    // The main thread stops the fit from a timer after 400 ms; meanwhile a 10 ms interval ticks.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    setTimeout(() => trainer.stop(), 400);
    const history = await trainer.fit(x, y, { epochs: 1_000_000, batchSize: 8 });
    clearInterval(timer);
    expect(history.epoch.length).toBeGreaterThan(0);
    expect(history.epoch.length).toBeLessThan(1_000_000);
    expect(ticks).toBeGreaterThan(15);
  });

  it('reports typed errors from the worker, and refuses an uncompiled model', async () => {
    const trainer = await start(model());
    await expect(trainer.fit(new Float32Array(9), new Float32Array(3))).rejects.toBeInstanceOf(ShapeError);
    // The worker is still usable after an error.
    const { x, y } = circles(32);
    await expect(trainer.fit(x, y, { epochs: 1 })).resolves.toBeDefined();
    trainer.terminate();
    await expect(trainer.predict(x)).rejects.toBeInstanceOf(StateError);

    const bare = sequential({ inputShape: [2] });
    bare.add(layers.dense({ units: 1 }));
    await expect(workerTrainer(bare)).rejects.toBeInstanceOf(StateError);
  });

  it('rebuilds a DivergenceError from the worker as a DivergenceError with the epoch, batch and loss of the same fit here', async () => {
    const diverging = () => {
      const m = sequential({ inputShape: [2], seed: 5 });
      m.add(layers.dense({ units: 4, activation: 'relu' }));
      m.add(layers.dense({ units: 1 }));
      m.compile({ optimizer: optimizers.sgd({ learningRate: 1e20 }), loss: 'meanSquaredError' });
      return m;
    };
    const { x, y } = circles(64);
    const here = await diverging().fit(x, y, { epochs: 5, batchSize: 8 }).then(() => undefined, (e: unknown) => e);
    expect(here).toBeInstanceOf(DivergenceError);
    const trainer = await start(diverging());
    const there = await trainer.fit(x, y, { epochs: 5, batchSize: 8 }).then(() => undefined, (e: unknown) => e);
    expect(there).toBeInstanceOf(DivergenceError);
    const { epoch, batch, loss } = here as DivergenceError;
    expect(there).toMatchObject({ name: 'DivergenceError', message: (here as Error).message, epoch, batch });
    expect((there as DivergenceError).loss).toBe(loss);
    expect(Number.isInteger(epoch) && Number.isInteger(batch)).toBe(true);
  });

  it('serializes errors by name and fields, and rebuilds every class (unknown names as an Error carrying the name)', () => {
    for (const Class of [NeuriteError, ShapeError, ValueError, StateError]) {
      const back = deserialize(structuredClone(serialize(new Class('m'))));
      expect(back).toBeInstanceOf(Class);
      expect(back.constructor).toBe(Class);
      expect(back.name).toBe(Class.name);
    }
    expect(deserialize(serialize(new TypeError('t')))).toBeInstanceOf(TypeError);
    const odd = Object.assign(new Error('x'), { name: 'WeirdError', code: 7, nested: { a: 1 } });
    const back = deserialize(structuredClone(serialize(odd)));
    expect(back).toMatchObject({ name: 'WeirdError', message: 'x', code: 7 });
    expect(back).not.toHaveProperty('nested');
    // Names are data: one that is an Object.prototype key is not looked up there.
    expect(deserialize({ name: 'toString', message: 'y', fields: { __proto__: 1 } as never })).toMatchObject({ name: 'toString', message: 'y' });
    expect(deserialize({ name: 'constructor', message: 'z' }).constructor).toBe(Error);
  });

  it('the wasm option tells the worker where its core is (a URL, or bytes), and a bad one is a ValueError', async () => {
    const { readFile } = await import('node:fs/promises');
    // A URL where there is no core: the worker's ready() fails, and so does workerTrainer (no worker is left).
    await expect(workerTrainer(model(), { build: 'simd', wasm: new URL('../dist/nowhere.wasm', import.meta.url) }))
      .rejects.toThrow(/cannot read the Wasm core at \/.*dist\/nowhere\.wasm \(ENOENT\), the wasm given/);
    await expect(workerTrainer(model(), { wasm: 42 as never })).rejects.toThrow(ValueError);
    // The bytes of the plain SIMD build: the worker trains on them.
    const bytes = await readFile(new URL('../dist/neurite.wasm', import.meta.url));
    const trainer = await start(model(), { build: 'simd', wasm: bytes });
    const { x, y } = circles(32);
    expect((await trainer.fit(x, y, { epochs: 2 })).epoch).toEqual([0, 1]);
  });

  it('uses a worker the caller started on the neurite/worker entry', async () => {
    const worker = new Worker(new URL('../dist/worker-entry.js', import.meta.url));
    const trainer = await workerTrainer(model(), { worker });
    trainers.push(trainer);
    const { x, y } = circles(32);
    const history = await trainer.fit(x, y, { epochs: 2 });
    expect(history.epoch).toEqual([0, 1]);
  });
});
