// Dropout: during training each value is zeroed with probability `rate` and the rest are scaled by
// 1/(1 − rate), so a unit cannot rely on any one input; in predict and evaluate it passes values
// through. Kernels: assembly/layers/dropout.ts.
import { checkFloat32, checkKeys } from '../errors.js';
import { checkSeed } from '../initializers.js';
import { preview } from '../io/json.js';
import type { Core } from '../wasm.js';
import { baseArgs } from './config.js';
import { LAYER_ARG_KEYS, Layer, sizeOf, type LayerArgs, type Shape } from './layer.js';
import { ValueError } from '../errors.js';

export interface DropoutConfig extends LayerArgs {
  /** Fraction of the inputs to drop during training, in [0, 1). */
  rate: number;
  /** Seeds the dropout masks (default: derived from the model's seed). */
  seed?: number;
}

export class Dropout extends Layer {
  readonly className = 'Dropout';
  /** A mask passes through it (TF.js's supportsMasking). */
  override get supportsMasking(): boolean {
    return true;
  }
  readonly rate: number;
  readonly seed: number | undefined;

  constructor(config: DropoutConfig) {
    const where = 'layers.dropout()';
    checkKeys(config, ['rate', 'seed', ...LAYER_ARG_KEYS], where);
    super(config, where);
    this.rate = checkFloat32(config.rate, { min: 0, below: 1 }, where, 'rate');
    this.seed = config.seed === undefined ? undefined : checkSeed(config.seed, where);
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  getConfig(): Record<string, unknown> {
    return { rate: this.rate, noise_shape: null, seed: this.seed ?? null };
  }

  static fromConfig(c: Record<string, unknown>): Dropout {
    const args = baseArgs(c, ['rate', 'noise_shape', 'seed']);
    if (c.noise_shape != null) throw new ValueError(`noise_shape is not supported, got ${preview(c.noise_shape)}`);
    return new Dropout({ ...args, rate: c.rate as number, seed: (c.seed ?? undefined) as number | undefined });
  }

  describeConfig(): string {
    return `rate: ${this.rate}`;
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    // Over the rows of the last axis, so a loss after it still reads that axis.
    const features = inputShape[inputShape.length - 1];
    core.net_set_dropout(net, index, sizeOf(inputShape) / features, features, this.rate);
  }

  reference(x: Float64Array): { output: Float64Array } {
    return { output: x };
  }
}
