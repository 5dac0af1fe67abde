// Custom metrics: plain functions `(yTrue, yPred) => number` in compile({ metrics }), logged under
// the function's name (Keras logs `fn.__name__`). They run outside the training step: once per
// epoch over the whole training set, with the weights at the end of the epoch and in inference mode
// (no dropout), and over the validation data for their `val_` versions; evaluate() runs them over
// its data. The hot path stays one Wasm call per chunk of steps, and a model without them does no
// extra work.
import type { Logs } from './callbacks.js';
import { ValueError, describe } from './errors.js';
import { heapF32, readF32, type Core } from './wasm.js';

/**
 * A metric over a whole data set: `yTrue` holds the labels as fit() took them (rows × the label
 * size, row-major; class indices for a sparse loss), `yPred` the model's outputs for the same rows
 * (rows × the output size, as predict() returns them). Both are copies the function may keep.
 */
export type MetricFunction = (yTrue: Float32Array, yPred: Float32Array) => number;

export interface CustomMetric {
  /** The log key: the function's name. */
  readonly key: string;
  readonly fn: MetricFunction;
}

// Keys the logs already use for something else.
const RESERVED = new Set(['loss', 'lr', 'batch', 'size']);

/** A compile() metric that is a function: named by its `name`, which must be a usable log key. */
export function customMetric(fn: MetricFunction, where: string): CustomMetric {
  const name: unknown = fn.name; // read once
  if (typeof name !== 'string' || name === '') {
    throw new ValueError(`${where}: a metric function needs a name, which its logs are keyed by (Keras uses __name__); got an anonymous function: declare it as function name(yTrue, yPred) { ... } or const name = (yTrue, yPred) => ...`);
  }
  if (RESERVED.has(name) || name.startsWith('val_')) {
    throw new ValueError(`${where}: the metric function ${JSON.stringify(name)} would log under a key fit() uses for something else (loss, lr, batch, size, val_*); rename it`);
  }
  return { key: name, fn };
}

/**
 * Each custom metric of model output `sizes.output` over `rows` staged rows (inputs at xPtr, labels
 * at yPtr, `sizes.labels` values a row, this output's `labelWidth` of them from `labelOffset`),
 * keyed `prefix` + its name. One inference-mode forward pass in chunks the activation buffers hold,
 * then each function once over all rows. A function that throws, or returns something other than a
 * number, fails the call.
 */
export function computeCustomMetrics(
  core: Core, net: number, metrics: readonly CustomMetric[], xPtr: number, yPtr: number, rows: number,
  sizes: { inputs: number; labels: number; outputs: number; output: number; labelOffset: number; labelWidth: number }, batchSize: number, prefix: string, where: string,
): Logs {
  const logs: Logs = {};
  if (metrics.length === 0 || rows === 0) return logs;
  const chunk = Math.min(batchSize, core.net_batch_cap(net));
  const yPred = new Float32Array(rows * sizes.outputs);
  for (let start = 0; start < rows; start += chunk) {
    const n = Math.min(chunk, rows - start);
    core.net_forward(net, xPtr + start * sizes.inputs * 4, n, false, false);
    const output = core.net_output(net, sizes.output) >>> 2;
    yPred.set(heapF32().subarray(output, output + n * sizes.outputs), start * sizes.outputs);
  }
  const all = readF32(yPtr, rows * sizes.labels), width = sizes.labelWidth;
  // This output's columns of each label row (all of them, with one output).
  const yTrue = width === sizes.labels ? all : new Float32Array(rows * width);
  if (yTrue !== all) for (let r = 0; r < rows; r++) yTrue.set(all.subarray(r * sizes.labels + sizes.labelOffset, r * sizes.labels + sizes.labelOffset + width), r * width);
  for (const { key, fn } of metrics) {
    // Each gets its own copies: one function cannot change what the next one sees.
    const value: unknown = fn(metrics.length > 1 ? yTrue.slice() : yTrue, metrics.length > 1 ? yPred.slice() : yPred);
    if (typeof value !== 'number') throw new ValueError(`${where}: the metric function ${JSON.stringify(key)} must return a number, got ${describe(value)}`);
    logs[prefix + key] = value;
  }
  return logs;
}
