// Differential tests against TensorFlow.js 4.22 on its cpu backend: the reference implementation
// whose API and formulas neurite follows. For the same weights and data, this file shows that
//   1. every activation gives the same predictions as a tf.layers model (to 1e-4 relative);
//   2. every loss, with its fromLogits / labelSmoothing / delta variants, gives the same batch
//      value as TF.js's own loss (the tfjs-layers loss through compile + evaluate, or tf.losses.*);
//   3. every optimizer, with its defaults and with other hyperparameters, leaves the same weights
//      as tf.train.* after 5 trainOnBatch steps on a 4→6→5→3 network, every activation but
//      softmax appearing as a hidden activation somewhere. adamw and amsgrad, which TF.js lacks, are checked against
//      a hand-written float64 rule fed with TF.js's gradients.
//
// Known, intended differences, kept out of the way by the data:
//   - With softmax + categoricalCrossentropy or sigmoid + binaryCrossentropy, neurite computes the
//     loss from the logits (like Keras on TensorFlow) where TF.js clips the probabilities at 1e-7:
//     the logits here stay small (|z| < ~4), so no probability comes near the clip.
//   - sigmoid / tanh / softmax are float32 SIMD approximations good to a few ulp, and gelu uses an
//     erfc accurate in the tails where TF.js's erf is off by ~1e-7 absolute: every comparison is
//     relative (1e-4) with a small absolute floor for values near 0.
//   - tfjs-layers' sparseCategoricalCrossentropy clips its input to [1e-7, 1 − 1e-7] before the
//     softmax even with fromLogits (a TF.js quirk), so sparse fromLogits is compared with
//     tf.losses.softmaxCrossEntropy on one-hot labels instead.
//   - TF.js's centered RMSProp subtracts ε under the root; see that case for how it is matched.
// TFJS_DIFF_VERBOSE=1 prints how close each comparison came to its tolerance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from './close.js';
import { tf, tfjsCpu } from './tfjs-cpu.js';
import { random, randomArray } from './reference.js';
import { ready, sequential, layers, optimizers, losses, activations, type Sequential } from '../src/index.js';

type Tensor = tf.Tensor;
type TfActivation = 'linear' | 'relu' | 'relu6' | 'elu' | 'selu' | 'gelu' | 'swish' | 'mish' | 'softplus' | 'softsign' | 'sigmoid' | 'hardSigmoid' | 'tanh' | 'softmax';
type NeuriteActivation = Parameters<typeof layers.dense>[0]['activation'];

beforeAll(async () => {
  await tfjsCpu();
  expect(tf.getBackend()).toBe('cpu');
  expect(tf.version.tfjs).toBe('4.22.0');
  await ready();
});

afterAll(() => {
  tf.disposeVariables();
});

interface DenseSpec {
  units: number;
  /** The neurite activation (string or configured object). */
  neurite: NeuriteActivation;
  /** The same activation in TF.js: an identifier of tf.layers.dense, or a function of the linear output. */
  tfjs: TfActivation | ((z: Tensor) => Tensor);
}

/** A TF.js sequential model with the same layers, holding the given neurite weights. */
function tfModel(inputs: number, specs: DenseSpec[], weights: Float32Array[]): tf.Sequential {
  const model = tf.sequential();
  specs.forEach((spec, i) => {
    const activation = typeof spec.tfjs === 'string' ? spec.tfjs : 'linear';
    model.add(tf.layers.dense({ units: spec.units, activation, inputShape: i === 0 ? [inputs] : undefined }));
    if (typeof spec.tfjs === 'function') model.add(new FunctionLayer(spec.tfjs));
  });
  let w = inputs;
  const tensors = specs.flatMap((spec, i) => {
    const pair = [tf.tensor2d(weights[2 * i], [w, spec.units]), tf.tensor1d(weights[2 * i + 1])];
    w = spec.units;
    return pair;
  });
  model.setWeights(tensors);
  tf.dispose(tensors);
  return model;
}

/** A weightless TF.js layer applying a tf function, for activations tfjs-layers has no string for. */
class FunctionLayer extends tf.layers.Layer {
  static className = 'NeuriteTestFunction';
  constructor(private readonly fn: (z: Tensor) => Tensor) {
    super({});
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => this.fn(Array.isArray(inputs) ? inputs[0] : inputs));
  }
  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return shape;
  }
}

/** A neurite model of the same layers with the given weights. */
function neuriteModel(inputs: number, specs: DenseSpec[], weights: Float32Array[]): Sequential {
  const model = sequential({ inputShape: [inputs], seed: 7 });
  for (const spec of specs) model.add(layers.dense({ units: spec.units, activation: spec.neurite }));
  model.setWeights(weights);
  return model;
}

