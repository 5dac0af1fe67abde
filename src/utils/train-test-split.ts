// trainTestSplit(): holds out part of a data set for testing, as scikit-learn's train_test_split:
// shuffled with a seed (the same seed, the same split), and optionally stratified, so each class
// keeps its share in both parts (which matters for the small, imbalanced data sets of on-device apps).
import { ShapeError, ValueError, checkBoolean, checkKeys, describe } from '../errors.js';
import { lengthOf, typedArrayTag } from '../typed-arrays.js';
import { checkSeed, randomSeed } from '../initializers.js';

export interface TrainTestSplitConfig {
  /** The test part: a fraction in (0, 1) of the examples, rounded up, or a count ≥ 1 (default 0.25). */
  testSize?: number;
  /** Shuffle before splitting (default true); false takes the last examples as the test part. */
  shuffle?: boolean;
  /** Seed of the shuffle (default: a random one). */
  seed?: number;
  /** Keep each class's share in both parts (default false); classes are read from y. Needs shuffle. */
  stratify?: boolean;
}

/** An array with one entry per example, or a flat typed array of rows. */
type Examples = readonly unknown[] | ArrayLike<number>;

export interface TrainTestSplit<X extends Examples, Y extends Examples> {
  xTrain: X;
  xTest: X;
  yTrain: Y;
  yTest: Y;
}

/**
 * Splits examples into a training and a test part, keeping x and y in step:
 *
 *   const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, { testSize: 0.2, seed: 1, stratify: true });
 *
 * x and y are arrays with one entry per example (number[][], Float32Array[], a number[] of labels;
 * the entries themselves are shared, not copied) or flat typed arrays, split into rows of
 * length ÷ examples values; the number of examples is the length of whichever is an array, or,
 * when both are flat, y's length (one label per example). Each part has the kind of its input.
 * With stratify, an example's class is its y entry: a number, or the argmax of a one-hot row.
 */
export function trainTestSplit<X extends Examples, Y extends Examples>(x: X, y: Y, config: TrainTestSplitConfig = {}): TrainTestSplit<X, Y> {
  const where = 'trainTestSplit()';
  checkKeys(config, ['testSize', 'shuffle', 'seed', 'stratify'], where);
  const { testSize = 0.25, shuffle = true, stratify = false } = config;
  checkBoolean(shuffle, where, 'shuffle');
  checkBoolean(stratify, where, 'stratify');
  if (stratify && !shuffle) throw new ValueError(`${where}: stratify needs shuffle: true (an unshuffled split takes the last examples, whatever their classes)`);
  const seed = config.seed === undefined ? randomSeed() : checkSeed(config.seed, where);

  const xs = rowsOf(x, 'x'), ys = rowsOf(y, 'y');
  // The number of examples: an array's length, or y's when both are flat (one label per example).
  const n = xs.array ? xs.length : ys.length;
  if (n < 2) throw new ValueError(`${where}: need at least 2 examples to split, got ${n}`);
  if ((ys.array && ys.length !== n) || xs.length % n !== 0 || ys.length % n !== 0) {
    throw new ShapeError(`${where}: x and y must hold the same number of examples, got ${describe(x)} and ${describe(y)}`);
  }
  const testCount = countFor(testSize, n, where);

  const order = Array.from({ length: n }, (_, i) => i);
  let test: number[];
  if (!shuffle) {
    test = order.slice(n - testCount);
  } else if (!stratify) {
    shuffleInPlace(order, generator(seed));
    test = order.slice(0, testCount);
  } else {
    test = stratified(classesOf(y, ys, n), testCount, generator(seed));
  }
  const inTest = new Uint8Array(n);
  for (const i of test) inTest[i] = 1;
  // Train in shuffled order too (or the original order without shuffle), test in the order drawn.
  const trainIdx = order.filter((i) => !inTest[i]);
  if (stratify) shuffleInPlace(trainIdx, generator(seed + 1));
  return { xTrain: take(x, xs, trainIdx, n), xTest: take(x, xs, test, n), yTrain: take(y, ys, trainIdx, n), yTest: take(y, ys, test, n) };
}

function rowsOf(value: unknown, name: string): { array: boolean; length: number } {
  if (Array.isArray(value)) return { array: true, length: value.length };
  if (typedArrayTag(value) !== undefined && !/^Big/.test(typedArrayTag(value)!)) return { array: false, length: lengthOf(value as ArrayBufferView) };
  throw new ValueError(`trainTestSplit(): ${name} must be an array with one entry per example or a flat typed array, got ${describe(value)}`);
}

