// layers.dot over any axes TF.js takes (examples of one or two axes): for each configuration a
// small graph — each input through a dense, their dot, a dense head — checked by gradientCheck,
// against TF.js (predictions, and weights after 3 sgd and 3 adam steps), saved and loaded both ways;
// the errors; and an attention block (scores = q·kᵀ, softmax, scores·v) that learns.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, tfjsCpu } from '../tfjs-cpu.js';
import { random } from '../reference.js';
import { ready, model, input, layers, optimizers, gradientCheck, loadModel, ShapeError, ValueError, type LayersModel, type SymbolicTensor } from '../../src/index.js';
import { expectClose } from '../close.js';

beforeAll(async () => {
  await tfjsCpu();
  await ready();
});

const values = (seed: number, n: number) => {
  const rand = random(seed);
  return Float32Array.from({ length: n }, () => rand() * 2 - 1);
};
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);


/**
 * One configuration: each model input (its example shape) through a dense of `units`, then their
 * dot; `second` null dots the first dense with itself (one input, read twice).
 */
interface Case {
  name: string;
  first: number[];
  firstUnits: number;
  second: number[] | null;
  secondUnits: number;
  axes: number | [number, number];
  normalize?: boolean;
}

const CASES: Case[] = [
  { name: 'queries · keys: [T, F]·[T′, F] over axes [2, 2]', first: [3, 5], firstUnits: 4, second: [2, 5], secondUnits: 4, axes: [2, 2] },
  { name: 'scores · values: [T, T′]·[T′, F] over axes [2, 1]', first: [3, 5], firstUnits: 2, second: [2, 5], secondUnits: 4, axes: [2, 1] },
  { name: 'vectors: [F]·[F] over axes 1 (one value per example: [1])', first: [5], firstUnits: 4, second: [3], secondUnits: 4, axes: 1 },
  { name: '[T, F]·[T, G] over axes [1, 1]', first: [3, 5], firstUnits: 4, second: [3, 5], secondUnits: 2, axes: [1, 1] },
  { name: '[T, F]·[G, T] over axes [1, 2]', first: [3, 5], firstUnits: 4, second: [2, 5], secondUnits: 3, axes: [1, 2] },
  { name: 'negative axes [-1, -1]', first: [3, 5], firstUnits: 4, second: [2, 5], secondUnits: 4, axes: [-1, -1] },
  { name: 'negative axes [-1, -2]', first: [3, 5], firstUnits: 2, second: [2, 5], secondUnits: 4, axes: [-1, -2] },
  { name: 'negative axes [-2, -2]', first: [3, 5], firstUnits: 4, second: [3, 5], secondUnits: 2, axes: [-2, -2] },
  { name: 'one number for both, on matrices: axes 2', first: [3, 5], firstUnits: 4, second: [2, 5], secondUnits: 4, axes: 2 },
  { name: 'one number for both, on matrices: axes 1', first: [3, 5], firstUnits: 4, second: [3, 5], secondUnits: 2, axes: 1 },
  { name: 'one number for both, on matrices: axes -1', first: [3, 5], firstUnits: 4, second: [2, 5], secondUnits: 4, axes: -1 },
  { name: 'normalize over axes [2, 2]', first: [3, 5], firstUnits: 4, second: [2, 5], secondUnits: 4, axes: [2, 2], normalize: true },
  { name: 'normalize over axes [1, 2] (both along their other axis)', first: [3, 5], firstUnits: 4, second: [2, 5], secondUnits: 3, axes: [1, 2], normalize: true },
  { name: 'a matrix and a vector: [T, F]·[F] over axes [2, 1]', first: [3, 5], firstUnits: 4, second: [5], secondUnits: 4, axes: [2, 1] },
  { name: 'a vector and a matrix: [F]·[T, F] over axes [1, 2]', first: [5], firstUnits: 4, second: [3, 5], secondUnits: 4, axes: [1, 2] },
  { name: 'a matrix and a vector, normalize: [T, F]·[T] over axes [1, 1]', first: [3, 5], firstUnits: 4, second: [2], secondUnits: 3, axes: [1, 1], normalize: true },
  { name: 'a vector and a matrix, one number: [F]·[F, G] over axes 1', first: [5], firstUnits: 3, second: [3, 5], secondUnits: 4, axes: 1 },
  { name: 'a tensor with itself (x·xᵀ: its gradient from both inputs adds)', first: [3, 5], firstUnits: 4, second: null, secondUnits: 0, axes: [2, 2] },
];

