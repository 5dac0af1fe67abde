// LayerNormalization over the last axis (axis −1, TF.js's and Keras's default): each row of the
// last axis is normalized by its own mean and (biased) variance, in training and in inference
// alike, then scaled by gamma and shifted by beta (per channel). No state: nothing but gamma and
// beta, saved and loaded in Keras's order (gamma, beta).
// Kernels: assembly/layers/layer_normalization.ts.
import { ValueError, checkBoolean, checkFloat32, checkKeys, describe } from '../errors.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import type { Core } from '../wasm.js';
import { preview } from '../io/json.js';
import { baseArgs, initializerConfig, parseInitializer, parseRegularizer, regularizerConfig } from './config.js';
import { LAYER_ARG_KEYS, Layer, sizeOf, type LayerArgs, type LayerWeight, type Shape } from './layer.js';

export interface LayerNormalizationConfig extends LayerArgs {
  /**
   * The axis normalized over: only the last, −1 (or its index counting the batch axis, or a
   * one-element array of either, as Keras and TF.js save it).
   */
  axis?: number | number[];
  /** Added to the variance before its square root (default 1e-3). */
  epsilon?: number;
  /** Learn beta, a shift (default true). */
  center?: boolean;
  /** Learn gamma, a scale (default true). */
  scale?: boolean;
  betaInitializer?: InitializerIdentifier | Initializer;
  gammaInitializer?: InitializerIdentifier | Initializer;
  betaRegularizer?: RegularizerIdentifier | Regularizer;
  gammaRegularizer?: RegularizerIdentifier | Regularizer;
}

