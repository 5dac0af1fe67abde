// Merge layers: several inputs into one, as TF.js's (tf.layers.add, ...): value by value — add,
// subtract (two inputs), multiply, average, maximum, minimum — over inputs of one shape, or
// concatenate along the last axis. They join a graph model's branches (model(), layer.apply([a, b]))
// and their backward pass is where the chain rule sums over paths: each input gets its share of
// the output's gradient. Kernels: assembly/layers/merge.ts.
import { checkKeys, ValueError, describe } from '../errors.js';
import type { Core } from '../wasm.js';
import { baseArgs } from './config.js';
import { LAYER_ARG_KEYS, Layer, formatShape, sizeOf, type LayerArgs, type Shape } from './layer.js';

// The core's operations (assembly/layers/merge.ts).
const OPS = { Add: 0, Subtract: 1, Multiply: 2, Average: 3, Maximum: 4, Minimum: 5 } as const;
type Op = keyof typeof OPS;

/** A layer that takes several inputs; placed with apply([a, b, ...]) in a model({ inputs, outputs }). */
export abstract class Merge extends Layer {
  computeOutputShape(inputShape: Shape): Shape {
    throw this.shapeError('merges two or more inputs: apply it to an array of symbolic tensors in a model({ inputs, outputs })', inputShape);
  }

  /** The float64 reference of the merge of `inputs` (gradientCheck). */
  abstract referenceInputs(inputs: Float64Array[], rows: number, inputShapes: readonly Shape[]): Float64Array;

  reference(): { output: Float64Array } {
    throw new ValueError(`${this.className}: a merge layer's reference takes all its inputs (referenceInputs)`);
  }

  describeConfig(): string {
    return '';
  }

  /**
   * A mask passes through a merge, which computes on every step (Keras's Merge.compute_mask: an
   * unmasked input counts as all steps kept, so the output carries the masked inputs' mask).
   */
  override get supportsMasking(): boolean {
    return true;
  }

  // (The core takes at most 16 inputs a layer.)
  protected checkCount(shapes: readonly Shape[], min: number, max = 16): void {
    if (shapes.length < min || shapes.length > max) {
      const wanted = max === min ? `${min}` : `${min} to ${max}`;
      throw this.shapeError(`takes ${wanted} inputs, got ${shapes.length}`, shapes[0] ?? []);
    }
  }
}

/** add, subtract, multiply, average, maximum, minimum: inputs of one shape, value by value. */
export class ElementwiseMerge extends Merge {
  readonly className: Op;

  constructor(className: Op, config: LayerArgs = {}) {
    const where = `layers.${className.toLowerCase()}()`;
    checkKeys(config, LAYER_ARG_KEYS, where);
    super(config, where);
    this.className = className;
  }

  override computeOutputShapes(shapes: readonly Shape[]): Shape {
    this.checkCount(shapes, 2, this.className === 'Subtract' ? 2 : 16);
    const first = shapes[0];
    const other = shapes.find((s) => s.length !== first.length || s.some((d, i) => d !== first[i]));
    if (other) throw this.shapeError(`needs inputs of one shape, got ${shapes.map(formatShape).join(' and ')}`, other);
    return first;
  }

  getConfig(): Record<string, unknown> {
    return {};
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    core.net_set_merge(net, index, sizeOf(inputShape), inputShape[inputShape.length - 1], OPS[this.className]);
  }

  referenceInputs(inputs: Float64Array[], rows: number, inputShapes: readonly Shape[]): Float64Array {
    const n = rows * sizeOf(inputShapes[0]), op = this.className, y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let v = inputs[0][i];
      for (let k = 1; k < inputs.length; k++) {
        const w = inputs[k][i];
        v = op === 'Add' || op === 'Average' ? v + w : op === 'Subtract' ? v - w : op === 'Multiply' ? v * w : op === 'Maximum' ? Math.max(v, w) : Math.min(v, w);
      }
      y[i] = op === 'Average' ? v / inputs.length : v;
    }
    return y;
  }
}

export interface ConcatenateConfig extends LayerArgs {
  /**
   * The axis to join along, counting the batch axis as TF.js does: the last, −1 (the default) or
   * its index (1 for [n] examples, as Keras code often writes it), the only one supported.
   */
  axis?: number;
}

/** Inputs joined along the last axis: [.., a] and [.., b] make [.., a + b]. */
export class Concatenate extends Merge {
  readonly className = 'Concatenate';
  readonly axis: number;

  constructor(config: ConcatenateConfig = {}) {
    const where = 'layers.concatenate()';
    checkKeys(config, ['axis', ...LAYER_ARG_KEYS], where);
    super(config, where);
    const axis = config.axis ?? -1;
    if (!Number.isInteger(axis) || (axis !== -1 && axis < 1)) throw new ValueError(`${where}: axis must be the last (-1, or its index counting the batch axis), got ${describe(config.axis)}`);
    this.axis = axis;
  }

