// One network description, built in each library. A spec is
//   { inputs, layers: [{ units, activation }], optimizer: { name: 'sgd' | 'adam', learningRate }, loss }
// with TF.js names for activations, optimizers and losses (neurite uses the same ones).

/** FLOPs of one training sample: forward, weight gradients, and input gradients of all layers but the first. */
export function trainFlopPerSample(spec) {
  const macs = layerSizes(spec).map(([inputs, units]) => inputs * units);
  const all = macs.reduce((a, b) => a + b, 0);
  return 2 * all + 2 * all + 2 * (all - macs[0]);
}

/** FLOPs of one inference sample: the forward pass. */
export function predictFlopPerSample(spec) {
  return 2 * layerSizes(spec).reduce((sum, [inputs, units]) => sum + inputs * units, 0);
}

function layerSizes(spec) {
  return spec.layers.map(({ units }, i) => [i === 0 ? spec.inputs : spec.layers[i - 1].units, units]);
}

/** "784-128-64-10 relu/relu/softmax" */
export function describe(spec) {
  return `${[spec.inputs, ...spec.layers.map((l) => l.units)].join('-')} ${spec.layers.map((l) => l.activation).join('/')}`;
}

export function neuriteModel(neurite, spec) {
  const model = neurite.sequential({ inputShape: [spec.inputs], seed: 1 });
  for (const { units, activation } of spec.layers) model.add(neurite.layers.dense({ units, activation }));
  const { name, learningRate } = spec.optimizer;
  model.compile({ optimizer: neurite.optimizers[name]({ learningRate }), loss: spec.loss });
  return model;
}

/** A tf.sequential on the current backend; dispose it with disposeTfjsModel. */
export function tfjsModel(tf, spec) {
  const model = tf.sequential();
  spec.layers.forEach(({ units, activation }, i) => {
    model.add(tf.layers.dense({ units, activation, ...(i === 0 && { inputShape: [spec.inputs] }) }));
  });
  const { name, learningRate } = spec.optimizer;
  model.compile({ optimizer: tf.train[name](learningRate), loss: spec.loss });
  return model;
}

export function disposeTfjsModel(model) {
  model.optimizer.dispose(); // an optimizer passed to compile() is not disposed with the model
  model.dispose();
}

/**
 * The nearest brain.js network: one activation for every layer (including the output), mean
 * squared error, and per-example updates with SGD + momentum or Adam. `train(examples, iterations)`
 * runs that many passes over [{ input, output }] and checks that brain.js did not stop early.
 */
export function brainNetwork(brain, spec, activation) {
  const net = new brain.NeuralNetwork({ hiddenLayers: spec.layers.slice(0, -1).map((l) => l.units), activation });
  const { name, learningRate } = spec.optimizer;
  const options = {
    learningRate,
    // brain.js requires 0 < momentum < 1 and 0 < errorThresh < 1: these are the closest to "none".
    momentum: 1e-9,
    errorThresh: 1e-12,
    ...(name === 'adam' && { praxis: 'adam' }),
  };
  return {
    net,
    train(examples, iterations = 1) {
      const status = net.train(examples, { ...options, iterations });
      if (status.iterations !== iterations) throw new Error(`brain.js stopped after ${status.iterations} of ${iterations} iterations`);
    },
  };
}

/**
 * Splits row-major x and y into brain.js examples [{ input, output }] of plain arrays, the form
 * brain.js documents (given typed arrays it builds per-key lookup tables and converts every run()).
 */
export function brainExamples(x, y, inputs, outputs, rows) {
  return Array.from({ length: rows }, (_, r) => ({
    input: Array.from(x.subarray(r * inputs, (r + 1) * inputs)),
    output: Array.from(y.subarray(r * outputs, (r + 1) * outputs)),
  }));
}
