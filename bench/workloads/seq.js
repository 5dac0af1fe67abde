// seq: sequence models, the two of issue #15, built layer for layer in neurite and TF.js, TF.js
// starting from neurite's initial weights (setWeights), on seeded random data.
//  1. sentiment-lstm, TF.js's sentiment example model: embedding(inputDim 10000, outputDim 64,
//     inputLength 100) → lstm(32) → dense(1, sigmoid), binary cross-entropy, Adam lr 1e-3,
//     batch 32 (Keras's default fit batch; see SENTIMENT.batch), ids uniform in [0, 10000), labels 0/1.
//     tfjs-wasm cannot train it (no UnsortedSegmentSum, the gather's gradient: tried, and TF.js's
//     error reported as "cannot train"); tfjs-cpu takes 10–25 s for a step of 1 row (76 s for 8;
//     where it goes was not investigated), so it gets one warm-up and one timed step of 1 row.
//  2. gru: gru(32) over [120, 14] → dense(1), mean squared error, RMSprop lr 1e-3, batch 128,
//     inputs uniform in [−1, 1), targets in [0, 1): the TF.js weather example's recurrent model.
// Training and inference (predict) samples/s for neurite, tfjs-wasm and tfjs-cpu; every layer
// uses TF.js's defaults (recurrentActivation hardSigmoid, orthogonal recurrent kernel, glorotNormal
// kernel) on both sides.
import { cycle, measure } from '../measure.js';
import { disposeTfjsModel } from '../models.js';
import { mulberry32, uniform } from '../random.js';
import { formatNumber, renderSection, summaryLine } from '../report.js';

export const SENTIMENT = {
  name: 'sentiment-lstm',
  input: [100],
  vocabulary: 10000,
  layers: [
    { type: 'embedding', inputDim: 10000, outputDim: 64, inputLength: 100 },
    { type: 'lstm', units: 32 },
    { type: 'dense', units: 1, activation: 'sigmoid' },
  ],
  optimizer: { name: 'adam', learningRate: 1e-3 },
  loss: 'binaryCrossentropy',
  // 32: Keras's default batch for fit(), and the size of what a text app trains on at once (a few
  // dozen labeled sentences). neurite's samples/s hardly depends on it: 64 is about 6% faster (the
  // dense Adam update of the 10000×64 table is paid once per step), 16 about 20% slower.
  batch: 32,
};

export const GRU = {
  name: 'gru',
  input: [120, 14],
  layers: [
    { type: 'gru', units: 32 },
    { type: 'dense', units: 1 },
  ],
  optimizer: { name: 'rmsprop', learningRate: 1e-3 },
  loss: 'meanSquaredError',
  batch: 128,
};

const BATCHES = 8; // distinct batches cycled through
const PREDICT_ROWS = 1024; // per timed predict call (neurite, tfjs-wasm), in batches of the training batch
const SLOW_PREDICT_ROWS = 128; // tfjs-cpu predict
const SLOW_TRAIN_ROWS = 1; // tfjs-cpu sentiment-lstm: a batch of 1, about 13 s a step

/** "embedding 10000→64 → lstm 32 → dense 1 sigmoid" */
export function describeSeq(spec) {
  const one = ({ type, ...c }) => {
    if (type === 'embedding') return `embedding ${c.inputDim}→${c.outputDim}`;
    if (type === 'dense') return `dense ${c.units}${c.activation ? ` ${c.activation}` : ''}`;
    return `${type} ${c.units}`;
  };
  return `[${spec.input.join(', ')}] → ${spec.layers.map(one).join(' → ')}`;
}

/**
 * Multiply-adds per sample of each weighted layer (x·W and h·U of every step; the gate arithmetic,
 * the embedding lookup and the activations are not counted): [{ type, macs, recurrentMacs, first }].
 */
