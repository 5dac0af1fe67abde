// Conv2D: `filters` kernels slid over [height, width, channels] examples (channelsLast),
//   z[oy, ox, f] = b[f] + Σ_{ky,kx,c} x[oy·sh − padTop + ky·dh, ox·sw − padLeft + kx·dw, c]·W[ky, kx, c, f],
//   a = activation(z),
// with the kernel W [kh, kw, channels, filters] and the bias b [filters], as TF.js and Keras hold
// them. Padding 'valid' uses the windows that fit; 'same' gives ⌈size/stride⌉ outputs per axis and
// pads with zeros as TensorFlow does (the odd one at the bottom and right). Conv1D
// (src/layers/conv1d.ts) is the same layer over [steps, channels], run as height 1.
// Kernels: assembly/layers/conv2d.ts (im2col and the packed GEMM).
import { activate } from '../reference.js';
import { getActivation, type Activation, type ActivationIdentifier } from '../activations.js';
import { ValueError, checkBoolean, checkKeys, describe } from '../errors.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import type { Core } from '../wasm.js';
import { preview } from '../io/json.js';
import { activationConfig, baseArgs, initializerConfig, parseActivation, parseInitializer, parseRegularizer, regularizerConfig } from './config.js';
import { LAYER_ARG_KEYS, Layer, MAX_WIDTH, sizeOf, type LayerArgs, type LayerWeight, type Shape } from './layer.js';

export type PaddingMode = 'valid' | 'same';

/** Options conv1d and conv2d share; sizes are a number (every axis) or one per spatial axis. */
export interface ConvConfig extends LayerArgs {
  /** Number of kernels: the output's channels. */
  filters: number;
  kernelSize: number | number[];
  /** Default 1. Cannot exceed 1 together with dilationRate (as in TF.js and Keras). */
  strides?: number | number[];
  /** 'valid' (default): no padding; 'same': ⌈size/stride⌉ outputs, zero-padded as TensorFlow does. */
  padding?: PaddingMode;
  /** Default 1: the kernel's taps are dilationRate apart. */
  dilationRate?: number | number[];
  /** Only 'channelsLast' (the default): examples are [..., channels]. */
  dataFormat?: 'channelsLast';
  /** Default 'linear'. */
  activation?: ActivationIdentifier | Activation;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotNormal', as in TF.js. */
  kernelInitializer?: InitializerIdentifier | Initializer;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier | Initializer;
  kernelRegularizer?: RegularizerIdentifier | Regularizer;
  biasRegularizer?: RegularizerIdentifier | Regularizer;
}

export interface Conv2DConfig extends ConvConfig {
  /** [height, width] of the kernel, or one number for both. */
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  dilationRate?: number | [number, number];
}

export const CONV_KEYS = ['filters', 'kernelSize', 'strides', 'padding', 'dilationRate', 'dataFormat', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', ...LAYER_ARG_KEYS];
// Keras's keys, as TF.js writes them; 'groups' is Keras's (only 1 is read).
const CONFIG_KEYS = ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'groups', 'activation', 'neurite_alpha', 'use_bias', 'kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'];

/** One spatial axis of a convolution: the output length and the zeros padded before it. */
export function convAxis(size: number, kernel: number, stride: number, dilation: number, padding: PaddingMode): { out: number; before: number } {
  const span = (kernel - 1) * dilation + 1;
  if (padding === 'valid') return { out: Math.floor((size - span) / stride) + 1, before: 0 };
  const out = Math.ceil(size / stride);
  return { out, before: Math.floor(Math.max((out - 1) * stride + span - size, 0) / 2) };
}

/** What conv1d and conv2d share: options, weights, config, the core's description, the reference. */
export abstract class Conv extends Layer {
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: PaddingMode;
  readonly dilationRate: number[];
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | undefined;
  readonly biasRegularizer: Regularizer | undefined;

  /** The spatial axes: 1 (conv1d) or 2 (conv2d). */
  protected abstract readonly rank: number;

