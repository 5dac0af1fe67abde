// Bidirectional: a recurrent layer (simpleRNN, gru, lstm) run over the steps forwards and, as a copy
// with its own weights, backwards, the two outputs merged — so every step's output sees the whole
// sequence. As TF.js: mergeMode 'concat' (the default: [forward | backward]), 'sum', 'mul' or
// 'ave'; with returnSequences the backward run's output is put back in input order before merging;
// weights forward then backward, each in the layer's own order, saved as
// `bidirectional_1/forward_lstm/kernel`, ...; config { layer: { class_name, config }, merge_mode }.
// Kernels: assembly/layers/bidirectional.ts (the merge) and the recurrent layer's own.
import { ValueError, checkKeys, describe } from '../errors.js';
import type { Core } from '../wasm.js';
import { baseArgs } from './config.js';
import { LAYER_ARG_KEYS, Layer, MAX_WIDTH, type LayerArgs, type LayerWeight, type Shape } from './layer.js';
import { RecurrentBase } from './recurrent.js';
import { SimpleRNN } from './simple-rnn.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import { isObject, preview } from '../io/json.js';

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave';
/** The core's ids for the merge modes (assembly/layers/bidirectional.ts). */
const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave'];

export interface BidirectionalConfig extends LayerArgs {
  /** The recurrent layer to run both ways: a simpleRNN, gru or lstm (its copy runs backwards). */
  layer: RecurrentBase;
  /** How the two runs' outputs combine (default 'concat'). */
  mergeMode?: MergeMode;
}

// The config reader of a recurrent class a Bidirectional may wrap, by name (imported directly, not
// through the registry, so an app that uses bidirectional bundles only these; a function, not a
// table, so an app that does not use it bundles none of them: a bundler keeps a table's reads).
function recurrentClass(name: unknown): ((c: Record<string, unknown>) => RecurrentBase) | undefined {
  return name === 'SimpleRNN' ? SimpleRNN.fromConfig : name === 'GRU' ? GRU.fromConfig : name === 'LSTM' ? LSTM.fromConfig : undefined;
}

export class Bidirectional extends Layer {
  readonly className = 'Bidirectional';
  /** The layer as given, run forwards, and its copy with goBackwards flipped. */
  readonly forwardLayer: RecurrentBase;
  readonly backwardLayer: RecurrentBase;
  readonly mergeMode: MergeMode;

  constructor(config: BidirectionalConfig) {
    const where = 'layers.bidirectional()';
    checkKeys(config, ['layer', 'mergeMode', ...LAYER_ARG_KEYS], where);
    super(config, where);
    const inner = config.layer as unknown;
    if (!(inner instanceof RecurrentBase)) {
      throw new ValueError(`${where}: layer must be a recurrent layer (simpleRNN, gru or lstm), got ${inner instanceof Layer ? `${inner.className} layer` : describe(inner)}`);
    }
    if (inner.declaredInputShape) throw new ValueError(`${where}: give the input shape to bidirectional() (or the model), not to the layer it wraps`);
    const mode = config.mergeMode ?? 'concat';
    if (!MERGE_MODES.includes(mode)) throw new ValueError(`${where}: mergeMode must be one of ${MERGE_MODES.join(', ')}, got ${describe(config.mergeMode)}`);
    this.mergeMode = mode;
    this.forwardLayer = inner;
    this.backwardLayer = recurrentClass(inner.className)!({ ...inner.getConfig(), go_backwards: !inner.goBackwards });
    // A frozen inner layer freezes the wrapper (TF.js's wrapper takes its inner layer's flag).
    if (config.trainable === undefined && !inner.trainable) this.trainable = false;
  }

  /** The wrapped layer's name in weight names: its own, or its class's in snake case (lstm, gru, simple_rnn). */
  private get innerName(): string {
    return this.forwardLayer.name ?? this.forwardLayer.className.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  }

  get returnSequences(): boolean {
    return this.forwardLayer.returnSequences;
  }

  override get supportsMasking(): boolean {
    return true;
  }

  override outputMask(inputMasked: boolean): 'input' | undefined {
    return inputMasked && this.returnSequences ? 'input' : undefined;
  }

