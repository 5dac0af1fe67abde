// Callbacks: code that runs at points of fit(), to watch training or steer it. Plain objects with
// any of the hooks work; earlyStopping and reduceLROnPlateau are the two Keras built-ins that
// steer, with Keras's names and defaults.
import { ValueError, checkBoolean, checkFloat32, checkKeys, describe } from './errors.js';

export type Logs = Record<string, number>;

/** The model as callbacks see it. */
export interface TrainingModel {
  stopTraining: boolean;
  learningRate: number;
  /** Whether a learning-rate schedule sets the rate (then it cannot be set by hand). */
  readonly hasSchedule: boolean;
  getWeights(): Float32Array[];
  setWeights(weights: ArrayLike<number>[]): void;
}

export interface Callback {
  /** Called by fit() before training, with the model being trained. */
  setModel?: (model: TrainingModel) => void;
  onTrainBegin?: (logs: Logs) => void | Promise<void>;
  onTrainEnd?: (logs: Logs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs: Logs) => void | Promise<void>;
  onBatchBegin?: (batch: number, logs: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs: Logs) => void | Promise<void>;
}

export const CALLBACK_KEYS = ['setModel', 'onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'];

/** The hooks a callback may have, setModel aside. */
export type Hook = Exclude<keyof Callback, 'setModel'>;
export const HOOKS: readonly Hook[] = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'];

/**
 * Checks fit()'s `callbacks` option (one callback or a list) and returns the list: objects whose
 * keys are hooks and whose values are functions.
 */
export function callbackList(value: unknown, where: string): Callback[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  list.forEach((cb, i) => {
    const at = Array.isArray(value) ? `${where} callbacks[${i}]` : `${where} callbacks`;
    // A factory passed uncalled (earlyStopping instead of earlyStopping()) is the usual slip.
    // (Told by its name, not compared with the factories: that would bundle them into every app.)
    if (typeof cb === 'function') {
      const name = typeof cb.name === 'string' && /^\w+$/.test(cb.name) ? cb.name : undefined;
      throw new ValueError(`${at}: got ${name ? `the function ${name}` : 'a function'}, not a callback; call a factory to make one (${name ?? 'earlyStopping'}(), say) or pass an object of hooks, e.g. { onEpochEnd: (epoch, logs) => ... }`);
    }
    checkKeys(cb, CALLBACK_KEYS, at);
    for (const [key, fn] of Object.entries(cb as object)) {
      if (typeof fn !== 'function') throw new ValueError(`${at}.${key} must be a function, got ${describe(fn)}`);
    }
  });
  return list as Callback[];
}

/**
 * A built-in callback as data: which factory made it and the options it was given. Its hooks are
 * functions, which cannot cross to a worker; this can, and the worker builds the same callback.
 */
export type BuiltinSpec =
  | { kind: 'earlyStopping'; config: EarlyStoppingConfig }
  | { kind: 'reduceLROnPlateau'; config: ReduceLROnPlateauConfig };

// Filled by the factories; a WeakMap, so the callbacks themselves stay plain objects of hooks.
const builtins = new WeakMap<Callback, BuiltinSpec>();

/** The spec of a callback earlyStopping() or reduceLROnPlateau() made, or undefined for any other. */
export function builtinSpec(callback: Callback): BuiltinSpec | undefined {
  return builtins.get(callback);
}

/** Builds the callback a spec describes (in a worker, from what builtinSpec gave on the main thread). */
export function fromSpec(spec: BuiltinSpec): Callback {
  if (spec.kind === 'earlyStopping') return earlyStopping(spec.config);
  if (spec.kind === 'reduceLROnPlateau') return reduceLROnPlateau(spec.config);
  throw new ValueError(`unknown built-in callback ${describe((spec as { kind: unknown }).kind)}`);
}

type Mode = 'auto' | 'min' | 'max';

