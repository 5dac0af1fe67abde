// Golden bytes of trained weights: a refactor of the layers, the core or the training loop changes
// no bits. Each case trains a small fixed-seed model and hashes (SHA-256) the float32 bytes of every
// tensor getWeights() returns, in order. Together the cases cover every activation, every optimizer
// and its variants (momentum, nesterov, amsgrad, centered), every loss with its options (fromLogits,
// labelSmoothing, huber's delta), dropout, l1 / l2 / l1l2 regularizers on kernels and biases,
// clipNorm and clipValue, every learning-rate schedule and reduceLROnPlateau, and both fit() (with
// and without shuffling, with validationSplit) and trainOnBatch(); FEATURES below checks that list.
// The plain and relaxed-SIMD builds differ (fused multiply-add), so each build has its own hashes;
// the threaded build must match simd.
import { createHash } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import {
  ready, sequential, layers, optimizers, losses, regularizers, schedules, activations, callbacks, wasmBuild,
  type Sequential, type Optimizer, type Loss, type LossIdentifier, type FitConfig,
} from '../src/index.js';
import { random } from './reference.js';

beforeAll(() => ready());

const ROWS = 48, INPUTS = 5;

/** Labels of each kind for the fixed inputs: the model's output must fit the kind. */
type Labels = 'binary' | 'signed' | 'regression' | 'onehot' | 'sparse' | 'probabilities';

interface Case {
  labels: Labels;
  /** Adds the layers; the model has inputShape [5] and seed 11. */
  build(model: Sequential): void;
  optimizer(): Optimizer;
  loss: Loss | LossIdentifier;
  fit: FitConfig;
  /** trainOnBatch() calls after fit, each on the first 10 rows. */
  batches: number;
}

// The first nine are the optimizer cases this test started with (FNV-1a hashes then, recorded
// before Reliability II's double-buffered update, which kept every bit; they still matched when
// these SHA-256 hashes were recorded).
function optimizerCase(optimizer: () => Optimizer): Case {
  return {
    labels: 'binary',
    build: (m) => {
      m.add(layers.dense({ units: 12, activation: 'relu', kernelRegularizer: regularizers.l2({ l2: 1e-3 }) }));
      m.add(layers.dropout({ rate: 0.2 }));
      m.add(layers.dense({ units: 6, activation: 'tanh' }));
      m.add(layers.dense({ units: 1, activation: 'sigmoid' }));
    },
    optimizer,
    loss: 'binaryCrossentropy',
    fit: { epochs: 4, batchSize: 10 },
    batches: 3,
  };
}

