// Jest in its default CommonJS mode: `require('neurite')` resolves to the CommonJS build (the
// exports map's `require` condition), which trains here and in a worker_threads thread.
// Run by tests/browser/bundlers.test.ts against the packed package.
const neurite = require('neurite');

test('require(neurite) trains, and its errors are typed', async () => {
  await neurite.ready();
  const model = neurite.sequential({ inputShape: [2], seed: 42 });
  model.add(neurite.layers.dense({ units: 8, activation: 'tanh' }));
  model.add(neurite.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: neurite.optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy' });
  const x = [[0, 0], [0, 1], [1, 0], [1, 1]], y = [[0], [1], [1], [0]];
  const trainer = await neurite.workerTrainer(model);
  const history = await trainer.fit(x, y, { epochs: 300, batchSize: 4 });
  const prediction = Array.from(await trainer.predict(x));
  trainer.terminate();
  expect(history.history.loss.at(-1)).toBeLessThan(history.history.loss[0] / 10);
  expect(prediction.map(Math.round)).toEqual([0, 1, 1, 0]);
  expect(() => model.predict([[1, 2, 3]])).toThrow(neurite.ShapeError);
});
