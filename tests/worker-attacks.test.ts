// workerTrainer under attack: callbacks that throw, starts that fail, workers that die, data and
// options that cannot cross to the worker, and random call sequences. Every call must settle
// (resolve, or reject with a typed NeuriteError or the callback's own error), the worker must stay
// usable or be gone, and the process must stay alive and able to exit. Runs dist/worker-entry.js:
// `npm run build` first.
import { execFile } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ready, sequential, layers, optimizers, workerTrainer, NeuriteError, StateError, ValueError, type Sequential, type WorkerTrainer,
} from '../src/index.js';

beforeAll(() => ready());

const ENTRY = new URL('../dist/worker-entry.js', import.meta.url);

const trainers: WorkerTrainer[] = [];
afterEach(() => {
  for (const t of trainers.splice(0)) t.terminate();
});
async function start(m: Sequential | Parameters<typeof workerTrainer>[0] = model(), options?: Parameters<typeof workerTrainer>[1]): Promise<WorkerTrainer> {
  const trainer = await workerTrainer(m, options);
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

// No dropout: with shuffle off, a fit then depends only on weights and optimizer state, so a
// restored worker model must train on exactly as the untouched main-thread one does.
function model(seed = 3): Sequential {
  const m = sequential({ inputShape: [2], seed });
  m.add(layers.dense({ units: 8, activation: 'tanh' }));
  m.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'binaryCrossentropy' });
  return m;
}

