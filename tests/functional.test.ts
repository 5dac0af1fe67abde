// Graph models (model(), input(), layer.apply()): the multivariable chain rule across branches,
// merge layers, TF.js parity, and the same bits as the equivalent sequential model.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, tfjsCpu } from './tfjs-cpu.js';
import { random } from './reference.js';
import { ready, sequential, model, input, layers, optimizers, gradientCheck, workerTrainer, ShapeError, ValueError, type LayersModel } from '../src/index.js';
import { expectClose } from './close.js';

beforeAll(async () => {
  await tfjsCpu();
  await ready();
});

const data = (seed: number, rows: number, inputs: number, outputs: number) => {
  const rand = random(seed);
  return {
    x: Float32Array.from({ length: rows * inputs }, () => rand() * 2 - 1),
    y: Float32Array.from({ length: rows * outputs }, () => rand() * 2 - 1),
  };
};

type Op = 'add' | 'subtract' | 'multiply' | 'average' | 'maximum' | 'minimum' | 'concatenate';

/** t → f(t) = dense tanh, g(t) = dense sigmoid → h = merge(f, g) → dense: the z = h(f(t), g(t)) case. */
function branches(op: Op, seed = 3): LayersModel {
  const t = input({ shape: [4] });
  const f = layers.dense({ units: 3, activation: 'tanh' }).apply(t);
  const g = layers.dense({ units: 3, activation: 'sigmoid' }).apply(t);
  const h = layers[op]().apply([f, g]);
  return model({ inputs: t, outputs: layers.dense({ units: 2 }).apply(h), seed });
}

/** The same graph in TF.js, with the given weights. */
function tfBranches(op: Op, weights: Float32Array[]): tf.LayersModel {
  const t = tf.input({ shape: [4] });
  const f = tf.layers.dense({ units: 3, activation: 'tanh' }).apply(t) as tf.SymbolicTensor;
  const g = tf.layers.dense({ units: 3, activation: 'sigmoid' }).apply(t) as tf.SymbolicTensor;
  const h = (tf.layers[op] as (c: object) => tf.layers.Layer)({}).apply([f, g]) as tf.SymbolicTensor;
  const m = tf.model({ inputs: t, outputs: tf.layers.dense({ units: 2 }).apply(h) as tf.SymbolicTensor });
  const shapes = m.getWeights().map((w) => w.shape);
  m.setWeights(weights.map((w, i) => tf.tensor(w, shapes[i])));
  return m;
}


describe.each(['add', 'subtract', 'multiply', 'average', 'maximum', 'minimum', 'concatenate'] as const)('%s of two branches of one input', (op) => {
  it('gradientCheck: the gradient reaching the input layer is the sum over both paths', () => {
    const m = branches(op);
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const { x, y } = data(5, 3, 4, 2);
    const result = gradientCheck(m, x, y);
    expect(result.tensors.map((t) => t.name)).toEqual(['dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias', 'dense_4/kernel', 'dense_4/bias']);
    expect(result.maxRelativeError, JSON.stringify(result.tensors)).toBeLessThan(1e-3);
  });

});

// (TF.js 4.22 has no subtract layer: gradientCheck stands for it.)
describe.each(['add', 'multiply', 'average', 'maximum', 'minimum', 'concatenate'] as const)('%s of two branches, against TF.js', (op) => {
  it('TF.js parity: predictions, and weights after 3 steps of sgd and of adam', async () => {
    const { x, y } = data(7, 5, 4, 2);
    for (const optimizer of ['sgd', 'adam'] as const) {
      const m = branches(op, 9);
      const r = tfBranches(op, m.getWeights());
      expectClose(m.predict(x), (r.predict(tf.tensor(x, [5, 4])) as tf.Tensor).dataSync(), `${op} predict`);
      m.compile({ optimizer, loss: 'meanSquaredError' });
      r.compile({ optimizer: optimizer === 'sgd' ? tf.train.sgd(0.01) : tf.train.adam(0.001), loss: 'meanSquaredError' });
      const xs = tf.tensor(x, [5, 4]), ys = tf.tensor(y, [5, 2]);
      for (let step = 0; step < 3; step++) {
        m.trainOnBatch(x, y);
        await r.trainOnBatch(xs, ys);
      }
      const want = r.getWeights().map((w) => w.dataSync() as Float32Array);
      m.getWeights().forEach((w, i) => expectClose(w, want[i], `${op} ${optimizer} weight ${i}`));
      tf.dispose([xs, ys]);
      r.dispose();
      m.dispose();
    }
  });
});

