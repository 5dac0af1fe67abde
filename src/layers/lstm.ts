// LSTM: TF.js's LSTMCell over the steps of a [timesteps, features] example,
//   [z_i | z_f | z_c | z_o] = x_t·W + h_{t−1}·U + b,
//   c_t = r(z_f) ⊙ c_{t−1} + r(z_i) ⊙ a(z_c),   h_t = r(z_o) ⊙ a(c_t),   h_0 = c_0 = 0,
// with a the activation (tanh) and r the recurrent activation (hardSigmoid, as TF.js; Keras 2+
// uses sigmoid), the kernel W [features × 4·units], the recurrent kernel U [units × 4·units] and
// the bias b [4·units] in TF.js's gate order i, f, c, o (weights kernel, recurrent_kernel, bias).
// unitForgetBias (false, as TF.js; Keras defaults to true) starts the forget gate's bias at ones.
// The output is the last step's h ([units]), or every step's ([timesteps, units]) with
// returnSequences; goBackwards reads the steps last to first (and, as Keras, returns the sequence
// in that order). Kernels: assembly/layers/lstm.ts.
import { activate } from '../reference.js';
import { getActivation, type Activation, type ActivationIdentifier } from '../activations.js';
import { ValueError, checkKeys, describe } from '../errors.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import type { Core } from '../wasm.js';
import { activationConfig, baseArgs, initializerConfig, parseActivation, parseInitializer, parseRegularizer, regularizerConfig } from './config.js';
import { LAYER_ARG_KEYS, Layer, MAX_WIDTH, type LayerArgs, type LayerWeight, type Shape } from './layer.js';
import { preview } from '../io/json.js';

export interface LSTMConfig extends LayerArgs {
  /** Size of the state h (the output's last axis). */
  units: number;
  /** Default 'tanh'. */
  activation?: ActivationIdentifier | Activation;
  /** The gates' activation (i, f, o). Default 'hardSigmoid', as in TF.js (Keras 2+: 'sigmoid'). */
  recurrentActivation?: ActivationIdentifier | Activation;
  /** Default true. */
  useBias?: boolean;
  /** Start the forget gate's bias at ones (the rest from biasInitializer). Default false, as in TF.js. */
  unitForgetBias?: boolean;
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
}

const KEYS = [
  'units', 'activation', 'recurrentActivation', 'useBias', 'unitForgetBias', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer',
  'kernelRegularizer', 'recurrentRegularizer', 'biasRegularizer', 'returnSequences', 'goBackwards',
  'dropout', 'recurrentDropout', 'returnState', 'stateful', 'unroll', ...LAYER_ARG_KEYS,
];
const CONFIG_KEYS = [
  'units', 'activation', 'neurite_alpha', 'recurrent_activation', 'neurite_recurrent_alpha', 'use_bias', 'unit_forget_bias', 'implementation', 'kernel_initializer', 'recurrent_initializer', 'bias_initializer',
  'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer',
  'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'dropout', 'recurrent_dropout',
  'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'time_major',
];

export class LSTM extends Layer {
  readonly className = 'LSTM';
  readonly units: number;
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  readonly useBias: boolean;
  readonly unitForgetBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | undefined;
  readonly recurrentRegularizer: Regularizer | undefined;
  readonly biasRegularizer: Regularizer | undefined;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;

