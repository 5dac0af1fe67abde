// The README's transfer-learning guide, run: pretrain a model, reuse its layers' weights under a new
// head, freeze them and train the head, then unfreeze and fine-tune at a low learning rate. Each
// stage checks what it promises: frozen weights keep every bit, the head learns, fine-tuning moves
// the base a little and lowers the loss further.
import { beforeAll, expect, it } from 'vitest';
import { random } from './reference.js';
import { ready, sequential, layers, optimizers, oneHot } from '../src/index.js';

beforeAll(() => ready());

// Points in the plane; task A: which of three angle sectors a point is in; task B (the new task,
// with few examples): is it in the first sector and within radius 0.7 of the centre.
const rand = random(21);
const points = (n: number) => Array.from({ length: n }, () => [rand() * 2 - 1, rand() * 2 - 1]);
const sector = ([x, y]: number[]) => Math.floor(((Math.atan2(y, x) + Math.PI) / (2 * Math.PI)) * 3) % 3;
const taskB = (p: number[]) => (sector(p) === 0 && Math.hypot(p[0], p[1]) < 0.7 ? 1 : 0);

it('freeze the reused layers, train a head, unfreeze and fine-tune', async () => {
  // 1. A model trained on the first task (in an app: loaded with loadModel).
  const xA = points(600);
  const pretrained = sequential({ inputShape: [2], seed: 1 });
  pretrained.add(layers.dense({ units: 32, activation: 'relu', name: 'base_1' }));
  pretrained.add(layers.dense({ units: 16, activation: 'relu', name: 'base_2' }));
  pretrained.add(layers.dense({ units: 3, activation: 'softmax', name: 'head_a' }));
  pretrained.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  await pretrained.fit(xA, oneHot(xA.map(sector), 3), { epochs: 40, batchSize: 32 });
  expect(pretrained.evaluate(xA, oneHot(xA.map(sector), 3)).accuracy).toBeGreaterThan(0.9);

  // 2. The same layers under a new head, starting from the pretrained weights.
  const model = sequential({ inputShape: [2], seed: 2 });
  model.add(layers.dense({ units: 32, activation: 'relu', name: 'base_1' }));
  model.add(layers.dense({ units: 16, activation: 'relu', name: 'base_2' }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid', name: 'head_b' }));
  for (const name of ['base_1', 'base_2']) model.getLayer(name).setWeights(pretrained.getLayer(name).getWeights());

  // 3. Freeze the base, train the head.
  for (const name of ['base_1', 'base_2']) model.getLayer(name).trainable = false;
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const xB = points(200), yB = xB.map(taskB), xTest = points(400), yTest = xTest.map(taskB);
  const base = model.getLayer('base_1').getWeights();
  const head = await model.fit(xB, yB, { epochs: 60, batchSize: 16 });
  expect(model.getLayer('base_1').getWeights()).toEqual(base); // frozen: not one bit moved
  expect(model.summary()).toContain('Non-trainable params: 624'); // base_1 2·32 + 32, base_2 32·16 + 16
  const headOnly = model.evaluate(xTest, yTest);
  expect(head.history.loss.at(-1)!).toBeLessThan(head.history.loss[0] / 2);

  // 4. Unfreeze and fine-tune everything at a small learning rate (compile again, as Keras does:
  // a fresh optimizer, so the base starts with no stale moments).
  for (const name of ['base_1', 'base_2']) model.getLayer(name).trainable = true;
  model.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  await model.fit(xB, yB, { epochs: 30, batchSize: 16 });
  const tuned = model.getLayer('base_1').getWeights();
  const moved = Math.max(...tuned[0].map((w, i) => Math.abs(w - base[0][i])));
  expect(moved).toBeGreaterThan(0);
  const scale = Math.max(...base[0].map(Math.abs));
  expect(moved).toBeLessThan(0.3 * scale); // a nudge, not a retraining
  const fineTuned = model.evaluate(xTest, yTest);
  expect(fineTuned.loss).toBeLessThan(headOnly.loss);
  expect(fineTuned.accuracy).toBeGreaterThan(0.9);
});
