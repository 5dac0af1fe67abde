// GRU as TF.js computes it: over the steps of a [timesteps, features] example, with the gates in
// TF.js's order z (update), r (reset), h (candidate),
//   z = σ(x_t·W_z + h_{t−1}·U_z + b_z),   r = σ(x_t·W_r + h_{t−1}·U_r + b_r),
//   ĥ = f(x_t·W_h + (r ⊙ h_{t−1})·U_h + b_h),   h_t = z ⊙ h_{t−1} + (1 − z) ⊙ ĥ,   h_0 = 0,
// (the reset gate applied before the recurrent kernel: TF.js has no resetAfter), with σ the
// recurrentActivation ('hardSigmoid' by default, as TF.js), f the activation ('tanh'), the kernel W
// [features × 3·units], the recurrent kernel U [units × 3·units] and the bias b [3·units] (TF.js's
// weights kernel, recurrent_kernel, bias, each gate a block of units columns). The output is the
// last step's h ([units]), or every step's ([timesteps, units]) with returnSequences; goBackwards
// reads the steps last to first (and, as Keras, returns the sequence in that order). Kernels:
// assembly/layers/gru.ts.
import { activate } from '../reference.js';
import { getActivation, type Activation, type ActivationIdentifier } from '../activations.js';
import { ValueError, checkKeys, describe } from '../errors.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import type { Core } from '../wasm.js';
import { activationConfig, baseArgs, initializerConfig, parseActivation, parseInitializer, parseRegularizer, regularizerConfig } from './config.js';
import { LAYER_ARG_KEYS, Layer, MAX_WIDTH, type LayerArgs, type LayerWeight, type Shape } from './layer.js';
import { preview } from '../io/json.js';

export interface GRUConfig extends LayerArgs {
  /** Size of the state h (the output's last axis). */
  units: number;
  /** Default 'tanh'. */
  activation?: ActivationIdentifier | Activation;
  /** The gates' activation. Default 'hardSigmoid', as in TF.js (Keras 2+: 'sigmoid'). */
  recurrentActivation?: ActivationIdentifier | Activation;
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
  /** Only 0 (the default): dropout inside the recurrence is not supported yet. */
  dropout?: number;
  recurrentDropout?: number;
  /** Only false (the default): not supported. */
  returnState?: boolean;
  stateful?: boolean;
  unroll?: boolean;
  /** Only false (the default), as TF.js: the reset gate is applied before the recurrent kernel. */
  resetAfter?: boolean;
  /** Accepted and ignored, as TF.js does (it always computes the same way). */
  implementation?: number;
}

const KEYS = [
  'units', 'activation', 'recurrentActivation', 'useBias', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer',
  'kernelRegularizer', 'recurrentRegularizer', 'biasRegularizer', 'returnSequences', 'goBackwards',
  'dropout', 'recurrentDropout', 'returnState', 'stateful', 'unroll', 'resetAfter', 'implementation', ...LAYER_ARG_KEYS,
];
const CONFIG_KEYS = [
  'units', 'activation', 'neurite_alpha', 'recurrent_activation', 'neurite_recurrent_alpha', 'use_bias', 'kernel_initializer', 'recurrent_initializer', 'bias_initializer',
  'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer',
  'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'dropout', 'recurrent_dropout',
  'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'time_major',
  'implementation', 'reset_after',
];

// The recurrent activation as TF.js saves it (recurrent_activation; neurite's own parameterized
// activations keep their parameter beside it, as activation does with neurite_alpha).
function recurrentActivationConfig(activation: Activation): Record<string, unknown> {
  const { activation: name, neurite_alpha: alpha } = activationConfig(activation);
  return alpha === undefined ? { recurrent_activation: name } : { recurrent_activation: name, neurite_recurrent_alpha: alpha };
}

export class GRU extends Layer {
  readonly className = 'GRU';
  readonly units: number;
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | undefined;
  readonly recurrentRegularizer: Regularizer | undefined;
  readonly biasRegularizer: Regularizer | undefined;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;