function layerMacs(spec) {
  let [steps, features] = spec.input.length === 1 ? [spec.input[0], null] : spec.input;
  const out = [];
  for (const { type, ...c } of spec.layers) {
    if (type === 'embedding') {
      features = c.outputDim;
      out.push({ type, macs: 0, recurrentMacs: 0, first: true });
    } else if (type === 'lstm' || type === 'gru') {
      const gates = type === 'lstm' ? 4 : 3;
      out.push({ type, macs: steps * features * gates * c.units, recurrentMacs: steps * c.units * gates * c.units, first: out.length === 0 });
      [steps, features] = [1, c.units];
    } else if (type === 'dense') {
      out.push({ type, macs: steps * features * c.units, recurrentMacs: 0, first: out.length === 0 });
      features = c.units;
    }
  }
  return out;
}

/** Forward FLOPs per sample: 2 per multiply-add of x·W and h·U over every step, and of dense layers. */
export function seqPredictFlop(spec) {
  return 2 * layerMacs(spec).reduce((sum, l) => sum + l.macs + l.recurrentMacs, 0);
}

/**
 * Training FLOPs per sample: forward; weight gradients (xᵀ·dz, hᵀ·dz); the gradient through h
 * (dz·Uᵀ); and the input gradient (dz·Wᵀ) of every weighted layer whose input has one (the LSTM's,
 * which the embedding needs; not the GRU's, whose input is the data). The embedding has none.
 */
export function seqTrainFlop(spec) {
  return layerMacs(spec).reduce((sum, l) => sum + 2 * (l.macs * (l.first ? 2 : 3) + l.recurrentMacs * 3), 0);
}

export function neuriteSeq(neurite, spec) {
  const model = neurite.sequential({ ...(spec.layers[0].type !== 'embedding' && { inputShape: spec.input }), seed: 1 });
  for (const { type, ...config } of spec.layers) model.add(neurite.layers[type](config));
  const { name, learningRate } = spec.optimizer;
  model.compile({ optimizer: neurite.optimizers[name]({ learningRate }), loss: spec.loss });
  return model;
}

