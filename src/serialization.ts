// Saving and loading models, in TensorFlow.js's `layers-model` format: a JSON topology (the Keras
// Sequential config that tfjs-layers writes) plus the weights as little-endian float32, in the
// order of a weights manifest. What neurite writes, tf.loadLayersModel reads, and what TF.js's
// model.save writes for a Sequential of Dense and Dropout layers, loadModel reads.
//
// neurite's own extras ride where TF.js leaves room for them: activations TF.js cannot name
// (leakyRelu, elu with alpha ≠ 1) as `neurite_alpha` in the layer config; the model seed and the
// compile config in userDefinedMetadata.neurite; optimizer slots as weights of group 'optimizer'.
//
// Loading parses and checks everything (topology, manifest, byte counts, shapes, finite values,
// compile config) before it creates the model, and a failed load disposes what it created: a
// caller's models are never touched, and no half-loaded model escapes.
import { activations, getActivation, type Activation, type ActivationIdentifier } from './activations.js';
import { NeuriteError, ShapeError, StateError, ValueError, checkKeys, describe } from './errors.js';
import { checkSeed, initializers, type Initializer } from './initializers.js';
import { Dense, Dropout, layers, type Layer } from './layers.js';
import { getLoss, losses, type Loss } from './losses.js';
import type { MetricIdentifier } from './metrics.js';
import { getOptimizer, optimizers, type Optimizer, type OptimizerIdentifier } from './optimizers.js';
import { regularizers, type Regularizer } from './regularizers.js';
import { isSchedule, schedules, type LearningRateSchedule } from './schedules.js';
import { sequential, type Sequential } from './model.js';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  /** 'optimizer' for optimizer state; absent for the model's weights. */
  group?: string;
}

/** A saved model in memory: what tf.io.fromMemory takes and tf.io.withSaveHandler receives. */
export interface ModelArtifacts {
  /** The Keras Sequential config, as tfjs-layers writes it (JSON-serialisable). */
  modelTopology: Record<string, unknown>;
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  weightSpecs: WeightSpec[];
  /** Every weight in weightSpecs order, little-endian float32. */
  weightData: ArrayBuffer;
  /** The compile config, when TF.js can express it (see trainingConfigFor). */
  trainingConfig?: Record<string, unknown>;
  userDefinedMetadata?: { neurite?: NeuriteMetadata } & Record<string, unknown>;
}

/** Where save() writes: a directory (Node), or localstorage://, indexeddb://, downloads:// + a name. */
export type SaveTarget = string;

export interface SaveOptions {
  /** Also save the optimizer's state (slots, step, random streams) so training resumes exactly. */
  includeOptimizer?: boolean;
}

/** What loadModel reads: artifacts, a directory or model.json path, a browser URL, or [json, ...weights] files. */
export type LoadSource = string | ModelArtifacts | Blob[];

/** @internal Training state Sequential.getOptimizerState() hands over. */
export interface OptimizerState {
  step: number;
  slots: Float32Array;
  /** The shuffle stream (words 0–3) and the dropout stream (words 4–7). */
  rng: Uint32Array;
}

interface NeuriteMetadata {
  version: 1;
  seed: number;
  compile?: {
    loss: { name: string; param: number; fromLogits: boolean };
    metrics: string[];
    optimizer: { name: OptimizerIdentifier; config: Record<string, number | boolean>; schedule?: { name: string; config: Record<string, unknown> } };
  };
  /** Present when saved with includeOptimizer. */
  training?: { step: number; learningRate: number; rng: number[] };
}

// The file layout of model.json, as TF.js writes it.
interface ModelJSON {
  modelTopology: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: null;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  trainingConfig?: unknown;
  userDefinedMetadata?: unknown;
}

const GENERATED_BY = 'neurite 0.1.0';
const KERAS_VERSION = 'tfjs-layers 4.22.0';
const SLOT_PREFIX = 'neurite_optimizer/slot_';

// ---------------------------------------------------------------------------------------------
// Saving

/** Serialises `model` and writes it to `target`; see Sequential.save(). */
export async function saveModel(model: Sequential, target: SaveTarget | undefined, options: SaveOptions = {}): Promise<ModelArtifacts> {
  checkKeys(options, ['includeOptimizer'], 'save()');
  const includeOptimizer = options.includeOptimizer ?? false;
  if (typeof includeOptimizer !== 'boolean') throw new ValueError(`save(): includeOptimizer must be a boolean, got ${describe(includeOptimizer)}`);
  if (target !== undefined && typeof target !== 'string') throw new ValueError(`save(): target must be a string such as 'localstorage://name' or a directory, got ${describe(target)}`);
  const artifacts = toArtifacts(model, includeOptimizer);
  if (target === undefined) return artifacts;
  const [scheme, name] = splitScheme(target, 'save()');
  if (scheme === 'localstorage') saveLocalStorage(name, artifacts);
  else if (scheme === 'indexeddb') await saveIndexedDB(name, artifacts);
  else if (scheme === 'downloads') saveDownloads(name, artifacts);
  else await saveDirectory(name, artifacts);
  return artifacts;
}