/** Random weights [kernel0, bias0, ...] for a dense stack, kernels uniform in ±scale. */
function randomWeights(inputs: number, units: number[], rand: () => number, scale: number, biasScale: number): Float32Array[] {
  const ws: Float32Array[] = [];
  let w = inputs;
  for (const u of units) {
    ws.push(randomArray(w * u, rand, -scale, scale), randomArray(u, rand, -biasScale, biasScale));
    w = u;
  }
  return ws;
}

function tfPredict(model: tf.Sequential, x: Float32Array, rows: number, cols: number): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor2d(x, [rows, cols])) as Tensor).dataSync() as Float32Array);
}

// ---------------------------------------------------------------------------------------------
// 1. Activations
// ---------------------------------------------------------------------------------------------

/** ELU with a non-default alpha: tfjs-layers only implements alpha 1, so built from tf ops. */
const eluAlpha = (alpha: number) => (z: Tensor) => tf.where(tf.greater(z, 0), z, tf.mul(alpha, tf.elu(z)));

const ACTIVATION_CASES: { name: string; neurite: NeuriteActivation; tfjs: DenseSpec['tfjs'] }[] = [
  { name: 'linear', neurite: 'linear', tfjs: 'linear' },
  { name: 'relu', neurite: 'relu', tfjs: 'relu' },
  { name: 'relu6', neurite: 'relu6', tfjs: 'relu6' },
  // tfjs-layers has no leakyRelu identifier: tf.leakyRelu (default alpha 0.2) on the linear output.
  { name: 'leakyRelu', neurite: 'leakyRelu', tfjs: (z) => tf.leakyRelu(z, 0.2) },
  { name: 'leakyRelu alpha 0.05', neurite: activations.leakyRelu({ alpha: 0.05 }), tfjs: (z) => tf.leakyRelu(z, 0.05) },
  { name: 'elu', neurite: 'elu', tfjs: 'elu' },
  { name: 'elu alpha 0.5', neurite: activations.elu({ alpha: 0.5 }), tfjs: eluAlpha(0.5) },
  { name: 'selu', neurite: 'selu', tfjs: 'selu' },
  { name: 'gelu', neurite: 'gelu', tfjs: 'gelu' },
  { name: 'swish', neurite: 'swish', tfjs: 'swish' },
  { name: 'silu (swish alias)', neurite: 'silu', tfjs: 'swish' },
  { name: 'mish', neurite: 'mish', tfjs: 'mish' },
  { name: 'softplus', neurite: 'softplus', tfjs: 'softplus' },
  { name: 'softsign', neurite: 'softsign', tfjs: 'softsign' },
  { name: 'sigmoid', neurite: 'sigmoid', tfjs: 'sigmoid' },
  { name: 'hardSigmoid', neurite: 'hardSigmoid', tfjs: 'hardSigmoid' },
  { name: 'tanh', neurite: 'tanh', tfjs: 'tanh' },
  { name: 'softmax', neurite: 'softmax', tfjs: 'softmax' },
];

