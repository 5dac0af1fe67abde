// Wasm memory against what each workload's model needs. Each model in a fresh process (Wasm
// memory only grows, so one process per model): ready(), build, two trainOnBatch steps and a
// predict at the workload's batch size, then read the Wasm memory's size and the bytes of the
// model's own blocks (the core's net_bytes: weights with their next copy and gradients, optimizer
// state with its next copy, activations with staging and scratch at the batch size, packed
// kernels, the records). Target (issue 19): memory ≤ 1.25 × the model's blocks + 1 MiB. Then a
// one-epoch fit() of 8 batches, which stages the data set in Wasm memory while it runs: the memory
// after it holds the data set's bytes too (Wasm memory cannot shrink; the next fit reuses it).
// Run by bench/run.js (--only memory), or alone: node bench/memory.js
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LARGE_CNN, MNIST_CNN, neuriteCnn } from './cnn-models.js';
import { neuriteModel } from './models.js';
import { mulberry32, uniform } from './random.js';
import { renderTable } from './report.js';
import { GRU, SENTIMENT, neuriteSeq } from './workloads/seq.js';

const XOR = { inputs: 2, layers: [{ units: 8, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], optimizer: { name: 'sgd', learningRate: 0.1 }, loss: 'meanSquaredError' };
const MNIST = { inputs: 784, layers: [{ units: 128, activation: 'relu' }, { units: 64, activation: 'relu' }, { units: 10, activation: 'softmax' }], optimizer: { name: 'adam', learningRate: 1e-3 }, loss: 'categoricalCrossentropy' };
const WIDE = { inputs: 1024, layers: [{ units: 1024, activation: 'relu' }, { units: 1024, activation: 'relu' }, { units: 10, activation: 'linear' }], optimizer: { name: 'sgd', learningRate: 0.01 }, loss: 'meanSquaredError' };

// name → [build(neurite), batch size, input size per example, output size, input of integer ids below]
const WORKLOADS = {
  xor: [(n) => neuriteModel(n, XOR), 4, 2, 1],
  'mnist-mlp': [(n) => neuriteModel(n, MNIST), 64, 784, 10],
  wide: [(n) => neuriteModel(n, WIDE), 128, 1024, 10],
  'mnist-cnn': [(n) => neuriteCnn(n, MNIST_CNN), 64, 784, 10],
  'large-cnn': [(n) => neuriteCnn(n, LARGE_CNN), 64, 784, 10],
  'sentiment-lstm': [(n) => neuriteSeq(n, SENTIMENT), SENTIMENT.batch, 100, 1, SENTIMENT.vocabulary],
  gru: [(n) => neuriteSeq(n, GRU), GRU.batch, 120 * 14, 1],
};
const PARTS = ['weights', 'optimizer', 'activations', 'packed', 'records'];
const MiB = 2 ** 20;

// --quick is accepted (bench/run.js passes it) and changes nothing: this one is quick.
const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, child: { type: 'string' } } });
if (args.child) {
  console.log(JSON.stringify(await measureChild(args.child)));
} else {
  const rows = Object.keys(WORKLOADS).map((name) => JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', name], { encoding: 'utf8' })));
  console.log(report(rows));
}

async function measureChild(name) {
  const neurite = await import('../dist/index.js');
  const { wasm } = await import('../dist/wasm.js');
  await neurite.ready();
  const core = wasm();
  const heapBase = core.heap_top();
  const [build, batch, inputs, outputs, ids] = WORKLOADS[name];
  const random = mulberry32(7);
  const x = ids ? Float32Array.from({ length: 8 * batch * inputs }, () => Math.floor(random() * ids)) : uniform(8 * batch * inputs, -1, 1, 1);
  const y = uniform(8 * batch * outputs, 0, 1, 2);
  const model = build(neurite);
  const first = (a, width) => a.subarray(0, batch * width);
  model.trainOnBatch(first(x, inputs), first(y, outputs));
  model.trainOnBatch(first(x, inputs), first(y, outputs));
  model.predict(first(x, inputs));
  const net = model.owned.net;
  const parts = PARTS.map((_, p) => core.net_bytes(net, p));
  const memory = core.memory.buffer.byteLength;
  await model.fit(x, y, { epochs: 1, batchSize: batch, shuffle: false });
  return { name, batch, heapBase, parts, memory, afterFit: core.memory.buffer.byteLength, data: (x.length + y.length) * 4 };
}

function report(rows) {
  const mb = (bytes) => (bytes / MiB).toFixed(3);
  const table = rows.map(({ name, batch, heapBase, parts, memory, afterFit, data }) => {
    const model = parts.reduce((a, b) => a + b, 0), limit = 1.25 * model + MiB;
    return [
      `${name} (batch ${batch})`, ...parts.map(mb), mb(model), mb(heapBase), mb(memory), `${(memory / model).toFixed(2)}×`,
      memory <= limit ? 'yes' : `no (${mb(limit)} allowed)`, `${mb(afterFit)} (data ${mb(data)})`,
    ];
  });
  return `Wasm memory per model, MiB (each in a fresh process; after two training steps and a predict at the batch size)\n`
    + renderTable(['model', ...PARTS, 'model total', 'static', 'Wasm memory', 'memory ÷ model', '≤ 1.25 × model + 1 MiB', 'after fit(8 batches)'], table);
}
