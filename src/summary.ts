// model.summary(): the layers, output shapes and parameter counts as a Keras-style table.
import { formatShape } from './layers/layer.js';
import type { Topology } from './topology.js';

/** The table for the model `name` with these layers, as Keras prints it. */
export function summary(name: string, topology: Topology): string {
  const rows = topology.layers.map((layer, i) => ({
    name: `${layer.name} (${layer.className})`,
    shape: formatShape(layer.computeOutputShape(topology.inputs[i])),
    params: layer.countParams(topology.inputs[i]),
    trainable: layer.countTrainableParams(topology.inputs[i]),
    config: `  ${layer.describeConfig()}${layer.trainable ? '' : ' (frozen)'}`,
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
