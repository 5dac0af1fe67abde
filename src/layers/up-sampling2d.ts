// UpSampling2D: each [height, width, channels] example (channelsLast) enlarged by repeating every
// value size[0] times down and size[1] times across (nearest-neighbour interpolation).
// Kernels: assembly/layers/up_sampling2d.ts.
import { ValueError, checkKeys, describe } from '../errors.js';
import { preview } from '../io/json.js';
import type { Core } from '../wasm.js';
import { baseArgs } from './config.js';
import { LAYER_ARG_KEYS, Layer, MAX_WIDTH, sizeOf, type LayerArgs, type Shape } from './layer.js';
import { checkDataFormat, parseDataFormat } from './shape-options.js';

export interface UpSampling2DConfig extends LayerArgs {
  /** [rows, cols]: how many times each value is repeated down and across (default [2, 2]). */
  size?: [number, number];
  /** Only 'channelsLast' (the default). */
  dataFormat?: 'channelsLast';
  /** Only 'nearest' (the default). */
  interpolation?: 'nearest';
}

export class UpSampling2D extends Layer {
  readonly className = 'UpSampling2D';
  readonly size: readonly [number, number];
  readonly dataFormat: 'channelsLast';
  readonly interpolation: 'nearest';

  constructor(config: UpSampling2DConfig = {}) {
    const where = 'layers.upSampling2d()';
    checkKeys(config, ['size', 'dataFormat', 'interpolation', ...LAYER_ARG_KEYS], where);
    super(config, where);
    this.dataFormat = checkDataFormat(config.dataFormat, where);
    const s: unknown = config.size ?? [2, 2];
    const ok = (n: unknown) => Number.isInteger(n) && (n as number) > 0 && (n as number) <= MAX_WIDTH;
    if (!Array.isArray(s) || s.length !== 2 || !ok(s[0]) || !ok(s[1])) {
      throw new ValueError(`${where}: size must be [rows, cols], two positive integers, got ${Array.isArray(s) ? JSON.stringify(s).slice(0, 80) : describe(s)}`);
    }
    this.size = [s[0], s[1]];
    const interpolation: unknown = config.interpolation ?? 'nearest';
    if (interpolation === 'bilinear') throw new ValueError(`${where}: interpolation 'bilinear' is not supported; only 'nearest'`);
    if (interpolation !== 'nearest') throw new ValueError(`${where}: interpolation must be 'nearest', got ${describe(interpolation)}`);
    this.interpolation = interpolation;
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 3) throw this.shapeError('expects examples of shape [height, width, channels]', inputShape);
    const out = [inputShape[0] * this.size[0], inputShape[1] * this.size[1], inputShape[2]];
    if (sizeOf(out) > MAX_WIDTH) throw this.shapeError(`upsampled, an example would hold more than ${MAX_WIDTH} values`, inputShape);
    return out;
  }

  getConfig(): Record<string, unknown> {
    return { size: [...this.size], data_format: 'channels_last', interpolation: 'nearest' };
  }

  static fromConfig(c: Record<string, unknown>): UpSampling2D {
    const args = baseArgs(c, ['size', 'data_format', 'interpolation']);
    if (c.interpolation != null && c.interpolation !== 'nearest') throw new ValueError(`interpolation ${preview(c.interpolation)} is not supported; only nearest`);
    return new UpSampling2D({ ...args, size: (c.size ?? undefined) as [number, number] | undefined, dataFormat: parseDataFormat(c.data_format) });
  }

  describeConfig(): string {
    return `size: [${this.size.join(',')}], interpolation: nearest`;
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    core.net_set_up_sampling2d(net, index, inputShape[0], inputShape[1], inputShape[2], this.size[0], this.size[1]);
  }

  reference(x: Float64Array, rows: number, inputShape: Shape): { output: Float64Array } {
    const [h, w, c] = inputShape, [sh, sw] = this.size, oh = h * sh, ow = w * sw;
    const out = new Float64Array(rows * oh * ow * c);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          for (let k = 0; k < c; k++) out[((r * oh + i) * ow + j) * c + k] = x[((r * h + Math.floor(i / sh)) * w + Math.floor(j / sw)) * c + k];
        }
      }
    }
    return { output: out };
  }
}
