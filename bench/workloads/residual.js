// residual: a graph model against the same layers as a stack. A residual MLP 784 → dense 256 relu →
// 4 × [dense 256 relu, add the block's input] → dense 10 softmax, categorical cross-entropy, Adam
// lr 0.001, batch 64 of random inputs and one-hot labels. neurite trains it as a model() graph
// and, for the same dense FLOPs without the skips, as a sequential() stack; TF.js trains the same
// graph (tf.model) on its wasm and cpu backends.
import { measureAll } from '../measure.js';
import { uniform } from '../random.js';
import { renderSection, summaryLine } from '../report.js';

const INPUTS = 784, WIDTH = 256, BLOCKS = 4, CLASSES = 10, BATCH = 64;
// Multiply-adds ×2 per dense layer, ×3 for training (forward, input gradient, weight gradient).
const FLOP = 3 * 2 * (INPUTS * WIDTH + BLOCKS * WIDTH * WIDTH + WIDTH * CLASSES);

function build(api, graph) {
  const { layers } = api;
  if (!graph) {
    const m = api.sequential({ inputShape: [INPUTS], seed: 1 });
    m.add(layers.dense({ units: WIDTH, activation: 'relu' }));
    for (let b = 0; b < BLOCKS; b++) m.add(layers.dense({ units: WIDTH, activation: 'relu' }));
    m.add(layers.dense({ units: CLASSES, activation: 'softmax' }));
    return m;
  }
  const x = api.input({ shape: [INPUTS] });
  let h = layers.dense({ units: WIDTH, activation: 'relu' }).apply(x);
  for (let b = 0; b < BLOCKS; b++) h = layers.add().apply([h, layers.dense({ units: WIDTH, activation: 'relu' }).apply(h)]);
  return api.model({ inputs: x, outputs: layers.dense({ units: CLASSES, activation: 'softmax' }).apply(h), ...(api.tf ? {} : { seed: 1 }) });
}

function neuriteTask({ neurite }, graph, batch) {
  return {
    library: graph ? 'neurite' : 'neurite sequential',
    work: BATCH,
    flop: FLOP * BATCH,
    note: graph ? undefined : 'the same dense layers without the skips',
    async prepare() {
      const model = build(neurite, graph);
      model.compile({ optimizer: neurite.optimizers.adam({ learningRate: 0.001 }), loss: 'categoricalCrossentropy' });
      return { run: () => model.trainOnBatch(batch.x, batch.y), dispose: () => model.dispose() };
    },
  };
}

function tfjsTask({ tf }, backend, batch) {
  return {
    library: `tfjs-${backend}`,
    work: BATCH,
    flop: FLOP * BATCH,
    async: true,
    async prepare() {
      await tf.setBackend(backend);
      const model = build({ layers: tf.layers, input: tf.input, model: tf.model, tf }, true);
      model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
      const xs = tf.tensor2d(batch.x, [BATCH, INPUTS]), ys = tf.tensor2d(batch.y, [BATCH, CLASSES]);
      return {
        run: () => model.trainOnBatch(xs, ys),
        dispose() {
          tf.dispose([xs, ys]);
          model.dispose();
        },
      };
    },
  };
}

export async function residual(ctx) {
  const y = new Float32Array(BATCH * CLASSES);
  for (let r = 0; r < BATCH; r++) y[r * CLASSES + (r % CLASSES)] = 1;
  const batch = { x: uniform(BATCH * INPUTS, -1, 1, 5), y };
  const tasks = [neuriteTask(ctx, true, batch), neuriteTask(ctx, false, batch), tfjsTask(ctx, 'wasm', batch), tfjsTask(ctx, 'cpu', batch)];
  const section = { label: 'residual-mlp train', unit: 'samples/s', results: await measureAll(tasks, ctx.budget) };
  return {
    title: `residual — 784 → 256 → ${BLOCKS} × [dense 256 relu + skip] → 10 softmax, Adam, batch ${BATCH}, random data (${(FLOP / 1e6).toFixed(2)} MFLOP per training sample)`,
    text: renderSection(section),
    summary: [summaryLine(section)],
  };
}
