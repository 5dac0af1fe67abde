// After ready({ threads: 2 }) workerTrainer's worker runs the plain SIMD build, single-threaded:
// the threaded build computes every column as that build does, so trainer.fit() still gives
// model.fit()'s weights bit for bit. Its own file: ready() is once per process.
import { expect, it } from 'vitest';
import { ready, wasmBuild, threadCount, sequential, layers, optimizers, workerTrainer } from '../src/index.js';
import { random } from './reference.js';

await ready({ threads: 2 });

// Also under --experimental-wasm-relaxed-simd (the 'relaxed' project): the threads start there too.
it('a worker started after ready({ threads: 2 }) trains to model.fit()\'s weights bitwise', async () => {
  expect(wasmBuild()).toBe(process.env.NEURITE_EXPECT_BUILD === 'relaxed' ? 'threads-relaxed' : 'threads');
  expect(threadCount()).toBe(2);
  // 64 × 256 × 256 multiply-adds per product: above the size that is split between the threads.
  const rand = random(11);
  const x = Float32Array.from({ length: 256 * 256 }, () => rand() * 2 - 1);
  const y = Float32Array.from({ length: 256 }, (_, i) => (x[i * 256] > 0 ? 1 : 0));
  const m = sequential({ inputShape: [256], seed: 5 });
  m.add(layers.dense({ units: 256, activation: 'relu' }));
  m.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.001 }), loss: 'binaryCrossentropy' });
  const trainer = await workerTrainer(m);
  try {
    await trainer.fit(x, y, { epochs: 2, batchSize: 64 });
    await m.fit(x, y, { epochs: 2, batchSize: 64 });
    expect(await trainer.getWeights()).toEqual(m.getWeights());
  } finally {
    trainer.terminate();
  }
});
