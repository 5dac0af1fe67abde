// The layers' shape walk: each layer's inputs (the layers that make them) and their shapes, computed
// once as a layer is placed — after the one before in a stack (sequential), or where its inputs
// are made in a graph (model()) — the names the layers get, the masks they carry, and where each
// weight tensor sits in the model's flat parameter buffer. No Wasm here: the model builds from
// what this says.
import { ShapeError, StateError, ValueError, describe } from './errors.js';
import { formatShape, sizeOf, SymbolicTensor, type Layer, type LayerWeight, type Shape } from './layers/layer.js';

/** One weight tensor in the flat parameter buffer: weight `index` of layer `layer`, in Keras order. */
export interface WeightSlot {
  label: string;
  offset: number;
  size: number;
  layer: number;
  index: number;
  spec: LayerWeight;
}

export class Topology {
  /**
   * The layers as the core runs them, first to last: one entry per application, so a shared layer
   * (applied twice in a graph) is here twice.
   */
  readonly layers: Layer[] = [];
  /** Parallel to `layers`: the index of the layer's first application (its own for most layers), which holds its weights. */
  readonly owners: number[] = [];
  /** Each layer's input shape (one example), parallel to `layers`. */
  readonly inputs: Shape[] = [];
  /**
   * Each layer's input mask, parallel to `layers`: the index of the layer that made it (an embedding
   * with maskZero, a masking layer), or undefined when the input has none.
   */
  readonly masks: (number | undefined)[] = [];
  /** Each layer's inputs, parallel to `layers`: the layers that make them (−1 − m: the model's input m), in order. */
  readonly edges: number[][] = [];
  /** Each layer's input shapes, one per input. */
  readonly inputShapes: Shape[][] = [];
  /** The input shape of one example: declared to sequential(), or else by the first layer. */
  inputShape: Shape | undefined;
  /**
   * A graph model's inputs (model()), names and shapes: the layers are then saved with their
   * connections. With several, a staged example holds each input's values one after another.
   */
  graphInputs: { name: string; shape: Shape }[] | undefined;
  /** A graph model's outputs: the layers that make them, in order (a stack's is its last layer). */
  graphOutputs: number[] | undefined;

  constructor(inputShape: Shape | undefined) {
    this.inputShape = inputShape;
  }

  /**
   * Names the layer if it has no name and records its input shape: the model's input shape for the
   * first layer, the previous layer's output shape after. Throws, changing nothing, when the layer
   * is already in the stack, its name is taken, or it cannot take that input (errors as add()'s).
   */
  add(layer: Layer): void {
    const stack = this.layers;
    if (stack.includes(layer)) throw new ValueError(`add(): this layer is already in the model`);
    const declared = layer.declaredInputShape;
    const name = this.nameFor(layer);
    const which = `${layer.className} layer ${JSON.stringify(name)}`;
    let inputShape: Shape;
    if (stack.length === 0) {
      if (declared && this.inputShape && !sameShape(declared, this.inputShape)) {
        throw new ShapeError(`add(): the model's inputShape is ${formatShape(this.inputShape)} but ${which} declares ${formatShape(declared)}`);
      }
      const shape = this.inputShape ?? declared;
      if (!shape) throw new ShapeError(`add(): ${which} is first and needs an input shape: pass inputShape to sequential() or to the layer, e.g. inputShape: [2]`);
      inputShape = shape;
    } else {
      inputShape = [...this.outputShape];
      if (declared && !sameShape(declared, inputShape)) {
        throw new ShapeError(`add(): ${which} declares inputShape ${formatShape(declared)} but the previous layer outputs ${formatShape(inputShape)}`);
      }
    }
    this.place(layer, name, [stack.length - 1], [inputShape], 'add()');
    if (stack.length === 1) this.inputShape = inputShape;
  }

