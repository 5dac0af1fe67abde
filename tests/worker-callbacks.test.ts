// workerTrainer fit() with callbacks and verbose, as model.fit() takes them: earlyStopping and
// reduceLROnPlateau run in the worker and give exactly the history and weights they give on the
// main thread; other callbacks' hooks run here with the same logs, in the same order. And an idle
// trainer never keeps Node running. The worker runs dist/worker-entry.js (built by `npm run build`).
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ready, sequential, layers, optimizers, workerTrainer, earlyStopping, reduceLROnPlateau, ValueError, type Sequential, type WorkerTrainer,
} from '../src/index.js';

beforeAll(() => ready());

const trainers: WorkerTrainer[] = [];
afterEach(() => {
  for (const t of trainers.splice(0)) t.terminate();
});

function data(rows: number) {
  const x = new Float32Array(rows * 2), y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const r = i % 2 ? 0.4 : 0.9, a = (i * 2.399963) % (2 * Math.PI);
    x[2 * i] = r * Math.cos(a);
    x[2 * i + 1] = r * Math.sin(a);
    y[i] = i % 2;
  }
  return { x, y };
}

function model(learningRate: number): Sequential {
  const m = sequential({ inputShape: [2], seed: 3 });
  m.add(layers.dense({ units: 8, activation: 'tanh' }));
  m.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  m.compile({ optimizer: optimizers.adam({ learningRate }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return m;
}

async function trainerFor(m: Sequential, worker?: Worker): Promise<WorkerTrainer> {
  const trainer = await workerTrainer(m, worker ? { worker } : {});
  trainers.push(trainer);
  return trainer;
}

describe('built-in callbacks run in the worker', () => {
  it('earlyStopping (with restoreBestWeights) and reduceLROnPlateau give the history and weights they give on the main thread', async () => {
    const { x, y } = data(120);
    // A rate this large makes val_loss stall again and again: the rate is cut many times, and
    // training stops before 60 epochs.
    const local = model(1), trainer = await trainerFor(local);
    const callbacks = () => [reduceLROnPlateau({ patience: 1, factor: 0.5 }), earlyStopping({ patience: 3, restoreBestWeights: true })];
    const config = { epochs: 60, batchSize: 16, validationSplit: 0.25 };
    const given = callbacks();
    const remote = await trainer.fit(x, y, { ...config, callbacks: given });
    const here = await local.fit(x, y, { ...config, callbacks: callbacks() });
    expect(here.epoch.length).toBeLessThan(60); // earlyStopping did stop it
    expect(new Set(here.history.lr).size).toBeGreaterThan(1); // and the rate was cut
    expect(remote).toEqual(here);
    expect(await trainer.getWeights()).toEqual(local.getWeights());
  });

  it('the same callback objects can be reused: the worker builds its own from their options', async () => {
    const { x, y } = data(60);
    const trainer = await trainerFor(model(0.3));
    const stop = earlyStopping({ monitor: 'loss', patience: 0, baseline: 0 }); // nothing beats 0: stops after one epoch
    expect((await trainer.fit(x, y, { epochs: 5, callbacks: stop })).epoch).toEqual([0]);
    expect((await trainer.fit(x, y, { epochs: 5, callbacks: [stop] })).epoch).toEqual([0]);
  });
});

describe('other callbacks run on this thread', () => {
  it('every hook is called in the order and with the logs model.fit() gives', async () => {
    const { x, y } = data(40);
    const local = model(0.05), trainer = await trainerFor(local);
    const recorder = (events: unknown[]) => ({
      onTrainBegin: (logs: object) => { events.push(['trainBegin', { ...logs }]); },
      onEpochBegin: (epoch: number, logs: object) => { events.push(['epochBegin', epoch, { ...logs }]); },
      onBatchBegin: (batch: number, logs: object) => { events.push(['batchBegin', batch, { ...logs }]); },
      onBatchEnd: (batch: number, logs: object) => { events.push(['batchEnd', batch, { ...logs }]); },
      onEpochEnd: (epoch: number, logs: object) => { events.push(['epochEnd', epoch, { ...logs }]); },
      onTrainEnd: async (logs: object) => { await new Promise((r) => setTimeout(r, 20)); events.push(['trainEnd', { ...logs }]); },
    });
    const remote: unknown[] = [], here: unknown[] = [];
    const config = { epochs: 3, batchSize: 16, validationSplit: 0.25 };
    await trainer.fit(x, y, { ...config, callbacks: [recorder(remote), earlyStopping({ patience: 9 })] });
    await local.fit(x, y, { ...config, callbacks: [recorder(here), earlyStopping({ patience: 9 })] });
    expect(here).toHaveLength(1 + 3 * (1 + 2 * 2 + 1) + 1);
    expect(remote).toEqual(here); // onTrainEnd included: fit() resolved after it settled
  });

  it('a callback with setModel, or a factory passed uncalled, is a ValueError, and the worker trains on', async () => {
    const { x, y } = data(20);
    const trainer = await trainerFor(model(0.05));
    const before = await trainer.getWeights();
    await expect(trainer.fit(x, y, { callbacks: [{ setModel: () => {} }] })).rejects.toThrow(/^workerTrainer fit\(\): callbacks\[0\]\.setModel: the model is in the worker/);
    await expect(trainer.fit(x, y, { callbacks: earlyStopping as never })).rejects.toThrow(/^workerTrainer fit\(\) callbacks: got the function earlyStopping, not a callback; call a factory/);
    await expect(trainer.fit(x, y, { callbacks: [{ onEpochEnd: 3 as never }] })).rejects.toThrow(ValueError);
    expect(await trainer.getWeights()).toEqual(before);
    expect((await trainer.fit(x, y, { epochs: 2 })).epoch).toEqual([0, 1]);
  });
});

describe('verbose', () => {
  it('verbose: 1 prints one line per epoch from the worker', async () => {
    const worker = new Worker(new URL('../dist/worker-entry.js', import.meta.url), { stdout: true });
    let out = '';
    worker.stdout.on('data', (chunk) => { out += chunk; });
    const { x, y } = data(20);
    const trainer = await trainerFor(model(0.05), worker);
    const history = await trainer.fit(x, y, { epochs: 3, verbose: 1 });
    await new Promise((r) => setTimeout(r, 100)); // the worker's stdout arrives as a stream
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(`^Epoch ${i + 1}/3 - \\d+ms - loss: ${history.history.loss[i].toPrecision(4)} - `)));
  });

  it('verbose: 2 prints the same lines (a worker has no terminal for a bar), and verbose: 3 is a ValueError', async () => {
    const worker = new Worker(new URL('../dist/worker-entry.js', import.meta.url), { stdout: true });
    let out = '';
    worker.stdout.on('data', (chunk) => { out += chunk; });
    const { x, y } = data(20);
    const trainer = await trainerFor(model(0.05), worker);
    await expect(trainer.fit(x, y, { epochs: 1, verbose: 3 as never })).rejects.toThrow(/verbose must be 0 \(silent\), 1 .* or 2 \(a line per epoch\), got 3$/);
    await expect(trainer.fit(x, y, { epochs: 1, verbose: 3 as never })).rejects.toThrow(ValueError);
    const history = await trainer.fit(x, y, { epochs: 2, verbose: 2 });
    await new Promise((r) => setTimeout(r, 100));
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(2);
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(`^Epoch ${i + 1}/2 - \\d+ms - loss: ${history.history.loss[i].toPrecision(4)} - `)));
  });
});

describe('Node exits with an idle trainer', () => {
  it('a script that trains in a worker and never calls terminate() ends once the fit is done', async () => {
    const index = new URL('../dist/index.js', import.meta.url).href;
    const script = `
      import { ready, sequential, layers, workerTrainer } from ${JSON.stringify(index)};
      await ready();
      const m = sequential({ inputShape: [1], seed: 1 });
      m.add(layers.dense({ units: 1 }));
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      const trainer = await workerTrainer(m);
      // Not awaited: the pending fit alone must keep the process alive until it resolves.
      trainer.fit([[0], [1], [2]], [[1], [3], [5]], { epochs: 3, callbacks: { onEpochEnd: async () => {} } })
        .then((h) => console.log('trained', h.epoch.length));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    const code = await new Promise<number | string>((resolve) => {
      const timer = setTimeout(() => { child.kill(); resolve('still running after 20 s'); }, 20_000);
      child.on('exit', (c) => { clearTimeout(timer); resolve(c ?? 'killed'); });
    });
    expect({ code, out: out.trim(), err }).toEqual({ code: 0, out: 'trained 3', err: '' });
  }, 30_000);
});