  computeOutputShape(inputShape: Shape): Shape {
    const shape = this.forwardLayer.computeOutputShape(inputShape);
    const [steps, features] = inputShape, units = this.forwardLayer.units;
    // Two runs' saved values, outputs and their gradients: at most what one run over 4× the steps keeps.
    if (!this.forwardLayer.fits(4 * steps, features, units) || 2 * this.forwardLayer.countParams(inputShape) > MAX_WIDTH) {
      throw this.shapeError(`${units} units both ways over ${steps} steps of ${features} features would need more than ${MAX_WIDTH} values per example`, inputShape);
    }
    const last = shape.length - 1;
    return this.mergeMode === 'concat' ? shape.map((d, i) => (i === last ? 2 * d : d)) : shape;
  }

  override weightSpecs(inputShape: Shape): LayerWeight[] {
    const name = this.innerName;
    const run = (direction: string, layer: RecurrentBase) => layer.weightSpecs(inputShape).map((w) => ({ ...w, name: `${direction}_${name}/${w.name}` }));
    return [...run('forward', this.forwardLayer), ...run('backward', this.backwardLayer)];
  }

  getConfig(): Record<string, unknown> {
    const inner = this.forwardLayer;
    return {
      // TF.js writes the inner layer's name and trainable flag (the wrapper's).
      layer: { class_name: inner.className, config: { ...inner.getConfig(), name: this.innerName, trainable: this.trainable } },
      merge_mode: this.mergeMode,
    };
  }

  static fromConfig(c: Record<string, unknown>): Bidirectional {
    const args = baseArgs(c, ['layer', 'merge_mode', 'num_constants']);
    const given = c.layer;
    if (!isObject(given) || !isObject(given.config)) throw new ValueError(`layer must be { class_name, config }, got ${preview(given)}`);
    const make = recurrentClass(given.class_name);
    if (!make) throw new ValueError(`Bidirectional: the wrapped layer must be SimpleRNN, GRU or LSTM, got ${preview(given.class_name)}`);
    if (c.merge_mode === null) throw new ValueError('Bidirectional: merge_mode null (the two outputs as a list) is not supported');
    if (c.num_constants != null) throw new ValueError(`Bidirectional: num_constants is not supported, got ${preview(c.num_constants)}`);
    const layer = make(given.config);
    const trainable = typeof given.config.trainable === 'boolean' ? given.config.trainable : args.trainable;
    return new Bidirectional({ ...args, ...(trainable !== undefined && { trainable }), layer, mergeMode: (c.merge_mode ?? undefined) as MergeMode | undefined });
  }

  describeConfig(): string {
    return `layer: ${this.forwardLayer.className} (${this.forwardLayer.describeConfig()}), mergeMode: ${this.mergeMode}`;
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    this.computeOutputShape(inputShape);
    this.forwardLayer.plan(core, net, index, inputShape);
    core.net_set_bidirectional(net, index, MERGE_MODES.indexOf(this.mergeMode));
  }

  reference(x: Float64Array, rows: number, inputShape: Shape, weights: Float64Array[], mask?: Float64Array): { output: Float64Array } {
    const half = weights.length / 2;
    const f = this.forwardLayer.reference(x, rows, inputShape, weights.slice(0, half), mask).output;
    const b = this.backwardLayer.reference(x, rows, inputShape, weights.slice(half), mask).output;
    const steps = this.returnSequences ? inputShape[0] : 1, units = this.forwardLayer.units;
    const width = this.mergeMode === 'concat' ? 2 * units : units;
    const y = new Float64Array(rows * steps * width);
    for (let r = 0; r < rows; r++) {
      for (let s = 0; s < steps; s++) {
        // The backward run's step s is input step steps − 1 − s: put back in input order.
        const fo = (r * steps + s) * units, bo = (r * steps + (steps - 1 - s)) * units, yo = (r * steps + s) * width;
        for (let j = 0; j < units; j++) {
          const fv = f[fo + j], bv = b[bo + j];
          if (this.mergeMode === 'concat') {
            y[yo + j] = fv;
            y[yo + units + j] = bv;
          } else {
            y[yo + j] = this.mergeMode === 'sum' ? fv + bv : this.mergeMode === 'mul' ? fv * bv : (fv + bv) / 2;
          }
        }
      }
    }
    return { output: y };
  }

  override referencePenalty(weights: Float64Array[]): number {
    const half = weights.length / 2;
    return this.forwardLayer.referencePenalty(weights.slice(0, half)) + this.backwardLayer.referencePenalty(weights.slice(half));
  }
}