describe('graphs', () => {
  it('a chain written with model() trains bit-identically to the same sequential()', () => {
    const t = input({ shape: [5] });
    let h = layers.dense({ units: 8, activation: 'relu' }).apply(t);
    h = layers.dropout({ rate: 0.3 }).apply(h);
    h = layers.dense({ units: 3, activation: 'softmax' }).apply(h);
    const graph = model({ inputs: t, outputs: h, seed: 4 });
    const stack = sequential({ inputShape: [5], seed: 4 });
    stack.add(layers.dense({ units: 8, activation: 'relu' }));
    stack.add(layers.dropout({ rate: 0.3 }));
    stack.add(layers.dense({ units: 3, activation: 'softmax' }));
    const rand = random(2);
    const x = Float32Array.from({ length: 20 * 5 }, () => rand() * 2 - 1), y = new Float32Array(20 * 3).map((_, i) => (i % 3 === (i / 3 | 0) % 3 ? 1 : 0));
    for (const m of [graph, stack]) {
      m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
      for (let s = 0; s < 4; s++) m.trainOnBatch(x, y);
    }
    const bits = (m: LayersModel) => m.getWeights().map((w) => Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length)));
    expect(bits(graph)).toEqual(bits(stack));
  });

  it('a residual block (x + f(x)) and a fan-out used three times: gradientCheck, and it learns', async () => {
    const t = input({ shape: [6] });
    const a = layers.dense({ units: 6, activation: 'tanh' }).apply(t);
    const b = layers.dense({ units: 6, activation: 'tanh' }).apply(a);
    const residual = layers.add().apply([a, b]);
    // a feeds b, the add and the concatenate: its gradient is the sum over three paths.
    const joined = layers.concatenate().apply([residual, a]);
    const out = layers.dense({ units: 1 }).apply(joined);
    const m = model({ inputs: t, outputs: out, seed: 1 });
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const { x } = data(8, 64, 6, 1);
    const y = new Float32Array(64).map((_, r) => Math.sin(x[r * 6]) + x[r * 6 + 1] * x[r * 6 + 2]);
    expect(gradientCheck(m, x.subarray(0, 18), y.subarray(0, 3)).maxRelativeError).toBeLessThan(1e-3);
    const before = m.evaluate(x, y).loss;
    await m.fit(x, y, { epochs: 60, batchSize: 16 });
    expect(m.evaluate(x, y).loss).toBeLessThan(before / 4);
    expect(m.summary()).toMatch(/concatenate_4 \(Concatenate\) +\[null,12\] +0\n +← add_3, dense_1\n/);
  });

  it('errors name the layers: a merge of mismatched shapes, an output not connected to the input, a shared layer applied to inputs its weights do not fit', () => {
    const t = input({ shape: [4], name: 'features' });
    const a = layers.dense({ units: 3, name: 'three' }).apply(t);
    const b = layers.dense({ units: 2, name: 'two' }).apply(t);
    expect(() => layers.add({ name: 'sum' }).apply([a, b])).toThrow(ShapeError);
    expect(() => layers.add({ name: 'sum' }).apply([a, b])).toThrow(/Add layer "sum".*needs inputs of one shape, got \[null,3\] and \[null,2\]/);
    expect(() => layers.subtract().apply([a, a, a])).toThrow(/takes 2 inputs, got 3/);
    expect(() => layers.add().apply(a)).toThrow(/takes 2 to 16 inputs, got 1/);
    const other = input({ shape: [4], name: 'other' });
    const c = layers.dense({ units: 3 }).apply(other);
    expect(() => model({ inputs: t, outputs: c })).toThrow(ValueError);
    expect(() => model({ inputs: t, outputs: c })).toThrow(/the outputs need input "other", which is not among the model's inputs \(features\)/);
    // A layer applied twice shares its weights, which must fit both inputs.
    const shared = layers.dense({ units: 3, name: 'shared' }), wide = input({ shape: [5], name: 'wide' });
    const twice = layers.add().apply([shared.apply(t), shared.apply(wide)]);
    expect(() => model({ inputs: [t, wide], outputs: twice })).toThrow(/Dense layer "shared" is applied to \[null,\d\] and to \[null,\d\], which need weights of different shapes; a shared layer has one set of weights/);
    expect(() => model({ inputs: [t, other], outputs: c })).toThrow(/the output is not connected to input "features"/);
    expect(() => model({ inputs: t, outputs: [a, a] })).toThrow(/the same tensor is listed twice in outputs/);
    expect(() => model({ inputs: a, outputs: c })).toThrow(/inputs must come from input\(\), got the output of Dense layer "three"/);
    expect(() => layers.dense({ units: 2 }).apply([1, 2] as never)).toThrow(/expected a symbolic tensor/);
  });
});

