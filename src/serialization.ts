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

// Bounds on what a load reads, so a hostile file cannot exhaust memory or the stack.
/** model.json holds the topology and the manifest, kilobytes in practice. */
const MAX_MODEL_JSON_BYTES = 256 * 2 ** 20;
/** All weights together: a Wasm memory holds at most 4 GiB. */
const MAX_WEIGHT_BYTES = 2 ** 32;
/** Keras configs nest about 8 levels; this leaves room and keeps every later walk off the stack limit. */
const MAX_JSON_DEPTH = 64;
const MAX_JSON_VALUES = 1_000_000;

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
  checkNesting(artifacts.modelTopology, 'modelTopology', fail);
  checkNesting(artifacts.weightSpecs, 'weightSpecs', fail);
  const meta = isObject(artifacts.userDefinedMetadata) ? artifacts.userDefinedMetadata.neurite : undefined;
  checkNesting(meta, 'userDefinedMetadata.neurite', fail);
  let topology = artifacts.modelTopology as Record<string, unknown>;
  if (!isObject(topology)) throw fail(`modelTopology must be an object, got ${describe(topology)}`);
  // Keras (Python) nests the model config one level down.
  if (isObject(topology.model_config)) topology = topology.model_config;
  if (topology.class_name !== 'Sequential') throw fail(`expected a Sequential model, got class_name ${describe(topology.class_name)}`);
  const config = topology.config as Record<string, unknown>;
  if (!isObject(config) || !Array.isArray(config.layers)) throw fail(`modelTopology.config.layers must be an array of layers`);

  const entries = config.layers as unknown[];
  // save() refuses a model with no layers, by the same rule: there is no input width to record.
  if (entries.length === 0) throw fail('the model has no layers');
  const unsupported = entries
    .map((l, i) => (isObject(l) && (l.class_name === 'Dense' || l.class_name === 'Dropout') ? undefined : `${isObject(l) ? String(l.class_name) : describe(l)} (layer ${i}${isObject(l) && isObject(l.config) && l.config.name ? `, ${String(l.config.name)}` : ''})`))
    .filter((s) => s !== undefined);
  if (unsupported.length) throw fail(`unsupported layers: ${unsupported.join(', ')}; neurite supports Dense and Dropout`);

  const built: Layer[] = [];
  const expected: { name: string; shape: number[] }[] = [];
  let width = 0;
  let inputWidth = 0;
  entries.forEach((entry, i) => {
    const { class_name: kind, config: c } = entry as { class_name: string; config: Record<string, unknown> };
    const where = `layer ${i} (${kind}${isObject(c) && typeof c.name === 'string' ? ` "${c.name}"` : ''})`;
    if (!isObject(c)) throw fail(`${where}: config must be an object`);
    if (i === 0) width = inputWidth = inputWidthOf(c, where, fail);
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

  const plan: Plan = { name: typeof config.name === 'string' ? config.name : undefined, inputWidth, seed: undefined, layers: built, weights };
  if (meta !== undefined) parseNeurite(meta, plan, tensors, fail);
  return plan;
}

function inputWidthOf(c: Record<string, unknown>, where: string, fail: (m: string) => Error): number {
  const shape = c.batch_input_shape ?? (c.input_dim !== undefined ? [null, c.input_dim] : undefined);
  if (!Array.isArray(shape) || shape.length !== 2 || shape[0] !== null || !Number.isInteger(shape[1]) || shape[1] <= 0) {
    throw fail(`${where}: the first layer needs batch_input_shape [null, n] with n a positive integer, got ${preview(shape)}`);
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
    if (c[key] != null) throw new ValueError(`${key} is not supported, got ${preview(c[key])}`);
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
  if (c.noise_shape != null) throw new ValueError(`noise_shape is not supported, got ${preview(c.noise_shape)}`);
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
    throw new ValueError(`${key}: unsupported regularizer ${preview(value)}; expected L1L2, L1 or L2`);
  }
  const l1 = (value.config.l1 ?? 0) as number, l2 = (value.config.l2 ?? 0) as number;
  if (l1 === 0 && l2 === 0) return undefined;
  return l2 === 0 ? regularizers.l1({ l1 }) : l1 === 0 ? regularizers.l2({ l2 }) : regularizers.l1l2({ l1, l2 });
}

interface Decoded { spec: WeightSpec; values: Float32Array }

/** Checks one weightSpecs entry and returns its size in bytes. */
function specBytes(spec: unknown, fail: (m: string) => Error): number {
  if (!isObject(spec) || typeof spec.name !== 'string' || !Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw fail(`weightSpecs entry ${preview(isObject(spec) ? spec.name ?? spec : spec)} needs a name and a shape of non-negative integers, got ${preview(spec)}`);
  }
  if ('quantization' in spec) throw fail(`weight "${spec.name}" is quantized; neurite reads float32 weights only`);
  if (spec.dtype !== 'float32' && !(spec.dtype === 'int32' && spec.group === 'optimizer')) {
    throw fail(`weight "${spec.name}" has dtype ${describe(spec.dtype)}; expected float32`);
  }
  const bytes = (spec.shape as number[]).reduce((a, b) => a * b, 4);
  if (bytes > MAX_WEIGHT_BYTES) throw fail(`weight "${spec.name}" of shape [${spec.shape.join(', ')}] needs ${bytes} bytes, more than the 4 GiB a Wasm memory holds`);
  return bytes;
}

/** Splits weightData by the specs, checking the byte count matches exactly and every value is finite. */
function decodeWeights(specs: unknown, data: ArrayBuffer, fail: (m: string) => Error): Map<string, Decoded> {
  if (!Array.isArray(specs)) throw fail(`weightSpecs must be an array, got ${describe(specs)}`);
  if (!(data instanceof ArrayBuffer)) throw fail(`weightData must be an ArrayBuffer, got ${describe(data)}`);
  const out = new Map<string, Decoded>();
  let offset = 0;
  for (const spec of specs as WeightSpec[]) {
    const bytes = specBytes(spec, fail);
    if (out.has(spec.name)) throw fail(`weightSpecs lists "${spec.name}" twice`);
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
    const { schedule } = optimizer;
    if (schedule !== undefined && (!isObject(schedule) || typeof schedule.name !== 'string' || !isObject(schedule.config))) {
      throw new ValueError(`optimizer.schedule must be { name, config }, got ${preview(schedule)}`);
    }
    const opt = schedule ? { ...optimizer.config, learningRate: makeSchedule(schedule.name, schedule.config) } : optimizer.config;
    if (!Object.hasOwn(optimizers, optimizer.name as string)) throw new ValueError(`unknown optimizer ${describe(optimizer.name)}`);
    return { loss: makeLoss(loss), metrics: metrics as MetricIdentifier[], optimizer: getOptimizer(optimizers[optimizer.name](opt as never), 'optimizer') };
  });
  if (m.training === undefined) return;
  if (!isObject(m.training)) throw fail(`userDefinedMetadata.neurite.training must be { step, learningRate, rng }, got ${describe(m.training)}`);
  const { step, learningRate, rng } = m.training;
  if (!Number.isSafeInteger(step) || step < 0 || !Number.isFinite(learningRate) || !(learningRate > 0) || !Array.isArray(rng) || rng.length !== 8 || !rng.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)) {
    throw fail(`userDefinedMetadata.neurite.training must be { step: a safe integer ≥ 0, learningRate: finite > 0, rng: 8 uint32 }, got ${preview(m.training)}`);
  }
  const slots = optimizerSlots(plan.compile!.optimizer, plan.weights.reduce((n, w) => n + w.length, 0), tensors, fail);
  const all = new Float32Array(slots.reduce((n, s) => n + s.length, 0));
  slots.forEach((s, k) => all.set(s, k * s.length));
  plan.training = { state: { step, slots: all, rng: Uint32Array.from(rng) }, learningRate };
}

