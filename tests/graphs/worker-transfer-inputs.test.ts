// Regression (found in review, fixed): workerTrainer's `transfer: true` moves x's buffers to the worker only when x is one
// Float32Array (worker-protocol.ts transferable()); a multi-input model's x — an array or an object
// of Float32Arrays — is copied instead, against the README ("with transfer: true its buffers move
// without a copy (and read as empty afterwards on the main thread)"). Training is correct; the
// copy costs memory and time on large data. Suggested fix: collect the Float32Arrays of an array or
// keyed object of inputs in transferable(), or document the limit.
import { beforeAll, expect, it } from 'vitest';
import { random } from '../reference.js';
import { ready, model, input, layers, workerTrainer } from '../../src/index.js';

beforeAll(async () => {
  await ready();
});

it('transfer: true moves every input\'s buffer to the worker', async () => {
  const a = input({ shape: [3], name: 'a' }), b = input({ shape: [2], name: 'b' });
  const m = model({ inputs: [a, b], outputs: layers.dense({ units: 1 }).apply(layers.concatenate().apply([a, b])), seed: 2 });
  m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const r = random(1);
  const xa = Float32Array.from({ length: 30 }, r), xb = Float32Array.from({ length: 20 }, r), y = Float32Array.from({ length: 10 }, r);
  const trainer = await workerTrainer(m);
  try {
    await trainer.fit([xa, xb] as never, y, { epochs: 1, batchSize: 4, transfer: true });
    expect(y.length).toBe(0); // y, one Float32Array, did move
    expect([xa.length, xb.length]).toEqual([0, 0]);
  } finally {
    trainer.terminate();
  }
});