const KEYS = ['axis', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'betaRegularizer', 'gammaRegularizer', ...LAYER_ARG_KEYS];
const CONFIG_KEYS = ['axis', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint'];

export class LayerNormalization extends Layer {
  readonly className = 'LayerNormalization';
  /** A mask passes through it (TF.js's supportsMasking). */
  override get supportsMasking(): boolean {
    return true;
  }
  /** −1, or the last axis's index counting the batch axis (checked against the input's rank). */
  readonly axis: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInitializer: Initializer;
  readonly gammaInitializer: Initializer;
  readonly betaRegularizer: Regularizer | undefined;
  readonly gammaRegularizer: Regularizer | undefined;

  constructor(config: LayerNormalizationConfig = {}) {
    const where = 'layers.layerNormalization()';
    checkKeys(config, KEYS, where);
    super(config, where);
    const axis = Array.isArray(config.axis) && config.axis.length === 1 ? config.axis[0] : config.axis ?? -1;
    if (axis !== -1 && !(Number.isInteger(axis) && (axis as number) > 0)) {
      throw new ValueError(`${where}: axis must be -1 (the last axis), got ${describe(config.axis)}`);
    }
    this.axis = axis as number;
    this.epsilon = checkFloat32(config.epsilon ?? 1e-3, { above: 0 }, where, 'epsilon');
    for (const key of ['center', 'scale'] as const) {
      if (config[key] !== undefined) checkBoolean(config[key], where, key);
    }
    this.center = config.center ?? true;
    this.scale = config.scale ?? true;
    this.betaInitializer = getInitializer(config.betaInitializer, 'zeros', `${where} betaInitializer`);
    this.gammaInitializer = getInitializer(config.gammaInitializer, 'ones', `${where} gammaInitializer`);
    this.betaRegularizer = getRegularizer(config.betaRegularizer, `${where} betaRegularizer`);
    this.gammaRegularizer = getRegularizer(config.gammaRegularizer, `${where} gammaRegularizer`);
  }

  computeOutputShape(inputShape: Shape): Shape {
    // A positive axis counts the batch axis: the last one is inputShape.length.
    if (this.axis !== -1 && this.axis !== inputShape.length) {
      throw new ValueError(`layers.layerNormalization(): axis must be the last axis (-1 or ${inputShape.length} for input [null,${inputShape.join(',')}]), got ${this.axis}`);
    }
    return inputShape;
  }

  override weightSpecs(inputShape: Shape): LayerWeight[] {
    const shape = [inputShape[inputShape.length - 1]];
    const weights: LayerWeight[] = [];
    if (this.scale) weights.push({ name: 'gamma', shape, initializer: this.gammaInitializer, regularizer: this.gammaRegularizer });
    if (this.center) weights.push({ name: 'beta', shape, initializer: this.betaInitializer, regularizer: this.betaRegularizer });
    return weights;
  }

  getConfig(): Record<string, unknown> {
    return {
      axis: this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: initializerConfig(this.betaInitializer),
      gamma_initializer: initializerConfig(this.gammaInitializer),
      beta_regularizer: regularizerConfig(this.betaRegularizer),
      gamma_regularizer: regularizerConfig(this.gammaRegularizer),
    };
  }

  static fromConfig(c: Record<string, unknown>): LayerNormalization {
    const args = baseArgs(c, CONFIG_KEYS);
    for (const key of ['beta_constraint', 'gamma_constraint']) {
      if (c[key] != null) throw new ValueError(`${key} is not supported, got ${preview(c[key])}`);
    }
    // TF.js and Keras write axis as a list of the positive index of the last axis (after building),
    // or as given (-1).
    const axis = Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : c.axis;
    return new LayerNormalization({
      ...args,
      axis: axis === undefined || axis === null ? -1 : (axis as number),
      epsilon: c.epsilon as number | undefined,
      center: c.center as boolean | undefined,
      scale: c.scale as boolean | undefined,
      betaInitializer: parseInitializer(c.beta_initializer, 'beta_initializer'),
      gammaInitializer: parseInitializer(c.gamma_initializer, 'gamma_initializer'),
      betaRegularizer: parseRegularizer(c.beta_regularizer, 'beta_regularizer'),
      gammaRegularizer: parseRegularizer(c.gamma_regularizer, 'gamma_regularizer'),
    });
  }

  describeConfig(): string {
    return `epsilon: ${this.epsilon}`;
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    const channels = inputShape[inputShape.length - 1];
    core.net_set_layer_normalization(net, index, sizeOf(inputShape) / channels, channels, this.epsilon, this.scale, this.center);
    // gamma and beta take the kernel's and the bias's places in the core.
    const g = this.gammaRegularizer, b = this.betaRegularizer;
    core.net_set_regularizers(net, index, g?.l1 ?? 0, g?.l2 ?? 0, b?.l1 ?? 0, b?.l2 ?? 0);
  }

  /** y = γ·(x − μ)/√(σ² + ε) + β with each row's own mean μ and biased variance σ², in float64. */
  reference(x: Float64Array, rows: number, inputShape: Shape, weights: Float64Array[]): { output: Float64Array } {
    const channels = inputShape[inputShape.length - 1];
    let k = 0;
    const gamma = this.scale ? weights[k++] : undefined, beta = this.center ? weights[k++] : undefined;
    const out = new Float64Array(x.length);
    const epsilon = Math.fround(this.epsilon);
    for (let start = 0; start < x.length; start += channels) {
      let mean = 0;
      for (let c = 0; c < channels; c++) mean += x[start + c];
      mean /= channels;
      let variance = 0;
      for (let c = 0; c < channels; c++) variance += (x[start + c] - mean) ** 2;
      variance /= channels;
      const std = Math.sqrt(variance + epsilon);
      for (let c = 0; c < channels; c++) {
        out[start + c] = (gamma ? gamma[c] : 1) * (x[start + c] - mean) / std + (beta ? beta[c] : 0);
      }
    }
    void rows;
    return { output: out };
  }

  override referencePenalty(weights: Float64Array[]): number {
    let k = 0, total = 0;
    const penalty = (w: Float64Array, r: Regularizer | undefined) => {
      if (r) for (const v of w) total += r.l1 * Math.abs(v) + r.l2 * v * v;
    };
    if (this.scale) penalty(weights[k++], this.gammaRegularizer);
    if (this.center) penalty(weights[k++], this.betaRegularizer);
    return total;
  }
}
