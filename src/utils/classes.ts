// From predictions to classes: argMax() over the rows predict() returns, and predictClasses() for a
// model (Keras's old predict_classes): the most probable class of each example.
import { ValueError, checkInteger, describe } from '../errors.js';
import type { Data } from '../data.js';
import type { LayersModel } from '../model.js';
import { countOf } from './one-hot.js';

/**
 * The index of the largest value in each row of `width` values of a flat row-major array (what
 * predict() returns): `argMax([0.1, 0.7, 0.2, 0.9, 0.05, 0.05], 3)` → Int32Array [1, 0]. Ties go
 * to the first, as tf.argMax; NaN never wins.
 */
export function argMax(values: ArrayLike<number>, width: number): Int32Array {
  checkInteger(width, 1, 2 ** 31 - 1, 'argMax() width');
  const length = countOf(values, 'argMax() values');
  if (length % width !== 0) throw new ValueError(`argMax(): values hold ${length} numbers, not a whole number of rows of width ${width}`);
  const rows = length / width, out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0, max = -Infinity;
    for (let c = 0; c < width; c++) {
      const v = values[r * width + c];
      if (v > max) { max = v; best = c; }
    }
    out[r] = best;
  }
  return out;
}

/**
 * The predicted class of each example: the argMax of each output row, or for a model with one
 * output unit (a sigmoid), 1 where the output is above 0.5 and 0 elsewhere (as binary accuracy
 * counts). For outputs of shape [T, units], one class per row: T per example.
 */
export function predictClasses(model: LayersModel, x: Data, config: { batchSize?: number } = {}): Int32Array {
  if (typeof (model as { predict?: unknown } | null)?.predict !== 'function') throw new ValueError(`predictClasses(): expected a model, got ${describe(model)}`);
  const p = model.predict(x, config);
  const shape = model.outputShape, units = shape[shape.length - 1];
  if (units > 1) return argMax(p, units);
  const out = new Int32Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = p[i] > 0.5 ? 1 : 0;
  return out;
}
