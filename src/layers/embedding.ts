// Embedding: integer ids (given as numbers) to dense vectors. Each id picks a row of the table
// `embeddings` [inputDim × outputDim], so an example of inputLength ids becomes
// [inputLength, outputDim]:
//   out[p, :] = E[id_p, :],   dLoss/dE[k, :] = Σ_{p : id_p = k} dLoss/dout[p, :].
// Only the rows used get a gradient; the ids themselves have none, so the layer comes first in the
// model. Every id must be an integer in [0, inputDim): the model checks the staged copy of x
// (checkInput) before any step. With maskZero, id 0 is padding: the layer's output carries a mask
// (1 per id, 0 where the id is 0) that the recurrent layers after it use to skip those steps, as
// TF.js. Kernels: assembly/layers/embedding.ts.
import { ValueError, checkBoolean, checkKeys, describe } from '../errors.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import type { Core } from '../wasm.js';
import { preview } from '../io/json.js';
import { baseArgs, initializerConfig, parseInitializer, parseRegularizer, regularizerConfig } from './config.js';
import { LAYER_ARG_KEYS, Layer, MAX_WIDTH, checkIds, sizeOf, type LayerArgs, type LayerWeight, type Shape } from './layer.js';

export interface EmbeddingConfig extends Omit<LayerArgs, 'inputDim'> {
  /** Size of the vocabulary: ids are integers in [0, inputDim). */
  inputDim: number;
  /** Width of each embedding vector. */
  outputDim: number;
  /** Ids per example: the input shape is [inputLength]. */
  inputLength?: number;
  /** Default 'randomUniform' (±0.05), as in TF.js. */
  embeddingsInitializer?: InitializerIdentifier | Initializer;
  embeddingsRegularizer?: RegularizerIdentifier | Regularizer;
  /** Id 0 is padding: recurrent layers after skip its steps (default false). */
  maskZero?: boolean;
}

const KEYS = ['inputDim', 'outputDim', 'inputLength', 'embeddingsInitializer', 'embeddingsRegularizer', 'maskZero', ...LAYER_ARG_KEYS];
const CONFIG_KEYS = ['input_dim', 'output_dim', 'input_length', 'embeddings_initializer', 'embeddings_regularizer', 'activity_regularizer', 'embeddings_constraint', 'mask_zero'];

export class Embedding extends Layer {
  readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly inputLength: number | undefined;
  readonly embeddingsInitializer: Initializer;
  readonly embeddingsRegularizer: Regularizer | undefined;
  readonly maskZero: boolean;
  /** @internal Its input is ids, which have no gradient: it must be the model's first layer. */
  override readonly firstOnly = true;

  constructor(config: EmbeddingConfig) {
    const where = 'layers.embedding()';
    checkKeys(config, KEYS, where);
    const positive = (v: unknown, what: string) => {
      if (!Number.isInteger(v) || (v as number) <= 0 || (v as number) > MAX_WIDTH) throw new ValueError(`${where}: ${what} must be a positive integer (at most ${MAX_WIDTH}), got ${describe(v)}`);
      return v as number;
    };
    const { inputDim, inputLength, ...rest } = config;
    if (inputLength !== undefined && inputLength !== null) positive(inputLength, 'inputLength');
    // inputLength stands for inputShape [inputLength] (LayerArgs' inputDim is not this inputDim).
    const shapeGiven = rest.inputShape !== undefined || rest.batchInputShape !== undefined;
    super({ ...rest, ...(!shapeGiven && inputLength != null && { inputShape: [inputLength] }) } as LayerArgs, where);
    this.inputDim = positive(inputDim, 'inputDim');
    this.outputDim = positive(config.outputDim, 'outputDim');
    if (this.inputDim * this.outputDim > MAX_WIDTH) throw new ValueError(`${where}: inputDim × outputDim (${this.inputDim} × ${this.outputDim}) must be at most ${MAX_WIDTH} values`);
    this.inputLength = inputLength ?? undefined;
    if (this.inputLength !== undefined && this.declaredInputShape && (this.declaredInputShape.length !== 1 || this.declaredInputShape[0] !== this.inputLength)) {
      throw new ValueError(`${where}: inputLength ${this.inputLength} disagrees with the input shape [${this.declaredInputShape.join(', ')}]`);
    }
    this.maskZero = config.maskZero === undefined ? false : checkBoolean(config.maskZero, where, 'maskZero');
    this.embeddingsInitializer = getInitializer(config.embeddingsInitializer, 'randomUniform', `${where} embeddingsInitializer`);
    this.embeddingsRegularizer = getRegularizer(config.embeddingsRegularizer, `${where} embeddingsRegularizer`);
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (this.inputLength !== undefined && (inputShape.length !== 1 || inputShape[0] !== this.inputLength)) {
      throw this.shapeError(`inputLength is ${this.inputLength}, so it expects examples of [${this.inputLength}] ids`, inputShape);
    }
    if (inputShape.length > 7) throw this.shapeError('expects examples of at most 7 axes of ids', inputShape);
    if (sizeOf(inputShape) * this.outputDim > MAX_WIDTH) throw this.shapeError(`outputDim ${this.outputDim} for every id would make more than ${MAX_WIDTH} values per example`, inputShape);
    return [...inputShape, this.outputDim];
  }

