// Pooling, as TF.js and Keras define it, channelsLast: maxPooling2d / averagePooling2d over
// [height, width, channels] examples and maxPooling1d / averagePooling1d over [steps, channels]
// reduce each channel over windows of poolSize every `strides` (default: poolSize), with 'valid'
// padding (windows inside the input) or 'same' (⌈in/stride⌉ outputs, the input padded as
// TensorFlow pads: the smaller half before; an average counts only the valid inputs). The global
// ones reduce each channel over every position: [h, w, c] or [steps, c] → [c]. No weights; max
// pooling passes the gradient back to the first maximum of each window. Kernels:
// assembly/layers/pooling.ts.
import { ValueError, checkKeys, describe } from '../errors.js';
import { preview } from '../io/json.js';
import type { Core } from '../wasm.js';
import { baseArgs } from './config.js';
import { LAYER_ARG_KEYS, Layer, MAX_WIDTH, sizeOf, type LayerArgs, type Shape } from './layer.js';

export type PaddingMode = 'valid' | 'same';
export type DataFormat = 'channelsLast';

export interface Pooling2DConfig extends LayerArgs {
  /** Window [height, width], or one number for both (default [2, 2]). */
  poolSize?: number | [number, number];
  /** Step between windows, [height, width] or one number (default: poolSize). */
  strides?: number | [number, number];
  /** 'valid' (default) or 'same'. */
  padding?: PaddingMode;
  /** Only 'channelsLast' ([height, width, channels]). */
  dataFormat?: DataFormat;
}

export interface Pooling1DConfig extends LayerArgs {
  /** Window length (default 2). */
  poolSize?: number | [number];
  /** Step between windows (default: poolSize). */
  strides?: number | [number];
  /** 'valid' (default) or 'same'. */
  padding?: PaddingMode;
}

export interface GlobalPooling2DConfig extends LayerArgs {
  /** Only 'channelsLast'. */
  dataFormat?: DataFormat;
}

export type GlobalPooling1DConfig = LayerArgs;

type Mode = 'max' | 'avg';

// A window size or stride: a positive integer, or `rank` of them.
function checkSizes(value: unknown, rank: number, fallback: number[], where: string, key: string): number[] {
  if (value === undefined || value === null) return fallback;
  const sizes = typeof value === 'number' ? Array(rank).fill(value) : Array.isArray(value) && value.length === rank ? [...value] : undefined;
  if (!sizes || !sizes.every((v) => Number.isInteger(v) && v > 0 && v <= MAX_WIDTH)) {
    const expected = rank === 1 ? 'a positive integer (or [n])' : `a positive integer or ${rank} of them`;
    throw new ValueError(`${where}: ${key} must be ${expected}, at most ${MAX_WIDTH}, got ${describe(value)}`);
  }
  return sizes as number[];
}

function checkPadding(value: unknown, where: string): PaddingMode {
  if (value === undefined || value === null) return 'valid';
  if (value !== 'valid' && value !== 'same') throw new ValueError(`${where}: padding must be 'valid' or 'same', got ${describe(value)}`);
  return value;
}

function checkDataFormat(value: unknown, where: string): void {
  if (value === undefined || value === null || value === 'channelsLast') return;
  if (value === 'channelsFirst') throw new ValueError(`${where}: dataFormat 'channelsFirst' is not supported; neurite's layers take channelsLast data ([height, width, channels])`);
  throw new ValueError(`${where}: dataFormat must be 'channelsLast', got ${describe(value)}`);
}

// Keras's data_format in a saved config: channels_last only.
function checkConfigDataFormat(value: unknown): void {
  if (value !== undefined && value !== null && value !== 'channels_last') {
    throw new ValueError(`data_format ${preview(value)} is not supported; neurite's layers take channels_last data`);
  }
}

// Keras's keepdims (global pooling): only false.
function checkKeepdims(value: unknown): void {
  if (value !== undefined && value !== null && value !== false) throw new ValueError(`keepdims ${preview(value)} is not supported; only false`);
}

/** Outputs along one axis of `size` for a window `pool` every `stride` (TF.js's convOutputLength). */
function outputLength(size: number, pool: number, stride: number, padding: PaddingMode): number {
  return Math.floor(((padding === 'same' ? size : size - pool + 1) + stride - 1) / stride);
}

// ---------------------------------------------------------------------------------------------
// Windowed pooling: 1-D and 2-D, max and average.

abstract class Pooling extends Layer {
  /** Window and strides per spatial axis: [height, width], or [steps] for the 1-D layers. */
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: PaddingMode;
  private readonly mode: Mode;
  private readonly rank: 1 | 2;