function toArtifacts(model: Sequential, includeOptimizer: boolean): ModelArtifacts {
  const compiled = model.optimizer && model.loss ? model.getOptimizerState() : undefined;
  if (includeOptimizer && !compiled) throw new StateError('save(): includeOptimizer needs a compiled model: call compile() first');
  const weights = model.getWeights();
  const specs: WeightSpec[] = [];
  const layerConfigs: unknown[] = [];
  let width = model.inputShape[0];
  model.layers.forEach((layer, i) => {
    const first = i === 0 ? { batch_input_shape: [null, width], dtype: 'float32' } : {};
    if (layer instanceof Dropout) {
      layerConfigs.push({ class_name: 'Dropout', config: { rate: layer.rate, noise_shape: null, seed: layer.seed ?? null, name: layer.name, trainable: true, ...first } });
      return;
    }
    layerConfigs.push({ class_name: 'Dense', config: denseConfig(layer, first) });
    specs.push({ name: `${layer.name}/kernel`, shape: [width, layer.units], dtype: 'float32' });
    if (layer.useBias) specs.push({ name: `${layer.name}/bias`, shape: [layer.units], dtype: 'float32' });
    width = layer.units;
  });

  const tensors = [...weights];
  const neurite: NeuriteMetadata = { version: 1, seed: model.seed };
  let trainingConfig: Record<string, unknown> | undefined;
  if (compiled) {
    const optimizer = model.optimizer!;
    const schedule = isSchedule(optimizer.learningRate) ? { name: optimizer.learningRate.name, config: { ...optimizer.learningRate.config } } : undefined;
    neurite.compile = {
      loss: { name: model.loss!.name, param: model.loss!.param, fromLogits: model.loss!.fromLogits },
      metrics: compiled.metrics,
      optimizer: { name: optimizer.name, config: { ...optimizer.config }, ...(schedule && { schedule }) },
    };
    if (includeOptimizer) {
      neurite.training = { step: compiled.step, learningRate: model.learningRate, rng: Array.from(compiled.rng) };
      const count = weights.reduce((n, w) => n + w.length, 0);
      for (let k = 0; k * count < compiled.slots.length; k++) {
        specs.push({ name: `${SLOT_PREFIX}${k}`, shape: [count], dtype: 'float32', group: 'optimizer' });
        tensors.push(compiled.slots.subarray(k * count, (k + 1) * count));
      }
    } else {
      // TF.js compiles the model it loads from trainingConfig, and would then take neurite's
      // optimizer slots for its own; so it is written only without them.
      trainingConfig = trainingConfigFor(model.loss!, optimizer, compiled.metrics);
    }
  }

  const weightData = new Float32Array(tensors.reduce((n, t) => n + t.length, 0));
  let offset = 0;
  for (const t of tensors) {
    weightData.set(t, offset);
    offset += t.length;
  }
  return {
    modelTopology: {
      class_name: 'Sequential',
      config: { name: model.name, layers: layerConfigs },
      keras_version: KERAS_VERSION,
      backend: 'tensor_flow.js',
    },
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
    weightSpecs: specs,
    weightData: weightData.buffer,
    ...(trainingConfig && { trainingConfig }),
    userDefinedMetadata: { neurite },
  };
}

function denseConfig(layer: Dense, first: object): Record<string, unknown> {
  return {
    units: layer.units,
    ...activationConfig(layer.activation),
    use_bias: layer.useBias,
    kernel_initializer: initializerConfig(layer.kernelInitializer),
    bias_initializer: initializerConfig(layer.biasInitializer),
    kernel_regularizer: regularizerConfig(layer.kernelRegularizer),
    bias_regularizer: regularizerConfig(layer.biasRegularizer),
    activity_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
    name: layer.name,
    trainable: true,
    ...first,
  };
}

// TF.js's activation strings are its identifiers, but for hard_sigmoid. leakyRelu (any alpha) and
// elu with alpha ≠ 1 have none; they get a name TF.js rejects as unknown, rather than one it would
// load with the wrong alpha, and neurite reads the alpha from neurite_alpha.
function activationConfig(activation: Activation): Record<string, unknown> {
  if (activation.name === 'leakyRelu' || (activation.name === 'elu' && activation.alpha !== 1)) {
    return { activation: `neurite_${activation.name}`, neurite_alpha: activation.alpha };
  }
  const names: Partial<Record<ActivationIdentifier, string>> = { hardSigmoid: 'hard_sigmoid', silu: 'swish' };
  return { activation: names[activation.name] ?? activation.name };
}

const SNAKE_FAN: Record<string, string> = { fanIn: 'fan_in', fanOut: 'fan_out', fanAvg: 'fan_avg' };

function initializerConfig(init: Initializer): { class_name: string; config: Record<string, unknown> } {
  // A custom initializer object (anything with apply()) has no saved form.
  if (!isObject(init.config)) throw new ValueError(`save(): initializer ${describe(init.name)} has no TF.js form: only neurite's initializers can be saved`);
  const c = init.config;
  const seed = c.seed ?? null;
  if ('mode' in c) {
    // glorotNormal, heUniform, ... are variance scaling with fixed settings; TF.js writes them so.
    return { class_name: 'VarianceScaling', config: { scale: c.scale, mode: SNAKE_FAN[c.mode as string], distribution: snake(c.distribution as string), seed } };
  }
  switch (init.name) {
    case 'zeros': return { class_name: 'Zeros', config: {} };
    case 'ones': return { class_name: 'Ones', config: {} };
    case 'constant': return { class_name: 'Constant', config: { value: c.value } };
    case 'identity': return { class_name: 'Identity', config: { gain: c.gain } };
    case 'orthogonal': return { class_name: 'Orthogonal', config: { gain: c.gain, seed } };
    case 'randomNormal': return { class_name: 'RandomNormal', config: { mean: c.mean, stddev: c.stddev, seed } };
    case 'truncatedNormal': return { class_name: 'TruncatedNormal', config: { mean: c.mean, stddev: c.stddev, seed } };
    case 'randomUniform': return { class_name: 'RandomUniform', config: { minval: c.minval, maxval: c.maxval, seed } };
    default: throw new ValueError(`save(): initializer ${describe(init.name)} has no TF.js form`);
  }
}

