// neurite on one thread and on two, in one process: the threaded build (ready({ threads: 2 }))
// with setThreads(1) and setThreads(2) in turn, on the same workloads. Large products should
// speed up; small ones (mnist-mlp, xor) stay on one thread by design and must not slow down.
// Run by bench/run.js in a process of its own (ready() picks one build per process), or alone:
//   node bench/threads.js [--quick] [--only <substring of a workload's label>, repeatable]
import { parseArgs } from 'node:util';
import { loadMnist } from '../examples/mnist-data.js';
import * as neurite from '../dist/index.js';
import * as core from '../dist/wasm.js';
import { LARGE_CNN, MNIST_CNN, neuriteCnnTrain } from './cnn-models.js';
import { BUDGETS, measure } from './measure.js';
import { uniform } from './random.js';
import { formatNumber, formatRatio, renderTable } from './report.js';
import { neuriteTrain } from './tasks.js';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string', multiple: true } } });
const budget = args.quick ? BUDGETS.quick : BUDGETS.full;
await neurite.ready({ threads: 2 });
const ctx = { neurite, core, budget };

const WIDE = {
  inputs: 1024,
  layers: [{ units: 1024, activation: 'relu' }, { units: 1024, activation: 'relu' }, { units: 10, activation: 'linear' }],
  optimizer: { name: 'sgd', learningRate: 0.01 },
  loss: 'meanSquaredError',
};
const MNIST = {
  inputs: 784,
  layers: [{ units: 128, activation: 'relu' }, { units: 64, activation: 'relu' }, { units: 10, activation: 'softmax' }],
  optimizer: { name: 'adam', learningRate: 1e-3 },
  loss: 'categoricalCrossentropy',
};
const XOR = {
  inputs: 2,
  layers: [{ units: 8, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }],
  optimizer: { name: 'sgd', learningRate: 0.1 },
  loss: 'meanSquaredError',
};

const batchOf = (spec, rows, seed) => ({ x: uniform(rows * spec.inputs, -1, 1, seed), y: uniform(rows * spec.layers.at(-1).units, 0, 1, seed + 1), rows });

/** The raw GEMM of the threaded build on n³. */
function gemmTask(form, n) {
  return {
    library: 'neurite',
    work: (2 * n ** 3) / 1e9,
    async prepare() {
      const [a, b, c] = [0, 1, 2].map(() => core.allocate(n * n * 4, 'bench'));
      const heap = core.heapF32();
      heap.set(uniform(n * n, -1, 1, 1), a >>> 2);
      heap.set(uniform(n * n, -1, 1, 2), b >>> 2);
      const kernel = core.wasm()[`gemm_${form}`];
      return { run: () => kernel(c, a, b, n, n, n, false), dispose() { for (const p of [c, b, a]) core.wasm().free(p); } };
    },
  };
}

// The cnn workload's networks (bench/cnn-models.js) on batches of 64 real digits.
const digits = loadMnist().train;
const cnnBatches = Array.from({ length: 8 }, (_, b) => ({ x: digits.x.subarray(b * 64 * 784, (b + 1) * 64 * 784), y: digits.y.subarray(b * 640, (b + 1) * 640), rows: 64 }));

const rows = [
  ['large-cnn train, batch 64, samples/s', () => neuriteCnnTrain(ctx, LARGE_CNN, cnnBatches, 1)],
  ['mnist-cnn train, batch 64, samples/s', () => neuriteCnnTrain(ctx, MNIST_CNN, cnnBatches, 5)],
  ['wide train, samples/s', () => neuriteTrain(ctx, WIDE, [batchOf(WIDE, 128, 1)], 1)],
  ['mnist-mlp train, samples/s', () => neuriteTrain(ctx, MNIST, [batchOf(MNIST, 64, 3)], 10)],
  ['xor train, steps/s', () => ({ ...neuriteTrain(ctx, XOR, [batchOf(XOR, 4, 5)], 1000), work: 1000 })],
  ...['nn', 'nt', 'tn'].map((form) => [`gemm_${form} 1024³, GFLOP/s`, () => gemmTask(form, 1024)]),
];

const table = [];
for (const [label, task] of rows) {
  if (args.only && !args.only.some((part) => label.includes(part))) continue;
  const rates = [];
  for (const threads of [1, 2]) {
    neurite.setThreads(threads);
    rates.push((await measure(task(), budget)).rate);
  }
  table.push([label, formatNumber(rates[0]), formatNumber(rates[1]), formatRatio(rates[1] / rates[0])]);
}
console.log(`threads — the threaded build with 1 and 2 threads (${args.quick ? 'quick' : 'full'} run)`);
console.log(renderTable(['workload', '1 thread', '2 threads', '2 ÷ 1'], table));
console.log('\n| workload | 1 thread | 2 threads | 2 ÷ 1 |\n| --- | ---: | ---: | ---: |');
for (const row of table) console.log(`| ${row.join(' | ')} |`);
