// The preprocessing layers saved with the model — rescaling, categoryEncoding, normalization —
// beyond the shared conformance rows in tests/layers.test.ts: TF.js 4.22 parity where TF.js has the
// layer (and where its Sequential cannot run it), Keras's formula and saved form for normalization
// (TF.js has none), adapt(), and the checks on ids and options.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, tfjsCpu } from './tfjs-cpu.js';
import { random } from './reference.js';
import { ready, sequential, layers, loadModel, optimizers, ShapeError, ValueError, type ModelArtifacts } from '../src/index.js';
import { LAYER_CLASSES } from '../src/layers/registry.js';

beforeAll(async () => {
  await tfjsCpu();
  expect(tf.version.tfjs).toBe('4.22.0');
  await ready();
});

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

async function tfArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved!;
}

const layerConfigs = (artifacts: { modelTopology?: unknown }) =>
  ((artifacts.modelTopology as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }).config.layers);

describe('rescaling', () => {
  it('is bitwise TF.js\'s x·scale + offset (a float32 product, then a sum), in predict', () => {
    const rand = random(1);
    const x = Float32Array.from({ length: 64 }, (_, i) => (i < 32 ? Math.floor(rand() * 256) : (rand() - 0.5) * 1e3));
    for (const [scale, offset] of [[1 / 255, 0], [1 / 127.5, -1], [-3.7, 0.1]]) {
      const model = sequential({ inputShape: [8] });
      model.add(layers.rescaling({ scale, offset }));
      const want = tf.tidy(() => tf.layers.rescaling({ scale, offset }).apply(tf.tensor(x, [8, 8])) as tf.Tensor).dataSync() as Float32Array;
      expect(bits(model.predict(x))).toEqual(bits(want));
      model.dispose();
    }
  });

  it("defaults and saved form as TF.js: offset 0, config { scale, offset }; TF.js's saved config loads", async () => {
    const r = layers.rescaling({ scale: 0.5 });
    expect(r.offset).toBe(0);
    expect(r.getConfig()).toEqual({ scale: 0.5, offset: 0 });
    const reference = tf.sequential({ layers: [tf.layers.rescaling({ scale: 2, offset: 3, inputShape: [2] })] });
    const saved = layerConfigs(await tfArtifacts(reference))[0];
    expect(saved.class_name).toBe('Rescaling');
    const loaded = LAYER_CLASSES.Rescaling(saved.config);
    expect(loaded.getConfig()).toEqual({ scale: 2, offset: 3 });
    reference.dispose();
  });

  it('bad options are ValueErrors naming them', () => {
    expect(() => layers.rescaling({} as never)).toThrow(/layers.rescaling\(\): scale must be a finite number, got undefined/);
    expect(() => layers.rescaling({ scale: 1e39 })).toThrow(ValueError);
    expect(() => layers.rescaling({ scale: 1, offset: NaN })).toThrow(/offset/);
    expect(() => layers.rescaling({ scale: 1, bias: 2 } as never)).toThrow(/unknown option "bias"/);
  });
});

