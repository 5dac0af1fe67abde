// model.summary(): the layers, output shapes and parameter counts as a Keras-style table.
import { formatShape } from './layers/layer.js';
import { applicationsOf, type Topology } from './topology.js';

/**
 * The table for the model `name` with these layers, as Keras prints it; a graph's layers also say
 * what they are connected to (Keras's last column, here on the layer's second line): a shared
 * layer, applied several times, is listed once with each application's inputs.
 */
export function summary(name: string, topology: Topology): string {
  const inputs = topology.graphInputs, graph = inputs !== undefined;
  const applications = applicationsOf(topology.owners).lists;
  const from = (i: number) => applications[i].map((j) => topology.edges[j].map((k) => (k < 0 ? inputs![-1 - k].name : topology.layers[k].name)).join(', ')).join(' | ');
  // A shared layer whose applications give different shapes shows "multiple", as Keras.
  const shapeOf = (i: number) => {
    const shapes = applications[i].map((j) => formatShape(topology.layers[j].computeOutputShapes(topology.inputShapes[j])));
    return shapes.every((s) => s === shapes[0]) ? shapes[0] : 'multiple';
  };
  const rows = topology.firstApplications.map((i) => topology.layers[i]).map((layer, k, _, i = topology.firstApplications[k]) => ({
    name: `${layer.name} (${layer.className})`,
    shape: shapeOf(i),
    params: layer.countParams(topology.inputs[i]),
    trainable: layer.countTrainableParams(topology.inputs[i]),
    config: `  ${graph ? `← ${from(i)}${layer.describeConfig() ? '; ' : ''}` : ''}${layer.describeConfig()}${layer.trainable ? '' : ' (frozen)'}`,
  }));
  // Keras's columns, widened where a layer's name or shape is longer, so they stay aligned.
  const first = Math.max(27, ...rows.map((r) => r.name.length)), second = Math.max(25, ...rows.map((r) => r.shape.length));
  const width = first + second + 13;
  const rule = '_'.repeat(width), double = '='.repeat(width);
  const row = (a: string, b: string, c: string) => ` ${a.padEnd(first)} ${b.padEnd(second)} ${c}`.trimEnd();
  const lines = [`Model: "${name}"`, rule, row('Layer (type)', 'Output Shape', 'Param #'), double];
  let trainable = 0;
  for (const r of rows) {
    trainable += r.trainable;
    lines.push(row(r.name, r.shape, String(r.params)), row(r.config, '', ''));
  }
  const total = topology.countParams();
  lines.push(double, `Total params: ${total}`, `Trainable params: ${trainable}`, `Non-trainable params: ${total - trainable}`, rule);
  return lines.join('\n');
}
