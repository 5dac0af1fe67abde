// neurite on one thread and on two, in one process: the threaded build ready({ threads: 2 }) picks
// (threads-relaxed where the engine has relaxed SIMD: node --experimental-wasm-relaxed-simd) with
// setThreads(1) and setThreads(2) in turn, on the same workloads. Large products should
// speed up; small ones (xor) stay on one thread by design and must not slow down.
// Run by bench/run.js in a process of its own (ready() picks one build per process), or alone:
//   node bench/threads.js [--quick] [--only <substring of a workload's label>, repeatable]
import { parseArgs } from 'node:util';
import { loadMnist } from '../examples/mnist-data.js';
import * as neurite from '../dist/index.js';
import * as core from '../dist/wasm.js';
import { BUDGETS, measure } from './measure.js';
import { uniform } from './random.js';
import { formatNumber, formatRatio, renderTable } from './report.js';
import { trainingWorkloads } from './thread-workloads.js';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string', multiple: true } } });
const budget = args.quick ? BUDGETS.quick : BUDGETS.full;
await neurite.ready({ threads: 2 });
const ctx = { neurite, core, budget };


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

// The training workloads are the ones the Chromium page runs too (bench/thread-workloads.js).
const rows = [
  ...trainingWorkloads(ctx, cnnBatches),
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
console.log(`threads — the ${neurite.wasmBuild()} build with 1 and 2 threads (${args.quick ? 'quick' : 'full'} run)`);
console.log(renderTable(['workload', '1 thread', '2 threads', '2 ÷ 1'], table));
console.log('\n| workload | 1 thread | 2 threads | 2 ÷ 1 |\n| --- | ---: | ---: | ---: |');
for (const row of table) console.log(`| ${row.join(' | ')} |`);