// Each optimizer's state slots in net_update's order (assembly/network.ts), and which ones its
// rule needs non-negative: running squares and maxima go under a square root or divide.
function slotKinds(o: Optimizer): { label: string; nonNegative: boolean }[] {
  const any = (label: string) => ({ label, nonNegative: false });
  const positive = (label: string) => ({ label, nonNegative: true });
  switch (o.name) {
    case 'sgd': return o.config.momentum ? [any('momentum')] : [];
    case 'adam': case 'adamw': return [any('first moment m'), positive('second moment v'), ...(o.config.amsgrad ? [positive('amsgrad maximum vmax')] : [])];
    case 'rmsprop': return [positive('mean square ms'), any('momentum'), ...(o.config.centered ? [any('mean gradient mg')] : [])];
    case 'adagrad': return [positive('accumulator')];
    case 'adadelta': return [positive('gradient accumulator'), positive('update accumulator')];
    case 'adamax': return [any('first moment m'), positive('infinity norm u')];
  }
}

/** The saved optimizer slots, checked: exactly the ones `optimizer` needs, float32, one value per parameter, signs its rule allows. */
function optimizerSlots(optimizer: Optimizer, count: number, tensors: Map<string, Decoded>, fail: (m: string) => Error): Float32Array[] {
  const kinds = slotKinds(optimizer);
  const extra = [...tensors.keys()].filter((name) => name.startsWith(SLOT_PREFIX) && !kinds.some((_, k) => name === `${SLOT_PREFIX}${k}`));
  if (extra.length) throw fail(`weightSpecs lists optimizer slots ${extra.map(preview).join(', ')}, but ${optimizer.name} keeps ${kinds.length}`);
  return kinds.map(({ label, nonNegative }, k) => {
    const name = `${SLOT_PREFIX}${k}`;
    const t = tensors.get(name);
    if (!t || t.spec.group !== 'optimizer') throw fail(`the ${optimizer.name} state needs weight "${name}" (${label}) in group 'optimizer', which weightSpecs does not list`);
    if (t.spec.dtype !== 'float32') throw fail(`optimizer slot "${name}" (${label}) has dtype ${describe(t.spec.dtype)}; expected float32`);
    if (t.spec.shape.length !== 1 || t.values.length !== count) {
      throw new ShapeError(`${fail('').message}optimizer slot "${name}" (${label}) has shape [${t.spec.shape.join(', ')}] but the model has ${count} parameters: expected [${count}]`);
    }
    const bad = nonNegative ? t.values.findIndex((v) => v < 0) : -1;
    if (bad >= 0) throw fail(`optimizer slot "${name}" (${label}) holds ${t.values[bad]} at index ${bad}; ${optimizer.name}'s ${label} is never negative`);
    return t.values;
  });
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

// model.json: the topology and a manifest of weight files, read in order with `read(path, maxBytes)`.
// A reader refuses a file larger than maxBytes before reading it: what the manifest's weights
// still need, so no file can make a load read more than the weights it describes.
async function fromModelJSON(text: string, origin: string, read: (path: string, maxBytes: number) => Promise<Uint8Array>): Promise<Parsed> {
  const fail = (message: string) => new ValueError(`loadModel() ${origin}: ${message}`);
  let json: ModelJSON;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw fail(`malformed JSON: ${(err as Error).message}`);
  }
  if (!isObject(json) || json.modelTopology === undefined) throw fail('not a TF.js model.json: it has no modelTopology');
  if (json.format !== undefined && json.format !== 'layers-model') throw fail(`format is ${describe(json.format)}; neurite reads 'layers-model' (graph models cannot be trained)`);
  checkNesting(json.weightsManifest, 'weightsManifest', fail);
  if (!Array.isArray(json.weightsManifest) || !json.weightsManifest.every((g) => isObject(g) && Array.isArray(g.paths) && Array.isArray(g.weights))) {
    throw fail('weightsManifest must be an array of { paths, weights }');
  }
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const needed = weightSpecs.reduce((n, spec) => n + specBytes(spec, fail), 0);
  if (needed > MAX_WEIGHT_BYTES) throw fail(`the weights need ${needed} bytes, more than the 4 GiB a Wasm memory holds`);
  const paths = json.weightsManifest.flatMap((g) => g.paths as unknown[]);
  const seen = new Set<string>();
  for (const path of paths) {
    checkWeightsPath(path, fail);
    const key = path.split('/').filter((s) => s !== '' && s !== '.').join('/');
    if (seen.has(key)) throw fail(`weightsManifest names weights file ${preview(path)} twice`);
    seen.add(key);
  }
  const buffers: Uint8Array[] = [];
  let total = 0;
  for (const path of paths as string[]) {
    const bytes = await read(path, needed - total);
    buffers.push(bytes);
    total += bytes.byteLength;
  }
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  return { modelTopology: json.modelTopology, weightSpecs, weightData: weightData.buffer, userDefinedMetadata: json.userDefinedMetadata };
}

