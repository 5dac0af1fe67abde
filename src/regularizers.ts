// Weight regularizers: a penalty on large weights added to the loss, l1·Σ|w| + l2·Σw², so
// training prefers simpler models. Names and defaults (0.01) are TF.js's.
import { ValueError, checkFloat32, checkKeys, describe } from './errors.js';

export type RegularizerIdentifier = 'l1' | 'l2' | 'l1l2';

export interface Regularizer {
  readonly name: RegularizerIdentifier;
  readonly l1: number;
  readonly l2: number;
}

function weight(value: unknown, where: string, key: string): number {
  return checkFloat32(value, { min: 0 }, where, key);
}

export const regularizers = {
  l1: (config: { l1?: number } = {}): Regularizer => {
    checkKeys(config, ['l1'], 'regularizers.l1()');
    return Object.freeze({ name: 'l1', l1: weight(config.l1 ?? 0.01, 'regularizers.l1()', 'l1'), l2: 0 });
  },
  l2: (config: { l2?: number } = {}): Regularizer => {
    checkKeys(config, ['l2'], 'regularizers.l2()');
    return Object.freeze({ name: 'l2', l1: 0, l2: weight(config.l2 ?? 0.01, 'regularizers.l2()', 'l2') });
  },
  l1l2: (config: { l1?: number; l2?: number } = {}): Regularizer => {
    checkKeys(config, ['l1', 'l2'], 'regularizers.l1l2()');
    const where = 'regularizers.l1l2()';
    return Object.freeze({ name: 'l1l2', l1: weight(config.l1 ?? 0.01, where, 'l1'), l2: weight(config.l2 ?? 0.01, where, 'l2') });
  },
};

export function getRegularizer(value: unknown, where: string): Regularizer | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && Object.hasOwn(regularizers, value)) return regularizers[value as RegularizerIdentifier]();
  if (typeof value === 'object' && Object.hasOwn(regularizers, (value as Regularizer).name)) {
    // Rebuilt through its factory, so a hand-made object is validated like any other.
    const { name, l1, l2 } = value as Regularizer;
    return name === 'l1' ? regularizers.l1({ l1 }) : name === 'l2' ? regularizers.l2({ l2 }) : regularizers.l1l2({ l1, l2 });
  }
  throw new ValueError(`${where}: unknown regularizer ${describe(value)}; expected 'l1', 'l2', 'l1l2' or an object from regularizers.*()`);
}
