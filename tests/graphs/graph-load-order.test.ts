// Regression (found in review, fixed): loadModel() of a TF.js-saved functional model puts weights on the wrong layers
// when TF.js's layer order (model.layers, as written in model.json: Keras sorts the nodes by depth)
// differs from the order neurite's model() walks the graph in (depth-first from the output).
// parse() collects the weights in the file's layer order and load.ts hands them to setWeights(),
// which takes them in the model's order: two dense layers of the same shape swap weights silently
// (different shapes give a confusing ShapeError instead). TF.js's own loadLayersModel matches
// weights by name, so it predicts correctly. Fix: give each layer its own weights (by layer, or by
// name) rather than relying on the two orders being equal.
import { beforeAll, expect, it } from 'vitest';
import { tf, tfjsCpu } from '../tfjs-cpu.js';
import { random } from '../reference.js';
import { ready, loadModel } from '../../src/index.js';

beforeAll(async () => {
  await tfjsCpu();
  await ready();
});

const rnd = (seed: number, n: number) => {
  const r = random(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
};

async function savedByTfjs(m: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await m.save(tf.io.withSaveHandler(async (art) => {
    saved = art;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved!;
}

it('a TF.js graph with a short and a long branch loads with each layer\'s own weights and TF.js\'s predictions', async () => {
  // t → a ─────────┐
  // t → b0 → b ────┴ concatenate → out      (TF.js's order: b0, a, b, ...; a depth-first walk: a, b0, b, ...)
  const t = tf.input({ shape: [4] });
  const a = tf.layers.dense({ units: 4, activation: 'tanh', name: 'a' }).apply(t) as tf.SymbolicTensor;
  const b0 = tf.layers.dense({ units: 4, activation: 'tanh', name: 'b0' }).apply(t) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 4, name: 'b' }).apply(b0) as tf.SymbolicTensor;
  const j = tf.layers.concatenate({ name: 'j' }).apply([a, b]) as tf.SymbolicTensor;
  const r = tf.model({ inputs: t, outputs: tf.layers.dense({ units: 1, name: 'out' }).apply(j) as tf.SymbolicTensor });
  const m = await loadModel((await savedByTfjs(r)) as never);
  for (const name of ['a', 'b0', 'b', 'out']) {
    const want = r.getLayer(name).getWeights().map((w) => Array.from(w.dataSync()));
    expect(m.getLayer(name).getWeights().map((w) => Array.from(w)), `layer ${name}`).toEqual(want);
  }
  const x = rnd(1, 12);
  const want = (r.predict(tf.tensor(x, [3, 4])) as tf.Tensor).dataSync();
  const got = m.predict(x);
  for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
  r.dispose();
  m.dispose();
});

it('the same with layers of different shapes: it loads (no ShapeError) with TF.js\'s predictions', async () => {
  const t = tf.input({ shape: [3] });
  const a = tf.layers.dense({ units: 2, name: 'a' }).apply(t) as tf.SymbolicTensor;
  const b0 = tf.layers.dense({ units: 5, activation: 'relu', name: 'b0' }).apply(t) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 2, name: 'b' }).apply(b0) as tf.SymbolicTensor;
  const r = tf.model({ inputs: t, outputs: tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor });
  const m = await loadModel((await savedByTfjs(r)) as never);
  const x = rnd(2, 9);
  const want = (r.predict(tf.tensor(x, [3, 3])) as tf.Tensor).dataSync();
  const got = m.predict(x);
  for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
  r.dispose();
  m.dispose();
});
