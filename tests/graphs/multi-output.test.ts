// Graph models with several outputs: one loss per output (a list, a map by output name, or one for
// all), lossWeights, TF.js's log names (dense_2_loss, dense_2_acc), labels given per output, and an
// output that another layer also reads (its gradient is the loss's plus the layer's: both paths).
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, tfjsCpu } from '../tfjs-cpu.js';
import { random } from '../reference.js';
import { ready, model, input, layers, optimizers, gradientCheck, loadModel, workerTrainer, ShapeError, StateError, ValueError, type LayersModel } from '../../src/index.js';
import { expectClose, uniform } from '../close.js';

beforeAll(async () => {
  await tfjsCpu();
  await ready();
});

// One-hot rows of `classes`, classes drawn at random.
const oneHot = (seed: number, rows: number, classes: number) => {
  const rand = random(seed), out = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) out[r * classes + Math.floor(rand() * classes)] = 1;
  return out;
};


/** A body with two heads: a regression value ("value", mse) and a 3-class softmax ("kind"). */
function twoHeads(seed = 4): LayersModel<Float32Array[]> {
  const t = input({ shape: [5], name: 'features' });
  const body = layers.dense({ units: 6, activation: 'tanh', name: 'body' }).apply(t);
  const value = layers.dense({ units: 2, name: 'value' }).apply(body);
  const kind = layers.dense({ units: 3, activation: 'softmax', name: 'kind' }).apply(body);
  return model({ inputs: t, outputs: [value, kind], seed });
}

function tfTwoHeads(weights: Float32Array[]): tf.LayersModel {
  const t = tf.input({ shape: [5], name: 'features' });
  const body = tf.layers.dense({ units: 6, activation: 'tanh', name: 'body' }).apply(t) as tf.SymbolicTensor;
  const value = tf.layers.dense({ units: 2, name: 'value' }).apply(body) as tf.SymbolicTensor;
  const kind = tf.layers.dense({ units: 3, activation: 'softmax', name: 'kind' }).apply(body) as tf.SymbolicTensor;
  const m = tf.model({ inputs: t, outputs: [value, kind] });
  const shapes = m.getWeights().map((w) => w.shape);
  m.setWeights(weights.map((w, i) => tf.tensor(w, shapes[i])));
  return m;
}

const ROWS = 6;
const x = uniform(1, ROWS * 5), yValue = uniform(2, ROWS * 2), yKind = oneHot(3, ROWS, 3);

