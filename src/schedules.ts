// Learning-rate schedules: the learning rate as a function of the optimizer step. A large rate
// early covers ground; a smaller one later settles into a minimum. Names and formulas are Keras's
// (TF.js has none); `step` counts updates already made, from 0.
import { NeuriteError, ValueError, checkFloat32, checkKeys, describe } from './errors.js';

export interface LearningRateSchedule {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** The learning rate for the update after `step` updates. */
  at(step: number): number;
}

function positive(value: unknown, where: string, what: string, allowZero = false): number {
  return checkFloat32(value, allowZero ? { min: 0 } : { above: 0 }, where, what);
}

function schedule(name: string, config: Record<string, unknown>, at: (step: number) => number): LearningRateSchedule {
  return Object.freeze({ name, config: Object.freeze({ ...config }), at });
}

export interface ExponentialDecayConfig {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Decay in whole intervals of decaySteps rather than continuously (default false). */
  staircase?: boolean;
}

export interface CosineDecayConfig {
  initialLearningRate: number;
  /** Steps over which the rate falls from its peak to alpha × peak. */
  decaySteps: number;
  /** Floor of the decay as a fraction of the peak (default 0). */
  alpha?: number;
  /** Steps of linear warmup before the decay starts (default 0). */
  warmupSteps?: number;
  /** The peak the warmup climbs to (default: no warmup, the peak is initialLearningRate). */
  warmupTarget?: number;
}

export const schedules = {
  /** initialLearningRate · decayRate^(step / decaySteps). */
  exponentialDecay(config: ExponentialDecayConfig): LearningRateSchedule {
    const where = 'schedules.exponentialDecay()';
    checkKeys(config, ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase'], where);
    const lr = positive(config.initialLearningRate, where, 'initialLearningRate');
    const steps = positive(config.decaySteps, where, 'decaySteps');
    const rate = positive(config.decayRate, where, 'decayRate');
    const staircase = config.staircase ?? false;
    return schedule('exponentialDecay', { ...config, staircase }, (step) => {
      const p = step / steps;
      return lr * rate ** (staircase ? Math.floor(p) : p);
    });
  },

  /** Multiply by `factor` every `stepSize` steps: exponentialDecay with staircase. */
  stepDecay(config: { initialLearningRate: number; stepSize: number; factor: number }): LearningRateSchedule {
    checkKeys(config, ['initialLearningRate', 'stepSize', 'factor'], 'schedules.stepDecay()');
    const inner = schedules.exponentialDecay({
      initialLearningRate: config.initialLearningRate, decaySteps: config.stepSize, decayRate: config.factor, staircase: true,
    });
    return schedule('stepDecay', config, inner.at);
  },

  /** values[0] up to boundaries[0] steps, values[1] up to boundaries[1], ..., values[n] after. */
  piecewiseConstantDecay(config: { boundaries: number[]; values: number[] }): LearningRateSchedule {
    const where = 'schedules.piecewiseConstantDecay()';
    checkKeys(config, ['boundaries', 'values'], where);
    const { boundaries, values } = config;
    if (!Array.isArray(boundaries) || !Array.isArray(values) || values.length !== boundaries.length + 1) {
      throw new ValueError(`${where}: values must have one more entry than boundaries, got ${describe(values)} and ${describe(boundaries)}`);
    }
    boundaries.forEach((b, i) => {
      positive(b, where, `boundaries[${i}]`, true);
      if (i > 0 && b <= boundaries[i - 1]) throw new ValueError(`${where}: boundaries must increase, got ${JSON.stringify(boundaries)}`);
    });
    values.forEach((v, i) => positive(v, where, `values[${i}]`));
    return schedule('piecewiseConstantDecay', config, (step) => {
      let i = 0;
      while (i < boundaries.length && step > boundaries[i]) i++;
      return values[i];
    });
  },

  /** Optional linear warmup, then a half cosine from the peak down to alpha × peak. */
  cosineDecay(config: CosineDecayConfig): LearningRateSchedule {
    const where = 'schedules.cosineDecay()';
    checkKeys(config, ['initialLearningRate', 'decaySteps', 'alpha', 'warmupSteps', 'warmupTarget'], where);
    // With a warmup the climb may start from 0.
    const lr = positive(config.initialLearningRate, where, 'initialLearningRate', config.warmupTarget !== undefined);
    const steps = positive(config.decaySteps, where, 'decaySteps');
    const alpha = positive(config.alpha ?? 0, where, 'alpha', true);
    if (alpha > 1) throw new ValueError(`${where}: alpha must be in [0, 1], got ${alpha}`);
    const warmup = positive(config.warmupSteps ?? 0, where, 'warmupSteps', true);
    const peak = config.warmupTarget === undefined ? lr : positive(config.warmupTarget, where, 'warmupTarget');
    return schedule('cosineDecay', { ...config, alpha, warmupSteps: warmup }, (step) => {
      if (step < warmup) return lr + ((peak - lr) * step) / warmup;
      const progress = Math.min(step - warmup, steps) / steps;
      return peak * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * progress)) + alpha);
    });
  },

  /** The same rate at every step. */
  constant(learningRate: number): LearningRateSchedule {
    const lr = positive(learningRate, 'schedules.constant()', 'learningRate');
    return schedule('constant', { learningRate: lr }, () => lr);
  },
};

export function isSchedule(value: unknown): value is LearningRateSchedule {
  // Arrays have an `at` method too: a schedule is one of the objects made here.
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as LearningRateSchedule).at === 'function'
    && typeof (value as LearningRateSchedule).name === 'string';
}

/** A schedule's rate at `step`, checked every time it is read: a number ≥ 0 that float32 holds. */
export function scheduledRate(schedule: LearningRateSchedule, step: number): number {
  let rate: unknown;
  try {
    rate = schedule.at(step);
  } catch (error) {
    if (error instanceof NeuriteError) throw error;
    throw new ValueError(`the learning-rate schedule ${describe(schedule.name)} threw at step ${step}: ${error instanceof Error ? error.message : describe(error)}`);
  }
  return checkFloat32(rate, { min: 0 }, `the learning-rate schedule ${describe(schedule.name)} at step ${step}`, 'the rate');
}