  protected constructor(config: ConvConfig, rank: number, where: string) {
    checkKeys(config, CONV_KEYS, where);
    super(config, where);
    if (!Number.isInteger(config.filters) || config.filters <= 0 || config.filters > MAX_WIDTH) {
      throw new ValueError(`${where}: filters must be a positive integer (at most ${MAX_WIDTH}), got ${describe(config.filters)}`);
    }
    this.filters = config.filters;
    if (config.kernelSize === undefined) throw new ValueError(`${where}: kernelSize is required`);
    this.kernelSize = sizes(config.kernelSize, rank, where, 'kernelSize');
    this.strides = sizes(config.strides ?? 1, rank, where, 'strides');
    this.dilationRate = sizes(config.dilationRate ?? 1, rank, where, 'dilationRate');
    // TensorFlow has no strided dilated convolution: TF.js refuses it, Keras at construction.
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw new ValueError(`${where}: strides > 1 together with dilationRate > 1 is not supported (as in TF.js and Keras), got strides ${JSON.stringify(this.strides)} and dilationRate ${JSON.stringify(this.dilationRate)}`);
    }
    if ((config.padding as string) === 'causal') throw new ValueError(`${where}: padding 'causal' is not supported (nor by TF.js); use 'valid' or 'same'`);
    if (config.padding !== undefined && config.padding !== 'valid' && config.padding !== 'same') {
      throw new ValueError(`${where}: padding must be 'valid' or 'same', got ${describe(config.padding)}`);
    }
    this.padding = config.padding ?? 'valid';
    if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') {
      throw new ValueError(`${where}: dataFormat must be 'channelsLast' (examples are [..., channels]), got ${describe(config.dataFormat)}`);
    }
    this.activation = getActivation(config.activation, `${where} activation`);
    if (config.useBias !== undefined) checkBoolean(config.useBias, where, 'useBias');
    this.useBias = config.useBias ?? true;
    // TF.js's conv layers default to glorotNormal (tfjs-layers' BaseConv), as its dense does.
    this.kernelInitializer = getInitializer(config.kernelInitializer, 'glorotNormal', `${where} kernelInitializer`);
    this.biasInitializer = getInitializer(config.biasInitializer, 'zeros', `${where} biasInitializer`);
    this.kernelRegularizer = getRegularizer(config.kernelRegularizer, `${where} kernelRegularizer`);
    this.biasRegularizer = getRegularizer(config.biasRegularizer, `${where} biasRegularizer`);
  }

  /** The input's shape as [height, width, channels] (conv1d: height 1), or a ShapeError. */
  protected abstract spatial(inputShape: Shape): [number, number, number];

  /** The kernel's, strides' and dilation's [height, width] (conv1d: height 1). */
  protected window(): { kernel: number[]; strides: number[]; dilation: number[] } {
    const two = (v: number[]) => (v.length === 1 ? [1, v[0]] : v);
    return { kernel: two(this.kernelSize), strides: two(this.strides), dilation: two(this.dilationRate) };
  }

  /** Output height and width and the padding before each, for an input of `inputShape`. */
  protected geometry(inputShape: Shape) {
    const [height, width, channels] = this.spatial(inputShape);
    const { kernel, strides, dilation } = this.window();
    const h = convAxis(height, kernel[0], strides[0], dilation[0], this.padding);
    const w = convAxis(width, kernel[1], strides[1], dilation[1], this.padding);
    return { height, width, channels, kernel, strides, dilation, outHeight: h.out, outWidth: w.out, padTop: h.before, padLeft: w.before };
  }

  computeOutputShape(inputShape: Shape): Shape {
    const g = this.geometry(inputShape);
    const spans = g.kernel.map((k, i) => (k - 1) * g.dilation[i] + 1);
    if (spans.some((s) => s > MAX_WIDTH)) throw this.shapeError(`a dilated kernel spans more than ${MAX_WIDTH} values`, inputShape);
    if (g.outHeight <= 0 || g.outWidth <= 0) {
      const span = this.rank === 1 ? `${spans[1]}` : `${spans[0]}×${spans[1]}`;
      throw this.shapeError(`its kernel${g.dilation.some((d) => d > 1) ? ' (dilated)' : ''} spans ${span}, more than the input with padding 'valid'`, inputShape);
    }
    const outputShape = this.rank === 1 ? [g.outWidth, this.filters] : [g.outHeight, g.outWidth, this.filters];
    if (sizeOf(outputShape) > MAX_WIDTH) throw this.shapeError(`${this.filters} filters would make more than ${MAX_WIDTH} values per example`, inputShape);
    // The im2col columns of one example: every output position's window.
    if (g.outHeight * g.outWidth * g.kernel[0] * g.kernel[1] * g.channels > MAX_WIDTH) {
      throw this.shapeError(`its windows would need more than ${MAX_WIDTH} values per example`, inputShape);
    }
    return outputShape;
  }

  override weightSpecs(inputShape: Shape): LayerWeight[] {
    const channels = inputShape[inputShape.length - 1];
    const weights: LayerWeight[] = [{ name: 'kernel', shape: [...this.kernelSize, channels, this.filters], initializer: this.kernelInitializer, regularizer: this.kernelRegularizer }];
    if (this.useBias) weights.push({ name: 'bias', shape: [this.filters], initializer: this.biasInitializer, regularizer: this.biasRegularizer });
    return weights;
  }

  getConfig(): Record<string, unknown> {
    return {
      filters: this.filters,
      kernel_initializer: initializerConfig(this.kernelInitializer),
      kernel_regularizer: regularizerConfig(this.kernelRegularizer),
      kernel_constraint: null,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      // TF.js writes data_format for Conv2D, not for Conv1D.
      ...(this.rank === 2 && { data_format: 'channels_last' }),
      dilation_rate: [...this.dilationRate],
      ...activationConfig(this.activation),
      use_bias: this.useBias,
      bias_initializer: initializerConfig(this.biasInitializer),
      bias_regularizer: regularizerConfig(this.biasRegularizer),
      activity_regularizer: null,
      bias_constraint: null,
    };
  }

  /** The constructor's options from a Keras config (TF.js's or Keras's own). */
  protected static argsFromConfig(c: Record<string, unknown>): ConvConfig {
    const args = baseArgs(c, CONFIG_KEYS);
    for (const key of ['activity_regularizer', 'kernel_constraint', 'bias_constraint']) {
      if (c[key] != null) throw new ValueError(`${key} is not supported, got ${preview(c[key])}`);
    }
    if (c.groups != null && c.groups !== 1) throw new ValueError(`groups must be 1 (grouped convolutions are not supported), got ${preview(c.groups)}`);
    if (c.data_format != null && c.data_format !== 'channels_last') {
      throw new ValueError(`data_format must be "channels_last", got ${preview(c.data_format)}`);
    }
    return {
      ...args,
      filters: c.filters as number,
      kernelSize: c.kernel_size as number[],
      strides: (c.strides ?? undefined) as number[] | undefined,
      padding: (c.padding ?? undefined) as PaddingMode | undefined,
      dilationRate: (c.dilation_rate ?? undefined) as number[] | undefined,
      activation: parseActivation(c.activation, c.neurite_alpha),
      useBias: (c.use_bias ?? true) as boolean,
      kernelInitializer: parseInitializer(c.kernel_initializer, 'kernel_initializer'),
      biasInitializer: parseInitializer(c.bias_initializer, 'bias_initializer'),
      kernelRegularizer: parseRegularizer(c.kernel_regularizer, 'kernel_regularizer'),
      biasRegularizer: parseRegularizer(c.bias_regularizer, 'bias_regularizer'),
    };
  }

  describeConfig(): string {
    const tuple = (v: number[]) => (v.length === 1 ? `${v[0]}` : `[${v.join(',')}]`);
    const parts = [`filters: ${this.filters}`, `kernelSize: ${tuple(this.kernelSize)}`];
    if (this.strides.some((s) => s !== 1)) parts.push(`strides: ${tuple(this.strides)}`);
    if (this.dilationRate.some((d) => d !== 1)) parts.push(`dilationRate: ${tuple(this.dilationRate)}`);
    parts.push(`padding: ${this.padding}`, `activation: ${this.activation.name}`);
    return parts.join(', ');
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    const [height, width, channels] = this.spatial(inputShape);
    const { kernel, strides, dilation } = this.window();
    const same = this.padding === 'same', act = this.activation;
    if (this.rank === 1) {
      core.net_set_conv1d(net, index, width, channels, this.filters, kernel[1], strides[1], dilation[1], same, act.id, act.alpha, this.useBias);
    } else {
      core.net_set_conv2d(net, index, height, width, channels, this.filters, kernel[0], kernel[1], strides[0], strides[1], dilation[0], dilation[1], same, act.id, act.alpha, this.useBias);
    }
    const k = this.kernelRegularizer, b = this.biasRegularizer;
    core.net_set_regularizers(net, index, k?.l1 ?? 0, k?.l2 ?? 0, b?.l1 ?? 0, b?.l2 ?? 0);
  }

  /** The direct convolution, as its definition reads, in float64. */
  reference(x: Float64Array, rows: number, inputShape: Shape, [kernel, bias]: Float64Array[]): { output: Float64Array; logits: Float64Array } {
    const g = this.geometry(inputShape);
    const { height: H, width: W, channels: C, outHeight: OH, outWidth: OW } = g;
    const [KH, KW] = g.kernel, F = this.filters;
    const z = new Float64Array(rows * OH * OW * F);
    for (let r = 0; r < rows; r++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          for (let f = 0; f < F; f++) {
            let s = bias ? bias[f] : 0;
            for (let ky = 0; ky < KH; ky++) {
              const iy = oy * g.strides[0] - g.padTop + ky * g.dilation[0];
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < KW; kx++) {
                const ix = ox * g.strides[1] - g.padLeft + kx * g.dilation[1];
                if (ix < 0 || ix >= W) continue;
                for (let c = 0; c < C; c++) s += x[((r * H + iy) * W + ix) * C + c] * kernel[((ky * KW + kx) * C + c) * F + f];
              }
            }
            z[((r * OH + oy) * OW + ox) * F + f] = s;
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
    return penalty(kernel, this.kernelRegularizer) + penalty(bias, this.biasRegularizer);
  }
}

