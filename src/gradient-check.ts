// gradientCheck: the chain rule, visible. It compares the gradients backpropagation computes (in
// the Wasm core, float32) with central finite differences of an independent float64 forward
// pass (src/reference.ts), tensor by tensor.
import { StateError, ValueError, checkKeys, describe } from './errors.js';
import { sizeOf } from './layers/layer.js';
import type { LayersModel, Prediction } from './model.js';
import { Merge } from './layers/merge.js';
import { outputLoss } from './reference.js';
import { copyFloat32, type Data, type InputData } from './data.js';

export interface GradientCheckResult {
  /** The largest error over all tensors. */
  maxRelativeError: number;
  /** One entry per weight tensor, in getWeights() order. */
  tensors: { name: string; maxRelativeError: number }[];
}

/**
 * For every weight w: numeric = (L(w + ε) − L(w − ε)) / 2ε in float64, analytic from
 * computeGradients(); the error of a tensor is max |analytic − numeric| / max(|analytic|,
 * |numeric|, 1e-3·s), where s is the tensor's largest numeric gradient, so entries whose gradient
 * is a rounding error of zero do not dominate. Dropout is inactive. Meant for small models: it
 * runs two float64 forward passes per weight.
 */
export function gradientCheck(model: LayersModel<Prediction>, x: InputData, y: InputData, config: { epsilon?: number } = {}): GradientCheckResult {
  checkKeys(config, ['epsilon'], 'gradientCheck()');
  const epsilon = config.epsilon ?? 1e-5;
  if (typeof epsilon !== 'number' || !(epsilon > 0) || !Number.isFinite(epsilon)) {
    throw new ValueError(`gradientCheck(): epsilon must be a positive number, got ${describe(epsilon)}`);
  }
  if (model.isDisposed) throw new StateError('gradientCheck(): the model has been disposed');
  const losses = model.losses;
  if (!losses) throw new StateError('gradientCheck(): the model must be compiled first');
  // One copy of each, read once: the backpropagation checks it and the reference uses it.
  const inputShape = model.inputShape, outputShapes = model.outputShapes, outputLayers = model.outputLayers;
  const labelShapes = losses.map(({ loss }, k) => {
    const shape = outputShapes[k];
    return loss.sparse ? (shape.length > 1 ? shape.slice(0, -1) : [1]) : shape;
  });
  // (A graph with several inputs or outputs takes them as fit() does: joined into rows.)
  const inputShapes = model.inputShapes, several = losses.length > 1;
  // One copy each, read once (joined per example as fit() joins several inputs or outputs); the
  // backpropagation gets that copy too, unless the data comes in parts: then it joins them again.
  const parts = (v: unknown) => typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !Array.isArray(v);
  const xParts = inputShapes.length > 1 || parts(x), yParts = several || parts(y);
  const xs = xParts ? model.inputs(x, 'gradientCheck()', 'x').data : copyFloat32(x as Data, inputShape, 'gradientCheck()', 'x');
  const ys = yParts ? model.labels(y, 'gradientCheck()', 'y').data : copyFloat32(y as Data, labelShapes[0], 'gradientCheck()', 'y');
  const { gradients } = model.computeGradients(xParts ? x : xs, yParts ? y : ys);
  const rows = xs.length / sizeOf(inputShape);
  const weights = model.getWeights().map((w) => Float64Array.from(w));
  // Each layer's own float64 reference forward pass, one after the other; the loss reads the
  // last layer's logits where the core does (a sigmoid/softmax output under its cross-entropy).
  // One entry per application: a shared layer's later ones reuse its first one's weights.
  const { layers, owners, firstWeight } = model.nodes, shapes = layers.map((_, i) => model.layerInputShape(i));
  const counts = layers.map((layer, i) => layer.weightSpecs(shapes[owners[i]]).length);
  const maskSources = layers.map((_, i) => model.layerInputMask(i));
  const graph = layers.map((_, i) => model.layerInputs(i));
  // Each model input's values of every example, as the core splits the joined rows.
  const sizes = inputShapes.map(sizeOf), width = sizes.reduce((a, b) => a + b, 0);
  const blocks = sizes.map((size, m) => {
    const block = new Float64Array(rows * size), offset = sizes.slice(0, m).reduce((a, b) => a + b, 0);
    for (let r = 0; r < rows; r++) for (let j = 0; j < size; j++) block[r * size + j] = xs[r * width + offset + j];
    return block;
  });
  // Each output's labels of every example, as the core splits the joined label rows.
  const labelSizes = labelShapes.map(sizeOf), labelWidth = labelSizes.reduce((a, b) => a + b, 0);
  const labels = labelSizes.map((size, k) => {
    const block = new Float32Array(rows * size), offset = labelSizes.slice(0, k).reduce((a, b) => a + b, 0);
    for (let r = 0; r < rows; r++) for (let j = 0; j < size; j++) block[r * size + j] = ys[r * labelWidth + offset + j];
    return block;
  });
  const f = () => {
    const outputs: Float64Array[] = [], logitsOf: (Float64Array | undefined)[] = [];
    let a: Float64Array = blocks[0], logits: Float64Array | undefined, penalty = 0;
    const masks: (Float64Array | undefined)[] = [];
    // In the core's order: each layer reads the outputs of the layers it is applied to.
    layers.forEach((layer, i) => {
      const first = owners[i], own = weights.slice(firstWeight[i], firstWeight[i] + counts[i]);
      const source = maskSources[i], inputs = graph[i].from.map((from) => (from < 0 ? blocks[-1 - from] : outputs[from]));
      masks[i] = layer.referenceMask?.(inputs[0], rows, shapes[i]);
      if (layer instanceof Merge) {
        a = layer.referenceInputs(inputs, rows, graph[i].shapes);
        logits = undefined;
      } else {
        ({ output: a, logits } = layer.reference(inputs[0], rows, shapes[i], own, source === undefined ? undefined : masks[source]));
      }
      outputs.push(a);
      logitsOf.push(logits);
      if (first === i) penalty += layer.referencePenalty(own);
    });
    // Σ weight × loss over the outputs, each read as the core reads it.
    return losses.reduce((total, { loss, weight }, k) => {
      const i = outputLayers[k], shape = outputShapes[k], units = shape[shape.length - 1];
      const layer = layers[i] as { activation?: { name: string } };
      return total + weight * outputLoss(loss, outputs[i], logitsOf[i], layer.activation?.name, labels[k], outputs[i].length / units, units);
    }, 0) + penalty;
  };
  // Each tensor's name and whether it is state, in getWeights() order.
  const specs: { name: string; state: boolean }[] = [];
  layers.forEach((layer, i) => {
    if (owners[i] !== i) return;
    layer.weightSpecs(shapes[i]).forEach((spec, k) => { specs[firstWeight[i] + k] = { name: `${layer.name}/${spec.name}`, state: spec.trainable === false }; });
  });
  // State the layer updates itself (moving statistics) has no gradient to check.
  const tensors = weights.flatMap((w, t) => (specs[t].state ? [] : [{ w, t }])).map(({ w, t }) => {
    const numeric = new Float64Array(w.length);
    for (let i = 0; i < w.length; i++) {
      const keep = w[i];
      w[i] = keep + epsilon;
      const up = f();
      w[i] = keep - epsilon;
      const down = f();
      w[i] = keep;
      numeric[i] = (up - down) / (2 * epsilon);
    }
    const scale = numeric.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    let worst = 0;
    for (let i = 0; i < w.length; i++) {
      const a = gradients[t][i], n = numeric[i];
      worst = Math.max(worst, Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), 1e-3 * scale, 1e-12));
    }
    return { name: specs[t].name, maxRelativeError: worst };
  });
  return { maxRelativeError: Math.max(0, ...tensors.map((t) => t.maxRelativeError)), tensors };
}
