// TimeDistributed: a layer applied to each step of [T, ...] examples, as Keras and TF.js. For now
// the inner layer is a dense, which neurite already applies to the input's last axis, so the
// wrapper hands its shape rule, weights, plan and reference to it. What it adds is the saved form
// TF.js writes: class_name 'TimeDistributed', config { layer: { class_name: 'Dense', config } },
// and weights named after the wrapper (time_distributed_1/kernel, time_distributed_1/bias).
import { ValueError, checkKeys, describe } from '../errors.js';
import type { Core } from '../wasm.js';
import { baseArgs } from './config.js';
import { Dense } from './dense.js';
import { LAYER_ARG_KEYS, Layer, type LayerArgs, type LayerWeight, type Shape } from './layer.js';
import { isObject, preview } from '../io/json.js';

export interface TimeDistributedConfig extends LayerArgs {
  /** The layer applied to every step: a dense, for now. */
  layer: Layer;
}

export class TimeDistributed extends Layer {
  readonly className = 'TimeDistributed';
  /** A mask passes through it (TF.js's supportsMasking). */
  override get supportsMasking(): boolean {
    return true;
  }
  /** The wrapped layer. */
  readonly layer: Dense;

  constructor(config: TimeDistributedConfig) {
    const where = 'layers.timeDistributed()';
    checkKeys(config, ['layer', ...LAYER_ARG_KEYS], where);
    super(config, where);
    const inner = config.layer as unknown;
    if (!(inner instanceof Layer)) throw new ValueError(`${where}: layer must be a layer from layers.*(), got ${describe(inner)}`);
    if (!(inner instanceof Dense)) {
      throw new ValueError(`${where}: only a dense layer can be wrapped for now, got ${inner.className} layer ${JSON.stringify(inner.name ?? '(unnamed)')}`);
    }
    if (inner.declaredInputShape) throw new ValueError(`${where}: give the input shape to timeDistributed() (or the model), not to the layer it wraps`);
    this.layer = inner;
    // A frozen inner layer freezes the wrapper (TF.js's wrapper takes its inner layer's flag).
    if (config.trainable === undefined && !inner.trainable) this.trainable = false;
  }

  /** The inner layer's activation (gradientCheck reads the last layer's). */
  get activation(): Dense['activation'] {
    return this.layer.activation;
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length < 2) throw this.shapeError('expects examples of rank 2 or more ([steps, ...]): it applies its layer to each step', inputShape);
    return this.layer.computeOutputShape(inputShape);
  }

  override weightSpecs(inputShape: Shape): LayerWeight[] {
    return this.layer.weightSpecs(inputShape);
  }

  getConfig(): Record<string, unknown> {
    const inner = this.layer;
    return {
      layer: {
        class_name: inner.className,
        // TF.js writes the inner layer's name and trainable flag (the wrapper's), and needs a name.
        config: { ...inner.getConfig(), name: inner.name ?? `${this.name ?? 'time_distributed'}_dense`, trainable: this.trainable },
      },
    };
  }

  static fromConfig(c: Record<string, unknown>): TimeDistributed {
    const args = baseArgs(c, ['layer']);
    const given = c.layer;
    if (!isObject(given) || !isObject(given.config)) throw new ValueError(`layer must be { class_name, config }, got ${preview(given)}`);
    const kind = given.class_name;
    if (kind !== 'Dense') {
      throw new ValueError(`TimeDistributed: only a Dense layer can be wrapped for now, got ${preview(kind)}`);
    }
    // (Dense directly, not through the registry: importing it here would bundle every layer class.)
    const layer = Dense.fromConfig(given.config);
    // TF.js's wrapper is as trainable as its inner layer (it reads and writes the inner flag).
    const trainable = typeof given.config.trainable === 'boolean' ? given.config.trainable : args.trainable;
    return new TimeDistributed({ ...args, ...(trainable !== undefined && { trainable }), layer });
  }

  describeConfig(): string {
    return `layer: ${this.layer.className} (${this.layer.describeConfig()})`;
  }

  plan(core: Core, net: number, index: number, inputShape: Shape): void {
    this.layer.plan(core, net, index, inputShape);
  }

  reference(x: Float64Array, rows: number, inputShape: Shape, weights: Float64Array[]): { output: Float64Array; logits?: Float64Array } {
    return this.layer.reference(x, rows, inputShape, weights);
  }

  override referencePenalty(weights: Float64Array[]): number {
    return this.layer.referencePenalty(weights);
  }
}