/** A kernel size, stride or dilation: a positive integer, or `rank` of them. */
export function sizes(value: unknown, rank: number, where: string, key: string): number[] {
  const list = typeof value === 'number' ? new Array<number>(rank).fill(value) : Array.isArray(value) && value.length === rank ? [...(value as unknown[])] : undefined;
  if (!list || !list.every((v) => Number.isInteger(v) && (v as number) > 0 && (v as number) <= MAX_WIDTH)) {
    const shape = rank === 1 ? 'or [n]' : `or [${Array.from({ length: rank }, () => 'n').join(', ')}]`;
    throw new ValueError(`${where}: ${key} must be a positive integer ${shape} (at most ${MAX_WIDTH}), got ${describe(value)}`);
  }
  return list as number[];
}

export class Conv2D extends Conv {
  readonly className = 'Conv2D';
  protected readonly rank = 2;

  constructor(config: Conv2DConfig) {
    super(config, 2, 'layers.conv2d()');
  }

  protected spatial(inputShape: Shape): [number, number, number] {
    if (inputShape.length !== 3) throw this.shapeError('expects examples of rank 3, [height, width, channels]', inputShape);
    return [inputShape[0], inputShape[1], inputShape[2]];
  }

  static fromConfig(c: Record<string, unknown>): Conv2D {
    return new Conv2D(Conv.argsFromConfig(c) as Conv2DConfig);
  }
}

