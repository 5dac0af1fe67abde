// workerTrainer's worker loads the build this thread loaded, so trainer.fit() gives model.fit()'s
// weights bit for bit. ready({ build }) is once per process: this file gets its own, and in the
// 'relaxed' project (where 'auto' would pick relaxed SIMD) it asks for plain SIMD.
import { beforeAll, expect, it } from 'vitest';
import { ready, wasmBuild, sequential, layers, optimizers, workerTrainer } from '../src/index.js';
import { random } from './reference.js';

beforeAll(() => ready({ build: 'simd' }));

it('a worker started after ready({ build: "simd" }) trains to model.fit()\'s weights bitwise', async () => {
  expect(wasmBuild()).toBe('simd');
  const rand = random(7);
  const x = Float32Array.from({ length: 128 * 16 }, () => rand() * 2 - 1);
  const y = Float32Array.from({ length: 128 }, (_, i) => (x[i * 16] * x[i * 16 + 1] > 0 ? 1 : 0));
  const m = sequential({ inputShape: [16], seed: 5 });
  m.add(layers.dense({ units: 64, activation: 'relu' }));
  m.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy' });
  const trainer = await workerTrainer(m);
  try {
    await trainer.fit(x, y, { epochs: 3, batchSize: 16 });
    await m.fit(x, y, { epochs: 3, batchSize: 16 });
    expect(await trainer.getWeights()).toEqual(m.getWeights());
  } finally {
    trainer.terminate();
  }
});
