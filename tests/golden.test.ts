// Golden hashes of trained weights: a refactor of the core or of the training loop changes no
// bits. Each case trains a small model with one optimizer (dropout, shuffling, regularizers and a
// schedule included) and hashes every weight's float32 bits. The plain and relaxed-SIMD builds
// differ (fused multiply-add), so each build has its own hashes; the threaded build matches simd.
// A deliberate change of the arithmetic updates these hashes in the same commit, saying why.
import { beforeAll, expect, it } from 'vitest';
import { ready, sequential, layers, optimizers, regularizers, schedules, wasmBuild } from '../src/index.js';
import { random } from './reference.js';

beforeAll(() => ready());

const OPTIMIZERS = {
  sgd: () => optimizers.sgd({ learningRate: 0.05 }),
  nesterov: () => optimizers.sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true }),
  adam: () => optimizers.adam({ learningRate: 0.01 }),
  amsgrad: () => optimizers.adam({ learningRate: 0.01, amsgrad: true, clipNorm: 1 }),
  rmsprop: () => optimizers.rmsprop({ learningRate: 0.01, centered: true, momentum: 0.5 }),
  adagrad: () => optimizers.adagrad({ learningRate: 0.1 }),
  adadelta: () => optimizers.adadelta({ learningRate: 1 }),
  adamax: () => optimizers.adamax({ learningRate: 0.01, decay: 0.01 }),
  adamw: () => optimizers.adamw({ learningRate: schedules.cosineDecay({ initialLearningRate: 0.01, decaySteps: 20 }) }),
};

/** FNV-1a over the float32 bits of every weight tensor. */
function hash(weights: Float32Array[]): string {
  let h = 0x811c9dc5;
  for (const w of weights) {
    for (const byte of new Uint8Array(w.buffer, w.byteOffset, w.byteLength)) h = Math.imul(h ^ byte, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

async function train(name: keyof typeof OPTIMIZERS): Promise<string> {
  const rand = random(7);
  const x = Float32Array.from({ length: 48 * 5 }, () => rand() * 2 - 1);
  const y = Float32Array.from({ length: 48 }, (_, i) => (x[5 * i] + x[5 * i + 1] > 0 ? 1 : 0));
  const model = sequential({ inputShape: [5], seed: 11 });
  model.add(layers.dense({ units: 12, activation: 'relu', kernelRegularizer: regularizers.l2({ l2: 1e-3 }) }));
  model.add(layers.dropout({ rate: 0.2 }));
  model.add(layers.dense({ units: 6, activation: 'tanh' }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: OPTIMIZERS[name](), loss: 'binaryCrossentropy' });
  await model.fit(x, y, { epochs: 4, batchSize: 10 });
  for (let i = 0; i < 3; i++) model.trainOnBatch(x.subarray(0, 50), y.subarray(0, 10));
  const result = hash(model.getWeights());
  model.dispose();
  return result;
}

// Recorded before the double-buffered update of Reliability II, which kept every bit.
const GOLDEN: Record<'simd' | 'relaxed', Record<keyof typeof OPTIMIZERS, string>> = {
  simd: { sgd: 'a5ba07a2', nesterov: 'a3c7fa18', adam: 'be7b0e09', amsgrad: 'f72bfcf5', rmsprop: '1fb2df11', adagrad: '5aa9a567', adadelta: 'c55535fa', adamax: '30972fd0', adamw: '4a2f245a' },
  relaxed: { sgd: '1d8d155e', nesterov: 'f9a1e3e3', adam: 'b537bb22', amsgrad: '781c14d5', rmsprop: '1c0c4dbe', adagrad: 'a36fdce0', adadelta: 'ff2e8482', adamax: 'b7190d6d', adamw: '6be9d39c' },
};

it.each(Object.keys(OPTIMIZERS) as (keyof typeof OPTIMIZERS)[])('%s trains to the recorded weights, bit for bit', async (name) => {
  const build = wasmBuild() === 'relaxed' ? 'relaxed' : 'simd';
  expect(await train(name)).toBe(GOLDEN[build][name]);
});
