// The training setup in the artifacts: the compile config (neurite's own in
// userDefinedMetadata.neurite, and TF.js's trainingConfig where TF.js can express it), and the
// optimizer state saved with includeOptimizer (step, learning rate, random streams, and the
// optimizer's slots as weights of group 'optimizer'), checked when read.
import { ShapeError, ValueError, describe } from '../errors.js';
import { checkSeed } from '../initializers.js';
import { getLoss, losses, type Loss } from '../losses.js';
import type { MetricIdentifier } from '../metrics.js';
import { getOptimizer, isStep, optimizers, stateSlots, type Optimizer } from '../optimizers.js';
import { isSchedule, schedules, type LearningRateSchedule } from '../schedules.js';
import { isObject, preview, snake, wrap } from './json.js';
import type { CompiledState, NeuriteMetadata, OptimizerState, WeightSpec } from './types.js';
import type { Decoded } from './weights.js';

const SLOT_PREFIX = 'neurite_optimizer/slot_';

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * What a compiled model adds to its artifacts: neurite's compile config, and with includeOptimizer
 * the training state and the optimizer's slots (`count` values each), else TF.js's training config.
 */
export function compiledArtifacts(compiled: CompiledState, includeOptimizer: boolean, count: number): {
  compile: NonNullable<NeuriteMetadata['compile']>;
  training?: NeuriteMetadata['training'];
  slots: { spec: WeightSpec; values: Float32Array }[];
  trainingConfig?: Record<string, unknown>;
} {
  const { losses, optimizer, state } = compiled;
  const schedule = isSchedule(optimizer.learningRate) ? { name: optimizer.learningRate.name, config: { ...optimizer.learningRate.config } } : undefined;
  // One output's loss and metrics as they were; several outputs' as lists, one entry per output.
  const saved = losses.map(({ loss }) => ({ name: loss.name, param: loss.param, fromLogits: loss.fromLogits }));
  const several = losses.length > 1;
  const weighted = losses.some((l) => l.weight !== 1);
  const compile = {
    loss: several ? saved : saved[0],
    metrics: several ? state.metrics : state.metrics[0],
    ...(weighted && { lossWeights: losses.map((l) => l.weight) }),
    optimizer: { name: optimizer.name, config: { ...optimizer.config }, ...(schedule && { schedule }) },
  };
  if (!includeOptimizer) {
    // TF.js compiles the model it loads from trainingConfig, and would then take neurite's
    // optimizer slots for its own; so it is written only without them. (TF.js has no loss weights.)
    return { compile, slots: [], trainingConfig: weighted ? undefined : trainingConfigFor(losses, optimizer, state.metrics) };
  }
  const slots: { spec: WeightSpec; values: Float32Array }[] = [];
  for (let k = 0; k * count < state.slots.length; k++) {
    slots.push({ spec: { name: `${SLOT_PREFIX}${k}`, shape: [count], dtype: 'float32', group: 'optimizer' }, values: state.slots.subarray(k * count, (k + 1) * count) });
  }
  return { compile, training: { step: state.step, learningRate: compiled.learningRate, rng: Array.from(state.rng) }, slots };
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

/**
 * TF.js's training config (loss, metrics, optimizer), or undefined if TF.js cannot express it.
 * Several outputs: a loss list and metrics keyed by output name, as TF.js's compile() takes them.
 */
function trainingConfigFor(losses: CompiledState['losses'], optimizer: Optimizer, metrics: string[][]): Record<string, unknown> | undefined {
  const optimizerConfig = tfjsOptimizer(optimizer);
  if (!optimizerConfig || losses.some(({ loss }) => !TFJS_LOSSES.includes(loss.name) || loss.param !== 0 || loss.fromLogits)) return undefined;
  if (losses.length === 1) return { loss: snake(losses[0].loss.name), metrics: metrics[0], optimizer_config: optimizerConfig };
  return {
    loss: losses.map(({ loss }) => snake(loss.name)),
    metrics: Object.fromEntries(losses.map(({ output }, k) => [output, metrics[k]])),
    optimizer_config: optimizerConfig,
  };
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface CompilePlan { loss: Loss | Loss[]; metrics: MetricIdentifier[] | MetricIdentifier[][]; lossWeights?: number[]; optimizer: Optimizer }
export interface TrainingPlan { state: OptimizerState; learningRate: number }

/**
 * Reads userDefinedMetadata.neurite: the seed, the compile config, and the optimizer state if it
 * was saved, checked against the optimizer and the model's `count` parameters.
 */
export function readNeurite(meta: unknown, count: number, tensors: Map<string, Decoded>, fail: (m: string) => Error): { seed: number; compile?: CompilePlan; training?: TrainingPlan } {
  if (!isObject(meta) || meta.version !== 1) throw fail(`userDefinedMetadata.neurite must be neurite's metadata of version 1, got ${describe(isObject(meta) ? meta.version : meta)}`);
  const m = meta as unknown as NeuriteMetadata;
  const seed = wrap('userDefinedMetadata.neurite', fail, () => checkSeed(m.seed, 'seed'));
  if (m.compile === undefined) {
    if (m.training !== undefined) throw fail('userDefinedMetadata.neurite has optimizer state but no compile config');
    return { seed };
  }
  if (!isObject(m.compile)) throw fail(`userDefinedMetadata.neurite.compile must be { loss, metrics, optimizer }, got ${describe(m.compile)}`);
  const compile: CompilePlan = wrap('userDefinedMetadata.neurite.compile', fail, () => {
    const { loss, metrics, optimizer, lossWeights } = m.compile!;
    const several = Array.isArray(loss);
    if (!(several ? loss.length > 0 && loss.every(isObject) : isObject(loss)) || !Array.isArray(metrics) || !isObject(optimizer)) throw new ValueError('expected { loss, metrics, optimizer }');
    if (several && (metrics.length !== loss.length || !metrics.every(Array.isArray))) throw new ValueError(`expected one metrics list per output (${loss.length}), got ${preview(metrics)}`);
    if (lossWeights !== undefined && (!Array.isArray(lossWeights) || lossWeights.length !== (several ? loss.length : 1))) throw new ValueError(`lossWeights must hold one number per output, got ${preview(lossWeights)}`);
    const { schedule } = optimizer;
    if (schedule !== undefined && (!isObject(schedule) || typeof schedule.name !== 'string' || !isObject(schedule.config))) {
      throw new ValueError(`optimizer.schedule must be { name, config }, got ${preview(schedule)}`);
    }
    const opt = schedule ? { ...optimizer.config, learningRate: makeSchedule(schedule.name, schedule.config) } : optimizer.config;
    if (!Object.hasOwn(optimizers, optimizer.name as string)) throw new ValueError(`unknown optimizer ${describe(optimizer.name)}`);
    return {
      loss: several ? loss.map((l) => makeLoss(l as unknown as Record<string, unknown>)) : makeLoss(loss as unknown as Record<string, unknown>),
      metrics: metrics as MetricIdentifier[] | MetricIdentifier[][],
      ...(lossWeights && { lossWeights }),
      optimizer: getOptimizer(optimizers[optimizer.name](opt as never), 'optimizer'),
    };
  });
  if (m.training === undefined) return { seed, compile };
  if (!isObject(m.training)) throw fail(`userDefinedMetadata.neurite.training must be { step, learningRate, rng }, got ${describe(m.training)}`);
  const { step, learningRate, rng } = m.training;
  // A schedule may have brought the rate to 0 (cosineDecay's end): whatever save() writes loads.
  if (!isStep(step) || !Number.isFinite(learningRate) || !(learningRate >= 0) || !Array.isArray(rng) || rng.length !== 8 || !rng.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)) {
    throw fail(`userDefinedMetadata.neurite.training must be { step: an integer in [0, 2^53], learningRate: finite ≥ 0, rng: 8 uint32 }, got ${preview(m.training)}`);
  }
  const slots = optimizerSlots(compile.optimizer, count, tensors, fail);
  const all = new Float32Array(slots.reduce((n, s) => n + s.length, 0));
  slots.forEach((s, k) => all.set(s, k * s.length));
  return { seed, compile, training: { state: { step, slots: all, rng: Uint32Array.from(rng) }, learningRate } };
}

// Each optimizer's state slots in net_update's order (assembly/network.ts), and which ones its
// rule needs non-negative: running squares and maxima go under a square root or divide.
/** The saved optimizer slots, checked: exactly the ones `optimizer` needs, float32, one value per parameter, signs its rule allows. */
function optimizerSlots(optimizer: Optimizer, count: number, tensors: Map<string, Decoded>, fail: (m: string) => Error): Float32Array[] {
  const kinds = stateSlots(optimizer.name, optimizer.config);
  const extra = [...tensors.keys()].filter((name) => name.startsWith(SLOT_PREFIX) && !kinds.some((_, k) => name === `${SLOT_PREFIX}${k}`));
  if (extra.length) throw fail(`weightSpecs lists optimizer slots ${extra.map(preview).join(', ')}, but ${optimizer.name} keeps ${kinds.length}`);
  const slots = kinds.map(({ label, nonNegative }, k) => {
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
  // Centered RMSprop divides by √(ms − mg² + ε): a state with mg² > ms + ε (never reached by
  // training, where ms ≥ mg² by convexity) would make every later step NaN.
  if (optimizer.name === 'rmsprop' && optimizer.config.centered) {
    const [ms, , mg] = slots, epsilon = optimizer.config.epsilon as number;
    const bad = ms.findIndex((s, i) => !(s - mg[i] * mg[i] + epsilon > 0));
    if (bad >= 0) throw fail(`optimizer slots "${SLOT_PREFIX}0" and "${SLOT_PREFIX}2" hold ms = ${ms[bad]} and mg = ${mg[bad]} at index ${bad}; centered rmsprop needs ms − mg² + ε > 0`);
  }
  return slots;
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