/**
 * A weights path must name a file inside the model's folder: relative, with '/' separators, no
 * '..' segment, no URL scheme or drive letter, no NUL. (Symlinks are resolved by the reader.)
 */
function checkWeightsPath(path: unknown, fail: (m: string) => Error): asserts path is string {
  if (typeof path !== 'string' || path === '' || path.length > 4096) throw fail(`a weights path must be a non-empty string of at most 4096 characters, got ${preview(path)}`);
  const why = path.includes('\0') ? 'it holds a NUL character'
    : path.includes('\\') ? 'it holds a backslash (paths use /)'
    : path.startsWith('/') ? 'it is absolute'
    : /^[a-z][a-z0-9+.-]*:/i.test(path) ? 'it has a URL scheme or drive letter'
    : path.split('/').includes('..') ? 'it has a .. segment'
    : undefined;
  if (why) throw fail(`weights path ${preview(path)} must stay inside the model folder, but ${why}`);
}

function modelJSON(artifacts: ModelArtifacts, weightsPath: string): ModelJSON {
  const { weightSpecs, weightData: _, ...rest } = artifacts;
  return { ...rest, weightsManifest: [{ paths: [weightsPath], weights: weightSpecs }] };
}

// --- Node: a directory holding model.json and weights.bin, as tfjs-node's file:// writes it.

