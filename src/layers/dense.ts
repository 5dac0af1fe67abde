// Dense: `units` neurons that each see every value of the input's last axis,
//   z_j = Σ_i x_i·w_ij + b_j,   a_j = activation(z_j),
// with the kernel w [inputs × units] (row-major, as Keras and TF.js) and the bias b [units]. On
// input of more axes ([T, F]) it applies to each of the T rows, as Keras does. Kernels:
// assembly/layers/dense.ts.
import { activate } from '../reference.js';
import { getActivation, type Activation, type ActivationIdentifier } from '../activations.js';
import { ValueError, checkBoolean, checkKeys, describe } from '../errors.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import type { Core } from '../wasm.js';
import { activationConfig, baseArgs, initializerConfig, parseActivation, parseInitializer, parseRegularizer, regularizerConfig } from './config.js';
import { LAYER_ARG_KEYS, Layer, MAX_WIDTH, sizeOf, type LayerArgs, type LayerWeight, type Shape } from './layer.js';
import { preview } from '../io/json.js';

export interface DenseConfig extends LayerArgs {
  /** Number of neurons (the output's last axis). */
  units: number;
  /** Default 'linear'. */
  activation?: ActivationIdentifier | Activation;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotNormal', as in TF.js. */
  kernelInitializer?: InitializerIdentifier | Initializer;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier | Initializer;
  /** Penalty on the kernel added to the loss: 'l1', 'l2', 'l1l2' or regularizers.l2({ l2 }). */
  kernelRegularizer?: RegularizerIdentifier | Regularizer;
  biasRegularizer?: RegularizerIdentifier | Regularizer;
}

const KEYS = ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', ...LAYER_ARG_KEYS];
const CONFIG_KEYS = ['units', 'activation', 'neurite_alpha', 'use_bias', 'kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'];


export class Dense extends Layer {
  readonly className = 'Dense';
  /** A mask passes through it (TF.js's supportsMasking). */
  override get supportsMasking(): boolean {
    return true;
  }
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | undefined;
  readonly biasRegularizer: Regularizer | undefined;

  constructor(config: DenseConfig) {
    const where = 'layers.dense()';
    checkKeys(config, KEYS, where);
    super(config, where);
    // Sizes reach the core as 32-bit integers: anything larger is refused here, not wrapped there.
    if (!Number.isInteger(config.units) || config.units <= 0 || config.units > MAX_WIDTH) {
      throw new ValueError(`${where}: units must be a positive integer (at most ${MAX_WIDTH}), got ${describe(config.units)}`);
    }
    this.units = config.units;
    this.activation = getActivation(config.activation, `${where} activation`);
    if (config.useBias !== undefined) checkBoolean(config.useBias, where, 'useBias');
    this.useBias = config.useBias ?? true;
    this.kernelInitializer = getInitializer(config.kernelInitializer, 'glorotNormal', `${where} kernelInitializer`);
    this.biasInitializer = getInitializer(config.biasInitializer, 'zeros', `${where} biasInitializer`);
    this.kernelRegularizer = getRegularizer(config.kernelRegularizer, `${where} kernelRegularizer`);
    this.biasRegularizer = getRegularizer(config.biasRegularizer, `${where} biasRegularizer`);
  }

  computeOutputShape(inputShape: Shape): Shape {
    const outputShape = [...inputShape.slice(0, -1), this.units];
    if (sizeOf(outputShape) > MAX_WIDTH) throw this.shapeError(`${this.units} units on every row would make more than ${MAX_WIDTH} values per example`, inputShape);
    return outputShape;
  }

  override weightSpecs(inputShape: Shape): LayerWeight[] {
    const inputs = inputShape[inputShape.length - 1];
    const weights: LayerWeight[] = [{ name: 'kernel', shape: [inputs, this.units], initializer: this.kernelInitializer, regularizer: this.kernelRegularizer }];
    if (this.useBias) weights.push({ name: 'bias', shape: [this.units], initializer: this.biasInitializer, regularizer: this.biasRegularizer });
    return weights;
  }

  getConfig(): Record<string, unknown> {
    return {
      units: this.units,
      ...activationConfig(this.activation),
      use_bias: this.useBias,
      kernel_initializer: initializerConfig(this.kernelInitializer),
      bias_initializer: initializerConfig(this.biasInitializer),
      kernel_regularizer: regularizerConfig(this.kernelRegularizer),
      bias_regularizer: regularizerConfig(this.biasRegularizer),
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    };
  }

  static fromConfig(c: Record<string, unknown>): Dense {
    const args = baseArgs(c, CONFIG_KEYS);
    for (const key of ['activity_regularizer', 'kernel_constraint', 'bias_constraint']) {
      if (c[key] != null) throw new ValueError(`${key} is not supported, got ${preview(c[key])}`);
    }
    return new Dense({
      ...args,
      units: c.units as number,
      activation: parseActivation(c.activation, c.neurite_alpha),
      useBias: (c.use_bias ?? true) as boolean,
      kernelInitializer: parseInitializer(c.kernel_initializer, 'kernel_initializer'),
      biasInitializer: parseInitializer(c.bias_initializer, 'bias_initializer'),
      kernelRegularizer: parseRegularizer(c.kernel_regularizer, 'kernel_regularizer'),
      biasRegularizer: parseRegularizer(c.bias_regularizer, 'bias_regularizer'),
    });
  }

  describeConfig(): string {
    return `activation: ${this.activation.name}`;
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    const inputs = inputShape[inputShape.length - 1];
    core.net_set_dense(net, index, sizeOf(inputShape) / inputs, inputs, this.units, this.activation.id, this.activation.alpha, this.useBias);
    const k = this.kernelRegularizer, b = this.biasRegularizer;
    core.net_set_regularizers(net, index, k?.l1 ?? 0, k?.l2 ?? 0, b?.l1 ?? 0, b?.l2 ?? 0);
  }

  reference(x: Float64Array, rows: number, inputShape: Shape, [kernel, bias]: Float64Array[]): { output: Float64Array; logits: Float64Array } {
    const inputs = inputShape[inputShape.length - 1], units = this.units;
    const n = rows * (sizeOf(inputShape) / inputs);
    const z = new Float64Array(n * units);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < units; j++) {
        let s = bias ? bias[j] : 0;
        for (let i = 0; i < inputs; i++) s += x[r * inputs + i] * kernel[i * units + j];
        z[r * units + j] = s;
      }
    }
    return { output: activate(this.activation.name, z, n, units, this.activation.alpha), logits: z };
  }

  override referencePenalty([kernel, bias]: Float64Array[]): number {
    const penalty = (w: Float64Array | undefined, r: Regularizer | undefined) => {
      let s = 0;
      if (w && r) for (const v of w) s += r.l1 * Math.abs(v) + r.l2 * v * v;
      return s;
    };
    return penalty(kernel, this.kernelRegularizer) + penalty(bias, this.biasRegularizer);
  }
}


