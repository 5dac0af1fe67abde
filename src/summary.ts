// model.summary(): the layers, output shapes and parameter counts as a Keras-style table.
import { formatShape } from './layers/layer.js';
import type { Topology } from './topology.js';

/** The table for the model `name` with these layers, as Keras prints it. */
export function summary(name: string, topology: Topology): string {
  const rule = '_'.repeat(65), double = '='.repeat(65);
  const row = (a: string, b: string, c: string) => ` ${a.padEnd(27)} ${b.padEnd(25)} ${c}`.trimEnd();
  const lines = [`Model: "${name}"`, rule, row('Layer (type)', 'Output Shape', 'Param #'), double];
  let trainable = 0;
  topology.layers.forEach((layer, i) => {
    const params = layer.countParams(topology.inputs[i]);
    trainable += layer.countTrainableParams(topology.inputs[i]);
    lines.push(row(`${layer.name} (${layer.className})`, formatShape(layer.computeOutputShape(topology.inputs[i])), String(params)));
    lines.push(row(`  ${layer.describeConfig()}${layer.trainable ? '' : ' (frozen)'}`, '', ''));
  });
  const total = topology.countParams();
  lines.push(double, `Total params: ${total}`, `Trainable params: ${trainable}`, `Non-trainable params: ${total - trainable}`, rule);
  return lines.join('\n');
}