describe('categoryEncoding', () => {
  const ids = [[0, 3, 3, 1, 0, 3], [2, 2, 2, 2, 2, 2], [1, 0, 1, 0, 1, 0]];

  it.each(['multiHot', 'count'] as const)('%s: the same rows as TF.js\'s layer applied on its own, for any number of ids', (outputMode) => {
    const model = sequential({ inputShape: [6] });
    model.add(layers.categoryEncoding({ numTokens: 4, outputMode }));
    const want = tf.tidy(() => tf.layers.categoryEncoding({ numTokens: 4, outputMode }).apply(tf.tensor2d(ids)) as tf.Tensor).dataSync();
    expect(Array.from(model.predict(ids))).toEqual(Array.from(want));
    model.dispose();
  });

  it("oneHot: one id to a row as TF.js's layer; k ids to [k, numTokens] as Keras (TF.js refuses that rank)", () => {
    const one = sequential({ inputShape: [1] });
    one.add(layers.categoryEncoding({ numTokens: 3, outputMode: 'oneHot' }));
    const want = tf.tidy(() => tf.layers.categoryEncoding({ numTokens: 3, outputMode: 'oneHot' }).apply(tf.tensor2d([[2], [0]])) as tf.Tensor).dataSync();
    expect(Array.from(one.predict([[2], [0]]))).toEqual(Array.from(want));
    const many = sequential({ inputShape: [2] });
    many.add(layers.categoryEncoding({ numTokens: 3, outputMode: 'oneHot' }));
    expect(many.outputShape).toEqual([2, 3]);
    expect(Array.from(many.predict([[2, 0]]))).toEqual([0, 0, 1, 1, 0, 0]);
    expect(() => tf.tidy(() => tf.layers.categoryEncoding({ numTokens: 3, outputMode: 'oneHot' }).apply(tf.tensor2d([[2, 0]])))).toThrow(/maximum output rank is 2/);
    one.dispose();
    many.dispose();
  });

  it("TF.js's Sequential overwrites the input shape with the output shape (why the conformance rows use k = numTokens)", () => {
    const model = tf.sequential({ layers: [tf.layers.categoryEncoding({ numTokens: 4, inputShape: [6] })] });
    expect(model.inputs[0].shape).toEqual([null, 4]);
    expect(() => model.predict(tf.tensor2d(ids))).toThrow(/expected .* to have shape \[null,4\] but got array with shape \[3,6\]/);
    model.dispose();
  });

  it('training a dense head on the encoding gives the weights TF.js gives on its encoded rows', async () => {
    const rand = random(4);
    const x = Array.from({ length: 8 }, () => Array.from({ length: 6 }, () => Math.floor(rand() * 4)));
    const y = Array.from({ length: 8 }, () => [rand(), rand() - 0.5]);
    const model = sequential({ inputShape: [6], seed: 3 });
    model.add(layers.categoryEncoding({ numTokens: 4, outputMode: 'count' }));
    model.add(layers.dense({ units: 2, activation: 'tanh' }));
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'meanSquaredError' });
    const head = tf.sequential({ layers: [tf.layers.dense({ units: 2, activation: 'tanh', inputShape: [4] })] });
    head.setWeights(model.getWeights().map((w, i) => tf.tensor(w, i === 0 ? [4, 2] : [2])));
    head.compile({ optimizer: tf.train.adam(0.05, 0.9, 0.999, 1e-7), loss: 'meanSquaredError' });
    const encoded = tf.tidy(() => tf.layers.categoryEncoding({ numTokens: 4, outputMode: 'count' }).apply(tf.tensor2d(x)) as tf.Tensor);
    const ys = tf.tensor2d(y);
    for (let step = 0; step < 3; step++) {
      const got = model.trainOnBatch(x, y), want = (await head.trainOnBatch(encoded, ys)) as number;
      expect(Math.abs(got - want)).toBeLessThan(1e-4 * Math.abs(want));
    }
    const theirs = head.getWeights().map((w) => w.dataSync());
    model.getWeights().forEach((w, i) => w.forEach((v, j) => expect(Math.abs(v - theirs[i][j])).toBeLessThan(1e-4 * Math.abs(v) + 1e-6)));
    tf.dispose([encoded, ys]);
    head.dispose();
    model.dispose();
  });

  it("saved form as TF.js and Keras write it: num_tokens, output_mode 'multi_hot' / 'one_hot' / 'count'", async () => {
    for (const outputMode of ['multiHot', 'oneHot', 'count'] as const) {
      const reference = tf.sequential({ layers: [tf.layers.categoryEncoding({ numTokens: 3, outputMode, inputShape: [3] })] });
      const saved = layerConfigs(await tfArtifacts(reference))[0];
      const mine = layers.categoryEncoding({ numTokens: 3, outputMode });
      expect(mine.getConfig()).toEqual({ num_tokens: saved.config.num_tokens, output_mode: saved.config.output_mode });
      expect((LAYER_CLASSES.CategoryEncoding(saved.config) as typeof mine).outputMode).toBe(outputMode);
      reference.dispose();
    }
    expect(layers.categoryEncoding({ numTokens: 2 }).outputMode).toBe('multiHot');
  });

  it('an id out of range or not an integer is a ValueError naming the row and position, and changes nothing', () => {
    const model = sequential({ inputShape: [3], seed: 1 });
    model.add(layers.categoryEncoding({ numTokens: 4, name: 'cats' }));
    model.add(layers.dense({ units: 1 }));
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const before = model.getWeights();
    expect(() => model.trainOnBatch([[0, 1, 2], [3, 4, 0]], [[1], [0]])).toThrow(/CategoryEncoding layer "cats" takes integer ids in \[0, 3\], got 4 at row 1, position 1/);
    expect(() => model.predict([[0, 1.5, 2]])).toThrow(/got 1.5 at row 0, position 1/);
    expect(() => model.evaluate([[-1, 0, 0]], [[1]])).toThrow(ValueError);
    model.getWeights().forEach((w, i) => expect(bits(w)).toEqual(bits(before[i])));
    model.dispose();
  });

  it('must be first (ids have no gradient); bad options and shapes are errors naming them', () => {
    const model = sequential({ inputShape: [3] });
    model.add(layers.dense({ units: 3 }));
    expect(() => model.add(layers.categoryEncoding({ numTokens: 3 }))).toThrow(/first layer|first/);
    expect(() => layers.categoryEncoding({ numTokens: 0 })).toThrow(/numTokens must be a positive integer/);
    expect(() => layers.categoryEncoding({ numTokens: 3, outputMode: 'tfIdf' as never })).toThrow(/outputMode must be 'multiHot', 'oneHot' or 'count', got "tfIdf"/);
    expect(() => layers.categoryEncoding({ numTokens: 3, name: 'c' }).computeOutputShape([2, 3])).toThrow(ShapeError);
    expect(() => LAYER_CLASSES.CategoryEncoding({ num_tokens: 3, sparse: true })).toThrow(/sparse is not supported/);
    model.dispose();
  });
});