/** The options depthwiseConv2d and separableConv2d share (their depthwise step and the activation). */
export interface DepthwiseOptions extends LayerArgs {
  /** [height, width] of the (depthwise) kernel, or one number for both. */
  kernelSize: number | [number, number];
  /** Default 1: each input channel gives depthMultiplier depthwise outputs (c·M + m). */
  depthMultiplier?: number;
  /** Default 1. Cannot exceed 1 together with dilationRate (as in TensorFlow). */
  strides?: number | [number, number];
  /** 'valid' (default) or 'same' (⌈size/stride⌉ outputs, zero-padded as TensorFlow does). */
  padding?: PaddingMode;
  dilationRate?: number | [number, number];
  /** Only 'channelsLast' (the default). */
  dataFormat?: 'channelsLast';
  /** Default 'linear'. */
  activation?: ActivationIdentifier | Activation;
  /** Default true. */
  useBias?: boolean;
}

/** What depthwiseConv2d and separableConv2d share: the depthwise step's options and geometry, the activation, the bias flag. */
export abstract class DepthwiseBase extends Layer {
  readonly kernelSize: number[];
  readonly depthMultiplier: number;
  readonly strides: number[];
  readonly padding: PaddingMode;
  readonly dilationRate: number[];
  readonly activation: Activation;
  readonly useBias: boolean;

  /** `first` reads the layer's own options that come before kernelSize. */
  protected constructor(config: DepthwiseOptions, where: string, keys: readonly string[], first?: () => void) {
    checkKeys(config, keys, where);
    super(config, where);
    first?.();
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
    if (config.useBias !== undefined) checkBoolean(config.useBias, where, 'useBias');
    this.useBias = config.useBias ?? true;
  }

