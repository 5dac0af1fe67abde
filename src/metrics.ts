// Metrics: numbers reported during training that are watched, not optimized. The Wasm core keeps
// running totals (assembly/metrics.ts); each metric here turns them into its figure.
import { ValueError, describe } from './errors.js';
import type { Loss } from './losses.js';

export type MetricIdentifier =
  | 'accuracy' | 'acc' | 'binaryAccuracy' | 'categoricalAccuracy' | 'sparseCategoricalAccuracy'
  | 'meanSquaredError' | 'mse' | 'meanAbsoluteError' | 'mae' | 'precision' | 'recall';

// Slots of the totals; must match assembly/metrics.ts.
const BINARY_CORRECT = 0;
const CATEGORICAL_CORRECT = 1;
const SPARSE_CORRECT = 2;
const SQUARED_ERROR = 3;
const ABSOLUTE_ERROR = 4;
const TRUE_POSITIVES = 5;
const FALSE_POSITIVES = 6;
const FALSE_NEGATIVES = 7;

export interface Metric {
  /** The key in logs and history: the name the user asked for, as Keras 2.3+ does. */
  readonly key: string;
  /**
   * A second key logging the same value: `acc` for 'accuracy', the name TF.js logs it under, so
   * code written for TF.js (`logs.acc`, `val_acc`, `monitor: 'val_acc'`) works unchanged.
   */
  readonly alias?: string;
  /** Which totals the Wasm core must keep for it (a bit mask over the slots). */
  readonly mask: number;
  /** The figure from the totals over `rows` rows of `units` outputs. */
  value(totals: Float64Array, rows: number, units: number): number;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

function metric(key: string, slots: number[], value: Metric['value']): Metric {
  return { key, mask: slots.reduce((m, s) => m | (1 << s), 0), value };
}

const binaryAccuracy = (key: string) => metric(key, [BINARY_CORRECT], (t, rows, units) => t[BINARY_CORRECT] / (rows * units));
const categoricalAccuracy = (key: string) => metric(key, [CATEGORICAL_CORRECT], (t, rows) => t[CATEGORICAL_CORRECT] / rows);
const sparseCategoricalAccuracy = (key: string) => metric(key, [SPARSE_CORRECT], (t, rows) => t[SPARSE_CORRECT] / rows);

/**
 * Resolves a metric name. 'accuracy' logs as `accuracy` and `acc`, 'acc' as `acc`. Both become binary accuracy for one output unit or a
 * binary cross-entropy loss, sparse categorical for a sparse loss, categorical otherwise, as
 * Keras and TF.js decide.
 */
export function getMetric(value: unknown, loss: Loss, units: number, where: string): Metric {
  switch (value) {
    case 'accuracy':
    case 'acc': {
      const kind = loss.sparse ? sparseCategoricalAccuracy : units === 1 || loss.name === 'binaryCrossentropy' ? binaryAccuracy : categoricalAccuracy;
      return value === 'accuracy' ? { ...kind(value), alias: 'acc' } : kind(value);
    }
    case 'binaryAccuracy':
    case 'binary_accuracy':
      return binaryAccuracy(value);
    case 'categoricalAccuracy':
    case 'categorical_accuracy':
      return categoricalAccuracy(value);
    case 'sparseCategoricalAccuracy':
    case 'sparse_categorical_accuracy':
      return sparseCategoricalAccuracy(value);
    case 'meanSquaredError':
    case 'mse':
      return metric(value, [SQUARED_ERROR], (t, rows, units) => t[SQUARED_ERROR] / (rows * units));
    case 'meanAbsoluteError':
    case 'mae':
      return metric(value, [ABSOLUTE_ERROR], (t, rows, units) => t[ABSOLUTE_ERROR] / (rows * units));
    case 'precision':
      return metric(value, [TRUE_POSITIVES, FALSE_POSITIVES], (t) => ratio(t[TRUE_POSITIVES], t[TRUE_POSITIVES] + t[FALSE_POSITIVES]));
    case 'recall':
      return metric(value, [TRUE_POSITIVES, FALSE_NEGATIVES], (t) => ratio(t[TRUE_POSITIVES], t[TRUE_POSITIVES] + t[FALSE_NEGATIVES]));
    default:
      throw new ValueError(`${where}: unknown metric ${describe(value)}; expected accuracy, acc, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, meanSquaredError, meanAbsoluteError, precision or recall`);
  }
}

/** Metrics that compare values element by element need labels the width of the output. */
export function needsDenseLabels(metric: Metric): boolean {
  return (metric.mask & ~(1 << SPARSE_CORRECT)) !== 0;
}