describe('two outputs on one body', () => {
  it('gradientCheck: each output its own loss, weighted by lossWeights (list or map)', () => {
    for (const lossWeights of [undefined, [1, 0.25], { kind: 3, value: 0.5 }]) {
      const m = twoHeads();
      m.compile({ optimizer: 'sgd', loss: ['meanSquaredError', 'categoricalCrossentropy'], ...(lossWeights && { lossWeights }) });
      const result = gradientCheck(m, x, [yValue, yKind]);
      expect(result.tensors.map((t) => t.name)).toEqual(['body/kernel', 'body/bias', 'value/kernel', 'value/bias', 'kind/kernel', 'kind/bias']);
      expect(result.maxRelativeError, JSON.stringify(result.tensors)).toBeLessThan(1e-3);
      m.dispose();
    }
  });

  it('an output another layer also reads gets both gradients: the loss\'s and the layer\'s', () => {
    // "probs" is an output (categorical cross-entropy on its softmax) and also feeds "score".
    const t = input({ shape: [5] });
    const probs = layers.dense({ units: 3, activation: 'softmax', name: 'probs' }).apply(t);
    const score = layers.dense({ units: 1, name: 'score' }).apply(probs);
    const m = model({ inputs: t, outputs: [probs, score], seed: 8 });
    m.compile({ optimizer: 'sgd', loss: { probs: 'categoricalCrossentropy', score: 'meanSquaredError' }, lossWeights: { probs: 0.7, score: 1.3 } });
    const result = gradientCheck(m, x, { probs: yKind, score: uniform(9, ROWS) });
    expect(result.maxRelativeError, JSON.stringify(result.tensors)).toBeLessThan(1e-3);
    // Without the loss on probs, its kernel's gradient is what score passes back alone: different.
    const g = m.computeGradients(x, [yKind, uniform(9, ROWS)]).gradients[0];
    m.compile({ optimizer: 'sgd', loss: ['categoricalCrossentropy', 'meanSquaredError'], lossWeights: [0, 1.3] });
    const alone = m.computeGradients(x, [yKind, uniform(9, ROWS)]).gradients[0];
    expect(Array.from(alone)).not.toEqual(Array.from(g));
    m.dispose();
  });

  it('TF.js parity: predictions per output, evaluate\'s logs under TF.js\'s names, weights after 3 sgd and 3 adam steps', async () => {
    for (const optimizer of ['sgd', 'adam'] as const) {
      const m = twoHeads(11);
      const r = tfTwoHeads(m.getWeights());
      const xs = tf.tensor(x, [ROWS, 5]), ys = [tf.tensor(yValue, [ROWS, 2]), tf.tensor(yKind, [ROWS, 3])];
      const mine = m.predict(x);
      const theirs = r.predict(xs) as tf.Tensor[];
      expect(mine).toHaveLength(2);
      expectClose(mine[0], theirs[0].dataSync(), 'value');
      expectClose(mine[1], theirs[1].dataSync(), 'kind');
      m.compile({ optimizer, loss: ['meanSquaredError', 'categoricalCrossentropy'], metrics: ['accuracy'] });
      r.compile({ optimizer: optimizer === 'sgd' ? tf.train.sgd(0.01) : tf.train.adam(0.001), loss: ['meanSquaredError', 'categoricalCrossentropy'], metrics: ['accuracy'] });
      // TF.js's names: loss, each output's loss, then each output's metrics, prefixed with its name.
      const logs = m.evaluate(x, [yValue, yKind]);
      // TF.js 4.22's evaluate() with several outputs returns one value more than metricsNames, an
      // extra copy of the first output's loss in front; the rest line up with the names.
      const all = (r.evaluate(xs, ys) as tf.Scalar[]).map((s) => s.dataSync()[0]);
      expect(all).toHaveLength(r.metricsNames.length + 1);
      const want = all.slice(1);
      expect(r.metricsNames).toEqual(['loss', 'value_loss', 'kind_loss', 'value_acc', 'kind_acc']);
      r.metricsNames.forEach((name, i) => expectClose([logs[name]], [want[i]], `evaluate ${name}`));
      expect(logs.loss).toBeCloseTo(logs.value_loss + logs.kind_loss, 6);
      for (let step = 0; step < 3; step++) {
        const loss = m.trainOnBatch(x, [yValue, yKind]);
        const tfLoss = (await r.trainOnBatch(xs, ys)) as number[];
        expectClose([loss], [tfLoss[0]], `${optimizer} step ${step} loss`);
      }
      const weights = r.getWeights().map((w) => w.dataSync() as Float32Array);
      m.getWeights().forEach((w, i) => expectClose(w, weights[i], `${optimizer} weight ${i}`));
      tf.dispose([xs, ...ys, ...theirs]);
      r.dispose();
      m.dispose();
    }
  });

  it('lossWeights: an output weighed 0 does not train its head; the total is the weighted sum', async () => {
    const m = twoHeads(5);
    m.compile({ optimizer: 'sgd', loss: ['meanSquaredError', 'categoricalCrossentropy'], lossWeights: { value: 0, kind: 2 } });
    const before = m.getWeights();
    const logs = m.evaluate(x, { value: yValue, kind: yKind });
    expect(logs.loss).toBeCloseTo(2 * logs.kind_loss, 6);
    await m.fit(x, [yValue, yKind], { epochs: 3, batchSize: 3 });
    const after = m.getWeights();
    expect(Array.from(after[2])).toEqual(Array.from(before[2])); // value/kernel: no gradient reaches it
    expect(Array.from(after[3])).toEqual(Array.from(before[3]));
    expect(Array.from(after[4])).not.toEqual(Array.from(before[4])); // kind/kernel trains
    m.dispose();
  });

  it('fit logs each output\'s loss and metrics, val_ too, and learns both tasks', async () => {
    const rows = 200, xs = uniform(21, rows * 5);
    // value = two linear functions of x; kind = which of three bands x0 + x1 falls in.
    const ys = new Float32Array(rows * 2), kinds = new Float32Array(rows * 3);
    for (let r = 0; r < rows; r++) {
      const f = xs.subarray(r * 5, r * 5 + 5);
      ys[r * 2] = f[0] - 0.5 * f[2];
      ys[r * 2 + 1] = 0.3 * f[1] + f[4];
      const s = f[0] + f[1];
      kinds[r * 3 + (s < -0.5 ? 0 : s < 0.5 ? 1 : 2)] = 1;
    }
    const m = twoHeads(2);
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: { value: 'meanSquaredError', kind: 'categoricalCrossentropy' }, metrics: { kind: 'accuracy', value: ['mae'] } });
    const history = await m.fit(xs, { value: ys, kind: kinds }, { epochs: 60, batchSize: 16, validationSplit: 0.2 });
    expect(Object.keys(history.history).sort()).toEqual(
      ['loss', 'value_loss', 'kind_loss', 'value_mae', 'kind_acc', 'kind_accuracy', 'val_loss', 'val_value_loss', 'val_kind_loss', 'val_value_mae', 'val_kind_acc', 'val_kind_accuracy', 'lr'].sort());
    const h = history.history, last = h.loss.length - 1;
    expect(h.value_loss[last]).toBeLessThan(h.value_loss[0] / 5);
    expect(h.kind_loss[last]).toBeLessThan(h.kind_loss[0] / 2);
    expect(h.val_kind_acc[last]).toBeGreaterThan(0.8);
    expect(h.loss[last]).toBeCloseTo(h.value_loss[last] + h.kind_loss[last], 5);
    m.dispose();
  });

  it('metric functions run per output, keyed by its name', () => {
    const m = twoHeads();
    const seen: number[][] = [];
    function width(yTrue: Float32Array, yPred: Float32Array) {
      seen.push([yTrue.length, yPred.length]);
      return yPred.length / ROWS;
    }
    m.compile({ optimizer: 'sgd', loss: ['meanSquaredError', 'categoricalCrossentropy'], metrics: [width] });
    const logs = m.evaluate(x, [yValue, yKind]);
    expect(logs.value_width).toBe(2);
    expect(logs.kind_width).toBe(3);
    expect(seen).toEqual([[ROWS * 2, ROWS * 2], [ROWS * 3, ROWS * 3]]);
    m.dispose();
  });

  it('sparse labels for one output, dense for the other; the sparse check names the output', () => {
    const m = twoHeads();
    m.compile({ optimizer: 'adam', loss: ['meanSquaredError', 'sparseCategoricalCrossentropy'], metrics: { kind: ['accuracy'] } });
    const ids = Float32Array.from({ length: ROWS }, (_, r) => r % 3);
    const dense = twoHeads();
    dense.compile({ optimizer: 'adam', loss: ['meanSquaredError', 'categoricalCrossentropy'] });
    const onehot = new Float32Array(ROWS * 3);
    ids.forEach((c, r) => { onehot[r * 3 + c] = 1; });
    // The same loss whichever way the labels are written.
    expect(m.evaluate(x, [yValue, ids]).loss).toBeCloseTo(dense.evaluate(x, [yValue, onehot]).loss, 6);
    const bad = ids.slice();
    bad[4] = 3;
    const before = m.getWeights();
    expect(() => m.trainOnBatch(x, [yValue, bad])).toThrow(/y \(output "kind"\): sparseCategoricalCrossentropy takes class indices, integers in \[0, 2\], got 3 at row 4/);
    expect(m.getWeights()).toEqual(before);
    m.dispose();
    dense.dispose();
  });

  it('errors: per-output options that do not match the outputs, labels not given per output, outputShape', async () => {
    const m = twoHeads();
    expect(() => m.compile({ optimizer: 'sgd', loss: ['meanSquaredError'] })).toThrow(/loss has 1 entries but the model has 2 outputs \(value, kind\)/);
    expect(() => m.compile({ optimizer: 'sgd', loss: { value: 'meanSquaredError', kinds: 'categoricalCrossentropy' } })).toThrow(/loss names "kinds", which is not an output of the model; its outputs are value, kind/);
    expect(() => m.compile({ optimizer: 'sgd', loss: { value: 'meanSquaredError' } })).toThrow(/loss has no entry for output "kind"/);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'meanSquaredError', lossWeights: [1, -1] })).toThrow(/lossWeights for output "kind"/);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'meanSquaredError', lossWeights: 2 as never })).toThrow(/lossWeights must be a list with one number per output/);
    expect(() => m.outputShape).toThrow(StateError);
    expect(m.outputShapes).toEqual([[2], [3]]);
    expect(m.outputNames).toEqual(['value', 'kind']);
    // One loss for both outputs (TF.js): mse over each.
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    expect(m.losses!.map((l) => l.loss.name)).toEqual(['meanSquaredError', 'meanSquaredError']);
    expect(() => m.trainOnBatch(x, yValue)).toThrow(/the model has 2 outputs \(value, kind\): give an array of them or an object keyed by their names/);
    expect(() => m.trainOnBatch(x, [yValue])).toThrow(/give an array of 2, one per output/);
    expect(() => m.trainOnBatch(x, { value: yValue })).toThrow(/no data for output "kind"/);
    expect(() => m.trainOnBatch(x, [yValue, yKind.subarray(3)])).toThrow(ShapeError);
    await expect(m.fit(x, [yValue, yKind], { classWeight: { 0: 1, 1: 2 } })).rejects.toThrow(/classWeight: the model has 2 outputs/);
    m.dispose();
  });
});

