// Conv1D: `filters` kernels slid along the steps of [steps, channels] examples,
//   z[t, f] = b[f] + Σ_{k,c} x[t·stride − padLeft + k·dilation, c]·W[k, c, f],   a = activation(z),
// with the kernel W [kernelSize, channels, filters] and the bias b [filters], as TF.js and Keras.
// It is conv2d of height 1 (src/layers/conv2d.ts), in the core too: kernels in
// assembly/layers/conv2d.ts.
import { Conv, type ConvConfig } from './conv2d.js';
import type { Shape } from './layer.js';

export interface Conv1DConfig extends ConvConfig {
  /** The kernel's length, as a number or [n]. */
  kernelSize: number | [number];
  strides?: number | [number];
  dilationRate?: number | [number];
}

export class Conv1D extends Conv {
  readonly className = 'Conv1D';
  protected readonly rank = 1;

  constructor(config: Conv1DConfig) {
    super(config, 1, 'layers.conv1d()');
  }

  protected spatial(inputShape: Shape): [number, number, number] {
    if (inputShape.length !== 2) throw this.shapeError('expects examples of rank 2, [steps, channels]', inputShape);
    return [1, inputShape[0], inputShape[1]];
  }

  static fromConfig(c: Record<string, unknown>): Conv1D {
    return new Conv1D(Conv.argsFromConfig(c) as Conv1DConfig);
  }
}