interface MonitorConfig {
  /** The log to watch (default 'val_loss'). */
  monitor?: string;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Whether smaller or larger is better; 'auto' decides from the name (default). */
  mode?: Mode;
}

/** Tracks the best value of one log entry across epochs. */
class Monitor {
  readonly key: string;
  private readonly minDelta: number;
  private readonly sign: number;
  best: number;

  constructor(config: MonitorConfig, where: string) {
    this.key = config.monitor ?? 'val_loss';
    if (typeof this.key !== 'string') throw new ValueError(`${where}: monitor must be a log name, got ${describe(this.key)}`);
    const minDelta = config.minDelta ?? 0;
    if (typeof minDelta !== 'number' || !(minDelta >= 0) || !Number.isFinite(minDelta)) throw new ValueError(`${where}: minDelta must be a non-negative finite number, got ${describe(minDelta)}`);
    this.minDelta = minDelta;
    const mode = config.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(mode)) throw new ValueError(`${where}: mode must be auto, min or max, got ${describe(mode)}`);
    // Accuracies, precision and recall grow as the model improves; losses and errors shrink.
    const larger = mode === 'max' || (mode === 'auto' && /acc|precision|recall/.test(this.key));
    this.sign = larger ? -1 : 1;
    this.best = Infinity;
  }

  /** Reads the monitored value; a missing key is an error naming the keys there are. */
  read(logs: Logs, where: string): number {
    const value = logs[this.key];
    if (value === undefined) throw new ValueError(`${where}: monitor ${JSON.stringify(this.key)} is not in the logs (${Object.keys(logs).join(', ')}); ${missingCause(this.key, logs)}`);
    return this.sign * value;
  }

  /** True when `value` (from read) beats the best by more than minDelta; then it becomes the best. */
  improves(value: number): boolean {
    if (value < this.best - this.minDelta) {
      this.best = value;
      return true;
    }
    return false;
  }
}