describe('saving graphs in TF.js\'s format', () => {
  it('TF.js loads a neurite graph (class_name Model) with the same predictions; neurite loads it back and TF.js\'s own', async () => {
    const t = input({ shape: [5], name: 'features' });
    const a = layers.dense({ units: 4, activation: 'relu' }).apply(t);
    const b = layers.dense({ units: 4, activation: 'tanh' }).apply(t);
    const c = layers.multiply().apply([a, b]);
    const d = layers.concatenate().apply([layers.add().apply([a, c]), b]);
    const m = model({ inputs: t, outputs: layers.dense({ units: 2, activation: 'softmax' }).apply(d), name: 'graph', seed: 3 });
    const { x } = data(4, 6, 5, 2);
    const expected = m.predict(x);
    const artifacts = await m.save();
    expect((artifacts.modelTopology as { class_name: string }).class_name).toBe('Model');
    const inTf = await tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
    expectClose((inTf.predict(tf.tensor(x, [6, 5])) as tf.Tensor).dataSync(), expected, 'TF.js loading neurite', 1e-5, 1e-6);
    expect(inTf.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Dense', 'Dense', 'Multiply', 'Add', 'Concatenate', 'Dense']);
    // TF.js saves it again; neurite reads TF.js's file.
    let saved: tf.io.ModelArtifacts | undefined;
    await inTf.save(tf.io.withSaveHandler(async (art) => { saved = art; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
    const { loadModel } = await import('../src/index.js');
    for (const art of [artifacts, saved!]) {
      const back = await loadModel(art as never);
      expectClose(back.predict(x), expected, 'neurite loading', 1e-6, 1e-7);
      expect(back.summary()).toMatch(/← dense_\d+, multiply_\d+/);
      back.dispose();
    }
    inTf.dispose();
  });
});

it('workerTrainer trains a graph in a worker to exactly the weights fit() gives here', async () => {
  const build = () => {
    const t = input({ shape: [4] });
    const a = layers.dense({ units: 5, activation: 'tanh' }).apply(t);
    const b = layers.dense({ units: 5, activation: 'relu' }).apply(t);
    const m = model({ inputs: t, outputs: layers.dense({ units: 1 }).apply(layers.concatenate().apply([a, b])), seed: 6 });
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    return m;
  };
  const { x, y } = data(3, 40, 4, 1);
  const here = build();
  await here.fit(x, y, { epochs: 3, batchSize: 8 });
  const trainer = await workerTrainer(build());
  try {
    await trainer.fit(x, y, { epochs: 3, batchSize: 8 });
    const there = await trainer.getModel();
    expect(there.getWeights().map((w) => Array.from(w))).toEqual(here.getWeights().map((w) => Array.from(w)));
  } finally {
    trainer.terminate();
  }
});

describe('two inputs', () => {
  // An image-and-metadata style model: each input through its own dense, joined, one head.
  function twoInputs(seed = 2): LayersModel {
    const pixels = input({ shape: [3], name: 'pixels' }), meta = input({ shape: [2], name: 'meta' });
    const a = layers.dense({ units: 4, activation: 'tanh' }).apply(pixels);
    const b = layers.dense({ units: 3, activation: 'relu' }).apply(meta);
    const joined = layers.concatenate().apply([a, b, meta]);
    return model({ inputs: [pixels, meta], outputs: layers.dense({ units: 2 }).apply(joined), seed });
  }
  const rows = 6;
  const xa = data(1, rows, 3, 1).x, xb = data(2, rows, 2, 1).x, y = data(3, rows, 2, 2).y;

  it('takes its data as an array or keyed by input name; gradientCheck; TF.js parity of predictions and training', async () => {
    const m = twoInputs();
    expect(m.inputShapes).toEqual([[3], [2]]);
    const byArray = m.predict([xa, xb]);
    expect(Array.from(m.predict({ meta: xb, pixels: xa }))).toEqual(Array.from(byArray));
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    expect(gradientCheck(m, [xa.subarray(0, 9), xb.subarray(0, 6)], y.subarray(0, 6)).maxRelativeError).toBeLessThan(1e-3);
    // TF.js: the same graph and weights.
    const pa = tf.input({ shape: [3], name: 'pixels' }), pb = tf.input({ shape: [2], name: 'meta' });
    const ta = tf.layers.dense({ units: 4, activation: 'tanh' }).apply(pa) as tf.SymbolicTensor;
    const tb = tf.layers.dense({ units: 3, activation: 'relu' }).apply(pb) as tf.SymbolicTensor;
    const tj = tf.layers.concatenate().apply([ta, tb, pb]) as tf.SymbolicTensor;
    const r = tf.model({ inputs: [pa, pb], outputs: tf.layers.dense({ units: 2 }).apply(tj) as tf.SymbolicTensor });
    const shapes = r.getWeights().map((w) => w.shape);
    r.setWeights(m.getWeights().map((w, i) => tf.tensor(w, shapes[i])));
    const xs = [tf.tensor(xa, [rows, 3]), tf.tensor(xb, [rows, 2])], ys = tf.tensor(y, [rows, 2]);
    expectClose(byArray, (r.predict(xs) as tf.Tensor).dataSync(), 'predict');
    r.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
    for (let step = 0; step < 3; step++) {
      m.trainOnBatch({ pixels: xa, meta: xb }, y);
      await r.trainOnBatch(xs, ys);
    }
    const want = r.getWeights().map((w) => w.dataSync() as Float32Array);
    m.getWeights().forEach((w, i) => expectClose(w, want[i], `weight ${i}`));
    // Saved with both InputLayers; TF.js and neurite load it with the same predictions.
    const artifacts = await m.save();
    const inTf = await tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
    expectClose((inTf.predict(xs) as tf.Tensor).dataSync(), m.predict([xa, xb]), 'TF.js loading neurite', 1e-5, 1e-6);
    const { loadModel } = await import('../src/index.js');
    const back = await loadModel(artifacts);
    expect(back.inputShapes).toEqual([[3], [2]]);
    expect(Array.from(back.predict([xa, xb]))).toEqual(Array.from(m.predict([xa, xb])));
    tf.dispose([...xs, ys]);
    r.dispose();
    inTf.dispose();
  });

  it('fit learns from both inputs, with validation data given the same way', async () => {
    const m = twoInputs(5);
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.03 }), loss: 'meanSquaredError' });
    const n = 64, a = data(7, n, 3, 1).x, b = data(8, n, 2, 1).x;
    // Each target needs both inputs.
    const target = new Float32Array(n * 2).map((_, i) => (i % 2 ? a[(i >> 1) * 3] - b[(i >> 1) * 2] : a[(i >> 1) * 3 + 1] + b[(i >> 1) * 2 + 1]));
    const before = m.evaluate([a, b], target).loss;
    const history = await m.fit([a, b], target, { epochs: 60, batchSize: 16, validationData: [{ pixels: a, meta: b }, target] });
    expect(history.history.val_loss.at(-1)).toBeLessThan(before / 4);
  });

  it('bad inputs are typed errors naming the inputs, and change nothing', () => {
    const m = twoInputs();
    expect(() => m.predict(xa)).toThrow(ValueError);
    expect(() => m.predict([xa])).toThrow(/the model has 2 inputs \(pixels, meta\): give an array of 2/);
    expect(() => m.predict({ pixels: xa })).toThrow(/no data for input "meta"/);
    expect(() => m.predict([xa, xb.subarray(0, 4)])).toThrow(/every input needs the same number of rows, got 6 for "pixels" and 2 for "meta"/);
    expect(() => m.predict([xa.subarray(0, 4), xb])).toThrow(/input "pixels"/);
  });
});