function regularizerConfig(r: Regularizer | undefined): unknown {
  return r ? { class_name: 'L1L2', config: { l1: r.l1, l2: r.l2 } } : null;
}

// TF.js's names for neurite's optimizers and their configs; undefined where TF.js has no match.
function tfjsOptimizer(o: Optimizer): { class_name: string; config: Record<string, unknown> } | undefined {
  const c = o.config;
  if (isSchedule(o.learningRate) || c.clipNorm || c.clipValue || c.amsgrad) return undefined;
  const learningRate = o.learningRate;
  switch (o.name) {
    case 'sgd':
      return c.momentum ? { class_name: 'Momentum', config: { learningRate, momentum: c.momentum, useNesterov: c.nesterov } } : { class_name: 'SGD', config: { learningRate } };
    case 'adam': return { class_name: 'Adam', config: { learningRate, beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon } };
    case 'rmsprop': return { class_name: 'RMSProp', config: { learningRate, decay: c.rho, momentum: c.momentum, epsilon: c.epsilon, centered: c.centered } };
    case 'adagrad': return c.epsilon === 1e-7 ? { class_name: 'Adagrad', config: { learningRate, initialAccumulatorValue: c.initialAccumulatorValue } } : undefined;
    case 'adadelta': return { class_name: 'Adadelta', config: { learningRate, rho: c.rho, epsilon: c.epsilon } };
    case 'adamax': return { class_name: 'Adamax', config: { learningRate, beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon, decay: c.decay } };
    default: return undefined;
  }
}

