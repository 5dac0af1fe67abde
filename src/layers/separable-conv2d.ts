// SeparableConv2D: a depthwise convolution (each input channel convolved with its own
// `depthMultiplier` kernels) followed by a 1×1 convolution that mixes the channels·M results, then
// the bias and the activation, over [height, width, channels] examples (channelsLast):
//   u[oy, ox, c·M + m] = Σ_{ky,kx} x[oy·sh − padTop + ky·dh, ox·sw − padLeft + kx·dw, c]·Wd[ky, kx, c, m],
//   z[oy, ox, f] = b[f] + Σ_j u[oy, ox, j]·Wp[0, 0, j, f],   a = activation(z),
// with 'depthwise_kernel' Wd [kh, kw, channels, M], 'pointwise_kernel' Wp [1, 1, channels·M,
// filters] and 'bias' b [filters], in TF.js's and Keras's order. Padding as conv2d (TensorFlow's
// 'same' split); strides and dilation apply to the depthwise step.
//
// As TF.js 4.22 (tfjs-layers SeparableConv):
// - both kernels default to glorotUniform (not BaseConv's glorotNormal);
// - the pointwise kernel's initializer is built from depthwiseInitializer (its constructor reads
//   `config.depthwiseInitializer || 'glorotUniform'` for both): a pointwiseInitializer option is
//   accepted and ignored, and getConfig writes the initializer actually used;
// - dilationRate is passed to tfjs-core's separableConv2d, which dilates the forward pass; its
//   depthwise gradient asserts dilation 1, so TF.js cannot train a dilated one (neurite can).
// The core keeps one pair of kernel-regularizer weights per layer, applied to both kernels, so a
// depthwiseRegularizer and a pointwiseRegularizer that differ are refused (ValueError).
// Kernels: assembly/layers/separable_conv2d.ts (depthwise_conv2d's direct kernel, then a GEMM).
import { activate } from '../reference.js';
import { ValueError, describe } from '../errors.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import type { Core } from '../wasm.js';
import { preview } from '../io/json.js';
import { baseArgs, initializerConfig, parseInitializer, parseRegularizer, regularizerConfig } from './config.js';
import { DepthwiseBase, depthwiseArgs, type DepthwiseOptions } from './conv2d.js';
import { LAYER_ARG_KEYS, MAX_WIDTH, sizeOf, type LayerWeight, type Shape } from './layer.js';

export interface SeparableConv2DConfig extends DepthwiseOptions {
  /** Number of pointwise kernels: the output's channels. */
  filters: number;
  /** Default 1 (the depthwise step's taps are dilationRate apart). */
  dilationRate?: number | [number, number];
  /** Default 'glorotUniform', as TF.js. Also initializes the pointwise kernel, as TF.js does. */
  depthwiseInitializer?: InitializerIdentifier | Initializer;
  /**
   * Accepted and ignored, as in TF.js 4.22: the pointwise kernel is initialized with
   * depthwiseInitializer when that is given, else glorotUniform.
   */
  pointwiseInitializer?: InitializerIdentifier | Initializer;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier | Initializer;
  /** Must equal pointwiseRegularizer (both absent, or the same l1 and l2): the core applies one to both kernels. */
  depthwiseRegularizer?: RegularizerIdentifier | Regularizer;
  pointwiseRegularizer?: RegularizerIdentifier | Regularizer;
  biasRegularizer?: RegularizerIdentifier | Regularizer;
}

const KEYS = ['filters', 'kernelSize', 'depthMultiplier', 'strides', 'padding', 'dilationRate', 'dataFormat', 'activation', 'useBias', 'depthwiseInitializer', 'pointwiseInitializer', 'biasInitializer', 'depthwiseRegularizer', 'pointwiseRegularizer', 'biasRegularizer', ...LAYER_ARG_KEYS];
// Keras's keys, as TF.js and Keras write them ('groups' is Keras's: only 1 is read).
const CONFIG_KEYS = ['filters', 'kernel_size', 'depth_multiplier', 'strides', 'padding', 'data_format', 'dilation_rate', 'groups', 'activation', 'neurite_alpha', 'use_bias', 'depthwise_initializer', 'pointwise_initializer', 'bias_initializer', 'depthwise_regularizer', 'pointwise_regularizer', 'bias_regularizer', 'activity_regularizer', 'depthwise_constraint', 'pointwise_constraint', 'bias_constraint'];

