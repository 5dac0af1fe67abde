// Input and label data: number[][] (one array per example) or a flat row-major Float32Array.
// Everything is checked before it reaches Wasm: widths, row counts, and non-finite values.
import { ShapeError, ValueError, describe } from './errors.js';

export type Data = number[][] | Float32Array;

export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/**
 * Checks `value` against a row width and returns it as a flat Float32Array (the same array when
 * it already is one). `name` is how errors refer to it, e.g. "fit() x".
 */
export function toMatrix(value: unknown, cols: number, name: string): Matrix {
  if (value instanceof Float32Array) {
    if (value.length === 0) throw new ValueError(`${name}: expected at least one row, got an empty Float32Array`);
    if (value.length % cols !== 0) {
      throw new ShapeError(`${name}: expected a flat Float32Array whose length is a multiple of the row width ${cols}, got length ${value.length}`);
    }
    for (let i = 0; i < value.length; i++) {
      if (!Number.isFinite(value[i])) {
        throw new ValueError(`${name}: expected finite numbers, got ${value[i]} at row ${Math.floor(i / cols)}, column ${i % cols}`);
      }
    }
    return { data: value, rows: value.length / cols, cols };
  }
  if (!Array.isArray(value)) {
    throw new ValueError(`${name}: expected number[][] or a flat Float32Array, got ${describe(value)}`);
  }
  if (value.length === 0) throw new ValueError(`${name}: expected at least one row, got an empty array`);
  const rows = value.length;
  const data = new Float32Array(rows * cols);
  // A plain number[] is accepted as one column, the way Keras takes 1-D labels for one unit.
  if (cols === 1 && !Array.isArray(value[0])) {
    for (let r = 0; r < rows; r++) data[r] = finite(value[r], name, `[${r}]`);
    return { data, rows, cols };
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
  return { data, rows, cols };
}

function finite(v: unknown, name: string, at: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`${name}: expected finite numbers, got ${describe(v)} at ${at}`);
  return v;
}

/** Checks that x and y describe the same number of examples. */
export function checkSameRows(x: Matrix, y: Matrix, where: string): void {
  if (x.rows !== y.rows) {
    throw new ShapeError(`${where}: x and y must have the same number of rows, got ${x.rows} rows of x and ${y.rows} rows of y`);
  }
}