  protected constructor(config: Pooling2DConfig | Pooling1DConfig, rank: 1 | 2, mode: Mode, where: string) {
    checkKeys(config, ['poolSize', 'strides', 'padding', ...(rank === 2 ? ['dataFormat'] : []), ...LAYER_ARG_KEYS], where);
    super(config, where);
    this.rank = rank;
    this.mode = mode;
    this.poolSize = checkSizes(config.poolSize, rank, Array(rank).fill(2), where, 'poolSize');
    this.strides = checkSizes(config.strides, rank, this.poolSize, where, 'strides');
    this.padding = checkPadding(config.padding, where);
    if (rank === 2) checkDataFormat((config as Pooling2DConfig).dataFormat, where);
  }

  computeOutputShape(inputShape: Shape): Shape {
    const rank = this.rank;
    if (inputShape.length !== rank + 1) {
      throw this.shapeError(`expected ${rank === 2 ? '[height, width, channels]' : '[steps, channels]'} examples (rank ${rank + 1})`, inputShape);
    }
    const out = this.poolSize.map((pool, i) => outputLength(inputShape[i], pool, this.strides[i], this.padding));
    if (out.some((n) => n < 1)) {
      throw this.shapeError(`poolSize [${this.poolSize.join(',')}] does not fit in the input with padding 'valid'`, inputShape);
    }
    return [...out, inputShape[rank]];
  }

  getConfig(): Record<string, unknown> {
    return { pool_size: [...this.poolSize], padding: this.padding, strides: [...this.strides], ...(this.rank === 2 && { data_format: 'channels_last' }) };
  }

  describeConfig(): string {
    return `poolSize: ${this.poolSize.join('×')}, strides: ${this.strides.join('×')}, padding: ${this.padding}`;
  }

  // [height, width, channels] geometry, 1-D as height 1.
  private geometry(inputShape: Shape) {
    return this.rank === 2
      ? { h: inputShape[0], w: inputShape[1], c: inputShape[2], ph: this.poolSize[0], pw: this.poolSize[1], sh: this.strides[0], sw: this.strides[1] }
      : { h: 1, w: inputShape[0], c: inputShape[1], ph: 1, pw: this.poolSize[0], sh: 1, sw: this.strides[0] };
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    const { h, w, c, ph, pw, sh, sw } = this.geometry(inputShape);
    const set = this.mode === 'max' ? core.net_set_max_pooling : core.net_set_average_pooling;
    set(net, index, h, w, c, ph, pw, sh, sw, this.padding === 'same');
  }

  /** Each window's max (the first of equals) or mean of its valid inputs, in float64. */
  reference(x: Float64Array, rows: number, inputShape: Shape): { output: Float64Array } {
    const { h, w, c, ph, pw, sh, sw } = this.geometry(inputShape);
    // TensorFlow's 'same' padding: total = max((out − 1)·stride + pool − in, 0), the smaller half first.
    const axis = (size: number, pool: number, stride: number) => {
      const out = outputLength(size, pool, stride, this.padding);
      const before = this.padding === 'same' ? Math.floor(Math.max((out - 1) * stride + pool - size, 0) / 2) : 0;
      return { out, before };
    };
    const rowsAxis = axis(h, ph, sh), colsAxis = axis(w, pw, sw);
    const oh = rowsAxis.out, ow = colsAxis.out;
    const output = new Float64Array(rows * oh * ow * c);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          for (let k = 0; k < c; k++) {
            let best = -Infinity, sum = 0, count = 0;
            for (let a = 0; a < ph; a++) {
              const y = i * sh - rowsAxis.before + a;
              if (y < 0 || y >= h) continue;
              for (let b = 0; b < pw; b++) {
                const z = j * sw - colsAxis.before + b;
                if (z < 0 || z >= w) continue;
                const v = x[((r * h + y) * w + z) * c + k];
                if (v > best) best = v;
                sum += v;
                count++;
              }
            }
            output[((r * oh + i) * ow + j) * c + k] = this.mode === 'max' ? best : sum / count;
          }
        }
      }
    }
    return { output };
  }
}

const POOLING_CONFIG_KEYS = ['pool_size', 'padding', 'strides', 'data_format'];

// A saved pooling layer's options (Keras writes 1-D pool_size and strides as [n] or n).
function poolingArgs(c: Record<string, unknown>): Pooling2DConfig {
  const args = baseArgs(c, POOLING_CONFIG_KEYS);
  checkConfigDataFormat(c.data_format);
  return {
    ...args,
    poolSize: (c.pool_size ?? undefined) as [number, number] | undefined,
    strides: (c.strides ?? undefined) as [number, number] | undefined,
    padding: (c.padding ?? undefined) as PaddingMode | undefined,
  };
}

export class MaxPooling2D extends Pooling {
  readonly className = 'MaxPooling2D';
  constructor(config: Pooling2DConfig = {}) {
    super(config, 2, 'max', 'layers.maxPooling2d()');
  }
  static fromConfig(c: Record<string, unknown>): MaxPooling2D {
    return new MaxPooling2D(poolingArgs(c));
  }
}

export class AveragePooling2D extends Pooling {
  readonly className = 'AveragePooling2D';
  constructor(config: Pooling2DConfig = {}) {
    super(config, 2, 'avg', 'layers.averagePooling2d()');
  }
  static fromConfig(c: Record<string, unknown>): AveragePooling2D {
    return new AveragePooling2D(poolingArgs(c));
  }
}

