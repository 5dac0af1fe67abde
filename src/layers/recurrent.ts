// What SimpleRNN, LSTM and GRU share: the options (units, activation, useBias, the initializers and
// regularizers of kernel, recurrent_kernel and bias, returnSequences, goBackwards, and the refusals
// of returnState, stateful and unroll), dropout and recurrentDropout, the weights ([features ×
// gates·units], [units × gates·units], [gates·units]), the saved config's common keys, the output
// shape, the regularizers handed to the core, and the reference's loop over rows and steps (each
// layer keeps its cell).
import { getActivation, type Activation, type ActivationIdentifier } from '../activations.js';
import { ValueError, checkBoolean, checkFloat32, checkKeys, describe } from '../errors.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import type { Core } from '../wasm.js';
import { preview } from '../io/json.js';
import { activationConfig, baseArgs, initializerConfig, parseActivation, parseInitializer, parseRegularizer, regularizerConfig } from './config.js';
import { Layer, MAX_WIDTH, type LayerArgs, type LayerWeight, type Shape } from './layer.js';

export interface RecurrentConfig extends LayerArgs {
  /** Size of the state h (the output's last axis). */
  units: number;
  /** Default 'tanh'. */
  activation?: ActivationIdentifier | Activation;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotNormal', as in TF.js. */
  kernelInitializer?: InitializerIdentifier | Initializer;
  /** Default 'orthogonal', as in TF.js. */
  recurrentInitializer?: InitializerIdentifier | Initializer;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier | Initializer;
  kernelRegularizer?: RegularizerIdentifier | Regularizer;
  recurrentRegularizer?: RegularizerIdentifier | Regularizer;
  biasRegularizer?: RegularizerIdentifier | Regularizer;
  /** Every step's output ([timesteps, units]) instead of the last one's. Default false. */
  returnSequences?: boolean;
  /** Read the steps last to first. Default false. */
  goBackwards?: boolean;
  /**
   * Fraction of the inputs dropped in training, in [0, 1) (default 0): one mask per example, kept for
   * all its steps (TF.js's, as Keras's).
   */
  dropout?: number;
  /** Fraction of the state the recurrence reads dropped in training, in [0, 1) (default 0), one mask per example. */
  recurrentDropout?: number;
  /** Only false (the default): not supported. */
  returnState?: boolean;
  stateful?: boolean;
  unroll?: boolean;
}

/** Reads a boolean option (a ValueError if it is not one), or its fallback. */
export type Flag = (key: string, fallback: boolean) => boolean;

/** A layer's own options, read at their places among the common ones (so errors come in the same order). */
export interface RecurrentHooks {
  /** After activation. */
  afterActivation?: () => void;
  /** After useBias. */
  afterUseBias?: (flag: Flag) => void;
  /** After the refusals of returnState, stateful and unroll. */
  afterRefusals?: (flag: Flag) => void;
}

/** A gated layer's recurrentActivation option (default 'hardSigmoid', as TF.js). */
export function parseRecurrentActivation(config: { recurrentActivation?: ActivationIdentifier | Activation }, where: string): Activation {
  return getActivation(config.recurrentActivation ?? 'hardSigmoid', `${where} recurrentActivation`);
}

/** The recurrent activation's saved form: activationConfig's under recurrent_ names. */
export function recurrentActivationConfig(activation: Activation): Record<string, unknown> {
  const { activation: name, neurite_alpha: alpha } = activationConfig(activation);
  return alpha === undefined ? { recurrent_activation: name } : { recurrent_activation: name, neurite_recurrent_alpha: alpha };
}

/**
 * The common options read back from a saved config (Keras's names), after the common refusals and
 * `check`; `gates` gives the options read between activation and the initializers.
 */
