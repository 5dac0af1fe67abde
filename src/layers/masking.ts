// Masking: marks padded steps of [steps, features] examples for the recurrent layers after it, as
// TF.js's: a step whose every feature equals maskValue is masked (its values become 0, and the
// recurrent layers carry their state across it); the other steps pass unchanged. Kernels:
// assembly/layers/masking.ts.
import { checkFloat32, checkKeys } from '../errors.js';
import type { Core } from '../wasm.js';
import { baseArgs } from './config.js';
import { LAYER_ARG_KEYS, Layer, sizeOf, type LayerArgs, type Shape } from './layer.js';

export interface MaskingConfig extends LayerArgs {
  /** The value that marks padding (default 0). */
  maskValue?: number;
}

export class Masking extends Layer {
  readonly className = 'Masking';
  readonly maskValue: number;

  constructor(config: MaskingConfig = {}) {
    const where = 'layers.masking()';
    checkKeys(config, ['maskValue', ...LAYER_ARG_KEYS], where);
    super(config, where);
    // Compared as the float32 the inputs are (as TF.js's float32 tensors do).
    this.maskValue = config.maskValue === undefined ? 0 : checkFloat32(config.maskValue, {}, where, 'maskValue');
  }

  override get supportsMasking(): boolean {
    return true;
  }

  override outputMask(): 'own' {
    return 'own';
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  getConfig(): Record<string, unknown> {
    return { mask_value: this.maskValue };
  }

  static fromConfig(c: Record<string, unknown>): Masking {
    return new Masking({ ...baseArgs(c, ['mask_value']), maskValue: (c.mask_value ?? undefined) as number | undefined });
  }

  describeConfig(): string {
    return `maskValue: ${this.maskValue}`;
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    const features = inputShape[inputShape.length - 1];
    core.net_set_masking(net, index, sizeOf(inputShape) / features, features, this.maskValue);
  }

  /** 1 for a step with any feature other than maskValue, 0 for a padded one. */
  override referenceMask(x: Float64Array, rows: number, inputShape: Shape): Float64Array {
    const features = inputShape[inputShape.length - 1], steps = (rows * sizeOf(inputShape)) / features;
    const value = Math.fround(this.maskValue), mask = new Float64Array(steps);
    for (let g = 0; g < steps; g++) {
      for (let j = 0; j < features; j++) {
        if (x[g * features + j] !== value) {
          mask[g] = 1;
          break;
        }
      }
    }
    return mask;
  }

  reference(x: Float64Array, rows: number, inputShape: Shape): { output: Float64Array } {
    const features = inputShape[inputShape.length - 1], mask = this.referenceMask(x, rows, inputShape);
    return { output: x.map((v, i) => v * mask[Math.floor(i / features)]) };
  }
}