type NodeModules = { fs: typeof import('node:fs/promises'); path: typeof import('node:path') };

async function node(): Promise<NodeModules> {
  // Imported by a name bundlers do not follow: browsers never load these.
  const load = (name: string) => import(/* @vite-ignore */ name);
  const [fs, path] = await Promise.all([load('node:fs/promises'), load('node:path')]);
  return { fs, path };
}

/** A Node file-system error as a neurite error naming the path: ValueError for a bad path, StateError for the environment (permissions, space). */
function fileError(where: string, action: string, path: string, err: unknown): NeuriteError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const badPath = ['ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ENAMETOOLONG', 'ELOOP', 'EINVAL', 'ENXIO', 'ERR_INVALID_ARG_VALUE', 'ERR_INVALID_ARG_TYPE'];
  const Type = code === undefined || badPath.includes(code) ? ValueError : StateError;
  return new Type(`${where}: cannot ${action} ${path}: ${code ?? (err as Error)?.message}`, { cause: err });
}

// Saves to one folder run one at a time, in the order they were called; keyed by absolute path.
const savesInProgress = new Map<string, Promise<unknown>>();

async function oneAtATime<T>(key: string, task: () => Promise<T>): Promise<T> {
  const run = (savesInProgress.get(key) ?? Promise.resolve()).then(task, task);
  const settled = run.catch(() => undefined);
  savesInProgress.set(key, settled);
  try {
    return await run;
  } finally {
    if (savesInProgress.get(key) === settled) savesInProgress.delete(key);
  }
}

/**
 * Writes weights.bin and model.json under temporary names unique to this save, then renames
 * them into place, model.json last. Until model.json is renamed the old weights are kept (a hard
 * link, or a copy), so a save that fails at any step restores the previous checkpoint and removes
 * what it wrote.
 */