const CASES: Record<string, Case> = {
  sgd: optimizerCase(() => optimizers.sgd({ learningRate: 0.05 })),
  nesterov: optimizerCase(() => optimizers.sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true })),
  adam: optimizerCase(() => optimizers.adam({ learningRate: 0.01 })),
  amsgrad: optimizerCase(() => optimizers.adam({ learningRate: 0.01, amsgrad: true, clipNorm: 1 })),
  rmsprop: optimizerCase(() => optimizers.rmsprop({ learningRate: 0.01, centered: true, momentum: 0.5 })),
  adagrad: optimizerCase(() => optimizers.adagrad({ learningRate: 0.1 })),
  adadelta: optimizerCase(() => optimizers.adadelta({ learningRate: 1 })),
  adamax: optimizerCase(() => optimizers.adamax({ learningRate: 0.01, decay: 0.01 })),
  adamw: optimizerCase(() => optimizers.adamw({ learningRate: schedules.cosineDecay({ initialLearningRate: 0.01, decaySteps: 20 }) })),

  'relu6 leakyRelu elu selu / mse / sgd momentum / exponentialDecay / validationSplit': {
    labels: 'regression',
    build: (m) => {
      m.add(layers.dense({ units: 8, activation: 'relu6', kernelInitializer: 'heNormal', biasRegularizer: regularizers.l1({ l1: 1e-3 }) }));
      m.add(layers.dense({ units: 8, activation: activations.leakyRelu({ alpha: 0.1 }) }));
      m.add(layers.dropout({ rate: 0.1 }));
      m.add(layers.dense({ units: 6, activation: activations.elu({ alpha: 0.5 }) }));
      m.add(layers.dense({ units: 6, activation: 'selu', kernelInitializer: 'leCunNormal' }));
      m.add(layers.dense({ units: 2 }));
    },
    optimizer: () => optimizers.sgd({ learningRate: schedules.exponentialDecay({ initialLearningRate: 0.02, decaySteps: 5, decayRate: 0.9 }), momentum: 0.9 }),
    loss: 'meanSquaredError',
    fit: { epochs: 3, batchSize: 8, validationSplit: 0.25 },
    batches: 2,
  },
  'softplus softsign hardSigmoid / huber delta / rmsprop / clipValue / stepDecay / no shuffle': {
    labels: 'regression',
    build: (m) => {
      m.add(layers.dense({ units: 8, activation: 'softplus', kernelRegularizer: regularizers.l1({ l1: 1e-3 }), biasRegularizer: regularizers.l1l2({ l1: 1e-3, l2: 1e-3 }) }));
      m.add(layers.dense({ units: 8, activation: 'softsign' }));
      m.add(layers.dense({ units: 6, activation: 'hardSigmoid' }));
      m.add(layers.dense({ units: 2, activation: 'linear' }));
    },
    optimizer: () => optimizers.rmsprop({ learningRate: schedules.stepDecay({ initialLearningRate: 0.01, stepSize: 4, factor: 0.5 }), clipValue: 0.05 }),
    loss: losses.huber({ delta: 0.5 }),
    fit: { epochs: 3, batchSize: 7, shuffle: false },
    batches: 2,
  },
  'swish silu gelu mish / mae / adagrad / clipNorm / constant schedule / no bias': {
    labels: 'regression',
    build: (m) => {
      m.add(layers.dense({ units: 8, activation: 'swish', useBias: false }));
      m.add(layers.dense({ units: 8, activation: 'silu', biasInitializer: 'ones' }));
      m.add(layers.dense({ units: 6, activation: 'gelu' }));
      m.add(layers.dense({ units: 6, activation: 'mish' }));
      m.add(layers.dense({ units: 2 }));
    },
    optimizer: () => optimizers.adagrad({ learningRate: schedules.constant(0.05), clipNorm: 0.5 }),
    loss: 'meanAbsoluteError',
    fit: { epochs: 3, batchSize: 9 },
    batches: 2,
  },
  'tanh / logcosh / adadelta / piecewiseConstantDecay': {
    labels: 'regression',
    build: (m) => {
      m.add(layers.dense({ units: 10, activation: 'tanh', kernelInitializer: 'glorotNormal', kernelRegularizer: regularizers.l1l2({ l1: 1e-3, l2: 1e-3 }) }));
      m.add(layers.dropout({ rate: 0.3 }));
      m.add(layers.dense({ units: 2 }));
    },
    optimizer: () => optimizers.adadelta({ learningRate: schedules.piecewiseConstantDecay({ boundaries: [5, 10], values: [1, 0.5, 0.1] }) }),
    loss: 'logcosh',
    fit: { epochs: 3, batchSize: 8, validationSplit: 0.2 },
    batches: 2,
  },
  'softmax / categoricalCrossentropy labelSmoothing / adam / validationSplit without shuffle': {
    labels: 'onehot',
    build: (m) => {
      m.add(layers.dense({ units: 8, activation: 'relu', kernelRegularizer: regularizers.l1l2({ l1: 1e-3, l2: 1e-3 }), biasRegularizer: regularizers.l2({ l2: 1e-3 }) }));
      m.add(layers.dropout({ rate: 0.25 }));
      m.add(layers.dense({ units: 3, activation: 'softmax' }));
    },
    optimizer: () => optimizers.adam({ learningRate: 0.01 }),
    loss: losses.categoricalCrossentropy({ labelSmoothing: 0.1 }),
    fit: { epochs: 3, batchSize: 8, shuffle: false, validationSplit: 0.25 },
    batches: 2,
  },
  'logits / categoricalCrossentropy fromLogits / adamw amsgrad / clipNorm / exponentialDecay staircase': {
    labels: 'onehot',
    build: (m) => {
      m.add(layers.dense({ units: 8, activation: 'tanh' }));
      m.add(layers.dense({ units: 3 }));
    },
    optimizer: () => optimizers.adamw({
      learningRate: schedules.exponentialDecay({ initialLearningRate: 0.02, decaySteps: 4, decayRate: 0.5, staircase: true }),
      weightDecay: 0.01, amsgrad: true, clipNorm: 0.3,
    }),
    loss: losses.categoricalCrossentropy({ fromLogits: true }),
    fit: { epochs: 3, batchSize: 10 },
    batches: 2,
  },
  'softmax / sparseCategoricalCrossentropy / rmsprop momentum / cosineDecay warmup alpha': {
    labels: 'sparse',
    build: (m) => {
      m.add(layers.dense({ units: 8, activation: 'elu' }));
      m.add(layers.dense({ units: 3, activation: 'softmax' }));
    },
    optimizer: () => optimizers.rmsprop({
      learningRate: schedules.cosineDecay({ initialLearningRate: 0.001, warmupTarget: 0.01, warmupSteps: 4, decaySteps: 10, alpha: 0.1 }),
      momentum: 0.5,
    }),
    loss: 'sparseCategoricalCrossentropy',
    fit: { epochs: 3, batchSize: 8 },
    batches: 2,
  },
  'logits / sparseCategoricalCrossentropy fromLogits / sgd nesterov / clipNorm and clipValue': {
    labels: 'sparse',
    build: (m) => {
      m.add(layers.dense({ units: 8, activation: 'leakyRelu', kernelRegularizer: regularizers.l2({ l2: 1e-3 }) }));
      m.add(layers.dense({ units: 3 }));
    },
    optimizer: () => optimizers.sgd({ learningRate: 0.1, momentum: 0.8, nesterov: true, clipNorm: 1, clipValue: 0.1 }),
    loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }),
    fit: { epochs: 3, batchSize: 8, validationSplit: 0.25 },
    batches: 2,
  },
  'sigmoid / binaryCrossentropy labelSmoothing / adamax': {
    labels: 'binary',
    build: (m) => {
      m.add(layers.dense({ units: 8, activation: 'relu' }));
      m.add(layers.dense({ units: 1, activation: 'sigmoid' }));
    },
    optimizer: () => optimizers.adamax({ learningRate: 0.02 }),
    loss: losses.binaryCrossentropy({ labelSmoothing: 0.2 }),
    fit: { epochs: 3, batchSize: 8 },
    batches: 2,
  },
  'logits / binaryCrossentropy fromLogits labelSmoothing / adam / reduceLROnPlateau': {
    labels: 'binary',
    build: (m) => {
      m.add(layers.dense({ units: 8, activation: 'tanh', biasRegularizer: regularizers.l1l2({ l1: 1e-3, l2: 1e-3 }) }));
      m.add(layers.dropout({ rate: 0.2 }));
      m.add(layers.dense({ units: 1 }));
    },
    optimizer: () => optimizers.adam({ learningRate: 0.02 }),
    loss: losses.binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }),
    // minDelta 1 never counts as improving: the rate falls after every epoch from the second on.
    fit: { epochs: 4, batchSize: 8, validationSplit: 0.25, callbacks: callbacks.reduceLROnPlateau({ patience: 1, factor: 0.5, minDelta: 1 }) },
    batches: 2,
  },
  'tanh / hinge / sgd': {
    labels: 'signed',
    build: (m) => {
      m.add(layers.dense({ units: 8, activation: 'relu', kernelInitializer: 'heUniform' }));
      m.add(layers.dense({ units: 1, activation: 'tanh' }));
    },
    optimizer: () => optimizers.sgd({ learningRate: 0.05 }),
    loss: 'hinge',
    fit: { epochs: 3, batchSize: 8 },
    batches: 2,
  },
  // The recurrent kernels (LSTM, GRU, both directions, dropout on inputs and state) keep their bits too.
  'reshape → bidirectional lstm (dropout, recurrentDropout) → gru / mse / adam': {
    labels: 'regression',
    build: (m) => {
      m.add(layers.reshape({ targetShape: [5, 1] }));
      m.add(layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true, dropout: 0.1, recurrentDropout: 0.2 }) }));
      m.add(layers.gru({ units: 3, recurrentDropout: 0.1 }));
      m.add(layers.dense({ units: 2 }));
    },
    optimizer: () => optimizers.adam({ learningRate: 0.01 }),
    loss: 'meanSquaredError',
    fit: { epochs: 3, batchSize: 8 },
    batches: 2,
  },
  'softmax / kullbackLeiblerDivergence / adam amsgrad / clipValue': {
    labels: 'probabilities',
    build: (m) => {
      m.add(layers.dense({ units: 8, activation: 'sigmoid', kernelInitializer: 'leCunUniform' }));
      m.add(layers.dense({ units: 3, activation: 'softmax' }));
    },
    optimizer: () => optimizers.adam({ learningRate: 0.02, amsgrad: true, clipValue: 0.2 }),
    loss: 'kullbackLeiblerDivergence',
    fit: { epochs: 3, batchSize: 8 },
    batches: 2,
  },
};

