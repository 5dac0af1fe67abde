// Input and label data: number[][] (one array per example) or a flat row-major Float32Array.
// Everything is checked before it reaches Wasm: widths, row counts, and non-finite values.
import { ShapeError, ValueError, describe } from './errors.js';

export type Data = number[][] | Float32Array;

export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** toFloat32() with its row count and width. */
export function toMatrix(value: unknown, cols: number, where: string, arg: string): Matrix {
  const data = toFloat32(value, cols, where, arg);
  return { data, rows: data.length / cols, cols };
}

/**
 * Checks `value` against a row width and returns it as a flat Float32Array: the same array, with
 * no copy and no allocation, when it already is one. Errors call it `${where} ${arg}`, e.g.
 * "fit() x" (built only when there is an error, so the check allocates nothing).
 */
export function toFloat32(value: unknown, cols: number, where: string, arg: string): Float32Array {
  if (value instanceof Float32Array) {
    if (value.length === 0) throw new ValueError(`${where} ${arg}: expected at least one row, got an empty Float32Array`);
    if (value.length % cols !== 0) {
      throw new ShapeError(`${where} ${arg}: expected a flat Float32Array whose length is a multiple of the row width ${cols}, got length ${value.length}`);
    }
    for (let i = 0; i < value.length; i++) {
      if (!Number.isFinite(value[i])) {
        throw new ValueError(`${where} ${arg}: expected finite numbers, got ${value[i]} at row ${Math.floor(i / cols)}, column ${i % cols}`);
      }
    }
    return value;
  }
  const name = `${where} ${arg}`;
  if (!Array.isArray(value)) {
    throw new ValueError(`${name}: expected number[][] or a flat Float32Array, got ${describe(value)}`);
  }
  if (value.length === 0) throw new ValueError(`${name}: expected at least one row, got an empty array`);
  const rows = value.length;
  const data = new Float32Array(rows * cols);
  // A plain number[] is accepted as one column, the way Keras takes 1-D labels for one unit.
  if (cols === 1 && typeof value[0] === 'number') {
    for (let r = 0; r < rows; r++) data[r] = finite(value[r], name, `[${r}]`);
    return data;
  }
  for (let r = 0; r < rows; r++) {
    const row = value[r];
    if (!Array.isArray(row) && !ArrayBuffer.isView(row)) {
      throw new ShapeError(`${name}: expected each row to be an array of ${cols} numbers, got ${describe(row)} at row ${r}`);
    }
    const cells = row as ArrayLike<unknown>;
    if (cells.length !== cols) {
      throw new ShapeError(`${name}: expected rows of width ${cols}, got width ${cells.length} at row ${r}`);
    }
    for (let c = 0; c < cols; c++) data[r * cols + c] = finite(cells[c], name, `[${r}][${c}]`);
  }
  return data;
}

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
