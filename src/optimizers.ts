// Optimizers: how gradients turn into weight updates. The learning rate is how far each update
// moves the weights along the negative gradient: too small crawls, too large diverges. Defaults
// and update rules are TensorFlow.js's (Keras's for adamw and amsgrad, which TF.js lacks); the
// rules run in assembly/optimizers.ts over the model's flat parameter buffer.
import { ValueError, checkBoolean, checkFloat32, checkKeys, describe } from './errors.js';
import { isSchedule, type LearningRateSchedule } from './schedules.js';

export type OptimizerIdentifier = 'sgd' | 'adam' | 'rmsprop' | 'adagrad' | 'adadelta' | 'adamax' | 'adamw';

export interface Optimizer {
  readonly name: OptimizerIdentifier;
  /** A fixed rate, or a schedule evaluated at every step. */
  readonly learningRate: number | LearningRateSchedule;
  /** The hyperparameters as given or defaulted, by their TF.js / Keras names. */
  readonly config: Readonly<Record<string, number | boolean>>;
  /** How the Wasm core runs it: rule id, parameters by slot, flags. */
  readonly kernel: Readonly<{ id: number; slots: number; p1: number; p2: number; epsilon: number; p3: number; flags: number; clipNorm: number; clipValue: number }>;
}

// Rule ids and flags; must match assembly/optimizers.ts and assembly/network.ts.
const IDS: Record<OptimizerIdentifier, number> = { sgd: 0, adam: 1, rmsprop: 2, adagrad: 3, adadelta: 4, adamax: 5, adamw: 6 };
const NESTEROV = 1, CENTERED = 2, AMSGRAD = 4;

/** Gradient clipping, accepted by every optimizer. */
export interface ClipConfig {
  /** Scale all gradients together so their global L2 norm is at most this. */
  clipNorm?: number;
  /** Clip every gradient into [−clipValue, clipValue]. */
  clipValue?: number;
}

type Spec = Record<string, { default: number | boolean; check: 'positive' | 'fraction' | 'nonNegative' | 'boolean' }>;

// Hyperparameters of each optimizer with their defaults.
const SPECS: Record<OptimizerIdentifier, Spec> = {
  sgd: { learningRate: { default: 0.01, check: 'positive' }, momentum: { default: 0, check: 'fraction' }, nesterov: { default: false, check: 'boolean' } },
  adam: {
    learningRate: { default: 0.001, check: 'positive' }, beta1: { default: 0.9, check: 'fraction' }, beta2: { default: 0.999, check: 'fraction' },
    epsilon: { default: 1e-7, check: 'positive' }, amsgrad: { default: false, check: 'boolean' },
  },
  rmsprop: {
    learningRate: { default: 0.001, check: 'positive' }, rho: { default: 0.9, check: 'fraction' }, momentum: { default: 0, check: 'fraction' },
    epsilon: { default: 1e-7, check: 'positive' }, centered: { default: false, check: 'boolean' },
  },
  adagrad: { learningRate: { default: 0.01, check: 'positive' }, initialAccumulatorValue: { default: 0.1, check: 'nonNegative' }, epsilon: { default: 1e-7, check: 'positive' } },
  adadelta: { learningRate: { default: 0.001, check: 'positive' }, rho: { default: 0.95, check: 'fraction' }, epsilon: { default: 1e-7, check: 'positive' } },
  adamax: {
    learningRate: { default: 0.002, check: 'positive' }, beta1: { default: 0.9, check: 'fraction' }, beta2: { default: 0.999, check: 'fraction' },
    epsilon: { default: 1e-7, check: 'positive' }, decay: { default: 0, check: 'nonNegative' },
  },
  adamw: {
    learningRate: { default: 0.001, check: 'positive' }, weightDecay: { default: 0.004, check: 'nonNegative' }, beta1: { default: 0.9, check: 'fraction' },
    beta2: { default: 0.999, check: 'fraction' }, epsilon: { default: 1e-7, check: 'positive' }, amsgrad: { default: false, check: 'boolean' },
  },
};

function checkValue(value: unknown, check: Spec[string]['check'], where: string, key: string): number | boolean {
  if (check === 'boolean') {
    return checkBoolean(value, where, key);
  }
  // The core holds every hyperparameter as a float32: the bounds apply to that value.
  return checkFloat32(value, check === 'positive' ? { above: 0 } : check === 'nonNegative' ? { min: 0 } : { min: 0, below: 1 }, where, key);
}