export function recurrentArgs(c: Record<string, unknown>, configKeys: string[], check?: () => void, gates?: () => Record<string, unknown>): RecurrentConfig & Record<string, unknown> {
  const args = baseArgs(c, configKeys);
  for (const key of ['activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint']) {
    if (c[key] != null) throw new ValueError(`${key} is not supported, got ${preview(c[key])}`);
  }
  if (c.time_major != null && c.time_major !== false) throw new ValueError(`time_major true is not supported, got ${preview(c.time_major)}`);
  check?.();
  const flag = (key: string) => (c[key] ?? undefined) as boolean | undefined;
  return {
    ...args,
    units: c.units as number,
    activation: parseActivation(c.activation, c.neurite_alpha),
    ...gates?.(),
    useBias: (c.use_bias ?? true) as boolean,
    kernelInitializer: parseInitializer(c.kernel_initializer, 'kernel_initializer'),
    recurrentInitializer: parseInitializer(c.recurrent_initializer, 'recurrent_initializer'),
    biasInitializer: parseInitializer(c.bias_initializer, 'bias_initializer'),
    kernelRegularizer: parseRegularizer(c.kernel_regularizer, 'kernel_regularizer'),
    recurrentRegularizer: parseRegularizer(c.recurrent_regularizer, 'recurrent_regularizer'),
    biasRegularizer: parseRegularizer(c.bias_regularizer, 'bias_regularizer'),
    returnSequences: flag('return_sequences'),
    goBackwards: flag('go_backwards'),
    dropout: (c.dropout ?? undefined) as number | undefined,
    recurrentDropout: (c.recurrent_dropout ?? undefined) as number | undefined,
    returnState: flag('return_state'),
    stateful: flag('stateful'),
    unroll: flag('unroll'),
  };
}

export abstract class RecurrentBase extends Layer {
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | undefined;
  readonly recurrentRegularizer: Regularizer | undefined;
  readonly biasRegularizer: Regularizer | undefined;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;

  /** Blocks of units columns in the kernels and the bias: 1 (SimpleRNN), 4 (LSTM), 3 (GRU). */
  protected abstract readonly gates: number;

  protected constructor(config: RecurrentConfig, where: string, keys: readonly string[], hooks: RecurrentHooks = {}) {
    checkKeys(config, keys, where);
    super(config, where);
    if (!Number.isInteger(config.units) || config.units <= 0 || config.units > MAX_WIDTH) {
      throw new ValueError(`${where}: units must be a positive integer (at most ${MAX_WIDTH}), got ${describe(config.units)}`);
    }
    this.units = config.units;
    this.activation = getActivation(config.activation ?? 'tanh', `${where} activation`);
    hooks.afterActivation?.();
    const options = config as unknown as Record<string, unknown>;
    const flag: Flag = (key, fallback) => {
      const value = options[key];
      return value === undefined ? fallback : checkBoolean(value, where, key);
    };
    this.useBias = flag('useBias', true);
    hooks.afterUseBias?.(flag);
    this.returnSequences = flag('returnSequences', false);
    this.goBackwards = flag('goBackwards', false);
    for (const key of ['returnState', 'stateful', 'unroll'] as const) {
      if (flag(key, false)) throw new ValueError(`${where}: ${key} true is not supported yet`);
    }
    hooks.afterRefusals?.(flag);
    // Rates as the float32 the core holds them.
    this.dropout = config.dropout === undefined ? 0 : checkFloat32(config.dropout, { min: 0, below: 1 }, where, 'dropout');
    this.recurrentDropout = config.recurrentDropout === undefined ? 0 : checkFloat32(config.recurrentDropout, { min: 0, below: 1 }, where, 'recurrentDropout');
    this.kernelInitializer = getInitializer(config.kernelInitializer, 'glorotNormal', `${where} kernelInitializer`);
    this.recurrentInitializer = getInitializer(config.recurrentInitializer, 'orthogonal', `${where} recurrentInitializer`);
    this.biasInitializer = getInitializer(config.biasInitializer, 'zeros', `${where} biasInitializer`);
    this.kernelRegularizer = getRegularizer(config.kernelRegularizer, `${where} kernelRegularizer`);
    this.recurrentRegularizer = getRegularizer(config.recurrentRegularizer, `${where} recurrentRegularizer`);
    this.biasRegularizer = getRegularizer(config.biasRegularizer, `${where} biasRegularizer`);
  }

