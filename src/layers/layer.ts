// A layer: a function of one example's values, with its shape rule, its weights and their
// initializers, its Keras config, a description for the Wasm core, and a float64 reference forward
// pass for gradientCheck. Every layer class extends this one; src/layers/registry.ts maps Keras
// class names to them for loading.
import type { Core } from '../wasm.js';
import { ShapeError, StateError, ValueError, checkBoolean, describe } from '../errors.js';
import type { Initializer } from '../initializers.js';
import type { Regularizer } from '../regularizers.js';

/** The shape of one example, without the batch axis: [784], [28, 28, 1], [T, F]. */
export type Shape = readonly number[];

/** The widest axis, and the most values one example may hold: sizes reach the core as 32 bits. */
export const MAX_WIDTH = 2 ** 30;

/** One weight tensor of a layer, as build() declares it. */
export interface LayerWeight {
  /** Keras's name within the layer: 'kernel', 'bias', ... */
  name: string;
  shape: number[];
  initializer: Initializer;
  regularizer: Regularizer | undefined;
  /** False for state the layer updates itself (moving statistics): no gradient, no optimizer. */
  trainable?: boolean;
  /**
   * The values the layer's config fixes (a Normalization given mean and variance), for a saved
   * file that leaves the weight out, as Keras writes none for them.
   */
  fromConfig?: Float32Array;
}

/** Options every layer takes. */
export interface LayerArgs {
  /** Shape of one example, for the first layer when the model was not given one. */
  inputShape?: number[];
  /** [null, ...inputShape], as Keras writes it. */
  batchInputShape?: (number | null)[];
  /** Alternative to inputShape: [inputDim]. */
  inputDim?: number;
  name?: string;
  /** False freezes the layer: its weights are kept as they are by training (default true). */
  trainable?: boolean;
}

export const LAYER_ARG_KEYS = ['inputShape', 'batchInputShape', 'inputDim', 'name', 'trainable'];

/** The product of a shape's axes: how many values it holds. */
export function sizeOf(shape: Shape): number {
  // A loop, not reduce(): it runs on every training step, and a callback would be one more call.
  let size = 1;
  for (let i = 0; i < shape.length; i++) size *= shape[i];
  return size;
}

/** `[null,2,3]`: a shape with its batch axis, as summaries and errors show it. */
export function formatShape(shape: Shape): string {
  return `[null,${shape.join(',')}]`;
}

/**
 * What `input()` and `layer.apply()` return while a graph model is described (TF.js's
 * SymbolicTensor): one example's shape, the layer that makes it and the tensors that layer was
 * applied to, so model({ inputs, outputs }) can walk back from the outputs.
 */
export class SymbolicTensor {
  /** The shape of one example. */
  readonly shape: Shape;
  /** The layer that makes it, or undefined for a model input. */
  readonly layer: Layer | undefined;
  /** The tensors that layer was applied to ([] for a model input). */
  readonly inputs: readonly SymbolicTensor[];
  /** A model input's name (a layer's output is named after its layer). */
  readonly inputName: string | undefined;

  /** @internal Use input() or layer.apply(). */
  constructor(shape: Shape, layer: Layer | undefined, inputs: readonly SymbolicTensor[], inputName?: string) {
    this.shape = shape;
    this.layer = layer;
    this.inputs = inputs;
    this.inputName = inputName;
  }

  /** The name TF.js would show: the input's, or the layer's. */
  get name(): string {
    return this.inputName ?? this.layer?.name ?? '(unnamed)';
  }
}

/** What holds a layer's weights: the model it was added to. */
export interface WeightOwner {
  readonly name: string;
  readonly isDisposed: boolean;
  layerWeights(layer: Layer): Float32Array[];
  setLayerWeights(layer: Layer, weights: ArrayLike<number>[]): void;
}

export abstract class Layer {
  /** Keras's class name: what a saved model names this layer. */
  abstract readonly className: string;
  /** Unique within a model; chosen by the model when not given. */
  name: string | undefined;
  /** The input shape declared on the layer, if any. */
  readonly declaredInputShape: Shape | undefined;
  private isTrainable: boolean;
  private owner: WeightOwner | undefined;

  protected constructor(args: LayerArgs, where: string) {
    this.declaredInputShape = inputShapeOf(args, where);
    this.name = layerName(args.name, where);
    this.isTrainable = trainableFlag(args.trainable, where);
  }

  /**
   * Whether training changes this layer's weights. Setting it to false freezes the layer (as Keras
   * and TF.js: for transfer learning); it takes effect from the next training step.
   */
  get trainable(): boolean {
    return this.isTrainable;
  }

  set trainable(value: boolean) {
    this.isTrainable = trainableFlag(value, `${this.name ?? this.className}.trainable`);
  }

  /** @internal The model holding this layer's weights (undefined when it leaves it). */
  attach(owner: WeightOwner | undefined): void {
    this.owner = owner;
  }

