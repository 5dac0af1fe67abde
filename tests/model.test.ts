import { beforeAll, describe, expect, it } from 'vitest';
import { ready, sequential, layers, optimizers, ShapeError, StateError, ValueError, NeuriteError, type Sequential } from '../src/index.js';
import { activate, lossValue, matmul, random, randomArray } from './reference.js';

beforeAll(() => ready());

const XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const XOR_Y = [[0], [1], [1], [0]];

function xorModel(seed = 1): Sequential {
  const model = sequential({ inputShape: [2], seed });
  model.add(layers.dense({ units: 8, activation: 'tanh' }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Float64 forward pass from getWeights(), independent of the Wasm one. */
function referencePredict(model: Sequential, x: Float32Array, rows: number): Float64Array {
  const ws = model.getWeights();
  let a: ArrayLike<number> = x, width = model.inputShape[0];
  model.layers.forEach((layer, i) => {
    const z = matmul(a, ws[2 * i], rows, layer.units, width);
    for (let r = 0; r < rows; r++) for (let c = 0; c < layer.units; c++) z[r * layer.units + c] += ws[2 * i + 1][c];
    a = activate(layer.activation.name, z, rows, layer.units, layer.activation.alpha);
    width = layer.units;
  });
  return a as Float64Array;
}

describe('predict and evaluate', () => {
  it('predict returns rows × units, matching an independent forward pass', () => {
    const model = sequential({ inputShape: [5], seed: 9 });
    model.add(layers.dense({ units: 7, activation: 'relu', biasInitializer: 'randomNormal' }));
    model.add(layers.dense({ units: 3, activation: 'softmax' }));
    const x = randomArray(50 * 5, random(1));
    const out = model.predict(x, { batchSize: 16 });
    expect(out).toBeInstanceOf(Float32Array);
    expect(out.length).toBe(50 * 3);
    const expected = referencePredict(model, x, 50);
    out.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('number[][] and a flat Float32Array give the same predictions', () => {
    const model = xorModel();
    expect(model.predict(XOR_X)).toEqual(model.predict(new Float32Array(XOR_X.flat())));
  });

  it('evaluate returns the loss and the metric under its compiled name', () => {
    const model = xorModel();
    const scores = model.evaluate(XOR_X, XOR_Y);
    expect(Object.keys(scores).sort()).toEqual(['acc', 'accuracy', 'loss']);
    const p = model.predict(XOR_X);
    expect(scores.loss).toBeCloseTo(lossValue('binaryCrossentropy', p, XOR_Y.flat(), 4, 1), 5);
    const right = XOR_Y.filter((y, i) => (p[i] > 0.5 ? 1 : 0) === y[0]).length;
    expect(scores.accuracy).toBe(right / 4);
  });
});

describe('weights', () => {
  it('getWeights gives [kernel, bias] per layer, kernel [inputs × units] row-major', () => {
    const model = xorModel();
    const ws = model.getWeights();
    expect(ws.map((w) => w.length)).toEqual([16, 8, 8, 1]);
    // Row-major [inputs × units]: input row (1, 0) through a linear copy of layer 1 picks kernel row 0.
    const kernel = ws[0];
    const probe = sequential({ inputShape: [2], seed: 1 });
    probe.add(layers.dense({ units: 8 }));
    probe.setWeights([kernel, new Float32Array(8)]);
    expect(Array.from(probe.predict([[1, 0]]))).toEqual(Array.from(kernel.subarray(0, 8)));
  });

  it('setWeights round-trips exactly and changes predictions', () => {
    const a = xorModel(1), b = xorModel(2);
    expect(a.predict(XOR_X)).not.toEqual(b.predict(XOR_X));
    b.setWeights(a.getWeights());
    expect(b.getWeights()).toEqual(a.getWeights());
    expect(b.predict(XOR_X)).toEqual(a.predict(XOR_X));
  });

  it('default initialization: glorotNormal kernels, zero biases, no two kernels alike', () => {
    const model = sequential({ inputShape: [100], seed: 4 });
    model.add(layers.dense({ units: 100 }));
    model.add(layers.dense({ units: 100 }));
    const [k0, b0, k1] = model.getWeights();
    expect(b0.every((v) => v === 0)).toBe(true);
    const std = Math.sqrt(k0.reduce((s, v) => s + v * v, 0) / k0.length);
    expect(std).toBeCloseTo(Math.sqrt(0.7737 * 2 / 200), 2);
    expect(k0).not.toEqual(k1);
  });

  it('useBias: false has no bias tensor', () => {
    const model = sequential({ inputShape: [3], seed: 1 });
    model.add(layers.dense({ units: 2, useBias: false }));
    expect(model.getWeights().map((w) => w.length)).toEqual([6]);
    expect(model.countParams()).toBe(6);
  });
});

describe('training', () => {
  it('trainOnBatch returns the loss before the step and lowers it', () => {
    const model = xorModel();
    const before = model.evaluate(XOR_X, XOR_Y).loss;
    const reported = model.trainOnBatch(XOR_X, XOR_Y);
    expect(reported).toBeCloseTo(before, 6);
    for (let i = 0; i < 20; i++) model.trainOnBatch(XOR_X, XOR_Y);
    expect(model.evaluate(XOR_X, XOR_Y).loss).toBeLessThan(before);
  });

  it('fit returns one history entry per epoch, with val_ keys when validating', async () => {
    const model = xorModel();
    const x = [...XOR_X, ...XOR_X], y = [...XOR_Y, ...XOR_Y];
    const history = await model.fit(x, y, { epochs: 3, batchSize: 2, validationSplit: 0.25 });
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(Object.keys(history.history).sort()).toEqual(['acc', 'accuracy', 'loss', 'lr', 'val_acc', 'val_accuracy', 'val_loss']);
    for (const series of Object.values(history.history)) expect(series).toHaveLength(3);
  });

  it("'acc' is reported as acc", async () => {
    const model = sequential({ inputShape: [2], seed: 1 });
    model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: 'acc' });
    const h = await model.fit(XOR_X, XOR_Y, { epochs: 1 });
    expect(Object.keys(h.history).sort()).toEqual(['acc', 'loss', 'lr']);
  });

  it('callbacks run in order, with logs, and stopTraining ends fit', async () => {
    const model = xorModel();
    const events: string[] = [];
    await model.fit(XOR_X, XOR_Y, {
      epochs: 10,
      batchSize: 2,
      callbacks: {
        onTrainBegin: () => { events.push('train'); },
        onEpochBegin: (e) => { events.push(`epoch${e}`); },
        onBatchEnd: (b, logs) => { events.push(`batch${b}`); expect(logs.loss).toBeGreaterThan(0); },
        onEpochEnd: (e, logs) => {
          events.push(`end${e}`);
          expect(typeof logs.loss).toBe('number');
          if (e === 1) model.stopTraining = true;
        },
        onTrainEnd: () => { events.push('done'); },
      },
    });
    expect(events).toEqual(['train', 'epoch0', 'batch0', 'batch1', 'end0', 'epoch1', 'batch0', 'batch1', 'end1', 'done']);
  });

  it('fit gives the event loop a turn once it has run 16 ms', async () => {
    const model = xorModel();
    let ran = false;
    setImmediate(() => { ran = true; });
    // The first epoch's callback takes 20 ms: the event loop gets a turn before the second epoch.
    const busy = (ms: number) => { const end = performance.now() + ms; while (performance.now() < end); };
    let ranBeforeSecond = false;
    await model.fit(XOR_X, XOR_Y, { epochs: 2, callbacks: { onEpochBegin: (epoch) => { if (epoch === 1) ranBeforeSecond = ran; }, onEpochEnd: (epoch) => { if (epoch === 0) busy(20); } } });
    expect(ranBeforeSecond).toBe(true);
  });

  it('dispose, compile and evaluate wait for a running fit; trainOnBatch follows a schedule', async () => {
    const model = xorModel();
    const refusals: string[] = [];
    await model.fit(XOR_X, XOR_Y, {
      epochs: 1,
      callbacks: { onEpochEnd: () => {
        for (const call of [() => model.dispose(), () => model.compile({ optimizer: 'sgd', loss: 'mse' }), () => model.evaluate(XOR_X, XOR_Y)]) {
          try { call(); } catch (e) { if (e instanceof StateError) refusals.push((e as Error).message.split(':')[0]); }
        }
      } },
    });
    expect(refusals).toEqual(['dispose()', 'compile()', 'evaluate()']);
    expect(model.isDisposed).toBe(false);
  });

  it('an initializer that throws leaves nothing half-built', () => {
    const model = sequential({ inputShape: [3], seed: 1 });
    model.add(layers.dense({ units: 2, kernelInitializer: 'identity', biasInitializer: 'ones' }));
    expect(() => model.predict([[1, 2, 3]])).toThrow(/square kernel/);
    expect(() => model.predict([[1, 2, 3]])).toThrow(/square kernel/);
  });

  it('a hand-made activation object cannot smuggle in another function', () => {
    const model = sequential({ inputShape: [1], seed: 1 });
    model.add(layers.dense({ units: 1, activation: { name: 'relu' } as never, kernelInitializer: 'ones' }));
    expect(Array.from(model.predict([[-5]]))).toEqual([0]);
  });

  it('same seed and data give bit-identical weights; another seed does not', async () => {
    const run = async (seed: number) => {
      const m = xorModel(seed);
      await m.fit(XOR_X, XOR_Y, { epochs: 30, batchSize: 2, shuffle: true });
      return m.getWeights();
    };
    const a = await run(7), b = await run(7), c = await run(8);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('a second fit continues training from where the first stopped', async () => {
    const model = xorModel();
    const first = await model.fit(XOR_X, XOR_Y, { epochs: 50 });
    const second = await model.fit(XOR_X, XOR_Y, { epochs: 50 });
    expect(second.history.loss[0]).toBeLessThan(first.history.loss[0]);
  });
});

describe('summary and lifecycle', () => {
  it('summary lists layers, output shapes and parameter counts', () => {
    const text = xorModel().summary();
    expect(text).toMatch(/dense_1 \(Dense\)\s+\[null,8\]\s+24/);
    expect(text).toMatch(/dense_2 \(Dense\)\s+\[null,1\]\s+9/);
    expect(text).toContain('Total params: 33');
  });

  it('a disposed model refuses every call with a StateError', () => {
    const model = xorModel();
    model.dispose();
    model.dispose();
    for (const call of [() => model.predict(XOR_X), () => model.getWeights(), () => model.summary(), () => model.trainOnBatch(XOR_X, XOR_Y)]) {
      expect(call).toThrow(StateError);
    }
  });

  it('layers cannot be added after the model is built', () => {
    const model = xorModel();
    expect(() => model.add(layers.dense({ units: 2 }))).toThrow(StateError);
  });

  it('a second fit while one is running is refused', async () => {
    const model = xorModel();
    // (A callback that waits keeps the first one running; a quick fit may end before the next line.)
    const running = model.fit(XOR_X, XOR_Y, { epochs: 5, callbacks: { onEpochEnd: () => new Promise((resolve) => setTimeout(resolve, 1)) } });
    await expect(model.fit(XOR_X, XOR_Y)).rejects.toThrow(/already fitting/);
    await running;
  });
});

describe('bad input: a typed error naming the problem, and the model still works', () => {
  const cases: [string, (m: Sequential) => unknown, typeof NeuriteError, RegExp][] = [
    ['wrong row width', (m) => m.fit([[1, 2, 3]], [[1]]), ShapeError, /fit\(\) x: expected rows of width 2, got width 3 at row 0/],
    ['flat data not a multiple of the width', (m) => m.predict(new Float32Array(3)), ShapeError, /multiple of the row width 2, got length 3/],
    ['x and y row counts differ', (m) => m.fit(XOR_X, [[1], [0]]), ShapeError, /same number of rows, got 4 rows of x and 2 rows of y/],
    ['NaN in x', (m) => m.fit([[0, NaN]], [[1]]), ValueError, /fit\(\) x: expected finite float32 numbers, got NaN at \[0\]\[1\]/],
    ['a number beyond float32', (m) => m.trainOnBatch([[1e39, 0]], [[1]]), ValueError, /trainOnBatch\(\) x: expected finite float32 numbers, got 1e\+39 at \[0\]\[0\]/],
    ['setWeights beyond float32', (m) => m.setWeights([new Float32Array(16), new Float32Array(8), [1e39, 0, 0, 0, 0, 0, 0, 0], [0]]), ValueError, /tensor 2 .* must hold finite float32 numbers, got 1e\+39 at index 0/],
    ['Infinity in y', (m) => m.trainOnBatch(XOR_X, new Float32Array([0, 1, Infinity, 0])), ValueError, /trainOnBatch\(\) y: expected finite numbers, got Infinity at row 2/],
    ['NaN in a Float32Array x (checked as it is copied)', (m) => m.trainOnBatch(new Float32Array([0, 0, 0, NaN, 1, 0, 1, 1]), XOR_Y), ValueError, /trainOnBatch\(\) x: expected finite numbers, got NaN at row 1, column 1/],
    ['-Infinity in a row to predict', (m) => m.predict(new Float32Array([1, -Infinity])), ValueError, /predict\(\) x \(from row 0\): expected finite numbers, got -Infinity at row 0, column 1/],
    ['empty data', (m) => m.fit([], []), ValueError, /fit\(\) x: expected at least one row, got an empty array/],
    ['batchSize 0', (m) => m.fit(XOR_X, XOR_Y, { batchSize: 0 }), ValueError, /batchSize: expected an integer in \[1, 2147483647\], got 0/],
    ['epochs not an integer', (m) => m.fit(XOR_X, XOR_Y, { epochs: 1.5 }), ValueError, /epochs: expected an integer/],
    ['unknown fit option', (m) => m.fit(XOR_X, XOR_Y, { epoch: 3 } as never), ValueError, /unknown option "epoch"/],
    ['not data at all', (m) => m.predict('hello' as never), ValueError, /expected number\[\]\[\] or a flat typed array \(Float32Array, Float64Array, Int32Array...\), got "hello"/],
  ];
  it.each(cases)('%s', async (_, call, type, message) => {
    const model = xorModel();
    const before = model.getWeights();
    let error: unknown;
    try { await call(model); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
    expect(model.getWeights()).toEqual(before);
    await model.fit(XOR_X, XOR_Y, { epochs: 2 });
    expect(model.predict(XOR_X).every(Number.isFinite)).toBe(true);
  });

  it('fit before compile is a StateError', async () => {
    const model = sequential({ inputShape: [2] });
    model.add(layers.dense({ units: 1 }));
    await expect(model.fit(XOR_X, XOR_Y)).rejects.toThrow(StateError);
    await expect(model.fit(XOR_X, XOR_Y)).rejects.toThrow(/must be compiled first/);
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await model.fit(XOR_X, XOR_Y);
  });

  it('unknown activation, loss and optimizer names', () => {
    expect(() => layers.dense({ units: 2, activation: 'relux' as never })).toThrow(/unknown activation "relux"; expected one of linear, relu/);
    const model = sequential({ inputShape: [2] });
    model.add(layers.dense({ units: 1 }));
    expect(() => model.compile({ optimizer: 'sgd', loss: 'meanSqueredError' as never })).toThrow(/compile\(\) loss: unknown loss "meanSqueredError"/);
    expect(() => model.compile({ optimizer: 'adamx' as never, loss: 'meanSquaredError' })).toThrow(/compile\(\) optimizer: unknown optimizer "adamx"/);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    expect(model.optimizer?.learningRate).toBe(0.001);
    expect(model.learningRate).toBe(0.001);
  });

  it('units must be a positive integer', () => {
    expect(() => layers.dense({ units: 0 })).toThrow(/units must be a positive integer.*, got 0/);
    expect(() => layers.dense({ units: 2.5 })).toThrow(/units must be a positive integer.*, got 2.5/);
    expect(() => layers.dense({ units: '4' as never })).toThrow(ValueError);
  });

  it('a config typo is an error, not ignored', () => {
    expect(() => layers.dense({ units: 2, activaton: 'relu' } as never)).toThrow(/unknown option "activaton"/);
  });

  it('the first layer needs an input width', () => {
    const model = sequential();
    expect(() => model.add(layers.dense({ units: 2 }))).toThrow(ShapeError);
    model.add(layers.dense({ units: 2, inputShape: [3] }));
    expect(model.inputShape).toEqual([3]);
  });
});

describe('layers in a model: shapes of any rank, getLayer, pop, per-layer weights, freezing', () => {
  it('dense applies to the last axis of N-D input, and data may be nested arrays of that shape', () => {
    const model = sequential({ inputShape: [3, 2], seed: 1 });
    model.add(layers.dense({ units: 4, activation: 'tanh', name: 'hidden' }));
    model.add(layers.dense({ units: 1 }));
    expect(model.outputShape).toEqual([3, 1]);
    expect(model.summary()).toContain('[null,3,4]');
    const [kernel, bias] = model.getLayer('hidden').getWeights();
    expect(kernel).toHaveLength(2 * 4);
    const nested = [[[1, 2], [3, 4], [5, 6]]];
    const flat = new Float32Array([1, 2, 3, 4, 5, 6]);
    const out = model.predict(nested);
    expect(out).toEqual(model.predict(flat));
    expect(out).toHaveLength(3);
    // Each of the 3 rows goes through the same dense layers: row 1 alone gives the same output.
    const single = sequential({ inputShape: [2], seed: 1, layers: [layers.dense({ units: 4, activation: 'tanh' }), layers.dense({ units: 1 })] });
    single.setWeights(model.getWeights());
    expect(single.predict([[3, 4]])[0]).toBe(out[1]);
    expect(bias).toHaveLength(4);
    expect(() => model.predict([[[1, 2], [3, 4]]])).toThrow(/expected \[0\] to have 3 entries/);
  });

  it('getLayer by name or index, pop before building, per-layer getWeights / setWeights', () => {
    const model = sequential({ inputShape: [2], seed: 1 });
    const first = layers.dense({ units: 3, name: 'first' });
    model.add(first);
    model.add(layers.dense({ units: 2 }));
    expect(model.getLayer(0)).toBe(first);
    expect(model.getLayer('first')).toBe(first);
    expect(() => model.getLayer('nope')).toThrow(/no layer "nope"; the layers are first, dense_2/);
    const popped = model.pop();
    expect(popped.getWeights()).toEqual([]);
    model.add(layers.dense({ units: 1 }));
    expect(model.outputShape).toEqual([1]);
    first.setWeights([new Float32Array(6).fill(0.5), new Float32Array([1, 2, 3])]);
    expect(Array.from(model.getWeights()[1])).toEqual([1, 2, 3]);
    expect(Array.from(first.getWeights()[0])).toEqual(new Array(6).fill(0.5));
    expect(() => first.setWeights([new Float32Array(6)])).toThrow(ShapeError);
    expect(() => model.pop()).toThrow(StateError);
  });

  it('a frozen layer keeps its bytes through training, counts as non-trainable, and can be unfrozen', async () => {
    const model = sequential({ inputShape: [2], seed: 2 });
    model.add(layers.dense({ units: 4, activation: 'relu', name: 'base' }));
    model.add(layers.dense({ units: 1, name: 'head' }));
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'mse' });
    model.getLayer('base').trainable = false; // after compile, as Keras allows
    expect(model.summary()).toMatch(/Trainable params: 5\nNon-trainable params: 12/);
    const base = model.getLayer('base').getWeights(), head = model.getLayer('head').getWeights();
    const x = [[0.5, -1], [1, 0.25], [-0.5, 0.75]], y = [[1], [0], [1]];
    await model.fit(x, y, { epochs: 3, batchSize: 2 });
    model.trainOnBatch(x, y);
    expect(model.getLayer('base').getWeights()).toEqual(base);
    expect(model.getLayer('head').getWeights()).not.toEqual(head);
    model.getLayer('base').trainable = true;
    model.trainOnBatch(x, y);
    expect(model.getLayer('base').getWeights()).not.toEqual(base);
    expect(() => { model.getLayer('base').trainable = 'no' as never; }).toThrow(ValueError);
  });
});

describe('batchNormalization', () => {
  const x = [[1, 2, 3], [0, -1, 2], [3, 1, 0], [1, 1, 1]], y = [[1], [0], [1], [0]];

  function model(config: Parameters<typeof layers.batchNormalization>[0] = {}, seed = 1): Sequential {
    const m = sequential({ inputShape: [3], seed });
    m.add(layers.dense({ units: 4, activation: 'tanh' }));
    m.add(layers.batchNormalization({ name: 'bn', ...config }));
    m.add(layers.dense({ units: 1 }));
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'mse' });
    return m;
  }

  it('keeps its moving statistics as non-trainable weights that training updates, in Keras order', async () => {
    const m = model();
    expect(m.summary()).toMatch(/Trainable params: 29\nNon-trainable params: 8/);
    const [gamma, beta, mean, variance] = m.getLayer('bn').getWeights();
    expect([...gamma, ...beta, ...mean, ...variance]).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    await m.fit(x, y, { epochs: 3, batchSize: 4 });
    const after = m.getLayer('bn').getWeights();
    expect(after[2]).not.toEqual(mean);
    expect(after[3]).not.toEqual(variance);
    // predict normalizes with the moving statistics: the same rows give the same outputs alone.
    expect(m.predict([x[0]])[0]).toBeCloseTo(m.predict(x)[0], 6);
    m.dispose();
  });

  it('without center and scale: gradientCheck and a save/load round trip', async () => {
    const { gradientCheck, loadModel } = await import('../src/index.js');
    const m = model({ center: false, scale: false, momentum: 0.5 });
    await m.fit(x, y, { epochs: 2, batchSize: 2 });
    expect(m.getLayer('bn').getWeights()).toHaveLength(2);
    expect(gradientCheck(m, x, y).maxRelativeError).toBeLessThan(1e-3);
    const loaded = await loadModel(await m.save());
    expect(loaded.predict(x)).toEqual(m.predict(x));
    m.dispose();
  });

  it('a refused step leaves the moving statistics as they were', () => {
    const m = model();
    m.trainOnBatch(x, y);
    const before = m.getLayer('bn').getWeights();
    expect(() => m.trainOnBatch(x, [[1], [0], [1], [1e30]])).toThrow(NeuriteError);
    expect(m.getLayer('bn').getWeights()).toEqual(before);
  });

  it('frozen, it runs in inference mode (as Keras 2): its statistics and weights stay put', async () => {
    const m = model();
    await m.fit(x, y, { epochs: 2, batchSize: 4 });
    m.getLayer('bn').trainable = false;
    const before = m.getLayer('bn').getWeights();
    await m.fit(x, y, { epochs: 2, batchSize: 4 });
    expect(m.getLayer('bn').getWeights()).toEqual(before);
  });

  it('axis other than -1 and bad options are ValueErrors', () => {
    expect(() => layers.batchNormalization({ axis: 1 })).toThrow(/axis must be -1/);
    expect(() => layers.batchNormalization({ momentum: 1.5 })).toThrow(ValueError);
    expect(() => layers.batchNormalization({ epsilon: 0 })).toThrow(ValueError);
  });
});

describe('shape layers: flatten, reshape, zeroPadding2d, upSampling2d', () => {
  it('a CNN-style [4, 4, 2] → flatten → dense head trains, and dense on N-D input still takes the last axis', () => {
    const model = sequential({ inputShape: [4, 4, 2], seed: 3 });
    model.add(layers.dense({ units: 3, activation: 'relu' }));
    expect(model.outputShape).toEqual([4, 4, 3]);
    model.add(layers.flatten());
    model.add(layers.dense({ units: 10, activation: 'softmax' }));
    expect(model.outputShape).toEqual([10]);
    expect(model.getWeights().map((w) => w.length)).toEqual([2 * 3, 3, 48 * 10, 10]);
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy' });
    const rand = random(5), x = randomArray(8 * 32, rand), y = Float32Array.from({ length: 8 }, (_, i) => i % 10);
    const first = model.trainOnBatch(x, y);
    for (let i = 0; i < 30; i++) model.trainOnBatch(x, y);
    expect(model.trainOnBatch(x, y)).toBeLessThan(first);
    expect(model.summary()).toMatch(/flatten_2 \(Flatten\)\s+\[null,48\]/);
    model.dispose();
  });

  it("reshape works out its -1; a target shape that cannot hold the input is a ShapeError naming the layer", () => {
    const model = sequential({ inputShape: [2, 3, 2], seed: 1 });
    model.add(layers.reshape({ targetShape: [-1, 4] }));
    expect(model.outputShape).toEqual([3, 4]);
    model.add(layers.reshape({ targetShape: [2, -1, 3] }));
    expect(model.outputShape).toEqual([2, 2, 3]);
    const x = Float32Array.from({ length: 12 }, (_, i) => i);
    expect(Array.from(model.predict(x))).toEqual(Array.from(x));
    model.dispose();
    const bad = (targetShape: number[], name: string, message: RegExp) => {
      const m = sequential({ inputShape: [6] });
      const add = () => m.add(layers.reshape({ targetShape, name }));
      expect(add).toThrow(ShapeError);
      expect(add).toThrow(new RegExp(`Reshape layer "${name}".*${message.source}.*\\[null,6\\]`));
      expect(m.layers).toHaveLength(0);
    };
    bad([4], 'count', /holds 4 values, not the input's 6/);
    bad([4, -1], 'not_a_multiple', /not a multiple of 4/);
    bad([-1, -1], 'two_unknown', /more than one -1/);
  });

  it("default names follow Keras's snake_case (zero_padding2d, up_sampling2d)", () => {
    const m = sequential({ inputShape: [2, 2, 1], layers: [layers.zeroPadding2d(), layers.upSampling2d(), layers.flatten(), layers.reshape({ targetShape: [-1] }), layers.batchNormalization()] });
    expect(m.layers.map((l) => l.name)).toEqual(['zero_padding2d_1', 'up_sampling2d_2', 'flatten_3', 'reshape_4', 'batch_normalization_5']);
    m.dispose();
  });

  it('flatten needs examples of at least 2 axes, as TF.js', () => {
    const m = sequential({ inputShape: [4] });
    expect(() => m.add(layers.flatten({ name: 'flat' }))).toThrow(ShapeError);
    expect(() => m.add(layers.flatten({ name: 'flat' }))).toThrow(/Flatten layer "flat": expects examples of at least 2 axes.*\[null,4\]/);
  });

  it('zeroPadding2d and upSampling2d need [height, width, channels] examples', () => {
    for (const layer of [layers.zeroPadding2d({ name: 'pad' }), layers.upSampling2d({ name: 'up' })]) {
      const m = sequential({ inputShape: [4, 3] });
      expect(() => m.add(layer)).toThrow(ShapeError);
      expect(() => m.add(layer)).toThrow(new RegExp(`"${layer.name}".*\\[height, width, channels\\].*\\[null,4,3\\]`));
    }
  });

  it('every bad option is a ValueError naming it; channelsFirst and bilinear are refused', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => layers.flatten({ dataFormat: 'channelsFirst' as 'channelsLast' }), /flatten\(\).*channelsFirst.*not supported/],
      [() => layers.flatten({ data_format: 'channels_last' } as never), /unknown option "data_format"/],
      [() => layers.reshape({} as never), /targetShape must be/],
      [() => layers.reshape({ targetShape: [2, 0] }), /targetShape must be/],
      [() => layers.reshape({ targetShape: [-2, 3] }), /targetShape must be/],
      [() => layers.reshape({ targetShape: [1.5] }), /targetShape must be/],
      [() => layers.reshape({ targetShape: [2], target: 1 } as never), /unknown option "target"/],
      [() => layers.zeroPadding2d({ padding: -1 }), /padding must be/],
      [() => layers.zeroPadding2d({ padding: [1, 2, 3] as never }), /padding must be/],
      [() => layers.zeroPadding2d({ padding: [[1, 2], [3]] as never }), /padding must be/],
      [() => layers.zeroPadding2d({ dataFormat: 'channelsFirst' as 'channelsLast' }), /zeroPadding2d\(\).*channelsFirst/],
      [() => layers.zeroPadding2d({ pad: 1 } as never), /unknown option "pad"/],
      [() => layers.upSampling2d({ size: 2 as never }), /size must be \[rows, cols\]/],
      [() => layers.upSampling2d({ size: [2, 0] }), /size must be/],
      [() => layers.upSampling2d({ interpolation: 'bilinear' as 'nearest' }), /bilinear.*not supported/],
      [() => layers.upSampling2d({ interpolation: 'cubic' as 'nearest' }), /interpolation must be 'nearest'/],
      [() => layers.upSampling2d({ dataFormat: 'channelsFirst' as 'channelsLast' }), /upSampling2d\(\).*channelsFirst/],
    ];
    for (const [make, message] of cases) {
      expect(make).toThrow(ValueError);
      expect(make).toThrow(message);
    }
  });

  it('loads the saved forms Keras and TF.js write (null or -1 in target_shape, channels_last) and refuses channels_first', async () => {
    const { LAYER_CLASSES } = await import('../src/layers/registry.js');
    expect(LAYER_CLASSES.Reshape({ target_shape: [null, 3] }).getConfig()).toEqual({ target_shape: [-1, 3] });
    expect(LAYER_CLASSES.Flatten({}).getConfig()).toEqual({ data_format: 'channels_last' });
    expect(LAYER_CLASSES.ZeroPadding2D({ padding: [[1, 0], [0, 2]], data_format: 'channels_last' }).getConfig()).toEqual({ padding: [[1, 0], [0, 2]], data_format: 'channels_last' });
    expect(() => LAYER_CLASSES.ZeroPadding2D({ padding: 1, data_format: 'channels_first' })).toThrow(/data_format "channels_first" is not supported/);
    expect(() => LAYER_CLASSES.UpSampling2D({ size: [2, 2], interpolation: 'bilinear' })).toThrow(ValueError);
    expect(() => LAYER_CLASSES.Flatten({ nope: 1 })).toThrow(/nope/);
  });
});

