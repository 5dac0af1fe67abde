// Training and inference tasks for each library, on one spec (see models.js) and the same data.
// Data is prepared in each library's native form in prepare(), outside the timed function.
// A batch is { x, y, rows } with row-major Float32Arrays.
import { cycle } from './measure.js';
import { brainExamples, brainNetwork, disposeTfjsModel, neuriteModel, predictFlopPerSample, tfjsModel, trainFlopPerSample } from './models.js';

/** `steps` calls of model.trainOnBatch per timed call, cycling through the batches. */
export function neuriteTrain({ neurite }, spec, batches, steps) {
  return {
    library: 'neurite',
    ...trainWork(spec, batches, steps),
    async prepare() {
      const model = neuriteModel(neurite, spec);
      const next = cycle(batches);
      return {
        run() {
          for (let s = 0; s < steps; s++) {
            const { x, y } = next();
            model.trainOnBatch(x, y);
          }
        },
        dispose: () => model.dispose(),
      };
    },
  };
}

/** `steps` awaited calls of tfjs model.trainOnBatch on tensors made once. */
export function tfjsTrain({ tf }, backend, spec, batches, steps) {
  return {
    library: `tfjs-${backend}`,
    ...trainWork(spec, batches, steps),
    async: true,
    async prepare() {
      await tf.setBackend(backend);
      const model = tfjsModel(tf, spec);
      const tensors = batches.map(({ x, y, rows }) => ({
        xs: tf.tensor2d(x, [rows, spec.inputs]),
        ys: tf.tensor2d(y, [rows, spec.layers.at(-1).units]),
      }));
      const next = cycle(tensors);
      return {
        async run() {
          for (let s = 0; s < steps; s++) {
            const { xs, ys } = next();
            await model.trainOnBatch(xs, ys);
          }
        },
        dispose() {
          for (const { xs, ys } of tensors) tf.dispose([xs, ys]);
          disposeTfjsModel(model);
        },
      };
    },
  };
}

/**
 * brain.js on the first `examples` rows of each batch: `iterations` passes per timed call, each a
 * per-example update on every row (brain.js has no mini-batches).
 */
export function brainTrain({ brain }, spec, activation, batches, { examples, iterations = 1, note }) {
  const outputs = spec.layers.at(-1).units;
  const chunks = batches.map(({ x, y }) => brainExamples(x, y, spec.inputs, outputs, examples));
  return {
    library: 'brain.js',
    work: iterations * examples,
    flop: iterations * examples * trainFlopPerSample(spec),
    note,
    async prepare() {
      const network = brainNetwork(brain, spec, activation);
      const next = cycle(chunks);
      return { run: () => network.train(next(), iterations), dispose() {} };
    },
  };
}

/** One model.predict over `rows` rows of x per timed call, after the same untimed warm-up as tfjsPredict's on wasm. */
export function neuritePredict({ neurite, mode }, spec, x, rows, batchSize = rows) {
  return {
    library: 'neurite',
    ...predictWork(spec, rows),
    async prepare() {
      const model = neuriteModel(neurite, spec);
      const run = () => model.predict(x, { batchSize });
      const end = performance.now() + (mode === 'quick' ? 1000 : 3000);
      do run(); while (performance.now() < end);
      return { run, dispose: () => model.dispose() };
    },
  };
}

/**
 * One tfjs model.predict over `rows` rows (in batches of batchSize) per timed call, read back with
 * dataSync(). On the wasm backend it first runs for 3 s (1 s --quick) untimed: its predict takes
 * 2–3 s of calls to reach its steady rate (V8 tiering its Wasm up), longer than the budget's warm-up.
 */
export function tfjsPredict({ tf, mode }, backend, spec, x, rows, batchSize = rows) {
  return {
    library: `tfjs-${backend}`,
    ...predictWork(spec, rows),
    async prepare() {
      await tf.setBackend(backend);
      const model = tfjsModel(tf, spec);
      const xs = tf.tensor2d(x, [rows, spec.inputs]);
      const run = () => {
        const out = model.predict(xs, { batchSize });
        out.dataSync();
        out.dispose();
      };
      if (backend === 'wasm') {
        const end = performance.now() + (mode === 'quick' ? 1000 : 3000);
        do run(); while (performance.now() < end);
      }
      return {
        run,
        dispose() {
          xs.dispose();
          disposeTfjsModel(model);
        },
      };
    },
  };
}

/** `rows` calls of brain.js net.run, one row each (it has no batched inference). */
export function brainPredict({ brain }, spec, activation, x, y, rows, note) {
  const examples = brainExamples(x, y, spec.inputs, spec.layers.at(-1).units, rows);
  return {
    library: 'brain.js',
    ...predictWork(spec, rows),
    note,
    async prepare() {
      const network = brainNetwork(brain, spec, activation);
      network.train(examples.slice(0, 1)); // brain.js sizes and initializes its network on the first train()
      return {
        run() {
          for (const { input } of examples) network.net.run(input);
        },
        dispose() {},
      };
    },
  };
}

function trainWork(spec, batches, steps) {
  const rows = batches[0].rows;
  return { work: steps * rows, flop: steps * rows * trainFlopPerSample(spec) };
}

function predictWork(spec, rows) {
  return { work: rows, flop: rows * predictFlopPerSample(spec) };
}
