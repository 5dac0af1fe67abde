// Typed errors: every failure neurite reports is one of these, named for what was wrong.
import { lengthOf, typedArrayTag } from './typed-arrays.js';

// Each class names itself with a string literal: a minifier renames classes (`new.target.name`
// would read `t` in a production bundle), never strings. The names also let an error cross from a
// worker and be rebuilt as its class (worker.ts).

/** Base class of every error neurite throws. */
export class NeuriteError extends Error {
  override name = 'NeuriteError';
  /** `options.cause`: the underlying error (a Node file-system error, say), kept for debugging. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** A shape, row width or row count does not fit (e.g. x has 3 columns, the model takes 2). */
export class ShapeError extends NeuriteError {
  override name = 'ShapeError';
}

/** A value is out of its domain: NaN or Infinity, an unknown name, units ≤ 0, a bad option. */
export class ValueError extends NeuriteError {
  override name = 'ValueError';
}

/** The call does not fit the object's state: before ready(), before compile(), after dispose(). */
export class StateError extends NeuriteError {
  override name = 'StateError';
}

/**
 * Training diverged: the loss or its gradient became NaN or Infinity. fit() stops at that batch
 * without applying its update, so the weights stay finite; a smaller learning rate is the usual cure.
 */
export class DivergenceError extends NeuriteError {
  override name = 'DivergenceError';
  constructor(message: string, readonly epoch: number, readonly batch: number, readonly loss: number) {
    super(message);
  }
}

/** Describes a value for an error message: short, never the whole of a large array, and never failing. */
export function describe(value: unknown): string {
  try {
    if (value === undefined) return 'undefined';
    if (value === null) return 'null';
    if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
    if (typeof value === 'symbol') return 'a symbol';
    if (typeof value === 'function') return 'a function';
    // Typed arrays by the engine's own tag and length: a subclass may lie through its getters.
    const tag = typedArrayTag(value);
    if (tag) return `a ${tag} of length ${lengthOf(value as ArrayBufferView)}`;
    if (ArrayBuffer.isView(value)) return 'a DataView';
    if (Array.isArray(value)) return `an array of length ${value.length}`;
    return `an object (${Object.prototype.toString.call(value)})`;
  } catch {
    // A Proxy or a getter that throws while being described.
    return 'a value that cannot be inspected';
  }
}

/** Bounds for checkFloat32: `above`/`below` exclude the bound, `min`/`max` include it. */
export interface Float32Range {
  min?: number;
  max?: number;
  above?: number;
  below?: number;
}

/**
 * Checks a numeric option as the core will hold it, in float32, and returns it: 1e39 would become
 * Infinity there, 1e-50 zero and 0.99999999999 one, so the float32 value must meet the bounds.
 */
export function checkFloat32(value: unknown, range: Float32Range, where: string, key: string): number {
  const f = typeof value === 'number' ? Math.fround(value) : NaN;
  const { min, max, above, below } = range;
  if (Number.isFinite(f) && (min === undefined || f >= min) && (max === undefined || f <= max) && (above === undefined || f > above) && (below === undefined || f < below)) {
    return value as number;
  }
  const expected = above === 0 && below === undefined && max === undefined ? 'a positive finite number'
    : min === 0 && below === undefined && max === undefined ? 'a non-negative finite number'
    : min !== undefined && below !== undefined && above === undefined ? `in [${min}, ${below})`
    : `a finite number${[
      above !== undefined ? ` > ${above}` : min !== undefined ? ` ≥ ${min}` : '',
      below !== undefined ? ` < ${below}` : max !== undefined ? ` ≤ ${max}` : '',
    ].filter(Boolean).join(' and')}`;
  const stored = typeof value === 'number' && f !== value ? `, which is ${f} as the float32 the core uses` : '';
  throw new ValueError(`${where}: ${key} must be ${expected}, got ${describe(value)}${stored}`);
}

/** Rejects configuration keys not in `allowed`, so a typo is an error rather than ignored. */
export function checkKeys(config: unknown, allowed: readonly string[], where: string): void {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ValueError(`${where}: expected a configuration object, got ${describe(config)}`);
  }
  for (const key of Object.keys(config)) {
    if (!allowed.includes(key)) {
      throw new ValueError(`${where}: unknown option ${JSON.stringify(key)}; expected one of ${allowed.join(', ')}`);
    }
  }
}

/** Checks a boolean option and returns it. */
export function checkBoolean(value: unknown, where: string, key: string): boolean {
  if (typeof value !== 'boolean') throw new ValueError(`${where}: ${key} must be a boolean, got ${describe(value)}`);
  return value;
}

/** Checks an integer option in [min, max] and returns it. */
export function checkInteger(value: unknown, min: number, max: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValueError(`${what}: expected an integer in [${min}, ${max}], got ${describe(value)}`);
  }
  return value;
}