export interface EarlyStoppingConfig extends MonitorConfig {
  /** Epochs without improvement after which training stops (default 0); as TF.js and Keras, 0 and 1 both stop at the first. */
  patience?: number;
  /** A value the monitor must beat; training stops if it does not within `patience` epochs. */
  baseline?: number;
  /** At the end of training, go back to the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
}

/** Stops training when the monitored log has stopped improving. */
export function earlyStopping(config: EarlyStoppingConfig = {}): Callback {
  const where = 'earlyStopping()';
  checkKeys(config, ['monitor', 'minDelta', 'mode', 'patience', 'baseline', 'restoreBestWeights'], where);
  const patience = count(config.patience ?? 0, where, 'patience');
  const restore = checkBoolean(config.restoreBestWeights ?? false, where, 'restoreBestWeights');
  if (config.baseline !== undefined && (typeof config.baseline !== 'number' || !Number.isFinite(config.baseline))) {
    throw new ValueError(`${where}: baseline must be a finite number, got ${describe(config.baseline)}`);
  }
  let model: TrainingModel;
  let monitor = new Monitor(config, where); // built here too, so a bad config fails at once
  let wait = 0, bestWeights: Float32Array[] | undefined;
  const callback: Callback = {
    setModel: (m) => { model = m; },
    onTrainBegin: () => {
      monitor = new Monitor(config, where);
      if (config.baseline !== undefined) monitor.best = monitor.read({ [monitor.key]: config.baseline }, where);
      wait = 0;
      bestWeights = undefined;
    },
    onEpochEnd: (_epoch, logs) => {
      if (monitor.improves(monitor.read(logs, where))) {
        wait = 0;
        if (restore) bestWeights = model.getWeights();
      } else if (++wait >= patience) {
        // As TF.js and Keras: the patience-th epoch without improvement is the last (so patience
        // 0 and 1 both stop at the first such epoch).
        model.stopTraining = true;
      }
    },
    onTrainEnd: () => {
      if (restore && bestWeights) model.setWeights(bestWeights);
    },
  };
  // The options as read now (all primitives), for a worker to build the same callback.
  builtins.set(callback, { kind: 'earlyStopping', config: snapshot(config) });
  return callback;
}

function snapshot<T extends object>(config: T): T {
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as T;
}

export interface ReduceLROnPlateauConfig extends MonitorConfig {
  /** Multiply the learning rate by this when the monitor stalls (default 0.1). */
  factor?: number;
  /** Epochs without improvement before reducing (default 10). */
  patience?: number;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound on the learning rate (default 0). */
  minLr?: number;
}

/** Reduces the learning rate when the monitored log has stopped improving. */
export function reduceLROnPlateau(config: ReduceLROnPlateauConfig = {}): Callback {
  const where = 'reduceLROnPlateau()';
  checkKeys(config, ['monitor', 'minDelta', 'mode', 'factor', 'patience', 'cooldown', 'minLr'], where);
  const factor = config.factor ?? 0.1;
  if (typeof factor !== 'number' || !(factor > 0 && factor < 1)) throw new ValueError(`${where}: factor must be in (0, 1), got ${describe(factor)}`);
  const patience = count(config.patience ?? 10, where, 'patience');
  const cooldown = count(config.cooldown ?? 0, where, 'cooldown');
  // The rate never goes below the smallest positive normal float32: past it, it would underflow to
  // 0 in the core, which no optimizer can train with. A rate at its floor stays there.
  const minLr = Math.max(checkFloat32(config.minLr ?? 0, { min: 0 }, where, 'minLr'), MIN_NORMAL_FLOAT32);
  let model: TrainingModel;
  let monitor = new Monitor({ minDelta: 1e-4, ...config }, where), wait = 0, coolingDown = 0;
  const callback: Callback = {
    setModel: (m) => { model = m; },
    onTrainBegin: () => {
      if (model.hasSchedule) throw new ValueError(`${where}: the optimizer's learning rate follows a schedule, which this callback cannot change; use one or the other`);
      monitor = new Monitor({ minDelta: 1e-4, ...config }, where);
      wait = 0;
      coolingDown = 0;
    },
    onEpochEnd: (_epoch, logs) => {
      const value = monitor.read(logs, where);
      if (coolingDown > 0) coolingDown--;
      if (monitor.improves(value)) {
        wait = 0;
      } else if (coolingDown === 0 && ++wait >= patience) {
        if (model.learningRate > minLr) model.learningRate = Math.max(model.learningRate * factor, minLr);
        coolingDown = cooldown;
        wait = 0;
      }
    },
  };
  builtins.set(callback, { kind: 'reduceLROnPlateau', config: snapshot(config) });
  return callback;
}

/** Why a monitored key is missing: no validation at all, or no metric of that name. */
function missingCause(key: string, logs: Logs): string {
  const keys = Object.keys(logs);
  const validating = keys.some((k) => k.startsWith('val_'));
  if (key.startsWith('val_') && !validating) return 'it needs validation data: pass validationSplit or validationData to fit(), or monitor a training log such as \'loss\'';
  const name = key.replace(/^val_/, '');
  const logged = keys.filter((k) => k !== 'lr' && !k.startsWith('val_') && k !== 'loss');
  const metrics = logged.length ? `the compiled metrics log as ${logged.join(', ')}` : 'no metrics are compiled';
  const hint = /^acc(uracy)?$/.test(name) ? `compile with metrics: ['accuracy'] to log ${key}` : `compile with metrics: [${JSON.stringify(name)}] if neurite has that metric`;
  return `${metrics}: monitor one of the logs, or ${hint}`;
}

const MIN_NORMAL_FLOAT32 = 2 ** -126;

function count(value: unknown, where: string, key: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ValueError(`${where}: ${key} must be a non-negative integer, got ${describe(value)}`);
  }
  return value;
}

export const callbacks = { earlyStopping, reduceLROnPlateau };