  /**
   * A graph's topology (model()): the layers that make `outputs` from `inputs`, each after the
   * layers it reads (the order the core runs them in), in TF.js's order. `check` sees each layer
   * first, before anything is named.
   */
  static fromGraph(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[], check?: (layer: Layer) => void): Topology {
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
    const visit = (node: SymbolicTensor): void => {
      if (!node.layer) {
        if (!inputs.includes(node)) throw new ValueError(`model(): the outputs need input ${JSON.stringify(node.name)}, which is not among the model's inputs (${names.join(', ')})`);
        reached.add(node);
        return;
      }
      if (met.has(node)) return;
      met.set(node, met.size);
      check?.(node.layer);
      node.inputs.forEach(visit);
      order.push(node);
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
    for (const node of [...order].reverse()) {
      const d = depth.get(node) ?? 0;
      depth.set(node, d);
      for (const t of node.inputs) if (t.layer) depth.set(t, Math.max(depth.get(t) ?? 0, d + 1));
    }
    order.sort((a, b) => depth.get(b)! - depth.get(a)! || met.get(a)! - met.get(b)!);
    for (const node of order) {
      const layer = node.layer!;
      const name = topology.nameFor(layer);
      if (topology.layers.some((l) => l.name === name && l !== layer)) throw new ValueError(`model(): two layers are named ${JSON.stringify(name)}; layer names must be unique`);
      topology.place(layer, name, node.inputs.map((t) => (t.layer ? order.indexOf(t) : -1 - inputs.indexOf(t))), node.inputs.map((t) => t.shape), 'model()');
    }
    topology.graphOutputs = outputs.map((t) => order.indexOf(t));
    return topology;
  }

  // A layer's name: its own, or Keras's default — the class name in snake_case (Keras's
  // to_snake_case, so ZeroPadding2D is zero_padding2d) and the layer's position (batch_normalization_2).
  private nameFor(layer: Layer): string {
    const snakeName = layer.className.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
    return layer.name ?? `${snakeName}_${this.layers.length + 1}`;
  }

  // Records a layer reading the outputs of `inputs` (−1: the model's input) of these shapes, after
  // checking it can: a first-only layer reads the model's input; a masked input needs a layer that
  // supports masking; the shapes must suit it. Throws, changing nothing, naming the layer.
  private place(layer: Layer, name: string, inputs: number[], shapes: Shape[], where: string): void {
    const stack = this.layers, which = `${layer.className} layer ${JSON.stringify(name)}`;
    // Applied again (a shared layer): the same weights must fit these inputs.
    const first = stack.indexOf(layer);
    if (first >= 0) this.checkShared(layer, which, this.inputs[first], shapes[0], where);
    if (layer.firstOnly && inputs.some((i) => i >= 0)) {
      const before = stack[inputs.find((i) => i >= 0)!];
      throw new ShapeError(`${where}: ${which} must be the model's first layer: its input is integer ids, which have no gradient to pass back (it is layer ${stack.length + 1}, after ${before.className} layer ${JSON.stringify(before.name)})`);
    }
    if (stack.some((l) => l.name === name && l !== layer)) throw new ValueError(`${where}: the model already has a layer named ${JSON.stringify(name)}; layer names must be unique`);
    const masks = inputs.map((i) => (i < 0 ? undefined : this.maskOf(i)));
    const mask = masks.find((m) => m !== undefined);
    // TF.js ANDs the masks meeting at a merge; one mask (from one layer, along every masked path) passes on.
    const other = masks.find((m) => m !== undefined && m !== mask);
    if (other !== undefined) {
      throw new ValueError(`${where}: ${which} joins inputs masked by two different layers, ${stack[mask!].className} layer ${JSON.stringify(stack[mask!].name)} and ${stack[other].className} layer ${JSON.stringify(stack[other].name)}; combining two masks is not supported yet: mask once, before the paths split`);
    }
    if (mask !== undefined && !layer.supportsMasking) {
      const source = stack[mask];
      throw new ValueError(`${where}: ${which} does not support masking, but its input carries the mask of ${source.className} layer ${JSON.stringify(source.name)}; put it after a layer that ends the mask (a recurrent layer without returnSequences), or do not mask`);
    }
    layer.name = name;
    // Throws a ShapeError naming the layer when it cannot take these inputs.
    layer.computeOutputShapes(shapes);
    this.inputs.push(shapes[0]);
    this.inputShapes.push(shapes);
    this.edges.push(inputs);
    this.masks.push(mask);
    this.owners.push(first >= 0 ? first : stack.length);
    stack.push(layer);
  }

  // A layer applied a second time shares its weights: they must have the same shapes for both
  // inputs, and the layer no state of its own (moving statistics cannot follow two inputs at once).
  private checkShared(layer: Layer, which: string, firstShape: Shape, shape: Shape, where: string): void {
    const a = layer.weightSpecs(firstShape), b = layer.weightSpecs(shape);
    if (a.length !== b.length || a.some((w, k) => !sameShape(w.shape, b[k].shape))) {
      throw new ShapeError(`${where}: ${which} is applied to ${formatShape(firstShape)} and to ${formatShape(shape)}, which need weights of different shapes; a shared layer has one set of weights`);
    }
    if (a.some((w) => w.trainable === false)) {
      throw new ValueError(`${where}: ${which} is applied twice, but it keeps state of its own (${a.filter((w) => w.trainable === false).map((w) => w.name).join(', ')}), which two applications would both update; use a layer per application`);
    }
  }

  /** The layers, each once (a shared layer at its first application), first to last. */
  get uniqueLayers(): Layer[] {
    return this.layers.filter((_, i) => this.owners[i] === i);
  }

  /** Removes and returns the last layer. */
  pop(): Layer {
    const layer = this.layers.pop();
    if (!layer) throw new StateError('pop(): the model has no layers');
    this.inputs.pop();
    this.inputShapes.pop();
    this.edges.pop();
    this.masks.pop();
    this.owners.pop();
    return layer;
  }

  /** The layer whose mask layer i's output carries, or undefined when it carries none. */
  maskOf(i: number): number | undefined {
    const made = this.layers[i].outputMask(this.masks[i] !== undefined);
    return made === 'own' ? i : made === 'input' ? this.masks[i] : undefined;
  }

  /** A layer by name, or by index from the first (0). */
  find(nameOrIndex: string | number): Layer {
    const stack = this.layers;
    const layer = typeof nameOrIndex === 'number' ? (Number.isInteger(nameOrIndex) ? stack[nameOrIndex] : undefined) : stack.find((l) => l.name === nameOrIndex);
    if (!layer) throw new ValueError(`getLayer(): no layer ${describe(nameOrIndex)}; the layers are ${stack.map((l) => l.name).join(', ')}`);
    return layer;
  }

  /** The layers whose outputs are the model's, in order: a graph's outputs, or a stack's last layer. */
  get outputs(): number[] {
    if (this.layers.length === 0) throw new StateError('the model has no layers: add() at least one layer first');
    return this.graphOutputs ?? [this.layers.length - 1];
  }

  /** Layer i's output shape (one example), as the layer returns it: copy it to hand it out. */
  outputShapeOf(i: number): Shape {
    return this.layers[i].computeOutputShapes(this.inputShapes[i]);
  }

  /** The first output's shape (one example), as the layer returns it: copy it to hand it out. */
  get outputShape(): Shape {
    return this.outputShapeOf(this.outputs[0]);
  }

  /** Number of weights, trainable or not (a shared layer's once). */
  countParams(): number {
    return this.layers.reduce((sum, layer, i) => sum + (this.owners[i] === i ? layer.countParams(this.inputs[i]) : 0), 0);
  }

  /** Where each weight tensor sits in the flat parameter buffer, layer by layer in Keras order. */
  weights(): WeightSlot[] {
    const out: WeightSlot[] = [];
    let offset = 0;
    this.layers.forEach((layer, i) => {
      if (this.owners[i] !== i) return; // a shared layer's weights are its first application's
      layer.weightSpecs(this.inputs[i]).forEach((spec, index) => {
        const size = sizeOf(spec.shape);
        out.push({ label: `${layer.name} ${spec.name} [${spec.shape.join(', ')}]`, offset, size, layer: i, index, spec });
        offset += size;
      });
    });
    return out;
  }
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
