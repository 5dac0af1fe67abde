// CategoryEncoding (TF.js's and Keras's preprocessing layer): integer ids to a fixed-width row,
// so a saved model takes category ids as they come. Ids are numbers in [0, numTokens):
//   'multiHot' (the default): [k] ids → [numTokens], 1 where an id occurs;
//   'count':                  [k] ids → [numTokens], how many times each id occurs;
//   'oneHot':                 [1] id → [numTokens]; [k] ids → [k, numTokens], one row per id (as
//                             Keras; TF.js 4.22 computes that shape but then refuses rank 3).
// The ids have no gradient, so the layer comes first in the model; every id is checked on every
// call (checkInput), as embedding's. Kernels: assembly/layers/category_encoding.ts.
import { ValueError, checkKeys, describe } from '../errors.js';
import { preview } from '../io/json.js';
import type { Core } from '../wasm.js';
import { baseArgs } from './config.js';
import { LAYER_ARG_KEYS, Layer, MAX_WIDTH, checkIds, type LayerArgs, type Shape } from './layer.js';

export type CategoryOutputMode = 'multiHot' | 'oneHot' | 'count';

export interface CategoryEncodingConfig extends LayerArgs {
  /** How many distinct ids there are: ids are integers in [0, numTokens), the output's width. */
  numTokens: number;
  /** Default 'multiHot', as TF.js and Keras. */
  outputMode?: CategoryOutputMode;
}

// Keras's (and TF.js's saved) spellings of the modes.
const MODES: Record<string, CategoryOutputMode> = { multiHot: 'multiHot', oneHot: 'oneHot', count: 'count', multi_hot: 'multiHot', one_hot: 'oneHot' };
const SAVED: Record<CategoryOutputMode, string> = { multiHot: 'multi_hot', oneHot: 'one_hot', count: 'count' };

export class CategoryEncoding extends Layer {
  readonly className = 'CategoryEncoding';
  readonly numTokens: number;
  readonly outputMode: CategoryOutputMode;
  /** @internal Its input is ids, which have no gradient: it must be the model's first layer. */
  override readonly firstOnly = true;

  constructor(config: CategoryEncodingConfig) {
    const where = 'layers.categoryEncoding()';
    checkKeys(config, ['numTokens', 'outputMode', ...LAYER_ARG_KEYS], where);
    super(config, where);
    // Ids are exact in float32 up to 2^24.
    if (!Number.isInteger(config.numTokens) || config.numTokens <= 0 || config.numTokens > 2 ** 24) {
      throw new ValueError(`${where}: numTokens must be a positive integer (at most ${2 ** 24}), got ${describe(config.numTokens)}`);
    }
    this.numTokens = config.numTokens;
    const mode = config.outputMode === undefined ? 'multiHot' : Object.hasOwn(MODES, config.outputMode as string) ? MODES[config.outputMode as string] : undefined;
    if (!mode) throw new ValueError(`${where}: outputMode must be 'multiHot', 'oneHot' or 'count', got ${describe(config.outputMode)}`);
    this.outputMode = mode;
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 1) throw this.shapeError('expects examples of rank 1 ([ids])', inputShape);
    const oneRowPerId = this.outputMode === 'oneHot' && inputShape[0] !== 1;
    if ((oneRowPerId ? inputShape[0] : 1) * this.numTokens > MAX_WIDTH) throw this.shapeError(`the output would hold more than ${MAX_WIDTH} values per example`, inputShape);
    return oneRowPerId ? [inputShape[0], this.numTokens] : [this.numTokens];
  }

  getConfig(): Record<string, unknown> {
    return { num_tokens: this.numTokens, output_mode: SAVED[this.outputMode] };
  }

  static fromConfig(c: Record<string, unknown>): CategoryEncoding {
    const args = baseArgs(c, ['num_tokens', 'output_mode', 'sparse']);
    if (c.sparse !== undefined && c.sparse !== false) throw new ValueError(`sparse is not supported, got ${preview(c.sparse)}`);
    return new CategoryEncoding({ ...args, numTokens: c.num_tokens as number, outputMode: (c.output_mode ?? undefined) as CategoryOutputMode | undefined });
  }

  describeConfig(): string {
    return `numTokens: ${this.numTokens}, outputMode: ${this.outputMode}`;
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    this.computeOutputShape(inputShape);
    const ids = inputShape[0], oneRowPerId = this.outputMode === 'oneHot';
    core.net_set_category_encoding(net, index, oneRowPerId ? ids : 1, oneRowPerId ? 1 : ids, this.numTokens, this.outputMode === 'count');
  }

  /** Checks the ids staged in Wasm memory (as embedding's): integers in [0, numTokens). Allocates nothing unless it throws. */
  override checkInput(heap: Float32Array, start: number, count: number, cols: number, firstRow: number, where: string, arg: string): void {
    checkIds(this, this.numTokens, heap, start, count, cols, firstRow, where, arg);
  }

  reference(x: Float64Array, rows: number, inputShape: Shape): { output: Float64Array } {
    const k = inputShape[0], n = this.numTokens;
    const groups = this.outputMode === 'oneHot' ? rows * k : rows, ids = this.outputMode === 'oneHot' ? 1 : k;
    const out = new Float64Array(groups * n);
    for (let g = 0; g < groups; g++) {
      for (let j = 0; j < ids; j++) {
        const at = g * n + x[g * ids + j];
        out[at] = this.outputMode === 'count' ? out[at] + 1 : 1;
      }
    }
    return { output: out };
  }
}
