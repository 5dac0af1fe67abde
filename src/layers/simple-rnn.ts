// SimpleRNN: a fully connected recurrence over the steps of a [timesteps, features] example,
//   h_t = activation(x_t·W + h_{t−1}·U + b),   h_0 = 0,
// with the kernel W [features × units], the recurrent kernel U [units × units] and the bias b
// [units] (TF.js's weights kernel, recurrent_kernel, bias). The output is the last step's h
// ([units]), or every step's ([timesteps, units]) with returnSequences; goBackwards reads the steps
// last to first (and, as Keras, returns the sequence in that order). Kernels:
// assembly/layers/simple_rnn.ts.
import { activate } from '../reference.js';
import type { Core } from '../wasm.js';
import { LAYER_ARG_KEYS, MAX_WIDTH, type Shape } from './layer.js';
import { RecurrentBase, recurrentArgs, type RecurrentConfig } from './recurrent.js';

export type SimpleRNNConfig = RecurrentConfig;

const KEYS = [
  'units', 'activation', 'useBias', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer',
  'kernelRegularizer', 'recurrentRegularizer', 'biasRegularizer', 'returnSequences', 'goBackwards',
  'dropout', 'recurrentDropout', 'returnState', 'stateful', 'unroll', ...LAYER_ARG_KEYS,
];
const CONFIG_KEYS = [
  'units', 'activation', 'neurite_alpha', 'use_bias', 'kernel_initializer', 'recurrent_initializer', 'bias_initializer',
  'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer', 'activity_regularizer',
  'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'dropout', 'recurrent_dropout',
  'return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll', 'time_major',
];

export class SimpleRNN extends RecurrentBase {
  readonly className = 'SimpleRNN';
  protected readonly gates = 1;

  constructor(config: SimpleRNNConfig) {
    super(config, 'layers.simpleRNN()', KEYS);
  }

  // The backward pass keeps z and h of every step, and dz twice: all within 32-bit sizes.
  fits(steps: number, features: number, units: number): boolean {
    return !((1 + 2 * steps) * units > MAX_WIDTH || (features + units + 1) * units > MAX_WIDTH);
  }

  static fromConfig(c: Record<string, unknown>): SimpleRNN {
    return new SimpleRNN(recurrentArgs(c, CONFIG_KEYS));
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    const [steps, features] = inputShape;
    core.net_set_simple_rnn(net, index, steps, features, this.units, this.returnSequences, this.goBackwards, this.activation.id, this.activation.alpha, this.useBias);
    this.planOptions(core, net, index);
  }

  protected cell(features: number, [kernel, recurrent, bias]: Float64Array[]): (x: Float64Array, at: number) => Float64Array {
    const units = this.units;
    let h: Float64Array = new Float64Array(units);
    return (x, at) => {
      const z = new Float64Array(units);
      for (let j = 0; j < units; j++) {
        let v = bias ? bias[j] : 0;
        for (let i = 0; i < features; i++) v += x[at + i] * kernel[i * units + j];
        for (let i = 0; i < units; i++) v += h[i] * recurrent[i * units + j];
        z[j] = v;
      }
      h = activate(this.activation.name, z, 1, units, this.activation.alpha);
      return h;
    };
  }
}
