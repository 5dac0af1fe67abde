// The TypeScript side's layer registry: Keras class names to the classes that read their configs.
// A saved model names its layers by these; adding a layer adds its line here.
import type { Layer } from './layer.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { BatchNormalization } from './batch-normalization.js';
import { Conv2D } from './conv2d.js';
import { Conv1D } from './conv1d.js';

export const LAYER_CLASSES: Readonly<Record<string, (config: Record<string, unknown>) => Layer>> = Object.freeze({
  Dense: Dense.fromConfig,
  Dropout: Dropout.fromConfig,
  BatchNormalization: BatchNormalization.fromConfig,
  Conv2D: Conv2D.fromConfig,
  Conv1D: Conv1D.fromConfig,
});

/** True for a class name neurite can build. */
export function isLayerClass(name: unknown): name is string {
  return typeof name === 'string' && Object.hasOwn(LAYER_CLASSES, name);
}
