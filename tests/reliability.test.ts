// Reliability II: one regression test per defect an adversarial review found in the core API
// (the file-system and worker ones are in serialization-attacks and worker-attacks). Each failed
// on the code before the fix; the item numbers are the issue's.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ready, sequential, layers, optimizers, initializers, activations, regularizers, losses, schedules,
  earlyStopping, reduceLROnPlateau, loadModel, wasmBuild,
  NeuriteError, ShapeError, StateError, ValueError, DivergenceError, type Sequential,
} from '../src/index.js';
import { wasm } from '../src/wasm.js';

beforeAll(() => ready());

function small(seed = 1, optimizer = optimizers.adam({ learningRate: 0.01 })): Sequential {
  const model = sequential({ inputShape: [2], seed });
  model.add(layers.dense({ units: 3, activation: 'tanh' }));
  model.add(layers.dense({ units: 1 }));
  model.compile({ optimizer, loss: 'mse' });
  return model;
}

const X = new Float32Array([0.5, -1, 1, 0.25, -0.5, 0.75, 0.2, 0.1]);
const Y = new Float32Array([1, 0, 1, 0]);

/** A Float32Array whose `length` getter lies (the engine knows its real length). */
class LyingLength extends Float32Array {
  constructor(n: number, readonly claimed: number) { super(n); }
  override get length(): number { return this.claimed; }
}

