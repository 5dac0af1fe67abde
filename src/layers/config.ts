// The Keras configs of what layers hold (activations, initializers, regularizers), written as
// tfjs-layers writes them and read back: the pieces each layer's getConfig() / fromConfig() use.
import { activations, getActivation, type Activation, type ActivationIdentifier } from '../activations.js';
import { ValueError, checkKeys, describe } from '../errors.js';
import { initializers, type Initializer } from '../initializers.js';
import { regularizers, type Regularizer } from '../regularizers.js';
import { isObject, preview, snake } from '../io/json.js';
import type { LayerArgs } from './layer.js';

// TF.js's activation strings are its identifiers, but for hard_sigmoid. leakyRelu (any alpha) and
// elu with alpha ≠ 1 have none; they get a name TF.js rejects as unknown, rather than one it would
// load with the wrong alpha, and neurite reads the alpha from neurite_alpha.
export function activationConfig(activation: Activation): Record<string, unknown> {
  if (activation.name === 'leakyRelu' || (activation.name === 'elu' && activation.alpha !== 1)) {
    return { activation: `neurite_${activation.name}`, neurite_alpha: activation.alpha };
  }
  const names: Partial<Record<ActivationIdentifier, string>> = { hardSigmoid: 'hard_sigmoid', silu: 'swish' };
  return { activation: names[activation.name] ?? activation.name };
}

const SNAKE_FAN: Record<string, string> = { fanIn: 'fan_in', fanOut: 'fan_out', fanAvg: 'fan_avg' };

export function initializerConfig(init: Initializer): { class_name: string; config: Record<string, unknown> } {
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

export function regularizerConfig(r: Regularizer | undefined): unknown {
  return r ? { class_name: 'L1L2', config: { l1: r.l1, l2: r.l2 } } : null;
}

// TF.js's activation strings; neurite's alias table already reads hard_sigmoid.
const TFJS_ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'selu', 'softplus', 'softsign', 'sigmoid', 'hard_sigmoid', 'hardSigmoid', 'tanh', 'softmax', 'swish', 'mish', 'gelu'];

export function parseActivation(name: unknown, alpha: unknown): Activation {
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

export function parseInitializer(value: unknown, key: string): Initializer | undefined {
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

export function parseRegularizer(value: unknown, key: string): Regularizer | undefined {
  if (value === null || value === undefined) return undefined;
  if (!isObject(value) || !['L1L2', 'L1', 'L2'].includes(value.class_name as string) || !isObject(value.config)) {
    throw new ValueError(`${key}: unsupported regularizer ${preview(value)}; expected L1L2, L1 or L2`);
  }
  const l1 = (value.config.l1 ?? 0) as number, l2 = (value.config.l2 ?? 0) as number;
  if (l1 === 0 && l2 === 0) return undefined;
  return l2 === 0 ? regularizers.l1({ l1 }) : l1 === 0 ? regularizers.l2({ l2 }) : regularizers.l1l2({ l1, l2 });
}


// ---------------------------------------------------------------------------------------------
// The keys every layer's config has.

export const BASE_CONFIG_KEYS = ['name', 'trainable', 'batch_input_shape', 'input_dim', 'dtype', 'batch_size'];

/** name, trainable and (on the first layer) the input shape, as tfjs-layers writes them. */
export function baseConfig(name: string | undefined, trainable: boolean, inputShape: readonly number[] | undefined): Record<string, unknown> {
  return { name, trainable, ...(inputShape && { batch_input_shape: [null, ...inputShape], dtype: 'float32' }) };
}

/** The LayerArgs of a config's common keys, checked; `keys` are the layer's own. */
export function baseArgs(c: Record<string, unknown>, keys: readonly string[]): LayerArgs {
  checkKeys(c, [...keys, ...BASE_CONFIG_KEYS], 'config');
  if (c.dtype !== undefined && c.dtype !== null && c.dtype !== 'float32') throw new ValueError(`dtype ${preview(c.dtype)} is not supported; neurite computes in float32`);
  const args: LayerArgs = { name: c.name as string | undefined };
  if (c.trainable !== undefined) args.trainable = c.trainable as boolean;
  if (c.batch_input_shape !== undefined && c.batch_input_shape !== null) args.batchInputShape = c.batch_input_shape as (number | null)[];
  else if (c.input_dim !== undefined && c.input_dim !== null) args.inputDim = c.input_dim as number;
  return args;
}
