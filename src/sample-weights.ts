// Sample weights: how much each example's loss counts (Keras's `sample_weight` and `class_weight`,
// TF.js's `classWeight`). Each example's loss is multiplied by its weight and the batch loss stays
// the mean over the batch's examples (not divided by the sum of the weights), as both libraries
// do; regularizer penalties and metrics are not weighted. The weights are staged in Wasm memory
// beside x and y, and the core's loss kernels read them (assembly/losses.ts).
import { toFloat32 } from './data.js';
import { ShapeError, ValueError, describe } from './errors.js';
import { lengthOf } from './typed-arrays.js';
import { heapF32, writeF32 } from './wasm.js';

/** classWeight: a weight per class index, `{ 0: 1, 1: 5 }` (TF.js's ClassWeight), or a list of them. */
export type ClassWeight = Readonly<Record<number, number>> | readonly number[];

/** What weighs the examples of one call: one weight per row, a weight per class, or both (multiplied, as Keras). */
export interface Weighting {
  sample?: Float32Array;
  classes?: Map<number, number>;
}

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Reads `sampleWeight` (one number per example: a flat number[] or typed array) and `classWeight`
 * (a map from class index to weight) once each; undefined when neither is given. Checks what can be
 * checked before the data is staged: the row count, the classes' keys and weights, and that the
 * output gives one class per example. The sample weights' values are checked once copied (see
 * stageWeights), as x and y are.
 */
export function weighting(sampleWeight: unknown, classWeight: unknown, rows: number, outputs: readonly { outputShape: readonly number[] }[], where: string): Weighting | undefined {
  if (sampleWeight === undefined && classWeight === undefined) return undefined;
  const result: Weighting = {};
  if (sampleWeight !== undefined) {
    if (sampleWeight === null) throw new ValueError(`${where} sampleWeight: expected one number per example (a number[] or Float32Array), got null`);
    const sample = toFloat32(sampleWeight, [1], where, 'sampleWeight');
    if (lengthOf(sample) !== rows) throw new ShapeError(`${where} sampleWeight: expected one weight per example, ${rows}, got ${lengthOf(sample)}`);
    result.sample = sample;
  }
  if (classWeight !== undefined) {
    // Keras and TF.js read a class from each label row: its index, or its one-hot argmax.
    if (outputs.length > 1) throw new ValueError(`${where} classWeight: the model has ${outputs.length} outputs, and a class weight map is read from one output's labels; weigh the examples with sampleWeight instead`);
    const { outputShape } = outputs[0];
    if (outputShape.length !== 1) throw new ValueError(`${where} classWeight: needs one class per example, but the output has shape [${outputShape.join(', ')}] (use sampleWeight)`);
    result.classes = classWeights(classWeight, where);
  }
  return result;
}

// The class weight map, each key and value read once and checked.
function classWeights(value: unknown, where: string): Map<number, number> {
  if (typeof value !== 'object' || value === null) throw new ValueError(`${where} classWeight: expected a map from class index to weight, such as { 0: 1, 1: 5 }, got ${describe(value)}`);
  const classes = new Map<number, number>();
  for (const key of Object.keys(value)) {
    if (Array.isArray(value) && key === 'length') continue;
    const index = Number(key), weight = (value as Record<string, unknown>)[key];
    if (!/^(0|[1-9]\d*)$/.test(key) || !Number.isSafeInteger(index)) throw new ValueError(`${where} classWeight: keys are class indices (integers ≥ 0), got ${JSON.stringify(key)}`);
    if (weight === undefined || weight === null) continue; // an absent class, as TF.js reads it
    if (typeof weight !== 'number' || !(weight >= 0 && weight <= FLOAT32_MAX)) {
      throw new ValueError(`${where} classWeight: the weight of class ${key} must be a finite float32 number ≥ 0, got ${describe(weight)}`);
    }
    classes.set(index, weight);
  }
  return classes;
}

/**
 * Writes the weights of `rows` examples into Wasm memory at `ptr` and checks the copy: the sample
 * weights (or 1s), each multiplied by its class's weight for the first `classRows` rows (training
 * rows: class weights never weigh validation). A row's class is read from the staged, checked
 * labels at `labelPtr` (`cols` per row): the value of a one-column label, or the first largest
 * entry of a one-hot row (tf.argMax). Allocates nothing.
 */
export function stageWeights(ptr: number, rows: number, w: Weighting, labelPtr: number, cols: number, classRows: number, where: string): void {
  const at = ptr >>> 2, labels = labelPtr >>> 2;
  if (w.sample) {
    // Measured again: a getter read since may have detached or shrunk this buffer.
    if (lengthOf(w.sample) < rows) throw new ValueError(`${where} sampleWeight: the array changed while the call read its other arguments`);
    writeF32(ptr, w.sample, 0, rows);
  } else {
    heapF32().fill(1, at, at + rows);
  }
  const h = heapF32();
  for (let r = 0; r < rows; r++) {
    const v = h[at + r];
    if (!(v >= 0 && v <= FLOAT32_MAX)) throw new ValueError(`${where} sampleWeight: expected finite weights ≥ 0, got ${v} at row ${r}`);
  }
  if (!w.classes) return;
  for (let r = 0; r < classRows; r++) {
    const row = labels + r * cols;
    let c = 0;
    if (cols === 1) c = h[row];
    else for (let k = 1; k < cols; k++) if (h[row + k] > h[row + c]) c = k;
    const weight = w.classes.get(c);
    if (weight === undefined) {
      throw new ValueError(`${where} classWeight: the labels hold class ${c} (at row ${r}), which classWeight does not list; it must list every class in the training data (it has ${[...w.classes.keys()].join(', ') || 'none'})`);
    }
    const product = (h[at + r] *= weight);
    if (!Number.isFinite(product)) throw new ValueError(`${where}: sampleWeight × classWeight overflows float32 at row ${r}`);
  }
}