describe('sizes are checked before they are narrowed to 32 bits (items 1, 5)', () => {
  it('a 2^32-byte draw is a ValueError, not a 16-byte block, and other models are untouched', () => {
    const other = small(3);
    const weights = other.getWeights();
    const available = wasm().heap_available();
    expect(() => initializers.zeros().apply([2 ** 30 - 4])).toThrow(/more than WebAssembly's 4 GiB/);
    expect(() => initializers.zeros().apply([2 ** 16, 2 ** 16])).toThrow(ValueError);
    expect(wasm().heap_available()).toBe(available);
    expect(other.getWeights()).toEqual(weights);
    expect(other.evaluate(X, Y).loss).toBeGreaterThan(0);
  });

  it('a model too large to train is refused by compile() before anything is allocated or drawn, and stays unbuilt', () => {
    const model = sequential({ inputShape: [1], seed: 1 });
    model.add(layers.dense({ units: 150e6 }));
    const bytes = wasm().memory.buffer.byteLength, available = wasm().heap_available();
    const started = performance.now();
    expect(() => model.compile({ optimizer: 'adam', loss: 'mse' })).toThrow(/300000000 parameters need [\d.]+ GiB of Wasm memory \(weights, gradients and 2 optimizer state buffers\)/);
    // Refused by arithmetic, not by running out: nothing was drawn or grown.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(wasm().memory.buffer.byteLength).toBe(bytes);
    expect(wasm().heap_available()).toBe(available);
    // Exactly as before: still unbuilt, so layers can still be added.
    expect(() => model.add(layers.dense({ units: 1 }))).not.toThrow();
  });

  it('widths past 2^30 and batches past 2^31 − 1 are ValueErrors', () => {
    expect(() => layers.dense({ units: 2 ** 31 })).toThrow(ValueError);
    expect(() => layers.dense({ units: 2 ** 32 + 1 })).toThrow(ValueError);
    expect(() => sequential({ inputShape: [2 ** 32] })).toThrow(ValueError);
    const model = small();
    expect(() => model.predict(X, { batchSize: 2 ** 31 })).toThrow(ValueError);
  });
});

describe('user arrays are copied once and the copy is checked (items 3, 17)', () => {
  it('setWeights with a Float32Array whose length lies writes nothing past the tensor', () => {
    const model = small(1), other = small(2);
    const before = other.getWeights(), mine = model.getWeights();
    // Claims 6 values (the kernel's size) but holds a million.
    const liar = new LyingLength(1_000_000, 6).fill(7);
    expect(() => model.setWeights([liar, mine[1], mine[2], mine[3]])).toThrow(ShapeError);
    expect(model.getWeights()).toEqual(mine);
    expect(other.getWeights()).toEqual(before);
  });

  it('setWeights with an array whose values change on every read stores what it checked', () => {
    const model = small(1);
    const weights = model.getWeights();
    let reads = 0;
    const seen = new Set<string>();
    // Each index answers 0.5 the first time it is read and NaN ever after.
    const flaky = new Proxy([1, 2, 3, 4, 5, 6], {
      get: (target, key) => {
        if (typeof key !== 'string' || !/^\d+$/.test(key)) return Reflect.get(target, key);
        reads++;
        if (seen.has(key)) return Number.NaN;
        seen.add(key);
        return 0.5;
      },
    });
    // Each value is read once: a value that was finite when read is the value stored.
    model.setWeights([flaky, weights[1], weights[2], weights[3]]);
    expect(reads).toBe(6);
    expect(Array.from(model.getWeights()[0])).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  });

  it('fit, trainOnBatch, predict and evaluate measure a lying Float32Array by its real length', async () => {
    const model = small(1), other = small(2);
    const before = other.getWeights(), mine = model.getWeights();
    const x = new LyingLength(1_000_000, 8);
    expect(() => model.trainOnBatch(x, Y)).toThrow(ShapeError);
    expect(() => model.predict(new LyingLength(1_000_001, 8))).toThrow(ShapeError);
    expect(() => model.evaluate(x, Y)).toThrow(ShapeError);
    await expect(model.fit(x, Y)).rejects.toThrow(ShapeError);
    expect(model.getWeights()).toEqual(mine);
    expect(other.getWeights()).toEqual(before);
  });

  it('a getter in y that rewrites x after x was checked cannot get NaN or a bad class into Wasm', async () => {
    const model = small(1);
    const weights = model.getWeights();
    const x = X.slice();
    const y = [1, 0, 1, 0];
    Object.defineProperty(y, 3, { get: () => { x[0] = NaN; return 0; } });
    await expect(model.fit(x, y)).rejects.toThrow(/fit\(\) x: expected finite numbers, got NaN at row 0, column 0/);
    x[0] = 0.5;
    const y2 = [1, 0, 1, 0];
    Object.defineProperty(y2, 3, { get: () => { x[1] = Infinity; return 0; } });
    expect(() => model.trainOnBatch(x, y2)).toThrow(ValueError);
    expect(model.getWeights()).toEqual(weights);

    const sparse = sequential({ inputShape: [2], seed: 1 });
    sparse.add(layers.dense({ units: 3, activation: 'softmax' }));
    sparse.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const labels = new Float32Array([0, 1, 2, 1]);
    const rows = [[0, 1], [1, 0], [0.5, 0.5], [1, 1]];
    Object.defineProperty(rows, 3, { get: () => { labels[2] = 7; return [1, 1]; } });
    expect(() => sparse.trainOnBatch(rows, labels)).toThrow(/class indices, integers in \[0, 2\], got 7 at row 2/);
  });
});

describe('a failed call leaves the model exactly as it was (items 16, 18, 24)', () => {
  it('predict(garbage) and setWeights(garbage) on an unbuilt model do not build it', () => {
    for (const call of [(m: Sequential) => m.predict('garbage' as never), (m: Sequential) => m.setWeights('garbage' as never), (m: Sequential) => m.predict([[1, Number.NaN]])]) {
      const model = sequential({ inputShape: [2], seed: 1 });
      model.add(layers.dense({ units: 2 }));
      expect(() => call(model)).toThrow(NeuriteError);
      expect(() => model.add(layers.dense({ units: 1 }))).not.toThrow();
    }
  });

  it('setWeights on an unbuilt model builds it without running the initializers', () => {
    let calls = 0;
    const spy = { name: 'zeros' as const, config: {}, apply: () => { calls++; throw new Error('must not run'); } };
    const model = sequential({ inputShape: [2], seed: 1 });
    model.add(layers.dense({ units: 2, kernelInitializer: spy }));
    model.setWeights([new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6])]);
    expect(calls).toBe(0);
    expect(Array.from(model.getWeights()[0])).toEqual([1, 2, 3, 4]);
  });

  it('loadModel never draws the initial weights it would overwrite', async () => {
    const model = sequential({ inputShape: [3], seed: 1 });
    model.add(layers.dense({ units: 4, kernelInitializer: initializers.orthogonal() }));
    const artifacts = await model.save();
    const original = initializers.orthogonal;
    let draws = 0;
    const spy = vi.spyOn(initializers, 'orthogonal').mockImplementation((config) => {
      const init = original(config);
      return { ...init, apply: (shape, seed) => { draws++; return init.apply(shape, seed); } };
    });
    try {
      const loaded = await loadModel(artifacts);
      expect(spy).toHaveBeenCalled(); // the layer is rebuilt with its initializer...
      expect(draws).toBe(0); // ...which never runs
      expect(loaded.getWeights()).toEqual(model.getWeights());
    } finally {
      spy.mockRestore();
    }
  });

  it('an initializer that calls back into its model is a StateError and leaks nothing', () => {
    const available = () => wasm().heap_available();
    let model: Sequential;
    const reentrant = { name: 'zeros' as const, config: {}, apply: (shape: readonly number[]) => { model.getWeights(); return new Float32Array(shape[0] * (shape[1] ?? 1)); } };
    const start = available();
    for (let i = 0; i < 20; i++) {
      model = sequential({ inputShape: [64], seed: i });
      model.add(layers.dense({ units: 64, kernelInitializer: reentrant }));
      expect(() => model.getWeights()).toThrow(/an initializer cannot use the model it initializes/);
      expect(() => model.predict(new Float32Array(64))).toThrow(StateError);
    }
    expect(available()).toBe(start);
  });

  it('an initializer that adds layers to its model is a StateError, and the model is unchanged', () => {
    let model: Sequential;
    const adding = { name: 'zeros' as const, config: {}, apply: (shape: readonly number[]) => { model.add(layers.dense({ units: 1 })); return new Float32Array(shape[0] * (shape[1] ?? 1)); } };
    model = sequential({ inputShape: [2], seed: 1 });
    model.add(layers.dense({ units: 2, kernelInitializer: adding }));
    expect(() => model.getWeights()).toThrow(/an initializer cannot add layers/);
    expect(model.layers).toHaveLength(1);
  });

  it('a refused trainOnBatch under a schedule leaves the learning rate as it was', () => {
    const model = small(1, optimizers.adam({ learningRate: schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }) }));
    model.trainOnBatch(X, Y);
    const rate = model.learningRate;
    expect(() => model.trainOnBatch(X, new Float32Array([1, 0, 1, 1e30]))).toThrow(DivergenceError);
    expect(model.learningRate).toBe(rate);
    expect(model.getOptimizerState().step).toBe(1);
  });

  it('save() after dispose() rejects rather than throws', async () => {
    const model = small();
    model.dispose();
    let promise: Promise<unknown> | undefined;
    expect(() => { promise = model.save(); }).not.toThrow();
    await expect(promise).rejects.toThrow(StateError);
  });
});

