// Each layer as tfjs-layers writes it in modelTopology — { class_name, config } — through the layer
// classes' own getConfig(), and the weights it saves. (Reading goes through the registry: read.ts.)
import type { Layer, Shape } from '../layers/layer.js';
import { baseConfig } from '../layers/config.js';

/**
 * `layer`'s weights in Keras order, named `layer/weight`, and its output shape, for inputs of
 * `inputShapes`; `fromConfig`, the values of a weight its config fixes (see LayerWeight).
 */
export function layerWeights(layer: Layer, inputShapes: readonly Shape[]): { weights: { name: string; shape: number[]; fromConfig?: Float32Array }[]; outputShape: Shape } {
  const weights = layer.weightSpecs(inputShapes[0]).map(({ name, shape, fromConfig }) => ({ name: `${layer.name}/${name}`, shape, ...(fromConfig && { fromConfig }) }));
  return { weights, outputShape: layer.computeOutputShapes(inputShapes) };
}

/** A layer as { class_name, config }; the first layer's config also holds the model's input shape. */
export function layerConfig(layer: Layer, inputShape: Shape | undefined): { class_name: string; config: Record<string, unknown> } {
  return { class_name: layer.className, config: { ...layer.getConfig(), ...baseConfig(layer.name, layer.trainable, inputShape) } };
}
