// Input and label data: number[][] (one array per example) or a flat row-major Float32Array, and
// what users also have: Float32Array[] rows, readonly arrays, a flat number[] of one-column labels,
// and other numeric typed arrays (Int32Array class indices, Float64Array from other libraries),
// converted to float32 once. Everything is checked before it reaches Wasm: widths, row counts, and
// non-finite values.
import { ShapeError, ValueError, describe } from './errors.js';
import { isFloat32Array, lengthOf, typedArrayTag } from './typed-arrays.js';
import { sizeOf, type Shape } from './layers/layer.js';

/** The typed arrays data may come in; all but Float32Array are converted to float32 once. */
export type NumericArray = Float32Array | Float64Array | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array;

/** One example, or one of its rows: numbers, a typed array, or arrays of them for examples of rank > 1. */
export type Nested = readonly number[] | NumericArray | readonly Nested[];

/**
 * Data for x or y: one nested array per example (`number[][]`, `Float32Array[]`, `number[][][]`...),
 * a flat row-major typed array of rows × the example size, or a flat `number[]` when each example
 * is one number (labels of one unit, or class indices).
 */
export type Data = NumericArray | readonly number[] | readonly Nested[];

/**
 * A model's x: Data, or for a graph with several inputs, one Data per input — an array in the
 * model's inputs' order, or an object keyed by input name. Likewise its y, with several outputs.
 */
export type InputData = Data | readonly Data[] | { readonly [input: string]: Data };

