// Type-checked by tests/graphs/multi-input-types.test.ts (never run): the README's data forms for a
// model with several inputs — an array in input order, or an object keyed by input name.
import { model, input, layers, workerTrainer, gradientCheck } from '../../../src/index.js';

const a = input({ shape: [3], name: 'a' }), b = input({ shape: [2], name: 'b' });
const m = model({ inputs: [a, b], outputs: layers.dense({ units: 1 }).apply(layers.concatenate().apply([a, b])) });
const xa = new Float32Array(3), xb = new Float32Array(2), y = new Float32Array(1);

export async function uses(): Promise<void> {
  m.predict({ a: xa, b: xb });
  m.predict([xa, xb]);
  m.evaluate({ a: [[1, 2, 3]], b: [[1, 2]] }, y);
  m.trainOnBatch({ a: xa, b: xb }, y);
  await m.fit({ a: xa, b: xb }, y, { validationData: [{ a: xa, b: xb }, y] });
  gradientCheck(m, { a: xa, b: xb }, y);
  const trainer = await workerTrainer(m);
  await trainer.fit({ a: xa, b: xb }, y);
  await trainer.predict({ a: xa, b: xb });
}
