// A graph model's inputs: `input({ shape })` starts a graph that layer.apply() extends (the symbolic
// tensors themselves are in layers/layer.ts, beside apply()).
import { ValueError, checkKeys, describe } from './errors.js';
import { SymbolicTensor, checkShape } from './layers/layer.js';

export interface InputConfig {
  /** The shape of one example, without the batch axis. */
  shape: number[];
  name?: string;
  /** Only 'float32' (the default). */
  dtype?: 'float32';
}

let inputCount = 0;

/** A model input: the start of a graph, `input({ shape: [784] })`, as TF.js's tf.input(). */
export function input(config: InputConfig): SymbolicTensor {
  const where = 'input()';
  checkKeys(config, ['shape', 'name', 'dtype'], where);
  const shape = checkShape(config.shape, where, 'shape');
  if (config.dtype !== undefined && config.dtype !== 'float32') throw new ValueError(`${where}: dtype must be 'float32', got ${describe(config.dtype)}`);
  if (config.name !== undefined && (typeof config.name !== 'string' || config.name.length === 0)) throw new ValueError(`${where}: name must be a non-empty string, got ${describe(config.name)}`);
  return new SymbolicTensor(shape, undefined, [], config.name ?? `input_${++inputCount}`);
}

