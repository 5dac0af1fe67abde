// The layer stack's shape walk: each layer's input shape, computed once as it is added (its
// output shape is the next layer's input), the names the layers get, and where each weight tensor
// sits in the model's flat parameter buffer. No Wasm here: the model builds from what this says.
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

export class Topology {
  /** The layers, first to last. */
  readonly layers: Layer[] = [];
  /** Each layer's input shape (one example), parallel to `layers`. */
  readonly inputs: Shape[] = [];
  /**
   * Each layer's input mask, parallel to `layers`: the index of the layer that made it (an embedding
   * with maskZero, a masking layer), or undefined when the input has none.
   */
  readonly masks: (number | undefined)[] = [];
  /** The input shape of one example: declared to sequential(), or else by the first layer. */
  inputShape: Shape | undefined;

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
    // Keras's default names: the class name in snake_case (Keras's to_snake_case, so ZeroPadding2D
    // is zero_padding2d) and the layer's position (batch_normalization_2).
    const snakeName = layer.className.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
    const name = layer.name ?? `${snakeName}_${stack.length + 1}`;
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
    if (layer.firstOnly && stack.length > 0) {
      throw new ShapeError(`add(): ${which} must be the model's first layer: its input is integer ids, which have no gradient to pass back (it is layer ${stack.length + 1}, after ${stack[stack.length - 1].className} layer ${JSON.stringify(stack[stack.length - 1].name)})`);
    }
    if (stack.some((l) => l.name === name)) throw new ValueError(`add(): the model already has a layer named ${JSON.stringify(name)}; layer names must be unique`);
    const mask = this.outputMaskSource();
    if (mask !== undefined && !layer.supportsMasking) {
      const source = stack[mask];
      throw new ValueError(`add(): ${which} does not support masking, but its input carries the mask of ${source.className} layer ${JSON.stringify(source.name)}; put it after a layer that ends the mask (a recurrent layer without returnSequences), or do not mask`);
    }
    layer.name = name;
    // Throws a ShapeError naming the layer when it cannot take this input.
    layer.computeOutputShape(inputShape);
    if (stack.length === 0) this.inputShape = inputShape;
    this.inputs.push(inputShape);
    this.masks.push(mask);
    stack.push(layer);
  }

  /** Removes and returns the last layer. */
  pop(): Layer {
    const layer = this.layers.pop();
    if (!layer) throw new StateError('pop(): the model has no layers');
    this.inputs.pop();
    this.masks.pop();
    return layer;
  }

  /** The layer whose mask the last layer's output carries, or undefined when it carries none. */
  outputMaskSource(): number | undefined {
    const last = this.layers.length - 1;
    if (last < 0) return undefined;
    const made = this.layers[last].outputMask(this.masks[last] !== undefined);
    return made === 'own' ? last : made === 'input' ? this.masks[last] : undefined;
  }

  /** A layer by name, or by index from the first (0). */
  find(nameOrIndex: string | number): Layer {
    const stack = this.layers;
    const layer = typeof nameOrIndex === 'number' ? (Number.isInteger(nameOrIndex) ? stack[nameOrIndex] : undefined) : stack.find((l) => l.name === nameOrIndex);
    if (!layer) throw new ValueError(`getLayer(): no layer ${describe(nameOrIndex)}; the layers are ${stack.map((l) => l.name).join(', ')}`);
    return layer;
  }

  /** The last layer's output shape (one example), as the layer returns it: copy it to hand it out. */
  get outputShape(): Shape {
    const stack = this.layers;
    if (stack.length === 0) throw new StateError('the model has no layers: add() at least one layer first');
    return stack[stack.length - 1].computeOutputShape(this.inputs[stack.length - 1]);
  }

  /** Number of weights, trainable or not. */
  countParams(): number {
    return this.layers.reduce((sum, layer, i) => sum + layer.countParams(this.inputs[i]), 0);
  }

  /** Where each weight tensor sits in the flat parameter buffer, layer by layer in Keras order. */
  weights(): WeightSlot[] {
    const out: WeightSlot[] = [];
    let offset = 0;
    this.layers.forEach((layer, i) => {
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