describe('conv2d and conv1d', () => {
  it("TF.js's options and defaults; what TF.js or Keras refuses is a ValueError", () => {
    const conv = layers.conv2d({ filters: 2, kernelSize: 3 });
    expect(conv.kernelSize).toEqual([3, 3]);
    expect(conv.strides).toEqual([1, 1]);
    expect(conv.dilationRate).toEqual([1, 1]);
    expect(conv.padding).toBe('valid');
    expect(conv.activation.name).toBe('linear');
    expect(conv.useBias).toBe(true);
    // tfjs-layers' BaseConv: DEFAULT_KERNEL_INITIALIZER = 'glorotNormal'.
    expect(conv.kernelInitializer.name).toBe('glorotNormal');
    expect(conv.biasInitializer.name).toBe('zeros');
    expect(layers.conv1d({ filters: 1, kernelSize: [4], strides: 2 }).strides).toEqual([2]);
    expect(layers.conv2d({ filters: 1, kernelSize: [2, 3], strides: [1, 2], dataFormat: 'channelsLast' }).kernelSize).toEqual([2, 3]);
    // Strides above 1 with a dilation above 1, on any axes: TF.js (tfjs-core's conv2d) and Keras refuse it.
    expect(() => layers.conv2d({ filters: 1, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow(/strides > 1 together with dilationRate > 1/);
    expect(() => layers.conv2d({ filters: 1, kernelSize: 3, strides: [1, 2], dilationRate: [2, 1] })).toThrow(ValueError);
    expect(() => layers.conv1d({ filters: 1, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow(ValueError);
    const bad: [string, () => unknown][] = [
      ['kernelSize', () => layers.conv2d({ filters: 1 } as never)],
      ['kernelSize', () => layers.conv2d({ filters: 1, kernelSize: [3] as never })],
      ['kernelSize', () => layers.conv1d({ filters: 1, kernelSize: [3, 3] as never })],
      ['kernelSize', () => layers.conv2d({ filters: 1, kernelSize: 0 })],
      ['kernelSize', () => layers.conv2d({ filters: 1, kernelSize: 1.5 })],
      ['strides', () => layers.conv2d({ filters: 1, kernelSize: 2, strides: [1, 0] })],
      ['dilationRate', () => layers.conv1d({ filters: 1, kernelSize: 2, dilationRate: -1 })],
      ['filters', () => layers.conv2d({ filters: 0, kernelSize: 2 })],
      ['filters', () => layers.conv1d({ filters: 2.5, kernelSize: 2 })],
      ["padding 'causal' is not supported", () => layers.conv1d({ filters: 1, kernelSize: 2, padding: 'causal' as never })],
      ['padding must be', () => layers.conv2d({ filters: 1, kernelSize: 2, padding: 'full' as never })],
      ['dataFormat', () => layers.conv2d({ filters: 1, kernelSize: 2, dataFormat: 'channelsFirst' as never })],
      ['useBias', () => layers.conv2d({ filters: 1, kernelSize: 2, useBias: 1 as never })],
      ['unknown option "kernelConstraint"', () => layers.conv2d({ filters: 1, kernelSize: 2, kernelConstraint: 'nonNeg' } as never)],
    ];
    for (const [message, make] of bad) expect(make, message).toThrow(ValueError), expect(make, message).toThrow(message);
  });

  it("Keras's default names, weight shapes [kh, kw, in, filters] and [filters], and the summary", () => {
    const m = sequential({ inputShape: [6, 5, 3], seed: 1 });
    m.add(layers.conv2d({ filters: 4, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'relu' }));
    m.add(layers.dense({ units: 2 }));
    expect(m.layers.map((l) => l.name)).toEqual(['conv2d_1', 'dense_2']);
    expect(m.outputShape).toEqual([3, 3, 2]);
    expect(m.getLayer(0).getWeights().map((w) => w.length)).toEqual([3 * 2 * 3 * 4, 4]);
    expect(m.summary()).toMatch(/conv2d_1 \(Conv2D\).*\[null,3,3,4\].*76/);
    expect(m.summary()).toContain('filters: 4, kernelSize: [3,2], strides: [2,2], padding: same, activation: relu');
    const m1 = sequential({ inputShape: [8, 2], seed: 1 });
    m1.add(layers.dense({ units: 3 }));
    m1.add(layers.conv1d({ filters: 2, kernelSize: 3, dilationRate: 2 }));
    expect(m1.layers.map((l) => l.name)).toEqual(['dense_1', 'conv1d_2']);
    expect(m1.outputShape).toEqual([4, 2]);
    expect(m1.getLayer(1).getWeights().map((w) => w.length)).toEqual([3 * 3 * 2, 2]);
    m.dispose();
    m1.dispose();
  });

  it('predict equals the float64 direct convolution at a size the packed (and threaded) GEMM runs', () => {
    const m = sequential({ inputShape: [12, 11, 3], seed: 4 });
    // 12 × 132 positions × 32 filters × 27: past the threaded build's 2^20 threshold.
    m.add(layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'tanh', biasInitializer: 'randomNormal' }));
    m.add(layers.conv2d({ filters: 8, kernelSize: [2, 3], strides: 2 }));
    const rows = 12, x = randomArray(rows * 12 * 11 * 3, random(6));
    let a: Float64Array = Float64Array.from(x), k = 0;
    const weights = m.getWeights().map((w) => Float64Array.from(w));
    m.layers.forEach((layer, i) => {
      a = layer.reference(a, rows, m.layerInputShape(i), weights.slice(k, (k += 2))).output;
    });
    const got = m.predict(x);
    expect(got.length).toBe(a.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(got[i] - a[i]));
    expect(worst).toBeLessThan(1e-4);
    m.dispose();
  });

  it('as the last layer: softmax + categoricalCrossentropy and sigmoid + binaryCrossentropy (from z) pass gradientCheck and train', async () => {
    const { gradientCheck } = await import('../src/index.js');
    for (const [activation, loss] of [['softmax', 'categoricalCrossentropy'], ['sigmoid', 'binaryCrossentropy']] as const) {
      const m = sequential({ inputShape: [5, 4, 2], seed: 3 });
      m.add(layers.conv2d({ filters: 3, kernelSize: 2, activation: 'tanh' }));
      m.add(layers.conv2d({ filters: 3, kernelSize: [2, 1], padding: 'same', activation }));
      m.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss });
      const rows = 3, rand = random(8), x = randomArray(rows * 40, rand);
      // One-hot labels per position (softmax), or 0/1 labels (sigmoid).
      const y = Float32Array.from({ length: rows * 4 * 3 * 3 }, (_, i) => (activation === 'softmax' ? (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0) : rand() < 0.5 ? 1 : 0));
      expect(gradientCheck(m, x, y).maxRelativeError, `${activation}`).toBeLessThan(1e-3);
      const first = m.trainOnBatch(x, y);
      for (let i = 0; i < 30; i++) m.trainOnBatch(x, y);
      expect(m.trainOnBatch(x, y), `${activation}: the loss falls`).toBeLessThan(first);
      m.dispose();
    }
  });

  it('Keras configs load: groups 1, data_format on Conv1D; grouped or channels_first ones are refused', async () => {
    const { loadModel } = await import('../src/index.js');
    const { LAYER_CLASSES } = await import('../src/layers/registry.js');
    const keras = {
      name: 'c', trainable: true, filters: 2, kernel_size: [3], strides: [1], padding: 'same', data_format: 'channels_last', dilation_rate: [1],
      groups: 1, activation: 'relu', use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null,
      kernel_constraint: null, bias_constraint: null,
    };
    const layer = LAYER_CLASSES.Conv1D(keras);
    expect(layer.className).toBe('Conv1D');
    expect(layer.getConfig()).not.toHaveProperty('data_format'); // as TF.js writes Conv1D
    expect(() => LAYER_CLASSES.Conv1D({ ...keras, groups: 2 })).toThrow(/groups must be 1/);
    expect(() => LAYER_CLASSES.Conv2D({ ...keras, kernel_size: [3, 3], strides: [1, 1], dilation_rate: [1, 1], data_format: 'channels_first' })).toThrow(/channels_last/);
    expect(() => LAYER_CLASSES.Conv2D({ ...keras, kernel_size: [3, 3], strides: [1, 1], dilation_rate: [1, 1], kernel_constraint: { class_name: 'NonNeg', config: {} } })).toThrow(/kernel_constraint is not supported/);
    // And through a whole save/load.
    const m = sequential({ inputShape: [7, 3], seed: 2 });
    m.add(LAYER_CLASSES.Conv1D({ ...keras, name: undefined }));
    m.add(layers.conv1d({ filters: 1, kernelSize: 2, strides: 2 }));
    const x = randomArray(2 * 21, random(1));
    const loaded = await loadModel(await m.save());
    expect(loaded.predict(x)).toEqual(m.predict(x));
    expect(loaded.layers.map((l) => l.getConfig())).toEqual(m.layers.map((l) => l.getConfig()));
    m.dispose();
    loaded.dispose();
  });
});
