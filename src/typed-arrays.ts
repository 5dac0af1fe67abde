// The engine's own typed-array accessors, which a subclass, an own property or a Proxy cannot
// override: user arrays are measured and recognized with these, never through their `length`.
const prototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const getter = (key: PropertyKey) => Object.getOwnPropertyDescriptor(prototype, key)!.get!;
const intrinsicLength = getter('length');
const intrinsicTag = getter(Symbol.toStringTag);
const intrinsicBuffer = getter('buffer');
const intrinsicByteOffset = getter('byteOffset');

/** The kind of a real typed array ('Float32Array', ...), or undefined for anything else. */
export function typedArrayTag(value: unknown): string | undefined {
  return ArrayBuffer.isView(value) ? (intrinsicTag.call(value) as string | undefined) : undefined;
}

/** True for a real Float32Array (or subclass), judged without running any of its code. */
export function isFloat32Array(value: unknown): value is Float32Array {
  return typedArrayTag(value) === 'Float32Array';
}

/** True for a real Float64Array (or subclass), judged the same way. */
export function isFloat64Array(value: unknown): value is Float64Array {
  return typedArrayTag(value) === 'Float64Array';
}

/** The element count of a typed array as the engine knows it (0 once its buffer is detached). */
export function lengthOf(view: ArrayBufferView): number {
  return intrinsicLength.call(view) as number;
}

/** A plain Float32Array over `count` values of `view` from index `from`, made without its own methods. */
export function float32Range(view: Float32Array, from: number, count: number): Float32Array {
  return new Float32Array(intrinsicBuffer.call(view) as ArrayBufferLike, (intrinsicByteOffset.call(view) as number) + from * 4, count);
}