const TFJS_LOSSES = ['meanSquaredError', 'meanAbsoluteError', 'binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'hinge', 'kullbackLeiblerDivergence', 'logcosh'];

/** TF.js's training config (loss, metrics, optimizer), or undefined if TF.js cannot express it. */
function trainingConfigFor(loss: Loss, optimizer: Optimizer, metrics: string[]): Record<string, unknown> | undefined {
  const optimizerConfig = tfjsOptimizer(optimizer);
  if (!optimizerConfig || !TFJS_LOSSES.includes(loss.name) || loss.param !== 0 || loss.fromLogits) return undefined;
  return { loss: snake(loss.name), metrics, optimizer_config: optimizerConfig };
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

// ---------------------------------------------------------------------------------------------
// Loading

/**
 * Loads a model saved by neurite or by TF.js (a Sequential of Dense and Dropout layers): from
 * artifacts in memory, a directory or model.json path (Node), `localstorage://name`,
 * `indexeddb://name`, or [model.json, ...weight files] as File or Blob objects. The model is
 * compiled again if it was saved compiled by neurite.
 */
export async function loadModel(source: LoadSource): Promise<Sequential> {
  const { artifacts, origin } = await readSource(source);
  const plan = parse(artifacts, origin);
  const model = sequential({ name: plan.name, inputShape: [plan.inputWidth], seed: plan.seed, layers: plan.layers });
  try {
    model.setWeights(plan.weights);
    if (plan.compile) {
      model.compile(plan.compile);
      if (plan.training) {
        model.setOptimizerState(plan.training.state);
        if (!isSchedule(plan.compile.optimizer.learningRate)) model.learningRate = plan.training.learningRate;
      }
    }
    return model;
  } catch (err) {
    model.dispose();
    throw err instanceof NeuriteError ? new (err.constructor as typeof NeuriteError)(`loadModel() ${origin}: ${err.message}`) : err;
  }
}

interface Parsed {
  modelTopology: unknown;
  weightSpecs: unknown;
  weightData: ArrayBuffer;
  userDefinedMetadata?: unknown;
}

interface Plan {
  name: string | undefined;
  inputWidth: number;
  seed: number | undefined;
  layers: Layer[];
  weights: Float32Array[];
  compile?: { loss: Loss; metrics: MetricIdentifier[]; optimizer: Optimizer };
  training?: { state: OptimizerState; learningRate: number };
}

function parse(artifacts: Parsed, origin: string): Plan {
  const fail = (message: string) => new ValueError(`loadModel() ${origin}: ${message}`);
  let topology = artifacts.modelTopology as Record<string, unknown>;
  if (!isObject(topology)) throw fail(`modelTopology must be an object, got ${describe(topology)}`);
  // Keras (Python) nests the model config one level down.
  if (isObject(topology.model_config)) topology = topology.model_config;
  if (topology.class_name !== 'Sequential') throw fail(`expected a Sequential model, got class_name ${describe(topology.class_name)}`);
  const config = topology.config as Record<string, unknown>;
  if (!isObject(config) || !Array.isArray(config.layers)) throw fail(`modelTopology.config.layers must be an array of layers`);

  const entries = config.layers as unknown[];
  const unsupported = entries
    .map((l, i) => (isObject(l) && (l.class_name === 'Dense' || l.class_name === 'Dropout') ? undefined : `${isObject(l) ? String(l.class_name) : describe(l)} (layer ${i}${isObject(l) && isObject(l.config) && l.config.name ? `, ${String(l.config.name)}` : ''})`))
    .filter((s) => s !== undefined);
  if (unsupported.length) throw fail(`unsupported layers: ${unsupported.join(', ')}; neurite supports Dense and Dropout`);

  const built: Layer[] = [];
  const expected: { name: string; shape: number[] }[] = [];
  let width = 0;
  entries.forEach((entry, i) => {
    const { class_name: kind, config: c } = entry as { class_name: string; config: Record<string, unknown> };
    const where = `layer ${i} (${kind}${isObject(c) && typeof c.name === 'string' ? ` "${c.name}"` : ''})`;
    if (!isObject(c)) throw fail(`${where}: config must be an object`);
    if (i === 0) width = inputWidthOf(c, where, fail);
    if (c.trainable === false) throw fail(`${where}: trainable: false is not supported`);
    const layer = wrap(where, fail, () => (kind === 'Dense' ? parseDense(c) : parseDropout(c)));
    if (built.some((l) => l.name === layer.name)) throw fail(`${where}: layer name ${describe(layer.name)} is used twice`);
    built.push(layer);
    if (layer instanceof Dense) {
      expected.push({ name: `${layer.name}/kernel`, shape: [width, layer.units] });
      if (layer.useBias) expected.push({ name: `${layer.name}/bias`, shape: [layer.units] });
      width = layer.units;
    }
  });
  if (!built.some((l) => l instanceof Dense)) throw fail('the model has no Dense layer');

  const tensors = decodeWeights(artifacts.weightSpecs, artifacts.weightData, fail);
  const weights = expected.map(({ name, shape }) => {
    const t = tensors.get(name);
    if (!t || t.spec.group === 'optimizer') throw fail(`weightSpecs has no weight "${name}" (expected shape [${shape.join(', ')}])`);
    if (t.spec.shape.length !== shape.length || t.spec.shape.some((d, k) => d !== shape[k])) {
      throw new ShapeError(`loadModel() ${origin}: weight "${name}" has shape [${t.spec.shape.join(', ')}] but the topology needs [${shape.join(', ')}]`);
    }
    tensors.delete(name);
    return t.values;
  });
  const extra = [...tensors.values()].filter((t) => t.spec.group !== 'optimizer').map((t) => t.spec.name);
  if (extra.length) throw fail(`weightSpecs lists weights no layer has: ${extra.join(', ')}`);

  const plan: Plan = { name: typeof config.name === 'string' ? config.name : undefined, inputWidth: expected[0].shape[0], seed: undefined, layers: built, weights };
  const meta = isObject(artifacts.userDefinedMetadata) ? artifacts.userDefinedMetadata.neurite : undefined;
  if (meta !== undefined) parseNeurite(meta, plan, tensors, fail);
  return plan;
}

function inputWidthOf(c: Record<string, unknown>, where: string, fail: (m: string) => Error): number {
  const shape = c.batch_input_shape ?? (c.input_dim !== undefined ? [null, c.input_dim] : undefined);
  if (!Array.isArray(shape) || shape.length !== 2 || shape[0] !== null || !Number.isInteger(shape[1]) || shape[1] <= 0) {
    throw fail(`${where}: the first layer needs batch_input_shape [null, n] with n a positive integer, got ${JSON.stringify(shape)}`);
  }
  return shape[1];
}

// Runs a neurite constructor on loaded values, naming the file and layer in its errors.
function wrap<T>(where: string, fail: (m: string) => Error, make: () => T): T {
  try {
    return make();
  } catch (err) {
    if (err instanceof NeuriteError) throw fail(`${where}: ${err.message}`);
    throw err;
  }
}

const DENSE_KEYS = ['units', 'activation', 'neurite_alpha', 'use_bias', 'kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint', 'name', 'trainable', 'batch_input_shape', 'input_dim', 'dtype', 'batch_size'];

function parseDense(c: Record<string, unknown>): Dense {
  checkKeys(c, DENSE_KEYS, 'config');
  for (const key of ['activity_regularizer', 'kernel_constraint', 'bias_constraint']) {
    if (c[key] != null) throw new ValueError(`${key} is not supported, got ${JSON.stringify(c[key])}`);
  }
  return layers.dense({
    units: c.units as number,
    activation: parseActivation(c.activation, c.neurite_alpha),
    useBias: (c.use_bias ?? true) as boolean,
    kernelInitializer: parseInitializer(c.kernel_initializer, 'kernel_initializer'),
    biasInitializer: parseInitializer(c.bias_initializer, 'bias_initializer'),
    kernelRegularizer: parseRegularizer(c.kernel_regularizer, 'kernel_regularizer'),
    biasRegularizer: parseRegularizer(c.bias_regularizer, 'bias_regularizer'),
    name: c.name as string | undefined,
  });
}

function parseDropout(c: Record<string, unknown>): Dropout {
  checkKeys(c, ['rate', 'noise_shape', 'seed', 'name', 'trainable', 'batch_input_shape', 'dtype', 'batch_size'], 'config');
  if (c.noise_shape != null) throw new ValueError(`noise_shape is not supported, got ${JSON.stringify(c.noise_shape)}`);
  return layers.dropout({ rate: c.rate as number, seed: (c.seed ?? undefined) as number | undefined, name: c.name as string | undefined });
}

// TF.js's activation strings; neurite's alias table already reads hard_sigmoid.
const TFJS_ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'selu', 'softplus', 'softsign', 'sigmoid', 'hard_sigmoid', 'hardSigmoid', 'tanh', 'softmax', 'swish', 'mish', 'gelu'];

function parseActivation(name: unknown, alpha: unknown): Activation {
  if (name === 'neurite_leakyRelu' || name === 'neurite_elu') {
    if (typeof alpha !== 'number') throw new ValueError(`activation ${describe(name)} needs a numeric neurite_alpha, got ${describe(alpha)}`);
    return name === 'neurite_elu' ? activations.elu({ alpha }) : activations.leakyRelu({ alpha });
  }
  if (alpha !== undefined) throw new ValueError(`neurite_alpha is only read with activation neurite_leakyRelu or neurite_elu, got activation ${describe(name)}`);
  if (name === null || name === undefined) return getActivation('linear', 'activation');
  if (typeof name !== 'string' || !TFJS_ACTIVATIONS.includes(name)) {
    throw new ValueError(`unknown activation ${describe(name)}; expected one of ${TFJS_ACTIVATIONS.join(', ')}`);
  }
  return getActivation(name as ActivationIdentifier, 'activation');
}

// Named variance-scaling initializers, by (scale, mode, distribution), so they load under their names.
const NAMED_SCALING: Record<string, 'glorotNormal' | 'glorotUniform' | 'heNormal' | 'heUniform' | 'leCunNormal' | 'leCunUniform'> = {
  '1 fanAvg normal': 'glorotNormal', '1 fanAvg uniform': 'glorotUniform', '2 fanIn normal': 'heNormal',
  '2 fanIn uniform': 'heUniform', '1 fanIn normal': 'leCunNormal', '1 fanIn uniform': 'leCunUniform',
};
// Keras's class names for them (TF.js spells LeCun with a capital C; matched case-blind).
const NAMED_CLASSES: Record<string, (typeof NAMED_SCALING)[string]> = {
  glorotnormal: 'glorotNormal', glorotuniform: 'glorotUniform', henormal: 'heNormal', heuniform: 'heUniform', lecunnormal: 'leCunNormal', lecununiform: 'leCunUniform',
};
const CAMEL_FAN: Record<string, 'fanIn' | 'fanOut' | 'fanAvg'> = { fan_in: 'fanIn', fan_out: 'fanOut', fan_avg: 'fanAvg' };
const CAMEL_DISTRIBUTION: Record<string, 'normal' | 'uniform' | 'truncatedNormal'> = { normal: 'normal', uniform: 'uniform', truncated_normal: 'truncatedNormal' };

function parseInitializer(value: unknown, key: string): Initializer | undefined {
  if (value === null || value === undefined) return undefined;
  if (!isObject(value) || typeof value.class_name !== 'string') throw new ValueError(`${key} must be { class_name, config }, got ${describe(value)}`);
  const c = (isObject(value.config) ? value.config : {}) as Record<string, unknown>;
  const seed = (c.seed ?? undefined) as number | undefined;
  const name = value.class_name.toLowerCase();
  switch (name) {
    case 'zeros': return initializers.zeros();
    case 'ones': return initializers.ones();
    case 'constant': return initializers.constant({ value: c.value as number });
    case 'identity': return initializers.identity({ gain: c.gain as number | undefined });
    case 'orthogonal': return initializers.orthogonal({ gain: c.gain as number | undefined, seed });
    case 'randomnormal': return initializers.randomNormal({ mean: c.mean as number, stddev: c.stddev as number, seed });
    case 'truncatednormal': return initializers.truncatedNormal({ mean: c.mean as number, stddev: c.stddev as number, seed });
    case 'randomuniform': return initializers.randomUniform({ minval: c.minval as number, maxval: c.maxval as number, seed });
    case 'glorotnormal': case 'glorotuniform': case 'henormal': case 'heuniform': case 'lecunnormal': case 'lecununiform':
      return initializers[NAMED_CLASSES[name]]({ seed });
    case 'variancescaling': {
      const mode = CAMEL_FAN[c.mode as string], distribution = CAMEL_DISTRIBUTION[c.distribution as string];
      if (!mode || !distribution) throw new ValueError(`${key}: VarianceScaling mode ${describe(c.mode)} or distribution ${describe(c.distribution)} is not one of fan_in, fan_out, fan_avg / normal, uniform, truncated_normal`);
      const named = NAMED_SCALING[`${c.scale} ${mode} ${distribution}`];
      return named ? initializers[named]({ seed }) : initializers.varianceScaling({ scale: c.scale as number, mode, distribution, seed });
    }
    default:
      throw new ValueError(`${key}: unsupported initializer ${describe(value.class_name)}; expected Zeros, Ones, Constant, Identity, Orthogonal, RandomNormal, TruncatedNormal, RandomUniform, VarianceScaling, or Glorot/He/LeCun Normal/Uniform`);
  }
}

function parseRegularizer(value: unknown, key: string): Regularizer | undefined {
  if (value === null || value === undefined) return undefined;
  if (!isObject(value) || !['L1L2', 'L1', 'L2'].includes(value.class_name as string) || !isObject(value.config)) {
    throw new ValueError(`${key}: unsupported regularizer ${JSON.stringify(value)}; expected L1L2, L1 or L2`);
  }
  const l1 = (value.config.l1 ?? 0) as number, l2 = (value.config.l2 ?? 0) as number;
  if (l1 === 0 && l2 === 0) return undefined;
  return l2 === 0 ? regularizers.l1({ l1 }) : l1 === 0 ? regularizers.l2({ l2 }) : regularizers.l1l2({ l1, l2 });
}

interface Decoded { spec: WeightSpec; values: Float32Array }

/** Splits weightData by the specs, checking the byte count matches exactly and every value is finite. */
function decodeWeights(specs: unknown, data: ArrayBuffer, fail: (m: string) => Error): Map<string, Decoded> {
  if (!Array.isArray(specs)) throw fail(`weightSpecs must be an array, got ${describe(specs)}`);
  if (!(data instanceof ArrayBuffer)) throw fail(`weightData must be an ArrayBuffer, got ${describe(data)}`);
  const out = new Map<string, Decoded>();
  let offset = 0;
  for (const spec of specs as WeightSpec[]) {
    if (!isObject(spec) || typeof spec.name !== 'string' || !Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw fail(`weightSpecs entry ${describe(spec?.name ?? spec)} needs a name and a shape of non-negative integers, got ${JSON.stringify(spec)}`);
    }
    if ('quantization' in spec) throw fail(`weight "${spec.name}" is quantized; neurite reads float32 weights only`);
    if (spec.dtype !== 'float32' && !(spec.dtype === 'int32' && spec.group === 'optimizer')) {
      throw fail(`weight "${spec.name}" has dtype ${describe(spec.dtype)}; expected float32`);
    }
    if (out.has(spec.name)) throw fail(`weightSpecs lists "${spec.name}" twice`);
    const bytes = spec.shape.reduce((a, b) => a * b, 1) * 4;
    if (offset + bytes > data.byteLength) {
      throw new ShapeError(`${fail('').message}weight data is truncated: weightSpecs need ${bytes} bytes for "${spec.name}" at byte ${offset}, but the data has ${data.byteLength} bytes in all`);
    }
    const values = new Float32Array(data.slice(offset, offset + bytes));
    if (spec.dtype === 'float32') {
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw fail(`weight "${spec.name}" holds ${values[bad]} at index ${bad}; weights must be finite`);
    }
    out.set(spec.name, { spec, values });
    offset += bytes;
  }
  if (offset !== data.byteLength) {
    throw new ShapeError(`${fail('').message}weight data has ${data.byteLength} bytes but weightSpecs describe ${offset}: ${data.byteLength - offset} bytes too many`);
  }
  return out;
}

function parseNeurite(meta: unknown, plan: Plan, tensors: Map<string, Decoded>, fail: (m: string) => Error): void {
  if (!isObject(meta) || meta.version !== 1) throw fail(`userDefinedMetadata.neurite must be neurite's metadata of version 1, got ${describe(isObject(meta) ? meta.version : meta)}`);
  const m = meta as unknown as NeuriteMetadata;
  plan.seed = wrap('userDefinedMetadata.neurite', fail, () => checkSeed(m.seed, 'seed'));
  if (m.compile === undefined) {
    if (m.training !== undefined) throw fail('userDefinedMetadata.neurite has optimizer state but no compile config');
    return;
  }
  if (!isObject(m.compile)) throw fail(`userDefinedMetadata.neurite.compile must be { loss, metrics, optimizer }, got ${describe(m.compile)}`);
  plan.compile = wrap('userDefinedMetadata.neurite.compile', fail, () => {
    const { loss, metrics, optimizer } = m.compile!;
    if (!isObject(loss) || !Array.isArray(metrics) || !isObject(optimizer)) throw new ValueError('expected { loss, metrics, optimizer }');
    const opt = optimizer.schedule
      ? { ...optimizer.config, learningRate: makeSchedule(optimizer.schedule.name, optimizer.schedule.config) }
      : optimizer.config;
    if (!Object.hasOwn(optimizers, optimizer.name as string)) throw new ValueError(`unknown optimizer ${describe(optimizer.name)}`);
    return { loss: makeLoss(loss), metrics: metrics as MetricIdentifier[], optimizer: getOptimizer(optimizers[optimizer.name](opt as never), 'optimizer') };
  });
  if (m.training === undefined) return;
  if (!isObject(m.training)) throw fail(`userDefinedMetadata.neurite.training must be { step, learningRate, rng }, got ${describe(m.training)}`);
  const { step, learningRate, rng } = m.training;
  if (!Number.isInteger(step) || step < 0 || typeof learningRate !== 'number' || !(learningRate > 0) || !Array.isArray(rng) || rng.length !== 8 || !rng.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)) {
    throw fail(`userDefinedMetadata.neurite.training must be { step: integer ≥ 0, learningRate > 0, rng: 8 uint32 }, got ${JSON.stringify(m.training)}`);
  }
  const slots: Float32Array[] = [];
  for (let k = 0; tensors.has(`${SLOT_PREFIX}${k}`); k++) slots.push(tensors.get(`${SLOT_PREFIX}${k}`)!.values);
  const all = new Float32Array(slots.reduce((n, s) => n + s.length, 0));
  slots.forEach((s, k) => all.set(s, k * (slots[0]?.length ?? 0)));
  plan.training = { state: { step, slots: all, rng: Uint32Array.from(rng) }, learningRate };
}

