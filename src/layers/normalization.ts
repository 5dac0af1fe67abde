// Normalization (Keras's preprocessing layer; TF.js 4.22 has none): each feature of the last axis
// shifted and scaled by statistics fixed before training, so a saved model takes raw features:
//   y = (x − mean) / max(√variance, ε),   ε = 1e-7 (Keras's backend epsilon).
// The statistics come from adapt(data) — per feature, over every example (and every position of
// examples of higher rank), the mean and the biased variance, as Keras — or from the mean and
// variance options (one value for every feature, or one each, as Keras broadcasts them). They are
// non-trainable weights, Keras's `mean`, `variance` and `count` (the values adapt saw), saved and
// loaded with the others; training never changes them. Keras saves no weights for given ones: a
// file without them takes them from the config.
// Kernels: assembly/layers/normalization.ts.
import { ShapeError, ValueError, checkKeys, describe } from '../errors.js';
import { checkFinite, copyFloat32, lengthOf } from '../data.js';
import type { Initializer } from '../initializers.js';
import { preview } from '../io/json.js';
import type { Core } from '../wasm.js';
import { baseArgs } from './config.js';
import { LAYER_ARG_KEYS, Layer, checkShape, sizeOf, type LayerArgs, type LayerWeight, type Shape } from './layer.js';

export interface NormalizationConfig extends LayerArgs {
  /** The axis whose features keep their own statistics: only −1 (the last). */
  axis?: number;
  /** The features' mean: one number for all, or one per feature (with variance; instead of adapt). */
  mean?: number | readonly number[];
  /** The features' variance, likewise. */
  variance?: number | readonly number[];
}

/** The statistics, one value per feature, and how many values of each feature they summarize. */
interface Statistics {
  mean: Float32Array;
  variance: Float32Array;
  count: number;
}

export class Normalization extends Layer {
  readonly className = 'Normalization';
  /** The mean and variance options, as given (saved in the config, as Keras). */
  readonly mean: number | readonly number[] | undefined;
  readonly variance: number | readonly number[] | undefined;
  // What adapt() computed, for a model built after it.
  private adapted: Statistics | undefined;
  // The width of the last axis, once known (from a model, an input shape or adapt's data).
  private features: number | undefined;

  constructor(config: NormalizationConfig = {}) {
    const where = 'layers.normalization()';
    checkKeys(config, ['axis', 'mean', 'variance', ...LAYER_ARG_KEYS], where);
    super(config, where);
    if (config.axis !== undefined && config.axis !== -1) {
      throw new ValueError(`${where}: axis must be -1 (the last axis), got ${describe(config.axis)}`);
    }
    if ((config.mean === undefined) !== (config.variance === undefined)) {
      throw new ValueError(`${where}: give both mean and variance, or neither (then adapt() computes them); got mean ${describe(config.mean)} and variance ${describe(config.variance)}`);
    }
    this.mean = statistic(config.mean, where, 'mean', false);
    this.variance = statistic(config.variance, where, 'variance', true);
    this.features = this.declaredInputShape?.[this.declaredInputShape.length - 1];
  }

  computeOutputShape(inputShape: Shape): Shape {
    this.statistics(inputShape[inputShape.length - 1], inputShape);
    return inputShape;
  }

  override weightSpecs(inputShape: Shape): LayerWeight[] {
    const features = inputShape[inputShape.length - 1];
    const stats = this.statistics(features, inputShape);
    this.features = features;
    const fixed = (values: Float32Array): Initializer => ({ name: 'constant', config: {}, apply: () => values.slice() });
    // Given mean and variance are weights too, initialized from the config: the core reads the
    // statistics from the layer's weights, whichever way they came; a file without them (Keras
    // writes none when they are given) takes them from the config (fromConfig).
    const given = this.mean !== undefined;
    const weight = (name: string, shape: number[], values: Float32Array): LayerWeight => ({ name, shape, initializer: fixed(values), regularizer: undefined, trainable: false, ...(given && { fromConfig: values }) });
    return [weight('mean', [features], stats.mean), weight('variance', [features], stats.variance), weight('count', [], Float32Array.of(stats.count))];
  }

  /**
   * Computes each feature's mean and biased variance over `data` (rows of the layer's input shape,
   * in any form fit takes), as Keras's adapt: every example and, for examples of higher rank, every
   * position counts once. Replaces the statistics of an earlier adapt; in a model, its weights. The
   * sums are float64 (Keras sums batches of 32 in float32: its last bits may differ). A failed
   * adapt changes nothing.
   */
  adapt(data: unknown): void {
    const where = `${this.className} layer ${JSON.stringify(this.name ?? '(unnamed)')}: adapt()`;
    if (this.mean !== undefined) throw new ValueError(`${where}: the layer was given mean and variance; adapt() would replace them (Keras refuses this too)`);
    const shape = this.declaredInputShape ?? exampleShape(data, this.features, where);
    const features = shape[shape.length - 1];
    if (this.features !== undefined && features !== this.features) {
      throw new ShapeError(`${where}: the layer normalizes ${this.features} features, but the data's last axis has ${features}`);
    }
    const x = copyFloat32(data, shape, where, 'data');
    const n = lengthOf(x);
    checkFinite(x, 0, n, features, where, 'data');
    const count = n / features;
    const sum = new Float64Array(features), squares = new Float64Array(features);
    for (let i = 0; i < n; i++) sum[i % features] += x[i];
    const mean = sum.map((s) => s / count);
    for (let i = 0; i < n; i++) {
      const d = x[i] - mean[i % features];
      squares[i % features] += d * d;
    }
    const stats: Statistics = { mean: Float32Array.from(mean), variance: Float32Array.from(squares, (s) => s / count), count };
    // In a model, its weights first: a refused setWeights leaves the layer as it was too.
    if (this.inModel) this.setWeights([stats.mean, stats.variance, [count]]);
    this.adapted = stats;
    this.features = features;
  }

