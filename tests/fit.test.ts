// fit() gives the event loop a turn by time (every 16 ms or so), not after every epoch: on a tiny
// data set an epoch is a few microseconds, and a turn per epoch (clamped to 4 ms in browsers) was
// most of the cost. Counted in event-loop turns, not timed.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready, sequential, model, input, layers, optimizers, DivergenceError } from '../src/index.js';

beforeAll(() => ready());

it('fit on XOR for 3,000 epochs takes a handful of event-loop turns, and timers still run during it', async () => {
  const m = sequential({ inputShape: [2], seed: 1 });
  m.add(layers.dense({ units: 8, activation: 'tanh' }));
  m.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const x = new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]), y = new Float32Array([0, 1, 1, 0]);
  let turns = 0, running = true;
  const tick = () => {
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const started = performance.now();
  const history = await m.fit(x, y, { epochs: 3000, batchSize: 4 });
  const elapsed = performance.now() - started;
  running = false;
  expect(history.epoch).toHaveLength(3000);
  // One turn per 16 ms of training at most (plus slack for a slow machine), never one per epoch.
  expect(turns).toBeLessThanOrEqual(Math.ceil(elapsed / 16) * 2 + 4);
  expect(turns).toBeLessThan(3000 / 10);
  // The ticker got turns while fit ran whenever it ran long enough to owe one.
  if (elapsed > 100) expect(turns).toBeGreaterThan(1);
});

// With no callbacks, validation or progress, fit() runs whole epochs in one Wasm call each
// (net_train_epochs); a callback that does nothing makes it go epoch by epoch. Both must agree
// bit for bit: history, weights, and where a divergence stops.
describe('whole epochs per Wasm call', () => {
  const xor = () => {
    const m = sequential({ inputShape: [2], seed: 7 });
    m.add(layers.dense({ units: 8, activation: 'tanh' }));
    m.add(layers.dropout({ rate: 0.2 }));
    m.add(layers.dense({ units: 1, activation: 'sigmoid' }));
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy', 'mse'] });
    return m;
  };
  const x = new Float32Array([0, 0, 0, 1, 1, 0, 1, 1, 0.5, 0.5]), y = new Float32Array([0, 1, 1, 0, 1]);
  const slow = { callbacks: { onEpochEnd() {} } };

  it('gives the history and weights of the epoch-by-epoch loop, with sample and class weights too', async () => {
    for (const extra of [{}, { sampleWeight: [1, 2, 0.5, 1, 3], classWeight: { 0: 1, 1: 2 } }]) {
      const a = xor(), b = xor();
      const fast = await a.fit(x, y, { epochs: 300, batchSize: 2, ...extra });
      const stepwise = await b.fit(x, y, { epochs: 300, batchSize: 2, ...extra, ...slow });
      expect(fast).toEqual(stepwise);
      expect(a.getWeights()).toEqual(b.getWeights());
      // And a resumed fit continues the same way (initialEpoch, the shuffle stream).
      await a.fit(x, y, { epochs: 310, initialEpoch: 300, batchSize: 2, ...extra });
      await b.fit(x, y, { epochs: 310, initialEpoch: 300, batchSize: 2, ...extra, ...slow });
      expect(a.getWeights()).toEqual(b.getWeights());
    }
  });

  it('a model with two outputs logs each output\'s loss and metrics the same way', async () => {
    const build = () => {
      const t = input({ shape: [2] });
      const h = layers.dense({ units: 4, activation: 'tanh', name: 'h' }).apply(t);
      const m = model({ inputs: t, outputs: [layers.dense({ units: 1, activation: 'sigmoid', name: 'p' }).apply(h), layers.dense({ units: 2, name: 'v' }).apply(h)], seed: 3 });
      m.compile({ optimizer: 'sgd', loss: ['binaryCrossentropy', 'meanSquaredError'], metrics: { p: ['accuracy'] }, lossWeights: [1, 0.5] });
      return m;
    };
    const v = new Float32Array(10).map((_, i) => i / 10);
    const a = build(), b = build();
    const fast = await a.fit(x, [y, v], { epochs: 50, batchSize: 3 });
    expect(Object.keys(fast.history).sort()).toEqual(['loss', 'lr', 'p_acc', 'p_accuracy', 'p_loss', 'v_loss']);
    expect(fast).toEqual(await b.fit(x, [y, v], { epochs: 50, batchSize: 3, ...slow }));
    expect(a.getWeights()).toEqual(b.getWeights());
  });

  it('a divergence stops at the same epoch and batch, and puts the model back as it was', async () => {
    const linear = () => {
      const m = sequential({ inputShape: [2], seed: 7 });
      m.add(layers.dense({ units: 3 }));
      m.add(layers.dense({ units: 1 }));
      m.compile({ optimizer: optimizers.sgd({ learningRate: 1e15 }), loss: 'meanSquaredError' });
      return m;
    };
    const a = linear(), b = linear();
    const before = a.getWeights();
    const errors = await Promise.all([a.fit(x, y, { epochs: 50, batchSize: 2 }).catch((e) => e), b.fit(x, y, { epochs: 50, batchSize: 2, ...slow }).catch((e) => e)]);
    expect(errors[0]).toBeInstanceOf(DivergenceError);
    expect([errors[0].epoch, errors[0].batch, errors[0].message]).toEqual([errors[1].epoch, errors[1].batch, errors[1].message]);
    expect(a.getWeights()).toEqual(before);
  });
});
