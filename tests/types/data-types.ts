// Type-checked by tests/types.test.ts (never run): data shapes users have, which the runtime
// accepts, must also pass tsc against the public types.
import { sequential, layers, workerTrainer, gradientCheck, type Data } from '../../src/index.js';

declare const model: ReturnType<typeof sequential>;
const flatLabels: number[] = [0, 1, 1, 0];
const rows32: Float32Array[] = [new Float32Array([0, 0]), new Float32Array([1, 1])];
const frozen: readonly (readonly number[])[] = [[0, 0], [1, 1]] as const;
const readonlyRows: readonly number[][] = [[0, 0], [1, 1]];
const ids = new Int32Array([0, 2, 1, 1]);
const doubles = new Float64Array([0, 0.5, 1, 1.5]);
const images: number[][][] = [[[0, 1], [1, 0]]];

export async function uses(): Promise<Data[]> {
  model.add(layers.dense({ units: 1 }));
  await model.fit(rows32, flatLabels, { validationData: [frozen, ids] });
  model.evaluate(readonlyRows, doubles);
  model.predict(doubles);
  model.trainOnBatch(images, ids);
  gradientCheck(model, frozen, flatLabels);
  const trainer = await workerTrainer(model);
  await trainer.fit(doubles, ids);
  return [flatLabels, rows32, frozen, readonlyRows, ids, doubles, images];
}
