// The app every bundler setup of tests/browser/bundlers.test.ts builds, as a user writes it:
// `import ... from 'neurite'` and nothing else. It trains XOR on the page and in a Worker
// (workerTrainer), and checks that errors keep their class and fields, the worker's included, in
// whatever form the bundler minified them. `?threads=2` asks for two threads. The outcome, or the
// error, lands in window.result.
import {
  ready, wasmBuild, threadCount, sequential, layers, optimizers, workerTrainer,
  DivergenceError, NeuriteError, ShapeError,
} from 'neurite';

const x = new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]);
const y = new Float32Array([0, 1, 1, 0]);

function xor(learningRate) {
  const model = sequential({ inputShape: [2], seed: 42 });
  model.add(layers.dense({ units: 8, activation: 'tanh' }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: optimizers.adam({ learningRate }), loss: 'binaryCrossentropy' });
  return model;
}

function describeError(err) {
  return {
    name: err?.name,
    neurite: err instanceof NeuriteError,
    divergence: err instanceof DivergenceError,
    shape: err instanceof ShapeError,
    epoch: err?.epoch, batch: err?.batch, loss: String(err?.loss),
  };
}

async function main() {
  const threads = Number(new URLSearchParams(location.search).get('threads') ?? 1);
  await ready(threads > 1 ? { threads } : {});

  const model = xor(0.05);
  const history = await model.fit(x, y, { epochs: 300, batchSize: 4 });
  const prediction = Array.from(model.predict(x));
  let shapeError;
  try { model.predict(new Float32Array(3)); } catch (err) { shapeError = describeError(err); }

  const trainer = await workerTrainer(xor(0.05));
  const workerHistory = await trainer.fit(x, y, { epochs: 300, batchSize: 4 });
  const workerPrediction = Array.from(await trainer.predict(x));
  trainer.terminate();

  // An optimizer that overflows: the worker's fit rejects with a DivergenceError.
  const diverging = sequential({ inputShape: [2], seed: 1 });
  diverging.add(layers.dense({ units: 1 }));
  diverging.compile({ optimizer: optimizers.sgd({ learningRate: 1e30 }), loss: 'meanSquaredError' });
  const divergingTrainer = await workerTrainer(diverging);
  const divergence = await divergingTrainer.fit(x, y, { epochs: 5, batchSize: 2 }).then(() => undefined, describeError);
  divergingTrainer.terminate();

  return {
    build: wasmBuild(), threads: threadCount(), loss: history.history.loss, prediction, shapeError,
    workerLoss: workerHistory.history.loss, workerPrediction, divergence,
  };
}

window.result = main().catch((err) => ({ error: `${err?.name}: ${err?.message}` }));