describe('activations match TF.js (one dense layer 4→6, same weights and inputs)', () => {
  const ROWS = 16, IN = 4, UNITS = 6;
  const rand = random(11);
  const x = randomArray(ROWS * IN, rand, -3, 3);
  const weights = randomWeights(IN, [UNITS], rand, 2, 1);

  it('the pre-activations span the interesting ranges (below −6, above 6, around 0)', () => {
    const linear = tfModel(IN, [{ units: UNITS, neurite: 'linear', tfjs: 'linear' }], weights);
    const z = tfPredict(linear, x, ROWS, IN);
    linear.dispose();
    expect(Math.min(...z)).toBeLessThan(-6); // elu/selu/softplus tails, hardSigmoid floor
    expect(Math.max(...z)).toBeGreaterThan(6); // relu6 ceiling, hardSigmoid ceiling
    expect(z.some((v) => Math.abs(v) < 0.3)).toBe(true); // the curved middle
  });

  it.each(ACTIVATION_CASES)('$name', ({ name, neurite, tfjs }) => {
    const spec: DenseSpec = { units: UNITS, neurite, tfjs };
    const model = neuriteModel(IN, [spec], weights), reference = tfModel(IN, [spec], weights);
    const got = model.predict(x), expected = tfPredict(reference, x, ROWS, IN);
    model.dispose();
    reference.dispose();
    expectClose(got, expected, `${name} predictions`);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Losses
// ---------------------------------------------------------------------------------------------

type LabelKind = 'real' | 'signs' | 'binary' | 'soft' | 'onehot' | 'distribution' | 'sparse';

interface LossCase {
  name: string;
  /** The neurite loss, as a string or configured object. */
  loss: Parameters<Sequential['compile']>[0]['loss'];
  /** The last layer's activation (the same in both libraries). */
  activation: TfActivation;
  labels: LabelKind;
  /**
   * TF.js: a tfjs-layers loss identifier, run through compile + evaluate, or a function of the
   * label tensor and the TF.js model's output returning the batch loss.
   */
  tfjs: string | ((y: Tensor, out: Tensor) => Tensor);
  /** Kernel scale (default 1.2); a larger one drives some outputs into saturation. */
  scale?: number;
}

const LOSS_ROWS = 8, LOSS_IN = 4, LOSS_UNITS = 3;

function labelsFor(kind: LabelKind, rand: () => number): { data: Float32Array; cols: number } {
  const n = LOSS_ROWS * LOSS_UNITS;
  const oneHot = (classes: number[]) => {
    const y = new Float32Array(n);
    classes.forEach((c, r) => (y[r * LOSS_UNITS + c] = 1));
    return y;
  };
  const classes = Array.from({ length: LOSS_ROWS }, (_, r) => (r + Math.floor(rand() * 2)) % LOSS_UNITS);
  switch (kind) {
    case 'real': return { data: randomArray(n, rand, -2, 2), cols: LOSS_UNITS };
    case 'signs': return { data: Float32Array.from({ length: n }, () => (rand() < 0.5 ? -1 : 1)), cols: LOSS_UNITS };
    case 'binary': return { data: Float32Array.from({ length: n }, (_, i) => (i * 7 + Math.floor(rand() * 2)) % 2), cols: LOSS_UNITS };
    case 'soft': return { data: randomArray(n, rand, 0, 1), cols: LOSS_UNITS };
    case 'onehot': return { data: oneHot(classes), cols: LOSS_UNITS };
    case 'sparse': return { data: Float32Array.from(classes), cols: 1 };
    case 'distribution': {
      // Rows summing to 1, one row with a zero entry (0·log 0 counts as 0 in both).
      const y = randomArray(n, rand, 0.05, 1);
      y[0] = 0;
      for (let r = 0; r < LOSS_ROWS; r++) {
        let s = 0;
        for (let c = 0; c < LOSS_UNITS; c++) s += y[r * LOSS_UNITS + c];
        for (let c = 0; c < LOSS_UNITS; c++) y[r * LOSS_UNITS + c] /= s;
      }
      return { data: y, cols: LOSS_UNITS };
    }
  }
}

/** Keras / TF.js label smoothing for binary labels: y·(1 − s) + s/2. */
const smoothBinary = (y: Tensor, s: number) => tf.add(tf.mul(y, 1 - s), 0.5 * s);
/** Keras / TF.js label smoothing for categorical labels: y·(1 − s) + s/classes. */
const smoothCategorical = (y: Tensor, s: number) => tf.add(tf.mul(y, 1 - s), s / y.shape[y.shape.length - 1]!);
/** tf.losses.* reduce with SUM_BY_NONZERO_WEIGHTS, i.e. the mean over every element (rows for the softmax one). */
const MEAN = tf.Reduction.SUM_BY_NONZERO_WEIGHTS;

const LOSS_CASES: LossCase[] = [
  { name: 'meanSquaredError', loss: 'meanSquaredError', activation: 'linear', labels: 'real', tfjs: 'meanSquaredError' },
  { name: 'meanAbsoluteError', loss: 'meanAbsoluteError', activation: 'linear', labels: 'real', tfjs: 'meanAbsoluteError' },
  { name: 'logcosh', loss: 'logcosh', activation: 'linear', labels: 'real', tfjs: 'logcosh' },
  // tfjs-layers has no huber loss: tf.losses.huberLoss, reduced as the mean over every element,
  // which is Keras's mean over the row then over the batch (all rows have the same width).
  { name: 'huber (delta 1)', loss: 'huber', activation: 'linear', labels: 'real', tfjs: (y, p) => tf.losses.huberLoss(y, p, undefined, 1, MEAN) },
  { name: 'huber delta 0.5', loss: losses.huber({ delta: 0.5 }), activation: 'linear', labels: 'real', tfjs: (y, p) => tf.losses.huberLoss(y, p, undefined, 0.5, MEAN) },
  // Labels −1/1: TF.js applies max(0, 1 − y·p) to labels as given (Keras would map 0/1 to −1/1).
  { name: 'hinge', loss: 'hinge', activation: 'linear', labels: 'signs', tfjs: 'hinge' },
  { name: 'kullbackLeiblerDivergence', loss: 'kullbackLeiblerDivergence', activation: 'softmax', labels: 'distribution', tfjs: 'kullbackLeiblerDivergence' },
  { name: 'binaryCrossentropy (sigmoid)', loss: 'binaryCrossentropy', activation: 'sigmoid', labels: 'binary', tfjs: 'binaryCrossentropy' },
  { name: 'binaryCrossentropy (sigmoid, soft labels)', loss: 'binaryCrossentropy', activation: 'sigmoid', labels: 'soft', tfjs: 'binaryCrossentropy' },
  // hardSigmoid is not fused with the loss: neurite takes its probabilities, some exactly 0 or 1
  // here, clipped to [1e-7, 1 − 1e-7] like TF.js.
  { name: 'binaryCrossentropy (saturated hardSigmoid probabilities)', loss: 'binaryCrossentropy', activation: 'hardSigmoid', labels: 'binary', tfjs: 'binaryCrossentropy', scale: 5 },
  {
    name: 'binaryCrossentropy labelSmoothing 0.2', loss: losses.binaryCrossentropy({ labelSmoothing: 0.2 }), activation: 'sigmoid', labels: 'binary',
    tfjs: (y, p) => tf.mean(tf.metrics.binaryCrossentropy(smoothBinary(y, 0.2), p)),
  },
  {
    name: 'binaryCrossentropy fromLogits', loss: losses.binaryCrossentropy({ fromLogits: true }), activation: 'linear', labels: 'binary',
    tfjs: (y, z) => tf.losses.sigmoidCrossEntropy(y, z, undefined, 0, MEAN),
  },
  {
    name: 'binaryCrossentropy fromLogits labelSmoothing 0.2', loss: losses.binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }), activation: 'linear', labels: 'soft',
    tfjs: (y, z) => tf.losses.sigmoidCrossEntropy(y, z, undefined, 0.2, MEAN),
  },
  { name: 'categoricalCrossentropy (softmax)', loss: 'categoricalCrossentropy', activation: 'softmax', labels: 'onehot', tfjs: 'categoricalCrossentropy' },
  { name: 'categoricalCrossentropy (softmax, soft labels)', loss: 'categoricalCrossentropy', activation: 'softmax', labels: 'distribution', tfjs: 'categoricalCrossentropy' },
  // Positive outputs that do not sum to 1: both libraries normalize each row first.
  { name: 'categoricalCrossentropy (unnormalized softplus outputs)', loss: 'categoricalCrossentropy', activation: 'softplus', labels: 'onehot', tfjs: 'categoricalCrossentropy' },
  {
    name: 'categoricalCrossentropy labelSmoothing 0.1', loss: losses.categoricalCrossentropy({ labelSmoothing: 0.1 }), activation: 'softmax', labels: 'onehot',
    tfjs: (y, p) => tf.mean(tf.metrics.categoricalCrossentropy(smoothCategorical(y, 0.1), p)),
  },
  {
    name: 'categoricalCrossentropy fromLogits', loss: losses.categoricalCrossentropy({ fromLogits: true }), activation: 'linear', labels: 'onehot',
    tfjs: (y, z) => tf.losses.softmaxCrossEntropy(y, z, undefined, 0, MEAN),
  },
  {
    name: 'categoricalCrossentropy fromLogits labelSmoothing 0.1', loss: losses.categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }), activation: 'linear', labels: 'onehot',
    tfjs: (y, z) => tf.losses.softmaxCrossEntropy(y, z, undefined, 0.1, MEAN),
  },
  { name: 'sparseCategoricalCrossentropy (softmax)', loss: 'sparseCategoricalCrossentropy', activation: 'softmax', labels: 'sparse', tfjs: 'sparseCategoricalCrossentropy' },
  {
    name: 'sparseCategoricalCrossentropy fromLogits', loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }), activation: 'linear', labels: 'sparse',
    tfjs: (y, z) => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(tf.reshape(y, [-1]), 'int32'), LOSS_UNITS), z, undefined, 0, MEAN),
  },
];

