// fit({ verbose }) output, driven with a fake process.stdout: the live bar on a terminal (epoch
// counter, batch counts reaching the total, redraws no closer than the throttle, a final line with
// the epoch's logs), plain lines elsewhere and with verbose 2, and the values refused.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ready, sequential, layers, ValueError, type Callback, type History } from '../src/index.js';
import { random } from './reference.js';

beforeAll(() => ready());

const REDRAW_MS = 100;
const BAR = String.raw`\[[=>.]{30}\]`;

// Replaces process.stdout for one test; `writes` keeps each write with the time it happened.
const realStdout = Object.getOwnPropertyDescriptor(process, 'stdout')!;
function fakeStdout(isTTY: boolean | undefined, present = true) {
  const writes: { text: string; at: number }[] = [];
  const stdout = { isTTY, columns: 200, write: (text: string) => writes.push({ text, at: performance.now() }) };
  Object.defineProperty(process, 'stdout', { configurable: true, get: () => (present ? stdout : undefined) });
  return writes;
}
function captureConsole(): string[] {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  return lines;
}
afterEach(() => {
  Object.defineProperty(process, 'stdout', realStdout);
  vi.restoreAllMocks();
});

// 50 rows, 10 of them held out: 40 batches of one row per epoch.
function setup() {
  const rand = random(3);
  const x = Array.from({ length: 50 }, () => [rand() - 0.5, rand() - 0.5]);
  const y = x.map(([a, b]) => [a + b > 0 ? 1 : 0]);
  const model = sequential({ inputShape: [2], seed: 1 });
  model.add(layers.dense({ units: 4, activation: 'relu' }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return { model, x, y };
}
// A batch callback makes each batch its own chunk, and its sleep makes an epoch last long enough to redraw.
const slowBatches = (ms: number, extra?: (batch: number) => void): Callback => ({
  onBatchEnd: async (batch) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    extra?.(batch);
  },
});
const round = (v: number) => v.toPrecision(4);

describe('verbose: 1 on a terminal', () => {
  it('draws a bar per epoch in place, at most every 100 ms, ending in a line with the epoch logs', async () => {
    const writes = fakeStdout(true);
    const printed = captureConsole();
    const { model, x, y } = setup();
    const history: History = await model.fit(x, y, { epochs: 2, batchSize: 1, validationSplit: 0.2, verbose: 1, callbacks: slowBatches(8) });
    expect(printed).toEqual([]);

    const out = writes.map((w) => w.text).join('');
    const lines = out.split('\n');
    expect(lines).toHaveLength(5); // two epochs of header and bar line, then nothing after the last \n
    expect(lines[4]).toBe('');
    for (const epoch of [0, 1]) {
      expect(lines[2 * epoch]).toBe(`Epoch ${epoch + 1}/2`);
      const draws = lines[2 * epoch + 1].split('\r').slice(1).map((d) => d.trimEnd());
      // 40 batches of at least 8 ms: several live redraws, then the final one.
      const live = draws.slice(0, -1), final = draws.at(-1)!;
      expect(live.length).toBeGreaterThanOrEqual(2);
      let last = 0;
      for (const draw of live) {
        const match = draw.match(new RegExp(String.raw`^ ?(\d+)/40 ${BAR} - ETA: \d+s - loss: (\S+) - accuracy: (\S+) - acc: \S+$`));
        expect(match, draw).not.toBeNull();
        const done = Number(match![1]);
        expect(done).toBeGreaterThan(last);
        expect(done).toBeLessThanOrEqual(40);
        expect(Number.isFinite(Number(match![2]))).toBe(true);
        last = done;
      }
      const loss = history.history.loss[epoch], valLoss = history.history.val_loss[epoch];
      expect(final).toMatch(new RegExp(String.raw`^40/40 \[={30}\] - \d+s \d+ms/step - loss: ${round(loss)} - accuracy: \S+ - acc: \S+ - val_loss: ${round(valLoss)} - val_accuracy: \S+ - val_acc: \S+ - lr: \S+$`));
    }

    // The throttle: redraws (not the headers, not the epoch's final line) 100 ms apart, the first
    // 100 ms after its epoch began.
    let since = 0;
    for (const w of writes) {
      if (w.text.startsWith('Epoch')) since = w.at;
      if (!w.text.includes('ETA')) continue;
      // A redraw is decided just before it is written: a few microseconds of slack.
      expect(w.at - since).toBeGreaterThan(REDRAW_MS - 2);
      since = w.at;
    }
  });

  it('a training stopped mid-epoch ends its bar at the batches done', async () => {
    const writes = fakeStdout(true);
    const { model, x, y } = setup();
    const stop = slowBatches(0, (batch) => { if (batch === 9) model.stopTraining = true; });
    await model.fit(x, y, { epochs: 3, batchSize: 1, verbose: 1, callbacks: stop });
    const out = writes.map((w) => w.text).join('');
    expect(out).toMatch(new RegExp(String.raw`^Epoch 1/3\n([^\n]*\r)?10/50 \[={6}>\.{23}\] - \d+s \d+ms/step - loss: \S+ - accuracy: \S+ - acc: \S+ - lr: \S+ *
$`));
  });

  it('a fit that fails mid-epoch ends the bar line, so the error prints on a line of its own', async () => {
    const writes = fakeStdout(true);
    const { model, x, y } = setup();
    const fail = slowBatches(30, (batch) => { if (batch === 8) throw new Error('callback failed'); });
    await expect(model.fit(x, y, { epochs: 1, batchSize: 1, verbose: 1, callbacks: fail })).rejects.toThrow('callback failed');
    const out = writes.map((w) => w.text).join('');
    expect(out).toContain('ETA'); // 240 ms of batches: the bar was drawn
    expect(out.endsWith('\n')).toBe(true);
    expect(out.split('\n')).toHaveLength(3);
  });

  it('the chunked path (no batch callbacks) ends each epoch with its final line', async () => {
    const writes = fakeStdout(true);
    const { model, x, y } = setup();
    const history = await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 1 });
    const lines = writes.map((w) => w.text).join('').split('\n');
    expect(lines[0]).toBe('Epoch 1/2');
    expect(lines[1].split('\r').at(-1)).toMatch(new RegExp(String.raw`^7/7 \[={30}\] - \d+s \d+ms/step - loss: ${round(history.history.loss[0])} `));
    expect(lines[2]).toBe('Epoch 2/2');
  });
});