export class MaxPooling1D extends Pooling {
  readonly className = 'MaxPooling1D';
  constructor(config: Pooling1DConfig = {}) {
    super(config, 1, 'max', 'layers.maxPooling1d()');
  }
  static fromConfig(c: Record<string, unknown>): MaxPooling1D {
    return new MaxPooling1D(poolingArgs(c) as Pooling1DConfig);
  }
}

export class AveragePooling1D extends Pooling {
  readonly className = 'AveragePooling1D';
  constructor(config: Pooling1DConfig = {}) {
    super(config, 1, 'avg', 'layers.averagePooling1d()');
  }
  static fromConfig(c: Record<string, unknown>): AveragePooling1D {
    return new AveragePooling1D(poolingArgs(c) as Pooling1DConfig);
  }
}

// ---------------------------------------------------------------------------------------------
// Global pooling: every position of each channel.

abstract class GlobalPooling extends Layer {
  private readonly mode: Mode;
  private readonly rank: 1 | 2;

  protected constructor(config: GlobalPooling2DConfig, rank: 1 | 2, mode: Mode, where: string) {
    checkKeys(config, [...(rank === 2 ? ['dataFormat'] : []), ...LAYER_ARG_KEYS], where);
    super(config, where);
    this.rank = rank;
    this.mode = mode;
    if (rank === 2) checkDataFormat(config.dataFormat, where);
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== this.rank + 1) {
      throw this.shapeError(`expected ${this.rank === 2 ? '[height, width, channels]' : '[steps, channels]'} examples (rank ${this.rank + 1})`, inputShape);
    }
    return [inputShape[this.rank]];
  }

  getConfig(): Record<string, unknown> {
    return this.rank === 2 ? { data_format: 'channels_last' } : {};
  }

  describeConfig(): string {
    return `${this.mode === 'max' ? 'max' : 'mean'} over ${this.rank === 2 ? 'height and width' : 'steps'}`;
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    const channels = inputShape[this.rank], positions = sizeOf(inputShape.slice(0, this.rank));
    const set = this.mode === 'max' ? core.net_set_global_max_pooling : core.net_set_global_average_pooling;
    set(net, index, positions, channels);
  }

  /** Each channel's max or mean over every position, in float64. */
  reference(x: Float64Array, rows: number, inputShape: Shape): { output: Float64Array } {
    const channels = inputShape[this.rank], positions = x.length / rows / channels;
    const output = new Float64Array(rows * channels);
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < channels; k++) {
        let best = -Infinity, sum = 0;
        for (let p = 0; p < positions; p++) {
          const v = x[(r * positions + p) * channels + k];
          if (v > best) best = v;
          sum += v;
        }
        output[r * channels + k] = this.mode === 'max' ? best : sum / positions;
      }
    }
    return { output };
  }
}

// A saved global pooling layer's options: Keras writes data_format (and keepdims) for both ranks.
function globalArgs(c: Record<string, unknown>): LayerArgs {
  const args = baseArgs(c, ['data_format', 'keepdims']);
  checkConfigDataFormat(c.data_format);
  checkKeepdims(c.keepdims);
  return args;
}

export class GlobalMaxPooling2D extends GlobalPooling {
  readonly className = 'GlobalMaxPooling2D';
  constructor(config: GlobalPooling2DConfig = {}) {
    super(config, 2, 'max', 'layers.globalMaxPooling2d()');
  }
  static fromConfig(c: Record<string, unknown>): GlobalMaxPooling2D {
    return new GlobalMaxPooling2D(globalArgs(c));
  }
}

export class GlobalAveragePooling2D extends GlobalPooling {
  readonly className = 'GlobalAveragePooling2D';
  constructor(config: GlobalPooling2DConfig = {}) {
    super(config, 2, 'avg', 'layers.globalAveragePooling2d()');
  }
  static fromConfig(c: Record<string, unknown>): GlobalAveragePooling2D {
    return new GlobalAveragePooling2D(globalArgs(c));
  }
}

export class GlobalMaxPooling1D extends GlobalPooling {
  readonly className = 'GlobalMaxPooling1D';
  constructor(config: GlobalPooling1DConfig = {}) {
    super(config, 1, 'max', 'layers.globalMaxPooling1d()');
  }
  static fromConfig(c: Record<string, unknown>): GlobalMaxPooling1D {
    return new GlobalMaxPooling1D(globalArgs(c));
  }
}

export class GlobalAveragePooling1D extends GlobalPooling {
  readonly className = 'GlobalAveragePooling1D';
  constructor(config: GlobalPooling1DConfig = {}) {
    super(config, 1, 'avg', 'layers.globalAveragePooling1d()');
  }
  static fromConfig(c: Record<string, unknown>): GlobalAveragePooling1D {
    return new GlobalAveragePooling1D(globalArgs(c));
  }
}