async function saveDirectory(dir: string, artifacts: ModelArtifacts): Promise<void> {
  const { fs, path } = await node();
  const folder = path.resolve(dir);
  const fail = (action: string, file: string) => (err: unknown) => { throw fileError('save()', action, file, err); };
  await oneAtATime(folder, async () => {
    await fs.mkdir(folder, { recursive: true }).catch(fail('create the folder', folder));
    const weights = path.join(folder, 'weights.bin'), json = path.join(folder, 'model.json');
    const tag = globalThis.crypto.randomUUID().slice(0, 8);
    const [newWeights, newJSON, oldWeights] = ['weights.bin', 'model.json', 'weights.bin.old'].map((name) => path.join(folder, `.${name}.${tag}.tmp`));
    let kept = false, replaced = false;
    try {
      await fs.writeFile(newWeights, new Uint8Array(artifacts.weightData), { flag: 'wx' }).catch(fail('write', newWeights));
      await fs.writeFile(newJSON, JSON.stringify(modelJSON(artifacts, 'weights.bin')), { flag: 'wx' }).catch(fail('write', newJSON));
      kept = await keep(fs, weights, oldWeights);
      await fs.rename(newWeights, weights).catch(fail('replace', weights));
      replaced = true;
      await fs.rename(newJSON, json).catch(fail('replace', json));
    } catch (err) {
      // Put the previous weights back, or take ours out if there were none.
      if (replaced) await (kept ? fs.rename(oldWeights, weights) : fs.rm(weights, { force: true })).catch(() => undefined);
      throw err;
    } finally {
      for (const file of [newWeights, newJSON, oldWeights]) await fs.rm(file, { force: true }).catch(() => undefined);
    }
  });
}

/** Keeps `file` reachable as `backup` (a hard link, else a copy); false if there is no such file. */
async function keep(fs: NodeModules['fs'], file: string, backup: string): Promise<boolean> {
  try {
    await fs.link(file, backup);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    await fs.copyFile(file, backup).catch((e) => { throw fileError('save()', 'keep a copy of', file, e); });
    return true;
  }
}

async function loadDirectory(source: string): Promise<{ artifacts: Parsed; origin: string }> {
  const { fs, path } = await node();
  const file = source.endsWith('.json') ? source : `${source.replace(/\/$/, '')}/model.json`;
  const real = await fs.realpath(file).catch((err) => { throw fileError('loadModel()', 'read model file', file, err); });
  const tooBig = (size: number) => new ValueError(`loadModel(): model file ${file} has ${size} bytes, more than the ${MAX_MODEL_JSON_BYTES} a model.json may have`);
  const text = new TextDecoder().decode(await readRegularFile(fs, real, `model file ${file}`, MAX_MODEL_JSON_BYTES, tooBig));
  const folder = path.dirname(real);
  const inside = folder.endsWith(path.sep) ? folder : folder + path.sep;
  const seen = new Set<string>();
  const artifacts = await fromModelJSON(text, file, async (p, maxBytes) => {
    const joined = path.join(path.dirname(file), p);
    // With symlinks resolved, the file must be in the folder. Missing and outside get one message,
    // so nothing about files outside the folder (whether they exist, their size) gets out.
    const target = await fs.realpath(path.join(folder, p)).catch((err) => err as Error);
    if (typeof target !== 'string' || !target.startsWith(inside)) {
      throw new ValueError(`loadModel() ${file}: cannot read weights file ${joined}: no such file inside the model folder`, { cause: target });
    }
    if (seen.has(target)) throw new ValueError(`loadModel() ${file}: weightsManifest names weights file ${preview(p)} twice (through a symlink)`);
    seen.add(target);
    const label = `weights file ${joined}`;
    return readRegularFile(fs, target, label, maxBytes, (size) => new ShapeError(`loadModel() ${file}: ${label} has ${size} bytes, more than the ${maxBytes} the weightsManifest still needs`));
  });
  return { artifacts, origin: file };
}

/**
 * Reads `file` if it is a regular file of at most maxBytes: it is opened first (not following a
 * last symlink, not blocking on a FIFO), checked on the open handle, and read from it for the
 * size checked, so a file replaced or growing meanwhile cannot make this read more.
 */
