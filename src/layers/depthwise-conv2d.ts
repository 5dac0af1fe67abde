// DepthwiseConv2D: each input channel convolved with its own `depthMultiplier` kernels, no sum
// across channels, over [height, width, channels] examples (channelsLast):
//   z[oy, ox, c·M + m] = b[c·M + m] + Σ_{ky,kx} x[oy·sh − padTop + ky·dh, ox·sw − padLeft + kx·dw, c]·W[ky, kx, c, m],
//   a = activation(z),
// with the kernel W [kh, kw, channels, M] ('depthwise_kernel') and the bias b [channels·M], as TF.js
// and Keras hold them. Padding as conv2d (TensorFlow's 'same' split).
//
// dilationRate is honoured as Keras does. TF.js 4.22's layer accepts it, writes it in its config and
// then ignores it (its call() passes no dilation, its computeOutputShape none either: a TODO there),
// so a dilated depthwiseConv2d has no TF.js layer to compare with; tfjs-core's depthwiseConv2d op
// does dilate (forward only: its gradient asserts dilation 1). Strides > 1 together with dilation > 1
// are refused as TensorFlow does.
// Kernels: assembly/layers/depthwise_conv2d.ts (direct, f32x4 across channels or the multiplier).
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

export interface DepthwiseConv2DConfig extends LayerArgs {
  /** [height, width] of the kernel, or one number for both. */
  kernelSize: number | [number, number];
  /** Default 1: each input channel gives depthMultiplier output channels (c·M + m). */
  depthMultiplier?: number;
  /** Default 1. Cannot exceed 1 together with dilationRate (as in TensorFlow). */
  strides?: number | [number, number];
  /** 'valid' (default) or 'same' (⌈size/stride⌉ outputs, zero-padded as TensorFlow does). */
  padding?: PaddingMode;
  /** Default 1 (honoured as Keras does; TF.js 4.22's layer ignores it). */
  dilationRate?: number | [number, number];
  /** Only 'channelsLast' (the default). */
  dataFormat?: 'channelsLast';
  /** Default 'linear'. */
  activation?: ActivationIdentifier | Activation;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotNormal', as TF.js (tfjs-layers' BaseConv default kernel initializer). */
  depthwiseInitializer?: InitializerIdentifier | Initializer;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier | Initializer;
  depthwiseRegularizer?: RegularizerIdentifier | Regularizer;
  biasRegularizer?: RegularizerIdentifier | Regularizer;
}

const KEYS = ['kernelSize', 'depthMultiplier', 'strides', 'padding', 'dilationRate', 'dataFormat', 'activation', 'useBias', 'depthwiseInitializer', 'biasInitializer', 'depthwiseRegularizer', 'biasRegularizer', ...LAYER_ARG_KEYS];
// Keras's keys, as TF.js writes them ('groups' is Keras's: only 1 is read).
const CONFIG_KEYS = ['kernel_size', 'depth_multiplier', 'strides', 'padding', 'data_format', 'dilation_rate', 'groups', 'activation', 'neurite_alpha', 'use_bias', 'depthwise_initializer', 'bias_initializer', 'depthwise_regularizer', 'bias_regularizer', 'activity_regularizer', 'depthwise_constraint', 'bias_constraint'];

export class DepthwiseConv2D extends Layer {
  readonly className = 'DepthwiseConv2D';
  readonly kernelSize: number[];
  readonly depthMultiplier: number;
  readonly strides: number[];
  readonly padding: PaddingMode;
  readonly dilationRate: number[];
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly depthwiseInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly depthwiseRegularizer: Regularizer | undefined;
  readonly biasRegularizer: Regularizer | undefined;

  constructor(config: DepthwiseConv2DConfig) {
    const where = 'layers.depthwiseConv2d()';
    checkKeys(config, KEYS, where);
    super(config, where);
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
    this.depthwiseInitializer = getInitializer(config.depthwiseInitializer, 'glorotNormal', `${where} depthwiseInitializer`);
    this.biasInitializer = getInitializer(config.biasInitializer, 'zeros', `${where} biasInitializer`);
    this.depthwiseRegularizer = getRegularizer(config.depthwiseRegularizer, `${where} depthwiseRegularizer`);
    this.biasRegularizer = getRegularizer(config.biasRegularizer, `${where} biasRegularizer`);
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
    const outputShape = [g.outHeight, g.outWidth, g.channels * this.depthMultiplier];
    if (g.channels * this.depthMultiplier > MAX_WIDTH || sizeOf(outputShape) > MAX_WIDTH) {
      throw this.shapeError(`depthMultiplier ${this.depthMultiplier} would make more than ${MAX_WIDTH} values per example`, inputShape);
    }
    if (this.kernelSize[0] * this.kernelSize[1] * g.channels * this.depthMultiplier > MAX_WIDTH) {
      throw this.shapeError(`its kernel would hold more than ${MAX_WIDTH} values`, inputShape);
    }
    return outputShape;
  }

  override weightSpecs(inputShape: Shape): LayerWeight[] {
    const channels = inputShape[inputShape.length - 1];
    const weights: LayerWeight[] = [{ name: 'depthwise_kernel', shape: [...this.kernelSize, channels, this.depthMultiplier], initializer: this.depthwiseInitializer, regularizer: this.depthwiseRegularizer }];
    if (this.useBias) weights.push({ name: 'bias', shape: [channels * this.depthMultiplier], initializer: this.biasInitializer, regularizer: this.biasRegularizer });
    return weights;
  }

