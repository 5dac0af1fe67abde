// oneHot(): class indices as one-hot rows, the labels categoricalCrossentropy takes. TF.js calls it
// tf.oneHot(indices, depth); this returns the flat row-major Float32Array fit() takes.
import { ValueError, checkInteger, describe } from '../errors.js';
import { lengthOf, typedArrayTag } from '../typed-arrays.js';

/**
 * One row of `depth` values per index, 1 at the index and 0 elsewhere, as a flat Float32Array of
 * indices.length × depth values: `oneHot([2, 0], 3)` → [0, 0, 1, 1, 0, 0].
 */
export function oneHot(indices: ArrayLike<number>, depth: number): Float32Array {
  checkInteger(depth, 2, 2 ** 24, 'oneHot() depth'); // at least 2, as tf.oneHot
  const n = countOf(indices, 'oneHot() indices');
  const out = new Float32Array(n * depth);
  for (let i = 0; i < n; i++) {
    const k = indices[i];
    if (!Number.isInteger(k) || k < 0 || k >= depth) throw new ValueError(`oneHot(): indices[${i}] must be an integer in [0, ${depth}), got ${describe(k)}`);
    out[i * depth + k] = 1;
  }
  return out;
}

/** The length of an array or typed array of numbers, measured as the engine knows it. */
export function countOf(values: unknown, what: string): number {
  if (typedArrayTag(values) !== undefined) return lengthOf(values as ArrayBufferView);
  if (Array.isArray(values)) return values.length;
  throw new ValueError(`${what}: expected an array or typed array of numbers, got ${describe(values)}`);
}