function countFor(testSize: unknown, n: number, where: string): number {
  if (typeof testSize !== 'number' || !(testSize > 0) || (testSize >= 1 && !Number.isInteger(testSize))) {
    throw new ValueError(`${where}: testSize must be a fraction in (0, 1) or a whole number of examples, got ${describe(testSize)}`);
  }
  const count = testSize < 1 ? Math.ceil(testSize * n) : testSize;
  if (count >= n) throw new ValueError(`${where}: testSize ${testSize} of ${n} examples leaves none for training`);
  return count;
}

/** Each example's class from y: its value, or the index of the largest value of its row. */
function classesOf(y: unknown, ys: { array: boolean; length: number }, n: number): number[] {
  const width = ys.length / n;
  return Array.from({ length: n }, (_, i) => {
    const entry = ys.array ? (y as readonly unknown[])[i] : undefined;
    if (typeof entry === 'number') return checkClass(entry, i);
    // A row: y[i] (an array or typed array), or values i·width … of a flat y.
    const row = (ys.array ? entry : y) as ArrayLike<number>, start = ys.array ? 0 : i * width;
    const w = ys.array ? (Array.isArray(entry) || typedArrayTag(entry) !== undefined ? rowLength(entry) : 0) : width;
    if (w === 0) throw new ValueError(`trainTestSplit(): stratify reads classes from y, but y[${i}] is ${describe(entry)}`);
    if (w === 1) return checkClass(row[start], i);
    let best = 0;
    for (let c = 1; c < w; c++) if (row[start + c] > row[start + best]) best = c;
    return best;
  });
}

function checkClass(value: unknown, i: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ValueError(`trainTestSplit(): stratify reads classes from y, but y[${i}] is ${describe(value)}`);
  return value;
}

function rowLength(row: unknown): number {
  return Array.isArray(row) ? row.length : lengthOf(row as ArrayBufferView);
}

/**
 * testCount examples drawn so that each class gets its share: floor(count × testCount / n), the
 * examples left over going to the classes with the largest remainders (the first such classes in
 * order of first appearance on a tie).
 */
function stratified(classes: number[], testCount: number, next: () => number): number[] {
  const byClass = new Map<number, number[]>();
  classes.forEach((k, i) => (byClass.get(k) ?? byClass.set(k, []).get(k)!).push(i));
  const groups = [...byClass.values()], n = classes.length;
  const shares = groups.map((g) => (g.length * testCount) / n);
  const counts = shares.map(Math.floor);
  let left = testCount - counts.reduce((a, b) => a + b, 0);
  const byRemainder = shares.map((s, g) => [s - Math.floor(s), g]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, g] of byRemainder) {
    if (left === 0) break;
    counts[g]++;
    left--;
  }
  const test: number[] = [];
  groups.forEach((group, g) => {
    shuffleInPlace(group, next);
    test.push(...group.slice(0, counts[g]));
  });
  shuffleInPlace(test, next);
  return test;
}

/** The chosen examples of `value`, as the same kind of array (a typed array of the same type). */
function take<T extends Examples>(value: T, rows: { array: boolean; length: number }, indices: number[], n: number): T {
  if (rows.array) return indices.map((i) => (value as readonly unknown[])[i]) as unknown as T;
  const width = rows.length / n, source = value as ArrayLike<number>;
  // Built from the engine's tag, not value.constructor, which a subclass or own property may change.
  const Kind = (globalThis as unknown as Record<string, new (n: number) => Record<number, number>>)[typedArrayTag(value)!];
  const out = new Kind(indices.length * width);
  indices.forEach((i, r) => {
    for (let c = 0; c < width; c++) out[r * width + c] = source[i * width + c];
  });
  return out as unknown as T;
}

/** Fisher–Yates with the generator's draws in [0, 1). */
function shuffleInPlace(values: number[], next: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
}

/**
 * A small seeded generator (Marsaglia's xorshift32), so splitting needs neither ready() nor the
 * Wasm core. The seed is mixed first, so nearby seeds give unrelated sequences.
 */
function generator(seed: number): () => number {
  let s = (Math.imul((seed % 2 ** 32) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.floor(seed / 2 ** 32)) >>> 0 || 1;
  s = Math.imul(s ^ (s >>> 16), 0x7feb352d) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}