async function readRegularFile(fs: NodeModules['fs'], file: string, label: string, maxBytes: number, tooBig: (size: number) => NeuriteError): Promise<Uint8Array> {
  const { O_RDONLY, O_NOFOLLOW = 0, O_NONBLOCK = 0 } = fs.constants;
  const handle = await fs.open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK).catch((err) => { throw fileError('loadModel()', 'read', label, err); });
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new ValueError(`loadModel(): ${label} is not a regular file`);
    if (stat.size > maxBytes) throw tooBig(stat.size);
    const bytes = new Uint8Array(stat.size);
    let got = 0;
    while (got < bytes.length) {
      const { bytesRead } = await handle.read(bytes, got, bytes.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return bytes.subarray(0, got);
  } catch (err) {
    throw err instanceof NeuriteError ? err : fileError('loadModel()', 'read', label, err);
  } finally {
    await handle.close();
  }
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
  let weightData: ArrayBuffer;
  try {
    weightData = fromBase64(get(keys.weightData, false));
  } catch (err) {
    if (err instanceof NeuriteError) throw err;
    throw new ValueError(`loadModel() localstorage://${name}: ${keys.weightData} is not base64: ${(err as Error).message}`, { cause: err });
  }
  return { modelTopology: get(keys.topology, true), weightSpecs: get(keys.weightSpecs, true), weightData, userDefinedMetadata: isObject(metadata) ? metadata.userDefinedMetadata : undefined };
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
  if (json.size > MAX_MODEL_JSON_BYTES) throw new ValueError(`loadModel(): model file ${origin} has ${json.size} bytes, more than the ${MAX_MODEL_JSON_BYTES} a model.json may have`);
  const used = new Set<Blob>();
  const artifacts = await fromModelJSON(await json.text(), origin, async (path, maxBytes) => {
    const base = path.slice(path.lastIndexOf('/') + 1);
    // Blobs have no names: with one weights file, it is the one the manifest means.
    const match = weights.find((f, i) => nameOf(f, i + 1) === base) ?? (weights.length === 1 && !(weights[0] instanceof File) ? weights[0] : undefined);
    if (!match) throw new ValueError(`loadModel() ${origin}: the manifest needs weights file ${describe(base)}, which is not among the files given (${weights.map(nameOf).join(', ') || 'none'})`);
    if (used.has(match)) throw new ValueError(`loadModel() ${origin}: weightsManifest names weights file ${describe(base)} twice`);
    used.add(match);
    if (match.size > maxBytes) throw new ShapeError(`loadModel() ${origin}: weights file ${describe(base)} has ${match.size} bytes, more than the ${maxBytes} the weightsManifest still needs`);
    return new Uint8Array(await match.arrayBuffer());
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

/**
 * Refuses arrays and objects nested deeper than MAX_JSON_DEPTH (cycles included) or holding more
 * than MAX_JSON_VALUES values. It walks with its own stack, so it cannot overflow; after it, the
 * recursive walks of checks and messages (JSON.stringify, String of an array) cannot either.
 */
function checkNesting(value: unknown, what: string, fail: (m: string) => Error): void {
  const stack: [unknown, number, string][] = [[value, 0, what]];
  let count = 0;
  while (stack.length > 0) {
    const [v, depth, path] = stack.pop()!;
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    if (depth >= MAX_JSON_DEPTH) throw fail(`${path} nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep`);
    const entries = Object.entries(v);
    count += entries.length;
    if (count > MAX_JSON_VALUES) throw fail(`${what} holds more than ${MAX_JSON_VALUES} values`);
    // The path names the first levels only, which is where to look.
    for (const [key, child] of entries) stack.push([child, depth + 1, depth < 6 ? `${path}${Array.isArray(v) ? `[${key}]` : `.${key.slice(0, 40)}`}` : path]);
  }
}

/** A loaded value for an error message: its JSON, cut short (describe() for what has none). */
function preview(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // A BigInt or a cycle in in-memory artifacts.
  }
  if (text === undefined) return describe(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