describe('plain lines', () => {
  const plain = (epoch: number, history: History) =>
    new RegExp(String.raw`^Epoch ${epoch + 1}/2 - \d+ms - loss: ${round(history.history.loss[epoch])} - accuracy: \S+ - acc: \S+ - val_loss: ${round(history.history.val_loss[epoch])} - val_accuracy: \S+ - val_acc: \S+ - lr: \S+$`);

  it('verbose: 1 when stdout is not a terminal (CI, a file) prints one line per epoch, no bar', async () => {
    for (const isTTY of [false, undefined]) {
      const writes = fakeStdout(isTTY);
      const printed = captureConsole();
      const { model, x, y } = setup();
      const history = await model.fit(x, y, { epochs: 2, batchSize: 1, validationSplit: 0.2, verbose: 1, callbacks: slowBatches(4) });
      expect(writes).toEqual([]);
      expect(printed).toHaveLength(2);
      printed.forEach((line, epoch) => expect(line).toMatch(plain(epoch, history)));
      vi.restoreAllMocks();
    }
  });

  it('verbose: 1 without a process.stdout at all (a browser) prints the same lines', async () => {
    fakeStdout(true, false);
    const printed = captureConsole();
    const { model, x, y } = setup();
    const history = await model.fit(x, y, { epochs: 2, validationSplit: 0.2, verbose: 1 });
    printed.forEach((line, epoch) => expect(line).toMatch(plain(epoch, history)));
    expect(printed).toHaveLength(2);
  });

  it('verbose: 2 prints one line per epoch even on a terminal', async () => {
    const writes = fakeStdout(true);
    const printed = captureConsole();
    const { model, x, y } = setup();
    const history = await model.fit(x, y, { epochs: 2, batchSize: 1, validationSplit: 0.2, verbose: 2, callbacks: slowBatches(4) });
    expect(writes).toEqual([]);
    expect(printed).toHaveLength(2);
    printed.forEach((line, epoch) => expect(line).toMatch(plain(epoch, history)));
  });

  it('verbose: 0, the default, prints nothing', async () => {
    const writes = fakeStdout(true);
    const printed = captureConsole();
    const { model, x, y } = setup();
    await model.fit(x, y, { epochs: 2 });
    await model.fit(x, y, { epochs: 2, verbose: 0 });
    expect(writes).toEqual([]);
    expect(printed).toEqual([]);
  });
});

describe('bad values', () => {
  it('anything but 0, 1 or 2 is a ValueError naming the accepted values, before any training', async () => {
    const writes = fakeStdout(true);
    const { model, x, y } = setup();
    const before = model.getWeights();
    for (const verbose of [3, -1, 1.5, true, '1', 'auto', NaN]) {
      const fit = model.fit(x, y, { verbose: verbose as never });
      await expect(fit).rejects.toThrow(ValueError);
      await expect(fit).rejects.toThrow(/^fit\(\): verbose must be 0 \(silent\), 1 \(a progress bar on a terminal, else a line per epoch\) or 2 \(a line per epoch\), got /);
    }
    expect(model.getWeights()).toEqual(before);
    expect(writes).toEqual([]);
  });
});