// Typed arrays converted as they are copied (BigInt arrays are not numbers, and are refused).
const CONVERTED = new Set(['Float64Array', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array']);

export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** toFloat32() with its row count and width. */
export function toMatrix(value: unknown, shape: Shape, where: string, arg: string): Matrix {
  const data = toFloat32(value, shape, where, arg);
  const cols = sizeOf(shape);
  return { data, rows: lengthOf(data) / cols, cols };
}

export { isFloat32Array, lengthOf, float32Range } from './typed-arrays.js';

/**
 * Checks `value`'s shape against a row width and returns it as a flat Float32Array. A Float32Array
 * is returned as it is, with no copy and no allocation: its values are checked by checkFinite on
 * the copy in Wasm memory, after it is taken, so nothing can change them in between. Arrays are
 * copied here, each value read once and checked as it is copied. Errors call the data
 * `${where} ${arg}`, e.g. "fit() x" (built only when there is an error).
 */
export function toFloat32(value: unknown, shape: Shape, where: string, arg: string): Float32Array {
  const cols = sizeOf(shape);
  if (isFloat32Array(value)) {
    const length = lengthOf(value);
    if (length === 0) throw new ValueError(`${where} ${arg}: expected at least one row, got an empty Float32Array`);
    if (length % cols !== 0) {
      throw new ShapeError(`${where} ${arg}: expected a flat Float32Array whose length is a multiple of the row width ${cols}, got length ${length}`);
    }
    return value;
  }
  const name = `${where} ${arg}`;
  const tag = typedArrayTag(value);
  if (tag !== undefined && CONVERTED.has(tag)) return convert(value as Exclude<NumericArray, Float32Array>, cols, name, tag);
  if (!Array.isArray(value)) {
    throw new ValueError(`${name}: expected ${shape.length > 1 ? `arrays of shape [rows, ${shape.join(', ')}]` : 'number[][]'} or a flat typed array (Float32Array, Float64Array, Int32Array...), got ${describe(value)}`);
  }
  // Read once: a Proxy or getter may answer differently the next time.
  const rows = value.length;
  if (rows === 0) throw new ValueError(`${name}: expected at least one row, got an empty array`);
  if (!Number.isSafeInteger(rows) || rows < 0) throw new ValueError(`${name}: expected an array, got one whose length is ${describe(rows)}`);
  if (rows * cols > MAX_ELEMENTS) {
    throw new ValueError(`${name}: ${rows} rows of ${cols} values exceed the ${MAX_ELEMENTS} float32 values WebAssembly's memory can hold`);
  }
  const data = new Float32Array(rows * cols);
  // A plain number[] is accepted as one column, the way Keras takes 1-D labels for one unit.
  const first = value[0];
  if (cols === 1 && shape.length === 1 && typeof first === 'number') {
    data[0] = finite(first, name, '[0]');
    for (let r = 1; r < rows; r++) data[r] = finite(value[r], name, `[${r}]`);
    return data;
  }
  if (typeof first === 'number') {
    throw new ShapeError(`${name}: a flat number[] is one value per example, but examples here have shape [${shape.join(', ')}]; pass one array per example, or a flat Float32Array of rows × ${cols} values`);
  }
  for (let r = 0; r < rows; r++) copyNested(r === 0 ? first : value[r], shape, 0, data, r * cols, name, `[${r}]`);
  return data;
}

// Copies one nested array of `shape` (from axis `axis` on) into data at `offset`, each value read
// once; the innermost arrays may be typed arrays. Errors name the path, e.g. [3][1].
function copyNested(value: unknown, shape: Shape, axis: number, data: Float32Array, offset: number, name: string, at: string): void {
  const width = shape[axis], innermost = axis === shape.length - 1;
  const typed = innermost && typedArrayTag(value) !== undefined;
  if (!Array.isArray(value) && !typed) {
    const what = innermost ? `an array of ${width} numbers` : `an array of ${width} arrays`;
    throw new ShapeError(`${name}: expected ${axis === 0 ? 'each row' : `${at}`} to be ${what}, got ${describe(value)}${axis === 0 ? ` at row ${at.slice(1, -1)}` : ''}`);
  }
  const cells = value as ArrayLike<unknown>;
  const length = typed ? lengthOf(value as ArrayBufferView) : cells.length;
  if (length !== width) {
    throw new ShapeError(axis === 0 && shape.length === 1
      ? `${name}: expected rows of width ${width}, got width ${describe(length)} at row ${at.slice(1, -1)}`
      : `${name}: expected ${at} to have ${width} entries (shape [rows, ${shape.join(', ')}]), got ${describe(length)}`);
  }
  if (innermost) {
    for (let c = 0; c < width; c++) data[offset + c] = finite(cells[c], name, `${at}[${c}]`);
    return;
  }
  const stride = sizeOf(shape.slice(axis + 1));
  for (let c = 0; c < width; c++) copyNested(cells[c], shape, axis + 1, data, offset + c * stride, name, `${at}[${c}]`);
}

/**
 * A flat typed array of another kind as a new Float32Array: the one copy, each value read once and
 * checked as it is copied (a Float64Array value beyond float32's range would become Infinity).
 */
function convert(view: Exclude<NumericArray, Float32Array>, cols: number, name: string, tag: string): Float32Array {
  const length = lengthOf(view);
  if (length === 0) throw new ValueError(`${name}: expected at least one row, got an empty ${tag}`);
  if (length % cols !== 0) throw new ShapeError(`${name}: expected a flat ${tag} whose length is a multiple of the row width ${cols}, got length ${length}`);
  if (length > MAX_ELEMENTS) throw new ValueError(`${name}: ${length} values exceed the ${MAX_ELEMENTS} float32 values WebAssembly's memory can hold`);
  const data = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const v = view[i];
    if (!(Math.abs(v) <= FLOAT32_MAX)) throw new ValueError(`${name}: expected finite float32 numbers, got ${describe(v)} at row ${Math.floor(i / cols)}, column ${i % cols}`);
    data[i] = v;
  }
  return data;
}

/** toFloat32(), always as neurite's own copy (a Float32Array given is copied too). */
export function copyFloat32(value: unknown, shape: Shape, where: string, arg: string): Float32Array {
  const data = toFloat32(value, shape, where, arg);
  if (data !== value) return data;
  const copy = new Float32Array(lengthOf(data));
  copy.set(data);
  return copy;
}

/**
 * Throws unless the `n` floats of `data` from `start` are finite (`data` is usually the copy in Wasm
 * memory, `cols` the row width for the message). Loops over indices: it allocates nothing.
 */
export function checkFinite(data: Float32Array, start: number, n: number, cols: number, where: string, arg: string, firstRow = 0): void {
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(data[start + i])) {
      throw new ValueError(`${where} ${arg}: expected finite numbers, got ${data[start + i]} at row ${firstRow + Math.floor(i / cols)}, column ${i % cols}`);
    }
  }
}

/** The most float32 values one Wasm memory can hold (4 GiB). */
export const MAX_ELEMENTS = 2 ** 30;

/** The most rows one batch may hold (a Wasm i32), and the bound on counts of batches and epochs. */
export const MAX_BATCH = 2 ** 31 - 1;

/** The largest float32; beyond it a number becomes Infinity once stored in Wasm memory. */
export const FLOAT32_MAX = 3.4028234663852886e38;

function finite(v: unknown, name: string, at: string): number {
  if (typeof v !== 'number' || !(Math.abs(v) <= FLOAT32_MAX)) {
    throw new ValueError(`${name}: expected finite float32 numbers, got ${describe(v)} at ${at}`);
  }
  return v;
}

/** Checks that x and y describe the same number of examples. */
export function checkSameRows(xRows: number, yRows: number, where: string): void {
  if (xRows !== yRows) {
    throw new ShapeError(`${where}: x and y must have the same number of rows, got ${xRows} rows of x and ${yRows} rows of y`);
  }
}
