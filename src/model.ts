// The model: a stack of layers trained by backpropagation. A network is a composite function, so
// the gradient of the loss with respect to each weight is the chain rule applied layer by layer
// from the output back to the input (assembly/network.ts runs it, one Wasm call per training
// step). This file holds the Sequential class around it: its state, building the network in Wasm,
// compile, predict, evaluate, single steps, weights and save. The layer stack's shapes are in
// topology.ts, the training loop in fit.ts, the summary table in summary.ts.
import type { Logs, TrainingModel } from './callbacks.js';
import { MAX_BATCH, checkFinite, checkSameRows, toFloat32, toMatrix, type Data, type InputData, type Matrix } from './data.js';
import { isFloat32Array, isFloat64Array, lengthOf } from './typed-arrays.js';
import { DivergenceError, ShapeError, StateError, ValueError, checkFloat32, checkInteger, checkKeys, describe } from './errors.js';
import { fit, type FitConfig, type FitHooks, type History } from './fit.js';
import { checkSeed, randomSeed } from './initializers.js';
import { Layer, checkShape, sizeOf, type Shape, type WeightOwner } from './layers/layer.js';
import { checkLabels, getLoss, takesProbabilities, type Loss, type LossIdentifier } from './losses.js';
import { getMetric, needsDenseLabels, type Metric, type MetricIdentifier } from './metrics.js';
import { getOptimizer, isStep, type Optimizer, type OptimizerIdentifier } from './optimizers.js';
import { isSchedule, scheduledRate } from './schedules.js';
import { stageWeights, weighting, type ClassWeight } from './sample-weights.js';
import { computeCustomMetrics, customMetric, type CustomMetric, type MetricFunction } from './custom-metrics.js';
import { summary } from './summary.js';
import { Topology } from './topology.js';
import { graphTopology } from './graph.js';
import { SymbolicTensor } from './layers/layer.js';
import { MAX_ALLOCATION, allocate, availableBytes, formatBytes, heapF32, readF32, readF32Into, wasm, writeF32, writeF32Finite, type Core } from './wasm.js';
// Types only: the I/O code is loaded by save() when first called (and imports this file).
import type { ModelArtifacts, ModelState, OptimizerState, SaveOptions, SaveTarget } from './io/types.js';

export type { Logs } from './callbacks.js';
export type { FitConfig, History } from './fit.js';

export interface SequentialConfig {
  /** Shape of one example ([784], [28, 28, 1], [T, F]). May instead be given on the first layer. */
  inputShape?: number[];
  /** Alternative to inputShape: [inputDim]. */
  inputDim?: number;
  /** Seeds every random choice (initial weights, shuffling, dropout): same seed, same data → same weights. */
  seed?: number;
  layers?: Layer[];
  name?: string;
}

type MetricList = (MetricIdentifier | MetricFunction)[] | MetricIdentifier | MetricFunction;

export interface CompileConfig {
  optimizer: Optimizer | OptimizerIdentifier;
  /**
   * The loss to minimize. A model with several outputs takes one loss for all of them, a list with
   * one per output, or an object keyed by output name (TF.js); the total is their weighted sum.
   */
  loss: LossIdentifier | Loss | (LossIdentifier | Loss)[] | Record<string, LossIdentifier | Loss>;
  /**
   * Names of built-in metrics, and functions (yTrue, yPred) => number logged under their name. With
   * several outputs a list applies to each output; an object keyed by output name picks per output.
   */
  metrics?: MetricList | MetricList[] | Record<string, MetricList>;
  /**
   * Each output's weight in the total loss (Keras's loss_weights; default 1 each): a list with one
   * per output, or an object keyed by output name.
   */
  lossWeights?: number[] | Record<string, number>;
}

/** One of the model's outputs as compile() set it up: its loss, metrics and labels. */
interface CompiledOutput {
  /** The output layer's name; a model with several outputs logs `<name>_loss`, `<name>_acc`, ... */
  name: string;
  loss: Loss;
  /** Its weight in the total loss. */
  weight: number;
  metrics: Metric[];
  /** Metric functions, computed over the data outside the training step (custom-metrics.ts). */
  custom: CustomMetric[];
  outputShape: Shape;
  /** The labels of one example: the output's shape, or one class index per row for a sparse loss. */
  labelShape: Shape;
  labelSize: number;
  /** Where its labels start in a staged label row (outputs' labels one after another). */
  labelOffset: number;
  /** The output's last axis: the classes a sparse label indexes. */
  classes: number;
}

interface Compiled {
  outputs: CompiledOutput[];
  optimizer: Optimizer;
  /** The labels of one example as staged: one output's label shape, or with several their values joined, [n]. */
  labelShape: Shape;
  labelSize: number;
}

// Wasm memory a model owns, released by dispose() or, if the model is garbage-collected
// undisposed, by the registry.
interface Owned {
  net: number;
  rng: number;
}
const registry = new FinalizationRegistry<Owned>((owned) => release(owned));
function release(owned: Owned): void {
  const core = wasm();
  if (owned.net) core.net_free(owned.net);
  if (owned.rng) core.free(owned.rng);
  owned.net = owned.rng = 0;
}

const METRIC_SLOTS = 8;
// Random streams derived from the model seed, besides one per weight tensor.
const SHUFFLE_STREAM = 0xffff;
const DROPOUT_STREAM = 0xfffe;

let modelCount = 0;

/**
 * A model of layers: the training API (compile, fit, evaluate, predict, trainOnBatch, weights,
 * save) over a graph of layers the core runs as one planned sequence. `sequential()` makes a stack
 * of layers; `model({ inputs, outputs })` a graph of them (TF.js's LayersModel and tf.model()).
 */
/** What predict() returns: one array for a model with one output, one per output with several. */
export type Prediction = Float32Array | Float32Array[];

export class LayersModel<P extends Prediction = Float32Array> implements TrainingModel, WeightOwner {
  readonly name: string;
  /** The seed in force (drawn at random when none was given, so a run can be repeated). */
  readonly seed: number;
  /** Set to true (e.g. from a callback) to end fit() after the current batch. */
  stopTraining = false;

  // The layers, the input shape of one example and each layer's input shape (computed as layers are added).
  protected readonly topology: Topology;
  // The trainable flags the core has, to pass on only what changed (see syncTrainable).
  private frozenInCore: boolean[] = [];
  protected readonly owned: Owned = { net: 0, rng: 0 };
  private compiled: Compiled | undefined;
  private disposed = false;
  private fitting = false;
  private stagedRows = 0;
  // True while the initializers draw the first weights (they must not call back into the model).
  protected initializing = false;
  private rate = 0;
  // The activation buffers' row capacity and the batch staging buffers, cached from the core
  // (they change only when net_reserve grows them) so a training step makes one Wasm call.
  private batchCap = 0;
  private inputPtr = 0;
  private labelPtr = 0;
  private weightsPtr = 0;
  // The net whose packed-kernel room predict() has reserved, and whose output widths are cached.
  private packedFor = 0;
  private unitsFor = 0;
  private units: readonly number[] = [];
  // What fit() reaches of this model's internals (see FitHooks), made once with the model.
  private readonly hooks: FitHooks;

  /** @internal Use sequential() or model(). */
  constructor(topology: Topology, seed: number | undefined, name: string, where: string) {
    wasm(where);
    this.topology = topology;
    this.seed = seed === undefined ? randomSeed() : checkSeed(seed, where);
    this.name = name;
    this.hooks = this.fitHooks();
  }

  /** The layers, first to last, each once (a shared layer, applied several times, too). */
  get layers(): readonly Layer[] {
    return this.topology.uniqueLayers;
  }

  /**
   * @internal The layers as the core runs them, one per application (a shared layer's every
   * time), with the index of each one's first application, which holds its weights.
   */
  get nodes(): { layers: readonly Layer[]; owners: readonly number[]; firstWeight: readonly number[] } {
    const owners = this.topology.owners, start = new Map<number, number>();
    // Where each application's weights start in getWeights() (its layer's first application's; −1: none).
    this.topology.weights().forEach((s, t) => { if (!start.has(s.layer)) start.set(s.layer, t); });
    const firstWeight = owners.map((first) => start.get(first) ?? -1);
    return { layers: this.topology.layers, owners, firstWeight };
  }