function create(name: OptimizerIdentifier, given: object): Optimizer {
  let options = given as Record<string, unknown>;
  const where = `optimizers.${name}()`;
  const spec = SPECS[name];
  // TF.js calls rmsprop's rho `decay`; both spellings work.
  if (name === 'rmsprop' && options.decay !== undefined) {
    if (options.rho !== undefined) throw new ValueError(`${where}: give rho or decay, not both`);
    options = { ...options, rho: options.decay };
    delete options.decay;
  }
  checkKeys(options, [...Object.keys(spec), 'clipNorm', 'clipValue'], where);
  const config: Record<string, number | boolean> = {};
  let learningRate: number | LearningRateSchedule = spec.learningRate.default as number;
  for (const [key, { default: fallback, check }] of Object.entries(spec)) {
    const value = options[key] ?? fallback;
    if (key === 'learningRate' && isSchedule(value)) {
      learningRate = value;
      continue;
    }
    config[key] = checkValue(value, check, where, key);
    if (key === 'learningRate') learningRate = config[key] as number;
  }
  const clipNorm = options.clipNorm === undefined ? 0 : (checkValue(options.clipNorm, 'positive', where, 'clipNorm') as number);
  const clipValue = options.clipValue === undefined ? 0 : (checkValue(options.clipValue, 'positive', where, 'clipValue') as number);
  if (clipNorm) config.clipNorm = clipNorm;
  if (clipValue) config.clipValue = clipValue;
  const c = config as Record<string, number> & Record<string, boolean>;
  const flags = (c.nesterov ? NESTEROV : 0) | (c.centered ? CENTERED : 0) | (c.amsgrad ? AMSGRAD : 0);
  const kernel = {
    sgd: { p1: c.momentum, p2: 0, epsilon: 0, p3: 0 },
    adam: { p1: c.beta1, p2: c.beta2, epsilon: c.epsilon, p3: 0 },
    rmsprop: { p1: c.rho, p2: c.momentum, epsilon: c.epsilon, p3: 0 },
    adagrad: { p1: 0, p2: 0, epsilon: c.epsilon, p3: c.initialAccumulatorValue },
    adadelta: { p1: c.rho, p2: 0, epsilon: c.epsilon, p3: 0 },
    adamax: { p1: c.beta1, p2: c.beta2, epsilon: c.epsilon, p3: c.decay },
    adamw: { p1: c.beta1, p2: c.beta2, epsilon: c.epsilon, p3: c.weightDecay },
  }[name];
  const slots = stateSlots(name, config).length;
  return Object.freeze({
    name,
    learningRate,
    config: Object.freeze(config),
    kernel: Object.freeze({ id: IDS[name], slots, ...kernel, flags, clipNorm, clipValue }),
  });
}

type Rate = { learningRate?: number | LearningRateSchedule } & ClipConfig;

export const optimizers = {
  /** θ ← θ − lr·g; with momentum, a velocity accumulates gradients (Nesterov looks ahead). */
  sgd: (config: Rate & { momentum?: number; nesterov?: boolean } = {}) => create('sgd', config),
  /** Per-weight steps from running means of the gradient and its square (Kingma & Ba). */
  adam: (config: Rate & { beta1?: number; beta2?: number; epsilon?: number; amsgrad?: boolean } = {}) => create('adam', config),
  /** Steps divided by a running root mean square of the gradient. */
  rmsprop: (config: Rate & { rho?: number; decay?: number; momentum?: number; epsilon?: number; centered?: boolean } = {}) => create('rmsprop', config),
  /** Steps divided by the root of all squared gradients so far. */
  adagrad: (config: Rate & { initialAccumulatorValue?: number; epsilon?: number } = {}) => create('adagrad', config),
  /** Steps scaled by the ratio of running update and gradient magnitudes. */
  adadelta: (config: Rate & { rho?: number; epsilon?: number } = {}) => create('adadelta', config),
  /** Adam with the infinity norm in place of the second moment. */
  adamax: (config: Rate & { beta1?: number; beta2?: number; epsilon?: number; decay?: number } = {}) => create('adamax', config),
  /** Adam with decoupled weight decay (Loshchilov & Hutter). */
  adamw: (config: Rate & { weightDecay?: number; beta1?: number; beta2?: number; epsilon?: number; amsgrad?: boolean } = {}) => create('adamw', config),
};

/**
 * The optimizer's state buffers, one value per parameter each, in the order the core keeps them
 * (assembly/network.ts), with whether the rule keeps each one non-negative.
 */
export function stateSlots(name: OptimizerIdentifier, config: Readonly<Record<string, number | boolean>>): { label: string; nonNegative: boolean }[] {
  const any = (label: string) => ({ label, nonNegative: false });
  const positive = (label: string) => ({ label, nonNegative: true });
  switch (name) {
    case 'sgd': return (config.momentum as number) > 0 ? [any('momentum')] : [];
    case 'adam': case 'adamw': return [any('first moment m'), positive('second moment v'), ...(config.amsgrad ? [positive('amsgrad maximum vmax')] : [])];
    case 'rmsprop': return [positive('mean square ms'), any('momentum'), ...(config.centered ? [any('mean gradient mg')] : [])];
    case 'adagrad': return [positive('accumulator')];
    case 'adadelta': return [positive('gradient accumulator'), positive('update accumulator')];
    case 'adamax': return [any('first moment m'), positive('infinity norm u')];
  }
}

/**
 * A step count as the core keeps it: a float64 integer, exact up to 2^53, where it stays (Adam's
 * bias corrections are exactly 1 long before).
 */
export function isStep(step: unknown): step is number {
  return typeof step === 'number' && Number.isInteger(step) && step >= 0 && step <= 2 ** 53;
}

export function getOptimizer(value: unknown, where: string): Optimizer {
  if (typeof value === 'string' && Object.hasOwn(optimizers, value)) return optimizers[value as OptimizerIdentifier]();
  if (typeof value === 'object' && value !== null && Object.hasOwn(optimizers, (value as Optimizer).name) && typeof (value as Optimizer).config === 'object') {
    // Rebuilt from its name and configuration, so a hand-made object is validated like any other.
    const { name, config, learningRate } = value as Optimizer;
    return optimizers[name]({ ...config, learningRate } as never);
  }
  throw new ValueError(`${where}: unknown optimizer ${describe(value)}; expected one of ${Object.keys(optimizers).join(', ')}, or an object from optimizers.*()`);
}
