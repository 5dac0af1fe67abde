// Inference keeps each dense layer's kernel packed between calls (assembly/network.ts packedKernel),
// repacked after anything changes the weights. A stale packed kernel would make predict() answer
// with old weights: after each way of changing them, interleaved, predict() must give exactly the
// bytes a fresh model built with the same weights gives (its first predict packs them afresh).
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, sequential, model, input, layers, optimizers, loadModel, callbacks, DivergenceError, type Sequential, type LayersModel } from '../src/index.js';
import { random } from './reference.js';

beforeAll(() => ready());

// 64 rows × 300 inputs × 128 units is large enough for the packed GEMM and, in the threaded
// build, for two threads; 33 units is not a whole number of 8-column strips.
const INPUTS = 300, ROWS = 64;

function build(seed: number): Sequential {
  const m = sequential({ inputShape: [INPUTS], seed });
  m.add(layers.dense({ units: 128, activation: 'relu', name: 'first' }));
  m.add(layers.dense({ units: 33, activation: 'tanh', name: 'second' }));
  m.add(layers.dense({ units: 10, activation: 'softmax', name: 'last' }));
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy' });
  return m;
}

const rand = random(7);
const x = Float32Array.from({ length: ROWS * INPUTS }, () => rand() * 2 - 1);
const y = new Float32Array(ROWS * 10).map((_, i) => (i % 10 === Math.floor(i / 10) % 10 ? 1 : 0));

function bytes(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** predict() of `m` equals, bit for bit, a fresh model's with m's weights; returns the prediction. */
function expectCurrent(m: Sequential, what: string): Float32Array {
  const fresh = build(99);
  fresh.setWeights(m.getWeights());
  const expected = fresh.predict(x, { batchSize: 32 });
  fresh.dispose();
  const got = m.predict(x, { batchSize: 32 });
  expect(bytes(got), what).toEqual(bytes(expected));
  // Once more, now that this model's cache is filled: the same bytes.
  expect(bytes(m.predict(x, { batchSize: 32 })), `${what}, again`).toEqual(bytes(expected));
  return got;
}

describe('packed kernels', () => {
  it('predict is never stale: after trainOnBatch, fit, setWeights, layer.setWeights, freezing, a fit undone, early stopping', async () => {
    const m = build(1);
    let last = expectCurrent(m, 'first predict');
    const changed = (what: string) => {
      const now = expectCurrent(m, what);
      expect(bytes(now), `${what} changed the predictions`).not.toEqual(bytes(last));
      last = now;
    };

    m.trainOnBatch(x, y);
    changed('trainOnBatch');
    m.evaluate(x, y); // inference that packs, then training
    m.trainOnBatch(x, y);
    changed('evaluate, trainOnBatch');

    await m.fit(x, y, { epochs: 2, batchSize: 16 }); // whole epochs in one call
    changed('fit');
    await m.fit(x, y, { epochs: 2, batchSize: 16, validationSplit: 0.25 }); // validation packs between epochs
    changed('fit with validation');
    await m.fit(x, y, { epochs: 1, batchSize: 16, callbacks: { onBatchEnd: () => { m.predict(x.subarray(0, INPUTS)); } } });
    changed('fit with a predict after every batch');

    const other = build(2);
    m.setWeights(other.getWeights());
    changed('setWeights');
    m.getLayer('second').setWeights(build(3).getLayer('second').getWeights());
    changed('layer.setWeights');

    // Frozen: the layer's packed kernel stays right as the buffers swap under it.
    m.getLayer('first').trainable = false;
    const frozen = m.getLayer('first').getWeights();
    m.trainOnBatch(x, y);
    changed('trainOnBatch with a frozen layer');
    await m.fit(x, y, { epochs: 1, batchSize: 16, validationSplit: 0.25 });
    changed('fit with a frozen layer');
    expect(m.getLayer('first').getWeights()).toEqual(frozen);
    m.getLayer('first').setWeights(build(4).getLayer('first').getWeights());
    changed('layer.setWeights on a frozen layer');
    m.getLayer('first').trainable = true;
    m.trainOnBatch(x, y);
    changed('unfrozen, trainOnBatch');

    // A fit that fails after its validation packed new weights puts the old ones back.
    const before = m.getWeights();
    await expect(m.fit(x, y, {
      epochs: 3, batchSize: 16, validationSplit: 0.25,
      callbacks: { onEpochEnd: (epoch) => { if (epoch === 1) throw new Error('stop'); } },
    })).rejects.toThrow('stop');
    expect(m.getWeights()).toEqual(before);
    expect(bytes(expectCurrent(m, 'a fit undone'))).toEqual(bytes(last)); // the weights before it

    // Early stopping puts the best epoch's weights back (setWeights) after later epochs.
    await m.fit(x, y, {
      epochs: 6, batchSize: 16, validationSplit: 0.25,
      callbacks: [callbacks.earlyStopping({ monitor: 'loss', mode: 'min', patience: 0, minDelta: 1e9, restoreBestWeights: true })],
    });
    expectCurrent(m, 'early stopping that restored weights');

    // A model loaded from what this one saved predicts as this one does.
    const loaded = await loadModel(await m.save()) as Sequential;
    expect(bytes(loaded.predict(x, { batchSize: 32 }))).toEqual(bytes(m.predict(x, { batchSize: 32 })));
    loaded.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'categoricalCrossentropy' });
    loaded.trainOnBatch(x, y);
    expectCurrent(loaded, 'a loaded model, trained');
    loaded.setWeights(m.getWeights());
    expect(bytes(loaded.predict(x, { batchSize: 32 }))).toEqual(bytes(m.predict(x, { batchSize: 32 })));
    loaded.dispose();

    // A refused step (a loss beyond float32) changes nothing, and predict still agrees.
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
    const kept = m.getWeights();
    expect(() => m.trainOnBatch(x, y.map((v) => v + 1e30))).toThrow(DivergenceError);
    expect(m.getWeights()).toEqual(kept);
    expectCurrent(m, 'a refused step');
    other.dispose();
    m.dispose();
  });

  it('a shared dense layer in a graph: one packed kernel for both applications', () => {
    const build = (seed: number): LayersModel => {
      const a = input({ shape: [40] }), b = input({ shape: [40] });
      const shared = layers.dense({ units: 24, activation: 'relu' });
      const sum = layers.add().apply([shared.apply(a), shared.apply(b)]);
      const m = model({ inputs: [a, b], outputs: layers.dense({ units: 5 }).apply(sum), seed });
      m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
      return m;
    };
    const xa = Float32Array.from({ length: 32 * 40 }, () => rand() - 0.5), xb = Float32Array.from({ length: 32 * 40 }, () => rand() - 0.5);
    const target = Float32Array.from({ length: 32 * 5 }, () => rand());
    const m = build(1);
    const check = () => {
      const fresh = build(2);
      fresh.setWeights(m.getWeights());
      expect(bytes(m.predict([xa, xb]) as Float32Array)).toEqual(bytes(fresh.predict([xa, xb]) as Float32Array));
      fresh.dispose();
    };
    check();
    for (let i = 0; i < 3; i++) {
      m.trainOnBatch([xa, xb], target);
      check();
    }
    m.dispose();
  });
});
