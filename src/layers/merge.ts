// Merge layers: several inputs into one, as TF.js's (tf.layers.add, ...): value by value — add,
// subtract (two inputs), multiply, average, maximum, minimum — over inputs of one shape, or
// concatenate along the last axis, or dot: a product along one axis of each. They join a graph model's branches (model(), layer.apply([a, b]))
// and their backward pass is where the chain rule sums over paths: each input gets its share of
// the output's gradient. Kernels: assembly/layers/merge.ts.
import { checkBoolean, checkKeys, ValueError, describe } from '../errors.js';
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
  /**
   * The axis of each input the product runs along, counting the batch axis as TF.js does: one for
   * both inputs, or a pair [a, b]; negative counts from the last (−1). On examples of one or two
   * axes: 1 (or −1) for a vector, 1 or 2 (−2 or −1) for a matrix; 0, the batch axis, is refused.
   */
  axes: number | [number, number];
  /** Divide each vector along the contracted axes by its L2 norm first: their cosines (default false). */
  normalize?: boolean;
}

/**
 * The dot product of two inputs along one axis of each, as TF.js's dot on inputs of rank 2 or 3
 * (examples of one or two axes): a batched matrix product, each example's output the first input's
 * remaining axis then the second's. [n]·[n] make [1] (TF.js's shape for a scalar per example);
 * [T, F]·[T′, F] over axes [2, 2] make [T, T′] (attention scores), [T, T′]·[T′, F] over [2, 1]
 * make [T, F]; [T, F]·[F] over [2, 1] make [T].
 */
export class Dot extends Merge {
  readonly className = 'Dot';
  readonly axes: number | [number, number];
  readonly normalize: boolean;

  /** A dot product mixes the steps: its output carries no mask (Keras's and TF.js's Dot.computeMask). */
  override outputMask(): undefined {
    return undefined;
  }

  constructor(config: DotConfig) {
    const where = 'layers.dot()';
    checkKeys(config, ['axes', 'normalize', ...LAYER_ARG_KEYS], where);
    super(config, where);
    const axes: unknown = config.axes;
    const axis = (a: unknown) => Number.isInteger(a) && a !== 0;
    if (!(axis(axes) || (Array.isArray(axes) && axes.length === 2 && axes.every(axis)))) {
      throw new ValueError(`${where}: axes must be an axis or a pair of them [a, b] (one per input), integers counting the batch axis as TF.js (1 or 2, or from the last: -1, -2; 0 is the batch axis), got ${describe(config.axes)}`);
    }
    if (config.normalize !== undefined) checkBoolean(config.normalize, where, 'normalize');
    // Kept as given (a number or a pair), as TF.js's getConfig writes it.
    this.axes = Array.isArray(axes) ? [axes[0], axes[1]] : (axes as number);
    this.normalize = config.normalize ?? false;
  }

  /**
   * Each input's contracted axis within its example (0 or 1), as TF.js reads `axes` (a negative one
   * counts from the last, with the batch axis counted); a ValueError for an axis the input lacks.
   */
  private contractedAxes(shapes: readonly Shape[]): [number, number] {
    const pick = (k: number): number => {
      const rank = shapes[k].length, given = Array.isArray(this.axes) ? this.axes[k] : this.axes;
      const axis = given < 0 ? given + rank + 1 : given;
      if (axis < 1 || axis > rank) {
        const which = k === 0 ? 'first' : 'second', range = rank === 1 ? '1 (or -1)' : '1 or 2 (or -2, -1)';
        throw new ValueError(`${this.className} layer ${JSON.stringify(this.name ?? '(unnamed)')}: axes ${JSON.stringify(this.axes)} give the ${which} input, ${formatShape(shapes[k])}, axis ${given}, ${axis === 0 ? 'its batch axis' : 'which it does not have'}: its axes are ${range}, counting the batch axis as TF.js`);
      }
      return axis - 1;
    };
    return [pick(0), pick(1)];
  }

  override computeOutputShapes(shapes: readonly Shape[]): Shape {
    this.checkCount(shapes, 2, 2);
    // (TF.js: inputs of rank 2 or 3 with the batch axis.)
    const deep = shapes.find((s) => s.length > 2);
    if (deep) throw this.shapeError(`takes examples of one or two axes, got ${shapes.map(formatShape).join(' and ')}`, deep);
    const [a, b] = this.contractedAxes(shapes), [first, second] = shapes;
    if (first[a] !== second[b]) {
      throw this.shapeError(`multiplies axis ${a + 1} of ${formatShape(first)} (${first[a]} values) with axis ${b + 1} of ${formatShape(second)} (${second[b]}): they must be the same length`, second);
    }
    const out = [...first.filter((_, i) => i !== a), ...second.filter((_, i) => i !== b)];
    return out.length > 0 ? out : [1];
  }

  /**
   * The product per example as the core runs it: [rows × inner] · [inner × cols], each input read
   * in place (transposed when its contracted axis is not where the product wants it: the first
   * input's last, the second's first). A vector is one row of the first, one column of the second.
   */
  private geometry(shapes: readonly Shape[]): { rows: number; inner: number; cols: number; firstTransposed: boolean; secondTransposed: boolean } {
    const [a, b] = this.contractedAxes(shapes), [first, second] = shapes;
    return {
      rows: first.length === 2 ? first[1 - a] : 1,
      inner: first[a],
      cols: second.length === 2 ? second[1 - b] : 1,
      firstTransposed: first.length === 2 && a === 0,
      secondTransposed: second.length === 2 && b === 1,
    };
  }

  getConfig(): Record<string, unknown> {
    return { axes: this.axes, normalize: this.normalize };
  }

  static fromConfig(c: Record<string, unknown>): Dot {
    return new Dot({ ...baseArgs(c, ['axes', 'normalize']), axes: c.axes as number | [number, number], normalize: (c.normalize ?? undefined) as boolean | undefined });
  }

  override describeConfig(): string {
    return `axes: ${JSON.stringify(this.axes)}${this.normalize ? ', normalize' : ''}`;
  }

  plan(core: Core, net: number, index: number, inputShape: Shape, inputShapes: readonly Shape[] = [inputShape]): void {
    const out = this.computeOutputShapes(inputShapes), g = this.geometry(inputShapes);
    core.net_set_dot(net, index, g.rows, g.inner, g.cols, g.firstTransposed, g.secondTransposed, out[out.length - 1], this.normalize);
  }

  referenceInputs([x1, x2]: Float64Array[], rows: number, inputShapes: readonly Shape[]): Float64Array {
    const { rows: m, inner: k, cols: n, firstTransposed, secondTransposed } = this.geometry(inputShapes);
    // A(i, p) and B(p, j) of example r, each input read in its own layout.
    const A = (r: number, i: number, p: number) => x1[r * m * k + (firstTransposed ? p * m + i : i * k + p)];
    const B = (r: number, p: number, j: number) => x2[r * k * n + (secondTransposed ? j * k + p : p * n + j)];
    // The norm's floor as TF.js's l2Normalize: √max(Σx², 1e-7), in float64 here.
    const norm = (v: (p: number) => number) => {
      let s = 0;
      for (let p = 0; p < k; p++) s += v(p) ** 2;
      return this.normalize ? Math.sqrt(Math.max(s, 1e-7)) : 1;
    };
    const y = new Float64Array(rows * m * n);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < m; i++) {
        const ni = norm((p) => A(r, i, p));
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += A(r, i, p) * B(r, p, j);
          y[(r * m + i) * n + j] = s / (ni * norm((p) => B(r, p, j)));
        }
      }
    }
    return y;
  }
}
