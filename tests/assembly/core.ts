// Direct access to the Wasm kernels for the tests of assembly/.
import { ready, wasm, allocate, readF32, writeF32, type Core } from '../../src/wasm.js';

let live: number[] = [];

export async function loadCore(): Promise<Core> {
  await ready();
  return wasm();
}

/** Allocates n floats (zeroed) or copies `data` into fresh Wasm memory; returns the pointer. */
export function put(data: ArrayLike<number> | number): number {
  const n = typeof data === 'number' ? data : data.length;
  const ptr = allocate(Math.max(n, 1) * 4, 'test buffer');
  if (typeof data !== 'number') writeF32(ptr, Float32Array.from(data));
  live.push(ptr);
  return ptr;
}

export const get = readF32;

/** Frees every buffer put() allocated. */
export function freeAll(): void {
  for (const ptr of live) wasm().free(ptr);
  live = [];
}
