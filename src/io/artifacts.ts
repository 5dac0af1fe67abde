// TensorFlow.js's `layers-model` format: a JSON topology (the Keras Sequential config that
// tfjs-layers writes) plus the weights as little-endian float32, in the order of a weights
// manifest. What neurite writes, tf.loadLayersModel reads, and what TF.js's model.save writes for
// a Sequential of Dense and Dropout layers, neurite reads.
//
// neurite's own extras ride where TF.js leaves room for them: activations TF.js cannot name
// (leakyRelu, elu with alpha ≠ 1) as `neurite_alpha` in the layer config; the model seed and the
// compile config in userDefinedMetadata.neurite; optimizer slots as weights of group 'optimizer'.
//
// parse() checks everything (topology, manifest, byte counts, shapes, finite values, compile
// config) and returns a plan; only then does loadModel create a model.
import type { Shape } from '../layers/layer.js';
import { compiledArtifacts } from './compile-config.js';
import { layerConfig, layerWeights } from './layers-config.js';
import { applicationsOf } from '../topology.js';
import type { ModelArtifacts, ModelState, NeuriteMetadata, WeightSpec } from './types.js';
import { encodeWeights } from './weights.js';

const GENERATED_BY = 'neurite 0.1.0';
const KERAS_VERSION = 'tfjs-layers 4.22.0';

// ---------------------------------------------------------------------------------------------
// Writing

/** The artifacts of a model, from what save() read of it. */
export function toArtifacts(model: ModelState, includeOptimizer: boolean): ModelArtifacts {
  const specs: WeightSpec[] = [];
  const layerConfigs: unknown[] = [];
  let shape: Shape = model.inputShape;
  const graph = model.graph;
  // A graph (TF.js's functional Model) lists its input as an InputLayer, and each layer with the
  // layers it reads: inbound_nodes, one node per application of the layer (a shared layer has
  // several), each [layer name, node index, tensor 0, kwargs] per input.
  for (const { name, shape } of graph?.inputs ?? []) {
    layerConfigs.push({ class_name: 'InputLayer', config: { batch_input_shape: [null, ...shape], dtype: 'float32', sparse: false, name }, name, inbound_nodes: [] });
  }
  // Each layer's applications, and which application of its layer the core's layer j is (TF.js's node index).
  const { lists: applications, node: nodeIndex } = applicationsOf(graph?.owners ?? []);
  // A graph's layers in its layers' order (TF.js's, which getWeights() follows), each once.
  const listed = graph ? graph.order : model.layers.map((_, i) => i);
  listed.forEach((i) => {
    const layer = model.layers[i];
    if (graph) {
      const inbound = applications[i].map((j) => graph.edges[j].map((from) => (from < 0 ? [graph.inputs[-1 - from].name, 0, 0, {}] : [model.layers[from].name, nodeIndex[from], 0, {}])));
      layerConfigs.push({ ...layerConfig(layer, undefined), name: layer.name, inbound_nodes: inbound });
    } else {
      layerConfigs.push(layerConfig(layer, i === 0 ? shape : undefined));
    }
    const out = layerWeights(layer, graph ? graph.inputShapes[i] : [shape]);
    for (const { name, shape } of out.weights) specs.push({ name, shape, dtype: 'float32' });
    shape = out.outputShape;
  });

  const tensors = [...model.weights];
  const neurite: NeuriteMetadata = { version: 1, seed: model.seed };
  let trainingConfig: Record<string, unknown> | undefined;
  if (model.compiled) {
    const count = model.weights.reduce((n, w) => n + w.length, 0);
    const compiled = compiledArtifacts(model.compiled, includeOptimizer, count);
    neurite.compile = compiled.compile;
    if (compiled.training) neurite.training = compiled.training;
    for (const { spec, values } of compiled.slots) {
      specs.push(spec);
      tensors.push(values);
    }
    trainingConfig = compiled.trainingConfig;
  }

  return {
    modelTopology: {
      class_name: graph ? 'Model' : 'Sequential',
      config: graph
        ? { name: model.name, layers: layerConfigs, input_layers: graph.inputs.map(({ name }) => [name, 0, 0]), output_layers: graph.outputs.map((i) => [model.layers[i].name, nodeIndex[i], 0]) }
        : { name: model.name, layers: layerConfigs },
      keras_version: KERAS_VERSION,
      backend: 'tensor_flow.js',
    },
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
    weightSpecs: specs,
    weightData: encodeWeights(tensors),
    ...(trainingConfig && { trainingConfig }),
    userDefinedMetadata: { neurite },
  };
}
