// Activation functions: the non-linearity a neuron applies to its weighted sum, a = f(z).
// Identifiers are TensorFlow.js's; each maps to a kernel id in assembly/activations.ts.
import { ValueError, checkFloat32, checkKeys, describe } from './errors.js';

export type ActivationIdentifier =
  | 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'relu6' | 'leakyRelu' | 'elu' | 'selu'
  | 'softplus' | 'softsign' | 'hardSigmoid' | 'swish' | 'silu' | 'gelu' | 'mish';

/** An activation with its configuration, as returned by `activations.leakyRelu({ alpha })`. */
export interface Activation {
  readonly name: ActivationIdentifier;
  /** The kernel id in the Wasm core. */
  readonly id: number;
  /** The slope or scale parameter where the function has one (leakyRelu, elu). */
  readonly alpha: number;
}

// Kernel ids; must match the constants in assembly/activations.ts.
const IDS: Record<ActivationIdentifier, number> = {
  linear: 0, relu: 1, sigmoid: 2, tanh: 3, softmax: 4, relu6: 5, leakyRelu: 6, elu: 7, selu: 8,
  softplus: 9, softsign: 10, hardSigmoid: 11, swish: 12, silu: 12, gelu: 13, mish: 14,
};

// Keras spellings accepted as aliases.
const ALIASES: Record<string, ActivationIdentifier> = {
  leaky_relu: 'leakyRelu', hard_sigmoid: 'hardSigmoid', relu_6: 'relu6',
};

function make(name: ActivationIdentifier, alpha = 0): Activation {
  return Object.freeze({ name, id: IDS[name], alpha });
}

/** Factories for activations that take a configuration; the rest are plain strings. */
export const activations = {
  /** f(z) = z for z > 0, alpha·z otherwise (TF.js tf.leakyRelu default alpha 0.2). */
  leakyRelu: (config: { alpha?: number } = {}) => {
    checkKeys(config, ['alpha'], 'activations.leakyRelu()');
    return make('leakyRelu', checkAlpha(config.alpha ?? 0.2, 'leakyRelu'));
  },
  /** f(z) = z for z > 0, alpha·(e^z − 1) otherwise (default alpha 1). */
  elu: (config: { alpha?: number } = {}) => {
    checkKeys(config, ['alpha'], 'activations.elu()');
    return make('elu', checkAlpha(config.alpha ?? 1, 'elu'));
  },
};

function checkAlpha(alpha: number, name: string): number {
  return checkFloat32(alpha, {}, `activations.${name}()`, 'alpha');
}

/** Resolves a name or an Activation object; `where` names the argument for error messages. */
export function getActivation(value: ActivationIdentifier | Activation | undefined | null, where: string): Activation {
  if (value === undefined || value === null) return make('linear');
  // Objects are rebuilt from their name and alpha, so a hand-made one cannot carry a wrong id.
  if (typeof value === 'object' && typeof value.name === 'string' && Object.hasOwn(IDS, value.name)) {
    if (value.name === 'leakyRelu') return activations.leakyRelu({ alpha: value.alpha });
    if (value.name === 'elu') return activations.elu({ alpha: value.alpha });
    return make(value.name);
  }
  if (typeof value === 'string') {
    // Own properties only: a plain object also answers to 'toString' or '__proto__'.
    const name = (Object.hasOwn(IDS, value) ? value : Object.hasOwn(ALIASES, value) ? ALIASES[value] : undefined) as ActivationIdentifier | undefined;
    if (name === 'leakyRelu') return activations.leakyRelu();
    if (name === 'elu') return activations.elu();
    if (name) return make(name);
  }
  throw new ValueError(`${where}: unknown activation ${describe(value)}; expected one of ${Object.keys(IDS).join(', ')}`);
}
