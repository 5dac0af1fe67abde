// xor: the smallest useful network, so what this measures is the fixed cost of one training step
// in each library: 2-8-1, tanh/sigmoid, mean squared error, SGD lr 0.1, the 4 XOR rows as one
// batch per step. Reported as steps/s; every task does STEPS steps per timed call.
import { measureAll } from '../measure.js';
import { describe } from '../models.js';
import { renderSection, summaryLine } from '../report.js';
import { brainTrain, neuriteTrain, tfjsTrain } from '../tasks.js';
import { XorReference } from '../xor-reference.js';

const XOR = {
  inputs: 2,
  layers: [{ units: 8, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }],
  optimizer: { name: 'sgd', learningRate: 0.1 },
  loss: 'meanSquaredError',
};
const STEPS = 200;

export async function xor(ctx) {
  const batch = { x: new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]), y: new Float32Array([0, 1, 1, 0]), rows: 4 };
  // Count steps, not samples; FLOP/s mean nothing at this size.
  const perStep = (task) => ({ ...task, work: STEPS, flop: undefined });
  const tasks = [
    neuriteTrain(ctx, XOR, [batch], STEPS),
    tfjsTrain(ctx, 'wasm', XOR, [batch], STEPS),
    tfjsTrain(ctx, 'cpu', XOR, [batch], STEPS),
    brainTrain(ctx, XOR, 'tanh', [batch], {
      examples: 4,
      iterations: STEPS,
      note: 'a step is one pass over the 4 rows = 4 per-example updates; tanh on both layers (one activation for all); momentum 1e-9 (must be > 0)',
    }),
    plainJsTrain(batch),
    neuriteFit(ctx, batch),
  ].map(perStep);
  const section = { label: 'xor train', unit: 'steps/s', results: await measureAll(tasks, ctx.budget) };
  // One row at a time: what predict() costs beyond the arithmetic (its call, checks and result array).
  const rows = [[0, 0], [0, 1], [1, 0], [1, 1]].map((r) => new Float32Array(r));
  const predictTasks = [neuritePredict(ctx, batch, rows), plainJsPredict(batch, rows)].map((task) => ({ ...task, work: STEPS, flop: undefined }));
  const predictSection = { label: 'xor predict one row', unit: 'rows/s', results: await measureAll(predictTasks, ctx.budget) };
  return {
    title: `xor — ${describe(XOR)}, MSE, SGD lr 0.1, batch 4`,
    text: [
      renderSection(section),
      '  tfjs-*: trainOnBatch is async and reads the loss back every step; at this size that fixed per-step cost is what is measured',
      '',
      renderSection(predictSection),
      '  predict() of one row of the trained net, STEPS calls, each returning a new Float32Array; plain JS: the same forward pass as Float32Array loops into a buffer made once',
    ].join('\n'),
    summary: [summaryLine(section), summaryLine(predictSection)],
  };
}

/** neurite predict() on one row at a time, cycling through the 4 XOR rows, after 200 training steps. */
function neuritePredict(ctx, { x, y }, rows) {
  return {
    library: 'neurite',
    async prepare() {
      const model = ctx.neurite.sequential({ inputShape: [XOR.inputs], seed: 1 });
      for (const l of XOR.layers) model.add(ctx.neurite.layers.dense(l));
      model.compile({ optimizer: ctx.neurite.optimizers.sgd({ learningRate: 0.1 }), loss: XOR.loss });
      for (let s = 0; s < STEPS; s++) model.trainOnBatch(x, y);
      return {
        run() {
          for (let s = 0; s < STEPS; s++) model.predict(rows[s & 3]);
        },
        dispose: () => model.dispose(),
      };
    },
  };
}

/** The forward pass of xor-reference.js on one row at a time, after 200 of its training steps. */
function plainJsPredict({ x, y }, rows) {
  return {
    library: 'plain JS',
    async prepare() {
      const trained = new XorReference();
      for (let s = 0; s < STEPS; s++) trained.step(x, y);
      const one = new XorReference({ rows: 1 });
      for (const k of ['w1', 'b1', 'w2', 'b2']) one[k].set(trained[k]);
      return {
        run() {
          for (let s = 0; s < STEPS; s++) one.forward(rows[s & 3]);
        },
        dispose() {},
      };
    },
  };
}

/** The same steps as fit() epochs of the 4 rows (no shuffling): fit's own overhead per step. */
function neuriteFit(ctx, { x, y }) {
  const { library, ...task } = neuriteTrain(ctx, XOR, [{ x, y, rows: 4 }], STEPS);
  return {
    ...task,
    library: 'neurite fit',
    async: true,
    async prepare() {
      const model = ctx.neurite.sequential({ inputShape: [XOR.inputs], seed: 1 });
      for (const l of XOR.layers) model.add(ctx.neurite.layers.dense(l));
      model.compile({ optimizer: ctx.neurite.optimizers.sgd({ learningRate: 0.1 }), loss: XOR.loss });
      return {
        async run() {
          await model.fit(x, y, { epochs: STEPS, batchSize: 4, shuffle: false });
        },
        dispose: () => model.dispose(),
      };
    },
  };
}

/** The Float32Array reference in xor-reference.js. */
function plainJsTrain({ x, y }) {
  return {
    library: 'plain JS',
    async prepare() {
      const reference = new XorReference();
      return {
        run() {
          for (let s = 0; s < STEPS; s++) reference.step(x, y);
        },
        dispose() {},
      };
    },
  };
}
