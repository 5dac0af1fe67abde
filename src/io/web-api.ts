// The Web APIs the browser handlers use, looked up when used so that a missing one (in Node, or a
// worker without DOM) fails with a typed error naming it.
import { StateError } from '../errors.js';

/** globalThis[name], or a StateError naming the scheme that needs it. */
export function webApi<T>(name: string, scheme: string): T {
  const value = (globalThis as Record<string, unknown>)[name];
  if (value === undefined || value === null) throw new StateError(`${scheme}:// needs the ${name} API, which this environment (${(globalThis as { process?: unknown }).process !== undefined ? 'Node' : 'this runtime'}) does not have`);
  return value as T;
}