function makeSchedule(name: string, config: Record<string, unknown>): LearningRateSchedule {
  if (name === 'constant') return schedules.constant(config.learningRate as number);
  if (!Object.hasOwn(schedules, name)) throw new ValueError(`unknown learning-rate schedule ${describe(name)}`);
  return (schedules[name as keyof typeof schedules] as (c: unknown) => LearningRateSchedule)(config);
}

function makeLoss(loss: Record<string, unknown>): Loss {
  const { name, param, fromLogits } = loss as { name: string; param: number; fromLogits: boolean };
  switch (name) {
    case 'huber': return losses.huber({ delta: param });
    case 'binaryCrossentropy': case 'categoricalCrossentropy': return losses[name]({ fromLogits, labelSmoothing: param });
    case 'sparseCategoricalCrossentropy': return losses.sparseCategoricalCrossentropy({ fromLogits });
    default: return getLoss(name, 'loss');
  }
}

// ---------------------------------------------------------------------------------------------
// Where artifacts come from and go to

function splitScheme(target: string, where: string): ['localstorage' | 'indexeddb' | 'downloads' | 'file', string] {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(target);
  const scheme = match ? match[1].toLowerCase() : 'file';
  const name = match ? match[2] : target;
  if (scheme !== 'localstorage' && scheme !== 'indexeddb' && scheme !== 'downloads' && scheme !== 'file') {
    throw new ValueError(`${where}: unknown scheme ${describe(scheme + '://')}; expected localstorage://, indexeddb://, downloads://, file:// or a directory path`);
  }
  if (!name) throw new ValueError(`${where}: ${describe(target)} names no model`);
  return [scheme, name];
}