// Every feature the refactor must keep; the last test checks that some case has each, so a case
// edited away cannot silently drop one.
const FEATURES = [
  'linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'relu6', 'leakyRelu', 'elu', 'selu', 'softplus', 'softsign',
  'hardSigmoid', 'swish', 'silu', 'gelu', 'mish',
  'sgd', 'momentum', 'nesterov', 'adam', 'amsgrad', 'rmsprop', 'centered', 'adagrad', 'adadelta', 'adamax', 'adamw',
  'meanSquaredError', 'meanAbsoluteError', 'huber', 'delta', 'logcosh', 'binaryCrossentropy', 'categoricalCrossentropy',
  'sparseCategoricalCrossentropy', 'hinge', 'kullbackLeiblerDivergence', 'fromLogits', 'labelSmoothing',
  'dropout', 'kernelRegularizer', 'biasRegularizer', 'l1', 'l2', 'l1l2', 'noBias', 'clipNorm', 'clipValue',
  'exponentialDecay', 'staircase', 'stepDecay', 'piecewiseConstantDecay', 'cosineDecay', 'warmupSteps', 'constant',
  'callbacks', 'fit', 'shuffle', 'noShuffle', 'validationSplit', 'trainOnBatch',
];

/** What a case exercises: the words of its layer builder, and its optimizer, loss and fit options. */
function features(spec: Case): string[] {
  const source = String(spec.build);
  const found = [...(source.match(/\w+/g) ?? [])];
  if (/useBias:\s*false/.test(source)) found.push('noBias');
  const optimizer = spec.optimizer();
  found.push(optimizer.name, ...Object.keys(optimizer.config).filter((key) => optimizer.config[key] !== false && optimizer.config[key] !== 0));
  if (typeof optimizer.learningRate === 'object') {
    const { name, config } = optimizer.learningRate;
    found.push(name, ...Object.keys(config).filter((key) => config[key] !== false && config[key] !== 0));
  }
  const loss = typeof spec.loss === 'string' ? { name: spec.loss, param: 0, fromLogits: false } : spec.loss;
  found.push(loss.name);
  if (loss.fromLogits) found.push('fromLogits');
  if (loss.param) found.push(loss.name === 'huber' ? 'delta' : 'labelSmoothing');
  found.push('fit', spec.fit.shuffle === false ? 'noShuffle' : 'shuffle');
  if (spec.fit.validationSplit) found.push('validationSplit');
  if (spec.fit.callbacks) found.push('callbacks');
  if (spec.batches > 0) found.push('trainOnBatch');
  return found;
}