const sameRegularizer = (a: Regularizer | undefined, b: Regularizer | undefined) =>
  (a?.l1 ?? 0) === (b?.l1 ?? 0) && (a?.l2 ?? 0) === (b?.l2 ?? 0);

export class SeparableConv2D extends DepthwiseBase {
  readonly className = 'SeparableConv2D';
  readonly filters: number;
  readonly depthwiseInitializer: Initializer;
  readonly pointwiseInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly depthwiseRegularizer: Regularizer | undefined;
  readonly pointwiseRegularizer: Regularizer | undefined;
  readonly biasRegularizer: Regularizer | undefined;

  constructor(config: SeparableConv2DConfig) {
    const where = 'layers.separableConv2d()';
    for (const key of ['kernelInitializer', 'kernelRegularizer', 'kernelConstraint']) {
      if (config && Object.hasOwn(config, key)) {
        throw new ValueError(`${where}: ${key} is not an option of separableConv2d (as in TF.js); use depthwise${key.slice(6)} and pointwise${key.slice(6)}`);
      }
    }
    let filters = 0;
    super(config, where, KEYS, () => {
      if (!Number.isInteger(config.filters) || config.filters <= 0 || config.filters > MAX_WIDTH) {
        throw new ValueError(`${where}: filters must be a positive integer (at most ${MAX_WIDTH}), got ${describe(config.filters)}`);
      }
      filters = config.filters;
    });
    this.filters = filters;
    this.depthwiseInitializer = getInitializer(config.depthwiseInitializer, 'glorotUniform', `${where} depthwiseInitializer`);
    // Validated, then ignored as TF.js ignores it: the pointwise kernel takes depthwiseInitializer.
    getInitializer(config.pointwiseInitializer, 'glorotUniform', `${where} pointwiseInitializer`);
    this.pointwiseInitializer = getInitializer(config.depthwiseInitializer, 'glorotUniform', `${where} depthwiseInitializer`);
    this.biasInitializer = getInitializer(config.biasInitializer, 'zeros', `${where} biasInitializer`);
    this.depthwiseRegularizer = getRegularizer(config.depthwiseRegularizer, `${where} depthwiseRegularizer`);
    this.pointwiseRegularizer = getRegularizer(config.pointwiseRegularizer, `${where} pointwiseRegularizer`);
    this.biasRegularizer = getRegularizer(config.biasRegularizer, `${where} biasRegularizer`);
    if (!sameRegularizer(this.depthwiseRegularizer, this.pointwiseRegularizer)) {
      const show = (r: Regularizer | undefined) => (r ? `{ l1: ${r.l1}, l2: ${r.l2} }` : 'none');
      throw new ValueError(`${where}: depthwiseRegularizer and pointwiseRegularizer must be the same (neurite applies one kernel regularizer to both kernels), got ${show(this.depthwiseRegularizer)} and ${show(this.pointwiseRegularizer)}`);
    }
  }

  computeOutputShape(inputShape: Shape): Shape {
    const g = this.fittedGeometry(inputShape);
    const depth = g.channels * this.depthMultiplier, positions = g.outHeight * g.outWidth;
    const outputShape = [g.outHeight, g.outWidth, this.filters];
    if (sizeOf(outputShape) > MAX_WIDTH) throw this.shapeError(`${this.filters} filters would make more than ${MAX_WIDTH} values per example`, inputShape);
    if (depth > MAX_WIDTH || positions * depth > MAX_WIDTH) {
      throw this.shapeError(`depthMultiplier ${this.depthMultiplier} would make more than ${MAX_WIDTH} depthwise values per example`, inputShape);
    }
    if (this.kernelSize[0] * this.kernelSize[1] * depth > MAX_WIDTH || depth * this.filters > MAX_WIDTH) {
      throw this.shapeError(`its kernels would hold more than ${MAX_WIDTH} values`, inputShape);
    }
    return outputShape;
  }

  override weightSpecs(inputShape: Shape): LayerWeight[] {
    const channels = inputShape[inputShape.length - 1], depth = channels * this.depthMultiplier;
    const weights: LayerWeight[] = [
      { name: 'depthwise_kernel', shape: [...this.kernelSize, channels, this.depthMultiplier], initializer: this.depthwiseInitializer, regularizer: this.depthwiseRegularizer },
      { name: 'pointwise_kernel', shape: [1, 1, depth, this.filters], initializer: this.pointwiseInitializer, regularizer: this.pointwiseRegularizer },
    ];
    if (this.useBias) weights.push({ name: 'bias', shape: [this.filters], initializer: this.biasInitializer, regularizer: this.biasRegularizer });
    return weights;
  }