  /**
   * @internal Refuses a layer that is in another model still in use: a layer's weights live in one
   * model (sharing them between models, as TF.js's encoder / full-model pattern does, is not
   * supported yet).
   */
  checkFree(where: string): void {
    const owner = this.owner;
    if (owner && !owner.isDisposed) {
      throw new ValueError(`${where}: ${this.className} layer ${JSON.stringify(this.name ?? '(unnamed)')} is already in model ${JSON.stringify(owner.name)}; a layer's weights live in one model (sharing them between models is not supported yet): make a new layer, or dispose of that model first`);
    }
  }

  /** Whether the layer is in a model (which then holds its weights). */
  protected get inModel(): boolean {
    return this.owner !== undefined;
  }

  /** Copies of this layer's weights in Keras order (kernel, bias, ...); [] before it is in a model. */
  getWeights(): Float32Array[] {
    return this.owner ? this.owner.layerWeights(this) : [];
  }

  /** Replaces this layer's weights (same order and shapes as getWeights()), checked like model.setWeights(). */
  setWeights(weights: ArrayLike<number>[]): void {
    if (!this.owner) throw new StateError(`${this.className} layer ${JSON.stringify(this.name ?? '(unnamed)')}: setWeights() needs the layer in a model: add() it first`);
    this.owner.setLayerWeights(this, weights);
  }

  /** The output shape for an input of `inputShape`; a ShapeError names the layer and both shapes. */
  abstract computeOutputShape(inputShape: Shape): Shape;

  /**
   * The output shape for inputs of these shapes: one for most layers; a merge layer takes several
   * (and overrides this).
   */
  computeOutputShapes(inputShapes: readonly Shape[]): Shape {
    if (inputShapes.length !== 1) throw this.shapeError(`takes one input, got ${inputShapes.length}`, inputShapes[0] ?? []);
    return this.computeOutputShape(inputShapes[0]);
  }

  /**
   * Applies the layer to symbolic inputs (from input() or another apply()), describing a graph for
   * model({ inputs, outputs }), as TF.js's layer.apply(). A merge layer takes an array. Applied
   * again, it is a shared layer: every application uses the same weights, and training adds their
   * gradients over all of them.
   */
  apply(inputs: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
    const where = `${this.className} layer ${JSON.stringify(this.name ?? '(unnamed)')}.apply()`;
    const list = Array.isArray(inputs) ? [...inputs] : [inputs];
    if (list.length === 0 || !list.every((t) => t instanceof SymbolicTensor)) {
      throw new ValueError(`${where}: expected a symbolic tensor from input() or another apply() (or an array of them), got ${describe(inputs)}`);
    }
    if (this.declaredInputShape && list.length === 1 && list[0].shape.join() !== this.declaredInputShape.join()) {
      throw new ShapeError(`${where}: the layer declares inputShape ${formatShape(this.declaredInputShape)} but is applied to ${formatShape(list[0].shape)}`);
    }
    const shape = this.computeOutputShapes(list.map((t) => t.shape));
    return new SymbolicTensor(shape, this, list);
  }

  /** The weights the layer needs for an input of `inputShape`, in Keras order. */
  weightSpecs(_inputShape: Shape): LayerWeight[] {
    return [];
  }

  /** Number of weights given the input shape. */
  countParams(inputShape: Shape): number {
    return this.weightSpecs(inputShape).reduce((n, w) => n + sizeOf(w.shape), 0);
  }

  /** Weights that training changes: none when frozen, and never the layer's own state. */
  countTrainableParams(inputShape: Shape): number {
    if (!this.trainable) return 0;
    return this.weightSpecs(inputShape).reduce((n, w) => n + (w.trainable === false ? 0 : sizeOf(w.shape)), 0);
  }

  /** The layer's own Keras config (snake_case), without name, trainable and input shape. */
  abstract getConfig(): Record<string, unknown>;

  /** What the summary says of the layer under its name ('activation: relu', 'rate: 0.2'). */
  abstract describeConfig(): string;

  /** Describes layer `index` to the Wasm core, for an input of `inputShape` (a merge: all `inputShapes`). */
  abstract plan(core: Core, net: number, index: number, inputShape: Shape, inputShapes?: readonly Shape[]): void;

  /**
   * The float64 reference forward pass of `rows` examples (inference: dropout inactive), with the
   * pre-activation values where the loss may read logits; `mask` is the input's (1 or 0 per step,
   * [rows, steps]) where it has one. For gradientCheck.
   */
  abstract reference(x: Float64Array, rows: number, inputShape: Shape, weights: Float64Array[], mask?: Float64Array): { output: Float64Array; logits?: Float64Array };

  /**
   * Masks, as TF.js: an embedding with maskZero or a masking layer marks padded steps, and the
   * recurrent layers after it skip them. A layer that does not support masking (TF.js's
   * supportsMasking false, the default) refuses a masked input; one that does passes the mask on
   * (outputMask 'input'), makes its own ('own'), or ends it (undefined).
   */
  get supportsMasking(): boolean {
    return false;
  }

