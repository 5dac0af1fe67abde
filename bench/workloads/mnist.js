// mnist-mlp: the README's digit classifier, 784-128-64-10 relu/relu/softmax, categorical
// cross-entropy, Adam lr 1e-3, on real MNIST digits. Measures training samples/s (batches of 64
// consecutive training rows, cycling through the whole training split) and inference samples/s
// (predict on 1024 held-out digits in batches of 64, the workload's batch size).
import { loadMnist } from '../../examples/mnist-data.js';
import { measureAll } from '../measure.js';
import { describe } from '../models.js';
import { renderSection, summaryLine } from '../report.js';
import { brainPredict, brainTrain, neuritePredict, neuriteTrain, tfjsPredict, tfjsTrain } from '../tasks.js';

const MNIST = {
  inputs: 784,
  layers: [{ units: 128, activation: 'relu' }, { units: 64, activation: 'relu' }, { units: 10, activation: 'softmax' }],
  optimizer: { name: 'adam', learningRate: 1e-3 },
  loss: 'categoricalCrossentropy',
};
const BATCH = 64;
const STEPS = 10; // per timed call: 640 samples
const PREDICT_ROWS = 1024;
const BRAIN_NOTE = 'approximates: relu on every layer (no softmax), MSE instead of cross-entropy, Adam with per-example updates (batch 1)';

export async function mnist(ctx) {
  const { train, test } = loadMnist();
  const batches = Array.from({ length: Math.floor(train.rows / BATCH) }, (_, b) => rowsOf(train, b * BATCH, BATCH));
  const predict = rowsOf(test, 0, PREDICT_ROWS);
  const training = [
    neuriteTrain(ctx, MNIST, batches, STEPS),
    tfjsTrain(ctx, 'wasm', MNIST, batches, STEPS),
    tfjsTrain(ctx, 'cpu', MNIST, batches, STEPS),
    brainTrain(ctx, MNIST, 'relu', batches, { examples: BATCH, note: BRAIN_NOTE }),
  ];
  const inference = [
    neuritePredict(ctx, MNIST, predict.x, PREDICT_ROWS, BATCH),
    tfjsPredict(ctx, 'wasm', MNIST, predict.x, PREDICT_ROWS, BATCH),
    tfjsPredict(ctx, 'cpu', MNIST, predict.x, PREDICT_ROWS, BATCH),
    brainPredict(ctx, MNIST, 'relu', predict.x, predict.y, PREDICT_ROWS, 'net.run one row at a time (no batched inference); relu output instead of softmax'),
  ];
  const sections = [
    { label: 'mnist-mlp train', unit: 'samples/s', results: await measureAll(training, ctx.budget) },
    { label: `mnist-mlp predict ${PREDICT_ROWS} rows, batch ${BATCH}`, unit: 'samples/s', results: await measureAll(inference, ctx.budget) },
  ];
  return {
    title: `mnist-mlp — ${describe(MNIST)}, categorical cross-entropy, Adam lr 1e-3, batch ${BATCH}, real MNIST digits`,
    text: sections.map(renderSection).join('\n\n'),
    summary: sections.map((section) => summaryLine(section)),
  };
}

/** Rows [start, start + rows) of a split, as views. */
function rowsOf({ x, y }, start, rows) {
  return { x: x.subarray(start * 784, (start + rows) * 784), y: y.subarray(start * 10, (start + rows) * 10), rows };
}
