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
  /** The axis to join along: the last (−1, the default), the only one supported. */
  axis?: number;
}

/** Inputs joined along the last axis: [.., a] and [.., b] make [.., a + b]. */
export class Concatenate extends Merge {
  readonly className = 'Concatenate';

  constructor(config: ConcatenateConfig = {}) {
    const where = 'layers.concatenate()';
    checkKeys(config, ['axis', ...LAYER_ARG_KEYS], where);
    super(config, where);
    if (config.axis !== undefined && config.axis !== -1) throw new ValueError(`${where}: only axis -1 (the last) is supported, got ${describe(config.axis)}`);
  }

  override computeOutputShapes(shapes: readonly Shape[]): Shape {
    this.checkCount(shapes, 2);
    const first = shapes[0], last = first.length - 1;
    const other = shapes.find((s) => s.length !== first.length || s.some((d, i) => i < last && d !== first[i]));
    if (other) throw this.shapeError(`needs inputs that differ only in the last axis, got ${shapes.map(formatShape).join(' and ')}`, other);
    return [...first.slice(0, last), shapes.reduce((n, s) => n + s[last], 0)];
  }

  getConfig(): Record<string, unknown> {
    return { axis: -1 };
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