function data(kind: Labels): { x: Float32Array; y: Float32Array } {
  const rand = random(7);
  const x = Float32Array.from({ length: ROWS * INPUTS }, () => rand() * 2 - 1);
  const row = (i: number) => x.subarray(INPUTS * i, INPUTS * (i + 1));
  const cols = { binary: 1, signed: 1, sparse: 1, regression: 2, onehot: 3, probabilities: 3 }[kind];
  const y = new Float32Array(ROWS * cols);
  for (let i = 0; i < ROWS; i++) {
    const r = row(i);
    const argmax = r[0] >= r[1] && r[0] >= r[2] ? 0 : r[1] >= r[2] ? 1 : 2;
    if (kind === 'binary') y[i] = r[0] + r[1] > 0 ? 1 : 0;
    else if (kind === 'signed') y[i] = r[0] + r[1] > 0 ? 1 : -1;
    else if (kind === 'sparse') y[i] = argmax;
    else if (kind === 'onehot') y[3 * i + argmax] = 1;
    else if (kind === 'regression') {
      y[2 * i] = Math.sin(2 * r[0]) + r[1] * r[2];
      y[2 * i + 1] = r[3] - r[4] * r[4];
    } else {
      const e = [Math.exp(2 * r[0]), Math.exp(2 * r[1]), Math.exp(2 * r[2])];
      const sum = e[0] + e[1] + e[2];
      for (let c = 0; c < 3; c++) y[3 * i + c] = e[c] / sum;
    }
  }
  return { x, y };
}