describe.each([false, true])('dot (normalize %s): a two-tower recommender, user and item ids each through an embedding', (normalize) => {
  function towers(seed: number): LayersModel {
    const user = input({ shape: [1], name: 'user' }), item = input({ shape: [1], name: 'item' });
    const u = layers.flatten().apply(layers.embedding({ inputDim: 6, outputDim: 4 }).apply(user));
    const v = layers.flatten().apply(layers.embedding({ inputDim: 7, outputDim: 4 }).apply(item));
    const score = layers.dot({ axes: 1, normalize }).apply([u, v]);
    return model({ inputs: [user, item], outputs: layers.dense({ units: 1, activation: 'sigmoid' }).apply(score), seed });
  }
  const users = Float32Array.from([0, 1, 2, 3, 4, 5, 1, 2]), items = Float32Array.from([6, 5, 4, 3, 2, 1, 0, 6]);
  const liked = Float32Array.from([1, 0, 1, 0, 1, 0, 1, 1]);

  it('gradientCheck, TF.js parity after 3 adam steps, and save/load both ways', async () => {
    const m = towers(3);
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    expect(gradientCheck(m, [users, items], liked).maxRelativeError).toBeLessThan(1e-3);
    const pu = tf.input({ shape: [1] }), pi = tf.input({ shape: [1] });
    const tu = tf.layers.flatten().apply(tf.layers.embedding({ inputDim: 6, outputDim: 4 }).apply(pu)) as tf.SymbolicTensor;
    const tv = tf.layers.flatten().apply(tf.layers.embedding({ inputDim: 7, outputDim: 4 }).apply(pi)) as tf.SymbolicTensor;
    const ts = tf.layers.dot({ axes: 1, normalize }).apply([tu, tv]) as tf.SymbolicTensor;
    const r = tf.model({ inputs: [pu, pi], outputs: tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(ts) as tf.SymbolicTensor });
    const shapes = r.getWeights().map((w) => w.shape);
    r.setWeights(m.getWeights().map((w, i) => tf.tensor(w, shapes[i])));
    const xs = [tf.tensor(users, [8, 1]), tf.tensor(items, [8, 1])], ys = tf.tensor(liked, [8, 1]);
    expectClose(m.predict([users, items]), (r.predict(xs) as tf.Tensor).dataSync(), 'predict');
    r.compile({ optimizer: tf.train.adam(0.001), loss: 'binaryCrossentropy' });
    for (let step = 0; step < 3; step++) {
      m.trainOnBatch([users, items], liked);
      await r.trainOnBatch(xs, ys);
    }
    const want = r.getWeights().map((w) => w.dataSync() as Float32Array);
    m.getWeights().forEach((w, i) => expectClose(w, want[i], `weight ${i}`));
    const artifacts = await m.save();
    const inTf = await tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
    expectClose((inTf.predict(xs) as tf.Tensor).dataSync(), m.predict([users, items]), 'TF.js loading neurite', 1e-5, 1e-6);
    const { loadModel } = await import('../src/index.js');
    const back = await loadModel(artifacts);
    expect(Array.from(back.predict([users, items]))).toEqual(Array.from(m.predict([users, items])));
    tf.dispose([...xs, ys]);
    r.dispose();
    inTf.dispose();
  });
});

