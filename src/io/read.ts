// Reading TensorFlow.js's `layers-model` artifacts: parse() checks everything (topology, manifest,
// byte counts, shapes, finite values, compile config) and returns a plan; only then does loadModel
// create a model. Its own module, apart from writing (artifacts.ts): it needs every layer class, by
// the registry, and an app that only saves should not download them.
import { ShapeError, ValueError, describe } from '../errors.js';
import type { Layer, Shape } from '../layers/layer.js';
import { LAYER_CLASSES, isLayerClass } from '../layers/registry.js';
import { readNeurite, type CompilePlan, type TrainingPlan } from './compile-config.js';
import { checkNesting, isObject, preview, wrap } from './json.js';
import { layerWeights } from './layers-config.js';
import type { RawArtifacts } from './types.js';
import { decodeWeights } from './weights.js';

/** Everything loadModel needs to build the model, checked. */
export interface Plan {
  name: string | undefined;
  inputShape: number[];
  seed?: number;
  layers: Layer[];
  weights: Float32Array[];
  compile?: CompilePlan;
  training?: TrainingPlan;
}

/**
 * TF.js 4.22's SeparableConv2D writes no depth_multiplier in its config (Keras does): for such a
 * config, the multiplier is the last axis of the layer's depthwise_kernel [kh, kw, cin, M] in the
 * weight specs, so a TF.js-saved model with depthMultiplier > 1 loads (TF.js itself cannot load it).
 */
function separableMultiplier(kind: string, c: Record<string, unknown>, specs: unknown): Record<string, unknown> {
  if (kind !== 'SeparableConv2D' || c.depth_multiplier != null || !Array.isArray(specs)) return c;
  const spec = specs.find((s) => isObject(s) && s.name === `${String(c.name)}/depthwise_kernel`) as { shape?: unknown } | undefined;
  const shape = spec?.shape;
  if (!Array.isArray(shape) || shape.length !== 4 || !Number.isInteger(shape[3])) return c;
  return { ...c, depth_multiplier: shape[3] };
}

export function parse(artifacts: RawArtifacts, origin: string): Plan {
  const fail = (message: string) => new ValueError(`loadModel() ${origin}: ${message}`);
  checkNesting(artifacts.modelTopology, 'modelTopology', fail);
  checkNesting(artifacts.weightSpecs, 'weightSpecs', fail);
  const meta = isObject(artifacts.userDefinedMetadata) ? artifacts.userDefinedMetadata.neurite : undefined;
  checkNesting(meta, 'userDefinedMetadata.neurite', fail);
  let topology = artifacts.modelTopology as Record<string, unknown>;
  if (!isObject(topology)) throw fail(`modelTopology must be an object, got ${describe(topology)}`);
  // Keras (Python) nests the model config one level down.
  if (isObject(topology.model_config)) topology = topology.model_config;
  if (topology.class_name !== 'Sequential') throw fail(`expected a Sequential model, got class_name ${describe(topology.class_name)}`);
  const config = topology.config as Record<string, unknown>;
  if (!isObject(config) || !Array.isArray(config.layers)) throw fail(`modelTopology.config.layers must be an array of layers`);

  const entries = config.layers as unknown[];
  // save() refuses a model with no layers, by the same rule: there is no input width to record.
  if (entries.length === 0) throw fail('the model has no layers');
  const unsupported = entries
    .map((l, i) => (isObject(l) && isLayerClass(l.class_name) ? undefined : `${isObject(l) ? String(l.class_name) : describe(l)} (layer ${i}${isObject(l) && isObject(l.config) && l.config.name ? `, ${String(l.config.name)}` : ''})`))
    .filter((s) => s !== undefined);
  if (unsupported.length) throw fail(`unsupported layers: ${unsupported.join(', ')}; neurite supports ${Object.keys(LAYER_CLASSES).join(', ')}`);

  const built: Layer[] = [];
  const expected: { name: string; shape: number[] }[] = [];
  let shape: Shape = [];
  let inputShape: number[] = [];
  entries.forEach((entry, i) => {
    const { class_name: kind, config: given } = entry as { class_name: string; config: Record<string, unknown> };
    const where = `layer ${i} (${kind}${isObject(given) && typeof given.name === 'string' ? ` "${given.name}"` : ''})`;
    if (!isObject(given)) throw fail(`${where}: config must be an object`);
    const c = separableMultiplier(kind, given, artifacts.weightSpecs);
    const layer = wrap(where, fail, () => LAYER_CLASSES[kind](c));
    if (i === 0) {
      if (!layer.declaredInputShape) throw fail(`${where}: the first layer needs batch_input_shape [null, ...shape of one example], got ${preview(c.batch_input_shape)}`);
      shape = inputShape = [...layer.declaredInputShape];
    }
    if (built.some((l) => l.name === layer.name)) throw fail(`${where}: layer name ${describe(layer.name)} is used twice`);
    built.push(layer);
    const out = wrap(where, fail, () => layerWeights(layer, shape));
    expected.push(...out.weights);
    shape = out.outputShape;
  });

  const tensors = decodeWeights(artifacts.weightSpecs, artifacts.weightData, fail);
  const weights = expected.map(({ name, shape }) => {
    const t = tensors.get(name);
    if (!t || t.spec.group === 'optimizer') throw fail(`weightSpecs has no weight "${name}" (expected shape [${shape.join(', ')}])`);
    if (t.spec.shape.length !== shape.length || t.spec.shape.some((d, k) => d !== shape[k])) {
      throw new ShapeError(`loadModel() ${origin}: weight "${name}" has shape [${t.spec.shape.join(', ')}] but the topology needs [${shape.join(', ')}]`);
    }
    tensors.delete(name);
    return t.values;
  });
  const extra = [...tensors.values()].filter((t) => t.spec.group !== 'optimizer').map((t) => t.spec.name);
  if (extra.length) throw fail(`weightSpecs lists weights no layer has: ${extra.join(', ')}`);

  const count = weights.reduce((n, w) => n + w.length, 0);
  return {
    name: typeof config.name === 'string' ? config.name : undefined,
    inputShape,
    layers: built,
    weights,
    ...(meta !== undefined && readNeurite(meta, count, tensors, fail)),
  };
}