  constructor(config: LSTMConfig) {
    const where = 'layers.lstm()';
    checkKeys(config, KEYS, where);
    super(config, where);
    if (!Number.isInteger(config.units) || config.units <= 0 || config.units > MAX_WIDTH) {
      throw new ValueError(`${where}: units must be a positive integer (at most ${MAX_WIDTH}), got ${describe(config.units)}`);
    }
    this.units = config.units;
    this.activation = getActivation(config.activation ?? 'tanh', `${where} activation`);
    this.recurrentActivation = getActivation(config.recurrentActivation ?? 'hardSigmoid', `${where} recurrentActivation`);
    const flag = (key: 'useBias' | 'unitForgetBias' | 'returnSequences' | 'goBackwards' | 'returnState' | 'stateful' | 'unroll', fallback: boolean): boolean => {
      const value = config[key];
      if (value !== undefined && typeof value !== 'boolean') throw new ValueError(`${where}: ${key} must be a boolean, got ${describe(value)}`);
      return value ?? fallback;
    };
    this.useBias = flag('useBias', true);
    this.unitForgetBias = flag('unitForgetBias', false);
    this.returnSequences = flag('returnSequences', false);
    this.goBackwards = flag('goBackwards', false);
    for (const key of ['returnState', 'stateful', 'unroll'] as const) {
      if (flag(key, false)) throw new ValueError(`${where}: ${key} true is not supported yet`);
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
    // The backward pass keeps 11 values per step and unit, and dz twice: all within 32-bit sizes.
    if ((3 + 11 * steps) * units > MAX_WIDTH || (features + units + 1) * 4 * units > MAX_WIDTH) {
      throw this.shapeError(`${units} units over ${steps} steps of ${features} features would need more than ${MAX_WIDTH} values per example`, inputShape);
    }
    return this.returnSequences ? [steps, units] : [units];
  }

  override weightSpecs(inputShape: Shape): LayerWeight[] {
    const features = inputShape[inputShape.length - 1], units = this.units;
    const weights: LayerWeight[] = [
      { name: 'kernel', shape: [features, 4 * units], initializer: this.kernelInitializer, regularizer: this.kernelRegularizer },
      { name: 'recurrent_kernel', shape: [units, 4 * units], initializer: this.recurrentInitializer, regularizer: this.recurrentRegularizer },
    ];
    if (this.useBias) {
      const initializer = this.unitForgetBias ? unitForgetBiasInitializer(this.biasInitializer, units) : this.biasInitializer;
      weights.push({ name: 'bias', shape: [4 * units], initializer, regularizer: this.biasRegularizer });
    }
    return weights;
  }

  getConfig(): Record<string, unknown> {
    return {
      units: this.units,
      ...activationConfig(this.activation),
      ...recurrentActivationConfig(this.recurrentActivation),
      use_bias: this.useBias,
      unit_forget_bias: this.unitForgetBias,
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
      implementation: 2,
    };
  }

  static fromConfig(c: Record<string, unknown>): LSTM {
    const args = baseArgs(c, CONFIG_KEYS);
    for (const key of ['activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint']) {
      if (c[key] != null) throw new ValueError(`${key} is not supported, got ${preview(c[key])}`);
    }
    if (c.time_major != null && c.time_major !== false) throw new ValueError(`time_major true is not supported, got ${preview(c.time_major)}`);
    const flag = (key: string) => (c[key] ?? undefined) as boolean | undefined;
    return new LSTM({
      ...args,
      units: c.units as number,
      activation: parseActivation(c.activation, c.neurite_alpha),
      recurrentActivation: c.recurrent_activation == null && c.neurite_recurrent_alpha === undefined ? undefined : parseActivation(c.recurrent_activation, c.neurite_recurrent_alpha),
      useBias: (c.use_bias ?? true) as boolean,
      unitForgetBias: (c.unit_forget_bias ?? undefined) as boolean | undefined,
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
    const a = this.activation, r = this.recurrentActivation;
    core.net_set_lstm(net, index, steps, features, this.units, this.returnSequences, this.goBackwards, a.id, a.alpha, r.id, r.alpha, this.useBias);
    const k = this.kernelRegularizer, u = this.recurrentRegularizer, b = this.biasRegularizer;
    core.net_set_regularizers(net, index, k?.l1 ?? 0, k?.l2 ?? 0, b?.l1 ?? 0, b?.l2 ?? 0);
    core.net_set_recurrent_regularizer(net, index, u?.l1 ?? 0, u?.l2 ?? 0);
  }

  reference(x: Float64Array, rows: number, inputShape: Shape, [kernel, recurrent, bias]: Float64Array[]): { output: Float64Array } {
    const [steps, features] = inputShape, units = this.units, u4 = 4 * units;
    const outSteps = this.returnSequences ? steps : 1;
    const output = new Float64Array(rows * outSteps * units);
    const a = this.activation, ra = this.recurrentActivation;
    const gate = (z: Float64Array, g: number, f: Activation) => activate(f.name, z.subarray(g * units, (g + 1) * units), 1, units, f.alpha);
    for (let r = 0; r < rows; r++) {
      let h = new Float64Array(units), c = new Float64Array(units);
      for (let s = 0; s < steps; s++) {
        const t = this.goBackwards ? steps - 1 - s : s;
        const z = new Float64Array(u4);
        for (let j = 0; j < u4; j++) {
          let v = bias ? bias[j] : 0;
          for (let i = 0; i < features; i++) v += x[(r * steps + t) * features + i] * kernel[i * u4 + j];
          for (let i = 0; i < units; i++) v += h[i] * recurrent[i * u4 + j];
          z[j] = v;
        }
        const gi = gate(z, 0, ra), gf = gate(z, 1, ra), gc = gate(z, 2, a), go = gate(z, 3, ra);
        c = c.map((prev, j) => gf[j] * prev + gi[j] * gc[j]);
        const tc = activate(a.name, c, 1, units, a.alpha);
        h = new Float64Array(units).map((_, j) => go[j] * tc[j]);
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

/** The recurrent activation's saved form: activationConfig's under recurrent_ names. */
function recurrentActivationConfig(activation: Activation): Record<string, unknown> {
  const { activation: name, neurite_alpha: alpha } = activationConfig(activation);
  return alpha === undefined ? { recurrent_activation: name } : { recurrent_activation: name, neurite_recurrent_alpha: alpha };
}

/** TF.js's unitForgetBias bias: biasInitializer's values for i, ones for f, biasInitializer's for c and o. */
function unitForgetBiasInitializer(init: Initializer, units: number): Initializer {
  return {
    name: init.name,
    config: init.config,
    apply(_shape, seed) {
      const out = new Float32Array(4 * units);
      out.set(init.apply([units], seed));
      out.fill(1, units, 2 * units);
      out.set(init.apply([2 * units], seed), 2 * units);
      return out;
    },
  };
}
