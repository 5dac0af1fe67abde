// BatchNormalization over the last axis (axis −1, TF.js's and Keras's default): each channel is
// normalized by the batch's mean and variance in training, by the moving ones in predict and
// evaluate, then scaled by gamma and shifted by beta. The moving mean and variance are weights that
// do not train: the forward pass updates them (m ← m − (m − batch)·(1 − momentum)), and they are
// saved and loaded with the others in Keras's order (gamma, beta, moving_mean, moving_variance).
// A frozen batchNormalization (trainable: false) runs in inference mode, as in Keras 2.
// Kernels: assembly/layers/batch_normalization.ts.
import { ValueError, checkBoolean, checkFloat32, checkKeys, describe } from '../errors.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import type { Core } from '../wasm.js';
import { preview } from '../io/json.js';
import { baseArgs, initializerConfig, parseInitializer, parseRegularizer, regularizerConfig } from './config.js';
import { LAYER_ARG_KEYS, Layer, sizeOf, type LayerArgs, type LayerWeight, type Shape } from './layer.js';

export interface BatchNormalizationConfig extends LayerArgs {
  /** The axis normalized over: only −1 (the last), as for channelsLast data. */
  axis?: number;
  /** How much of the moving statistics each batch keeps (default 0.99). */
  momentum?: number;
  /** Added to the variance before its square root (default 1e-3). */
  epsilon?: number;
  /** Learn beta, a shift (default true). */
  center?: boolean;
  /** Learn gamma, a scale (default true). */
  scale?: boolean;
  betaInitializer?: InitializerIdentifier | Initializer;
  gammaInitializer?: InitializerIdentifier | Initializer;
  movingMeanInitializer?: InitializerIdentifier | Initializer;
  movingVarianceInitializer?: InitializerIdentifier | Initializer;
  betaRegularizer?: RegularizerIdentifier | Regularizer;
  gammaRegularizer?: RegularizerIdentifier | Regularizer;
}

const KEYS = ['axis', 'momentum', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'movingMeanInitializer', 'movingVarianceInitializer', 'betaRegularizer', 'gammaRegularizer', ...LAYER_ARG_KEYS];
const CONFIG_KEYS = ['axis', 'momentum', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer', 'moving_mean_initializer', 'moving_variance_initializer', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint'];

export class BatchNormalization extends Layer {
  /** Training updates its moving statistics (it cannot be shared). */
  override get updatesState(): boolean {
    return true;
  }

  readonly className = 'BatchNormalization';
  /** A mask passes through it (TF.js's supportsMasking). */
  override get supportsMasking(): boolean {
    return true;
  }
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInitializer: Initializer;
  readonly gammaInitializer: Initializer;
  readonly movingMeanInitializer: Initializer;
  readonly movingVarianceInitializer: Initializer;
  readonly betaRegularizer: Regularizer | undefined;
  readonly gammaRegularizer: Regularizer | undefined;