describe('losses match TF.js (dense 4→3, same weights, predictions and labels; mean over the batch)', () => {
  it.each(LOSS_CASES)('$name', async ({ name, loss, activation, labels, tfjs, scale = 1.2 }) => {
    const rand = random(101 + LOSS_CASES.findIndex((c) => c.name === name));
    const x = randomArray(LOSS_ROWS * LOSS_IN, rand, -1, 1);
    // Small weights keep every logit within about ±3 (see the header) unless a case asks for saturation.
    const weights = randomWeights(LOSS_IN, [LOSS_UNITS], rand, scale, 0.5);
    const y = labelsFor(labels, rand);
    const spec: DenseSpec = { units: LOSS_UNITS, neurite: activation, tfjs: activation };

    const model = neuriteModel(LOSS_IN, [spec], weights);
    model.compile({ optimizer: 'sgd', loss });
    const got = model.computeLoss(x, y.data);
    if (activation === 'hardSigmoid') {
      const p = model.predict(x);
      expect(p.some((v) => v === 0) && p.some((v) => v === 1), 'some probabilities are exactly 0 and 1').toBe(true);
    }
    expect(model.evaluate(x, y.data).loss, 'evaluate() agrees with computeLoss()').toBeCloseTo(got, 6);

    const reference = tfModel(LOSS_IN, [spec], weights);
    const xs = tf.tensor2d(x, [LOSS_ROWS, LOSS_IN]), ys = tf.tensor2d(y.data, [LOSS_ROWS, y.cols]);
    let want: number;
    if (typeof tfjs === 'string') {
      reference.compile({ optimizer: 'sgd', loss: tfjs });
      want = ((await reference.evaluate(xs, ys)) as Tensor).dataSync()[0];
    } else {
      want = tf.tidy(() => tfjs(ys, reference.predict(xs) as Tensor).dataSync()[0]);
    }
    tf.dispose([xs, ys]);
    reference.dispose();
    model.dispose();
    expect(want, 'the TF.js loss is a positive number').toBeGreaterThan(0);
    expectClose([got], [want], `${name} loss`, 1e-4, 1e-7);
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Optimizers
// ---------------------------------------------------------------------------------------------

const OPT_ROWS = 8, OPT_IN = 4, OPT_UNITS = [6, 5, 3], STEPS = 5;

/** Hidden activations of the 4→6→5→3 network, by name: the neurite one and TF.js's equivalent. */
const HIDDEN: Record<string, { neurite: NeuriteActivation; tfjs: DenseSpec['tfjs'] }> = {
  relu: { neurite: 'relu', tfjs: 'relu' },
  relu6: { neurite: 'relu6', tfjs: 'relu6' },
  leakyRelu: { neurite: 'leakyRelu', tfjs: (z) => tf.leakyRelu(z, 0.2) },
  elu: { neurite: 'elu', tfjs: 'elu' },
  selu: { neurite: 'selu', tfjs: 'selu' },
  gelu: { neurite: 'gelu', tfjs: 'gelu' },
  swish: { neurite: 'swish', tfjs: 'swish' },
  mish: { neurite: 'mish', tfjs: 'mish' },
  softplus: { neurite: 'softplus', tfjs: 'softplus' },
  softsign: { neurite: 'softsign', tfjs: 'softsign' },
  sigmoid: { neurite: 'sigmoid', tfjs: 'sigmoid' },
  hardSigmoid: { neurite: 'hardSigmoid', tfjs: 'hardSigmoid' },
  tanh: { neurite: 'tanh', tfjs: 'tanh' },
};

interface OptimizerCase {
  name: string;
  neurite: () => ReturnType<typeof optimizers.sgd>;
  tfjs: () => tf.Optimizer;
  hidden: [keyof typeof HIDDEN, keyof typeof HIDDEN];
}

const OPTIMIZER_CASES: OptimizerCase[] = [
  { name: 'sgd (defaults)', neurite: () => optimizers.sgd(), tfjs: () => tf.train.sgd(0.01), hidden: ['relu', 'tanh'] },
  { name: 'sgd lr 0.1 momentum 0.9 nesterov', neurite: () => optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), tfjs: () => tf.train.momentum(0.1, 0.9, true), hidden: ['sigmoid', 'elu'] },
  { name: 'sgd lr 0.05 momentum 0.5', neurite: () => optimizers.sgd({ learningRate: 0.05, momentum: 0.5 }), tfjs: () => tf.train.momentum(0.05, 0.5, false), hidden: ['selu', 'softplus'] },
  { name: 'adam (defaults)', neurite: () => optimizers.adam(), tfjs: () => tf.train.adam(0.001, 0.9, 0.999, 1e-7), hidden: ['swish', 'gelu'] },
  { name: 'adam lr 0.01 beta1 0.8 beta2 0.99 eps 1e-6', neurite: () => optimizers.adam({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 }), tfjs: () => tf.train.adam(0.01, 0.8, 0.99, 1e-6), hidden: ['mish', 'softsign'] },
  {
    // ε comparable to √v̂, so a misplaced or ignored ε shows.
    name: 'adam lr 0.02 beta1 0.5 eps 1e-3', neurite: () => optimizers.adam({ learningRate: 0.02, beta1: 0.5, epsilon: 1e-3 }),
    tfjs: () => tf.train.adam(0.02, 0.5, 0.999, 1e-3), hidden: ['relu6', 'hardSigmoid'],
  },
  { name: 'rmsprop (defaults)', neurite: () => optimizers.rmsprop(), tfjs: () => tf.train.rmsprop(0.001, 0.9, 0, 1e-7, false), hidden: ['tanh', 'relu6'] },
  {
    // TF.js's centered RMSProp divides by √(ms − (mg² + ε)), subtracting ε (TensorFlow and Keras,
    // and neurite, add it: √(ms − mg² + ε)); its result is NaN as soon as a weight's gradient
    // variance falls below ε. Passing TF.js ε = −1e-7 gives TensorFlow's formula with ε = 1e-7.
    name: 'rmsprop lr 0.01 rho 0.8 momentum 0.5 centered', neurite: () => optimizers.rmsprop({ learningRate: 0.01, rho: 0.8, momentum: 0.5, centered: true }),
    tfjs: () => tf.train.rmsprop(0.01, 0.8, 0.5, -1e-7, true), hidden: ['elu', 'sigmoid'],
  },
  {
    name: 'rmsprop lr 0.01 decay 0.7 momentum 0.3 eps 1e-3', neurite: () => optimizers.rmsprop({ learningRate: 0.01, decay: 0.7, momentum: 0.3, epsilon: 1e-3 }),
    tfjs: () => tf.train.rmsprop(0.01, 0.7, 0.3, 1e-3, false), hidden: ['leakyRelu', 'gelu'],
  },
  { name: 'adagrad (defaults)', neurite: () => optimizers.adagrad(), tfjs: () => tf.train.adagrad(0.01, 0.1), hidden: ['softplus', 'selu'] },
  { name: 'adagrad lr 0.1 initialAccumulatorValue 0.5', neurite: () => optimizers.adagrad({ learningRate: 0.1, initialAccumulatorValue: 0.5 }), tfjs: () => tf.train.adagrad(0.1, 0.5), hidden: ['hardSigmoid', 'tanh'] },
  // TF.js's Adadelta (and neurite's, which follows it) divides by the gradient accumulator from
  // before the step, so the update accumulator equals the gradient one at every step and each
  // step is exactly lr·g: these two cases pin the rate and that rule, but rho and epsilon cannot
  // show (Keras divides by the updated accumulator, where they do).
  { name: 'adadelta (defaults)', neurite: () => optimizers.adadelta(), tfjs: () => tf.train.adadelta(0.001, 0.95, 1e-7), hidden: ['relu', 'swish'] },
  { name: 'adadelta lr 1 rho 0.9', neurite: () => optimizers.adadelta({ learningRate: 1, rho: 0.9 }), tfjs: () => tf.train.adadelta(1, 0.9, 1e-7), hidden: ['gelu', 'mish'] },
  { name: 'adamax (defaults)', neurite: () => optimizers.adamax(), tfjs: () => tf.train.adamax(0.002, 0.9, 0.999, 1e-7, 0), hidden: ['leakyRelu', 'elu'] },
  {
    name: 'adamax lr 0.01 beta1 0.8 beta2 0.99 eps 1e-3 decay 0.1', neurite: () => optimizers.adamax({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-3, decay: 0.1 }),
    tfjs: () => tf.train.adamax(0.01, 0.8, 0.99, 1e-3, 0.1), hidden: ['softsign', 'selu'],
  },
];

/** The shared problem: one batch, initial weights, labels. */
function optimizerProblem(seed: number) {
  const rand = random(seed);
  return {
    x: randomArray(OPT_ROWS * OPT_IN, rand, -1.5, 1.5),
    y: randomArray(OPT_ROWS * OPT_UNITS[2], rand, -1, 1),
    weights: randomWeights(OPT_IN, OPT_UNITS, rand, 0.8, 0.2),
  };
}

function hiddenSpecs(hidden: [string, string]): DenseSpec[] {
  return [
    { units: OPT_UNITS[0], ...HIDDEN[hidden[0]] },
    { units: OPT_UNITS[1], ...HIDDEN[hidden[1]] },
    { units: OPT_UNITS[2], neurite: 'linear', tfjs: 'linear' },
  ];
}

/**
 * Weight tolerance: 1e-4 relative, with an absolute floor of 1e-5 for weights that pass near 0.
 * The floor is needed: TF.js keeps β2ᵗ as a float32 product, so its 1 − β2ᵗ carries a ~1e-5
 * relative cancellation error at t = 1 (neurite computes it in float64), which moves every Adam
 * step by a few 1e-6 relative: ~7e-7 on a weight after 5 steps of lr 0.02.
 */
const W_REL = 1e-4, W_ABS = 1e-5;

/**
 * The update itself (final − initial weights) must agree too: for small steps (adadelta's default
 * lr 0.001 moves weights by ~1e-6) the weights alone would pass even with no update at all. The
 * update is compared to 2e-4 of its own largest entry (and of itself), plus the float32 rounding
 * of the weights.
 */
const UPDATE_REL = 2e-4;
function expectSameUpdate(got: Float32Array[], want: Float32Array[], initial: Float32Array[], what: string): void {
  const flat = (ws: Float32Array[]) => Float64Array.from(ws.flatMap((w) => Array.from(w)));
  const w0 = flat(initial), g = flat(got), t = flat(want);
  const dg = g.map((v, i) => v - w0[i]), dt = t.map((v, i) => v - w0[i]);
  const largest = Math.max(...dt.map(Math.abs));
  expect(largest, `${what}: TF.js moved the weights`).toBeGreaterThan(1e-7);
  const ulp = (v: number) => Math.abs(v) * 2 ** -23;
  const bad: string[] = [];
  dt.forEach((d, i) => {
    const allowed = UPDATE_REL * (largest + Math.abs(d)) + 4 * ulp(w0[i]);
    if (!(Math.abs(dg[i] - d) <= allowed)) bad.push(`[${i}] neurite Δ ${dg[i]} vs tfjs Δ ${d}`);
  });
  if (process.env.TFJS_DIFF_VERBOSE) console.log(`${what}: largest update ${largest.toExponential(2)}, worst update error ${Math.max(...dt.map((d, i) => Math.abs(dg[i] - d) / (UPDATE_REL * (largest + Math.abs(d)) + 4 * ulp(w0[i])))).toFixed(3)}× the tolerance`);
  expect(bad.slice(0, 6), `${what}: ${bad.length} of ${dt.length} updates differ`).toEqual([]);
}

describe(`optimizers match tf.train.* (4→6→5→3, MSE, one batch of ${OPT_ROWS}, ${STEPS} trainOnBatch steps)`, () => {
  it('every optimizer case covers all hidden activations between them', () => {
    const used = new Set(OPTIMIZER_CASES.flatMap((c) => c.hidden));
    expect([...used].sort()).toEqual(Object.keys(HIDDEN).sort());
  });

  it.each(OPTIMIZER_CASES)('$name, hidden $hidden', async ({ name, neurite, tfjs, hidden }) => {
    const { x, y, weights } = optimizerProblem(31);
    const specs = hiddenSpecs(hidden);
    const model = neuriteModel(OPT_IN, specs, weights);
    model.compile({ optimizer: neurite(), loss: 'meanSquaredError' });
    const reference = tfModel(OPT_IN, specs, weights);
    reference.compile({ optimizer: tfjs(), loss: 'meanSquaredError' });
    const xs = tf.tensor2d(x, [OPT_ROWS, OPT_IN]), ys = tf.tensor2d(y, [OPT_ROWS, OPT_UNITS[2]]);

    const gotLosses: number[] = [], wantLosses: number[] = [];
    for (let step = 0; step < STEPS; step++) {
      gotLosses.push(model.trainOnBatch(x, y));
      wantLosses.push((await reference.trainOnBatch(xs, ys)) as number);
    }
    const want = reference.getWeights().map((w) => w.dataSync() as Float32Array);
    const got = model.getWeights();
    tf.dispose([xs, ys]);
    reference.dispose();
    model.dispose();

    expectClose(gotLosses, wantLosses, `${name}: loss before each step`, 1e-4, 1e-7);
    got.forEach((w, i) => expectClose(w, want[i], `${name}: weight tensor ${i} after ${STEPS} steps`, W_REL, W_ABS));
    expectSameUpdate(got, want, weights, name);
  });
});

// ---------------------------------------------------------------------------------------------
// adamw and amsgrad: TF.js has neither, so a float64 transcription of the documented rule, fed
// each step with TF.js's gradients at the reference's current weights, stands in for tf.train.
// ---------------------------------------------------------------------------------------------

/**
 * One step of Adam as neurite documents it for every variant (TF.js's bias-corrected form,
 * θ ← θ − lr·m̂ / (√v̂ + ε)), with AMSGrad's running maximum of v (Keras), after AdamW's decoupled
 * decay θ ← θ − lr·λ·θ (Keras). Keras places ε as lr·√(1−β2ᵗ)/(1−β1ᵗ)·m / (√v + ε); with ε = 1e-7
 * and these gradients the two differ by far less than the tolerance.
 */
interface AdamState { m: Float64Array[]; v: Float64Array[]; vmax: Float64Array[]; t: number }

function referenceAdamStep(w: Float64Array[], g: Float64Array[], s: AdamState, c: { lr: number; beta1: number; beta2: number; epsilon: number; amsgrad: boolean; weightDecay: number }): void {
  s.t += 1;
  const c1 = 1 - c.beta1 ** s.t, c2 = 1 - c.beta2 ** s.t;
  w.forEach((wi, k) => {
    for (let i = 0; i < wi.length; i++) {
      wi[i] -= c.lr * c.weightDecay * wi[i];
      const gi = g[k][i];
      s.m[k][i] = c.beta1 * s.m[k][i] + (1 - c.beta1) * gi;
      s.v[k][i] = c.beta2 * s.v[k][i] + (1 - c.beta2) * gi * gi;
      s.vmax[k][i] = Math.max(s.vmax[k][i], s.v[k][i]);
      const v = c.amsgrad ? s.vmax[k][i] : s.v[k][i];
      wi[i] -= c.lr * (s.m[k][i] / c1) / (Math.sqrt(v / c2) + c.epsilon);
    }
  });
}

/** The tf op of an activation, for the functional forward pass below. */
const TF_OPS: Partial<Record<TfActivation, (z: Tensor) => Tensor>> = { linear: (z) => z, relu: tf.relu, tanh: tf.tanh };

/** MSE loss and its gradient for the weights w, computed by TF.js (tf.grads of tf ops). */
function tfGradients(specs: DenseSpec[], w: Float64Array[], x: Float32Array, y: Float32Array): { loss: number; grads: Float64Array[] } {
  let loss = NaN, grads: Float64Array[] = [];
  tf.tidy(() => {
    const xs = tf.tensor2d(x, [OPT_ROWS, OPT_IN]), ys = tf.tensor2d(y, [OPT_ROWS, OPT_UNITS[2]]);
    const tensors: Tensor[] = [];
    let width = OPT_IN;
    specs.forEach((spec, i) => {
      tensors.push(tf.tensor2d(Float32Array.from(w[2 * i]), [width, spec.units]), tf.tensor1d(Float32Array.from(w[2 * i + 1])));
      width = spec.units;
    });
    const forward = (...ws: Tensor[]) => {
      let a: Tensor = xs;
      specs.forEach((spec, i) => {
        const act = typeof spec.tfjs === 'function' ? spec.tfjs : TF_OPS[spec.tfjs];
        if (!act) throw new Error(`tfGradients: no tf op for ${String(spec.tfjs)}`);
        a = act(tf.add(tf.matMul(a as tf.Tensor2D, ws[2 * i] as tf.Tensor2D), ws[2 * i + 1]));
      });
      return tf.losses.meanSquaredError(ys, a, undefined, MEAN);
    };
    loss = forward(...tensors).dataSync()[0];
    grads = tf.grads(forward)(tensors).map((t) => Float64Array.from(t.dataSync()));
  });
  return { loss, grads };
}

const ADAM_VARIANTS = [
  { name: 'adamw (defaults: lr 0.001, weightDecay 0.004)', neurite: () => optimizers.adamw(), config: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false, weightDecay: 0.004 } },
  {
    name: 'adamw lr 0.01 weightDecay 0.1 beta1 0.8 beta2 0.6 amsgrad', neurite: () => optimizers.adamw({ learningRate: 0.01, weightDecay: 0.1, beta1: 0.8, beta2: 0.6, amsgrad: true }),
    config: { lr: 0.01, beta1: 0.8, beta2: 0.6, epsilon: 1e-7, amsgrad: true, weightDecay: 0.1 },
  },
  // β2 = 0.5 lets v fall within 5 steps, so the running maximum differs from v and AMSGrad shows.
  {
    name: 'adam amsgrad lr 0.01 beta2 0.5', neurite: () => optimizers.adam({ learningRate: 0.01, beta2: 0.5, amsgrad: true }),
    config: { lr: 0.01, beta1: 0.9, beta2: 0.5, epsilon: 1e-7, amsgrad: true, weightDecay: 0 },
  },
];

describe(`adamw and amsgrad match a hand-written rule on TF.js gradients (4→6→5→3, ${STEPS} steps)`, () => {
  it.each(ADAM_VARIANTS)('$name', ({ name, neurite, config }) => {
    const { x, y, weights } = optimizerProblem(57);
    const specs: DenseSpec[] = [
      { units: OPT_UNITS[0], neurite: 'tanh', tfjs: 'tanh' },
      { units: OPT_UNITS[1], neurite: 'relu', tfjs: 'relu' },
      { units: OPT_UNITS[2], neurite: 'linear', tfjs: 'linear' },
    ];
    const model = neuriteModel(OPT_IN, specs, weights);
    model.compile({ optimizer: neurite(), loss: 'meanSquaredError' });

    const w = weights.map((t) => Float64Array.from(t));
    const zeros = () => w.map((t) => new Float64Array(t.length));
    const state: AdamState = { m: zeros(), v: zeros(), vmax: zeros(), t: 0 };
    const gotLosses: number[] = [], wantLosses: number[] = [];
    for (let step = 0; step < STEPS; step++) {
      gotLosses.push(model.trainOnBatch(x, y));
      // The reference's weights are rounded to float32 for TF.js, as neurite keeps them.
      const { loss, grads } = tfGradients(specs, w, x, y);
      wantLosses.push(loss);
      referenceAdamStep(w, grads, state, config);
      w.forEach((t) => t.set(Float32Array.from(t)));
    }
    const want = w.map((t) => Float32Array.from(t));
    const got = model.getWeights();
    model.dispose();
    expectClose(gotLosses, wantLosses, `${name}: loss before each step`, 1e-4, 1e-7);
    got.forEach((t, i) => expectClose(t, want[i], `${name}: weight tensor ${i} after ${STEPS} steps`, W_REL, W_ABS));
    expectSameUpdate(got, want, weights, name);
  });
});
