// Typed errors: every failure neurite reports is one of these, named for what was wrong.

/** Base class of every error neurite throws. */
export class NeuriteError extends Error {
  /** `options.cause`: the underlying error (a Node file-system error, say), kept for debugging. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A shape, row width or row count does not fit (e.g. x has 3 columns, the model takes 2). */
export class ShapeError extends NeuriteError {}

/** A value is out of its domain: NaN or Infinity, an unknown name, units ≤ 0, a bad option. */
export class ValueError extends NeuriteError {}

/** The call does not fit the object's state: before ready(), before compile(), after dispose(). */
export class StateError extends NeuriteError {}

/**
 * Training diverged: the loss or its gradient became NaN or Infinity. fit() stops at that batch
 * without applying its update, so the weights stay finite; a smaller learning rate is the usual cure.
 */
export class DivergenceError extends NeuriteError {
  constructor(message: string, readonly epoch: number, readonly batch: number, readonly loss: number) {
    super(message);
  }
}

/** Describes a value for an error message: short, and never the whole of a large array. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  if (typeof value === 'function') return 'a function';
  return `an object (${Object.prototype.toString.call(value)})`;
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
