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
import { input } from '../symbolic.js';
import type { SymbolicTensor } from '../layers/layer.js';
import { decodeWeights } from './weights.js';
import { MAX_APPLICATIONS } from '../topology.js';

/** Everything loadModel needs to build the model, checked. */
export interface Plan {
  name: string | undefined;
  inputShape: number[];
  seed?: number;
  layers: Layer[];
  /** A graph model's inputs and outputs, its layers applied (model() builds it from them). */
  graph?: { inputs: SymbolicTensor[]; outputs: SymbolicTensor[] };
  weights: Float32Array[];
  /** The layer each of `weights` belongs to (a graph's file may list its layers in another order than model() runs them). */
  weightLayers: Layer[];
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

// How errors name the file's layer entry i: its position, class and (when it has one) name.
function entryWhere(i: number, kind: string, given: unknown): string {
  return `layer ${i} (${kind}${isObject(given) && typeof given.name === 'string' ? ` "${given.name}"` : ''})`;
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
  // A graph: TF.js writes class_name 'Model' (Keras 3: 'Functional').
  const graph = topology.class_name === 'Model' || topology.class_name === 'Functional';
  if (topology.class_name !== 'Sequential' && !graph) throw fail(`expected a Sequential or a functional Model, got class_name ${describe(topology.class_name)}`);
  const config = topology.config as Record<string, unknown>;
  if (!isObject(config) || !Array.isArray(config.layers)) throw fail(`modelTopology.config.layers must be an array of layers`);

  const entries = config.layers as unknown[];
  // save() refuses a model with no layers, by the same rule: there is no input width to record.
  if (entries.length === 0) throw fail('the model has no layers');
  const unsupported = entries
    .map((l, i) => (isObject(l) && (isLayerClass(l.class_name) || (graph && l.class_name === 'InputLayer')) ? undefined : `${isObject(l) ? String(l.class_name) : describe(l)} (layer ${i}${isObject(l) && isObject(l.config) && l.config.name ? `, ${String(l.config.name)}` : ''})`))
    .filter((s) => s !== undefined);
  if (unsupported.length) throw fail(`unsupported layers: ${unsupported.join(', ')}; neurite supports ${Object.keys(LAYER_CLASSES).join(', ')}`);

  const built: Layer[] = [];
  const expected: { name: string; shape: number[]; layer: Layer; fromConfig?: Float32Array }[] = [];
  let shape: Shape = [];
  let inputShape: number[] = [];
  let plannedGraph: Plan['graph'];
  if (graph) {
    plannedGraph = readGraph(config, entries, artifacts.weightSpecs, fail, built, expected);
    inputShape = [...plannedGraph.inputs[0].shape];
  }
  const names = new Set<string>();
  if (!graph) entries.forEach((entry, i) => {
    const { class_name: kind, config: given } = entry as { class_name: string; config: Record<string, unknown> };
    const where = entryWhere(i, kind, given);
    if (!isObject(given)) throw fail(`${where}: config must be an object`);
    const c = separableMultiplier(kind, given, artifacts.weightSpecs);
    const layer = wrap(where, fail, () => LAYER_CLASSES[kind](c));
    if (i === 0) {
      if (!layer.declaredInputShape) throw fail(`${where}: the first layer needs batch_input_shape [null, ...shape of one example], got ${preview(c.batch_input_shape)}`);
      shape = inputShape = [...layer.declaredInputShape];
    }
    if (names.has(layer.name!)) throw fail(`${where}: layer name ${describe(layer.name)} is used twice`);
    names.add(layer.name!);
    built.push(layer);
    const out = wrap(where, fail, () => layerWeights(layer, [shape]));
    expected.push(...out.weights.map((w) => ({ ...w, layer })));
    shape = out.outputShape;
  });

  const tensors = decodeWeights(artifacts.weightSpecs, artifacts.weightData, fail);
  // Keras writes no weights for what a layer's config fixes (a Normalization given mean and
  // variance): a layer the file lists no weight of takes those from its config.
  const listed = new Set(expected.filter((e) => tensors.has(e.name)).map((e) => e.layer));
  const weights = expected.map(({ name, shape, layer, fromConfig }) => {
    if (fromConfig && !listed.has(layer)) return fromConfig.slice();
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
    ...(plannedGraph && { graph: plannedGraph }),
    weights,
    weightLayers: expected.map((e) => e.layer),
    ...(meta !== undefined && readNeurite(meta, count, tensors, fail)),
  };
}



// A functional Model's layers (TF.js's format: its InputLayers, then each layer with inbound_nodes
// naming the layers it reads), applied in the order written — each after what it reads — to the
// inputs input_layers names, with the outputs output_layers names. Fills `built` and
// `expected` as parse() does.
function readGraph(
  config: Record<string, unknown>, entries: unknown[], specs: unknown, fail: (message: string) => ValueError,
  built: Layer[], expected: { name: string; shape: number[]; layer: Layer; fromConfig?: Float32Array }[],
): { inputs: SymbolicTensor[]; outputs: SymbolicTensor[] } {
  const named = (which: string, most: number): [string, number][] => {
    const list = config[which];
    if (!Array.isArray(list) || list.length === 0 || list.length > most || !list.every((l) => Array.isArray(l) && typeof l[0] === 'string' && Number.isInteger(l[1]) && l[1] >= 0)) {
      throw fail(`${which} must name the model's ${which === 'input_layers' ? 'input' : 'output'} layers ([[name, node, 0], ...], at most ${most}), got ${preview(list)}`);
    }
    return list.map((l: unknown[]) => [l[0] as string, l[1] as number]);
  };
  const inputNames = named('input_layers', 16).map(([name]) => name), outputLayers = named('output_layers', 16);
  // Each layer's output per application, keyed "name#node" (an InputLayer's: node 0).
  const tensors = new Map<string, SymbolicTensor>();
  const key = (name: string, node: number) => `${name}#${node}`;
  // The layers' applications still to make, in file order: a node may read a layer listed after
  // its own (TF.js's files allow it), so they are applied as their inputs become available.
  const pending: { layer: Layer; where: string; nodes: unknown[][]; next: number }[] = [];
  const layerNames = new Set<string>();
  entries.forEach((entry, i) => {
    const { class_name: kind, config: given, inbound_nodes: inbound } = entry as { class_name: string; config: Record<string, unknown>; inbound_nodes: unknown };
    const where = entryWhere(i, kind, given);
    if (!isObject(given)) throw fail(`${where}: config must be an object`);
    if (kind === 'InputLayer') {
      const shape = given.batch_input_shape, name = given.name;
      if (typeof name !== 'string' || !inputNames.includes(name) || tensors.has(key(name, 0))) throw fail(`${where}: an InputLayer must be one of input_layers (${inputNames.join(', ')}), each once`);
      if (!Array.isArray(shape) || shape[0] !== null) throw fail(`${where}: batch_input_shape must be [null, ...shape of one example], got ${preview(shape)}`);
      tensors.set(key(name, 0), wrap(where, fail, () => input({ shape: shape.slice(1) as number[], name })));
      return;
    }
    // One node per application of the layer (a shared layer has several), each a list of inputs.
    if (!Array.isArray(inbound) || inbound.length === 0 || inbound.length > MAX_APPLICATIONS || !inbound.every((node) => Array.isArray(node) && node.length > 0)) {
      throw fail(`${where}: inbound_nodes must list the layer's applications (1 to ${MAX_APPLICATIONS}), each [[layer name, node, 0, {}], ...], got ${preview(inbound)}`);
    }
    const layer = wrap(where, fail, () => LAYER_CLASSES[kind](separableMultiplier(kind, given, specs)));
    if (layerNames.has(layer.name!) || inputNames.includes(layer.name!)) throw fail(`${where}: layer name ${describe(layer.name)} is used twice`);
    layerNames.add(layer.name!);
    built.push(layer);
    pending.push({ layer, where, nodes: inbound as unknown[][], next: 0 });
  });
  // Each layer's applications in order (node k is the k-th apply()), each made as soon as its
  // inputs are: a layer waiting on a tensor is woken when it is made, so any file order builds in
  // linear time.
  const waiting = new Map<string, (typeof pending)[number][]>();
  const advance = (p: (typeof pending)[number]): void => {
    while (p.next < p.nodes.length) {
      const edges = p.nodes[p.next].map((edge) => {
        const ok = Array.isArray(edge) && typeof edge[0] === 'string' && Number.isInteger(edge[1]) && edge[2] === 0;
        if (!ok) throw fail(`${p.where}: inbound_nodes names ${preview(edge)}; expected [layer name, node index, 0, {}]`);
        return key(edge[0] as string, edge[1] as number);
      });
      const missing = edges.find((k) => !tensors.has(k));
      if (missing !== undefined) {
        const list = waiting.get(missing);
        if (list) list.push(p);
        else waiting.set(missing, [p]);
        return;
      }
      const inputs = edges.map((k) => tensors.get(k)!);
      const output = wrap(p.where, fail, () => p.layer.apply(inputs.length === 1 ? inputs[0] : inputs));
      if (p.next === 0) expected.push(...wrap(p.where, fail, () => layerWeights(p.layer, inputs.map((t) => t.shape))).weights.map((w) => ({ ...w, layer: p.layer })));
      const made = key(p.layer.name!, p.next++);
      tensors.set(made, output);
      const woken = waiting.get(made);
      if (woken) {
        waiting.delete(made);
        ready.push(...woken);
      }
    }
  };
  const ready = [...pending];
  for (let r = 0; r < ready.length; r++) advance(ready[r]);
  // What is still waiting names a tensor no layer makes: a name no layer has, a node index past a
  // layer's applications, or else a cycle. The first kind is named first: it is the cause.
  if (waiting.size) {
    const split = (k: string) => [k.slice(0, k.lastIndexOf('#')), Number(k.slice(k.lastIndexOf('#') + 1))] as const;
    const nodes = new Map(pending.map((p) => [p.layer.name!, p.nodes.length]));
    const cause = (k: string) => {
      const [name, node] = split(k);
      return !nodes.has(name) && !inputNames.includes(name) ? 0 : node >= (nodes.get(name) ?? 1) ? 1 : 2;
    };
    const [unmade, stuck] = [...waiting.entries()].sort((a, b) => cause(a[0]) - cause(b[0]))[0];
    const [name, node] = split(unmade);
    const why = [`no layer or input is named ${JSON.stringify(name)}`, `layer ${JSON.stringify(name)} is applied ${nodes.get(name)} time(s), so it has no node ${node}`, `its node ${node} depends on this layer in turn: a cycle`][cause(unmade)];
    throw fail(`${stuck[0].where}: inbound_nodes names [${JSON.stringify(name)}, ${node}, 0], but ${why}`);
  }
  const inputs = inputNames.map((name) => {
    const tensor = tensors.get(key(name, 0));
    if (!tensor || tensor.layer) throw fail(`input_layers names ${JSON.stringify(name)}, which is not an InputLayer of the model`);
    return tensor;
  });
  const outputs = outputLayers.map(([name, node]) => {
    const output = tensors.get(key(name, node));
    if (!output || !output.layer) throw fail(`output_layers names ${JSON.stringify(name)} (node ${node}), which is not a layer of the model`);
    return output;
  });
  return { inputs, outputs };
}