async function readSource(source: unknown): Promise<{ artifacts: Parsed; origin: string }> {
  if (typeof source === 'string') {
    const [scheme, name] = splitScheme(source, 'loadModel()');
    if (scheme === 'localstorage') return { artifacts: loadLocalStorage(name), origin: source };
    if (scheme === 'indexeddb') return { artifacts: await loadIndexedDB(name), origin: source };
    if (scheme === 'downloads') throw new ValueError(`loadModel(): downloads:// is for save(); load the downloaded files with loadModel([jsonFile, weightsFile])`);
    return loadDirectory(name);
  }
  if (Array.isArray(source)) return loadFiles(source);
  if (isObject(source) && 'modelTopology' in source) {
    return { artifacts: source as unknown as Parsed, origin: 'artifacts' };
  }
  throw new ValueError(`loadModel(): expected artifacts { modelTopology, weightSpecs, weightData }, a path, a localstorage:// or indexeddb:// URL, or [jsonFile, ...weightFiles], got ${describe(source)}`);
}

// model.json: the topology and a manifest of weight files, read with `read(path)`.
async function fromModelJSON(text: string, origin: string, read: (path: string) => Promise<ArrayBuffer>): Promise<Parsed> {
  let json: ModelJSON;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ValueError(`loadModel() ${origin}: malformed JSON: ${(err as Error).message}`);
  }
  if (!isObject(json) || json.modelTopology === undefined) throw new ValueError(`loadModel() ${origin}: not a TF.js model.json: it has no modelTopology`);
  if (json.format !== undefined && json.format !== 'layers-model') throw new ValueError(`loadModel() ${origin}: format is ${describe(json.format)}; neurite reads 'layers-model' (graph models cannot be trained)`);
  if (!Array.isArray(json.weightsManifest) || !json.weightsManifest.every((g) => isObject(g) && Array.isArray(g.paths) && Array.isArray(g.weights))) {
    throw new ValueError(`loadModel() ${origin}: weightsManifest must be an array of { paths, weights }`);
  }
  const buffers = await Promise.all(json.weightsManifest.flatMap((g) => g.paths.map(read)));
  const total = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of buffers) {
    total.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: total.buffer,
    userDefinedMetadata: json.userDefinedMetadata,
  };
}

