// The smallest useful app, as a user writes it with no Vite configuration: build, train, predict.
// The bundle-size check measures what a browser downloads for this page.
import { ready, wasmBuild, sequential, layers, optimizers } from 'neurite';

async function main() {
  await ready();
  const model = sequential({ inputShape: [2], seed: 42 });
  model.add(layers.dense({ units: 8, activation: 'tanh' }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy' });
  const x = [[0, 0], [0, 1], [1, 0], [1, 1]], y = [[0], [1], [1], [0]];
  const history = await model.fit(x, y, { epochs: 300, batchSize: 4 });
  return { build: wasmBuild(), loss: history.history.loss, prediction: Array.from(model.predict(x)) };
}

window.result = main().catch((err) => ({ error: `${err.name}: ${err.message}` }));
