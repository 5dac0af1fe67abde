// A layer applied more than once in one graph (a shared layer, TF.js's and Keras's): every
// application uses the same weights, and the gradient reaching them is the sum over every
// application — the multivariable chain rule once more. Siamese encoders, a shared embedding for
// two texts, a layer applied to its own output.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, tfjsCpu } from '../tfjs-cpu.js';
import { ready, model, input, layers, gradientCheck, loadModel, ValueError, type LayersModel } from '../../src/index.js';
import { expectClose, uniform } from '../close.js';

beforeAll(async () => {
  await tfjsCpu();
  await ready();
});



/** Siamese: one encoder (dense tanh) applied to two inputs, the codes merged, then a head. */
function siamese(seed = 3, merge: 'multiply' | 'subtract' = 'multiply'): LayersModel {
  const a = input({ shape: [4], name: 'left' }), b = input({ shape: [4], name: 'right' });
  const encoder = layers.dense({ units: 3, activation: 'tanh', name: 'encoder' });
  const diff = layers[merge]({ name: 'diff' }).apply([encoder.apply(a), encoder.apply(b)]);
  return model({ inputs: [a, b], outputs: layers.dense({ units: 1, name: 'head' }).apply(diff), seed });
}

function tfSiamese(weights: Float32Array[]): tf.LayersModel {
  const a = tf.input({ shape: [4], name: 'left' }), b = tf.input({ shape: [4], name: 'right' });
  const encoder = tf.layers.dense({ units: 3, activation: 'tanh', name: 'encoder' });
  const diff = tf.layers.multiply({ name: 'diff' }).apply([encoder.apply(a) as tf.SymbolicTensor, encoder.apply(b) as tf.SymbolicTensor]) as tf.SymbolicTensor;
  const m = tf.model({ inputs: [a, b], outputs: tf.layers.dense({ units: 1, name: 'head' }).apply(diff) as tf.SymbolicTensor });
  const shapes = m.getWeights().map((w) => w.shape);
  m.setWeights(weights.map((w, i) => tf.tensor(w, shapes[i])));
  return m;
}

const ROWS = 5;
const left = uniform(1, ROWS * 4), right = uniform(2, ROWS * 4), y = uniform(3, ROWS);