  getConfig(): Record<string, unknown> {
    return {
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
      depthwise_regularizer: regularizerConfig(this.depthwiseRegularizer),
      depthwise_constraint: null,
    };
  }

  static fromConfig(c: Record<string, unknown>): DepthwiseConv2D {
    const args = baseArgs(c, CONFIG_KEYS);
    // TF.js 4.22 writes depthwise_constraint as serializeConstraint(depthwiseRegularizer) (a slip in
    // its getConfig): a constraint equal to the depthwise regularizer is that slip, read as none.
    const slip = c.depthwise_constraint != null && JSON.stringify(c.depthwise_constraint) === JSON.stringify(c.depthwise_regularizer);
    for (const key of ['activity_regularizer', 'depthwise_constraint', 'bias_constraint']) {
      if (c[key] != null && !(key === 'depthwise_constraint' && slip)) throw new ValueError(`${key} is not supported, got ${preview(c[key])}`);
    }
    if (c.groups != null && c.groups !== 1) throw new ValueError(`groups must be 1, got ${preview(c.groups)}`);
    if (c.data_format != null && c.data_format !== 'channels_last') {
      throw new ValueError(`data_format must be "channels_last", got ${preview(c.data_format)}`);
    }
    return new DepthwiseConv2D({
      ...args,
      kernelSize: c.kernel_size as [number, number],
      depthMultiplier: (c.depth_multiplier ?? undefined) as number | undefined,
      strides: (c.strides ?? undefined) as [number, number] | undefined,
      padding: (c.padding ?? undefined) as PaddingMode | undefined,
      dilationRate: (c.dilation_rate ?? undefined) as [number, number] | undefined,
      activation: parseActivation(c.activation, c.neurite_alpha),
      useBias: (c.use_bias ?? true) as boolean,
      depthwiseInitializer: parseInitializer(c.depthwise_initializer, 'depthwise_initializer'),
      biasInitializer: parseInitializer(c.bias_initializer, 'bias_initializer'),
      depthwiseRegularizer: parseRegularizer(c.depthwise_regularizer, 'depthwise_regularizer'),
      biasRegularizer: parseRegularizer(c.bias_regularizer, 'bias_regularizer'),
    });
  }

  describeConfig(): string {
    const tuple = (v: number[]) => `[${v.join(',')}]`;
    const parts = [`kernelSize: ${tuple(this.kernelSize)}`];
    if (this.depthMultiplier !== 1) parts.push(`depthMultiplier: ${this.depthMultiplier}`);
    if (this.strides.some((s) => s !== 1)) parts.push(`strides: ${tuple(this.strides)}`);
    if (this.dilationRate.some((d) => d !== 1)) parts.push(`dilationRate: ${tuple(this.dilationRate)}`);
    parts.push(`padding: ${this.padding}`, `activation: ${this.activation.name}`);
    return parts.join(', ');
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    const { height, width, channels } = this.geometry(inputShape);
    const [kh, kw] = this.kernelSize, act = this.activation;
    core.net_set_depthwise_conv2d(
      net, index, height, width, channels, this.depthMultiplier, kh, kw,
      this.strides[0], this.strides[1], this.dilationRate[0], this.dilationRate[1], this.padding === 'same', act.id, act.alpha, this.useBias,
    );
    const k = this.depthwiseRegularizer, b = this.biasRegularizer;
    core.net_set_regularizers(net, index, k?.l1 ?? 0, k?.l2 ?? 0, b?.l1 ?? 0, b?.l2 ?? 0);
  }

  /** The depthwise convolution, as its definition reads, in float64. */
  reference(x: Float64Array, rows: number, inputShape: Shape, [kernel, bias]: Float64Array[]): { output: Float64Array; logits: Float64Array } {
    const g = this.geometry(inputShape);
    const { height: H, width: W, channels: C, outHeight: OH, outWidth: OW } = g;
    const [KH, KW] = this.kernelSize, M = this.depthMultiplier, F = C * M;
    const z = new Float64Array(rows * OH * OW * F);
    for (let r = 0; r < rows; r++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          for (let c = 0; c < C; c++) {
            for (let m = 0; m < M; m++) {
              let s = bias ? bias[c * M + m] : 0;
              for (let ky = 0; ky < KH; ky++) {
                const iy = oy * this.strides[0] - g.padTop + ky * this.dilationRate[0];
                if (iy < 0 || iy >= H) continue;
                for (let kx = 0; kx < KW; kx++) {
                  const ix = ox * this.strides[1] - g.padLeft + kx * this.dilationRate[1];
                  if (ix < 0 || ix >= W) continue;
                  s += x[((r * H + iy) * W + ix) * C + c] * kernel[((ky * KW + kx) * C + c) * M + m];
                }
              }
              z[((r * OH + oy) * OW + ox) * F + c * M + m] = s;
            }
          }
        }
      }
    }
    return { output: activate(this.activation.name, z, rows * OH * OW, F, this.activation.alpha), logits: z };
  }

  override referencePenalty([kernel, bias]: Float64Array[]): number {
    const penalty = (w: Float64Array | undefined, r: Regularizer | undefined) => {
      let s = 0;
      if (w && r) for (const v of w) s += r.l1 * Math.abs(v) + r.l2 * v * v;
      return s;
    };
    return penalty(kernel, this.depthwiseRegularizer) + penalty(bias, this.biasRegularizer);
  }
}
