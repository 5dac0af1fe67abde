// What the Node scripts of tests/browser/bundlers.test.ts check, given neurite as the script loaded
// it (require or import): training on this thread and in a worker_threads thread, and an error
// from the worker arriving as the same typed error with its fields. Prints the outcome as JSON.
module.exports = async function train(n) {
  await n.ready();
  const x = [[0, 0], [0, 1], [1, 0], [1, 1]], y = [[0], [1], [1], [0]];
  const model = n.sequential({ inputShape: [2], seed: 42 });
  model.add(n.layers.dense({ units: 8, activation: 'tanh' }));
  model.add(n.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: n.optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy' });
  const trainer = await n.workerTrainer(model);
  const history = await trainer.fit(x, y, { epochs: 300, batchSize: 4 });
  const prediction = Array.from(await trainer.predict(x));
  trainer.terminate();
  const diverging = n.sequential({ inputShape: [2], seed: 1 });
  diverging.add(n.layers.dense({ units: 1 }));
  diverging.compile({ optimizer: n.optimizers.sgd({ learningRate: 1e30 }), loss: 'meanSquaredError' });
  const t2 = await n.workerTrainer(diverging);
  const err = await t2.fit(x, y, { epochs: 5, batchSize: 2 }).then(() => undefined, (e) => e);
  t2.terminate();
  return {
    build: n.wasmBuild(), loss: history.history.loss, prediction,
    divergence: { name: err && err.name, divergence: err instanceof n.DivergenceError, epoch: err && err.epoch, batch: err && err.batch },
  };
};