  /** @internal layer.getWeights(): this layer's tensors of getWeights(). */
  layerWeights(layer: Layer): Float32Array[] {
    const i = this.topology.layers.indexOf(layer), all = this.getWeights();
    return this.topology.weights().flatMap((s, t) => (s.layer === i ? [all[t]] : []));
  }

  /** @internal layer.setWeights(): replaces this layer's tensors, checked as setWeights() does. */
  setLayerWeights(layer: Layer, weights: ArrayLike<number>[]): void {
    const i = this.topology.layers.indexOf(layer), shapes = this.topology.weights();
    const own = shapes.filter((s) => s.layer === i);
    if (!Array.isArray(weights) || weights.length !== own.length) {
      throw new ShapeError(`${layer.name}.setWeights(): expected an array of ${own.length} tensors (${own.map((s) => s.label).join(', ')}), got ${describe(weights)}`);
    }
    const all: ArrayLike<number>[] = this.getWeights();
    shapes.forEach((s, t) => { if (s.layer === i) all[t] = weights[s.index]; });
    this.setWeights(all);
  }

  /** A layer by name, or by index from the first (0). */
  getLayer(nameOrIndex: string | number): Layer {
    this.checkUsable('getLayer()');
    return this.topology.find(nameOrIndex);
  }

  /** @internal The input shape of layer i (for gradientCheck and I/O). */
  layerInputShape(i: number): Shape {
    return this.topology.inputs[i];
  }

  /** @internal Where layer i's inputs come from (the layers that make them; −1: the model's input) and their shapes. */
  layerInputs(i: number): { from: readonly number[]; shapes: readonly Shape[] } {
    return { from: this.topology.edges[i], shapes: this.topology.inputShapes[i] };
  }

  /** @internal The layers whose outputs are the model's, in order. */
  get outputLayers(): number[] {
    return this.topology.outputs;
  }

  /** @internal The layer whose mask layer i's input carries, if any (for gradientCheck). */
  layerInputMask(i: number): number | undefined {
    return this.topology.masks[i];
  }

  /**
   * The shape of one input example, e.g. [784] or [28, 28, 1] (a graph with several inputs: the
   * width of their values joined, [n]; see inputShapes).
   */
  get inputShape(): number[] {
    const shape = this.topology.inputShape;
    if (shape === undefined) throw new StateError('inputShape: the model has no input shape yet');
    return [...shape];
  }

  /** The shape of one output example (a model with several outputs: see outputShapes). */
  get outputShape(): number[] {
    this.checkUsable('outputShape');
    const outputs = this.topology.outputs;
    if (outputs.length > 1) throw new StateError(`outputShape: the model has ${outputs.length} outputs (${this.outputNames.join(', ')}); read outputShapes, one shape per output`);
    return [...this.topology.outputShape];
  }

  /** The shape of one example of each output, in the model's output order. */
  get outputShapes(): number[][] {
    this.checkUsable('outputShapes');
    return this.topology.outputs.map((i) => [...this.topology.outputShapeOf(i)]);
  }

  // Values in one input example (read on every step: no copy of the shape).
  private get inputSize(): number {
    return sizeOf(this.topology.inputShape!);
  }

  /**
   * Passes the layers' trainable flags to the core, where they changed since the last training
   * call (a layer may be frozen or unfrozen at any time, as in Keras). Allocates nothing.
   */
  private syncTrainable(core: Core, net: number): void {
    const stack = this.topology.layers;
    for (let i = 0; i < stack.length; i++) {
      const frozen = !stack[i].trainable;
      if (this.frozenInCore[i] !== frozen) {
        core.net_set_trainable(net, i, !frozen);
        this.frozenInCore[i] = frozen;
      }
    }
  }

  /** Number of weights, trainable or not. */
  countParams(): number {
    this.checkUsable('countParams()');
    return this.topology.countParams();
  }