  getConfig(): Record<string, unknown> {
    // TF.js's SeparableConv writes no depth_multiplier (Keras does, and TF.js reads it back).
    return {
      filters: this.filters,
      ...this.depthwiseConfig(this.biasInitializer, this.biasRegularizer),
      depthwise_initializer: initializerConfig(this.depthwiseInitializer),
      pointwise_initializer: initializerConfig(this.pointwiseInitializer),
      depthwise_regularizer: regularizerConfig(this.depthwiseRegularizer),
      pointwise_regularizer: regularizerConfig(this.pointwiseRegularizer),
      depthwise_constraint: null,
      pointwise_constraint: null,
    };
  }

  static fromConfig(c: Record<string, unknown>): SeparableConv2D {
    const args = baseArgs(c, CONFIG_KEYS);
    for (const key of ['activity_regularizer', 'depthwise_constraint', 'pointwise_constraint', 'bias_constraint']) {
      if (c[key] != null) throw new ValueError(`${key} is not supported, got ${preview(c[key])}`);
    }
    const shared = depthwiseArgs(c);
    return new SeparableConv2D({
      ...args,
      filters: c.filters as number,
      ...shared,
      depthwiseInitializer: parseInitializer(c.depthwise_initializer, 'depthwise_initializer'),
      // pointwise_initializer is read and ignored, as TF.js does (see the top of this file).
      pointwiseInitializer: parseInitializer(c.pointwise_initializer, 'pointwise_initializer'),
      biasInitializer: parseInitializer(c.bias_initializer, 'bias_initializer'),
      depthwiseRegularizer: parseRegularizer(c.depthwise_regularizer, 'depthwise_regularizer'),
      pointwiseRegularizer: parseRegularizer(c.pointwise_regularizer, 'pointwise_regularizer'),
      biasRegularizer: parseRegularizer(c.bias_regularizer, 'bias_regularizer'),
    });
  }

  describeConfig(): string {
    return this.describeParts([`filters: ${this.filters}`]);
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    const { height, width, channels } = this.geometry(inputShape);
    const [kh, kw] = this.kernelSize, act = this.activation;
    core.net_set_separable_conv2d(
      net, index, height, width, channels, this.depthMultiplier, this.filters, kh, kw,
      this.strides[0], this.strides[1], this.dilationRate[0], this.dilationRate[1], this.padding === 'same', act.id, act.alpha, this.useBias,
    );
    // One kernel regularizer for both kernels: the constructor made sure they are the same.
    const k = this.depthwiseRegularizer, b = this.biasRegularizer;
    core.net_set_regularizers(net, index, k?.l1 ?? 0, k?.l2 ?? 0, b?.l1 ?? 0, b?.l2 ?? 0);
  }

  /** The depthwise convolution, then the 1×1 one, as their definitions read, in float64. */
  reference(x: Float64Array, rows: number, inputShape: Shape, [depthwise, pointwise, bias]: Float64Array[]): { output: Float64Array; logits: Float64Array } {
    const g = this.geometry(inputShape);
    const { channels: C, outHeight: OH, outWidth: OW } = g;
    const M = this.depthMultiplier, D = C * M, F = this.filters;
    const u = new Float64Array(D);
    const z = new Float64Array(rows * OH * OW * F);
    for (let r = 0; r < rows; r++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          for (let c = 0; c < C; c++) {
            for (let m = 0; m < M; m++) {
              const s = this.depthwiseTap(x, depthwise, g, r, oy, ox, c, m, 0);
              u[c * M + m] = s;
            }
          }
          const at = ((r * OH + oy) * OW + ox) * F;
          for (let f = 0; f < F; f++) {
            let s = bias ? bias[f] : 0;
            for (let j = 0; j < D; j++) s += u[j] * pointwise[j * F + f];
            z[at + f] = s;
          }
        }
      }
    }
    return { output: activate(this.activation.name, z, rows * OH * OW, F, this.activation.alpha), logits: z };
  }

  override referencePenalty([depthwise, pointwise, bias]: Float64Array[]): number {
    const penalty = (w: Float64Array | undefined, r: Regularizer | undefined) => {
      let s = 0;
      if (w && r) for (const v of w) s += r.l1 * Math.abs(v) + r.l2 * v * v;
      return s;
    };
    return penalty(depthwise, this.depthwiseRegularizer) + penalty(pointwise, this.pointwiseRegularizer) + penalty(bias, this.biasRegularizer);
  }
}
