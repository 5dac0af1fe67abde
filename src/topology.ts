// The layers' shape walk: each layer's inputs (the layers that make them) and their shapes, computed
// once as a layer is placed — after the one before in a stack (sequential), or where its inputs
// are made in a graph (model()) — the names the layers get, the masks they carry, and where each
// weight tensor sits in the model's flat parameter buffer. No Wasm here: the model builds from
// what this says.
import { ShapeError, StateError, ValueError, describe } from './errors.js';
import { formatShape, sizeOf, type Layer, type LayerWeight, type Shape } from './layers/layer.js';

/** One weight tensor in the flat parameter buffer: weight `index` of layer `layer`, in Keras order. */
export interface WeightSlot {
  label: string;
  offset: number;
  size: number;
  layer: number;
  index: number;
  spec: LayerWeight;
}

/** Most applications of one layer in a graph (the same limit reading a file). */
export const MAX_APPLICATIONS = 1024;

export class Topology {
  /**
   * The layers as the core runs them, first to last: one entry per application, so a shared layer
   * (applied twice in a graph) is here twice.
   */
  readonly layers: Layer[] = [];
  /** Parallel to `layers`: the index of the layer's first application (its own for most layers), which holds its weights. */
  readonly owners: number[] = [];
  /**
   * A graph's layers (their first applications) in TF.js's order, which getWeights() and `layers`
   * follow: by the layer's depth (its deepest application's), then by when the walk first met it.
   * Undefined when that is simply the order of `layers` (a stack).
   */
  layerOrder: number[] | undefined;
  // Each layer by name, and each layer's first application: found without a scan, so a file of
  // many thousands of layers builds in linear time.
  /** @internal */
  readonly named = new Map<string, Layer>();
  private readonly firstIndex = new Map<Layer, number>();
  private readonly applications = new Map<Layer, number>();
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
    if (this.firstIndex.has(layer)) throw new ValueError(`add(): this layer is already in the model`);
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

  // A layer's name: its own, or Keras's default — the class name in snake_case (Keras's
  // to_snake_case, so ZeroPadding2D is zero_padding2d) and the layer's position (batch_normalization_2).
  /** @internal */
  nameFor(layer: Layer): string {
    const snakeName = layer.className.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
    return layer.name ?? `${snakeName}_${this.layers.length + 1}`;
  }

  // Records a layer reading the outputs of `inputs` (−1: the model's input) of these shapes, after
  // checking it can: a first-only layer reads the model's input; a masked input needs a layer that
  // supports masking; the shapes must suit it. Throws, changing nothing, naming the layer.
  /** @internal */
  place(layer: Layer, name: string, inputs: number[], shapes: Shape[], where: string): void {
    const stack = this.layers, which = `${layer.className} layer ${JSON.stringify(name)}`;
    // Applied again (a shared layer): the same weights must fit these inputs.
    const first = this.firstIndex.get(layer) ?? -1;
    if (first >= 0) this.checkShared(layer, which, this.inputs[first], shapes[0], where);
    const applied = (this.applications.get(layer) ?? 0) + 1;
    if (applied > MAX_APPLICATIONS) throw new ValueError(`${where}: ${which} is applied more than ${MAX_APPLICATIONS} times, the most a layer can be`);
    if (layer.firstOnly && inputs.some((i) => i >= 0)) {
      const before = stack[inputs.find((i) => i >= 0)!];
      throw new ShapeError(`${where}: ${which} must be the model's first layer: its input is integer ids, which have no gradient to pass back (it is layer ${stack.length + 1}, after ${before.className} layer ${JSON.stringify(before.name)})`);
    }
    if ((this.named.get(name) ?? layer) !== layer) throw new ValueError(`${where}: the model already has a layer named ${JSON.stringify(name)}; layer names must be unique`);
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
    if (first < 0) this.firstIndex.set(layer, stack.length);
    this.applications.set(layer, applied);
    this.named.set(name, layer);
    stack.push(layer);
  }

  // A layer applied a second time shares its weights: they must have the same shapes for both
  // inputs, and the layer no state of its own (moving statistics cannot follow two inputs at once).
  private checkShared(layer: Layer, which: string, firstShape: Shape, shape: Shape, where: string): void {
    const a = layer.weightSpecs(firstShape), b = layer.weightSpecs(shape);
    if (a.length !== b.length || a.some((w, k) => !sameShape(w.shape, b[k].shape))) {
      throw new ShapeError(`${where}: ${which} is applied to ${formatShape(firstShape)} and to ${formatShape(shape)}, which need weights of different shapes; a shared layer has one set of weights`);
    }
    if (layer.updatesState) {
      throw new ValueError(`${where}: ${which} is applied twice, but it keeps state of its own (${a.filter((w) => w.trainable === false).map((w) => w.name).join(', ')}), which two applications would both update; use a layer per application`);
    }
  }

  /** Each layer's first application (which holds its weights), in the layers' order. */
  get firstApplications(): number[] {
    return this.layerOrder ?? this.owners.filter((first, i) => first === i);
  }

  /** The layers, each once (a shared layer too), in TF.js's order. */
  get uniqueLayers(): Layer[] {
    return this.firstApplications.map((i) => this.layers[i]);
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
    this.firstIndex.delete(layer);
    this.applications.delete(layer);
    this.named.delete(layer.name!);
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
    const unique = this.uniqueLayers;
    const layer = typeof nameOrIndex === 'number' ? (Number.isInteger(nameOrIndex) ? unique[nameOrIndex] : undefined) : stack.find((l) => l.name === nameOrIndex);
    if (!layer) throw new ValueError(`getLayer(): no layer ${describe(nameOrIndex)}; the layers are ${unique.map((l) => l.name).join(', ')}`);
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
    return this.firstApplications.reduce((sum, i) => sum + this.layers[i].countParams(this.inputs[i]), 0);
  }

  /**
   * Where each weight tensor sits in the flat parameter buffer: layer by layer in the layers' order
   * (the core lays them out so: net_set_param_rank), each layer's in Keras order. A shared layer's
   * weights are its first application's.
   */
  weights(): WeightSlot[] {
    const out: WeightSlot[] = [];
    let offset = 0;
    this.firstApplications.forEach((i) => {
      const layer = this.layers[i];
      layer.weightSpecs(this.inputs[i]).forEach((spec, index) => {
        const size = sizeOf(spec.shape);
        out.push({ label: `${layer.name} ${spec.name} [${spec.shape.join(', ')}]`, offset, size, layer: i, index, spec });
        offset += size;
      });
    });
    return out;
  }
}

/**
 * Each layer's applications, from Topology.owners, in one pass (a model of many thousands of layers
 * is saved and summarized in linear time): `lists[first]` holds, in order, the applications of the
 * layer first applied at `first` (empty at other indices); `node[j]` says which of its layer's
 * applications j is (TF.js's node index).
 */
export function applicationsOf(owners: readonly number[]): { lists: number[][]; node: number[] } {
  const lists: number[][] = owners.map(() => []), node: number[] = [];
  owners.forEach((first, j) => {
    node.push(lists[first].length);
    lists[first].push(j);
  });
  return { lists, node };
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