it('ids out of range in one of several inputs are a ValueError naming the input, the row and the position', () => {
  const user = input({ shape: [1], name: 'user' }), item = input({ shape: [2], name: 'item' });
  const u = layers.flatten().apply(layers.embedding({ inputDim: 3, outputDim: 2 }).apply(user));
  const v = layers.flatten().apply(layers.embedding({ inputDim: 5, outputDim: 1 }).apply(item));
  const m = model({ inputs: [user, item], outputs: layers.dot({ axes: -1 }).apply([u, v]) });
  m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const before = m.getWeights();
  expect(() => m.trainOnBatch([[0, 2], [[1, 4], [2, 5]]], [1, 0])).toThrow(ValueError);
  expect(() => m.trainOnBatch([[0, 2], [[1, 4], [2, 5]]], [1, 0])).toThrow(/x \(input "item"\): Embedding layer "embedding_\d+" takes integer ids in \[0, 4\], got 5 at row 1, position 1/);
  expect(m.getWeights()).toEqual(before);
  expect(() => m.predict([[3], [[1, 1]]])).toThrow(/input "user".*got 3 at row 0, position 0/);
});

it('concatenate takes the last axis as -1 or as its index counting the batch axis (Keras code often writes axis: 1)', () => {
  const t = input({ shape: [3] });
  const a = layers.dense({ units: 2 }).apply(t), b = layers.dense({ units: 4 }).apply(t);
  expect(layers.concatenate({ axis: 1 }).apply([a, b]).shape).toEqual([6]);
  expect(() => layers.concatenate({ axis: 0 })).toThrow(ValueError);
  const seq = input({ shape: [5, 2] });
  const c = layers.dense({ units: 3 }).apply(seq), d = layers.dense({ units: 1 }).apply(seq);
  expect(() => layers.concatenate({ axis: 1, name: 'steps' }).apply([c, d])).toThrow(/Concatenate layer "steps".*joins along the last axis only \(-1, or 2 for these inputs\), got axis 1/);
  expect(layers.concatenate({ axis: 2 }).apply([c, d]).shape).toEqual([5, 4]);
});