  override weightSpecs(): LayerWeight[] {
    return [{ name: 'embeddings', shape: [this.inputDim, this.outputDim], initializer: this.embeddingsInitializer, regularizer: this.embeddingsRegularizer }];
  }

  getConfig(): Record<string, unknown> {
    return {
      input_dim: this.inputDim,
      output_dim: this.outputDim,
      embeddings_initializer: initializerConfig(this.embeddingsInitializer),
      embeddings_regularizer: regularizerConfig(this.embeddingsRegularizer),
      activity_regularizer: null,
      embeddings_constraint: null,
      mask_zero: this.maskZero,
      input_length: this.inputLength ?? null,
    };
  }

  static fromConfig(c: Record<string, unknown>): Embedding {
    // input_dim is the vocabulary here, not the input shape baseArgs would read it as.
    const args = baseArgs({ ...c, input_dim: undefined }, CONFIG_KEYS);
    for (const key of ['activity_regularizer', 'embeddings_constraint']) {
      if (c[key] != null) throw new ValueError(`${key} is not supported, got ${preview(c[key])}`);
    }
    const inputLength = Array.isArray(c.input_length) && c.input_length.length === 1 ? c.input_length[0] : c.input_length;
    return new Embedding({
      ...args,
      inputDim: c.input_dim as number,
      outputDim: c.output_dim as number,
      inputLength: (inputLength ?? undefined) as number | undefined,
      embeddingsInitializer: parseInitializer(c.embeddings_initializer, 'embeddings_initializer'),
      embeddingsRegularizer: parseRegularizer(c.embeddings_regularizer, 'embeddings_regularizer'),
      maskZero: (c.mask_zero ?? false) as boolean,
    });
  }

  describeConfig(): string {
    return `inputDim: ${this.inputDim}, outputDim: ${this.outputDim}${this.maskZero ? ', maskZero' : ''}`;
  }

  override outputMask(): 'own' | undefined {
    return this.maskZero ? 'own' : undefined;
  }

  override referenceMask(x: Float64Array, rows: number, inputShape: Shape): Float64Array {
    return x.slice(0, rows * sizeOf(inputShape)).map((id) => (id !== 0 ? 1 : 0));
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    core.net_set_embedding(net, index, sizeOf(inputShape), this.inputDim, this.outputDim, this.maskZero);
    const r = this.embeddingsRegularizer;
    core.net_set_regularizers(net, index, r?.l1 ?? 0, r?.l2 ?? 0, 0, 0);
  }

  /**
   * Checks the ids staged in Wasm memory: `count` values from heap[start], `cols` per example,
   * the first being example `firstRow`. Allocates nothing unless it throws.
   */
  override checkInput(heap: Float32Array, start: number, count: number, cols: number, firstRow: number, where: string, arg: string): void {
    checkIds(this, this.inputDim, heap, start, count, cols, firstRow, where, arg);
  }

  reference(x: Float64Array, rows: number, inputShape: Shape, [table]: Float64Array[]): { output: Float64Array } {
    const n = rows * sizeOf(inputShape), d = this.outputDim;
    const out = new Float64Array(n * d);
    for (let p = 0; p < n; p++) {
      const id = x[p];
      for (let j = 0; j < d; j++) out[p * d + j] = table[id * d + j];
    }
    return { output: out };
  }

  override referencePenalty([table]: Float64Array[]): number {
    const r = this.embeddingsRegularizer;
    let s = 0;
    if (r) for (const v of table) s += r.l1 * Math.abs(v) + r.l2 * v * v;
    return s;
  }
}
