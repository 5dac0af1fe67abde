// workerTrainer(model, { threads: 2 }): the worker loads the threaded build (relaxed under the
// 'relaxed' project, as this thread's build is) and starts its own thread workers; it still trains
// to model.fit()'s weights on this thread, bit for bit. Its own file: ready() is once per process.
import { expect, it } from 'vitest';
import { ready, sequential, layers, optimizers, workerTrainer, ValueError } from '../src/index.js';
import { random } from './reference.js';

await ready();

it('a worker on two threads trains to model.fit()\'s weights bitwise (products, batch norm and the update split)', async () => {
  const rand = random(13);
  const x = Float32Array.from({ length: 256 * 256 }, () => rand() * 2 - 1);
  const y = Float32Array.from({ length: 256 * 4 }, (_, i) => ((i >> 2) % 4 === i % 4 ? 1 : 0));
  // 128 × 256 × 256 multiply-adds per product, 128 × 256 values through batch normalization: each split.
  const m = sequential({ inputShape: [256], seed: 5 });
  m.add(layers.dense({ units: 256, activation: 'relu' }));
  m.add(layers.batchNormalization());
  m.add(layers.dense({ units: 4, activation: 'softmax' }));
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.001 }), loss: 'categoricalCrossentropy' });
  const trainer = await workerTrainer(m, { threads: 2 });
  try {
    expect(trainer.threads).toBe(2);
    await trainer.fit(x, y, { epochs: 2, batchSize: 128 });
    await m.fit(x, y, { epochs: 2, batchSize: 128 });
    expect(await trainer.getWeights()).toEqual(m.getWeights());
  } finally {
    trainer.terminate();
  }
});

it('without threads the worker stays on one thread; a bad count is refused before any worker starts', async () => {
  const m = sequential({ inputShape: [2], seed: 1 });
  m.add(layers.dense({ units: 1 }));
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  const trainer = await workerTrainer(m);
  expect(trainer.threads).toBe(1);
  trainer.terminate();
  for (const threads of [0, 5, 1.5, '2']) {
    await expect(workerTrainer(m, { threads: threads as number })).rejects.toThrow(ValueError);
  }
});
