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
import type { Activation, ActivationIdentifier } from '../activations.js';
import { ValueError, describe } from '../errors.js';
import type { Core } from '../wasm.js';
import { preview } from '../io/json.js';
import { parseActivation } from './config.js';
import { LAYER_ARG_KEYS, MAX_WIDTH, type Shape } from './layer.js';
import { RecurrentBase, parseRecurrentActivation, recurrentActivationConfig, recurrentArgs, type RecurrentConfig } from './recurrent.js';

export interface GRUConfig extends RecurrentConfig {
  /** The gates' activation. Default 'hardSigmoid', as in TF.js (Keras 2+: 'sigmoid'). */
  recurrentActivation?: ActivationIdentifier | Activation;
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

export class GRU extends RecurrentBase {
  readonly className = 'GRU';
  readonly recurrentActivation: Activation;
  protected readonly gates = 3;

  constructor(config: GRUConfig) {
    const where = 'layers.gru()';
    let recurrentActivation: Activation | undefined;
    super(config, where, KEYS, {
      afterActivation: () => { recurrentActivation = parseRecurrentActivation(config, where); },
      afterRefusals: (flag) => {
        if (flag('resetAfter', false)) throw new ValueError(`${where}: resetAfter true is not supported (TF.js's GRU has only resetAfter false)`);
        if (config.implementation !== undefined && config.implementation !== null && ![0, 1, 2].includes(config.implementation)) {
          throw new ValueError(`${where}: implementation must be 1 or 2, got ${describe(config.implementation)}`);
        }
      },
    });
    this.recurrentActivation = recurrentActivation!;
  }

  // The backward pass keeps 8 values a unit a step, and 6 more in scratch: all within 32-bit sizes.
  fits(steps: number, features: number, units: number): boolean {
    return !((2 + 8 * steps) * units > MAX_WIDTH || (features + units + 1) * 3 * units > MAX_WIDTH);
  }

  protected override ownConfig() {
    return {
      activation: recurrentActivationConfig(this.recurrentActivation),
      tail: { implementation: null, reset_after: false },
    };
  }

  static fromConfig(c: Record<string, unknown>): GRU {
    const check = () => {
      if (c.reset_after != null && c.reset_after !== false) throw new ValueError(`reset_after true is not supported (TF.js's GRU has only reset_after false), got ${preview(c.reset_after)}`);
    };
    return new GRU(recurrentArgs(c, CONFIG_KEYS, check, () => ({
      recurrentActivation: c.recurrent_activation == null ? undefined : parseActivation(c.recurrent_activation, c.neurite_recurrent_alpha),
    })));
  }

  protected override describeActivations(): string {
    return `activation: ${this.activation.name}, recurrentActivation: ${this.recurrentActivation.name}`;
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    const [steps, features] = inputShape;
    const f = this.activation, g = this.recurrentActivation;
    core.net_set_gru(net, index, steps, features, this.units, this.returnSequences, this.goBackwards, f.id, f.alpha, g.id, g.alpha, this.useBias);
    this.planOptions(core, net, index);
  }

  protected cell(features: number, [kernel, recurrent, bias]: Float64Array[]): (x: Float64Array, at: number) => Float64Array {
    const units = this.units, u3 = 3 * units;
    const f = this.activation, g = this.recurrentActivation;
    let h: Float64Array = new Float64Array(units);
    return (x, at) => {
      // x·W + b for the three gates, then h·U for z and r.
      const a = new Float64Array(u3);
      for (let j = 0; j < u3; j++) {
        let v = bias ? bias[j] : 0;
        for (let i = 0; i < features; i++) v += x[at + i] * kernel[i * u3 + j];
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
      return h;
    };
  }
}