describe('saving a model with two outputs', () => {
  it('round trip keeps the losses, loss weights and metrics; TF.js loads it (output_layers, loss list) and neurite loads TF.js\'s', async () => {
    const m = twoHeads(12);
    m.compile({ optimizer: 'adam', loss: ['meanSquaredError', 'categoricalCrossentropy'], metrics: { kind: ['accuracy'] }, lossWeights: [0.5, 2] });
    await m.fit(x, [yValue, yKind], { epochs: 2, batchSize: 3 });
    const expected = m.predict(x);
    const artifacts = await m.save(undefined, { includeOptimizer: true });
    const back = await loadModel(artifacts);
    expect(back.outputNames).toEqual(['value', 'kind']);
    expect(back.losses!.map(({ loss, weight }) => [loss.name, weight])).toEqual([['meanSquaredError', 0.5], ['categoricalCrossentropy', 2]]);
    (back.predict(x)).forEach((p, k) => expect(Array.from(p)).toEqual(Array.from(expected[k])));
    // Trained on, both continue bit for bit alike.
    await m.fit(x, [yValue, yKind], { epochs: 1, batchSize: 3 });
    const h = await back.fit(x, [yValue, yKind], { epochs: 1, batchSize: 3 });
    expect(Object.keys(h.history)).toContain('kind_acc');
    expect(back.getWeights()).toEqual(m.getWeights());

    // TF.js reads neurite's file (no loss weights: TF.js has none, so the training config is left out
    // when they are not all 1; with all 1 it is written as a loss list).
    const plain = twoHeads(13);
    plain.compile({ optimizer: 'sgd', loss: ['meanSquaredError', 'categoricalCrossentropy'], metrics: ['accuracy'] });
    const saved = await plain.save();
    expect((saved.modelTopology as { config: { output_layers: unknown } }).config.output_layers).toEqual([['value', 0, 0], ['kind', 0, 0]]);
    expect(saved.trainingConfig).toMatchObject({ loss: ['mean_squared_error', 'categorical_crossentropy'], metrics: { value: ['accuracy'], kind: ['accuracy'] } });
    const inTf = await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    const mine = plain.predict(x);
    const theirs = inTf.predict(tf.tensor(x, [ROWS, 5])) as tf.Tensor[];
    mine.forEach((p, k) => expectClose(theirs[k].dataSync(), p, `TF.js output ${k}`, 1e-5, 1e-6));
    // TF.js saves its own; neurite loads it with the same outputs.
    let fromTf: tf.io.ModelArtifacts | undefined;
    await inTf.save(tf.io.withSaveHandler(async (art) => { fromTf = art; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
    const again = await loadModel(fromTf as never);
    (again.predict(x)).forEach((p, k) => expectClose(p, mine[k], `neurite loading TF.js output ${k}`, 1e-6, 1e-7));
    for (const d of [m, back, plain, again]) d.dispose();
    tf.dispose(theirs);
    inTf.dispose();
  });
});

it('workerTrainer trains a two-output graph to exactly the weights fit() gives here', async () => {
  const build = () => {
    const m = twoHeads(7);
    m.compile({ optimizer: 'adam', loss: ['meanSquaredError', 'categoricalCrossentropy'], lossWeights: [1, 0.5], metrics: { kind: 'accuracy' } });
    return m;
  };
  const here = build();
  const mine = await here.fit(x, [yValue, yKind], { epochs: 3, batchSize: 2 });
  const trainer = await workerTrainer(build());
  try {
    const theirs = await trainer.fit(x, [yValue, yKind], { epochs: 3, batchSize: 2 });
    expect(theirs.history).toEqual(mine.history);
    const there = await trainer.getModel();
    expect(there.getWeights().map((w) => Array.from(w))).toEqual(here.getWeights().map((w) => Array.from(w)));
    const predicted = (await trainer.predict(x));
    expect(predicted.map((p) => Array.from(p))).toEqual((here.predict(x)).map((p) => Array.from(p)));
  } finally {
    trainer.terminate();
  }
});