describe('a siamese encoder: one dense layer applied to two inputs', () => {
  it('has one set of weights: layers, getWeights, countParams and the summary list it once, with both applications', () => {
    const m = siamese();
    expect(m.layers.map((l) => l.name)).toEqual(['encoder', 'diff', 'head']);
    expect(m.getWeights().map((w) => w.length)).toEqual([12, 3, 3, 1]);
    expect(m.countParams()).toBe(19);
    const summary = m.summary();
    expect(summary.match(/encoder \(Dense\)/g)).toHaveLength(1);
    expect(summary).toMatch(/← left \| right/);
    expect(summary).toMatch(/Total params: 19/);
    m.dispose();
  });

  it('gradientCheck: the encoder\'s gradient is the sum over both applications', () => {
    const m = siamese();
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const result = gradientCheck(m, [left, right], y);
    expect(result.tensors.map((t) => t.name)).toEqual(['encoder/kernel', 'encoder/bias', 'head/kernel', 'head/bias']);
    expect(result.maxRelativeError, JSON.stringify(result.tensors)).toBeLessThan(1e-3);
    m.dispose();
    // Subtracted, the same input on both sides cancels: the two paths' gradients sum to exactly 0.
    const diff = siamese(3, 'subtract');
    diff.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    expect(diff.computeGradients([left, left], y).gradients[0].every((g) => g === 0)).toBe(true);
    expect(diff.computeGradients([left, right], y).gradients[0].some((g) => g !== 0)).toBe(true);
    diff.dispose();
  });

  it('TF.js parity: predictions, and weights after 3 sgd and 3 adam steps', async () => {
    for (const optimizer of ['sgd', 'adam'] as const) {
      const m = siamese(6);
      const r = tfSiamese(m.getWeights());
      const xs = [tf.tensor(left, [ROWS, 4]), tf.tensor(right, [ROWS, 4])], ys = tf.tensor(y, [ROWS, 1]);
      expectClose(m.predict([left, right]), (r.predict(xs) as tf.Tensor).dataSync(), 'predict');
      m.compile({ optimizer, loss: 'meanSquaredError' });
      r.compile({ optimizer: optimizer === 'sgd' ? tf.train.sgd(0.01) : tf.train.adam(0.001), loss: 'meanSquaredError' });
      for (let step = 0; step < 3; step++) {
        m.trainOnBatch({ left, right }, y);
        await r.trainOnBatch(xs, ys);
      }
      const want = r.getWeights().map((w) => w.dataSync() as Float32Array);
      m.getWeights().forEach((w, i) => expectClose(w, want[i], `${optimizer} weight ${i}`));
      tf.dispose([...xs, ys]);
      r.dispose();
      m.dispose();
    }
  });

  it('saves as TF.js writes a shared layer (two inbound nodes); TF.js loads it, neurite loads TF.js\'s', async () => {
    const m = siamese(8);
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    await m.fit([left, right], y, { epochs: 2, batchSize: 2 });
    const expected = m.predict([left, right]);
    const artifacts = await m.save();
    const entries = (artifacts.modelTopology as { config: { layers: { name: string; inbound_nodes: unknown[] }[] } }).config.layers;
    const encoder = entries.find((l) => l.name === 'encoder')!;
    expect(encoder.inbound_nodes).toHaveLength(2);
    expect(entries.find((l) => l.name === 'diff')!.inbound_nodes).toEqual([[['encoder', 0, 0, {}], ['encoder', 1, 0, {}]]]);
    const inTf = await tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
    expectClose((inTf.predict([tf.tensor(left, [ROWS, 4]), tf.tensor(right, [ROWS, 4])]) as tf.Tensor).dataSync(), expected, 'TF.js loading neurite', 1e-5, 1e-6);
    let fromTf: tf.io.ModelArtifacts | undefined;
    await inTf.save(tf.io.withSaveHandler(async (art) => { fromTf = art; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
    for (const art of [artifacts, fromTf!]) {
      const back = await loadModel(art as never);
      expect(back.layers.filter((l) => l.name === 'encoder')).toHaveLength(1);
      expectClose(back.predict([left, right]), expected, 'neurite loading', 1e-6, 1e-7);
      back.dispose();
    }
    // Trained on after a round trip, it continues bit for bit as the original.
    const again = await loadModel(await m.save(undefined, { includeOptimizer: true }));
    await m.fit([left, right], y, { epochs: 1, batchSize: 2 });
    await again.fit([left, right], y, { epochs: 1, batchSize: 2 });
    expect(again.getWeights()).toEqual(m.getWeights());
    for (const d of [m, again]) d.dispose();
    inTf.dispose();
  });

  it('frozen, the shared layer trains in neither application', async () => {
    const m = siamese();
    m.getLayer('encoder').trainable = false;
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const before = m.getWeights();
    await m.fit([left, right], y, { epochs: 2, batchSize: 2 });
    const after = m.getWeights();
    expect(after[0]).toEqual(before[0]);
    expect(after[2]).not.toEqual(before[2]);
    m.dispose();
  });
});

describe('other shared layers', () => {
  it('one embedding for two token inputs (its sparse gradient adds over both), with TF.js parity', async () => {
    const build = (seed: number) => {
      const a = input({ shape: [3], name: 'first' }), b = input({ shape: [3], name: 'second' });
      const embed = layers.embedding({ inputDim: 6, outputDim: 2, name: 'words' });
      const pool = layers.globalAveragePooling1d({ name: 'pool_a' }), poolB = layers.globalAveragePooling1d({ name: 'pool_b' });
      const joined = layers.concatenate({ name: 'joined' }).apply([pool.apply(embed.apply(a)), poolB.apply(embed.apply(b))]);
      return model({ inputs: [a, b], outputs: layers.dense({ units: 1, name: 'out' }).apply(joined), seed });
    };
    const ids = (seed: number) => Float32Array.from(uniform(seed, ROWS * 3, 0, 6), Math.floor);
    const first = ids(11), second = ids(12);
    const m = build(4);
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const result = gradientCheck(m, [first, second], y);
    expect(result.maxRelativeError, JSON.stringify(result.tensors)).toBeLessThan(1e-3);
    const t1 = tf.input({ shape: [3], name: 'first' }), t2 = tf.input({ shape: [3], name: 'second' });
    const embed = tf.layers.embedding({ inputDim: 6, outputDim: 2, name: 'words' });
    const pooled = [t1, t2].map((t, k) => tf.layers.globalAveragePooling1d({ name: `pool_${'ab'[k]}` }).apply(embed.apply(t)) as tf.SymbolicTensor);
    const r = tf.model({ inputs: [t1, t2], outputs: tf.layers.dense({ units: 1, name: 'out' }).apply(tf.layers.concatenate({ name: 'joined' }).apply(pooled)) as tf.SymbolicTensor });
    const shapes = r.getWeights().map((w) => w.shape);
    r.setWeights(m.getWeights().map((w, i) => tf.tensor(w, shapes[i])));
    r.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const xs = [tf.tensor(first, [ROWS, 3]), tf.tensor(second, [ROWS, 3])], ys = tf.tensor(y, [ROWS, 1]);
    for (let step = 0; step < 3; step++) {
      m.trainOnBatch([first, second], y);
      await r.trainOnBatch(xs, ys);
    }
    const want = r.getWeights().map((w) => w.dataSync() as Float32Array);
    m.getWeights().forEach((w, i) => expectClose(w, want[i], `weight ${i}`));
    tf.dispose([...xs, ys]);
    r.dispose();
    m.dispose();
  });

  it('a layer applied to its own output (weights tied across depth): gradientCheck', () => {
    const t = input({ shape: [4] });
    const square = layers.dense({ units: 4, activation: 'tanh', name: 'square' });
    const m = model({ inputs: t, outputs: layers.dense({ units: 2 }).apply(square.apply(square.apply(square.apply(t)))), seed: 2 });
    expect(m.countParams()).toBe(20 + 10);
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const result = gradientCheck(m, left, uniform(4, ROWS * 2));
    expect(result.maxRelativeError, JSON.stringify(result.tensors)).toBeLessThan(1e-3);
    m.dispose();
  });

  it('a layer with state of its own is refused when applied twice, naming it', () => {
    const a = input({ shape: [4] }), b = input({ shape: [4] });
    const norm = layers.batchNormalization({ name: 'norm' });
    const out = layers.add().apply([norm.apply(a), norm.apply(b)]);
    expect(() => model({ inputs: [a, b], outputs: out })).toThrow(ValueError);
    expect(() => model({ inputs: [a, b], outputs: out })).toThrow(/BatchNormalization layer "norm" is applied twice, but it keeps state of its own \(moving_mean, moving_variance\)/);
  });
});