  /**
   * Whether the layer changes weights of its own as it runs (batchNormalization's moving
   * statistics): then it cannot be applied twice, as both applications would update them.
   */
  get updatesState(): boolean {
    return false;
  }

  /** The mask the output carries, given whether the input has one. */
  outputMask(inputMasked: boolean): 'input' | 'own' | undefined {
    return inputMasked ? 'input' : undefined;
  }

  /** For a layer that makes a mask: its float64 reference (1 or 0 per step) for `rows` examples at x. */
  referenceMask?(x: Float64Array, rows: number, inputShape: Shape): Float64Array;

  /**
   * For a layer that must be the model's first (its input has no gradient: embedding's ids).
   * The model refuses it anywhere else.
   */
  readonly firstOnly?: boolean;

  /**
   * Optional check of the model's input, for a first layer whose input has rules of its own
   * (embedding: integer ids in range). The model calls it on the copy staged in Wasm memory, after
   * the finite check and before any step: `count` values from heap[start], `cols` per example, the
   * first being example `firstRow`. Throws a ValueError naming the row and position; allocates
   * nothing otherwise (it runs on the training path).
   */
  checkInput?(heap: Float32Array, start: number, count: number, cols: number, firstRow: number, where: string, arg: string): void;

  /** The float64 regularizer penalty of the layer's weights. */
  referencePenalty(_weights: Float64Array[]): number {
    return 0;
  }

  /** An error naming this layer, for a shape it cannot take. */
  protected shapeError(message: string, inputShape: Shape): ShapeError {
    return new ShapeError(`${this.className} layer ${JSON.stringify(this.name ?? '(unnamed)')}: ${message}, got input shape ${formatShape(inputShape)}`);
  }
}

/** Checks a shape of one example: positive integers, at most MAX_WIDTH values in all. */
export function checkShape(shape: unknown, where: string, what: string): number[] {
  const dims = Array.isArray(shape) && shape.length >= 1 && shape.length <= 8 ? Array.from(shape as unknown[]) : undefined;
  if (!dims || !dims.every((d) => Number.isInteger(d) && (d as number) > 0 && (d as number) <= MAX_WIDTH) || sizeOf(dims as number[]) > MAX_WIDTH) {
    throw new ValueError(`${where}: ${what} must be 1 to 8 positive integers holding at most ${MAX_WIDTH} values, got ${describe(shape)}`);
  }
  return dims as number[];
}

/**
 * checkInput of a layer taking integer ids (embedding, categoryEncoding): every staged value an
 * integer in [0, limit), or a ValueError naming the layer, the row and the position.
 */
export function checkIds(layer: Layer, limit: number, heap: Float32Array, start: number, count: number, cols: number, firstRow: number, where: string, arg: string): void {
  for (let i = 0; i < count; i++) {
    const v = heap[start + i];
    if (!(v >= 0 && v < limit && Math.floor(v) === v)) {
      const row = firstRow + Math.floor(i / cols), position = i % cols;
      throw new ValueError(`${where} ${arg}: ${layer.className} layer ${JSON.stringify(layer.name)} takes integer ids in [0, ${limit - 1}], got ${v} at row ${row}, position ${position}`);
    }
  }
}

// inputShape, batchInputShape or inputDim (at most one of them), as the shape of one example.
function inputShapeOf(args: LayerArgs, where: string): Shape | undefined {
  const given = [args.inputShape, args.batchInputShape, args.inputDim].filter((v) => v !== undefined).length;
  if (given > 1) throw new ValueError(`${where}: give one of inputShape, batchInputShape and inputDim`);
  if (args.inputShape !== undefined) return checkShape(args.inputShape, where, 'inputShape');
  if (args.batchInputShape !== undefined) {
    const b = args.batchInputShape;
    if (!Array.isArray(b) || b.length < 2 || (b[0] !== null && b[0] !== undefined)) {
      throw new ValueError(`${where}: batchInputShape must be [null, ...shape of one example], got ${describe(b)}`);
    }
    return checkShape(b.slice(1), where, 'batchInputShape');
  }
  if (args.inputDim !== undefined) {
    if (!Number.isInteger(args.inputDim) || args.inputDim <= 0 || args.inputDim > MAX_WIDTH) {
      throw new ValueError(`${where}: inputDim must be a positive integer (at most ${MAX_WIDTH}), got ${describe(args.inputDim)}`);
    }
    return [args.inputDim];
  }
  return undefined;
}

/** A layer's name as given: a non-empty string, or undefined for one chosen by the model. */
function layerName(name: unknown, where: string): string | undefined {
  if (name !== undefined && (typeof name !== 'string' || name.length === 0 || name.length > 256)) {
    throw new ValueError(`${where}: name must be a non-empty string of at most 256 characters, got ${describe(name)}`);
  }
  return name;
}

function trainableFlag(value: unknown, where: string): boolean {
  return value === undefined ? true : checkBoolean(value, where, 'trainable');
}
