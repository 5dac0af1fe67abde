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
import type { Activation, ActivationIdentifier } from '../activations.js';
import type { Initializer } from '../initializers.js';
import type { Core } from '../wasm.js';
import { parseActivation } from './config.js';
import { LAYER_ARG_KEYS, MAX_WIDTH, type Shape } from './layer.js';
import { RecurrentBase, parseRecurrentActivation, recurrentActivationConfig, recurrentArgs, type RecurrentConfig } from './recurrent.js';

export interface LSTMConfig extends RecurrentConfig {
  /** The gates' activation (i, f, o). Default 'hardSigmoid', as in TF.js (Keras 2+: 'sigmoid'). */
  recurrentActivation?: ActivationIdentifier | Activation;
  /** Start the forget gate's bias at ones (the rest from biasInitializer). Default false, as in TF.js. */
  unitForgetBias?: boolean;
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

export class LSTM extends RecurrentBase {
  readonly className = 'LSTM';
  readonly recurrentActivation: Activation;
  readonly unitForgetBias: boolean;
  protected readonly gates = 4;

  constructor(config: LSTMConfig) {
    const where = 'layers.lstm()';
    let recurrentActivation: Activation | undefined, unitForgetBias = false;
    super(config, where, KEYS, {
      afterActivation: () => { recurrentActivation = parseRecurrentActivation(config, where); },
      afterUseBias: (flag) => { unitForgetBias = flag('unitForgetBias', false); },
    });
    this.recurrentActivation = recurrentActivation!;
    this.unitForgetBias = unitForgetBias;
  }

  // The backward pass keeps 11 values per step and unit, and dz twice: all within 32-bit sizes.
  fits(steps: number, features: number, units: number): boolean {
    return !((3 + 11 * steps) * units > MAX_WIDTH || (features + units + 1) * 4 * units > MAX_WIDTH);
  }

  protected override biasWeightInitializer(): Initializer {
    return this.unitForgetBias ? unitForgetBiasInitializer(this.biasInitializer, this.units) : this.biasInitializer;
  }

  protected override ownConfig() {
    return {
      activation: recurrentActivationConfig(this.recurrentActivation),
      bias: { unit_forget_bias: this.unitForgetBias },
      tail: { implementation: 2 },
    };
  }

  static fromConfig(c: Record<string, unknown>): LSTM {
    return new LSTM(recurrentArgs(c, CONFIG_KEYS, undefined, () => ({
      recurrentActivation: c.recurrent_activation == null && c.neurite_recurrent_alpha === undefined ? undefined : parseActivation(c.recurrent_activation, c.neurite_recurrent_alpha),
      unitForgetBias: (c.unit_forget_bias ?? undefined) as boolean | undefined,
    })));
  }

  protected override describeActivations(): string {
    return `activation: ${this.activation.name}, recurrentActivation: ${this.recurrentActivation.name}`;
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    const [steps, features] = inputShape;
    const a = this.activation, r = this.recurrentActivation;
    core.net_set_lstm(net, index, steps, features, this.units, this.returnSequences, this.goBackwards, a.id, a.alpha, r.id, r.alpha, this.useBias);
    this.planOptions(core, net, index);
  }

  protected cell(features: number, [kernel, recurrent, bias]: Float64Array[]): (x: Float64Array, at: number) => Float64Array {
    const units = this.units, u4 = 4 * units;
    const a = this.activation, ra = this.recurrentActivation;
    const gate = (z: Float64Array, g: number, f: Activation) => activate(f.name, z.subarray(g * units, (g + 1) * units), 1, units, f.alpha);
    let h = new Float64Array(units), c = new Float64Array(units);
    return (x, at) => {
      const z = new Float64Array(u4);
      for (let j = 0; j < u4; j++) {
        let v = bias ? bias[j] : 0;
        for (let i = 0; i < features; i++) v += x[at + i] * kernel[i * u4 + j];
        for (let i = 0; i < units; i++) v += h[i] * recurrent[i * u4 + j];
        z[j] = v;
      }
      const gi = gate(z, 0, ra), gf = gate(z, 1, ra), gc = gate(z, 2, a), go = gate(z, 3, ra);
      c = c.map((prev, j) => gf[j] * prev + gi[j] * gc[j]);
      const tc = activate(a.name, c, 1, units, a.alpha);
      h = new Float64Array(units).map((_, j) => go[j] * tc[j]);
      return h;
    };
  }
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
