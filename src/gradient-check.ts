// gradientCheck: the chain rule, visible. It compares the gradients backpropagation computes (in
// the Wasm core, float32) with central finite differences of an independent float64 forward
// pass (src/reference.ts), tensor by tensor.
import { copyFloat32 } from './data.js';
import { StateError, ValueError, checkKeys, describe } from './errors.js';
import { Dense } from './layers.js';
import type { Sequential } from './model.js';
import { stackLoss, type ReferenceLayer } from './reference.js';
import type { Data } from './data.js';

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
export function gradientCheck(model: Sequential, x: Data, y: Data, config: { epsilon?: number } = {}): GradientCheckResult {
  checkKeys(config, ['epsilon'], 'gradientCheck()');
  const epsilon = config.epsilon ?? 1e-5;
  if (typeof epsilon !== 'number' || !(epsilon > 0) || !Number.isFinite(epsilon)) {
    throw new ValueError(`gradientCheck(): epsilon must be a positive number, got ${describe(epsilon)}`);
  }
  if (model.isDisposed) throw new StateError('gradientCheck(): the model has been disposed');
  const loss = model.loss;
  if (!loss) throw new StateError('gradientCheck(): the model must be compiled first');
  // One copy of each, read once: the backpropagation checks it and the reference uses it.
  const inputs = model.inputShape[0];
  const xs = copyFloat32(x, inputs, 'gradientCheck()', 'x');
  const ys = copyFloat32(y, loss.sparse ? 1 : model.outputShape[0], 'gradientCheck()', 'y');
  const { gradients } = model.computeGradients(xs, ys);
  const rows = xs.length / inputs;
  const layers: ReferenceLayer[] = model.layers.map((layer) => layer instanceof Dense
    ? {
      kind: 'dense', units: layer.units, activation: layer.activation, useBias: layer.useBias,
      kernelL1: layer.kernelRegularizer?.l1, kernelL2: layer.kernelRegularizer?.l2,
      biasL1: layer.biasRegularizer?.l1, biasL2: layer.biasRegularizer?.l2,
    }
    : { kind: 'dropout', units: 0 });
  const weights = model.getWeights().map((w) => Float64Array.from(w));
  const f = () => stackLoss(layers, weights, loss, xs, ys, rows, inputs);
  const names = tensorNames(model);
  const tensors = weights.map((w, t) => {
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
    return { name: names[t], maxRelativeError: worst };
  });
  return { maxRelativeError: Math.max(0, ...tensors.map((t) => t.maxRelativeError)), tensors };
}

function tensorNames(model: Sequential): string[] {
  const names: string[] = [];
  for (const layer of model.layers) {
    if (!(layer instanceof Dense)) continue;
    names.push(`${layer.name}/kernel`);
    if (layer.useBias) names.push(`${layer.name}/bias`);
  }
  return names;
}