  protected geometry(inputShape: Shape) {
    if (inputShape.length !== 3) throw this.shapeError('expects examples of rank 3, [height, width, channels]', inputShape);
    const [height, width, channels] = inputShape;
    const [kh, kw] = this.kernelSize;
    const h = convAxis(height, kh, this.strides[0], this.dilationRate[0], this.padding);
    const w = convAxis(width, kw, this.strides[1], this.dilationRate[1], this.padding);
    return { height, width, channels, outHeight: h.out, outWidth: w.out, padTop: h.before, padLeft: w.before };
  }

  /** geometry, once the (dilated) kernel is known to fit the input. */
  protected fittedGeometry(inputShape: Shape) {
    const g = this.geometry(inputShape);
    const spans = this.kernelSize.map((k, i) => (k - 1) * this.dilationRate[i] + 1);
    if (spans.some((s) => s > MAX_WIDTH)) throw this.shapeError(`a dilated kernel spans more than ${MAX_WIDTH} values`, inputShape);
    if (g.outHeight <= 0 || g.outWidth <= 0) {
      throw this.shapeError(`its kernel${this.dilationRate.some((d) => d > 1) ? ' (dilated)' : ''} spans ${spans[0]}×${spans[1]}, more than the input with padding 'valid'`, inputShape);
    }
    return g;
  }

  /** The saved keys from kernel_size to depth_multiplier (the layer's own come around them). */
  protected depthwiseConfig(biasInitializer: Initializer, biasRegularizer: Regularizer | undefined): Record<string, unknown> {
    return {
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: 'channels_last',
      dilation_rate: [...this.dilationRate],
      ...activationConfig(this.activation),
      use_bias: this.useBias,
      bias_initializer: initializerConfig(biasInitializer),
      bias_regularizer: regularizerConfig(biasRegularizer),
      activity_regularizer: null,
      bias_constraint: null,
      depth_multiplier: this.depthMultiplier,
    };
  }

  /** describeConfig's parts, after `first`. */
  protected describeParts(first: string[]): string {
    const tuple = (v: number[]) => `[${v.join(',')}]`;
    const parts = [...first, `kernelSize: ${tuple(this.kernelSize)}`];
    if (this.depthMultiplier !== 1) parts.push(`depthMultiplier: ${this.depthMultiplier}`);
    if (this.strides.some((s) => s !== 1)) parts.push(`strides: ${tuple(this.strides)}`);
    if (this.dilationRate.some((d) => d !== 1)) parts.push(`dilationRate: ${tuple(this.dilationRate)}`);
    parts.push(`padding: ${this.padding}`, `activation: ${this.activation.name}`);
    return parts.join(', ');
  }

  /** One depthwise output (row r, position oy, ox, channel c, multiple m), added to `s` tap by tap. */
  protected depthwiseTap(x: Float64Array, kernel: Float64Array, g: ReturnType<DepthwiseBase['geometry']>, r: number, oy: number, ox: number, c: number, m: number, s: number): number {
    const { height: H, width: W, channels: C } = g;
    const [KH, KW] = this.kernelSize, M = this.depthMultiplier;
    for (let ky = 0; ky < KH; ky++) {
      const iy = oy * this.strides[0] - g.padTop + ky * this.dilationRate[0];
      if (iy < 0 || iy >= H) continue;
      for (let kx = 0; kx < KW; kx++) {
        const ix = ox * this.strides[1] - g.padLeft + kx * this.dilationRate[1];
        if (ix < 0 || ix >= W) continue;
        s += x[((r * H + iy) * W + ix) * C + c] * kernel[((ky * KW + kx) * C + c) * M + m];
      }
    }
    return s;
  }
}

/** depthwiseConv2d's and separableConv2d's shared options read back from a saved config, after its groups and data_format checks. */
export function depthwiseArgs(c: Record<string, unknown>): DepthwiseOptions {
  if (c.groups != null && c.groups !== 1) throw new ValueError(`groups must be 1, got ${preview(c.groups)}`);
  if (c.data_format != null && c.data_format !== 'channels_last') {
    throw new ValueError(`data_format must be "channels_last", got ${preview(c.data_format)}`);
  }
  return {
    kernelSize: c.kernel_size as [number, number],
    depthMultiplier: (c.depth_multiplier ?? undefined) as number | undefined,
    strides: (c.strides ?? undefined) as [number, number] | undefined,
    padding: (c.padding ?? undefined) as PaddingMode | undefined,
    dilationRate: (c.dilation_rate ?? undefined) as [number, number] | undefined,
    activation: parseActivation(c.activation, c.neurite_alpha),
    useBias: (c.use_bias ?? true) as boolean,
  };
}
