// ZeroPadding2D: rows and columns of zeros around each [height, width, channels] example
// (channelsLast), as before a 'valid' convolution that should keep the borders.
// Kernels: assembly/layers/zero_padding2d.ts.
import { ValueError, checkKeys, describe } from '../errors.js';
import type { Core } from '../wasm.js';
import { baseArgs } from './config.js';
import { LAYER_ARG_KEYS, Layer, MAX_WIDTH, sizeOf, type LayerArgs, type Shape } from './layer.js';
import { checkDataFormat, parseDataFormat } from './shape-options.js';

export interface ZeroPadding2DConfig extends LayerArgs {
  /** n on every side, [rows, cols] symmetric, or [[top, bottom], [left, right]] (default 1). */
  padding?: number | [number, number] | [[number, number], [number, number]];
  /** Only 'channelsLast' (the default). */
  dataFormat?: 'channelsLast';
}

export class ZeroPadding2D extends Layer {
  readonly className = 'ZeroPadding2D';
  /** [[top, bottom], [left, right]]. */
  readonly padding: readonly [readonly [number, number], readonly [number, number]];
  readonly dataFormat: 'channelsLast';

  constructor(config: ZeroPadding2DConfig = {}) {
    const where = 'layers.zeroPadding2d()';
    checkKeys(config, ['padding', 'dataFormat', ...LAYER_ARG_KEYS], where);
    super(config, where);
    this.dataFormat = checkDataFormat(config.dataFormat, where);
    const p: unknown = config.padding ?? 1;
    const ok = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= MAX_WIDTH;
    const pair = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1]);
    if (ok(p)) this.padding = [[p, p], [p, p]];
    else if (pair(p)) this.padding = [[p[0], p[0]], [p[1], p[1]]];
    else if (Array.isArray(p) && p.length === 2 && pair(p[0]) && pair(p[1])) this.padding = [[p[0][0], p[0][1]], [p[1][0], p[1][1]]];
    else {
      throw new ValueError(`${where}: padding must be a non-negative integer, [rows, cols] or [[top, bottom], [left, right]], got ${Array.isArray(p) ? JSON.stringify(p).slice(0, 80) : describe(p)}`);
    }
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 3) throw this.shapeError('expects examples of shape [height, width, channels]', inputShape);
    const [[top, bottom], [left, right]] = this.padding;
    const out = [inputShape[0] + top + bottom, inputShape[1] + left + right, inputShape[2]];
    if (sizeOf(out) > MAX_WIDTH) throw this.shapeError(`padded, an example would hold more than ${MAX_WIDTH} values`, inputShape);
    return out;
  }

  getConfig(): Record<string, unknown> {
    return { padding: this.padding.map((p) => [...p]), data_format: 'channels_last' };
  }

  static fromConfig(c: Record<string, unknown>): ZeroPadding2D {
    const args = baseArgs(c, ['padding', 'data_format']);
    return new ZeroPadding2D({ ...args, padding: c.padding as ZeroPadding2DConfig['padding'], dataFormat: parseDataFormat(c.data_format) });
  }

  describeConfig(): string {
    return `padding: ${JSON.stringify(this.padding)}`;
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    const [[top, bottom], [left, right]] = this.padding;
    core.net_set_zero_padding2d(net, index, inputShape[0], inputShape[1], inputShape[2], top, bottom, left, right);
  }

  reference(x: Float64Array, rows: number, inputShape: Shape): { output: Float64Array } {
    const [h, w, c] = inputShape, [[top], [left]] = this.padding;
    const [oh, ow] = this.computeOutputShape(inputShape);
    const out = new Float64Array(rows * oh * ow * c);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < w; j++) {
          for (let k = 0; k < c; k++) out[((r * oh + i + top) * ow + j + left) * c + k] = x[((r * h + i) * w + j) * c + k];
        }
      }
    }
    return { output: out };
  }
}