  constructor(config: GRUConfig) {
    const where = 'layers.gru()';
    checkKeys(config, KEYS, where);
    super(config, where);
    if (!Number.isInteger(config.units) || config.units <= 0 || config.units > MAX_WIDTH) {
      throw new ValueError(`${where}: units must be a positive integer (at most ${MAX_WIDTH}), got ${describe(config.units)}`);
    }
    this.units = config.units;
    this.activation = getActivation(config.activation ?? 'tanh', `${where} activation`);
    this.recurrentActivation = getActivation(config.recurrentActivation ?? 'hardSigmoid', `${where} recurrentActivation`);
    const flag = (key: 'useBias' | 'returnSequences' | 'goBackwards' | 'returnState' | 'stateful' | 'unroll' | 'resetAfter', fallback: boolean): boolean => {
      const value = config[key];
      if (value !== undefined && typeof value !== 'boolean') throw new ValueError(`${where}: ${key} must be a boolean, got ${describe(value)}`);
      return value ?? fallback;
    };
    this.useBias = flag('useBias', true);
    this.returnSequences = flag('returnSequences', false);
    this.goBackwards = flag('goBackwards', false);
    for (const key of ['returnState', 'stateful', 'unroll'] as const) {
      if (flag(key, false)) throw new ValueError(`${where}: ${key} true is not supported yet`);
    }
    if (flag('resetAfter', false)) throw new ValueError(`${where}: resetAfter true is not supported (TF.js's GRU has only resetAfter false)`);
    if (config.implementation !== undefined && config.implementation !== null && ![0, 1, 2].includes(config.implementation)) {
      throw new ValueError(`${where}: implementation must be 1 or 2, got ${describe(config.implementation)}`);
    }
    for (const key of ['dropout', 'recurrentDropout'] as const) {
      const value = config[key];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw new ValueError(`${where}: ${key} must be a number in [0, 1), got ${describe(value)}`);
      if (value > 0) throw new ValueError(`${where}: ${key} > 0 is not supported yet, got ${value}`);
    }
    this.kernelInitializer = getInitializer(config.kernelInitializer, 'glorotNormal', `${where} kernelInitializer`);
    this.recurrentInitializer = getInitializer(config.recurrentInitializer, 'orthogonal', `${where} recurrentInitializer`);
    this.biasInitializer = getInitializer(config.biasInitializer, 'zeros', `${where} biasInitializer`);
    this.kernelRegularizer = getRegularizer(config.kernelRegularizer, `${where} kernelRegularizer`);
    this.recurrentRegularizer = getRegularizer(config.recurrentRegularizer, `${where} recurrentRegularizer`);
    this.biasRegularizer = getRegularizer(config.biasRegularizer, `${where} biasRegularizer`);
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 2) throw this.shapeError('expected [timesteps, features] examples', inputShape);
    const [steps, features] = inputShape, units = this.units;
    // The backward pass keeps 8 values a unit a step, and 6 more in scratch: all within 32-bit sizes.
    if ((2 + 8 * steps) * units > MAX_WIDTH || (features + units + 1) * 3 * units > MAX_WIDTH) {
      throw this.shapeError(`${units} units over ${steps} steps of ${features} features would need more than ${MAX_WIDTH} values per example`, inputShape);
    }
    return this.returnSequences ? [steps, units] : [units];
  }

  override weightSpecs(inputShape: Shape): LayerWeight[] {
    const features = inputShape[inputShape.length - 1], units = this.units;
    const weights: LayerWeight[] = [
      { name: 'kernel', shape: [features, 3 * units], initializer: this.kernelInitializer, regularizer: this.kernelRegularizer },
      { name: 'recurrent_kernel', shape: [units, 3 * units], initializer: this.recurrentInitializer, regularizer: this.recurrentRegularizer },
    ];
    if (this.useBias) weights.push({ name: 'bias', shape: [3 * units], initializer: this.biasInitializer, regularizer: this.biasRegularizer });
    return weights;
  }

  getConfig(): Record<string, unknown> {
    return {
      units: this.units,
      ...activationConfig(this.activation),
      ...recurrentActivationConfig(this.recurrentActivation),
      use_bias: this.useBias,
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
      dropout: 0,
      recurrent_dropout: 0,
      return_sequences: this.returnSequences,
      return_state: false,
      go_backwards: this.goBackwards,
      stateful: false,
      unroll: false,
      implementation: null,
      reset_after: false,
    };
  }

  static fromConfig(c: Record<string, unknown>): GRU {
    const args = baseArgs(c, CONFIG_KEYS);
    for (const key of ['activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint']) {
      if (c[key] != null) throw new ValueError(`${key} is not supported, got ${preview(c[key])}`);
    }
    if (c.time_major != null && c.time_major !== false) throw new ValueError(`time_major true is not supported, got ${preview(c.time_major)}`);
    if (c.reset_after != null && c.reset_after !== false) throw new ValueError(`reset_after true is not supported (TF.js's GRU has only reset_after false), got ${preview(c.reset_after)}`);
    const flag = (key: string) => (c[key] ?? undefined) as boolean | undefined;
    return new GRU({
      ...args,
      units: c.units as number,
      activation: parseActivation(c.activation, c.neurite_alpha),
      recurrentActivation: c.recurrent_activation == null ? undefined : parseActivation(c.recurrent_activation, c.neurite_recurrent_alpha),
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
    });
  }

  describeConfig(): string {
    return `activation: ${this.activation.name}, recurrentActivation: ${this.recurrentActivation.name}${this.returnSequences ? ', returnSequences' : ''}${this.goBackwards ? ', goBackwards' : ''}`;
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    const [steps, features] = inputShape;
    const f = this.activation, g = this.recurrentActivation;
    core.net_set_gru(net, index, steps, features, this.units, this.returnSequences, this.goBackwards, f.id, f.alpha, g.id, g.alpha, this.useBias);
    const k = this.kernelRegularizer, r = this.recurrentRegularizer, b = this.biasRegularizer;
    core.net_set_regularizers(net, index, k?.l1 ?? 0, k?.l2 ?? 0, b?.l1 ?? 0, b?.l2 ?? 0);
    core.net_set_recurrent_regularizer(net, index, r?.l1 ?? 0, r?.l2 ?? 0);
  }

  reference(x: Float64Array, rows: number, inputShape: Shape, [kernel, recurrent, bias]: Float64Array[]): { output: Float64Array } {
    const [steps, features] = inputShape, units = this.units, u3 = 3 * units;
    const outSteps = this.returnSequences ? steps : 1;
    const output = new Float64Array(rows * outSteps * units);
    const f = this.activation, g = this.recurrentActivation;
    for (let r = 0; r < rows; r++) {
      let h: Float64Array = new Float64Array(units);
      for (let s = 0; s < steps; s++) {
        const t = this.goBackwards ? steps - 1 - s : s;
        // x·W + b for the three gates, then h·U for z and r.
        const a = new Float64Array(u3);
        for (let j = 0; j < u3; j++) {
          let v = bias ? bias[j] : 0;
          for (let i = 0; i < features; i++) v += x[(r * steps + t) * features + i] * kernel[i * u3 + j];
          if (j < 2 * units) for (let i = 0; i < units; i++) v += h[i] * recurrent[i * u3 + j];
          a[j] = v;
        }
        const z = activate(g.name, a.slice(0, units), 1, units, g.alpha);
        const rg = activate(g.name, a.slice(units, 2 * units), 1, units, g.alpha);
        const ah = a.slice(2 * units);
        for (let j = 0; j < units; j++) for (let i = 0; i < units; i++) ah[j] += rg[i] * h[i] * recurrent[i * u3 + 2 * units + j];
        const hh = activate(f.name, ah, 1, units, f.alpha);
        const next = new Float64Array(units);
        for (let j = 0; j < units; j++) next[j] = z[j] * h[j] + (1 - z[j]) * hh[j];
        h = next;
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
