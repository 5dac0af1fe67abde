// fit() gives the event loop a turn by time (every 16 ms or so), not after every epoch: on a tiny
// data set an epoch is a few microseconds, and a turn per epoch (clamped to 4 ms in browsers) was
// most of the cost. Counted in event-loop turns, not timed.
import { beforeAll, expect, it } from 'vitest';
import { ready, sequential, layers } from '../src/index.js';

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
