// earlyStopping against TF.js 4.22's own tf.callbacks.earlyStopping: both are fed the same sequence
// of monitored values, and must stop training after the same epoch, for every patience, minDelta,
// mode and baseline. (TF.js has no restoreBestWeights; tests/training.test.ts covers neurite's.)
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, tfjsCpu } from './tfjs-cpu.js';
import { random } from './reference.js';
import { ready, sequential, layers, earlyStopping, type EarlyStoppingConfig } from '../src/index.js';
import type { TrainingModel } from '../src/callbacks.js';

beforeAll(async () => {
  await tfjsCpu();
  await ready();
});

/** Epochs TF.js's earlyStopping lets run on `values` (all of them if it never stops). */
async function tfjsEpochs(config: EarlyStoppingConfig, values: number[]): Promise<number> {
  const callback = tf.callbacks.earlyStopping(config);
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  callback.setModel(model);
  model.stopTraining = false;
  try {
    await callback.onTrainBegin({});
    for (let epoch = 0; epoch < values.length; epoch++) {
      await callback.onEpochEnd(epoch, { [config.monitor ?? 'val_loss']: values[epoch] });
      if (model.stopTraining) return epoch + 1;
    }
    return values.length;
  } finally {
    model.dispose();
  }
}

/** The same for neurite's earlyStopping, through its hooks. */
async function neuriteEpochs(config: EarlyStoppingConfig, values: number[]): Promise<number> {
  const callback = earlyStopping(config);
  const model = { stopTraining: false } as TrainingModel;
  callback.setModel!(model);
  await callback.onTrainBegin!({});
  for (let epoch = 0; epoch < values.length; epoch++) {
    await callback.onEpochEnd!(epoch, { [config.monitor ?? 'val_loss']: values[epoch] });
    if (model.stopTraining) return epoch + 1;
  }
  return values.length;
}

// Falls, stalls, falls a little (by less than some minDelta), then rises.
const LOSS = [1, 0.8, 0.85, 0.7, 0.72, 0.71, 0.69, 0.68, 0.675, 0.9, 0.95, 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6];
const ACCURACY = [0.5, 0.6, 0.6, 0.7, 0.65, 0.68, 0.71, 0.72, 0.7, 0.69, 0.69, 0.6, 0.5, 0.4];

function randomWalk(seed: number, n: number): number[] {
  const rand = random(seed);
  let v = 1;
  return Array.from({ length: n }, () => (v += (rand() - 0.55) * 0.1));
}

describe('earlyStopping stops after the same epoch as TF.js', () => {
  const cases: [string, EarlyStoppingConfig, number[]][] = [];
  for (const patience of [0, 1, 2, 5]) {
    cases.push([`patience ${patience}`, { patience }, LOSS]);
    cases.push([`patience ${patience}, minDelta 0.015`, { patience, minDelta: 0.015 }, LOSS]);
    cases.push([`patience ${patience}, mode max on val_acc`, { patience, monitor: 'val_acc', mode: 'max' }, ACCURACY]);
    cases.push([`patience ${patience}, mode auto on val_acc`, { patience, monitor: 'val_acc' }, ACCURACY]);
    cases.push([`patience ${patience}, mode min on loss`, { patience, monitor: 'loss', mode: 'min' }, LOSS]);
    cases.push([`patience ${patience}, baseline 0.75`, { patience, baseline: 0.75 }, LOSS]);
    cases.push([`patience ${patience}, baseline 0.7 on val_acc`, { patience, monitor: 'val_acc', baseline: 0.7 }, ACCURACY]);
    for (const seed of [1, 2, 3]) cases.push([`patience ${patience}, random walk ${seed}`, { patience }, randomWalk(seed, 60)]);
  }

  it.each(cases)('%s', async (_name, config, values) => {
    const want = await tfjsEpochs(config, values);
    expect(await neuriteEpochs(config, values)).toBe(want);
  });

  it('the cases tell the patiences apart (the comparison could fail)', async () => {
    const stops = await Promise.all([1, 2, 5].map((patience) => tfjsEpochs({ patience }, LOSS)));
    expect(new Set(stops).size).toBe(3);
    expect(await tfjsEpochs({ patience: 100 }, LOSS)).toBe(LOSS.length);
  });
});

describe('inside fit()', () => {
  it('a fit monitoring an injected val_loss runs the epochs TF.js would', async () => {
    for (const patience of [0, 1, 2, 5]) {
      const model = sequential({ inputShape: [1], seed: 1 });
      model.add(layers.dense({ units: 1 }));
      model.compile({ optimizer: 'sgd', loss: 'mse' });
      // The callback before earlyStopping replaces the logged val_loss with the sequence's.
      const inject = { onEpochEnd: (epoch: number, logs: Record<string, number>) => { logs.val_loss = LOSS[epoch]; } };
      const history = await model.fit([[0], [1]], [[1], [0]], { epochs: LOSS.length, callbacks: [inject, earlyStopping({ patience })] });
      expect(history.epoch.length).toBe(await tfjsEpochs({ patience }, LOSS));
      model.dispose();
    }
  });

  it('TF.js\'s own fit() runs the epochs tfjsEpochs() counts', async () => {
    for (const patience of [1, 5]) {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
      model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      const inject = new (class extends tf.Callback {
        async onEpochEnd(epoch: number, logs?: Record<string, unknown>) { logs!.val_loss = LOSS[epoch]; }
      })();
      const [xs, ys] = [tf.tensor2d([[0], [1]]), tf.tensor2d([[1], [0]])];
      const history = await model.fit(xs, ys, { epochs: LOSS.length, verbose: 0, callbacks: [inject, tf.callbacks.earlyStopping({ patience })] });
      expect(history.epoch.length).toBe(await tfjsEpochs({ patience }, LOSS));
      tf.dispose([xs, ys]);
      model.dispose();
    }
  });
});