  constructor(config: BatchNormalizationConfig = {}) {
    const where = 'layers.batchNormalization()';
    checkKeys(config, KEYS, where);
    super(config, where);
    if (config.axis !== undefined && config.axis !== -1) {
      throw new ValueError(`${where}: axis must be -1 (the last axis, channelsLast), got ${describe(config.axis)}`);
    }
    this.momentum = checkFloat32(config.momentum ?? 0.99, { min: 0, max: 1 }, where, 'momentum');
    this.epsilon = checkFloat32(config.epsilon ?? 1e-3, { above: 0 }, where, 'epsilon');
    for (const key of ['center', 'scale'] as const) {
      if (config[key] !== undefined) checkBoolean(config[key], where, key);
    }
    this.center = config.center ?? true;
    this.scale = config.scale ?? true;
    this.betaInitializer = getInitializer(config.betaInitializer, 'zeros', `${where} betaInitializer`);
    this.gammaInitializer = getInitializer(config.gammaInitializer, 'ones', `${where} gammaInitializer`);
    this.movingMeanInitializer = getInitializer(config.movingMeanInitializer, 'zeros', `${where} movingMeanInitializer`);
    this.movingVarianceInitializer = getInitializer(config.movingVarianceInitializer, 'ones', `${where} movingVarianceInitializer`);
    this.betaRegularizer = getRegularizer(config.betaRegularizer, `${where} betaRegularizer`);
    this.gammaRegularizer = getRegularizer(config.gammaRegularizer, `${where} gammaRegularizer`);
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  override weightSpecs(inputShape: Shape): LayerWeight[] {
    const shape = [inputShape[inputShape.length - 1]];
    const weights: LayerWeight[] = [];
    if (this.scale) weights.push({ name: 'gamma', shape, initializer: this.gammaInitializer, regularizer: this.gammaRegularizer });
    if (this.center) weights.push({ name: 'beta', shape, initializer: this.betaInitializer, regularizer: this.betaRegularizer });
    weights.push(
      { name: 'moving_mean', shape, initializer: this.movingMeanInitializer, regularizer: undefined, trainable: false },
      { name: 'moving_variance', shape, initializer: this.movingVarianceInitializer, regularizer: undefined, trainable: false },
    );
    return weights;
  }

  getConfig(): Record<string, unknown> {
    return {
      axis: -1,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: initializerConfig(this.betaInitializer),
      gamma_initializer: initializerConfig(this.gammaInitializer),
      moving_mean_initializer: initializerConfig(this.movingMeanInitializer),
      moving_variance_initializer: initializerConfig(this.movingVarianceInitializer),
      beta_regularizer: regularizerConfig(this.betaRegularizer),
      gamma_regularizer: regularizerConfig(this.gammaRegularizer),
      beta_constraint: null,
      gamma_constraint: null,
    };
  }

  static fromConfig(c: Record<string, unknown>): BatchNormalization {
    const args = baseArgs(c, CONFIG_KEYS);
    for (const key of ['beta_constraint', 'gamma_constraint']) {
      if (c[key] != null) throw new ValueError(`${key} is not supported, got ${preview(c[key])}`);
    }
    // Keras writes axis as -1 or as the positive index of the last axis (or a one-element list).
    const axis = Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : c.axis;
    const rank = args.batchInputShape ? args.batchInputShape.length : undefined;
    return new BatchNormalization({
      ...args,
      axis: axis === undefined || axis === null || (rank !== undefined && axis === rank - 1) ? -1 : (axis as number),
      momentum: c.momentum as number | undefined,
      epsilon: c.epsilon as number | undefined,
      center: c.center as boolean | undefined,
      scale: c.scale as boolean | undefined,
      betaInitializer: parseInitializer(c.beta_initializer, 'beta_initializer'),
      gammaInitializer: parseInitializer(c.gamma_initializer, 'gamma_initializer'),
      movingMeanInitializer: parseInitializer(c.moving_mean_initializer, 'moving_mean_initializer'),
      movingVarianceInitializer: parseInitializer(c.moving_variance_initializer, 'moving_variance_initializer'),
      betaRegularizer: parseRegularizer(c.beta_regularizer, 'beta_regularizer'),
      gammaRegularizer: parseRegularizer(c.gamma_regularizer, 'gamma_regularizer'),
    });
  }

  describeConfig(): string {
    return `momentum: ${this.momentum}, epsilon: ${this.epsilon}`;
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    const channels = inputShape[inputShape.length - 1];
    core.net_set_batch_normalization(net, index, sizeOf(inputShape) / channels, channels, this.momentum, this.epsilon, this.scale, this.center);
    // gamma and beta take the kernel's and the bias's places in the core.
    const g = this.gammaRegularizer, b = this.betaRegularizer;
    core.net_set_regularizers(net, index, g?.l1 ?? 0, g?.l2 ?? 0, b?.l1 ?? 0, b?.l2 ?? 0);
  }

  /** Inference: y = γ·(x − moving mean)/√(moving variance + ε) + β, in float64. */
  reference(x: Float64Array, rows: number, inputShape: Shape, weights: Float64Array[]): { output: Float64Array } {
    const channels = inputShape[inputShape.length - 1];
    let k = 0;
    const gamma = this.scale ? weights[k++] : undefined, beta = this.center ? weights[k++] : undefined;
    const mean = weights[k++], variance = weights[k++];
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const c = i % channels;
      out[i] = (gamma ? gamma[c] : 1) * (x[i] - mean[c]) / Math.sqrt(variance[c] + Math.fround(this.epsilon)) + (beta ? beta[c] : 0);
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
