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
import { getActivation, type Activation, type ActivationIdentifier } from '../activations.js';
import { ValueError, checkKeys, describe } from '../errors.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import type { Core } from '../wasm.js';
import { preview } from '../io/json.js';
import { activationConfig, baseArgs, initializerConfig, parseActivation, parseInitializer, parseRegularizer, regularizerConfig } from './config.js';
import { convAxis, sizes, type PaddingMode } from './conv2d.js';
import { LAYER_ARG_KEYS, Layer, MAX_WIDTH, sizeOf, type LayerArgs, type LayerWeight, type Shape } from './layer.js';

export interface SeparableConv2DConfig extends LayerArgs {
  /** Number of pointwise kernels: the output's channels. */
  filters: number;
  /** [height, width] of the depthwise kernel, or one number for both. */
  kernelSize: number | [number, number];
  /** Default 1: each input channel gives depthMultiplier depthwise outputs (c·M + m). */
  depthMultiplier?: number;
  /** Default 1. Cannot exceed 1 together with dilationRate (as in TensorFlow). */
  strides?: number | [number, number];
  /** 'valid' (default) or 'same' (⌈size/stride⌉ outputs, zero-padded as TensorFlow does). */
  padding?: PaddingMode;
  /** Default 1 (the depthwise step's taps are dilationRate apart). */
  dilationRate?: number | [number, number];
  /** Only 'channelsLast' (the default). */
  dataFormat?: 'channelsLast';
  /** Default 'linear'. */
  activation?: ActivationIdentifier | Activation;
  /** Default true. */
  useBias?: boolean;
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

export class SeparableConv2D extends Layer {
  readonly className = 'SeparableConv2D';
  readonly filters: number;
  readonly kernelSize: number[];
  readonly depthMultiplier: number;
  readonly strides: number[];
  readonly padding: PaddingMode;
  readonly dilationRate: number[];
  readonly activation: Activation;
  readonly useBias: boolean;
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
    checkKeys(config, KEYS, where);
    super(config, where);
    if (!Number.isInteger(config.filters) || config.filters <= 0 || config.filters > MAX_WIDTH) {
      throw new ValueError(`${where}: filters must be a positive integer (at most ${MAX_WIDTH}), got ${describe(config.filters)}`);
    }
    this.filters = config.filters;
    if (config.kernelSize === undefined) throw new ValueError(`${where}: kernelSize is required`);
    this.kernelSize = sizes(config.kernelSize, 2, where, 'kernelSize');
    const multiplier = config.depthMultiplier ?? 1;
    if (!Number.isInteger(multiplier) || multiplier <= 0 || multiplier > MAX_WIDTH) {
      throw new ValueError(`${where}: depthMultiplier must be a positive integer (at most ${MAX_WIDTH}), got ${describe(config.depthMultiplier)}`);
    }
    this.depthMultiplier = multiplier;
    this.strides = sizes(config.strides ?? 1, 2, where, 'strides');
    this.dilationRate = sizes(config.dilationRate ?? 1, 2, where, 'dilationRate');
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw new ValueError(`${where}: strides > 1 together with dilationRate > 1 is not supported (as in TensorFlow), got strides ${JSON.stringify(this.strides)} and dilationRate ${JSON.stringify(this.dilationRate)}`);
    }
    if (config.padding !== undefined && config.padding !== 'valid' && config.padding !== 'same') {
      throw new ValueError(`${where}: padding must be 'valid' or 'same', got ${describe(config.padding)}`);
    }
    this.padding = config.padding ?? 'valid';
    if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') {
      throw new ValueError(`${where}: dataFormat must be 'channelsLast' (examples are [height, width, channels]), got ${describe(config.dataFormat)}`);
    }
    this.activation = getActivation(config.activation, `${where} activation`);
    if (config.useBias !== undefined && typeof config.useBias !== 'boolean') {
      throw new ValueError(`${where}: useBias must be a boolean, got ${describe(config.useBias)}`);
    }
    this.useBias = config.useBias ?? true;
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

  private geometry(inputShape: Shape) {
    if (inputShape.length !== 3) throw this.shapeError('expects examples of rank 3, [height, width, channels]', inputShape);
    const [height, width, channels] = inputShape;
    const [kh, kw] = this.kernelSize;
    const h = convAxis(height, kh, this.strides[0], this.dilationRate[0], this.padding);
    const w = convAxis(width, kw, this.strides[1], this.dilationRate[1], this.padding);
    return { height, width, channels, outHeight: h.out, outWidth: w.out, padTop: h.before, padLeft: w.before };
  }

  computeOutputShape(inputShape: Shape): Shape {
    const g = this.geometry(inputShape);
    const spans = this.kernelSize.map((k, i) => (k - 1) * this.dilationRate[i] + 1);
    if (spans.some((s) => s > MAX_WIDTH)) throw this.shapeError(`a dilated kernel spans more than ${MAX_WIDTH} values`, inputShape);
    if (g.outHeight <= 0 || g.outWidth <= 0) {
      throw this.shapeError(`its kernel${this.dilationRate.some((d) => d > 1) ? ' (dilated)' : ''} spans ${spans[0]}×${spans[1]}, more than the input with padding 'valid'`, inputShape);
    }
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
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: 'channels_last',
      dilation_rate: [...this.dilationRate],
      ...activationConfig(this.activation),
      use_bias: this.useBias,
      bias_initializer: initializerConfig(this.biasInitializer),
      bias_regularizer: regularizerConfig(this.biasRegularizer),
      activity_regularizer: null,
      bias_constraint: null,
      depth_multiplier: this.depthMultiplier,
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
    if (c.groups != null && c.groups !== 1) throw new ValueError(`groups must be 1, got ${preview(c.groups)}`);
    if (c.data_format != null && c.data_format !== 'channels_last') {
      throw new ValueError(`data_format must be "channels_last", got ${preview(c.data_format)}`);
    }
    return new SeparableConv2D({
      ...args,
      filters: c.filters as number,
      kernelSize: c.kernel_size as [number, number],
      depthMultiplier: (c.depth_multiplier ?? undefined) as number | undefined,
      strides: (c.strides ?? undefined) as [number, number] | undefined,
      padding: (c.padding ?? undefined) as PaddingMode | undefined,
      dilationRate: (c.dilation_rate ?? undefined) as [number, number] | undefined,
      activation: parseActivation(c.activation, c.neurite_alpha),
      useBias: (c.use_bias ?? true) as boolean,
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
    const tuple = (v: number[]) => `[${v.join(',')}]`;
    const parts = [`filters: ${this.filters}`, `kernelSize: ${tuple(this.kernelSize)}`];
    if (this.depthMultiplier !== 1) parts.push(`depthMultiplier: ${this.depthMultiplier}`);
    if (this.strides.some((s) => s !== 1)) parts.push(`strides: ${tuple(this.strides)}`);
    if (this.dilationRate.some((d) => d !== 1)) parts.push(`dilationRate: ${tuple(this.dilationRate)}`);
    parts.push(`padding: ${this.padding}`, `activation: ${this.activation.name}`);
    return parts.join(', ');
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
    const { height: H, width: W, channels: C, outHeight: OH, outWidth: OW } = g;
    const [KH, KW] = this.kernelSize, M = this.depthMultiplier, D = C * M, F = this.filters;
    const u = new Float64Array(D);
    const z = new Float64Array(rows * OH * OW * F);
    for (let r = 0; r < rows; r++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          for (let c = 0; c < C; c++) {
            for (let m = 0; m < M; m++) {
              let s = 0;
              for (let ky = 0; ky < KH; ky++) {
                const iy = oy * this.strides[0] - g.padTop + ky * this.dilationRate[0];
                if (iy < 0 || iy >= H) continue;
                for (let kx = 0; kx < KW; kx++) {
                  const ix = ox * this.strides[1] - g.padLeft + kx * this.dilationRate[1];
                  if (ix < 0 || ix >= W) continue;
                  s += x[((r * H + iy) * W + ix) * C + c] * depthwise[((ky * KW + kx) * C + c) * M + m];
                }
              }
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
