// Flatten: one example's values as they are, in the same row-major order, as a single axis
// ([4, 4, 2] → [32]), so a dense layer after it sees them all. Kernels: assembly/layers/reshape.ts.
import { checkKeys } from '../errors.js';
import type { Core } from '../wasm.js';
import { baseArgs } from './config.js';
import { LAYER_ARG_KEYS, Layer, sizeOf, type LayerArgs, type Shape } from './layer.js';
import { checkDataFormat, parseDataFormat } from './shape-options.js';

export interface FlattenConfig extends LayerArgs {
  /** Only 'channelsLast' (the default). */
  dataFormat?: 'channelsLast';
}

export class Flatten extends Layer {
  readonly className = 'Flatten';
  readonly dataFormat: 'channelsLast';

  constructor(config: FlattenConfig = {}) {
    const where = 'layers.flatten()';
    checkKeys(config, ['dataFormat', ...LAYER_ARG_KEYS], where);
    super(config, where);
    this.dataFormat = checkDataFormat(config.dataFormat, where);
  }

  computeOutputShape(inputShape: Shape): Shape {
    // As TF.js (min_ndim 3 with the batch axis), so that every model neurite saves loads there.
    if (inputShape.length < 2) throw this.shapeError('expects examples of at least 2 axes (they are flat already)', inputShape);
    return [sizeOf(inputShape)];
  }

  getConfig(): Record<string, unknown> {
    return { data_format: 'channels_last' };
  }

  static fromConfig(c: Record<string, unknown>): Flatten {
    const args = baseArgs(c, ['data_format']);
    return new Flatten({ ...args, dataFormat: parseDataFormat(c.data_format) });
  }

  describeConfig(): string {
    return 'dataFormat: channelsLast';
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    const size = sizeOf(inputShape);
    core.net_set_reshape(net, index, size, inputShape[inputShape.length - 1], size);
  }

  reference(x: Float64Array): { output: Float64Array } {
    return { output: Float64Array.from(x) };
  }
}
