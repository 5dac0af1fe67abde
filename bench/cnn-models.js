// Convolutional networks for the cnn workload and bench/threads.js, one description built in each
// library. A spec is
//   { input: [height, width, channels], classes, layers: [{ type, ...config }], learningRate }
// where `type` is a neurite / tfjs-layers factory name and the config is passed to both unchanged
// (TF.js option names), the optimizer is Adam and the loss categorical cross-entropy.
import { cycle } from './measure.js';

/** The TF.js MNIST example's CNN (tfjs-examples/mnist), layer for layer. */
export const MNIST_CNN = {
  name: 'TF.js MNIST example CNN',
  input: [28, 28, 1],
  classes: 10,
  layers: [
    { type: 'conv2d', filters: 8, kernelSize: 5, strides: 1, activation: 'relu', kernelInitializer: 'varianceScaling' },
    { type: 'maxPooling2d', poolSize: 2, strides: 2 },
    { type: 'conv2d', filters: 16, kernelSize: 5, strides: 1, activation: 'relu', kernelInitializer: 'varianceScaling' },
    { type: 'maxPooling2d', poolSize: 2, strides: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 10, activation: 'softmax', kernelInitializer: 'varianceScaling' },
  ],
  learningRate: 1e-3,
};

/** A larger CNN: two conv + batch-norm + pool stages, then dense 128 and the classifier. */
export const LARGE_CNN = {
  name: 'larger CNN',
  input: [28, 28, 1],
  classes: 10,
  layers: [
    { type: 'conv2d', filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' },
    { type: 'batchNormalization' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'conv2d', filters: 64, kernelSize: 3, activation: 'relu' },
    { type: 'batchNormalization' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 128, activation: 'relu' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
  learningRate: 1e-3,
};

/** "conv8(5×5)-pool2-conv16(5×5)-pool2-flatten-dense10" */
export function describeCnn(spec) {
  const one = ({ type, ...c }) => {
    if (type === 'conv2d') return `conv${c.filters} ${c.kernelSize}×${c.kernelSize}${c.padding === 'same' ? ' same' : ''} ${c.activation}`;
    if (type === 'maxPooling2d') return `maxPool ${c.poolSize}`;
    if (type === 'batchNormalization') return 'batchNorm';
    if (type === 'dense') return `dense ${c.units} ${c.activation}`;
    return type;
  };
  return `[${spec.input.join(', ')}] → ${spec.layers.map(one).join(' → ')}`;
}

/**
 * Multiply-adds per sample of each layer with weights (conv2d, dense), walking the shapes:
 * [{ type, macs, first }]. Pooling, batch normalization and activations are not counted.
 */
export function layerMacs(spec) {
  let [h, w, c] = spec.input;
  const out = [];
  for (const { type, ...cfg } of spec.layers) {
    if (type === 'conv2d') {
      const k = cfg.kernelSize, s = cfg.strides ?? 1;
      [h, w] = cfg.padding === 'same' ? [Math.ceil(h / s), Math.ceil(w / s)] : [Math.ceil((h - k + 1) / s), Math.ceil((w - k + 1) / s)];
      out.push({ type, macs: h * w * cfg.filters * k * k * c, first: out.length === 0 });
      c = cfg.filters;
    } else if (type === 'maxPooling2d') {
      const p = cfg.poolSize, s = cfg.strides ?? p;
      [h, w] = [Math.floor((h - p) / s) + 1, Math.floor((w - p) / s) + 1];
    } else if (type === 'flatten') {
      [h, w, c] = [1, 1, h * w * c];
    } else if (type === 'dense') {
      out.push({ type, macs: c * cfg.units, first: out.length === 0 });
      c = cfg.units;
    }
  }
  return out;
}

/** Forward FLOPs per sample: 2 per multiply-add. */
export function cnnPredictFlop(spec) {
  return 2 * layerMacs(spec).reduce((sum, l) => sum + l.macs, 0);
}

/** Training FLOPs per sample: forward, weight gradients, and input gradients of every weighted layer but the first. */
export function cnnTrainFlop(spec) {
  return layerMacs(spec).reduce((sum, l) => sum + 2 * l.macs * (l.first ? 2 : 3), 0);
}

export function neuriteCnn(neurite, spec) {
  const model = neurite.sequential({ inputShape: spec.input, seed: 1 });
  for (const { type, ...config } of spec.layers) model.add(neurite.layers[type](config));
  model.compile({ optimizer: neurite.optimizers.adam({ learningRate: spec.learningRate }), loss: 'categoricalCrossentropy' });
  return model;
}

export function tfjsCnn(tf, spec) {
  const model = tf.sequential();
  spec.layers.forEach(({ type, ...config }, i) => model.add(tf.layers[type]({ ...config, ...(i === 0 && { inputShape: spec.input }) })));
  model.compile({ optimizer: tf.train.adam(spec.learningRate), loss: 'categoricalCrossentropy' });
  return model;
}

/**
 * The same network in ConvNetJS's layer_defs (its conv has no padding unless given, its pool
 * strides by its size, its softmax layer adds the fully-connected layer before it). Throws on a
 * layer ConvNetJS does not have.
 */
export function convnetjsDefs(spec) {
  const [sx, sy, depth] = spec.input;
  const defs = [{ type: 'input', out_sx: sx, out_sy: sy, out_depth: depth }];
  const rest = spec.layers.filter((l) => l.type !== 'flatten'); // ConvNetJS's fc reads any volume
  rest.forEach(({ type, ...c }, i) => {
    if (type === 'conv2d') defs.push({ type: 'conv', sx: c.kernelSize, filters: c.filters, stride: c.strides ?? 1, pad: c.padding === 'same' ? (c.kernelSize - 1) / 2 : 0, activation: c.activation });
    else if (type === 'maxPooling2d') defs.push({ type: 'pool', sx: c.poolSize, stride: c.strides ?? c.poolSize });
    else if (type === 'dense' && i === rest.length - 1 && c.activation === 'softmax') defs.push({ type: 'softmax', num_classes: c.units });
    else if (type === 'dense') defs.push({ type: 'fc', num_neurons: c.units, activation: c.activation });
    else throw new Error(`ConvNetJS has no ${type} layer`);
  });
  return defs;
}

/** `steps` calls of neurite's trainOnBatch per timed call, cycling through the batches. */
export function neuriteCnnTrain({ neurite }, spec, batches, steps) {
  return {
    library: 'neurite',
    work: steps * batches[0].rows,
    flop: steps * batches[0].rows * cnnTrainFlop(spec),
    async prepare() {
      const model = neuriteCnn(neurite, spec);
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
