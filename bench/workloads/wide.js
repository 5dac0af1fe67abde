// wide: a compute-bound network, 1024-1024-1024-10, relu/relu/linear, mean squared error, SGD
// lr 0.01, batch 128 of random inputs in [-1, 1) and random targets in [0, 1). Measures training
// samples/s and GFLOP/s, with the same nominal FLOP count for every library (models.js).
import { measureAll } from '../measure.js';
import { describe, trainFlopPerSample } from '../models.js';
import { brainTrain, neuriteTrain, tfjsTrain } from '../tasks.js';
import { uniform } from '../random.js';
import { renderSection, summaryLine } from '../report.js';

const WIDE = {
  inputs: 1024,
  layers: [{ units: 1024, activation: 'relu' }, { units: 1024, activation: 'relu' }, { units: 10, activation: 'linear' }],
  optimizer: { name: 'sgd', learningRate: 0.01 },
  loss: 'meanSquaredError',
};
const BATCH = 128;
const BRAIN_EXAMPLES = 8; // per timed call; brain.js takes tens of ms per example here

export async function wide(ctx) {
  const batch = { x: uniform(BATCH * WIDE.inputs, -1, 1, 1), y: uniform(BATCH * 10, 0, 1, 2), rows: BATCH };
  const tasks = [
    neuriteTrain(ctx, WIDE, [batch], 1),
    tfjsTrain(ctx, 'wasm', WIDE, [batch], 1),
    tfjsTrain(ctx, 'cpu', WIDE, [batch], 1),
    brainTrain(ctx, WIDE, 'relu', [batch], {
      examples: BRAIN_EXAMPLES,
      note: 'approximates: relu output instead of linear, per-example SGD updates (batch 1), momentum 1e-9 (must be > 0)',
    }),
  ];
  const flop = (trainFlopPerSample(WIDE) / 1e6).toFixed(1);
  const section = { label: 'wide train', unit: 'samples/s', results: await measureAll(tasks, ctx.budget) };
  return {
    title: `wide — ${describe(WIDE)}, MSE, SGD lr 0.01, batch ${BATCH}, random data (${flop} MFLOP per training sample)`,
    text: renderSection(section),
    summary: [summaryLine(section), summaryLine({ ...section, unit: 'GFLOP/s' }, (r) => r.gflops)],
  };
}
