// Type-checked by tests/graphs/multi-input-types.test.ts (never run): a model with several outputs
// predicts Float32Array[] (one output: Float32Array), takes y per output as an array or keyed by
// output name, and compile() takes a loss, metrics and lossWeights per output.
import { model, input, layers, loadModel, gradientCheck, workerTrainer, type LayersModel } from '../../../src/index.js';

const t = input({ shape: [3], name: 't' });
const a = layers.dense({ units: 1, name: 'a' }).apply(t), b = layers.dense({ units: 2, name: 'b' }).apply(t);
const two: LayersModel<Float32Array[]> = model({ inputs: t, outputs: [a, b] });
const one: LayersModel<Float32Array> = model({ inputs: t, outputs: a });
const x = new Float32Array(3), ya = new Float32Array(1), yb = new Float32Array(2);

export async function uses(): Promise<void> {
  two.compile({ optimizer: 'adam', loss: ['meanSquaredError', 'categoricalCrossentropy'], metrics: { b: ['accuracy'] }, lossWeights: { a: 1, b: 0.5 } });
  two.compile({ optimizer: 'adam', loss: { a: 'meanSquaredError', b: 'categoricalCrossentropy' }, metrics: [['mae'], ['accuracy']], lossWeights: [1, 2] });
  const [pa, pb]: Float32Array[] = two.predict(x);
  const single: Float32Array = one.predict(x);
  void [pa, pb, single];
  await two.fit(x, [ya, yb], { validationData: [x, { a: ya, b: yb }] });
  two.evaluate(x, { a: ya, b: yb });
  two.trainOnBatch(x, [[[0]], [[0, 1]]]);
  gradientCheck(two, x, [ya, yb]);
  const loaded = await loadModel<Float32Array[]>('model-dir');
  const outs: Float32Array[] = loaded.predict(x);
  // A worker trainer of it too (its predict and getModel).
  const trainer = await workerTrainer(two);
  const fromWorker: Float32Array[] = await trainer.predict(x);
  const copy: LayersModel<Float32Array[]> = await trainer.getModel();
  void [outs, fromWorker, copy];
}
