// Metrics: numbers reported during training that are not optimized, only watched.
import { ValueError, describe } from './errors.js';
import type { Loss } from './losses.js';

export type MetricIdentifier = 'accuracy' | 'acc' | 'binaryAccuracy' | 'categoricalAccuracy';

export interface Metric {
  /** The key in logs and history (the name the user asked for, as TF.js does). */
  readonly key: string;
  /** The kernel id in assembly/metrics.ts. */
  readonly id: number;
  /** Whether it counts elements (binary) or rows (categorical). */
  readonly perElement: boolean;
}

const BINARY = 0;
const CATEGORICAL = 1;

/**
 * Resolves a metric name. 'accuracy' / 'acc' become binary accuracy for one output unit or a
 * binary cross-entropy loss, categorical accuracy otherwise, as TF.js decides.
 */
export function getMetric(value: unknown, loss: Loss, units: number, where: string): Metric {
  switch (value) {
    case 'accuracy':
    case 'acc': {
      const binary = units === 1 || loss.name === 'binaryCrossentropy';
      return { key: value, id: binary ? BINARY : CATEGORICAL, perElement: binary };
    }
    case 'binaryAccuracy':
    case 'binary_accuracy':
      return { key: value, id: BINARY, perElement: true };
    case 'categoricalAccuracy':
    case 'categorical_accuracy':
      return { key: value, id: CATEGORICAL, perElement: false };
    default:
      throw new ValueError(`${where}: unknown metric ${describe(value)}; expected accuracy, acc, binaryAccuracy or categoricalAccuracy`);
  }
}