describe('training state that lasts (items 6, 8, 14)', () => {
  it('the step count is exact past 2^31, and Adam still moves the weights there', () => {
    const model = small(1);
    model.trainOnBatch(X, Y);
    const state = model.getOptimizerState();
    model.setOptimizerState({ ...state, step: 2 ** 31 + 10 });
    const before = model.getWeights();
    model.trainOnBatch(X, Y);
    expect(model.getOptimizerState().step).toBe(2 ** 31 + 11);
    expect(model.getWeights()[0]).not.toEqual(before[0]);
    model.setOptimizerState({ ...state, step: 2 ** 52 });
    model.trainOnBatch(X, Y);
    expect(model.getOptimizerState().step).toBe(2 ** 52 + 1);
    // The count stops at 2^53, and a save there still loads.
    model.setOptimizerState({ ...state, step: 2 ** 53 });
    model.trainOnBatch(X, Y);
    expect(model.getOptimizerState().step).toBe(2 ** 53);
    expect(() => model.setOptimizerState({ ...state, step: 2 ** 53 + 2 })).toThrow(ValueError);
  });

  it('a save holding a step beyond 2^31 loads and resumes from it', async () => {
    const model = small(1);
    model.setOptimizerState({ ...model.getOptimizerState(), step: 2 ** 40 });
    const loaded = await loadModel(await model.save(undefined, { includeOptimizer: true }));
    expect(loaded.getOptimizerState().step).toBe(2 ** 40);
  });

  it('reduceLROnPlateau with minLr 0 stops at the smallest normal float32 instead of underflowing to 0', async () => {
    const model = small(1, optimizers.sgd({ learningRate: 1e-3 }));
    // mode 'max' on the loss: it never "improves", so the rate is cut every epoch (50 cuts of 10×).
    const history = await model.fit(X, Y, { epochs: 50, batchSize: 4, callbacks: reduceLROnPlateau({ monitor: 'loss', mode: 'max', patience: 0, minLr: 0 }) });
    const rates = history.history.lr;
    expect(rates.at(-1)).toBe(2 ** -126);
    expect(rates.every((r) => r > 0)).toBe(true);
    expect(() => reduceLROnPlateau({ minLr: Infinity })).toThrow(ValueError);
    expect(() => reduceLROnPlateau({ minLr: -1 })).toThrow(ValueError);
  });

  it('a schedule is read through a check every time: negative, NaN or throwing rates are ValueErrors', async () => {
    const uphill = { name: 'uphill', config: {}, at: () => -1 };
    const model = sequential({ inputShape: [2], seed: 1 });
    model.add(layers.dense({ units: 1 }));
    expect(() => model.compile({ optimizer: optimizers.sgd({ learningRate: uphill }), loss: 'mse' })).toThrow(/schedule "uphill" at step 0: the rate must be a non-negative finite number, got -1/);

    const late = { name: 'late', config: {}, at: (step: number) => (step < 3 ? 0.01 : Number.NaN) };
    model.compile({ optimizer: optimizers.sgd({ learningRate: late }), loss: 'mse' });
    const weights = model.getWeights();
    await expect(model.fit(X, Y, { epochs: 2, batchSize: 1 })).rejects.toThrow(/schedule "late" at step 3/);
    expect(model.getWeights()).toEqual(weights);
    expect(model.getOptimizerState().step).toBe(0);

    const huge = { name: 'huge', config: {}, at: () => 1e39 };
    model.compile({ optimizer: optimizers.sgd({ learningRate: schedules.constant(0.01) }), loss: 'mse' });
    expect(() => model.compile({ optimizer: optimizers.sgd({ learningRate: huge }), loss: 'mse' })).toThrow(/Infinity as the float32/);
  });
});