/** SHA-256 over the float32 bytes of every weight tensor, in getWeights() order. */
function sha256(weights: Float32Array[]): string {
  const hash = createHash('sha256');
  for (const w of weights) hash.update(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
  return hash.digest('hex');
}

async function train(spec: Case): Promise<string> {
  const { x, y } = data(spec.labels);
  const model = sequential({ inputShape: [INPUTS], seed: 11 });
  try {
    spec.build(model);
    model.compile({ optimizer: spec.optimizer(), loss: spec.loss });
    const initial = model.getWeights();
    await model.fit(x, y, spec.fit);
    const labelCols = y.length / ROWS;
    for (let i = 0; i < spec.batches; i++) model.trainOnBatch(x.subarray(0, 10 * INPUTS), y.subarray(0, 10 * labelCols));
    const weights = model.getWeights();
    // A case that does not train, or trains to NaN, would hash the same whatever the arithmetic.
    weights.forEach((w, i) => {
      expect(w.every(Number.isFinite), `tensor ${i} is finite`).toBe(true);
      expect(w, `tensor ${i} trained`).not.toEqual(initial[i]);
    });
    return sha256(weights);
  } finally {
    model.dispose();
  }
}

// Recorded at 2b7964d, before the layer-architecture refactor (issue 13), and the recurrent case at 22547ca (issue 15);
// the threaded build gave the simd hashes.
const GOLDEN: Record<'simd' | 'relaxed', Record<string, string>> = {
  simd: {
    sgd: '19f0f69a412668091bb68ab92ccf0aa14172ecd108786b17c2ecc186a2e6ccfe',
    nesterov: '5a02ba0b109480bd5f8f776f9b0b82c799f76cd844715707909c2820d4de661a',
    adam: '742b5942e01cbc5313ed453464de42ed0b0cbbc46d2872d6ad80570bbe5113dd',
    amsgrad: '3ff6fd36664da54f8ba2b8ef49ce1db3b266c3f03c2394dc4973b0a05edc81be',
    rmsprop: '39f80ee5b9796e739558724fbf4cfcc724439f477cfef710cd1d1218f4ce2c38',
    adagrad: 'ac2d1bd57e8a824ba49d89ed36010d4f591ce4f51a9b91cad5170b42db7ed202',
    adadelta: '342b697ea298bd3c3cb669d60aa0ee233e25df2928a3390a4b5b927b2bf3cca4',
    adamax: '6dfee6971b7f2db6856f5175ea5fc1748c21859b3eaec34e20ad94fac480986e',
    adamw: '5d93fcc3fd131801340987fa3d0ed2f000dab3e60a2faaed0a703b100843263a',
    'relu6 leakyRelu elu selu / mse / sgd momentum / exponentialDecay / validationSplit':
      '2015f57d318c892971197c455d561834a63a0bf7fad55571960b8bd9f05a60a7',
    'softplus softsign hardSigmoid / huber delta / rmsprop / clipValue / stepDecay / no shuffle':
      'ed96ed568b75a1a49ff200926e87e422993e9ae31b2e7bd7d83814761849a96b',
    'swish silu gelu mish / mae / adagrad / clipNorm / constant schedule / no bias':
      '4464f6f37630c3adeed278d2d0a76c708c3ec39669b7d864a18dccd041de4d1e',
    'tanh / logcosh / adadelta / piecewiseConstantDecay': 'd09593c2d3e57d54cba88c3589b115808a69705114cd01dec22dfdb340ef0f8a',
    'softmax / categoricalCrossentropy labelSmoothing / adam / validationSplit without shuffle':
      'd4cfbf5195593c1007741bd74f3a23eb46baba235b151d99f802446f9e655dc7',
    'logits / categoricalCrossentropy fromLogits / adamw amsgrad / clipNorm / exponentialDecay staircase':
      '4e8241b25f58a7b711bef799bbc53672c3a43b2262723e40bdfdc32e6f640b7b',
    'softmax / sparseCategoricalCrossentropy / rmsprop momentum / cosineDecay warmup alpha':
      '6ab9abf1a41ab0264db42375de888e2afb9c8b75e0f118dca6975f4ca78f41e7',
    'logits / sparseCategoricalCrossentropy fromLogits / sgd nesterov / clipNorm and clipValue':
      '1bb08b0eaee0b3b9059146c819e28c7401898a89c3efa2be57949e3873cee00d',
    'sigmoid / binaryCrossentropy labelSmoothing / adamax':
      '58f9956f55ffb03e742763ac1d002ba65eebfb93e9eec4f66577ea66974cd933',
    'logits / binaryCrossentropy fromLogits labelSmoothing / adam / reduceLROnPlateau':
      '06ee03ea3b5b3058321515e506b6e68988013ff4bcdf6dea3fa43fd5c15c4cc0',
    'tanh / hinge / sgd': '163d38782f28d819cd2331700a822a3bc0228b60216951313cf7d714a05a6fbd',
    'reshape → bidirectional lstm (dropout, recurrentDropout) → gru / mse / adam':
      '41debfeada8fe76bef40825cc70604bf0160f43de6a487cb26b67dc9a0d2868b',
    'softmax / kullbackLeiblerDivergence / adam amsgrad / clipValue':
      'ca8271bc88d90e8c82093674cc36550597d463d34d6723ec813ff908338ca33b',
  },
  relaxed: {
    sgd: 'a81b296d0cf4fd377373bcec91a74051f0c729dfc8119850a5b22e2acbff1eff',
    nesterov: '7298d8a59e7c20daaf3936d06b099fbca482012b1066707b6be9582db07b2246',
    adam: '651bcda6ebda119af1777856d09d8aab86bce51c97a2ef0fcf9b6a02314b5f7d',
    amsgrad: '55d36472609664fe4173496fc3c16ba13415b45d2da90fa7e9223110a8090148',
    rmsprop: 'a5bd93c6b2c717c59735e9f53eaa25cbbfc51cfcf7542598ff460eba51ff6863',
    adagrad: '5e873ce6a4a2f913d8e9dba7a8f89061c370b8047daed26f317b703408767974',
    adadelta: '0e646dd8298221058022f6ba0341f81bc3a8c6a638274804ff1941b731232bc7',
    adamax: '4e04a5cb82dc58feb50021e45e7e5aceb7e34143d367fa829f01f8bdc0e08272',
    adamw: '8dd78be22f31df3fa37711d5f0f1f7c8e8f5eb6717a6420e5ffe713232d5f067',
    'relu6 leakyRelu elu selu / mse / sgd momentum / exponentialDecay / validationSplit':
      'de7585b23e8178ba1b61cdf5da99de38fcb7ff435e5aeb7942dee7288fd3ce76',
    'softplus softsign hardSigmoid / huber delta / rmsprop / clipValue / stepDecay / no shuffle':
      '73ca9cddc98ad70fdb43e53318b91ebfe1d5c58be0a27198e238d5f77370a6c5',
    'swish silu gelu mish / mae / adagrad / clipNorm / constant schedule / no bias':
      '5d36e7367f36010fbcbaa547953024174b4b06ae854240b260dd03eefb0a938a',
    'tanh / logcosh / adadelta / piecewiseConstantDecay': '0a9b8880b622dfd79c86b4c00307cb3cc07bfffc91fd63fb4384d8bd2215d72d',
    'softmax / categoricalCrossentropy labelSmoothing / adam / validationSplit without shuffle':
      'eacb8e0d3e6f2f7bc7b88de7d8d255b1d0a5ad73f1dc8d0b400f326c6e813f4b',
    'logits / categoricalCrossentropy fromLogits / adamw amsgrad / clipNorm / exponentialDecay staircase':
      '8caab7a3024ca750f62c64961959a1919196d84dc8a84dc60e5a0e8819ea443a',
    'softmax / sparseCategoricalCrossentropy / rmsprop momentum / cosineDecay warmup alpha':
      '08aa3280eda2e90d1be209b3f23cb32d5bdbf2e1a70976b666eb2901c016f7f6',
    'logits / sparseCategoricalCrossentropy fromLogits / sgd nesterov / clipNorm and clipValue':
      '7b0426a14f9da88429827fc347b54f01e3922c7ac19721f96884a9c9be9e9b88',
    'sigmoid / binaryCrossentropy labelSmoothing / adamax':
      'cf57439ffe98dabf51582738f1dce79a7b9e9483ff599a0e7bf71f0a4384cecf',
    'logits / binaryCrossentropy fromLogits labelSmoothing / adam / reduceLROnPlateau':
      '2ca4319a3b07bcd371cbcf8ec943292d9009d7c04b83b3c9fb4c879a9dbc693b',
    'tanh / hinge / sgd': '796e703b60f002a75dc36ea80ddca72eefbb70a0097c36a9c6847faa08d852a8',
    'reshape → bidirectional lstm (dropout, recurrentDropout) → gru / mse / adam':
      'eef3d988fc7e01eb31474b10fb743475d3f97cad1e87a4fb5d9cb1669749e3b6',
    'softmax / kullbackLeiblerDivergence / adam amsgrad / clipValue':
      '1934214883455be399e8063b20f0b7d1ef96e099b1d73026431e307bdc21e001',
  },
};

const WHY = 'The trained weights changed. A refactor must keep every bit. If this commit changes the arithmetic on purpose '
  + '(a new summation order, a fused operation, a fixed bug), update GOLDEN in tests/golden.test.ts for both builds in the '
  + 'same commit and say why in its message: the history then shows which change moved which weights, and an accidental '
  + 'change cannot hide behind a deliberate one. The threaded builds must give the simd (threads) and relaxed (threads-relaxed) hashes.';

it.each(Object.keys(CASES))('%s: trains to the recorded weights, bit for bit', async (name) => {
  // The threaded builds give the hashes of the single-threaded build they extend.
  const build = wasmBuild() === 'relaxed' || wasmBuild() === 'threads-relaxed' ? 'relaxed' : 'simd';
  const hash = await train(CASES[name]);
  expect(hash, `${wasmBuild()} build, case "${name}". ${WHY}`).toBe(GOLDEN[build][name]);
});

it('the cases cover every feature listed', () => {
  const covered = new Set(Object.values(CASES).flatMap(features));
  expect(FEATURES.filter((feature) => !covered.has(feature))).toEqual([]);
});