describe('normalization (Keras; TF.js 4.22 has none)', () => {
  // Keras's formula, in float64: (x − mean) / max(√variance, 1e-7).
  const keras = (x: number[], mean: number[], variance: number[]) =>
    x.map((v, i) => (v - mean[i % mean.length]) / Math.max(Math.sqrt(variance[i % mean.length]), 1e-7));
  const close = (got: ArrayLike<number>, want: ArrayLike<number>, rel = 1e-6) => {
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]), `[${i}] ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(rel * Math.abs(want[i]) + 1e-6);
  };

  it("adapt: each feature's mean and biased variance over every example and position, as Keras; predict is Keras's formula", () => {
    const rand = random(2);
    // [2 steps, 3 features] examples: statistics over rows × steps.
    const data = Array.from({ length: 7 }, () => Array.from({ length: 2 }, () => [rand() * 10, rand() - 5, 100 + rand()]));
    const norm = layers.normalization({ inputShape: [2, 3] });
    norm.adapt(data);
    const flat = data.flat(2);
    const mean = [0, 1, 2].map((j) => flat.filter((_, i) => i % 3 === j).reduce((a, b) => a + b) / 14);
    const variance = [0, 1, 2].map((j) => flat.filter((_, i) => i % 3 === j).reduce((a, b) => a + (b - mean[j]) ** 2, 0) / 14);
    const model = sequential({ seed: 1 });
    model.add(norm);
    const [m, v, count] = model.getWeights();
    close(m, mean);
    close(v, variance);
    expect(Array.from(count)).toEqual([14]);
    close(model.predict(data), keras(Array.from(Float32Array.from(flat)), Array.from(m), Array.from(v)), 1e-6);
    model.dispose();
  });

  it('a variance of 0 divides by ε = 1e-7 (Keras), and the output of adapted data has mean 0 and variance 1', () => {
    const model = sequential({ inputShape: [2] });
    const norm = layers.normalization({ mean: [1, 0], variance: [0, 4] });
    model.add(norm);
    close(model.predict([[1.5, 2]]), [0.5 / 1e-7, 1]);
    const other = sequential({ inputShape: [2] });
    const adapted = layers.normalization();
    other.add(adapted);
    const data = [[1, 10], [2, 20], [6, 0], [7, 30]];
    adapted.adapt(data);
    const y = other.predict(data);
    for (const j of [0, 1]) {
      const col = [0, 1, 2, 3].map((r) => y[r * 2 + j]);
      expect(Math.abs(col.reduce((a, b) => a + b) / 4)).toBeLessThan(1e-6);
      expect(Math.abs(col.reduce((a, b) => a + b * b, 0) / 4 - 1)).toBeLessThan(1e-5);
    }
    model.dispose();
    other.dispose();
  });

  it('its statistics never train (weights mean, variance, count; non-trainable), while the layers after it do', async () => {
    const model = sequential({ inputShape: [3], seed: 4 });
    model.add(layers.normalization({ mean: [1, 2, 3], variance: [4, 5, 6] }));
    model.add(layers.dense({ units: 1 }));
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    expect(model.summary()).toMatch(/^Non-trainable params: 7$/m);
    const before = model.getWeights();
    await model.fit([[1, 2, 3], [4, 5, 6], [0, 1, 0]], [[1], [2], [3]], { epochs: 3, batchSize: 2 });
    model.trainOnBatch([[1, 2, 3]], [[1]]);
    const after = model.getWeights();
    for (const i of [0, 1, 2]) expect(bits(after[i])).toEqual(bits(before[i]));
    expect(bits(after[3])).not.toEqual(bits(before[3]));
    model.dispose();
  });

  it('adapt in a model replaces its weights; a failed adapt changes nothing', () => {
    const model = sequential({ inputShape: [2], seed: 1 });
    const norm = layers.normalization({ name: 'norm' });
    model.add(norm);
    model.add(layers.dense({ units: 1 }));
    expect(model.getWeights().slice(0, 3).map((w) => Array.from(w))).toEqual([[0, 0], [1, 1], [0]]);
    norm.adapt([[0, 4], [2, 8]]);
    expect(model.getWeights().slice(0, 3).map((w) => Array.from(w))).toEqual([[1, 6], [1, 4], [2]]);
    const before = model.getWeights();
    expect(() => norm.adapt([[1, NaN]])).toThrow(/norm.*adapt\(\) data: expected finite/);
    expect(() => norm.adapt([[1, 2, 3]])).toThrow(ShapeError);
    expect(() => norm.adapt('text')).toThrow(ValueError);
    model.getWeights().forEach((w, i) => expect(bits(w)).toEqual(bits(before[i])));
    expect(() => layers.normalization({ mean: 0, variance: 1 }).adapt([[1]])).toThrow(/given mean and variance/);
    model.dispose();
  });

  it('adapt before the layer is in a model: the model is built with the statistics', () => {
    const declared = layers.normalization({ inputShape: [2] });
    declared.adapt(Float32Array.of(1, 2, 3, 4));
    expect(() => layers.normalization().adapt(Float32Array.of(1, 2))).toThrow(/flat typed array needs the width/);
    const x = [[3, 10], [5, 30]];
    const n2 = layers.normalization();
    n2.adapt(x);
    const model = sequential({ inputShape: [2] });
    model.add(n2);
    close(model.predict(x), [-1, -1, 1, 1]);
    model.dispose();
  });

  it('options: both mean and variance or neither, axis −1 only, finite values, a variance ≥ 0; lengths must match the features', () => {
    expect(() => layers.normalization({ mean: 1 })).toThrow(/give both mean and variance/);
    expect(() => layers.normalization({ axis: 0 })).toThrow(/axis must be -1/);
    expect(() => layers.normalization({ mean: [1, NaN], variance: [1, 1] })).toThrow(/mean must be a finite number.*NaN at index 1/);
    expect(() => layers.normalization({ mean: 0, variance: -1 })).toThrow(/variance must be a finite non-negative number/);
    const model = sequential({ inputShape: [3] });
    expect(() => model.add(layers.normalization({ mean: [1, 2], variance: [1, 1], name: 'n' }))).toThrow(/Normalization layer "n": mean has 2 values but the last axis has 3 features/);
    expect(model.layers.length).toBe(0);
    model.dispose();
  });

  it("saves in Keras's form (config axis, mean, variance, invert; weights mean, variance, count) and round-trips bit for bit", async () => {
    const model = sequential({ inputShape: [2], seed: 2 });
    const norm = layers.normalization();
    model.add(norm);
    model.add(layers.dense({ units: 1 }));
    norm.adapt([[1, 2], [3, 7], [2, 2]]);
    const artifacts = await model.save();
    const [saved] = layerConfigs(artifacts);
    expect(saved.class_name).toBe('Normalization');
    expect(saved.config).toMatchObject({ axis: -1, mean: null, variance: null, invert: false });
    expect(artifacts.weightSpecs!.slice(0, 3).map((s) => [s.name.split('/')[1], s.shape])).toEqual([['mean', [2]], ['variance', [2]], ['count', []]]);
    const loaded = await loadModel(artifacts);
    loaded.getWeights().forEach((w, i) => expect(bits(w)).toEqual(bits(model.getWeights()[i])));
    expect(bits(loaded.predict([[5, 5]]))).toEqual(bits(model.predict([[5, 5]])));
    const given = layers.normalization({ mean: [1, 2], variance: 3 });
    expect(LAYER_CLASSES.Normalization(JSON.parse(JSON.stringify(given.getConfig()))).getConfig()).toEqual({ axis: -1, mean: [1, 2], variance: 3, invert: false });
    loaded.dispose();
    model.dispose();
  });

  it("loads a Keras model.json whose Normalization was given mean and variance (in its config, no weights in the file): Keras's formula; a round trip keeps it", async () => {
    // Keras 2.x's get_config: mean as given (here an array of shape [1, 3]), variance a scalar for all.
    const mean = [1.5, -2, 40], variance = [0.25, 0, 9];
    const kernel = [0.5, -1, 0.25, 2, 0, -0.75], bias = [0.1, -0.2];
    const normConfig = (m: unknown, v: unknown) => ({ name: 'normalization', trainable: true, dtype: 'float32', batch_input_shape: [null, 3], axis: [-1], mean: m, variance: v, invert: false });
    const dense = { class_name: 'Dense', config: { name: 'dense', trainable: true, dtype: 'float32', units: 2, activation: 'linear', use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null } };
    const modelJSON = (m: unknown, v: unknown, weights: { name: string; shape: number[]; dtype: string }[]) => JSON.stringify({
      format: 'layers-model', generatedBy: 'keras v2.15.0', convertedBy: 'TensorFlow.js Converter v4.22.0',
      modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: { class_name: 'Sequential', config: { name: 'sequential', layers: [{ class_name: 'Normalization', config: normConfig(m, v) }, dense] } } },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }],
    });
    const weightsFile = new File([Float32Array.from([...kernel, ...bias])], 'group1-shard1of1.bin');
    const denseSpecs = [{ name: 'dense/kernel', shape: [3, 2], dtype: 'float32' }, { name: 'dense/bias', shape: [2], dtype: 'float32' }];
    const x = [[2, 3, 31], [1.5, -2, 40], [-7.25, 0.125, 1e3]];
    // In float64: (x − mean) / max(√variance, 1e-7), then the dense layer.
    const expected = x.flatMap((row) => {
      const z = row.map((v, j) => (v - mean[j]) / Math.max(Math.sqrt(variance[j]), 1e-7));
      return [0, 1].map((k) => z.reduce((sum, zj, j) => sum + zj * kernel[j * 2 + k], bias[k]));
    });

    const model = await loadModel([new File([modelJSON([mean], variance, denseSpecs)], 'model.json'), weightsFile]);
    expect(model.layers.map((l) => l.className)).toEqual(['Normalization', 'Dense']);
    close(model.predict(x), expected, 1e-6);
    // The statistics are the layer's (non-trainable) weights, from the config.
    expect(model.getWeights().slice(0, 3).map((w) => Array.from(w))).toEqual([mean, variance, [0]]);

    // Broadcast as Keras: one variance for every feature.
    const one = await loadModel([new File([modelJSON(mean, 4, denseSpecs)], 'model.json'), weightsFile]);
    close(one.getWeights()[1], [4, 4, 4]);

    // Round trip: the config keeps mean and variance, the predictions stay bit for bit.
    const artifacts = await model.save();
    expect(layerConfigs(artifacts)[0].config).toMatchObject({ mean, variance, axis: -1, invert: false });
    const back = await loadModel(artifacts);
    expect(bits(back.predict(x))).toEqual(bits(model.predict(x)));
    // And without its statistics' weights, as Keras would write it: the config gives them.
    const specs = artifacts.weightSpecs.filter((s) => !s.name.startsWith('normalization/'));
    const kerasLike = await loadModel({ ...artifacts, weightSpecs: specs, weightData: artifacts.weightData.slice(4 * 7) });
    expect(bits(kerasLike.predict(x))).toEqual(bits(model.predict(x)));

    // Only a config that gives them stands in for missing weights, and only for all of a layer's.
    await expect(loadModel([new File([modelJSON(null, null, denseSpecs)], 'model.json'), weightsFile])).rejects.toThrow(/weightSpecs has no weight "normalization\/mean"/);
    const partial = [{ name: 'normalization/mean', shape: [3], dtype: 'float32' }, ...denseSpecs];
    await expect(loadModel([new File([modelJSON(mean, variance, partial)], 'model.json'), new File([Float32Array.from([...mean, ...kernel, ...bias])], 'group1-shard1of1.bin')]))
      .rejects.toThrow(/weightSpecs has no weight "normalization\/variance"/);
    for (const m of [model, one, back, kerasLike]) m.dispose();
  });

  it('given mean and variance broadcast over the features as Keras: one value, or a list of one', () => {
    const model = sequential({ inputShape: [3] });
    model.add(layers.normalization({ mean: [2], variance: 4 }));
    close(model.predict([[2, 4, -6]]), [0, 1, -4]);
    expect(() => sequential({ inputShape: [3], layers: [layers.normalization({ mean: [1, 2], variance: 1, name: 'n' })] })).toThrow(/mean has 2 values but the last axis has 3 features \(give 1 value or 3\)/);
    model.dispose();
  });

  it("loads a model as Keras's converter writes it: axis as a list, count as int32", async () => {
    const topology = {
      class_name: 'Sequential',
      config: {
        name: 'keras_model',
        layers: [
          { class_name: 'Normalization', config: { name: 'normalization', trainable: true, dtype: 'float32', batch_input_shape: [null, 2], axis: [-1], mean: null, variance: null, invert: false } },
          { class_name: 'Dense', config: { name: 'dense', trainable: true, units: 1, activation: 'linear', use_bias: true, kernel_initializer: { class_name: 'Zeros', config: {} }, bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null } },
        ],
      },
    };
    const weightData = new ArrayBuffer(4 * 8);
    new Float32Array(weightData, 0, 4).set([1, 2, 4, 9]);
    new Int32Array(weightData, 16, 1).set([10]);
    new Float32Array(weightData, 20, 3).set([1, 1, 0]);
    const artifacts = {
      modelTopology: topology, format: 'layers-model', generatedBy: 'keras', convertedBy: 'TensorFlow.js Converter',
      weightSpecs: [
        { name: 'normalization/mean', shape: [2], dtype: 'float32' }, { name: 'normalization/variance', shape: [2], dtype: 'float32' },
        { name: 'normalization/count', shape: [], dtype: 'int32' },
        { name: 'dense/kernel', shape: [2, 1], dtype: 'float32' }, { name: 'dense/bias', shape: [1], dtype: 'float32' },
      ],
      weightData,
    } as unknown as ModelArtifacts;
    const model = await loadModel(artifacts);
    expect(Array.from(model.getWeights()[2])).toEqual([10]);
    close(model.predict([[3, 5]]), [(3 - 1) / 2 + (5 - 2) / 3]);
    model.dispose();
  });
});
