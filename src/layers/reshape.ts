// Reshape: one example's values as they are, in the same row-major order, under `targetShape`
// ([6] → [2, 3]); one axis may be −1, worked out from the others (as Keras and TF.js).
// Kernels: assembly/layers/reshape.ts.
import { ValueError, checkKeys, describe } from '../errors.js';
import type { Core } from '../wasm.js';
import { baseArgs } from './config.js';
import { LAYER_ARG_KEYS, Layer, MAX_WIDTH, sizeOf, type LayerArgs, type Shape } from './layer.js';

export interface ReshapeConfig extends LayerArgs {
  /** The shape of one output example, without the batch axis; one axis may be −1. */
  targetShape: number[];
}

export class Reshape extends Layer {
  readonly className = 'Reshape';
  readonly targetShape: readonly number[];

  constructor(config: ReshapeConfig) {
    const where = 'layers.reshape()';
    checkKeys(config, ['targetShape', ...LAYER_ARG_KEYS], where);
    super(config, where);
    const t = config.targetShape;
    if (!Array.isArray(t) || t.length < 1 || t.length > 8 || !t.every((d) => d === -1 || (Number.isInteger(d) && d > 0 && d <= MAX_WIDTH))) {
      throw new ValueError(`${where}: targetShape must be 1 to 8 positive integers (one of them may be -1), got ${Array.isArray(t) ? JSON.stringify(t.slice(0, 9)) : describe(t)}`);
    }
    this.targetShape = Object.freeze([...t]);
  }

  computeOutputShape(inputShape: Shape): Shape {
    const t = this.targetShape, size = sizeOf(inputShape);
    const unknown = t.filter((d) => d === -1).length;
    const known = sizeOf(t.filter((d) => d !== -1));
    const target = `targetShape [${t.join(',')}]`;
    if (unknown > 1) throw this.shapeError(`${target} has more than one -1 (at most one axis can be worked out)`, inputShape);
    if (unknown === 1) {
      if (size % known !== 0) throw this.shapeError(`${target} cannot hold ${size} values: they are not a multiple of ${known}`, inputShape);
      return t.map((d) => (d === -1 ? size / known : d));
    }
    if (known !== size) throw this.shapeError(`${target} holds ${known} values, not the input's ${size}`, inputShape);
    return [...t];
  }

  getConfig(): Record<string, unknown> {
    return { target_shape: [...this.targetShape] };
  }

  static fromConfig(c: Record<string, unknown>): Reshape {
    const args = baseArgs(c, ['target_shape']);
    // TF.js writes the unknown axis as null, Keras as -1.
    const t = c.target_shape;
    return new Reshape({ ...args, targetShape: (Array.isArray(t) ? t.map((d) => (d === null ? -1 : d)) : t) as number[] });
  }

  describeConfig(): string {
    return `targetShape: [${this.targetShape.join(',')}]`;
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    const out = this.computeOutputShape(inputShape);
    core.net_set_reshape(net, index, sizeOf(inputShape), inputShape[inputShape.length - 1], out[out.length - 1]);
  }

  reference(x: Float64Array): { output: Float64Array } {
    return { output: Float64Array.from(x) };
  }
}
