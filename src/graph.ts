// A graph model's topology (model()): the layers between its inputs and outputs in the order the
// core runs them, and in TF.js's order for their weights. Its own file, so an app that only stacks
// layers with sequential() does not bundle it.
import { ValueError } from './errors.js';
import { sizeOf, type Layer, type SymbolicTensor } from './layers/layer.js';
import { Topology } from './topology.js';

/**
 * A graph's topology (model()): the layers that make `outputs` from `inputs`, each after the
 * layers it reads (the order the core runs them in), in TF.js's order. `check` sees each layer
 * first, before anything is named.
 */
export function graphTopology(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[], check?: (layer: Layer) => void): Topology {
  const names = inputs.map((t) => t.name);
  if (new Set(names).size !== names.length) throw new ValueError(`model(): inputs must have different names, got ${names.join(', ')}`);
  // Several inputs are staged one after another in a row: the model's input is that row.
  const topology = new Topology(inputs.length === 1 ? inputs[0].shape : [inputs.reduce((n, t) => n + sizeOf(t.shape), 0)]);
  topology.graphInputs = inputs.map((t) => ({ name: t.name, shape: t.shape }));
  const order: SymbolicTensor[] = [];
  const reached = new Set<SymbolicTensor>();
  // Depth first from the output, as TF.js's container: each tensor numbered when first met (its
  // traversal order) and listed after every tensor it reads.
  const met = new Map<SymbolicTensor, number>();
  // (With a stack of its own, not recursion: a loaded file may chain thousands of layers.)
  const visit = (root: SymbolicTensor): void => {
    const stack: [SymbolicTensor, number][] = [[root, -1]];
    while (stack.length) {
      const frame = stack[stack.length - 1], node = frame[0];
      if (frame[1] === -1) {
        if (!node.layer) {
          if (!inputs.includes(node)) throw new ValueError(`model(): the outputs need input ${JSON.stringify(node.name)}, which is not among the model's inputs (${names.join(', ')})`);
          reached.add(node);
          stack.pop();
          continue;
        }
        if (met.has(node)) {
          stack.pop();
          continue;
        }
        met.set(node, met.size);
        check?.(node.layer);
      }
      // Its inputs in order, then the node itself: a depth-first post-order.
      if (++frame[1] < node.inputs.length) stack.push([node.inputs[frame[1]], -1]);
      else {
        stack.pop();
        order.push(node);
      }
    }
  };
  const given = outputs.find((t) => !t.layer);
  if (given) throw new ValueError(`model(): output ${JSON.stringify(given.name)} is an input itself: apply at least one layer`);
  if (new Set(outputs).size !== outputs.length) throw new ValueError('model(): the same tensor is listed twice in outputs');
  outputs.forEach(visit);
  const unused = inputs.filter((t) => !reached.has(t));
  if (unused.length) throw new ValueError(`model(): the output${outputs.length > 1 ? 's are' : ' is'} not connected to input ${unused.map((t) => JSON.stringify(t.name)).join(', ')}`);
  // The layers in TF.js's (Keras's) order, so getWeights() lines up with theirs: by depth, the
  // longest path to an output (deepest first, so every layer comes after what it reads), then
  // in traversal order.
  const depth = new Map<SymbolicTensor, number>();
  // TF.js's layer depths for the layers' order: a shared layer at its deepest application, which
  // pushes what feeds its other applications deeper too (Container's depth walk).
  const nodeDepth = new Map<SymbolicTensor, number>(), layerDepth = new Map<Layer, number>(), firstMet = new Map<Layer, number>();
  for (const node of [...order].reverse()) {
    const d = depth.get(node) ?? 0;
    depth.set(node, d);
    for (const t of node.inputs) if (t.layer) depth.set(t, Math.max(depth.get(t) ?? 0, d + 1));
    const layer = node.layer!, k = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(layer) ?? 0);
    nodeDepth.set(node, k);
    layerDepth.set(layer, k);
    firstMet.set(layer, Math.min(firstMet.get(layer) ?? Infinity, met.get(node)!));
    for (const t of node.inputs) if (t.layer) nodeDepth.set(t, Math.max(nodeDepth.get(t) ?? 0, k + 1));
  }
  order.sort((a, b) => depth.get(b)! - depth.get(a)! || met.get(a)! - met.get(b)!);
  const position = new Map(order.map((node, i) => [node, i]));
  for (const node of order) {
    const layer = node.layer!;
    const name = topology.nameFor(layer);
    if ((topology.named.get(name) ?? layer) !== layer) throw new ValueError(`model(): two layers are named ${JSON.stringify(name)}; layer names must be unique`);
    topology.place(layer, name, node.inputs.map((t) => (t.layer ? position.get(t)! : -1 - inputs.indexOf(t))), node.inputs.map((t) => t.shape), 'model()');
  }
  topology.graphOutputs = outputs.map((t) => position.get(t)!);
  // Several outputs are told apart by their layers' names: in y and compile()'s maps, and in the
  // logs (value_loss, val_value_loss), where an output named val or val_* would pass for another's.
  const outputNames = topology.graphOutputs.map((i) => topology.layers[i].name!);
  const twice = outputNames.find((name, k) => outputNames.indexOf(name) !== k);
  if (twice !== undefined) throw new ValueError(`model(): two outputs are made by layer ${JSON.stringify(twice)} (a shared layer applied twice); outputs are told apart by their layers' names, so give each output a layer of its own (an identity dense, a reshape)`);
  const val = outputs.length > 1 ? outputNames.find((name) => name === 'val' || name.startsWith('val_')) : undefined;
  if (val !== undefined) throw new ValueError(`model(): output layer ${JSON.stringify(val)}: with several outputs, each logs <name>_loss and its validation val_<name>_loss, so a name starting with val would pass for another log; rename the layer`);
  const firsts = topology.owners.filter((first, i) => first === i);
  const rank = (i: number) => [-layerDepth.get(topology.layers[i])!, firstMet.get(topology.layers[i])!];
  topology.layerOrder = firsts.sort((a, b) => rank(a)[0] - rank(b)[0] || rank(a)[1] - rank(b)[1]);
  return topology;
}

