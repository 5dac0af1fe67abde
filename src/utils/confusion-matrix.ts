// confusionMatrix(): how often each true class was predicted as each class, the table to read
// after accuracy. TF.js's tf.math.confusionMatrix(labels, predictions, numClasses): rows are the
// true classes, columns the predicted ones.
import { ShapeError, ValueError, checkInteger, describe } from '../errors.js';
import { countOf } from './one-hot.js';

/**
 * matrix[t][p] counts the examples of true class t predicted as p. Labels and predictions are class
 * indices (argMax() turns predict() rows into them); `numClasses` defaults to the largest index + 1.
 */
export function confusionMatrix(labels: ArrayLike<number>, predictions: ArrayLike<number>, numClasses?: number): number[][] {
  const n = countOf(labels, 'confusionMatrix() labels');
  const m = countOf(predictions, 'confusionMatrix() predictions');
  if (n !== m) throw new ShapeError(`confusionMatrix(): labels and predictions must have the same length, got ${n} labels and ${m} predictions`);
  const check = (values: ArrayLike<number>, name: string, i: number, limit: number) => {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= limit) {
      throw new ValueError(`confusionMatrix(): ${name}[${i}] must be a class index, an integer in [0, ${limit === Infinity ? '∞' : limit}), got ${describe(v)}`);
    }
    return v;
  };
  let classes = numClasses;
  if (classes === undefined) {
    classes = 0;
    for (let i = 0; i < n; i++) classes = Math.max(classes, check(labels, 'labels', i, Infinity) + 1, check(predictions, 'predictions', i, Infinity) + 1);
  } else {
    checkInteger(classes, 1, 2 ** 16, 'confusionMatrix() numClasses');
  }
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < n; i++) matrix[check(labels, 'labels', i, classes)][check(predictions, 'predictions', i, classes)]++;
  return matrix;
}
