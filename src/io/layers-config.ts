// Each layer as tfjs-layers writes it in modelTopology — { class_name, config } — and back, through
// the layer classes' own getConfig() / fromConfig() and the registry of class names.
import type { Layer, Shape } from '../layers/layer.js';
import { baseConfig } from '../layers/config.js';
import { LAYER_CLASSES, isLayerClass } from '../layers/registry.js';

export { isLayerClass };

/** The Keras class names neurite reads. */
export const LAYER_CLASS_NAMES = Object.keys(LAYER_CLASSES);

/** `layer`'s weights in Keras order, named `layer/weight`, and its output shape, for an input of `inputShape`. */
export function layerWeights(layer: Layer, inputShape: Shape): { weights: { name: string; shape: number[] }[]; outputShape: Shape } {
  const weights = layer.weightSpecs(inputShape).map(({ name, shape }) => ({ name: `${layer.name}/${name}`, shape }));
  return { weights, outputShape: layer.computeOutputShape(inputShape) };
}

/** A layer as { class_name, config }; the first layer's config also holds the model's input shape. */
export function layerConfig(layer: Layer, inputShape: Shape | undefined): { class_name: string; config: Record<string, unknown> } {
  return { class_name: layer.className, config: { ...layer.getConfig(), ...baseConfig(layer.name, layer.trainable, inputShape) } };
}

/** A layer of a registered class from its config; errors name the key, the caller adds the layer. */
export function layerFromConfig(kind: string, config: Record<string, unknown>): Layer {
  return LAYER_CLASSES[kind](config);
}
