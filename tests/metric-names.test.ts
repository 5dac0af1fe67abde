// The keys metrics log under: the name the user wrote (Keras 2.3+), and for 'accuracy' also `acc`,
// the key TF.js 4.22 logs it under, so code written for TF.js (logs.acc, val_acc, monitor:
// 'val_acc') runs unchanged. Checked against TF.js's own history keys for the same compile.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, tfjsCpu } from './tfjs-cpu.js';
import { ready, sequential, layers, earlyStopping, ValueError } from '../src/index.js';

beforeAll(async () => {
  await tfjsCpu();
  await ready();
});

const X = [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.2], [0.1, 0.9]];
const Y = [[0], [1], [1], [0], [1], [0]];

async function tfjsKeys(metrics: string[]): Promise<string[]> {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })] });
  model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics });
  const [x, y] = [tf.tensor2d(X), tf.tensor2d(Y)];
  const history = await model.fit(x, y, { epochs: 1, validationData: [x, y], verbose: 0 });
  tf.dispose([x, y]);
  model.dispose();
  return Object.keys(history.history).sort();
}

function neuriteModel(metrics: string[]) {
  const model = sequential({ inputShape: [2], seed: 1 });
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: metrics as never });
  return model;
}

describe('history keys include every key TF.js logs for the same metrics', () => {
  it.each([[['accuracy']], [['acc']], [['binaryAccuracy']], [['mse', 'accuracy']]])('%j', async (metrics) => {
    const want = await tfjsKeys(metrics);
    const history = await neuriteModel(metrics).fit(X, Y, { epochs: 1, validationData: [X, Y] });
    const keys = Object.keys(history.history);
    for (const key of want) expect(keys).toContain(key);
    // And the name the user wrote, as Keras logs it; no other key but lr.
    const written = metrics.flatMap((m) => [m, `val_${m}`]);
    expect(keys.sort()).toEqual([...new Set([...want, ...written, 'lr'])].sort());
  });

  it("'accuracy' logs the same value as accuracy and acc, in logs, history and evaluate()", async () => {
    const model = neuriteModel(['accuracy']);
    const seen: Record<string, number>[] = [];
    const history = await model.fit(X, Y, { epochs: 3, validationData: [X, Y], callbacks: { onEpochEnd: (_e, logs) => { seen.push({ ...logs }); } } });
    expect(history.history.acc).toEqual(history.history.accuracy);
    expect(history.history.val_acc).toEqual(history.history.val_accuracy);
    for (const logs of seen) expect([logs.acc, logs.val_acc]).toEqual([logs.accuracy, logs.val_accuracy]);
    const scores = model.evaluate(X, Y);
    expect(scores.acc).toBe(scores.accuracy);
    expect(scores.accuracy).toBeGreaterThanOrEqual(0);
  });

  it("earlyStopping({ monitor: 'val_acc' }) runs on a model compiled with 'accuracy', maximizing it", async () => {
    const model = neuriteModel(['accuracy']);
    const history = await model.fit(X, Y, { epochs: 4, validationData: [X, Y], callbacks: earlyStopping({ monitor: 'val_acc', patience: 10 }) });
    expect(history.epoch).toEqual([0, 1, 2, 3]);
  });

  it("'accuracy' and 'acc' together are listed twice", () => {
    expect(() => neuriteModel(['accuracy', 'acc'])).toThrow(ValueError);
    expect(() => neuriteModel(['accuracy', 'acc'])).toThrow(/listed twice: accuracy, acc, acc \('accuracy' also logs as acc\)/);
  });
});