/** Resolves when the worker thread has exited, or rejects after `ms`. */
function exited(worker: Worker, ms = 5000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker was still running after ${ms} ms`)), ms);
    worker.once('exit', (code) => { clearTimeout(timer); resolve(code); });
  });
}

describe('a callback that fails rejects fit() with its error and undoes the fit (item 4)', () => {
  const boom = () => new RangeError('boom from the callback');
  const cases: [string, (error: Error) => Record<string, unknown>][] = [
    ['onEpochEnd throws', (e) => ({ onEpochEnd: (epoch: number) => { if (epoch === 1) throw e; } })],
    ['onEpochEnd rejects', (e) => ({ onEpochEnd: async (epoch: number) => { if (epoch === 1) throw e; } })],
    ['onBatchEnd throws', (e) => ({ onBatchEnd: (batch: number) => { if (batch === 2) throw e; } })],
    ['onBatchEnd rejects later', (e) => ({ onBatchEnd: (batch: number) => (batch === 0 ? new Promise((_, reject) => setTimeout(() => reject(e), 50)) : undefined) })],
    // Thrown by the last epoch's callback, when the worker has already trained every batch.
    ['the last onEpochEnd throws', (e) => ({ onEpochEnd: (epoch: number) => { if (epoch === 4) throw e; } })],
  ];
  it('stops the worker\'s training: a fit of a million epochs whose first callback throws rejects at once', async () => {
    const { x, y } = circles(64);
    const trainer = await start();
    const error = boom();
    await expect(trainer.fit(x, y, { epochs: 1_000_000, onEpochEnd: () => { throw error; } })).rejects.toBe(error);
  });

  for (const [name, callbacks] of cases) {
    it(name, async () => {
      const { x, y } = circles(64);
      const local = model();
      const trainer = await start(local);
      const error = boom();
      await expect(trainer.fit(x, y, { epochs: 5, batchSize: 8, shuffle: false, ...callbacks(error) })).rejects.toBe(error);
      // Weights and optimizer state are as before the fit: it trains on exactly as the original.
      expect(await trainer.getWeights()).toEqual(local.getWeights());
      await trainer.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false });
      await local.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false });
      expect(await trainer.getWeights()).toEqual(local.getWeights());
    });
  }
});

describe('a failed start leaves no worker running (item 7)', () => {
  it('the process exits after workerTrainer() rejects on a bad build or corrupt artifacts', async () => {
    // A separate Node process: a leaked worker thread would keep it alive past the timeout.
    const script = `
      import { ready, sequential, layers, workerTrainer } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      await ready();
      const m = sequential({ inputShape: [2] });
      m.add(layers.dense({ units: 1 }));
      m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      const artifacts = await m.save(undefined, { includeOptimizer: true });
      const names = [];
      for (const attempt of [
        () => workerTrainer(m, { build: 'fast' }),
        () => workerTrainer({ ...artifacts, weightData: artifacts.weightData.slice(0, 4) }),
        () => workerTrainer({ ...artifacts, modelTopology: { nonsense: true } }),
      ]) await attempt().then(() => names.push('resolved'), (e) => names.push(e.name));
      console.log(names.join(' '));`;
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 15_000 }, (err, stdout) => resolve({ code: err ? (err as { code?: number }).code ?? -1 : 0, stdout }));
      child.stdin?.end();
    });
    expect(stdout.trim().split(' ')).toEqual(['ValueError', expect.stringMatching(/Error$/), expect.stringMatching(/Error$/)]);
    expect(stdout).not.toMatch(/resolved/);
    expect(code).toBe(0);
  });

  it('a worker keeps the build it loaded first: a second start asking for another one is refused', async () => {
    const worker = new Worker(ENTRY);
    await start(model(), { worker, build: 'simd' });
    const gone = exited(worker);
    await expect(workerTrainer(model(), { worker, build: 'relaxed' })).rejects.toThrow(/already loaded with the simd build|does not support relaxed SIMD/);
    await gone;
  });

  it('a worker the caller passed in is ended when the start fails (the trainer owns it)', async () => {
    const artifacts = await model().save(undefined, { includeOptimizer: true });
    const worker = new Worker(ENTRY);
    const gone = exited(worker);
    await expect(workerTrainer({ ...artifacts, weightData: artifacts.weightData.slice(0, 4) }, { worker })).rejects.toBeInstanceOf(NeuriteError);
    await gone;

    const second = new Worker(ENTRY);
    const secondGone = exited(second);
    await expect(workerTrainer(model(), { worker: second, build: 'fast' as 'simd' })).rejects.toBeInstanceOf(ValueError);
    await secondGone;
  });
});

describe('bad options and data are typed errors, always as a rejected promise (items 19, 20)', () => {
  it('rejects a worker option that is not a worker, naming it', async () => {
    for (const worker of [{}, { postMessage() {}, terminate() {} }, 5, null]) {
      await expect(workerTrainer(model(), { worker: worker as never })).rejects.toThrow(ValueError);
      await expect(workerTrainer(model(), { worker: worker as never })).rejects.toThrow(/worker must be a Worker/);
    }
  });

  it('rejects artifacts whose weights are missing or detached, or that cannot be sent, with typed errors', async () => {
    const artifacts = await model().save(undefined, { includeOptimizer: true });
    const detached = artifacts.weightData.slice(0);
    structuredClone(detached, { transfer: [detached] });
    await expect(workerTrainer({ ...artifacts, weightData: undefined as never })).rejects.toThrow(/weightData must be an ArrayBuffer/);
    await expect(workerTrainer({ ...artifacts, weightData: detached })).rejects.toBeInstanceOf(NeuriteError);
    await expect(workerTrainer({ ...artifacts, modelTopology: { f: () => 1 } as never })).rejects.toThrow(/workerTrainer\(\): model cannot be sent/);
  });

  it('rejects data that cannot be structured-cloned with a ValueError naming the argument', async () => {
    const trainer = await start();
    const { x, y } = circles(8);
    const fn = [[1, () => 2]] as unknown as number[][];
    const symbol = [[1, Symbol('s')]] as unknown as number[][];
    const proxy = new Proxy([[1, 2]], {});
    await expect(trainer.fit(fn, y)).rejects.toThrow(/fit\(\): x cannot be sent to the worker/);
    await expect(trainer.fit(x, symbol)).rejects.toThrow(/fit\(\): y cannot be sent to the worker/);
    await expect(trainer.fit(proxy, y)).rejects.toThrow(ValueError);
    await expect(trainer.fit(x, y, { validationData: [fn, y] })).rejects.toThrow(/validationData cannot be sent/);
    await expect(trainer.fit(x, y, { epochs: (() => 1) as unknown as number })).rejects.toThrow(/epochs cannot be sent/);
    await expect(trainer.predict(proxy)).rejects.toThrow(/predict\(\): x cannot be sent/);
    await expect(trainer.evaluate(x, symbol)).rejects.toThrow(/evaluate\(\): y cannot be sent/);
    // The worker is still usable afterwards.
    await expect(trainer.fit(x, y, { epochs: 1 })).resolves.toBeDefined();
  });

  it('transfer: true works on shared, duplicated and already-transferred buffers, or says why not', async () => {
    const trainer = await start();
    const { x, y } = circles(8);
    const shared = new Float32Array(new SharedArrayBuffer(x.byteLength));
    shared.set(x);
    await expect(trainer.fit(shared, y.slice(), { transfer: true })).resolves.toBeDefined();
    const same = new Float32Array([0.5, 0.5]);
    const m = sequential({ inputShape: [2] });
    m.add(layers.dense({ units: 2 }));
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const square = await start(m);
    await expect(square.fit(same, same, { transfer: true })).resolves.toBeDefined();
    await trainer.fit(x, y, { transfer: true });
    expect(x.length).toBe(0);
    await expect(trainer.fit(x, y, { transfer: true })).rejects.toThrow(ValueError);
    await expect(trainer.fit(x, y)).rejects.toThrow(/x: expected at least one row/);
    await expect(trainer.predict(x)).rejects.toThrow(/x: expected at least one row/);
  });

  it('never throws synchronously: every async method returns a promise that rejects with a typed error', async () => {
    const trainer = await start();
    const { x, y } = circles(8);
    const calls: [string, () => Promise<unknown>][] = [
      ['workerTrainer(null)', () => workerTrainer(null as never)],
      ['workerTrainer(options 5)', () => workerTrainer(model(), 5 as never)],
      ['workerTrainer(bogus option)', () => workerTrainer(model(), { bogus: 1 } as never)],
      ['fit bogus option', () => trainer.fit(x, y, { bogus: 1 } as never)],
      ['fit null config', () => trainer.fit(x, y, null as never)],
      ['fit onEpochEnd not a function', () => trainer.fit(x, y, { onEpochEnd: 3 as never })],
      ['fit transfer not a boolean', () => trainer.fit(x, y, { transfer: 'yes' as never })],
      ['predict bad x', () => trainer.predict(Symbol('x') as never)],
      ['evaluate bad y', () => trainer.evaluate(x, (() => 0) as never)],
    ];
    for (const [name, f] of calls) {
      let promise: Promise<unknown> | undefined;
      expect(() => { promise = f(); }, name).not.toThrow();
      await expect(promise, name).rejects.toBeInstanceOf(NeuriteError);
    }
    trainer.terminate();
    for (const f of [() => trainer.fit(x, y), () => trainer.predict(x), () => trainer.evaluate(x, y), () => trainer.getWeights(), () => trainer.getModel(), () => trainer.save()]) {
      let promise: Promise<unknown> | undefined;
      expect(() => { promise = f(); }).not.toThrow();
      await expect(promise).rejects.toBeInstanceOf(StateError);
    }
    expect(() => { trainer.stop(); trainer.terminate(); }).not.toThrow();
  });
});

describe('a worker that goes away rejects every pending call', () => {
  it('process.exit() inside the worker during a fit', async () => {
    // A worker that runs neurite's entry and exits 500 ms later, well inside the long fit below.
    const worker = new Worker(`import(${JSON.stringify(ENTRY.href)}); setTimeout(() => process.exit(7), 500);`, { eval: true });
    const trainer = await start(model(), { worker });
    const { x, y } = circles(32);
    await expect(trainer.fit(x, y, { epochs: 1_000_000 })).rejects.toThrow(/the worker has exited/);
    await expect(trainer.predict(x)).rejects.toBeInstanceOf(StateError);
  });

  it('the worker terminated from outside during a fit', async () => {
    const worker = new Worker(ENTRY);
    const trainer = await start(model(), { worker });
    const { x, y } = circles(200);
    const fit = trainer.fit(x, y, { epochs: 100_000, onEpochEnd: () => void worker.terminate() });
    await expect(fit).rejects.toBeInstanceOf(StateError);
    await expect(trainer.getWeights()).rejects.toBeInstanceOf(StateError);
  });

  it('stop() with nothing running changes nothing: the next fit runs every epoch', async () => {
    const trainer = await start();
    const { x, y } = circles(16);
    trainer.stop();
    await new Promise((r) => setTimeout(r, 20));
    expect((await trainer.fit(x, y, { epochs: 3 })).epoch).toEqual([0, 1, 2]);
  });
});

describe('fuzz: random call sequences on a trainer all settle', () => {
  type Step =
    | { kind: 'fit'; data: number; epochs: unknown; throwAt: number; async: boolean; extra: boolean }
    | { kind: 'predict' | 'getWeights' | 'stop' | 'terminate' | 'evaluate' };

  // Valid data, and the ways data lies: a length that changes, wrong widths, NaN, functions, Proxies.
  function data(which: number): unknown {
    const { x } = circles(2);
    let reads = 0;
    switch (which) {
      case 0: return x;
      case 1: return [[0.1, 0.2], [0.3, 0.4]];
      case 2: return { get length() { return reads++ % 2 ? 2 : 1_000_000; }, 0: [1, 2], 1: [3, 4] };
      case 3: return [[1, 2, 3]];
      case 4: return [[NaN, 1]];
      case 5: return [[1, () => 2]];
      default: return new Proxy([[1, 2]], {});
    }
  }
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('fit' as const), data: fc.oneof(fc.constantFrom(0, 1), fc.nat(6)), epochs: fc.constantFrom(2, 2, -1, '3'), throwAt: fc.integer({ min: -1, max: 2 }), async: fc.boolean(), extra: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('predict' as const, 'getWeights' as const, 'stop' as const, 'evaluate' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('terminate' as const) }) },
  );

  it('every call resolves, or rejects with a NeuriteError or the callback error, in time', async () => {
    const base = await model().save(undefined, { includeOptimizer: true });
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 10 }), async (steps) => {
        const trainer = await workerTrainer(base);
        const ours = new Error('from the callback');
        const calls: Promise<unknown>[] = [];
        for (const step of steps) {
          const y = [[0], [1]];
          let call: () => Promise<unknown> | void;
          if (step.kind === 'fit') {
            const callback = (i: number) => {
              if (i !== step.throwAt) return;
              if (step.async) return Promise.reject(ours);
              throw ours;
            };
            const config = { epochs: step.epochs as number, batchSize: 1, onEpochEnd: callback, ...(step.extra && { onBatchEnd: callback }) };
            call = () => trainer.fit(data(step.data) as number[][], y, config);
          } else if (step.kind === 'predict') call = () => trainer.predict(data(1) as number[][]);
          else if (step.kind === 'evaluate') call = () => trainer.evaluate(data(1) as number[][], y);
          else if (step.kind === 'getWeights') call = () => trainer.getWeights();
          else if (step.kind === 'stop') call = () => trainer.stop();
          else call = () => trainer.terminate();
          const result = call();
          if (result) calls.push(result);
        }
        const outcomes = await Promise.race([
          Promise.allSettled(calls),
          new Promise<'hang'>((resolve) => setTimeout(() => resolve('hang'), 5000)),
        ]);
        expect(outcomes).not.toBe('hang');
        for (const o of outcomes as PromiseSettledResult<unknown>[]) {
          if (o.status === 'rejected' && o.reason !== ours) expect(o.reason).toBeInstanceOf(NeuriteError);
        }
        // Still answering, unless it was terminated.
        const weights = trainer.getWeights();
        if (steps.some((s) => s.kind === 'terminate')) await expect(weights).rejects.toBeInstanceOf(StateError);
        else expect((await weights).length).toBe(4);
        trainer.terminate();
      }),
      // Seeded and bounded as in tests/fuzz.test.ts (NEURITE_FUZZ_SCALE / NEURITE_FUZZ_SEED for more).
      { numRuns: Math.round(25 * Number(process.env.NEURITE_FUZZ_SCALE ?? 1)), seed: Number(process.env.NEURITE_FUZZ_SEED ?? 20261202), timeout: 10_000 },
    );
    expect(process.exitCode ?? 0).toBe(0);
  }, 30_000);
});