/** The same model in TF.js on the current backend, with neurite's initial weights. */
export function tfjsSeq(tf, neurite, spec) {
  const model = tf.sequential();
  const warn = console.warn;
  // TF.js warns that its orthogonal initializer is slow on matrices over 2000 values; its values are replaced below.
  console.warn = (...args) => { if (!String(args[0]).startsWith('Orthogonal initializer')) warn(...args); };
  try {
    spec.layers.forEach(({ type, ...config }, i) => model.add(tf.layers[type]({ ...config, ...(i === 0 && type !== 'embedding' && { inputShape: spec.input }) })));
  } finally {
    console.warn = warn;
  }
  const { name, learningRate } = spec.optimizer;
  model.compile({ optimizer: tf.train[name](learningRate), loss: spec.loss });
  const reference = neuriteSeq(neurite, spec);
  const weights = reference.getWeights();
  reference.dispose();
  const tensors = model.getWeights().map((w, i) => tf.tensor(weights[i], w.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
  return model;
}

/** `batches` batches of `rows` examples: { x, y, rows } (ids as numbers for the embedding). */
function seqBatches(spec, rows, count, seed) {
  const size = spec.input.reduce((a, b) => a * b, 1);
  return Array.from({ length: count }, (_, b) => {
    if (spec.vocabulary) {
      const random = mulberry32(seed + b);
      const x = Float32Array.from({ length: rows * size }, () => Math.floor(random() * spec.vocabulary));
      const y = Float32Array.from({ length: rows }, () => (random() < 0.5 ? 0 : 1));
      return { x, y, rows };
    }
    return { x: uniform(rows * size, -1, 1, seed + 2 * b), y: uniform(rows, 0, 1, seed + 2 * b + 1), rows };
  });
}

export async function seq(ctx) {
  // tfjs-cpu: one warm-up call and a fixed number of timed ones (seconds each).
  const slow = { time: 0, warmupTime: 0, warmupIterations: 1, iterations: 1 };
  const slowGru = { ...slow, iterations: ctx.mode === 'quick' ? 1 : 2 };
  const sections = [];
  const lstm = { spec: SENTIMENT, batches: seqBatches(SENTIMENT, SENTIMENT.batch, BATCHES, 100) };
  const gru = { spec: GRU, batches: seqBatches(GRU, GRU.batch, BATCHES, 200) };
  const lstmPredict = seqBatches(SENTIMENT, PREDICT_ROWS, 1, 300)[0].x;
  const gruPredict = seqBatches(GRU, PREDICT_ROWS, 1, 400)[0].x;

  sections.push({
    label: `sentiment-lstm train, batch ${SENTIMENT.batch}`, unit: 'samples/s',
    results: [
      await measure(neuriteSeqTrain(ctx, SENTIMENT, lstm.batches), ctx.budget),
      await measure(tfjsSeqTrain(ctx, 'wasm', SENTIMENT, lstm.batches), ctx.budget),
      await measure(tfjsSeqTrain(ctx, 'cpu', SENTIMENT, seqBatches(SENTIMENT, SLOW_TRAIN_ROWS, 1, 100), `one warm-up and one timed step on a batch of ${SLOW_TRAIN_ROWS} (a step takes seconds)`), slow),
    ].map(cannotTrain),
  });
  sections.push({
    label: `sentiment-lstm predict, batch ${SENTIMENT.batch}`, unit: 'samples/s',
    results: [
      await measure(neuriteSeqPredict(ctx, SENTIMENT, lstmPredict, PREDICT_ROWS), ctx.budget),
      await measure(tfjsSeqPredict(ctx, 'wasm', SENTIMENT, lstmPredict, PREDICT_ROWS), ctx.budget),
      await measure(tfjsSeqPredict(ctx, 'cpu', SENTIMENT, lstmPredict, SLOW_PREDICT_ROWS), slow),
    ],
  });
  sections.push({
    label: `gru train, batch ${GRU.batch}`, unit: 'samples/s',
    results: [
      await measure(neuriteSeqTrain(ctx, GRU, gru.batches), ctx.budget),
      await measure(tfjsSeqTrain(ctx, 'wasm', GRU, gru.batches), ctx.budget),
      await measure(tfjsSeqTrain(ctx, 'cpu', GRU, gru.batches), slowGru),
    ].map(cannotTrain),
  });
  sections.push({
    label: `gru predict, batch ${GRU.batch}`, unit: 'samples/s',
    results: [
      await measure(neuriteSeqPredict(ctx, GRU, gruPredict, PREDICT_ROWS), ctx.budget),
      await measure(tfjsSeqPredict(ctx, 'wasm', GRU, gruPredict, PREDICT_ROWS), ctx.budget),
      await measure(tfjsSeqPredict(ctx, 'cpu', GRU, gruPredict, SLOW_PREDICT_ROWS), slow),
    ],
  });

  const rate = (section, lib = 'neurite') => section.results.find((r) => r.library === lib)?.rate;
  // On a shared machine another process's load can fall on one task and not the next, so the
  // targets are also measured with their two sides interleaved, in CPU time.
  const interleaved = await interleavedRatios(ctx, { batch: lstm.batches[0], predict: lstmPredict }, { batch: gru.batches[0], predict: gruPredict });
  const targets = [
    `sentiment-lstm train ≥ 2,000 samples/s: ${formatNumber(rate(sections[0]))} (interleaved: ${formatNumber(interleaved.lstmTrain)} per CPU-second)`,
    `sentiment-lstm predict ≥ 5× train: ${formatNumber(rate(sections[1]) / rate(sections[0]))}× (interleaved: ${formatNumber(interleaved.lstm)}×)`,
    `gru train ≥ 20× tfjs-wasm: ${formatNumber(rate(sections[2]) / rate(sections[2], 'tfjs-wasm'))}× (interleaved: ${formatNumber(interleaved.gruVsWasm)}×)`,
    `gru predict ≥ 5× train: ${formatNumber(rate(sections[3]) / rate(sections[2]))}× (interleaved: ${formatNumber(interleaved.gru)}×)`,
  ];
  const mflop = (spec) => `${(seqTrainFlop(spec) / 1e6).toFixed(2)} MFLOP train, ${(seqPredictFlop(spec) / 1e6).toFixed(2)} MFLOP predict per sample`;
  return {
    title: [
      'seq — sequence models, TF.js defaults (recurrentActivation hardSigmoid), TF.js given neurite\'s initial weights, seeded random data',
      `  sentiment-lstm: ${describeSeq(SENTIMENT)}, binary cross-entropy, Adam lr 1e-3, batch ${SENTIMENT.batch} (${mflop(SENTIMENT)})`,
      `  gru: ${describeSeq(GRU)}, MSE, RMSprop lr 1e-3, batch ${GRU.batch} (${mflop(GRU)})`,
      '  FLOPs: 2 per multiply-add of x·W and h·U over every step and of the dense layer; training adds xᵀ·dz, hᵀ·dz, dz·Uᵀ and',
      '  (LSTM, for the embedding) dz·Wᵀ; gate arithmetic, activations and the embedding not counted',
      `  predict: ${PREDICT_ROWS} rows per timed call in batches of the training batch (tfjs-cpu ${SLOW_PREDICT_ROWS} rows, 1 warm-up call, 1 timed)`,
    ].join('\n'),
    text: [...sections.map(renderSection), `targets (neurite; "interleaved": both sides in alternating rounds, CPU time, see interleavedRatios):\n  ${targets.join('\n  ')}`].join('\n\n'),
    summary: [
      ...sections.map((section) => summaryLine(section)),
      summaryLine({ ...sections[0], unit: 'GFLOP/s' }, (r) => r.gflops),
      summaryLine({ ...sections[2], unit: 'GFLOP/s' }, (r) => r.gflops),
    ],
  };
}

/**
 * The targets' ratios with their two sides measured in alternating rounds (each ≥ 150 ms, or one
 * call) and timed in this process's CPU time (user + system; TF.js runs on this thread too), the
 * median round of each: load from other processes then falls on both sides alike. Returns
 * neurite's sentiment-lstm training samples per CPU-second, its predict ÷ train samples/s for each
 * model, and neurite ÷ tfjs-wasm training the GRU.
 */
async function interleavedRatios({ neurite, tf, mode }, lstm, gru) {
  const rounds = mode === 'quick' ? 3 : 7;
  const resources = [];
  const neuriteTasks = (spec, { batch, predict }) => {
    const model = neuriteSeq(neurite, spec);
    resources.push(() => model.dispose());
    const train = () => model.trainOnBatch(batch.x, batch.y), infer = () => model.predict(predict, { batchSize: spec.batch });
    return [
      { rows: batch.rows, run: train, warm: () => warmUp(train) },
      { rows: PREDICT_ROWS, run: infer, warm: () => warmUp(infer) },
    ];
  };
  const tasks = [...neuriteTasks(SENTIMENT, lstm), ...neuriteTasks(GRU, gru)];
  await tf.setBackend('wasm');
  const tfGru = tfjsSeq(tf, neurite, GRU);
  const xs = tf.tensor(gru.batch.x, [gru.batch.rows, ...GRU.input]), ys = tf.tensor2d(gru.batch.y, [gru.batch.rows, 1]);
  resources.push(() => { tf.dispose([xs, ys]); disposeTfjsModel(tfGru); });
  tasks.push({ rows: gru.batch.rows, run: () => tfGru.trainOnBatch(xs, ys) });
  const rates = tasks.map(() => []);
  try {
    for (const task of tasks) {
      if (task.warm) task.warm();
      await task.run();
    }
    for (let r = 0; r < rounds; r++) {
      for (const [i, task] of tasks.entries()) {
        const cpu = process.cpuUsage(), start = performance.now();
        let calls = 0;
        do {
          await task.run();
          calls++;
        } while (performance.now() - start < 150);
        const { user, system } = process.cpuUsage(cpu);
        rates[i].push((task.rows * calls) / ((user + system) / 1e6));
      }
    }
  } finally {
    for (const dispose of resources) dispose();
  }
  const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
  const [lstmTrain, lstmPredict, gruTrain, gruPredict, wasmGruTrain] = rates.map(median);
  return { lstmTrain, lstm: lstmPredict / lstmTrain, gru: gruPredict / gruTrain, gruVsWasm: gruTrain / wasmGruTrain };
}

/** "failed: cannot train: …" (a trial step that threw) reads "cannot train: …". */
function cannotTrain(result) {
  return result.note?.startsWith('failed: cannot train') ? { ...result, note: result.note.slice('failed: '.length) } : result;
}

/**
 * Calls `run` for 500 ms before it is timed: a new model's first steps are 2–3× slower (its buffers'
 * first touch, V8 tiering the Wasm up), longer than the quick budget's warm-up.
 */
function warmUp(run) {
  const end = performance.now() + 500;
  do run(); while (performance.now() < end);
}

/** One neurite trainOnBatch per timed call, cycling through the batches. */
export function neuriteSeqTrain({ neurite }, spec, batches) {
  const rows = batches[0].rows;
  return {
    library: 'neurite',
    work: rows,
    flop: rows * seqTrainFlop(spec),
    async prepare() {
      const model = neuriteSeq(neurite, spec);
      const next = cycle(batches);
      const run = () => {
        const { x, y } = next();
        model.trainOnBatch(x, y);
      };
      warmUp(run);
      return { run, dispose: () => model.dispose() };
    },
  };
}

/** One awaited tfjs trainOnBatch per timed call; a first step is tried in prepare() and its error reported as "cannot train". */
function tfjsSeqTrain({ tf, neurite }, backend, spec, batches, note) {
  const rows = batches[0].rows;
  return {
    library: `tfjs-${backend}`,
    work: rows,
    flop: rows * seqTrainFlop(spec),
    async: true,
    note,
    async prepare() {
      await tf.setBackend(backend);
      const model = tfjsSeq(tf, neurite, spec);
      const tensors = batches.map(({ x, y }) => ({ xs: tf.tensor(x, [rows, ...spec.input]), ys: tf.tensor2d(y, [rows, 1]) }));
      const dispose = () => {
        for (const { xs, ys } of tensors) tf.dispose([xs, ys]);
        disposeTfjsModel(model);
      };
      if (backend === 'wasm') {
        try {
          await model.trainOnBatch(tensors[0].xs, tensors[0].ys);
        } catch (error) {
          dispose();
          throw new Error(`cannot train: ${error.message}`);
        }
      }
      const next = cycle(tensors);
      return {
        async run() {
          const { xs, ys } = next();
          await model.trainOnBatch(xs, ys);
        },
        dispose,
      };
    },
  };
}

function neuriteSeqPredict({ neurite }, spec, x, rows) {
  return {
    library: 'neurite',
    work: rows,
    flop: rows * seqPredictFlop(spec),
    async prepare() {
      const model = neuriteSeq(neurite, spec);
      const run = () => model.predict(x, { batchSize: spec.batch });
      warmUp(run);
      return { run, dispose: () => model.dispose() };
    },
  };
}

/** tfjs model.predict over `rows` rows in batches of the training batch, read back with dataSync(). */
function tfjsSeqPredict({ tf, neurite }, backend, spec, x, rows) {
  const size = spec.input.reduce((a, b) => a * b, 1);
  return {
    library: `tfjs-${backend}`,
    work: rows,
    flop: rows * seqPredictFlop(spec),
    async prepare() {
      await tf.setBackend(backend);
      const model = tfjsSeq(tf, neurite, spec);
      const xs = tf.tensor(x.subarray(0, rows * size), [rows, ...spec.input]);
      return {
        run() {
          const out = model.predict(xs, { batchSize: spec.batch });
          out.dataSync();
          out.dispose();
        },
        dispose() {
          xs.dispose();
          disposeTfjsModel(model);
        },
      };
    },
  };
}