  override computeOutputShapes(shapes: readonly Shape[]): Shape {
    this.checkCount(shapes, 2);
    const first = shapes[0], last = first.length - 1;
    // A positive axis counts the batch axis: the last is the example's rank.
    if (this.axis !== -1 && this.axis !== first.length) throw this.shapeError(`joins along the last axis only (-1, or ${first.length} for these inputs), got axis ${this.axis}`, first);
    const other = shapes.find((s) => s.length !== first.length || s.some((d, i) => i < last && d !== first[i]));
    if (other) throw this.shapeError(`needs inputs that differ only in the last axis, got ${shapes.map(formatShape).join(' and ')}`, other);
    return [...first.slice(0, last), shapes.reduce((n, s) => n + s[last], 0)];
  }

  getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }

  static fromConfig(c: Record<string, unknown>): Concatenate {
    return new Concatenate({ ...baseArgs(c, ['axis']), axis: (c.axis ?? undefined) as number | undefined });
  }

  plan(core: Core, net: number, index: number, inputShape: Shape, inputShapes: readonly Shape[] = [inputShape]): void {
    const out = this.computeOutputShapes(inputShapes), last = out.length - 1;
    core.net_set_concatenate(net, index, sizeOf(out) / out[last], out[last], sizeOf(inputShape));
  }

  referenceInputs(inputs: Float64Array[], rows: number, inputShapes: readonly Shape[]): Float64Array {
    const widths = inputShapes.map((s) => s[s.length - 1]), groups = (rows * sizeOf(inputShapes[0])) / widths[0];
    const y = new Float64Array(groups * widths.reduce((a, b) => a + b, 0));
    let at = 0;
    for (let g = 0; g < groups; g++) {
      inputs.forEach((x, k) => {
        y.set(x.subarray(g * widths[k], (g + 1) * widths[k]), at);
        at += widths[k];
      });
    }
    return y;
  }
}

/** The config reader of a value-by-value merge, for the registry. */
export const mergeFromConfig = (className: Op) => (c: Record<string, unknown>): ElementwiseMerge => new ElementwiseMerge(className, baseArgs(c, []));

export interface DotConfig extends LayerArgs {
  /** The axis the product runs along: the vectors' only one (1 or −1, or [1, 1] as TF.js writes pairs). */
  axes: number | [number, number];
  /** Divide each vector by its L2 norm first: the cosine similarity (default false). */
  normalize?: boolean;
}

/** The dot product of two vectors per example ([n] and [n] make [1]), as TF.js's dot on [batch, n]. */
export class Dot extends Merge {
  readonly className = 'Dot';
  readonly axes: number | [number, number];
  readonly normalize: boolean;

  constructor(config: DotConfig) {
    const where = 'layers.dot()';
    checkKeys(config, ['axes', 'normalize', ...LAYER_ARG_KEYS], where);
    super(config, where);
    // Axes count the batch axis, as TF.js's: a vector example's axis is 1 (or −1).
    const axes = Array.isArray(config.axes) ? config.axes : [config.axes, config.axes];
    if (axes.length !== 2 || !axes.every((a) => a === 1 || a === -1)) {
      throw new ValueError(`${where}: axes must be 1 or -1 (the vectors' axis; examples of one axis only are supported), or a pair of them, got ${describe(config.axes)}`);
    }
    if (config.normalize !== undefined && typeof config.normalize !== 'boolean') throw new ValueError(`${where}: normalize must be a boolean, got ${describe(config.normalize)}`);
    this.axes = config.axes;
    this.normalize = config.normalize ?? false;
  }

  override computeOutputShapes(shapes: readonly Shape[]): Shape {
    this.checkCount(shapes, 2, 2);
    if (shapes.some((s) => s.length !== 1) || shapes[0][0] !== shapes[1][0]) {
      throw this.shapeError(`needs two vectors of one length ([n] examples), got ${shapes.map(formatShape).join(' and ')}`, shapes.find((s) => s.length !== 1) ?? shapes[1]);
    }
    return [1];
  }

  getConfig(): Record<string, unknown> {
    return { axes: this.axes, normalize: this.normalize };
  }

  static fromConfig(c: Record<string, unknown>): Dot {
    return new Dot({ ...baseArgs(c, ['axes', 'normalize']), axes: c.axes as number, normalize: (c.normalize ?? undefined) as boolean | undefined });
  }

  override describeConfig(): string {
    return this.normalize ? 'normalize' : '';
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    core.net_set_dot(net, index, inputShape[0], this.normalize);
  }

  referenceInputs([a, b]: Float64Array[], rows: number, inputShapes: readonly Shape[]): Float64Array {
    const n = inputShapes[0][0], y = new Float64Array(rows);
    // The norm's floor as TF.js's l2Normalize: √max(Σx², 1e-7), in float64 here.
    const norm = (x: Float64Array, r: number) => (this.normalize ? Math.sqrt(Math.max(x.subarray(r * n, (r + 1) * n).reduce((s, v) => s + v * v, 0), 1e-7)) : 1);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[r * n + j] * b[r * n + j];
      y[r] = s / (norm(a, r) * norm(b, r));
    }
    return y;
  }
}