  getConfig(): Record<string, unknown> {
    const list = (v: number | readonly number[] | undefined) => (v === undefined ? null : typeof v === 'number' ? v : [...v]);
    return { axis: -1, mean: list(this.mean), variance: list(this.variance), invert: false };
  }

  static fromConfig(c: Record<string, unknown>): Normalization {
    const args = baseArgs(c, ['axis', 'mean', 'variance', 'invert']);
    if (c.invert !== undefined && c.invert !== false) throw new ValueError(`invert is not supported, got ${preview(c.invert)}`);
    // Keras writes axis as -1, a one-element list, or the positive index of the last axis.
    const axis = Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : c.axis;
    const rank = args.batchInputShape ? args.batchInputShape.length : undefined;
    return new Normalization({
      ...args,
      axis: axis === undefined || (rank !== undefined && axis === rank - 1) ? -1 : (axis as number),
      mean: (c.mean ?? undefined) as number | number[] | undefined,
      variance: (c.variance ?? undefined) as number | number[] | undefined,
    });
  }

  describeConfig(): string {
    return this.mean !== undefined ? 'mean and variance given' : this.adapted ? `adapted on ${this.adapted.count} values per feature` : 'not adapted';
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    const features = inputShape[inputShape.length - 1];
    core.net_set_normalization(net, index, sizeOf(inputShape) / features, features);
  }

  /** y = (x − mean) / max(√max(variance, 0), ε), in float64, with ε as the float32 the core holds. */
  reference(x: Float64Array, _rows: number, inputShape: Shape, [mean, variance]: Float64Array[]): { output: Float64Array } {
    const features = inputShape[inputShape.length - 1], epsilon = Math.fround(1e-7);
    return { output: x.map((v, i) => (v - mean[i % features]) / Math.max(Math.sqrt(Math.max(variance[i % features], 0)), epsilon)) };
  }

  // The statistics for `features` features: given, adapted, or Keras's initial ones (0 and 1).
  private statistics(features: number, inputShape: Shape): Statistics {
    if (this.mean !== undefined && this.variance !== undefined) {
      // Broadcast over the features, as Keras: one value for all, or one each.
      const spread = (v: number | readonly number[], what: string) => {
        if (typeof v === 'number' || v.length === 1) return new Float32Array(features).fill(typeof v === 'number' ? v : v[0]);
        if (v.length !== features) throw this.shapeError(`${what} has ${v.length} values but the last axis has ${features} features (give 1 value or ${features})`, inputShape);
        return Float32Array.from(v);
      };
      return { mean: spread(this.mean, 'mean'), variance: spread(this.variance, 'variance'), count: 0 };
    }
    if (this.adapted) {
      if (this.adapted.mean.length !== features) throw this.shapeError(`adapt() saw ${this.adapted.mean.length} features but the last axis has ${features}`, inputShape);
      return this.adapted;
    }
    return { mean: new Float32Array(features), variance: new Float32Array(features).fill(1), count: 0 };
  }
}

// A mean or variance option: a finite float32 number, or a non-empty list of them (copied once);
// a variance is never negative. A list may be wrapped in lists of one element ([[m1, m2, m3]]:
// Keras writes an array of shape [1, features] as given, and reshapes it to the features).
function statistic(value: unknown, where: string, key: string, nonNegative: boolean): number | readonly number[] | undefined {
  if (value === undefined || value === null) return undefined;
  const ok = (v: unknown) => typeof v === 'number' && Math.abs(Math.fround(v)) <= 3.4028234663852886e38 && (!nonNegative || v >= 0);
  const expected = `${where}: ${key} must be a finite${nonNegative ? ' non-negative' : ''} number or a non-empty array of them`;
  if (typeof value === 'number') {
    if (!ok(value)) throw new ValueError(`${expected}, got ${describe(value)}`);
    return value;
  }
  for (let depth = 0; Array.isArray(value) && value.length === 1 && Array.isArray(value[0]) && depth < 8; depth++) value = value[0];
  const copy = Array.isArray(value) || ArrayBuffer.isView(value) ? Array.from(value as ArrayLike<unknown>) : undefined;
  if (!copy || copy.length === 0) throw new ValueError(`${expected}, got ${describe(value)}`);
  const bad = copy.findIndex((v) => !ok(v));
  if (bad >= 0) throw new ValueError(`${expected}, got ${describe(copy[bad])} at index ${bad}`);
  return Object.freeze(copy as number[]);
}

// The shape of one example of nested arrays (its innermost length is the features); a flat typed
// array needs the width known already.
function exampleShape(data: unknown, features: number | undefined, where: string): number[] {
  if (ArrayBuffer.isView(data)) {
    if (features === undefined) throw new ValueError(`${where}: a flat typed array needs the width of its rows: give the layer an inputShape, or pass arrays of rows`);
    return [features];
  }
  const shape: number[] = [];
  let item: unknown = Array.isArray(data) ? data[0] : undefined;
  while (Array.isArray(item) || ArrayBuffer.isView(item)) {
    shape.push((item as ArrayLike<unknown>).length);
    item = Array.isArray(item) ? item[0] : undefined;
  }
  if (shape.length === 0) {
    if (Array.isArray(data) && data.length > 0 && (features === undefined || features === 1)) return [1];
    throw new ValueError(`${where}: data must be rows of the layer's input (number[][], or a flat typed array with the layer's inputShape), got ${describe(data)}`);
  }
  return checkShape(shape, where, 'the shape of one example of data');
}