/** The neurite graph of a case: inputs → dense each → dot → dense 2. */
function build(c: Case, seed: number): LayersModel {
  const a = input({ shape: c.first, name: 'first' });
  const b = c.second ? input({ shape: c.second, name: 'second' }) : undefined;
  const da = layers.dense({ units: c.firstUnits, activation: 'tanh' }).apply(a);
  const db = b ? layers.dense({ units: c.secondUnits, activation: 'tanh' }).apply(b) : da;
  const d = layers.dot({ axes: c.axes, normalize: c.normalize, name: 'dot' }).apply([da, db]);
  return model({ inputs: b ? [a, b] : a, outputs: layers.dense({ units: 2 }).apply(d), seed });
}

/** The same graph in TF.js, with the given weights. */
function tfBuild(c: Case, weights: Float32Array[]): { r: tf.LayersModel; dotShape: (number | null)[] } {
  const a = tf.input({ shape: c.first, name: 'first' });
  const b = c.second ? tf.input({ shape: c.second, name: 'second' }) : undefined;
  const da = tf.layers.dense({ units: c.firstUnits, activation: 'tanh' }).apply(a) as tf.SymbolicTensor;
  const db = b ? (tf.layers.dense({ units: c.secondUnits, activation: 'tanh' }).apply(b) as tf.SymbolicTensor) : da;
  const d = tf.layers.dot({ axes: c.axes, normalize: c.normalize }).apply([da, db]) as tf.SymbolicTensor;
  const r = tf.model({ inputs: b ? [a, b] : a, outputs: tf.layers.dense({ units: 2 }).apply(d) as tf.SymbolicTensor });
  const shapes = r.getWeights().map((w) => w.shape);
  r.setWeights(weights.map((w, i) => tf.tensor(w, shapes[i])));
  return { r, dotShape: d.shape };
}

const ROWS = 4;

/** A case's data: its inputs (one or two) as neurite and TF.js take them, and targets. */
function dataFor(c: Case, m: LayersModel, seed: number) {
  const xs = [c.first, ...(c.second ? [c.second] : [])].map((shape, k) => values(seed + k, ROWS * size(shape)));
  const outShape = m.outputShape;
  const y = values(seed + 7, ROWS * size(outShape));
  const x = c.second ? xs : xs[0];
  const tx = () => {
    const list = xs.map((v, k) => tf.tensor(v, [ROWS, ...(k === 0 ? c.first : c.second!)]));
    return c.second ? list : list[0];
  };
  return { x, y, tx, ty: () => tf.tensor(y, [ROWS, ...outShape]) };
}

