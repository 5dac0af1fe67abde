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
import { ValueError } from '../errors.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import type { Core } from '../wasm.js';
import { preview } from '../io/json.js';
import { baseArgs, initializerConfig, parseInitializer, parseRegularizer, regularizerConfig } from './config.js';
import { DepthwiseBase, depthwiseArgs, type DepthwiseOptions } from './conv2d.js';
import { LAYER_ARG_KEYS, MAX_WIDTH, sizeOf, type LayerWeight, type Shape } from './layer.js';

export interface DepthwiseConv2DConfig extends DepthwiseOptions {
  /** Default 1: each input channel gives depthMultiplier output channels (c·M + m). */
  depthMultiplier?: number;
  /** Default 1 (honoured as Keras does; TF.js 4.22's layer ignores it). */
  dilationRate?: number | [number, number];
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

export class DepthwiseConv2D extends DepthwiseBase {
  readonly className = 'DepthwiseConv2D';
  readonly depthwiseInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly depthwiseRegularizer: Regularizer | undefined;
  readonly biasRegularizer: Regularizer | undefined;

  constructor(config: DepthwiseConv2DConfig) {
    const where = 'layers.depthwiseConv2d()';
    super(config, where, KEYS);
    this.depthwiseInitializer = getInitializer(config.depthwiseInitializer, 'glorotNormal', `${where} depthwiseInitializer`);
    this.biasInitializer = getInitializer(config.biasInitializer, 'zeros', `${where} biasInitializer`);
    this.depthwiseRegularizer = getRegularizer(config.depthwiseRegularizer, `${where} depthwiseRegularizer`);
    this.biasRegularizer = getRegularizer(config.biasRegularizer, `${where} biasRegularizer`);
  }

  computeOutputShape(inputShape: Shape): Shape {
    const g = this.fittedGeometry(inputShape);
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
      ...this.depthwiseConfig(this.biasInitializer, this.biasRegularizer),
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
    const shared = depthwiseArgs(c);
    return new DepthwiseConv2D({
      ...args,
      ...shared,
      depthwiseInitializer: parseInitializer(c.depthwise_initializer, 'depthwise_initializer'),
      biasInitializer: parseInitializer(c.bias_initializer, 'bias_initializer'),
      depthwiseRegularizer: parseRegularizer(c.depthwise_regularizer, 'depthwise_regularizer'),
      biasRegularizer: parseRegularizer(c.bias_regularizer, 'bias_regularizer'),
    });
  }

  describeConfig(): string {
    return this.describeParts([]);
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
    const { channels: C, outHeight: OH, outWidth: OW } = g;
    const M = this.depthMultiplier, F = C * M;
    const z = new Float64Array(rows * OH * OW * F);
    for (let r = 0; r < rows; r++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          for (let c = 0; c < C; c++) {
            for (let m = 0; m < M; m++) {
              const s = this.depthwiseTap(x, kernel, g, r, oy, ox, c, m, bias ? bias[c * M + m] : 0);
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
