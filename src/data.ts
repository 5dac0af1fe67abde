// Input and label data: number[][] (one array per example) or a flat row-major Float32Array.
// Everything is checked before it reaches Wasm: widths, row counts, and non-finite values.
import { ShapeError, ValueError, describe } from './errors.js';
import { isFloat32Array, lengthOf, typedArrayTag } from './typed-arrays.js';

export type Data = number[][] | Float32Array;

export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** toFloat32() with its row count and width. */
export function toMatrix(value: unknown, cols: number, where: string, arg: string): Matrix {
  const data = toFloat32(value, cols, where, arg);
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
export function toFloat32(value: unknown, cols: number, where: string, arg: string): Float32Array {
  if (isFloat32Array(value)) {
    const length = lengthOf(value);
    if (length === 0) throw new ValueError(`${where} ${arg}: expected at least one row, got an empty Float32Array`);
    if (length % cols !== 0) {
      throw new ShapeError(`${where} ${arg}: expected a flat Float32Array whose length is a multiple of the row width ${cols}, got length ${length}`);
    }
    return value;
  }
  const name = `${where} ${arg}`;
  if (!Array.isArray(value)) {
    throw new ValueError(`${name}: expected number[][] or a flat Float32Array, got ${describe(value)}`);
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
  if (cols === 1 && typeof first === 'number') {
    data[0] = finite(first, name, '[0]');
    for (let r = 1; r < rows; r++) data[r] = finite(value[r], name, `[${r}]`);
    return data;
  }
  for (let r = 0; r < rows; r++) {
    const row = r === 0 ? first : value[r];
    const typed = typedArrayTag(row) !== undefined;
    if (!Array.isArray(row) && !typed) {
      throw new ShapeError(`${name}: expected each row to be an array of ${cols} numbers, got ${describe(row)} at row ${r}`);
    }
    const cells = row as ArrayLike<unknown>;
    const width = typed ? lengthOf(row as ArrayBufferView) : cells.length;
    if (width !== cols) {
      throw new ShapeError(`${name}: expected rows of width ${cols}, got width ${describe(width)} at row ${r}`);
    }
    for (let c = 0; c < cols; c++) data[r * cols + c] = finite(cells[c], name, `[${r}][${c}]`);
  }
  return data;
}

/** toFloat32(), always as neurite's own copy (a Float32Array given is copied too). */
export function copyFloat32(value: unknown, cols: number, where: string, arg: string): Float32Array {
  const data = toFloat32(value, cols, where, arg);
  if (data !== value) return data;
  const copy = new Float32Array(lengthOf(data));
  copy.set(data);
  return copy;
}

/**
 * Throws unless the `n` floats of `data` from `start` are finite (`data` is usually the copy in Wasm
 * memory, `cols` the row width for the message). Loops over indices: it allocates nothing.
 */
export function checkFinite(data: Float32Array, start: number, n: number, cols: number, where: string, arg: string): void {
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(data[start + i])) {
      throw new ValueError(`${where} ${arg}: expected finite numbers, got ${data[start + i]} at row ${Math.floor(i / cols)}, column ${i % cols}`);
    }
  }
}

/** The most float32 values one Wasm memory can hold (4 GiB). */
export const MAX_ELEMENTS = 2 ** 30;

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
