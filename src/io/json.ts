// Helpers for reading untrusted JSON: type tests, a bounded walk that keeps later recursion off
// the stack limit, short previews for error messages, and Keras's snake_case names.
import { NeuriteError, describe } from '../errors.js';

/** Keras configs nest about 8 levels; this leaves room and keeps every later walk off the stack limit. */
const MAX_JSON_DEPTH = 64;
const MAX_JSON_VALUES = 1_000_000;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Refuses arrays and objects nested deeper than MAX_JSON_DEPTH (cycles included) or holding more
 * than MAX_JSON_VALUES values. It walks with its own stack, so it cannot overflow; after it, the
 * recursive walks of checks and messages (JSON.stringify, String of an array) cannot either.
 */
export function checkNesting(value: unknown, what: string, fail: (m: string) => Error): void {
  const stack: [unknown, number, string][] = [[value, 0, what]];
  let count = 0;
  while (stack.length > 0) {
    const [v, depth, path] = stack.pop()!;
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    if (depth >= MAX_JSON_DEPTH) throw fail(`${path} nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep`);
    const entries = Object.entries(v);
    count += entries.length;
    if (count > MAX_JSON_VALUES) throw fail(`${what} holds more than ${MAX_JSON_VALUES} values`);
    // The path names the first levels only, which is where to look.
    for (const [key, child] of entries) stack.push([child, depth + 1, depth < 6 ? `${path}${Array.isArray(v) ? `[${key}]` : `.${key.slice(0, 40)}`}` : path]);
  }
}

/** A loaded value for an error message: its JSON, cut short (describe() for what has none). */
export function preview(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // A BigInt or a cycle in in-memory artifacts.
  }
  if (text === undefined) return describe(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

// Runs a neurite constructor on loaded values, naming the file and layer in its errors.
export function wrap<T>(where: string, fail: (m: string) => Error, make: () => T): T {
  try {
    return make();
  } catch (err) {
    if (err instanceof NeuriteError) throw fail(`${where}: ${err.message}`);
    throw err;
  }
}

/** camelCase → snake_case, as Keras names losses and distributions. */
export function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
