// The weights' binary form: every tensor little-endian float32, back to back in weightSpecs order.
// Decoding checks each spec, the exact byte count and that every weight is finite.
import { ShapeError, describe } from '../errors.js';
import { isObject, preview } from './json.js';
import type { WeightSpec } from './types.js';

/** All weights together: a Wasm memory holds at most 4 GiB. */
export const MAX_WEIGHT_BYTES = 2 ** 32;

export interface Decoded { spec: WeightSpec; values: Float32Array }

/** The tensors back to back, as weightData. */
export function encodeWeights(tensors: Float32Array[]): ArrayBuffer {
  const weightData = new Float32Array(tensors.reduce((n, t) => n + t.length, 0));
  let offset = 0;
  for (const t of tensors) {
    weightData.set(t, offset);
    offset += t.length;
  }
  return weightData.buffer;
}

/** Checks one weightSpecs entry and returns its size in bytes. */
export function specBytes(spec: unknown, fail: (m: string) => Error): number {
  if (!isObject(spec) || typeof spec.name !== 'string' || !Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw fail(`weightSpecs entry ${preview(isObject(spec) ? spec.name ?? spec : spec)} needs a name and a shape of non-negative integers, got ${preview(spec)}`);
  }
  if ('quantization' in spec) throw fail(`weight "${spec.name}" is quantized; neurite reads float32 weights only`);
  // int32 weights (Keras's int64 counts, as its converter writes them) are read as float32 values.
  if (spec.dtype !== 'float32' && spec.dtype !== 'int32') {
    throw fail(`weight "${spec.name}" has dtype ${describe(spec.dtype)}; expected float32`);
  }
  const bytes = (spec.shape as number[]).reduce((a, b) => a * b, 4);
  if (bytes > MAX_WEIGHT_BYTES) throw fail(`weight "${spec.name}" of shape [${spec.shape.join(', ')}] needs ${bytes} bytes, more than the 4 GiB a Wasm memory holds`);
  return bytes;
}

/** Splits weightData by the specs, checking the byte count matches exactly and every value is finite. */
export function decodeWeights(specs: unknown, data: ArrayBuffer, fail: (m: string) => Error): Map<string, Decoded> {
  if (!Array.isArray(specs)) throw fail(`weightSpecs must be an array, got ${describe(specs)}`);
  if (!(data instanceof ArrayBuffer)) throw fail(`weightData must be an ArrayBuffer, got ${describe(data)}`);
  const out = new Map<string, Decoded>();
  let offset = 0;
  for (const spec of specs as WeightSpec[]) {
    const bytes = specBytes(spec, fail);
    if (out.has(spec.name)) throw fail(`weightSpecs lists "${spec.name}" twice`);
    if (offset + bytes > data.byteLength) {
      throw new ShapeError(`${fail('').message}weight data is truncated: weightSpecs need ${bytes} bytes for "${spec.name}" at byte ${offset}, but the data has ${data.byteLength} bytes in all`);
    }
    const raw = data.slice(offset, offset + bytes);
    // An optimizer's int32 slot keeps its bits, for the check that names it; a model weight's values convert.
    const values = spec.dtype === 'int32' && spec.group !== 'optimizer' ? Float32Array.from(new Int32Array(raw)) : new Float32Array(raw);
    if (spec.dtype === 'float32') {
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw fail(`weight "${spec.name}" holds ${values[bad]} at index ${bad}; weights must be finite`);
    }
    out.set(spec.name, { spec, values });
    offset += bytes;
  }
  if (offset !== data.byteLength) {
    throw new ShapeError(`${fail('').message}weight data has ${data.byteLength} bytes but weightSpecs describe ${offset}: ${data.byteLength - offset} bytes too many`);
  }
  return out;
}
