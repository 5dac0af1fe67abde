// Rescaling (TF.js's and Keras's preprocessing layer): every value scaled and shifted,
// y = x·scale + offset, in training and inference alike — pixels in [0, 255] to [0, 1] with
// scale 1/255, or to [−1, 1] with scale 1/127.5 and offset −1 — so a saved model takes raw data.
// Kernels: assembly/layers/rescaling.ts.
import { checkFloat32, checkKeys } from '../errors.js';
import type { Core } from '../wasm.js';
import { baseArgs } from './config.js';
import { LAYER_ARG_KEYS, Layer, sizeOf, type LayerArgs, type Shape } from './layer.js';

export interface RescalingConfig extends LayerArgs {
  /** The factor every value is multiplied by. */
  scale: number;
  /** Added after scaling (default 0). */
  offset?: number;
}

export class Rescaling extends Layer {
  readonly className = 'Rescaling';
  readonly scale: number;
  readonly offset: number;

  constructor(config: RescalingConfig) {
    const where = 'layers.rescaling()';
    checkKeys(config, ['scale', 'offset', ...LAYER_ARG_KEYS], where);
    super(config, where);
    this.scale = checkFloat32(config.scale, {}, where, 'scale');
    this.offset = config.offset === undefined ? 0 : checkFloat32(config.offset, {}, where, 'offset');
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  getConfig(): Record<string, unknown> {
    return { scale: this.scale, offset: this.offset };
  }

  static fromConfig(c: Record<string, unknown>): Rescaling {
    return new Rescaling({ ...baseArgs(c, ['scale', 'offset']), scale: c.scale as number, offset: (c.offset ?? undefined) as number | undefined });
  }

  describeConfig(): string {
    return `scale: ${this.scale}, offset: ${this.offset}`;
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    core.net_set_rescaling(net, index, sizeOf(inputShape), inputShape[inputShape.length - 1], this.scale, this.offset);
  }

  /** y = x·scale + offset in float64, with scale and offset as the float32 the core holds. */
  reference(x: Float64Array): { output: Float64Array } {
    const scale = Math.fround(this.scale), offset = Math.fround(this.offset);
    return { output: x.map((v) => v * scale + offset) };
  }
}