  /** Chooses the optimizer, the loss to minimize and the metrics to report. Resets optimizer state. */
  compile(config: CompileConfig): void {
    this.checkUsable('compile()');
    if (this.fitting) throw new StateError('compile(): this model is fitting; await the running fit() first');
    checkKeys(config, ['optimizer', 'loss', 'metrics', 'lossWeights'], 'compile()');
    if (this.topology.layers.length === 0) throw new StateError('compile(): the model has no layers: add() at least one layer first');
    if (this.countParams() === 0) throw new StateError('compile(): the model has no weights to train');
    const names = this.outputNames;
    const several = names.length > 1;
    // A list has one entry per output; an object is keyed by output name (an output it leaves out
    // gets `missing`: no metrics, weight 1, as Keras); anything else is for every output.
    const perOutput = <T>(value: unknown, what: string, isSingle: (v: unknown) => boolean, missing?: T): T[] => {
      if (Array.isArray(value) && !isSingle(value)) {
        if (value.length !== names.length) throw new ValueError(`compile(): ${what} has ${value.length} entries but the model has ${names.length} output${several ? 's' : ''} (${names.join(', ')}): give one per output`);
        return value as T[];
      }
      if (typeof value === 'object' && value !== null && !Array.isArray(value) && !isSingle(value)) {
        const given = value as Record<string, unknown>;
        const unknown = Object.keys(given).filter((k) => !names.includes(k));
        if (unknown.length) throw new ValueError(`compile(): ${what} names ${unknown.map((k) => JSON.stringify(k)).join(', ')}, which ${unknown.length > 1 ? 'are not outputs' : 'is not an output'} of the model; its outputs are ${names.join(', ')}`);
        return names.map((name) => {
          if (Object.hasOwn(given, name)) return given[name] as T;
          if (missing !== undefined) return missing;
          throw new ValueError(`compile(): ${what} has no entry for output ${JSON.stringify(name)}; the model's outputs are ${names.join(', ')}`);
        });
      }
      return names.map(() => value as T);
    };
    // A loss object (losses.huber(...)) is one loss, not a map; a metric list is one output's unless nested.
    const lossSpecs = perOutput<unknown>(config.loss, 'loss', (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && 'id' in v);
    const metricSpecs = config.metrics === undefined ? names.map(() => [] as unknown[])
      : perOutput<unknown>(config.metrics, 'metrics', (v) => (Array.isArray(v) ? !several || !v.some(Array.isArray) : typeof v !== 'object' || v === null), []).map((m) => (Array.isArray(m) ? [...m] : [m]));
    if (config.lossWeights !== undefined && (typeof config.lossWeights !== 'object' || config.lossWeights === null)) throw new ValueError(`compile(): lossWeights must be a list with one number per output or an object keyed by output name, got ${describe(config.lossWeights)}`);
    const weightSpecs = config.lossWeights === undefined ? names.map(() => 1) : perOutput<unknown>(config.lossWeights, 'lossWeights', () => false, 1);
    const optimizer = getOptimizer(config.optimizer, 'compile() optimizer');
    let labelOffset = 0;
    const outputs = this.topology.outputs.map((layer, k): CompiledOutput => {
      const name = names[k], which = several ? ` for output ${JSON.stringify(name)}` : '';
      const outputShape = [...this.topology.outputShapeOf(layer)], units = outputShape[outputShape.length - 1];
      const loss = getLoss(lossSpecs[k] as LossIdentifier | Loss, `compile() loss${which}`);
      const weight = checkFloat32(weightSpecs[k], { min: 0 }, `compile() lossWeights${which}`, 'the weight');
      const given = metricSpecs[k];
      const metrics = given.filter((m) => typeof m !== 'function').map((m) => getMetric(m, loss, units, `compile() metrics${which}`));
      const custom = given.filter((m) => typeof m === 'function').map((fn) => customMetric(fn as MetricFunction, `compile() metrics${which}`));
      const keys = [...metrics.flatMap((m) => (m.alias ? [m.key, m.alias] : [m.key])), ...custom.map((m) => m.key)];
      if (new Set(keys).size !== keys.length) throw new ValueError(`compile(): metrics${which} are listed twice: ${keys.join(', ')} ('accuracy' also logs as acc)`);
      // Labels per example: the output's shape, or for a sparse loss one class index per row of its last axis.
      const labelShape = loss.sparse ? (outputShape.length > 1 ? outputShape.slice(0, -1) : [1]) : outputShape;
      const sparseMetric = metrics.find((m) => m.mask === 1 << 2);
      if (sparseMetric && !loss.sparse) {
        throw new ValueError(`compile(): metric ${JSON.stringify(sparseMetric.key)}${which} compares class indices, which only sparseCategoricalCrossentropy takes as labels; the loss is ${loss.name}`);
      }
      const dense = metrics.find(needsDenseLabels);
      if (loss.sparse && dense) {
        throw new ValueError(`compile(): metric ${JSON.stringify(dense.key)}${which} compares outputs with labels element by element, but ${loss.name} takes class indices as labels`);
      }
      const labelSize = sizeOf(labelShape);
      labelOffset += labelSize;
      return { name, loss, weight, metrics, custom, outputShape, labelShape, labelSize, labelOffset: labelOffset - labelSize, classes: units };
    });
    const core = this.core('compile()');
    const k = optimizer.kernel;
    const lr = this.learningRateAt(optimizer, 0);
    // Everything it needs is counted before anything is allocated or drawn.
    this.checkMemory(k.slots, 'compile()');
    this.building(() => {
      const net = this.build();
      if (!core.net_set_optimizer(net, k.id, k.slots, lr, k.p1, k.p2, k.epsilon, k.p3, k.flags, k.clipNorm, k.clipValue)) {
        throw new ValueError(`compile(): the ${optimizer.name} optimizer's state for ${this.countParams()} parameters does not fit in Wasm memory`);
      }
      outputs.forEach(({ loss, metrics, weight, outputShape }, o) => {
        const labelCols = loss.sparse ? 1 : outputShape[outputShape.length - 1];
        core.net_set_loss(net, o, loss.id, loss.param, loss.fromLogits, labelCols, metrics.reduce((mask, m) => mask | m.mask, 0), weight);
      });
    });
    this.rate = lr;
    const labelShape = several ? [labelOffset] : outputs[0].labelShape;
    this.compiled = { outputs, optimizer, labelShape, labelSize: labelOffset };
  }

  /** The names of the model's outputs: their layers' names (TF.js's outputNames). */
  get outputNames(): string[] {
    this.checkUsable('outputNames');
    return this.topology.outputs.map((i) => this.topology.layers[i].name!);
  }

  /** The loss chosen by compile(), if any (with several outputs, the first output's; see losses). */
  get loss(): Loss | undefined {
    return this.compiled?.outputs[0].loss;
  }

  /** The losses chosen by compile(), one per output, with their weights in the total loss. */
  get losses(): { output: string; loss: Loss; weight: number }[] | undefined {
    return this.compiled?.outputs.map(({ name, loss, weight }) => ({ output: name, loss, weight }));
  }

  /** The optimizer chosen by compile(), if any. */
  get optimizer(): Optimizer | undefined {
    return this.compiled?.optimizer;
  }

  /** Whether the compiled optimizer's learning rate follows a schedule. */
  get hasSchedule(): boolean {
    return this.compiled !== undefined && isSchedule(this.compiled.optimizer.learningRate);
  }

  /** The learning rate of the next step. Settable (by reduceLROnPlateau, say) unless a schedule sets it. */
  get learningRate(): number {
    return this.rate;
  }

  set learningRate(value: number) {
    const core = this.core('learningRate');
    if (!this.compiled) throw new StateError('learningRate: the model must be compiled first');
    if (isSchedule(this.compiled.optimizer.learningRate)) {
      throw new StateError(`learningRate: the optimizer follows the ${this.compiled.optimizer.learningRate.name} schedule; it cannot be set by hand`);
    }
    this.setRate(core, this.owned.net, checkFloat32(value, { above: 0 }, 'learningRate', 'the rate'));
  }

  /**
   * Trains for a number of epochs. Async: it gives the event loop a turn at least every 16 ms, so
   * pages stay responsive, and awaits each callback.
   */
  fit(x: InputData, y: InputData, config: FitConfig = {}): Promise<History> {
    return fit(this, this.hooks, x, y, config);
  }

  /**
   * Outputs for every row of x: a Float32Array of rows × the output's size, row-major; a model with
   * several outputs gives one such array per output, in order (TF.js's Tensor[]).
   */
  predict(x: InputData, config?: { batchSize?: number }): P {
    const core = this.core('predict()');
    // (No default object: one row at a time is a common call, and it should allocate only its result.)
    if (config !== undefined) checkKeys(config, ['batchSize'], 'predict()');
    const batchSize = checkInteger(config?.batchSize ?? 32, 1, MAX_BATCH, 'predict() batchSize');
    const X = this.inputs(x, 'predict()', 'x');
    const units = this.outputUnits();
    let total = 0;
    for (let k = 0; k < units.length; k++) total += units[k];
    if (X.rows * total > MAX_ALLOCATION / 4) throw new ValueError(`predict(): ${X.rows} rows of ${total} outputs exceed the 4 GiB a result can hold`);
    // A built model needs no undoing if this call fails (and no closure for building()).
    if (this.owned.net) return this.predictRows(core, this.owned.net, X, units, batchSize);
    return this.building(() => this.predictRows(core, this.build(), X, units, batchSize));
  }

  // Each output's values per example: computed once the model is built (its layers are fixed then).
  private outputUnits(): readonly number[] {
    const net = this.owned.net;
    if (net && this.unitsFor === net) return this.units;
    const units = this.topology.outputs.map((i) => sizeOf(this.topology.outputShapeOf(i)));
    if (net) {
      this.units = units;
      this.unitsFor = net;
    }
    return units;
  }

  private predictRows(core: Core, net: number, X: Matrix, units: readonly number[], batchSize: number): P {
    this.reserve(core, net, Math.min(batchSize, X.rows), 'predict()');
    // Room to keep the dense kernels packed from one call (and chunk) to the next; without it
    // (out of memory) each chunk packs them, as before, and the next call asks again.
    if (this.packedFor !== net && core.net_reserve_packed(net)) this.packedFor = net;
    const out: Float32Array[] = [];
    for (let k = 0; k < units.length; k++) out.push(new Float32Array(X.rows * units[k]));
    for (let start = 0; start < X.rows; start += batchSize) {
      const rows = Math.min(batchSize, X.rows - start);
      const finite = writeF32Finite(this.inputPtr, X.data, start * X.cols, rows * X.cols);
      checkStagedFinite(finite, this.inputPtr, rows * X.cols, X.cols, 'predict()', 'x', start);
      this.checkInput(heapF32(), this.inputPtr >>> 2, rows * X.cols, X.cols, start, 'predict()', 'x');
      core.net_forward(net, this.inputPtr, rows, false, false);
      for (let k = 0; k < units.length; k++) readF32Into(out[k], start * units[k], core.net_output(net, k), rows * units[k]);
    }
    return (out.length === 1 ? out[0] : out) as P;
  }

  /**
   * Loss and metrics over x, y: `{ loss, accuracy, ... }` (metrics under the names compiled with).
   * `sampleWeight` (Keras) weighs each example's loss, as in fit(); metrics are not weighted.
   */
  evaluate(x: InputData, y: InputData, config: { batchSize?: number; sampleWeight?: Data } = {}): Logs {
    const { core, net } = this.ready('evaluate()');
    // It would reset the metric totals fit() is accumulating.
    if (this.fitting) throw new StateError('evaluate(): this model is fitting; use validationData, or evaluate after fit()');
    checkKeys(config, ['batchSize', 'sampleWeight'], 'evaluate()');
    const batchSize = checkInteger(config.batchSize ?? 32, 1, MAX_BATCH, 'evaluate() batchSize');
    const X = this.inputs(x, 'evaluate()', 'x');
    const Y = this.labels(y, 'evaluate()', 'y');
    checkSameRows(X.rows, Y.rows, 'evaluate()');
    const weights = weighting(config.sampleWeight, undefined, X.rows, this.compiled!.outputs, 'evaluate()');
    const xBytes = X.rows * X.cols * 4, yBytes = Y.rows * Y.cols * 4;
    core.net_reserve_packed(net); // as predict(); before the staging, which is given back after
    const staging = allocate(xBytes + yBytes + (weights ? X.rows * 4 : 0), `evaluate() staging ${X.rows} rows`);
    try {
      this.reserve(core, net, Math.min(batchSize, X.rows), 'evaluate()');
      this.stageMatrix(staging, X, 'evaluate()', 'x');
      this.stageMatrix(staging + xBytes, Y, 'evaluate()', 'y', true);
      const wPtr = weights ? staging + xBytes + yBytes : 0;
      if (weights) stageWeights(wPtr, X.rows, weights, 0, 0, 0, 'evaluate()');
      const logs: Logs = { loss: this.evaluateStaged(core, net, staging, staging + xBytes, X.rows, batchSize, wPtr) };
      Object.assign(logs, this.readMetrics(core, net, X.rows, ''));
      return Object.assign(logs, this.customMetrics(core, net, staging, staging + xBytes, X.rows, batchSize, '', 'evaluate()'));
    } finally {
      core.free(staging);
    }
  }

  /**
   * One gradient step on exactly these rows; returns the loss before the step. With Float32Array
   * inputs it allocates nothing: the rows are copied into the model's Wasm batch buffers.
   * `sampleWeight` and `classWeight` weigh each row's loss as in fit() (Keras's train_on_batch).
   */
  trainOnBatch(x: InputData, y: InputData, config?: { sampleWeight?: Data; classWeight?: ClassWeight }): number {
    const where = 'trainOnBatch()';
    if (config !== undefined) checkKeys(config, ['sampleWeight', 'classWeight'], where);
    const core = this.stageBatch(x, y, where);
    const net = this.owned.net, rate = this.compiled!.optimizer.learningRate, rows = this.stagedRows;
    // Weights are staged after x and y, whose labels give each row's class.
    const weights = config && weighting(config.sampleWeight, config.classWeight, rows, this.compiled!.outputs, where);
    if (weights) stageWeights(this.weightsPtr, rows, weights, this.labelPtr, this.compiled!.labelSize, rows, where);
    const before = this.rate;
    if (typeof rate !== 'number') this.setRate(core, net, scheduledRate(rate, core.net_step(net)));
    this.syncTrainable(core, net);
    const loss = core.net_train_batch(net, this.inputPtr, this.labelPtr, 0, rows, weights ? this.weightsPtr : 0);
    if (!Number.isFinite(loss)) {
      // As before this call: the step count did not move, so neither does the scheduled rate.
      this.setRate(core, net, before);
      throw new DivergenceError(`trainOnBatch(): training diverged: the loss, its gradient or the update is not finite; the step was not applied and the model is as it was before this call (try a smaller learning rate)`, -1, -1, loss);
    }
    return loss;
  }

  /**
   * The gradient of the loss on x, y with respect to every weight tensor (same order as
   * getWeights()), by backpropagation, without changing the weights. Dropout is inactive.
   */
  computeGradients(x: InputData, y: InputData): { loss: number; gradients: Float32Array[] } {
    const core = this.stageBatch(x, y, 'computeGradients()');
    const net = this.owned.net, input = this.inputPtr, rows = this.stagedRows;
    this.syncTrainable(core, net);
    core.net_forward(net, input, rows, false, true);
    const loss = core.net_loss(net, this.labelPtr, rows, true, 0);
    // Every weight's gradient, frozen or not; then the frozen ones are zeroed again for training.
    core.net_backward(net, input, rows, true);
    const all = readF32(core.net_grads(net), core.net_param_count(net));
    core.net_clear_frozen_gradients(net);
    if (!Number.isFinite(loss) || !all.every(Number.isFinite)) {
      throw new ValueError(`computeGradients(): the loss on these rows is ${loss} and overflows float32, so its gradients are not finite numbers; scale the inputs or the weights down`);
    }
    return { loss, gradients: this.topology.weights().map(({ offset, size }) => all.slice(offset, offset + size)) };
  }

  /** The loss on x, y at the current weights (dropout inactive), with no metrics or update. */
  computeLoss(x: InputData, y: InputData): number {
    const core = this.stageBatch(x, y, 'computeLoss()');
    const net = this.owned.net;
    core.net_forward(net, this.inputPtr, this.stagedRows, false, false);
    return core.net_loss(net, this.labelPtr, this.stagedRows, false, 0);
  }

  /** Copies of every weight tensor: [kernel0, bias0, kernel1, bias1, ...], kernels [inputs × units] row-major. */
  getWeights(): Float32Array[] {
    const core = this.core('getWeights()');
    const net = this.building(() => this.build());
    const all = readF32(core.net_params(net), core.net_param_count(net));
    return this.topology.weights().map(({ offset, size }) => all.slice(offset, offset + size));
  }

  /**
   * Replaces every weight tensor (same order and sizes as getWeights()). Each tensor is copied once
   * and the copies are checked before any is written; an unbuilt model is built with them directly,
   * without running its initializers.
   */
  setWeights(weights: ArrayLike<number>[]): void {
    this.checkUsable('setWeights()');
    const shapes = this.topology.weights();
    if (!Array.isArray(weights)) {
      throw new ShapeError(`setWeights(): expected an array of ${shapes.length} tensors (${shapes.map((s) => s.label).join(', ')}), got ${describe(weights)}`);
    }
    const count = weights.length;
    if (count !== shapes.length) {
      throw new ShapeError(`setWeights(): expected an array of ${shapes.length} tensors (${shapes.map((s) => s.label).join(', ')}), got ${describe(count)} tensors`);
    }
    const tensors = shapes.map(({ label, size }, i) => copyTensor(weights[i], size, `setWeights(): tensor ${i} (${label})`));
    if (!this.owned.net) {
      this.building(() => this.build(tensors));
      return;
    }
    const core = wasm(), net = this.owned.net, params = core.net_params(net);
    shapes.forEach(({ offset }, i) => writeF32(params + offset * 4, tensors[i]));
    core.net_weights_changed(net);
  }

  /** A table of layers, output shapes and parameter counts, as Keras prints it. */
  summary(): string {
    this.checkUsable('summary()');
    return summary(this.name, this.topology);
  }

  /** Frees the model's Wasm memory. Any later call on the model throws a StateError. */
  dispose(): void {
    if (this.disposed) return;
    if (this.initializing) throw new StateError('dispose(): the model is being built; an initializer cannot dispose of it');
    if (this.fitting) throw new StateError('dispose(): this model is fitting; set stopTraining and await fit() first');
    this.disposed = true;
    registry.unregister(this);
    if (this.owned.net || this.owned.rng) release(this.owned);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * Writes the model to `target` (a directory in Node, `localstorage://name`, `indexeddb://name`,
   * `downloads://name`, or an `http(s)://` URL it is sent to as TF.js's http handler sends it) and
   * returns what was written; with no target, only returns it, in memory.
   */
  async save(target?: SaveTarget, options: SaveOptions = {}): Promise<ModelArtifacts> {
    this.checkUsable('save()');
    checkKeys(options, ['includeOptimizer', 'requestInit', 'fetchFunc'], 'save()');
    const includeOptimizer = options.includeOptimizer ?? false;
    if (typeof includeOptimizer !== 'boolean') throw new ValueError(`save(): includeOptimizer must be a boolean, got ${describe(includeOptimizer)}`);
    if (target !== undefined && typeof target !== 'string' && !(typeof URL === 'function' && target instanceof URL)) throw new ValueError(`save(): target must be a string such as 'localstorage://name', 'https://…' or a directory, or a file: or http(s): URL, got ${describe(target)}`);
    // The model is read now, as it is at this call: a fit() or dispose() while the writer loads
    // cannot change what is saved.
    const compiled = this.compiled && { losses: this.losses!, optimizer: this.compiled.optimizer, learningRate: this.rate, state: this.getOptimizerState() };
    if (includeOptimizer && !compiled) throw new StateError('save(): includeOptimizer needs a compiled model: call compile() first');
    const weights = this.getWeights();
    const t = this.topology;
    const graph = t.graphInputs && { inputs: t.graphInputs.map((i) => ({ name: i.name, shape: [...i.shape] })), outputs: [...t.outputs], edges: t.edges.map((e) => [...e]), inputShapes: t.inputShapes.map((e) => [...e]), owners: [...t.owners], order: t.firstApplications };
    const state: ModelState = { name: this.name, seed: this.seed, inputShape: this.inputShape, layers: [...t.layers], weights, compiled, graph };
    // Loaded on first use, so that an app that never saves does not download the format or the handlers.
    const { saveModel } = await import('./io/save.js');
    return saveModel(state, target, includeOptimizer, { requestInit: options.requestInit, fetchFunc: options.fetchFunc });
  }

  /**
   * @internal For save() and fit(): the optimizer's step count and state slots (net_slot_count
   * buffers of net_param_count floats), and the 16-byte shuffle and dropout random streams, so a
   * reloaded model trains on exactly as this one would; and the compiled metric names.
   */
  getOptimizerState(): OptimizerState & { metrics: string[][] } {
    const { core, net, compiled } = this.ready('getOptimizerState()');
    const slots = readF32(core.net_slots(net), core.net_slot_count(net) * core.net_param_count(net));
    const rng = new Uint32Array(8);
    rng.set(new Uint32Array(core.memory.buffer, this.owned.rng, 4), 0);
    rng.set(new Uint32Array(core.memory.buffer, core.net_rng(net), 4), 4);
    // The metric names ride along: save() needs them and nothing else exposes them.
    return { step: core.net_step(net), slots, rng, metrics: compiled.outputs.map((o) => o.metrics.map((m) => m.key)) };
  }

  /** @internal The inverse of getOptimizerState(), on a model compiled with the same optimizer. */
  setOptimizerState(state: OptimizerState): void {
    const { core, net } = this.ready('setOptimizerState()');
    const size = core.net_slot_count(net) * core.net_param_count(net);
    // Measured by the engine, not by `length`: these are copied into Wasm memory as they are.
    if (!isFloat32Array(state.slots) || lengthOf(state.slots) !== size) throw new ShapeError(`setOptimizerState(): expected a Float32Array of ${size} slot values, got ${describe(state.slots)}`);
    if (!(state.rng instanceof Uint32Array) || lengthOf(state.rng) !== 8) throw new ShapeError(`setOptimizerState(): expected 8 random-state words, got ${describe(state.rng)}`);
    if (!isStep(state.step)) throw new ValueError(`setOptimizerState(): the step must be an integer in [0, 2^53], got ${describe(state.step)}`);
    writeF32(core.net_slots(net), state.slots);
    // (Also after fit() writes back its starting weights, which it does just before this.)
    core.net_weights_changed(net);
    core.net_set_step(net, state.step);
    new Uint32Array(core.memory.buffer, this.owned.rng, 4).set(state.rng.subarray(0, 4));
    new Uint32Array(core.memory.buffer, core.net_rng(net), 4).set(state.rng.subarray(4));
    const schedule = this.compiled!.optimizer.learningRate;
    if (isSchedule(schedule)) this.setRate(core, net, scheduledRate(schedule, state.step));
  }

  /**
   * @internal x as the rows the core stages. A graph with several inputs takes an array of them, in
   * its inputs' order, or an object keyed by input name; each example's values of every input are
   * then joined into one row, in order (the core splits them again).
   */
  inputs(x: unknown, where: string, arg: string): Matrix {
    const inputs = this.topology.graphInputs;
    // (The topology's shape, not inputShape's copy of it, which would allocate on every call.)
    if (!inputs || (inputs.length === 1 && !isKeyed(x))) return toMatrix(x, this.topology.inputShape ?? this.inputShape, where, arg);
    return joinRows(x, inputs, 'input', where, arg);
  }

  /** A graph's input shapes, one per input (a stack's: its one input shape). */
  get inputShapes(): number[][] {
    return this.topology.graphInputs ? this.topology.graphInputs.map((i) => [...i.shape]) : [this.inputShape];
  }

  /**
   * @internal Labels as a matrix of the losses' label widths (several outputs' joined per example,
   * as inputs are); their values are checked once staged in Wasm.
   */
  labels(y: unknown, where: string, arg: string): Matrix {
    const { outputs, labelShape } = this.compiled!;
    // A graph's one output may be keyed by its name too, as TF.js takes it.
    if (outputs.length === 1 && !(this.topology.graphInputs && isKeyed(y))) return toMatrix(y, labelShape, where, arg);
    return joinRows(y, outputs.map((o) => ({ name: o.name, shape: o.labelShape })), 'output', where, arg);
  }

  /**
   * Copies `count` values of `data` (rows of `cols`) into Wasm memory at ptr, then checks the copy
   * there, so no getter or second reader can change what was checked: finite values, and for labels
   * what the loss takes (class indices in range for a sparse loss, [0, 1] for the cross-entropies).
   * Allocates nothing.
   */
  private stage(ptr: number, data: Float32Array, count: number, cols: number, where: string, arg: string, labels = false): void {
    // Measured again: a getter read since (in y, say) may have detached or shrunk this buffer.
    if (lengthOf(data) < count) throw new ValueError(`${where} ${arg}: the array changed while the call read its other arguments (it now holds ${lengthOf(data)} values, not ${count})`);
    const finite = writeF32Finite(ptr, data, 0, count);
    // (Several outputs' labels are checked output by output below, naming the output.)
    if (!labels || this.compiled!.outputs.length === 1) checkStagedFinite(finite, ptr, count, cols, where, arg);
    const heap = heapF32(), start = ptr >>> 2;
    if (!labels) {
      this.checkInput(heap, start, count, cols, 0, where, arg);
      return;
    }
    // Each output's labels: the whole rows with one output, else its columns of every row.
    const { outputs } = this.compiled!;
    // One output whose loss takes any finite label (mean squared error, say): nothing more to check.
    if (outputs.length === 1 && !outputs[0].loss.sparse && !takesProbabilities(outputs[0].loss)) return;
    const rows = count / cols;
    for (const { loss, name, labelOffset, labelSize, classes } of outputs) {
      const what = outputs.length > 1 ? `${arg} (output ${JSON.stringify(name)})` : arg;
      const runs = outputs.length > 1 ? rows : 1, width = outputs.length > 1 ? labelSize : count;
      for (let r = 0; r < runs; r++) {
        const at = start + r * cols + labelOffset;
        if (outputs.length > 1) checkFinite(heap, at, width, labelSize, where, what, r);
        checkLabels(loss, heap, at, width, outputs.length > 1 ? labelSize : cols, where, what, r);
        if (!loss.sparse) continue;
        for (let i = 0; i < width; i++) {
          const c = heap[at + i];
          if (!Number.isInteger(c) || c < 0 || c >= classes) {
            throw new ValueError(`${where} ${what}: ${loss.name} takes class indices, integers in [0, ${classes - 1}], got ${c} at row ${outputs.length > 1 ? r : i}`);
          }
        }
      }
    }
  }

  // The first layer's own check of staged input (embedding's ids), if it has one.
  // The layers that read a model input directly and check what they read (embedding's ids): a
  // stack's first layer, or in a graph each such layer, on its input's values of every row.
  private checkInput(heap: Float32Array, start: number, count: number, cols: number, firstRow: number, where: string, arg: string): void {
    const t = this.topology, inputs = t.graphInputs;
    if (!inputs || inputs.length === 1) {
      // (A loop, not forEach: this runs on every training step.)
      const stack = t.layers;
      for (let i = 0; i < stack.length; i++) {
        const layer = stack[i];
        if (layer.checkInput && t.edges[i][0] < 0) layer.checkInput(heap, start, count, cols, firstRow, where, arg);
      }
      return;
    }
    const rows = count / cols;
    t.layers.forEach((layer, i) => {
      const m = -1 - t.edges[i][0];
      if (!layer.checkInput || m < 0) return;
      const size = sizeOf(inputs[m].shape);
      let offset = 0;
      for (let k = 0; k < m; k++) offset += sizeOf(inputs[k].shape);
      for (let r = 0; r < rows; r++) layer.checkInput(heap, start + r * cols + offset, size, size, firstRow + r, where, `${arg} (input ${JSON.stringify(inputs[m].name)})`);
    });
  }

  private stageMatrix(ptr: number, m: Matrix, where: string, arg: string, labels = false): void {
    this.stage(ptr, m.data, m.rows * m.cols, m.cols, where, arg, labels);
  }

  protected checkUsable(what: string): void {
    if (this.disposed) throw new StateError(`${what}: the model has been disposed`);
  }

  private core(what: string): Core {
    this.checkUsable(what);
    return wasm(what);
  }

  private ready(what: string): { core: Core; net: number; compiled: Compiled } {
    const core = this.core(what);
    if (!this.compiled) throw new StateError(`${what}: the model must be compiled first: call compile({ optimizer, loss })`);
    return { core, net: this.owned.net, compiled: this.compiled };
  }

  // The FitHooks fit() is handed: these private members, through one object made with the model.
  private fitHooks(): FitHooks {
    const model = this;
    return {
      get fitting() { return model.fitting; },
      set fitting(value: boolean) { model.fitting = value; },
      get rate() { return model.rate; },
      get shuffleRng() { return model.owned.rng; },
      ready: (what) => model.ready(what),
      checkUsable: (what) => model.checkUsable(what),
      labels: (y, where, arg) => model.labels(y, where, arg),
      inputs: (x, where, arg) => model.inputs(x, where, arg),
      reserve: (core, net, rows, what) => model.reserve(core, net, rows, what),
      stageMatrix: (ptr, m, where, arg, labels) => model.stageMatrix(ptr, m, where, arg, labels),
      setRate: (core, net, lr) => model.setRate(core, net, lr),
      syncTrainable: (core, net) => model.syncTrainable(core, net),
      readMetrics: (core, net, rows, prefix, stats) => model.readMetrics(core, net, rows, prefix, stats),
      customMetrics: (core, net, xPtr, yPtr, rows, batchSize, prefix) => model.customMetrics(core, net, xPtr, yPtr, rows, batchSize, prefix, 'fit()'),
      evaluateStaged: (core, net, xPtr, yPtr, rows, batchSize, wPtr) => model.evaluateStaged(core, net, xPtr, yPtr, rows, batchSize, wPtr),
    };
  }

  private reserve(core: Core, net: number, rows: number, what: string): void {
    if (rows <= this.batchCap) return;
    if (!core.net_reserve(net, rows)) throw new ValueError(`${what}: activations for ${rows} rows do not fit in Wasm memory`);
    this.batchCap = core.net_batch_cap(net);
    this.inputPtr = core.net_input(net) >>> 0;
    this.labelPtr = core.net_label(net) >>> 0;
    this.weightsPtr = core.net_sample_weights(net) >>> 0;
  }

  // Validates x, y and copies them into the model's batch buffers (rows in stagedRows).
  private stageBatch(x: InputData, y: InputData, what: string): Core {
    const core = this.core(what);
    if (!this.compiled) throw new StateError(`${what}: the model must be compiled first: call compile({ optimizer, loss })`);
    if (this.fitting) throw new StateError(`${what}: this model is fitting; await the running fit() first`);
    const inputs = this.inputSize, labelCols = this.compiled.labelSize;
    // Flat arrays, not matrices: a Float32Array batch is staged with no allocation at all.
    const graph = this.topology.graphInputs !== undefined;
    const X = graph && (this.topology.graphInputs!.length > 1 || isKeyed(x)) ? this.inputs(x, what, 'x').data : toFloat32(x, this.topology.inputShape!, what, 'x');
    const Y = this.compiled.outputs.length > 1 || (graph && isKeyed(y)) ? this.labels(y, what, 'y').data : toFloat32(y, this.compiled.labelShape, what, 'y');
    const rows = lengthOf(X) / inputs, labelRows = lengthOf(Y) / labelCols;
    checkSameRows(rows, labelRows, what);
    if (rows > MAX_BATCH) throw new ValueError(`${what}: ${rows} rows are more than one batch can hold (${MAX_BATCH})`);
    this.reserve(core, this.owned.net, rows, what);
    this.stage(this.inputPtr, X, rows * inputs, inputs, what, 'x');
    this.stage(this.labelPtr, Y, rows * labelCols, labelCols, what, 'y', true);
    this.stagedRows = rows;
    return core;
  }

  private learningRateAt(optimizer: Optimizer, step: number): number {
    return isSchedule(optimizer.learningRate) ? scheduledRate(optimizer.learningRate, step) : optimizer.learningRate;
  }

  private setRate(core: Core, net: number, lr: number): void {
    this.rate = lr;
    core.net_set_learning_rate(net, lr);
  }

  // The compiled metrics from the Wasm totals over `rows` rows, under `prefix`; with several
  // outputs, each output's loss first, and every key also prefixed with its output's name (TF.js).
  // `stats`: one epoch's record from net_train_epochs (loss sum, each output's loss sum, each
  // output's metric totals) to read instead of the core's running totals.
  private readMetrics(core: Core, net: number, rows: number, prefix: string, stats?: Float64Array): Logs {
    const logs: Logs = {};
    if (!this.compiled) return logs;
    const { outputs } = this.compiled, several = outputs.length > 1;
    if (several) outputs.forEach(({ name }, k) => { logs[`${prefix}${name}_loss`] = (stats ? stats[1 + k] : core.net_output_loss_sum(net, k)) / rows; });
    outputs.forEach(({ name, metrics, outputShape }, k) => {
      if (metrics.length === 0) return;
      const totals = stats
        ? stats.subarray(1 + outputs.length + k * METRIC_SLOTS, 1 + outputs.length + (k + 1) * METRIC_SLOTS)
        : new Float64Array(core.memory.buffer, core.net_metric_totals(net) + k * METRIC_SLOTS * 8, METRIC_SLOTS);
      // Metrics count the rows of the output's last axis ([T, units] output: T rows per example).
      const units = outputShape[outputShape.length - 1], before = prefix + (several ? `${name}_` : '');
      for (const metric of metrics) {
        logs[before + metric.key] = metric.value(totals, rows * (sizeOf(outputShape) / units), units);
        if (metric.alias) logs[before + metric.alias] = logs[before + metric.key];
      }
    });
    return logs;
  }

  // The metric functions over staged rows, under `prefix` (and each output's name, with several).
  private customMetrics(core: Core, net: number, xPtr: number, yPtr: number, rows: number, batchSize: number, prefix: string, where: string): Logs {
    const { outputs, labelSize } = this.compiled!, logs: Logs = {};
    outputs.forEach(({ name, custom, outputShape, labelOffset, labelSize: width }, k) => {
      const sizes = { inputs: this.inputSize, labels: labelSize, outputs: sizeOf(outputShape), output: k, labelOffset, labelWidth: width };
      Object.assign(logs, computeCustomMetrics(core, net, custom, xPtr, yPtr, rows, sizes, batchSize, prefix + (outputs.length > 1 ? `${name}_` : ''), where));
    });
    return logs;
  }

  /**
   * Runs `fn`; if it fails after building the model in this call, the model goes back to unbuilt,
   * so a failed predict(), setWeights() or compile() leaves the model exactly as it was.
   */
  private building<T>(fn: () => T): T {
    const built = this.owned.net !== 0;
    try {
      return fn();
    } catch (error) {
      if (!built && this.owned.net) {
        registry.unregister(this);
        release(this.owned);
        this.batchCap = this.inputPtr = this.labelPtr = this.weightsPtr = this.packedFor = this.unitsFor = 0;
        this.frozenInCore = [];
      }
      throw error;
    }
  }

  /**
   * Wasm memory the model needs beyond what it holds: parameters, gradients and the next
   * parameters (double-buffered updates) if unbuilt, plus the initializers' largest draw, plus
   * `slots` optimizer buffers, double-buffered too. Checked before anything is allocated.
   */
  private checkMemory(slots: number, what: string): void {
    const shapes = this.topology.weights();
    const params = shapes.reduce((sum, s) => sum + s.size, 0);
    const largest = shapes.reduce((most, s) => Math.max(most, s.size), 0);
    const need = (this.owned.net ? 0 : (3 * params + largest) * 4) + 2 * slots * params * 4;
    const left = availableBytes();
    if (need > left) {
      throw new ValueError(`${what}: the model's ${params} parameters need ${formatBytes(need)} of Wasm memory (weights, gradients${slots ? ` and ${slots} optimizer state buffer${slots > 1 ? 's' : ''}` : ''}), but only ${formatBytes(left)} of WebAssembly's 4 GiB are left`);
    }
  }

  /**
   * Allocates the network in Wasm, once, with `initial` weights (from setWeights or a load) or
   * else weights drawn by the layers' initializers.
   */
  private build(initial?: Float32Array[]): number {
    if (this.owned.net) return this.owned.net;
    const core = this.core('build');
    // An initializer that calls back into its own model would build it twice over.
    if (this.initializing) throw new StateError('the model is being built: an initializer cannot use the model it initializes');
    if (this.topology.layers.length === 0) throw new StateError('the model has no layers: add() at least one layer first');
    this.checkMemory(0, 'building the model');
    const count = this.countParams();
    let tensors = initial;
    if (!tensors) {
      this.initializing = true;
      try {
        tensors = this.drawInitialWeights();
      } finally {
        this.initializing = false;
      }
    }
    const stack = this.topology.layers;
    const net = core.net_create(stack.length) >>> 0;
    if (!net) throw new ValueError('out of Wasm memory creating the model');
    try {
      this.describeNet(core, net);
    } catch (err) {
      core.net_free(net); // a failed build leaves nothing behind
      throw err;
    }
    // The first dropout layer's seed, if it has one, seeds the model's dropout stream.
    const dropoutSeed = stack.map((layer) => (layer as { seed?: number }).seed).find((seed) => seed !== undefined);
    if (!core.net_build(net)) {
      core.net_free(net);
      throw new ValueError(`the model's ${count} parameters do not fit in Wasm memory`);
    }
    const rng = core.alloc(16) >>> 0;
    if (!rng) {
      core.net_free(net);
      throw new ValueError('out of Wasm memory creating the model');
    }
    this.owned.net = net;
    this.owned.rng = rng;
    this.frozenInCore = stack.map(() => false); // the core starts with every layer trainable
    registry.register(this, this.owned, this);
    core.rng_seed(rng, deriveSeed(this.seed, SHUFFLE_STREAM, 0));
    core.rng_seed(core.net_rng(net), dropoutSeed ?? deriveSeed(this.seed, DROPOUT_STREAM, 0));
    const params = core.net_params(net);
    this.topology.weights().forEach(({ offset }, i) => writeF32(params + offset * 4, tensors[i]));
    core.net_weights_changed(net); // as every write of the parameters
    return net;
  }

  // Describes every layer, its inputs and its mask to the core's network `net` (net_create'd).
  private describeNet(core: Core, net: number): void {
    const stack = this.topology.layers;
    // A graph's inputs, in order: with several, a staged example holds each one's values in turn.
    this.topology.graphInputs?.forEach(({ shape }, k) => {
      if (!core.net_set_model_input(net, k, sizeOf(shape))) throw new ValueError(`the model's input ${k + 1} is one more than the core takes (16)`);
    });
    this.topology.graphOutputs?.forEach((i, k) => {
      if (!core.net_set_output(net, k, i)) throw new ValueError(`the model's output ${k + 1} is one more than the core takes (16)`);
    });
    stack.forEach((layer, i) => {
      layer.plan(core, net, i, this.topology.inputs[i], this.topology.inputShapes[i]);
      // A graph's layers read where their inputs are made (a stack's, the layer before).
      if (this.topology.graphInputs) {
        this.topology.edges[i].forEach((from, k) => {
          const shape = this.topology.inputShapes[i][k];
          if (!core.net_set_input(net, i, k, from, shape[shape.length - 1])) throw new ValueError(`${layer.className} layer ${JSON.stringify(layer.name)}: too many inputs (${k + 1})`);
        });
      }
      const mask = this.topology.masks[i];
      if (mask !== undefined) core.net_set_mask(net, i, mask);
      const first = this.topology.owners[i];
      if (first !== i && !core.net_set_shared(net, i, first)) throw new ValueError(`${layer.className} layer ${JSON.stringify(layer.name)}: the core refused its second application`);
    });
    // A graph's weights in its layers' order (TF.js's), which may differ from the order they run in.
    this.topology.layerOrder?.forEach((i, rank) => {
      if (rank !== i) core.net_set_param_rank(net, i, rank);
    });
  }

  // Initial weights, drawn before anything is allocated: an initializer that throws (identity on a
  // non-square kernel, say) leaves nothing half-built. Each tensor gets its own stream from the
  // model seed, unless its initializer has a seed. What custom initializers return is checked
  // like setWeights input.
  private drawInitialWeights(): Float32Array[] {
    // Weight k of layer i draws from stream (i, k) of the model seed.
    return this.topology.weights().map(({ layer, index, spec, size }) => {
      const init = spec.initializer, label = `${this.topology.layers[layer].name} ${spec.name}`;
      return copyTensor(init.apply(spec.shape, deriveSeed(this.seed, layer, index)), size, `initializer ${JSON.stringify(init.name)} for ${label}: its result`);
    });
  }

  // Mean loss over staged rows in chunks that fit the activation buffers, weighted by the sample
  // weights at wPtr (0: none); metric totals restart.
  private evaluateStaged(core: Core, net: number, xPtr: number, yPtr: number, rows: number, batchSize: number, wPtr: number): number {
    const inputs = this.inputSize, labelCols = this.compiled!.labelSize;
    const chunk = Math.min(batchSize, core.net_batch_cap(net));
    core.net_reset_metrics(net);
    let loss = 0;
    for (let start = 0; start < rows; start += chunk) {
      const n = Math.min(chunk, rows - start);
      core.net_forward(net, xPtr + start * inputs * 4, n, false, false);
      loss += core.net_loss(net, yPtr + start * labelCols * 4, n, false, wPtr && wPtr + start * 4) * n;
    }
    return loss / rows;
  }
}

/** A stack of layers, each feeding the next (TF.js's Sequential). */
export class Sequential extends LayersModel {
  constructor(config: SequentialConfig = {}) {
    wasm('sequential()');
    checkKeys(config, ['inputShape', 'inputDim', 'seed', 'layers', 'name'], 'sequential()');
    if (config.inputShape !== undefined && config.inputDim !== undefined) throw new ValueError('sequential(): give inputShape or inputDim, not both');
    let inputShape: Shape | undefined;
    if (config.inputShape !== undefined) inputShape = checkShape(config.inputShape, 'sequential()', 'inputShape');
    else if (config.inputDim !== undefined) inputShape = checkShape([config.inputDim], 'sequential()', 'inputDim');
    super(new Topology(inputShape), config.seed, config.name ?? `sequential_${++modelCount}`, 'sequential()');
    if (config.layers !== undefined) {
      if (!Array.isArray(config.layers)) throw new ValueError(`sequential(): layers must be an array, got ${describe(config.layers)}`);
      for (const layer of config.layers) this.add(layer);
    }
  }

  /** Appends a layer. Layers can be added until the model is built (compile, predict, getWeights). */
  add(layer: Layer): void {
    this.checkUsable('add()');
    if (this.initializing) throw new StateError('add(): the model is being built; an initializer cannot add layers to it');
    if (!(layer instanceof Layer)) {
      // layers.textVectorization() is a preprocessing step: its output feeds the model, it is not in it.
      const hint = isTextVectorization(layer) ? ' (a textVectorization runs before the model: pass its apply(texts) to fit() and predict(), and start the model with an embedding or dense layer)' : '';
      throw new ValueError(`add(): expected a layer from layers.*(), got ${describe(layer)}${hint}`);
    }
    if (this.owned.net) throw new StateError(`add(): the model is already built; add every layer before compile(), predict() or getWeights()`);
    if (!this.topology.layers.includes(layer)) layer.checkFree('add()');
    this.topology.add(layer);
    layer.attach(this);
  }

  /** Removes the last layer (before the model is built), as Keras's pop(). */
  pop(): Layer {
    this.checkUsable('pop()');
    if (this.owned.net) throw new StateError('pop(): the model is already built; layers can only be removed before compile(), predict() or getWeights()');
    const layer = this.topology.pop();
    layer.attach(undefined);
    return layer;
  }

}

export interface ModelConfig {
  /** The model's input, from input(). */
  inputs: SymbolicTensor | SymbolicTensor[];
  /** The model's outputs: symbolic tensors from layer.apply(); with several, each trains with its own loss. */
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
  /** Seeds every random choice, as sequential()'s seed. */
  seed?: number;
}

/**
 * A graph model (TF.js's tf.model()): the layers between `inputs` and `outputs`, as applied with
 * layer.apply(), with the training API of sequential(). With several inputs, x is an array of them,
 * in `inputs` order, or an object keyed by input name; with several outputs, y likewise (by output
 * layer name), and predict() returns one array per output.
 */
export function model(config: ModelConfig & { outputs: SymbolicTensor | [SymbolicTensor] }): LayersModel;
export function model(config: ModelConfig & { outputs: [SymbolicTensor, SymbolicTensor, ...SymbolicTensor[]] }): LayersModel<Float32Array[]>;
export function model(config: ModelConfig): LayersModel<Prediction>;
export function model(config: ModelConfig): LayersModel<Prediction> {
  const where = 'model()';
  wasm(where);
  checkKeys(config, ['inputs', 'outputs', 'name', 'seed'], where);
  const tensors = (value: unknown, what: string): SymbolicTensor[] => {
    const list = Array.isArray(value) ? [...value] : [value];
    if (list.length === 0) throw new ValueError(`${where}: give at least one ${what}`);
    const bad = list.find((t) => !(t instanceof SymbolicTensor));
    if (bad !== undefined) throw new ValueError(`${where}: ${what}s must be symbolic tensors from ${what === 'input' ? 'input()' : 'layer.apply()'}, got ${describe(bad)}`);
    return list as SymbolicTensor[];
  };
  const inputs = tensors(config.inputs, 'input'), outputs = tensors(config.outputs, 'output');
  // The core stages at most 16 model inputs (assembly/network.ts MAX_MODEL_INPUTS).
  if (inputs.length > 16) throw new ValueError(`${where}: at most 16 inputs are supported for now, got ${inputs.length}`);
  // The core trains at most 16 outputs (assembly/network.ts MAX_OUTPUTS).
  if (outputs.length > 16) throw new ValueError(`${where}: at most 16 outputs are supported, got ${outputs.length}`);
  const computed = inputs.find((t) => t.layer);
  if (computed) throw new ValueError(`${where}: inputs must come from input(), got the output of ${computed.layer!.className} layer ${JSON.stringify(computed.layer!.name)}`);
  if (config.name !== undefined && (typeof config.name !== 'string' || config.name.length === 0)) throw new ValueError(`${where}: name must be a non-empty string, got ${describe(config.name)}`);
  const topology = graphTopology(inputs, outputs, (layer) => layer.checkFree(where));
  const built = new LayersModel<Prediction>(topology, config.seed, config.name ?? `model_${++modelCount}`, where);
  for (const layer of topology.layers) layer.attach(built);
  return built;
}

/** A new Sequential model: `sequential({ inputShape: [2], seed: 42 })`. */
export function sequential(config: SequentialConfig = {}): Sequential {
  return new Sequential(config);
}

// An object of arrays keyed by input or output name (not an array, a typed array or null).
function isKeyed(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/**
 * Several arrays, one per input (or output), given as an array in order or an object keyed by name,
 * joined example by example into one row each: a row holds each part's values one after another.
 */
function joinRows(x: unknown, parts: readonly { name: string; shape: Shape }[], noun: 'input' | 'output', where: string, arg: string): Matrix {
  const names = parts.map((p) => p.name), count = parts.length;
  let given: unknown[];
  if (Array.isArray(x)) {
    if (x.length !== count) throw new ValueError(`${where} ${arg}: the model has ${count} ${noun}s (${names.join(', ')}): give an array of ${count}, one per ${noun}, or an object keyed by their names; got an array of ${x.length}`);
    given = x;
  } else if (typeof x === 'object' && x !== null && !ArrayBuffer.isView(x)) {
    const byName = x as Record<string, unknown>;
    const missing = names.filter((name) => !Object.hasOwn(byName, name));
    if (missing.length) throw new ValueError(`${where} ${arg}: no data for ${noun} ${missing.map((n) => JSON.stringify(n)).join(', ')}; the model's ${noun}s are ${names.join(', ')}`);
    given = names.map((name) => byName[name]);
  } else {
    throw new ValueError(`${where} ${arg}: the model has ${count} ${noun}s (${names.join(', ')}): give an array of them or an object keyed by their names, got ${describe(x)}`);
  }
  const matrices = given.map((part, k) => toMatrix(part, parts[k].shape, where, `${arg} (${noun} ${JSON.stringify(names[k])})`));
  const rows = matrices[0].rows, cols = matrices.reduce((n, m) => n + m.cols, 0);
  matrices.forEach((m, k) => {
    if (m.rows !== rows) throw new ShapeError(`${where} ${arg}: every ${noun} needs the same number of rows, got ${rows} for ${JSON.stringify(names[0])} and ${m.rows} for ${JSON.stringify(names[k])}`);
  });
  const data = new Float32Array(rows * cols);
  for (let r = 0, at = 0; r < rows; r++) {
    for (const m of matrices) {
      data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), at);
      at += m.cols;
    }
  }
  return { data, rows, cols };
}

/**
 * A copy of one weight tensor of `size` values from a user's array: its length is read once (a
 * typed array's from the engine), each value once, and the copy is what gets checked.
 */
function copyTensor(w: unknown, size: number, what: string): Float32Array {
  if (isFloat32Array(w) || isFloat64Array(w)) {
    const length = lengthOf(w);
    if (length !== size) throw new ShapeError(`${what} must have ${size} values, got ${length}`);
    const copy = new Float32Array(size);
    copy.set(w);
    checkFinite(copy, 0, size, size, what, '');
    return copy;
  }
  if (!Array.isArray(w)) throw new ValueError(`${what} must be a Float32Array, Float64Array or number[], got ${describe(w)}`);
  const length = w.length;
  if (length !== size) throw new ShapeError(`${what} must have ${size} values, got ${describe(length)}`);
  const copy = new Float32Array(size);
  for (let j = 0; j < size; j++) {
    const v = w[j]; // read once: a getter may answer differently the next time
    // Checked as stored: 1e39 is finite as a float64 but Infinity as a float32.
    if (typeof v !== 'number' || !Number.isFinite((copy[j] = v, copy[j]))) throw new ValueError(`${what} must hold finite float32 numbers, got ${describe(v)} at index ${j}`);
  }
  return copy;
}

/** A 32-bit seed for one random stream, mixed from the model seed and the stream's path. */
function deriveSeed(seed: number, a: number, b: number): number {
  let h = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32), 0x9e3779b1);
  for (const v of [a, b]) {
    h = Math.imul(h ^ v ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

// Read by name, not instanceof, so a model does not bundle the vectorizer; never throws (a Proxy may).
function isTextVectorization(value: unknown): boolean {
  try {
    return typeof value === 'object' && value !== null && (value as { className?: unknown }).className === 'TextVectorization';
  } catch {
    return false;
  }
}

/**
 * checkFinite over `count` values staged in Wasm memory at ptr (rows of `cols`): the core finds the
 * first non-finite one in a SIMD pass, and checkFinite reports it (predict's chunks name the row
 * the chunk starts from, `fromRow`).
 */
function checkStagedFinite(finite: boolean, ptr: number, count: number, cols: number, where: string, arg: string, fromRow?: number): void {
  if (finite) return;
  checkFinite(heapF32(), ptr >>> 2, count, cols, where, fromRow === undefined ? arg : `${arg} (from row ${fromRow})`);
}
