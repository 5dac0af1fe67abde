// mnist-mlp: the README's digit classifier, 784-128-64-10 relu/relu/softmax, categorical
// cross-entropy, Adam lr 1e-3, on real MNIST digits. Measures training samples/s (batches of 64
// consecutive training rows, cycling through the whole training split) and inference samples/s
// (predict on 1024 held-out digits in batches of 64, the workload's batch size).
import { loadMnist } from '../../examples/mnist-data.js';
import { measure, measureAll } from '../measure.js';
import { describe } from '../models.js';
import { formatNumber, renderSection, summaryLine } from '../report.js';
import { FORMS, neuriteGemm, peakTask } from './gemm.js';
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
  // Inference's yardsticks in this same run: the register-loop peak of the instruction set neurite
  // loaded (bench/peak.ts), and neurite's own gemm_nn on 256³, on the instance predict() uses.
  const relaxed = ctx.build === 'relaxed';
  const [peak, gemm256] = await measureAll([
    peakTask(relaxed ? 'relaxed_madd' : 'mul+add', ctx.peaks[relaxed ? 'relaxed' : 'simd']),
    neuriteGemm({ build: ctx.build, exports: ctx.core.wasm() }, FORMS[0], 256),
  ], ctx.budget);
  const predicted = sections[1].results.find((r) => r.library === 'neurite');
  const percent = (r) => (predicted?.gflops && r.rate ? `${((100 * predicted.gflops) / r.rate).toFixed(0)}%` : '—');
  const yardstick = `neurite predict ${formatNumber(predicted?.gflops)} GFLOP/s: ${percent(peak)} of the register-loop ${peak.library} peak (${formatNumber(peak.rate)} GFLOP/s), ${percent(gemm256)} of gemm_nn 256³ (${formatNumber(gemm256.rate)} GFLOP/s), both measured in this run`;
  // The same three in alternating rounds, in CPU time: load from other processes falls on each alike.
  const [nInter, wasmInter, peakInter] = await interleaved(ctx, [
    neuritePredict(ctx, MNIST, predict.x, PREDICT_ROWS, BATCH),
    tfjsPredict(ctx, 'wasm', MNIST, predict.x, PREDICT_ROWS, BATCH),
    peakTask(relaxed ? 'relaxed_madd' : 'mul+add', ctx.peaks[relaxed ? 'relaxed' : 'simd']),
  ]);
  const interleavedText = `interleaved (alternating rounds, CPU time, median round): neurite predict ${formatNumber(nInter.rate)} samples/s (${formatNumber(nInter.gflops)} GFLOP/s, ${((100 * nInter.gflops) / peakInter.rate).toFixed(0)}% of the register-loop peak, ${formatNumber(peakInter.rate)} GFLOP/s), tfjs-wasm ${formatNumber(wasmInter.rate)}: neurite ÷ tfjs-wasm ${formatNumber(nInter.rate / wasmInter.rate)}×`;
  const summary = sections.map((section) => summaryLine(section));
  if (summary[1].cells.neurite && predicted?.gflops) summary[1].cells.neurite.text += ` (${formatNumber(predicted.gflops)} GFLOP/s, ${percent(peak)} of peak, ${percent(gemm256)} of gemm_nn 256³)`;
  return {
    title: `mnist-mlp — ${describe(MNIST)}, categorical cross-entropy, Adam lr 1e-3, batch ${BATCH}, real MNIST digits`,
    text: [...sections.map(renderSection), `  ${yardstick}\n  ${interleavedText}`].join('\n\n'),
    summary,
  };
}

/** Rows [start, start + rows) of a split, as views. */
function rowsOf({ x, y }, start, rows) {
  return { x: x.subarray(start * 784, (start + rows) * 784), y: y.subarray(start * 10, (start + rows) * 10), rows };
}

/**
 * Tasks (measure.js's form) timed in alternating rounds of ≥ 150 ms each in this process's CPU time
 * (TF.js runs on this thread too; the predict tasks' prepare() warms them up for 3 s, since
 * tfjs-wasm's predict takes 2–3 s of calls to reach its steady rate, V8 tiering its Wasm up in
 * background threads whose CPU time would count). Returns { rate, gflops } of each task's median
 * round, work and GFLOP per CPU-second.
 */
async function interleaved({ mode }, tasks) {
  const rounds = mode === 'quick' ? 3 : 7;
  const prepared = [];
  try {
    for (const task of tasks) prepared.push(await task.prepare());
    const seconds = tasks.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (const [i, { run }] of prepared.entries()) {
        const cpu = process.cpuUsage(), start = performance.now();
        let calls = 0;
        do {
          await run();
          calls++;
        } while (performance.now() - start < 150);
        const { user, system } = process.cpuUsage(cpu);
        seconds[i].push((user + system) / 1e6 / calls);
      }
    }
    const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
    return tasks.map((task, i) => {
      const perCall = median(seconds[i]);
      return { rate: task.work / perCall, gflops: task.flop === undefined ? undefined : task.flop / perCall / 1e9 };
    });
  } finally {
    for (const p of prepared) await p.dispose();
  }
}
