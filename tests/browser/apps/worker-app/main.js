// An app as a user writes it: `import ... from 'neurite'`, no Vite configuration at all.
// Trains XOR in a Worker started by workerTrainer (Vite bundles dist/worker-entry.js for it).
import { ready, wasmBuild, sequential, layers, optimizers, workerTrainer } from 'neurite';

async function main() {
  await ready();
  const model = sequential({ inputShape: [2], seed: 42 });
  model.add(layers.dense({ units: 8, activation: 'tanh' }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy' });
  const trainer = await workerTrainer(model);
  const x = new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]), y = new Float32Array([0, 1, 1, 0]);
  const history = await trainer.fit(x, y, { epochs: 300, batchSize: 4 });
  const prediction = Array.from(await trainer.predict(x));
  trainer.terminate();
  return { build: wasmBuild(), loss: history.history.loss, prediction };
}

window.result = main().catch((err) => ({ error: `${err.name}: ${err.message}` }));