function modelJSON(artifacts: ModelArtifacts, weightsPath: string): ModelJSON {
  const { weightSpecs, weightData: _, ...rest } = artifacts;
  return { ...rest, weightsManifest: [{ paths: [weightsPath], weights: weightSpecs }] };
}

// --- Node: a directory holding model.json and weights.bin, as tfjs-node's file:// writes it.

async function nodeFs(): Promise<typeof import('node:fs/promises')> {
  const name = 'node:fs/promises';
  return (await import(/* @vite-ignore */ name)) as typeof import('node:fs/promises');
}

async function saveDirectory(dir: string, artifacts: ModelArtifacts): Promise<void> {
  const fs = await nodeFs();
  await fs.mkdir(dir, { recursive: true });
  // Written beside the old files and renamed over them, so a failed save leaves a saved model whole.
  const files: [string, string | Uint8Array][] = [
    ['weights.bin', new Uint8Array(artifacts.weightData)],
    ['model.json', JSON.stringify(modelJSON(artifacts, 'weights.bin'))],
  ];
  for (const [name, data] of files) await fs.writeFile(`${dir}/${name}.tmp`, data);
  for (const [name] of files) await fs.rename(`${dir}/${name}.tmp`, `${dir}/${name}`);
}

async function loadDirectory(path: string): Promise<{ artifacts: Parsed; origin: string }> {
  const fs = await nodeFs();
  const file = path.endsWith('.json') ? path : `${path.replace(/\/$/, '')}/model.json`;
  const dir = file.slice(0, file.lastIndexOf('/') + 1) || './';
  const read = async (p: string, what: string) => {
    try {
      return await fs.readFile(p);
    } catch (err) {
      throw new ValueError(`loadModel(): cannot read ${what} ${p}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  const text = (await read(file, 'model file')).toString('utf8');
  const artifacts = await fromModelJSON(text, file, async (p) => {
    const bytes = await read(dir + p, 'weights file');
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  });
  return { artifacts, origin: file };
}

// --- Browsers. Keys, stores and file names are TF.js's, so either library reads what the other saved.

function api<T>(name: string, scheme: string): T {
  const value = (globalThis as Record<string, unknown>)[name];
  if (value === undefined || value === null) throw new StateError(`${scheme}:// needs the ${name} API, which this environment (${typeof process !== 'undefined' ? 'Node' : 'this runtime'}) does not have`);
  return value as T;
}

function storageKeys(name: string): Record<'info' | 'topology' | 'weightSpecs' | 'weightData' | 'metadata', string> {
  const p = `tensorflowjs_models/${name}/`;
  return { info: p + 'info', topology: p + 'model_topology', weightSpecs: p + 'weight_specs', weightData: p + 'weight_data', metadata: p + 'model_metadata' };
}

function saveLocalStorage(name: string, artifacts: ModelArtifacts): void {
  const storage = api<Storage>('localStorage', 'localstorage');
  const keys = storageKeys(name);
  const { modelTopology, weightSpecs, weightData, ...metadata } = artifacts;
  const items: [string, string][] = [
    [keys.info, JSON.stringify({ dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightData.byteLength })],
    [keys.topology, JSON.stringify(modelTopology)],
    [keys.weightSpecs, JSON.stringify(weightSpecs)],
    [keys.weightData, toBase64(weightData)],
    [keys.metadata, JSON.stringify(metadata)],
  ];
  try {
    for (const [key, value] of items) storage.setItem(key, value);
  } catch (err) {
    // Over quota part-way: take the partial copy out rather than leave one that cannot load.
    for (const [key] of items) storage.removeItem(key);
    throw new ValueError(`save() localstorage://${name}: ${(err as Error).message} (${weightData.byteLength} bytes of weights)`);
  }
}

function loadLocalStorage(name: string): Parsed {
  const storage = api<Storage>('localStorage', 'localstorage');
  const keys = storageKeys(name);
  const get = (key: string, json: boolean) => {
    const value = storage.getItem(key);
    if (value === null) throw new ValueError(`loadModel() localstorage://${name}: no model saved there (missing ${key})`);
    if (!json) return value;
    try {
      return JSON.parse(value);
    } catch (err) {
      throw new ValueError(`loadModel() localstorage://${name}: malformed JSON in ${key}: ${(err as Error).message}`);
    }
  };
  const metadata = storage.getItem(keys.metadata) === null ? {} : get(keys.metadata, true);
  return { modelTopology: get(keys.topology, true), weightSpecs: get(keys.weightSpecs, true), weightData: fromBase64(get(keys.weightData, false)), userDefinedMetadata: metadata.userDefinedMetadata };
}

function openDatabase(): Promise<IDBDatabase> {
  const idb = api<IDBFactory>('indexedDB', 'indexeddb');
  return new Promise((resolve, reject) => {
    const request = idb.open('tensorflowjs', 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore('models_store', { keyPath: 'modelPath' });
      request.result.createObjectStore('model_info_store', { keyPath: 'modelPath' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new ValueError(`indexeddb://: cannot open the database: ${request.error?.message}`));
  });
}

async function saveIndexedDB(name: string, artifacts: ModelArtifacts): Promise<void> {
  const db = await openDatabase();
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(['models_store', 'model_info_store'], 'readwrite');
      tx.objectStore('model_info_store').put({ modelPath: name, modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: artifacts.weightData.byteLength } });
      tx.objectStore('models_store').put({ modelPath: name, modelArtifacts: artifacts });
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(new ValueError(`save() indexeddb://${name}: ${tx.error?.message}`));
    });
  } finally {
    db.close();
  }
}

async function loadIndexedDB(name: string): Promise<Parsed> {
  const db = await openDatabase();
  try {
    const record = await new Promise<{ modelArtifacts?: Parsed } | undefined>((resolve, reject) => {
      const request = db.transaction('models_store', 'readonly').objectStore('models_store').get(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new ValueError(`loadModel() indexeddb://${name}: ${request.error?.message}`));
    });
    if (!record?.modelArtifacts) throw new ValueError(`loadModel() indexeddb://${name}: no model saved there`);
    return record.modelArtifacts;
  } finally {
    db.close();
  }
}

// Two downloads, name.json and name.weights.bin, through an anchor on a Blob URL.
function saveDownloads(name: string, artifacts: ModelArtifacts): void {
  const doc = api<Document>('document', 'downloads');
  const weightsName = `${name}.weights.bin`;
  const files: [string, Blob][] = [
    [`${name}.json`, new Blob([JSON.stringify(modelJSON(artifacts, `./${weightsName}`))], { type: 'application/json' })],
    [weightsName, new Blob([artifacts.weightData], { type: 'application/octet-stream' })],
  ];
  for (const [fileName, blob] of files) {
    const url = URL.createObjectURL(blob);
    const anchor = doc.createElement('a');
    anchor.download = fileName;
    anchor.href = url;
    anchor.click();
    // The browser reads the Blob when the download starts, after this task.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}

// [model.json, ...weights] from an <input type=file>: manifest paths match files by base name.
async function loadFiles(files: unknown[]): Promise<{ artifacts: Parsed; origin: string }> {
  if (files.length === 0 || !files.every((f) => typeof Blob !== 'undefined' && f instanceof Blob)) {
    throw new ValueError(`loadModel(): expected [jsonFile, ...weightFiles] as File or Blob objects, got ${describe(files)}`);
  }
  const [json, ...weights] = files as Blob[];
  const nameOf = (f: Blob, i: number) => (typeof File !== 'undefined' && f instanceof File ? f.name : `files[${i}]`);
  const origin = nameOf(json, 0);
  const artifacts = await fromModelJSON(await json.text(), origin, async (path) => {
    const base = path.slice(path.lastIndexOf('/') + 1);
    // Blobs have no names: with one weights file, it is the one the manifest means.
    const match = weights.find((f, i) => nameOf(f, i + 1) === base) ?? (weights.length === 1 && !(weights[0] instanceof File) ? weights[0] : undefined);
    if (!match) throw new ValueError(`loadModel() ${origin}: the manifest needs weights file ${describe(base)}, which is not among the files given (${weights.map(nameOf).join(', ') || 'none'})`);
    return match.arrayBuffer();
  });
  return { artifacts, origin };
}

function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): ArrayBuffer {
  const s = atob(text);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes.buffer;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
