// RepeatVector: each example's [features] row repeated n times, [features] → [n, features] (as
// Keras and TF.js; the encoder-to-decoder bridge of a sequence-to-sequence Sequential).
// Kernels: assembly/layers/repeat_vector.ts.
import { ValueError, checkKeys, describe } from '../errors.js';
import type { Core } from '../wasm.js';
import { baseArgs } from './config.js';
import { LAYER_ARG_KEYS, Layer, MAX_WIDTH, sizeOf, type LayerArgs, type Shape } from './layer.js';

export interface RepeatVectorConfig extends LayerArgs {
  /** How many times the row is repeated: the output's first axis. */
  n: number;
}

export class RepeatVector extends Layer {
  readonly className = 'RepeatVector';
  readonly n: number;

  constructor(config: RepeatVectorConfig) {
    const where = 'layers.repeatVector()';
    checkKeys(config, ['n', ...LAYER_ARG_KEYS], where);
    super(config, where);
    if (!Number.isInteger(config.n) || config.n <= 0 || config.n > MAX_WIDTH) {
      throw new ValueError(`${where}: n must be a positive integer (at most ${MAX_WIDTH}), got ${describe(config.n)}`);
    }
    this.n = config.n;
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 1) throw this.shapeError(`expects examples of rank 1 ([features])`, inputShape);
    if (this.n * inputShape[0] > MAX_WIDTH) throw this.shapeError(`repeating ${this.n} times would make more than ${MAX_WIDTH} values per example`, inputShape);
    return [this.n, inputShape[0]];
  }

  getConfig(): Record<string, unknown> {
    return { n: this.n };
  }

  static fromConfig(c: Record<string, unknown>): RepeatVector {
    return new RepeatVector({ ...baseArgs(c, ['n']), n: c.n as number });
  }

  describeConfig(): string {
    return `n: ${this.n}`;
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    this.computeOutputShape(inputShape);
    core.net_set_repeat_vector(net, index, this.n, sizeOf(inputShape));
  }

  reference(x: Float64Array, rows: number, inputShape: Shape): { output: Float64Array } {
    const f = sizeOf(inputShape), n = this.n;
    const y = new Float64Array(rows * n * f);
    for (let r = 0; r < rows; r++) for (let k = 0; k < n; k++) for (let j = 0; j < f; j++) y[(r * n + k) * f + j] = x[r * f + j];
    return { output: y };
  }
}