describe.each(CASES)('dot: $name', (c) => {
  it('gradientCheck: both inputs get their gradient through the product', () => {
    const m = build(c, 3);
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const { x, y } = dataFor(c, m, 11);
    const result = gradientCheck(m, x, y);
    // Every dense kernel is checked (the first two sit before the dot).
    expect(result.tensors.filter((t) => t.name.endsWith('/kernel'))).toHaveLength(c.second ? 3 : 2);
    expect(result.maxRelativeError, JSON.stringify(result.tensors)).toBeLessThan(1e-3);
  });

  it('TF.js parity: the output shape, predictions, and weights after 3 steps of sgd and of adam', async () => {
    const initial = build(c, 5).getWeights();
    for (const optimizer of ['sgd', 'adam'] as const) {
      const m = build(c, 5);
      const { r, dotShape } = tfBuild(c, m.getWeights());
      expect(m.getLayer('dot').computeOutputShapes(m.layerInputs(m.layers.findIndex((l) => l.name === 'dot')).shapes)).toEqual(dotShape.slice(1));
      const { x, y, tx, ty } = dataFor(c, m, 21);
      const xs = tx(), ys = ty();
      expectClose(m.predict(x), (r.predict(xs) as tf.Tensor).dataSync(), 'predict');
      m.compile({ optimizer, loss: 'meanSquaredError' });
      r.compile({ optimizer: optimizer === 'sgd' ? tf.train.sgd(0.01) : tf.train.adam(0.001), loss: 'meanSquaredError' });
      for (let step = 0; step < 3; step++) {
        m.trainOnBatch(x, y);
        await r.trainOnBatch(xs, ys);
      }
      const want = r.getWeights().map((w) => w.dataSync() as Float32Array);
      const got = m.getWeights();
      // (The weights moved: a check that would pass on untrained weights proves nothing.)
      expect(got.some((w, i) => w.some((v, j) => v !== initial[i][j]))).toBe(true);
      got.forEach((w, i) => expectClose(w, want[i], `${optimizer} weight ${i}`));
      tf.dispose([xs, ys].flat());
      r.dispose();
      m.dispose();
    }
  });

  it('save and load both ways: TF.js runs neurite\'s file, neurite runs TF.js\'s, axes written as given', async () => {
    const m = build(c, 7);
    const { x, tx } = dataFor(c, m, 31);
    const expected = m.predict(x);
    const artifacts = await m.save();
    const topology = artifacts.modelTopology as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    const dot = topology.config.layers.find((l) => l.class_name === 'Dot')!;
    expect(dot.config.axes).toEqual(c.axes);
    expect(dot.config.normalize).toBe(c.normalize ?? false);
    const inTf = await tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
    const xs = tx();
    expectClose((inTf.predict(xs) as tf.Tensor).dataSync(), expected, 'TF.js loading neurite', 1e-5, 1e-6);
    let saved: tf.io.ModelArtifacts | undefined;
    await inTf.save(tf.io.withSaveHandler(async (art) => { saved = art; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
    for (const art of [artifacts, saved!]) {
      const back = await loadModel(art as never);
      expect((back.getLayer('dot') as unknown as { axes: unknown }).axes).toEqual(c.axes);
      expectClose(back.predict(x), expected, 'neurite loading', 1e-6, 1e-7);
      back.dispose();
    }
    tf.dispose([xs].flat());
    inTf.dispose();
    m.dispose();
  });
});

describe('dot: errors', () => {
  const pair = (first: number[], second: number[]): [SymbolicTensor, SymbolicTensor] => [input({ shape: first }), input({ shape: second })];

  it('contracted axes of different lengths: a ShapeError naming the layer and both shapes, where TF.js refuses too', () => {
    expect(() => layers.dot({ axes: [2, 2], name: 'scores' }).apply(pair([3, 4], [2, 5]))).toThrow(ShapeError);
    expect(() => layers.dot({ axes: [2, 2], name: 'scores' }).apply(pair([3, 4], [2, 5]))).toThrow(/Dot layer "scores": multiplies axis 2 of \[null,3,4\] \(4 values\) with axis 2 of \[null,2,5\] \(5\)/);
    expect(() => layers.dot({ axes: 1 }).apply(pair([3], [4]))).toThrow(/axis 1 of \[null,3\] \(3 values\) with axis 1 of \[null,4\] \(4\)/);
    expect(() => layers.dot({ axes: [1, 2] }).apply(pair([3, 4], [2, 4]))).toThrow(ShapeError);
    expect(() => tf.layers.dot({ axes: [2, 2] }).apply([tf.input({ shape: [3, 4] }), tf.input({ shape: [2, 5] })])).toThrow(/Dimension incompatibility: 4 !== 5/);
  });

  it('an axis the input lacks, or the batch axis: a ValueError naming the layer, the input and the axis', () => {
    expect(() => layers.dot({ axes: 3, name: 'd' }).apply(pair([3, 4], [2, 4]))).toThrow(ValueError);
    expect(() => layers.dot({ axes: 3, name: 'd' }).apply(pair([3, 4], [2, 4]))).toThrow(/Dot layer "d": axes 3 give the first input, \[null,3,4\], axis 3, which it does not have: its axes are 1 or 2/);
    expect(() => layers.dot({ axes: [1, 2] }).apply(pair([4], [4]))).toThrow(/the second input, \[null,4\], axis 2, which it does not have: its axes are 1 \(or -1\)/);
    expect(() => layers.dot({ axes: [-3, 2] }).apply(pair([3, 4], [2, 4]))).toThrow(/the first input, \[null,3,4\], axis -3, its batch axis/);
    expect(() => layers.dot({ axes: -2 }).apply(pair([4], [4]))).toThrow(/axis -2, its batch axis/);
    expect(() => layers.dot({ axes: [2, -4] }).apply(pair([3, 4], [2, 4]))).toThrow(ValueError);
  });

  it('bad options, examples of three axes, three inputs, masks', () => {
    for (const axes of [0, [1], [1, 2, 3], [0, 1], 1.5, '1', undefined, null]) expect(() => layers.dot({ axes } as never), String(axes)).toThrow(ValueError);
    expect(() => layers.dot({ axes: 1, normalize: 'yes' } as never)).toThrow(/normalize must be a boolean/);
    expect(() => layers.dot({ axes: 1, name: 'd' }).apply(pair([2, 3, 4], [2, 3, 4]))).toThrow(/Dot layer "d": takes examples of one or two axes, got \[null,2,3,4\] and \[null,2,3,4\]/);
    const [a, b] = pair([3], [3]);
    expect(() => layers.dot({ axes: 1 }).apply([a, b, a])).toThrow(/takes 2 inputs, got 3/);
  });

  it('a masked input: the dot computes on every step and ends the mask, as Keras\'s Dot (an LSTM after it sees every step)', () => {
    const ids = input({ shape: [3] });
    const e = layers.embedding({ inputDim: 5, outputDim: 4, maskZero: true }).apply(ids);
    const d = layers.dot({ axes: [2, 2] }).apply([e, e]);
    const m = model({ inputs: ids, outputs: layers.lstm({ units: 2 }).apply(d), seed: 4 });
    // TF.js with the same weights: unmasked, the same numbers; masked, TF.js 4.22 (whose
    // Dot.computeMask returns null too) still hands the embedding's mask to the LSTM.
    const tfModel = (maskZero: boolean) => {
      const t = tf.input({ shape: [3] });
      const te = tf.layers.embedding({ inputDim: 5, outputDim: 4, maskZero }).apply(t) as tf.SymbolicTensor;
      const td = tf.layers.dot({ axes: [2, 2] }).apply([te, te]) as tf.SymbolicTensor;
      const r = tf.model({ inputs: t, outputs: tf.layers.lstm({ units: 2 }).apply(td) as tf.SymbolicTensor });
      const shapes = r.getWeights().map((w) => w.shape);
      r.setWeights(m.getWeights().map((w, i) => tf.tensor(w, shapes[i])));
      return r;
    };
    const x = new Float32Array([1, 2, 0, 3, 0, 0, 4, 4, 1]);
    const xs = tf.tensor(x, [3, 3]);
    const [unmasked, masked] = [tfModel(false), tfModel(true)];
    expectClose(m.predict(x), (unmasked.predict(xs) as tf.Tensor).dataSync(), 'predict');
    const theirs = (masked.predict(xs) as tf.Tensor).dataSync();
    expect(Array.from(m.predict(x)).some((v, i) => Math.abs(v - theirs[i]) > 1e-4)).toBe(true);
    tf.dispose(xs);
    unmasked.dispose();
    masked.dispose();
    m.dispose();
  });

  it('getConfig / fromConfig keep axes as given, a number or a pair, and the summary shows them', () => {
    for (const axes of [1, -1, [2, 2], [-1, -2]] as const) {
      const layer = layers.dot({ axes: axes as never, normalize: true });
      expect(layer.getConfig()).toEqual({ axes, normalize: true });
      const back = (layer.constructor as unknown as { fromConfig: (c: Record<string, unknown>) => typeof layer }).fromConfig({ name: 'x', ...layer.getConfig() });
      expect(back.axes).toEqual(axes);
      expect(back.normalize).toBe(true);
    }
    const m = build(CASES[0], 1);
    expect(m.summary()).toMatch(/dot \(Dot\) +\[null,3,2\] +0\n +← dense_\d+, dense_\d+; axes: \[2,2\]\n/);
  });
});

describe('dot: an attention block', () => {
  // Self-attention on one [T, F] input: queries, keys and values from dense layers, scores = q·kᵀ
  // (dot over axes [2, 2]), each row's softmax, then scores·v (dot over axes [2, 1]). neurite has no
  // activation layer: the softmax over the last axis is a frozen dense with an identity kernel and
  // no bias, exactly softmax(scores) (checked against TF.js's activation layer below).
  const T = 4, F = 3, D = 4;
  function attention(seed: number): LayersModel {
    const x = input({ shape: [T, F], name: 'x' });
    const q = layers.dense({ units: D, name: 'q' }).apply(x);
    const k = layers.dense({ units: D, name: 'k' }).apply(x);
    const v = layers.dense({ units: D, name: 'v' }).apply(x);
    const scores = layers.dot({ axes: [2, 2], name: 'scores' }).apply([q, k]);
    const weights = layers.dense({ units: T, useBias: false, activation: 'softmax', kernelInitializer: 'identity', trainable: false, name: 'softmax' }).apply(scores);
    const attended = layers.dot({ axes: [2, 1], name: 'attended' }).apply([weights, v]);
    const joined = layers.concatenate().apply([attended, x]);
    return model({ inputs: x, outputs: layers.dense({ units: 1, name: 'out' }).apply(joined), seed });
  }
  const n = 64, x = values(41, n * T * F);
  // Each step's target: its own second feature plus the mean over the steps of the first (which
  // only the attention path can see).
  const y = new Float32Array(n * T).map((_, i) => {
    const r = Math.floor(i / T), t = i % T;
    let mean = 0;
    for (let s = 0; s < T; s++) mean += x[(r * T + s) * F] / T;
    return x[(r * T + t) * F + 1] + mean;
  });

  it('is the function TF.js computes with an activation softmax', () => {
    const m = attention(2);
    const tx = tf.input({ shape: [T, F] });
    const dense = (units: number, name: string) => tf.layers.dense({ units, name });
    const tq = dense(D, 'q').apply(tx) as tf.SymbolicTensor, tk = dense(D, 'k').apply(tx) as tf.SymbolicTensor, tv = dense(D, 'v').apply(tx) as tf.SymbolicTensor;
    const ts = tf.layers.dot({ axes: [2, 2] }).apply([tq, tk]) as tf.SymbolicTensor;
    const tw = tf.layers.activation({ activation: 'softmax' }).apply(ts) as tf.SymbolicTensor;
    const ta = tf.layers.dot({ axes: [2, 1] }).apply([tw, tv]) as tf.SymbolicTensor;
    const r = tf.model({ inputs: tx, outputs: dense(1, 'out').apply(tf.layers.concatenate().apply([ta, tx]) as tf.SymbolicTensor) as tf.SymbolicTensor });
    for (const name of ['q', 'k', 'v', 'out']) r.getLayer(name).setWeights(m.getLayer(name).getWeights().map((w, i) => tf.tensor(w, r.getLayer(name).getWeights()[i].shape)));
    const xs = tf.tensor(x.subarray(0, 8 * T * F), [8, T, F]);
    expectClose(m.predict(x.subarray(0, 8 * T * F)), (r.predict(xs) as tf.Tensor).dataSync(), 'attention predict');
    tf.dispose(xs);
    r.dispose();
  });

  it('gradientCheck, and fit learns a target only the attention path can reach', async () => {
    const m = attention(3);
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'meanSquaredError' });
    const check = gradientCheck(m, x.subarray(0, 3 * T * F), y.subarray(0, 3 * T));
    // (The keys' bias adds q·b to a whole row of scores, which the softmax ignores: its gradient is
    // exactly 0, so its relative error compares rounding noise with rounding noise.)
    const checked = check.tensors.filter((t) => t.name !== 'k/bias');
    expect(checked).toHaveLength(8);
    expect(checked.every((t) => t.maxRelativeError < 1e-3), JSON.stringify(check.tensors)).toBe(true);
    const before = m.evaluate(x, y).loss;
    await m.fit(x, y, { epochs: 80, batchSize: 16 });
    expect(m.evaluate(x, y).loss).toBeLessThan(before / 10);
  });
});