describe('options are checked as the float32 the core holds (items 15, 21)', () => {
  it.each([
    ['learningRate 1e39', () => optimizers.sgd({ learningRate: 1e39 })],
    ['learningRate 1e-50', () => optimizers.adam({ learningRate: 1e-50 })],
    ['epsilon 1e-46', () => optimizers.adam({ epsilon: 1e-46 })],
    ['beta1 0.99999999999', () => optimizers.adam({ beta1: 0.99999999999 })],
    ['clipNorm 1e-50', () => optimizers.sgd({ clipNorm: 1e-50 })],
    ['leakyRelu alpha 1e39', () => activations.leakyRelu({ alpha: 1e39 })],
    ['l2 1e39', () => regularizers.l2({ l2: 1e39 })],
    ['huber delta 1e-50', () => losses.huber({ delta: 1e-50 })],
    ['dropout rate 0.99999999999', () => layers.dropout({ rate: 0.99999999999 })],
    ['constant value 1e39', () => initializers.constant({ value: 1e39 })],
    ['schedule initialLearningRate 1e39', () => schedules.exponentialDecay({ initialLearningRate: 1e39, decaySteps: 1, decayRate: 0.5 })],
  ])('%s is a ValueError', (_, make) => {
    expect(make).toThrow(ValueError);
  });

  it('model.learningRate = 1e-50 is a ValueError and changes nothing', () => {
    const model = small(1, optimizers.sgd({ learningRate: 0.1 }));
    expect(() => { model.learningRate = 1e-50; }).toThrow(/0 as the float32/);
    expect(model.learningRate).toBe(0.1);
  });

  it('unknown or invalid options are errors: baselines, seeds, names', () => {
    expect(() => earlyStopping({ baseline: 'abc' as never })).toThrow(ValueError);
    expect(() => earlyStopping({ restoreBestWeights: 1 as never })).toThrow(ValueError);
    expect(() => initializers.glorotNormal().apply([2, 2], Number.NaN)).toThrow(ValueError);
    expect(() => initializers.zeros().apply(5 as never)).toThrow(ValueError);
    expect(() => layers.dense({ units: 1, name: Symbol('x') as never })).toThrow(ValueError);
    expect(() => layers.dense({ units: 1, name: '' })).toThrow(ValueError);
  });

  it('orthogonal fills a [1, 300000] kernel without spreading it onto the stack', () => {
    const w = initializers.orthogonal({ seed: 1 }).apply([1, 300_000]);
    let norm = 0;
    for (const v of w) norm += v * v;
    expect(norm).toBeCloseTo(1, 3);
  });
});

describe('what overflow inside a layer gives (item 22)', () => {
  it('predict returns what float32 arithmetic gives (here NaN) and training refuses such a step', () => {
    const model = sequential({ inputShape: [1], seed: 1 });
    model.add(layers.dense({ units: 2, useBias: false }));
    model.add(layers.dense({ units: 1, useBias: false }));
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    model.setWeights([new Float32Array([10, -10]), new Float32Array([1, 1])]);
    const weights = model.getWeights();
    // 3e38·10 = +Infinity and 3e38·(−10) = −Infinity meet in the next layer's sum.
    expect(model.predict([[3e38]])[0]).toBeNaN();
    expect(() => model.trainOnBatch([[3e38]], [[0]])).toThrow(DivergenceError);
    expect(model.getWeights()).toEqual(weights);
  });
});

it('the build under test is the one the project asks for', () => {
  expect(wasmBuild()).toBe(process.env.NEURITE_EXPECT_BUILD);
});