  /** Whether the core's buffers for these sizes stay within 32-bit sizes. */
  abstract fits(steps: number, features: number, units: number): boolean;

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 2) throw this.shapeError('expected [timesteps, features] examples', inputShape);
    const [steps, features] = inputShape, units = this.units;
    if (!this.fits(steps, features, units)) {
      throw this.shapeError(`${units} units over ${steps} steps of ${features} features would need more than ${MAX_WIDTH} values per example`, inputShape);
    }
    return this.returnSequences ? [steps, units] : [units];
  }

  /** The bias's initializer (LSTM's unitForgetBias changes it). */
  protected biasWeightInitializer(): Initializer {
    return this.biasInitializer;
  }

  override weightSpecs(inputShape: Shape): LayerWeight[] {
    const features = inputShape[inputShape.length - 1], units = this.units, width = this.gates * units;
    const weights: LayerWeight[] = [
      { name: 'kernel', shape: [features, width], initializer: this.kernelInitializer, regularizer: this.kernelRegularizer },
      { name: 'recurrent_kernel', shape: [units, width], initializer: this.recurrentInitializer, regularizer: this.recurrentRegularizer },
    ];
    if (this.useBias) weights.push({ name: 'bias', shape: [width], initializer: this.biasWeightInitializer(), regularizer: this.biasRegularizer });
    return weights;
  }

  /** The layer's own saved keys: after activation, after use_bias, and at the end. */
  protected ownConfig(): { activation?: Record<string, unknown>; bias?: Record<string, unknown>; tail?: Record<string, unknown> } {
    return {};
  }

  getConfig(): Record<string, unknown> {
    const own = this.ownConfig();
    return {
      units: this.units,
      ...activationConfig(this.activation),
      ...own.activation,
      use_bias: this.useBias,
      ...own.bias,
      kernel_initializer: initializerConfig(this.kernelInitializer),
      recurrent_initializer: initializerConfig(this.recurrentInitializer),
      bias_initializer: initializerConfig(this.biasInitializer),
      kernel_regularizer: regularizerConfig(this.kernelRegularizer),
      recurrent_regularizer: regularizerConfig(this.recurrentRegularizer),
      bias_regularizer: regularizerConfig(this.biasRegularizer),
      activity_regularizer: null,
      kernel_constraint: null,
      recurrent_constraint: null,
      bias_constraint: null,
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
      return_sequences: this.returnSequences,
      return_state: false,
      go_backwards: this.goBackwards,
      stateful: false,
      unroll: false,
      ...own.tail,
    };
  }

  /** The activations as describeConfig shows them. */
  protected describeActivations(): string {
    return `activation: ${this.activation.name}`;
  }

  describeConfig(): string {
    const dropout = `${this.dropout ? `, dropout: ${this.dropout}` : ''}${this.recurrentDropout ? `, recurrentDropout: ${this.recurrentDropout}` : ''}`;
    return `${this.describeActivations()}${this.returnSequences ? ', returnSequences' : ''}${this.goBackwards ? ', goBackwards' : ''}${dropout}`;
  }

  /** The kernel, bias and recurrent-kernel regularizers and the dropout rates, as the core takes them. */
  protected planOptions(core: Core, net: number, index: number): void {
    const k = this.kernelRegularizer, r = this.recurrentRegularizer, b = this.biasRegularizer;
    core.net_set_regularizers(net, index, k?.l1 ?? 0, k?.l2 ?? 0, b?.l1 ?? 0, b?.l2 ?? 0);
    core.net_set_recurrent_regularizer(net, index, r?.l1 ?? 0, r?.l2 ?? 0);
    core.net_set_recurrent_dropout(net, index, this.dropout, this.recurrentDropout);
  }

  /**
   * One example's cell, with its state at zero: each call takes the step's x_t (x from `at`,
   * `features` values) and returns the new h.
   */
  protected abstract cell(features: number, weights: Float64Array[]): (x: Float64Array, at: number) => Float64Array;

  // Masks: TF.js's; a recurrent layer uses its input's, and passes it on only with returnSequences.
  override get supportsMasking(): boolean {
    return true;
  }

  override outputMask(inputMasked: boolean): 'input' | undefined {
    return inputMasked && this.returnSequences ? 'input' : undefined;
  }

  reference(x: Float64Array, rows: number, inputShape: Shape, weights: Float64Array[], mask?: Float64Array): { output: Float64Array } {
    const [steps, features] = inputShape, units = this.units;
    const outSteps = this.returnSequences ? steps : 1;
    const output = new Float64Array(rows * outSteps * units);
    for (let r = 0; r < rows; r++) {
      const step = this.cell(features, weights);
      let h: Float64Array = new Float64Array(units);
      for (let s = 0; s < steps; s++) {
        const t = this.goBackwards ? steps - 1 - s : s;
        // A masked step carries the state through: the cell does not run.
        if (!mask || mask[r * steps + t] !== 0) h = step(x, (r * steps + t) * features);
        if (this.returnSequences) output.set(h, (r * steps + s) * units);
      }
      if (!this.returnSequences) output.set(h, r * units);
    }
    return { output };
  }

  override referencePenalty([kernel, recurrent, bias]: Float64Array[]): number {
    const penalty = (w: Float64Array | undefined, r: Regularizer | undefined) => {
      let s = 0;
      if (w && r) for (const v of w) s += r.l1 * Math.abs(v) + r.l2 * v * v;
      return s;
    };
    return penalty(kernel, this.kernelRegularizer) + penalty(recurrent, this.recurrentRegularizer) + penalty(bias, this.biasRegularizer);
  }
}
