// fit(): the training loop. The data set is staged in Wasm memory once; each epoch shuffles the
// row order there, then runs the batches in chunks of one Wasm call each (a chunk grows while it
// stays short, so the event loop gets a turn every few milliseconds), with callbacks, scheduled
// rates, validation and divergence checks around them. Any failure puts the model back as it was.
// It reaches the model's internals only through FitHooks, which the model hands to it.
import { callbackList, type Callback, type Logs, type TrainingModel } from './callbacks.js';
import { MAX_BATCH, checkSameRows, type Data, type InputData, type Matrix } from './data.js';
import { DivergenceError, StateError, ValueError, checkInteger, checkKeys, describe } from './errors.js';
import type { Optimizer } from './optimizers.js';
import { Progress, checkVerbose, type Verbosity } from './progress.js';
import { isSchedule, scheduledRate } from './schedules.js';
import { stageWeights, weighting, type ClassWeight } from './sample-weights.js';
import { allocate, readF32, writeF32, type Core } from './wasm.js';
import type { OptimizerState } from './io/types.js';

export interface FitConfig {
  /** Passes over the training data (default 1). */
  epochs?: number;
  /** Rows per gradient step (default 32). */
  batchSize?: number;
  /** Reshuffle the training rows every epoch (default true), with the model's seeded generator. */
  shuffle?: boolean;
  /** Fraction of rows, taken from the end before shuffling as Keras does, held out for val_ logs. */
  validationSplit?: number;
  /** Explicit held-out data instead of validationSplit: [x, y], or [x, y, sampleWeight] (Keras). */
  validationData?: readonly [InputData, InputData] | readonly [InputData, InputData, Data];
  /**
   * A weight per class index, `{ 0: 1, 1: 5 }` (TF.js and Keras): each training example's loss is
   * multiplied by its class's weight (the class of a one-column label, or a one-hot row's argmax).
   * Every class in the training labels must be listed. Validation is not weighted.
   */
  classWeight?: ClassWeight;
  /**
   * One weight per example (Keras; TF.js has none): its loss is multiplied by it (and by its class
   * weight, if any). With validationSplit, the held-out rows' weights weigh val_loss, as in Keras.
   */
  sampleWeight?: Data;
  /** One callback object or a list: hooks, earlyStopping(), reduceLROnPlateau(). */
  callbacks?: Callback | Callback[];
  /**
   * 0 (default): silent. 1: a live progress bar per epoch when stdout is a terminal (Node), else a
   * line per epoch. 2: a line per epoch (Keras's 2).
   */
  verbose?: Verbosity;
  /** Epoch to start counting from, to resume a previous fit (default 0). */
  initialEpoch?: number;
}

export interface History {
  epoch: number[];
  /** One number per epoch for each of loss, the metrics, lr, and val_ versions when validating. */
  history: Record<string, number[]>;
}

/** The model as fit() sees it: what callbacks see, and the public members fit() reads. */
export interface FitModel extends TrainingModel {
  readonly inputShape: number[];
  readonly outputShape: number[];
  readonly isDisposed: boolean;
  getOptimizerState(): OptimizerState;
  setOptimizerState(state: OptimizerState): void;
}

/** @internal The model internals fit() uses, handed over by Sequential.fit(): one object per model, no allocation per call. */
export interface FitHooks {
  /** A running fit() sets this for its duration; the model refuses compile(), evaluate(), ... meanwhile. */
  fitting: boolean;
  /** The learning rate in force. */
  readonly rate: number;
  /** Wasm address of the 16-byte random stream that shuffles the rows. */
  readonly shuffleRng: number;
  /** The core, the network and the compiled optimizer; a StateError unless compiled and undisposed. */
  ready(what: string): { core: Core; net: number; compiled: { optimizer: Optimizer; outputs: readonly { outputShape: readonly number[]; custom: readonly unknown[] }[] } };
  /** A StateError once the model is disposed. */
  checkUsable(what: string): void;
  /** Labels as a matrix of the compiled loss's label width. */
  labels(y: unknown, where: string, arg: string): Matrix;
  /** x as the model's rows (several inputs joined, example by example). */
  inputs(x: unknown, where: string, arg: string): Matrix;
  /** Grows the activation buffers to `rows` rows if needed. */
  reserve(core: Core, net: number, rows: number, what: string): void;
  /** Copies a matrix into Wasm memory at ptr and checks the copy (labels: as the loss takes them). */
  stageMatrix(ptr: number, m: Matrix, where: string, arg: string, labels?: boolean): void;
  setRate(core: Core, net: number, lr: number): void;
  /** Passes changed trainable flags to the core; allocates nothing. */
  syncTrainable(core: Core, net: number): void;
  /** The compiled metrics from the Wasm totals (or one epoch's record of net_train_epochs) over `rows` rows, under `prefix`. */
  readMetrics(core: Core, net: number, rows: number, prefix: string, stats?: Float64Array): Logs;
  /** The metric functions over `rows` staged rows (a forward pass over them; none without such metrics), under `prefix`. */
  customMetrics(core: Core, net: number, xPtr: number, yPtr: number, rows: number, batchSize: number, prefix: string): Logs;
  /** Mean loss over staged rows, weighted by the sample weights at wPtr (0: none); metric totals restart. */
  evaluateStaged(core: Core, net: number, xPtr: number, yPtr: number, rows: number, batchSize: number, wPtr: number): number;
}

const FIT_KEYS = ['epochs', 'batchSize', 'shuffle', 'validationSplit', 'validationData', 'callbacks', 'verbose', 'initialEpoch', 'classWeight', 'sampleWeight'];
// Longest stretch fit() runs without giving the event loop a turn.
const YIELD_MS = 16;

/**
 * model.fit(): trains for a number of epochs. Async: it gives the event loop a turn at least every
 * YIELD_MS, so pages stay responsive, and awaits each callback.
 */
export async function fit(model: FitModel, hooks: FitHooks, x: InputData, y: InputData, config: FitConfig = {}): Promise<History> {
  const { core, net, compiled } = hooks.ready('fit()');
  if (hooks.fitting) throw new StateError('fit(): this model is already fitting; await the running fit() first');
  checkKeys(config, FIT_KEYS, 'fit()');
  const epochs = checkInteger(config.epochs ?? 1, 0, MAX_BATCH, 'fit() epochs');
  const initialEpoch = checkInteger(config.initialEpoch ?? 0, 0, MAX_BATCH, 'fit() initialEpoch');
  const batchSize = checkInteger(config.batchSize ?? 32, 1, MAX_BATCH, 'fit() batchSize');
  const shuffle = config.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new ValueError(`fit(): shuffle must be a boolean, got ${describe(shuffle)}`);
  const split = config.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1)) {
    throw new ValueError(`fit(): validationSplit must be a number in [0, 1), got ${describe(split)}`);
  }
  const callbacks = callbackList(config.callbacks, 'fit()');
  const verbose = checkVerbose(config.verbose ?? 0, 'fit()');

  const X = hooks.inputs(x, 'fit()', 'x');
  const Y = hooks.labels(y, 'fit()', 'y');
  checkSameRows(X.rows, Y.rows, 'fit()');
  const weights = weighting(config.sampleWeight, config.classWeight, X.rows, compiled.outputs, 'fit()');
  let train = X.rows;
  let validation: [Matrix, Matrix] | undefined;
  let validationWeights: ReturnType<typeof weighting>;
  if (config.validationData !== undefined) {
    const data: unknown = config.validationData;
    if (!Array.isArray(data) || (data.length !== 2 && data.length !== 3)) {
      throw new ValueError(`fit(): validationData must be [x, y] or [x, y, sampleWeight], got ${describe(data)}`);
    }
    validation = [hooks.inputs(data[0], 'fit()', 'validationData x'), hooks.labels(data[1], 'fit()', 'validationData y')];
    checkSameRows(validation[0].rows, validation[1].rows, 'fit() validationData');
    if (data.length === 3) validationWeights = weighting(data[2], undefined, validation[0].rows, compiled.outputs, 'fit() validationData');
  } else if (split > 0) {
    train = Math.floor(X.rows * (1 - split));
    if (train === 0 || train === X.rows) {
      throw new ValueError(`fit(): validationSplit ${split} of ${X.rows} rows leaves ${train} rows for training and ${X.rows - train} for validation; both must be at least 1`);
    }
  }

  hooks.fitting = true;
  model.stopTraining = false;
  let staging = 0, statsPtr = 0;
  // Everything fit() changes, so any failure (a callback that throws, say) can put it back.
  let before: { weights: Float32Array; state: OptimizerState; rate: number } | undefined;
  const batches = Math.ceil(train / batchSize);
  const progress = verbose === 0 ? undefined : new Progress(verbose, epochs, batches);
  try {
    before = { weights: readF32(core.net_params(net), core.net_param_count(net)), state: model.getOptimizerState(), rate: hooks.rate };
    // Stage the data set once: rows of x, rows of y, validation rows, and the row order.
    const valRows = validation ? validation[0].rows : 0;
    const floats = (X.rows + valRows) * (X.cols + Y.cols);
    // Then the row order, then the sample weights of every row, training and held out.
    const weightFloats = (weights ? X.rows : 0) + (validationWeights ? valRows : 0);
    // Validation is inference: room for the packed kernels it keeps (as predict()), before the staging.
    if (valRows > 0 || train < X.rows) core.net_reserve_packed(net);
    staging = allocate((floats + train + weightFloats) * 4, `fit() staging ${X.rows} rows`);
    hooks.reserve(core, net, Math.min(batchSize, Math.max(train, valRows)), 'fit()');
    // Each array is copied once and the copy in Wasm is what gets checked.
    const xPtr = staging, yPtr = xPtr + X.rows * X.cols * 4;
    hooks.stageMatrix(xPtr, X, 'fit()', 'x');
    hooks.stageMatrix(yPtr, Y, 'fit()', 'y', true);
    let vxPtr = xPtr + train * X.cols * 4, vyPtr = yPtr + train * Y.cols * 4;
    if (validation) {
      vxPtr = yPtr + Y.rows * Y.cols * 4;
      vyPtr = vxPtr + valRows * X.cols * 4;
      hooks.stageMatrix(vxPtr, validation[0], 'fit()', 'validationData x');
      hooks.stageMatrix(vyPtr, validation[1], 'fit()', 'validationData y', true);
    }
    const valCount = validation ? valRows : X.rows - train;
    const order = staging + floats * 4;
    // Sample weights (0: none). Class weights weigh the training rows only; with validationSplit the
    // held-out rows keep their sample weights for val_loss, as Keras splits sample_weight with x and y.
    let wPtr = 0, vwPtr = 0;
    if (weights) {
      wPtr = order + train * 4;
      stageWeights(wPtr, X.rows, weights, yPtr, Y.cols, train, 'fit()');
      if (!validation && weights.sample) vwPtr = wPtr + train * 4;
    }
    if (validation && validationWeights) {
      vwPtr = order + (train + (weights ? X.rows : 0)) * 4;
      stageWeights(vwPtr, valRows, validationWeights, vyPtr, Y.cols, 0, 'fit() validationData');
    }

    const schedule = isSchedule(compiled.optimizer.learningRate) ? compiled.optimizer.learningRate : undefined;
    let step = core.net_step(net);
    const history: History = { epoch: [], history: {} };
    for (const cb of callbacks) cb.setModel?.(model);
    for (const cb of callbacks) await cb.onTrainBegin?.({});
    const perBatch = schedule !== undefined || callbacks.some((cb) => cb.onBatchBegin || cb.onBatchEnd);
    let lastYield = now();
    // With nothing to run between epochs, whole epochs run in one Wasm call each (exactly as below).
    const quiet = !perBatch && callbacks.length === 0 && !progress && valCount === 0 && !compiled.outputs.some((o) => o.custom.length);
    if (quiet && initialEpoch < epochs) {
      const stride = core.net_epoch_stats(net), most = Math.min(1024, epochs - initialEpoch);
      const hasMetrics = Object.keys(hooks.readMetrics(core, net, 1, '')).length > 0;
      statsPtr = allocate(most * stride * 8, `fit() epoch statistics`);
      let chunk = 1;
      for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining;) {
        hooks.checkUsable('fit()');
        const count = Math.min(chunk, most, epochs - epoch), started = now();
        hooks.syncTrainable(core, net);
        const done = core.net_train_epochs(net, xPtr, yPtr, order, train, batchSize, count, shuffle, hooks.shuffleRng, wPtr, statsPtr);
        const stats = new Float64Array(core.memory.buffer, statsPtr, count * stride);
        for (let e = 0; e < done; e++) {
          // The same keys every epoch, in the order the loop below logs them: loss, metrics, lr.
          (history.history.loss ??= []).push(stats[e * stride] / train);
          // (A view of the record only for metrics: an epoch of XOR costs less than making one.)
          if (hasMetrics) for (const [key, value] of Object.entries(hooks.readMetrics(core, net, train, '', stats.subarray(e * stride, (e + 1) * stride)))) (history.history[key] ??= []).push(value);
          (history.history.lr ??= []).push(hooks.rate);
          history.epoch.push(epoch + e);
        }
        if (done < count) {
          const at = epoch + done;
          throw divergence(at, epochs, core.net_diverged_batch(net), stats[done * stride]);
        }
        epoch += count;
        if (now() - started < YIELD_MS / 4) chunk *= 2;
        if (now() - lastYield > YIELD_MS) {
          await yieldToEventLoop();
          lastYield = now();
        }
      }
    }
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining && !quiet; epoch++) {
      hooks.checkUsable('fit()');
      const started = now();
      progress?.epochBegin(epoch, started);
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch, {});
      // Each epoch's order depends only on the random stream, so 3 + 2 epochs (even across a
      // save and load) visit the rows exactly as 5 epochs in one fit() would.
      // A fresh view: a callback may have grown Wasm memory, which detaches old ones.
      const indices = new Int32Array(core.memory.buffer, order, train);
      for (let i = 0; i < train; i++) indices[i] = i;
      if (shuffle) core.rng_shuffle(order, train, hooks.shuffleRng);
      core.net_reset_metrics(net);
      let seen = 0;
      // Batches run in chunks of one Wasm call each; a chunk grows until it takes a few
      // milliseconds, so the event loop still gets a turn every YIELD_MS. Batch callbacks and
      // schedules need one batch per call.
      let chunk = 1;
      for (let batch = 0; batch < batches && !model.stopTraining; ) {
        hooks.checkUsable('fit()');
        const count = perBatch ? 1 : Math.min(chunk, batches - batch);
        const rows = Math.min(batchSize, train - batch * batchSize);
        if (perBatch) {
          for (const cb of callbacks) await cb.onBatchBegin?.(batch, { batch, size: rows });
          if (schedule) hooks.setRate(core, net, scheduledRate(schedule, step));
        }
        const started = now();
        hooks.syncTrainable(core, net);
        const loss = core.net_train_batches(net, xPtr, yPtr, order, train, batchSize, batch, count, wPtr);
        const diverged = core.net_diverged_batch(net);
        if (diverged >= 0) {
          throw divergence(epoch, epochs, diverged, loss);
        }
        if (now() - started < YIELD_MS / 4) chunk *= 2;
        seen += Math.min(train, (batch + count) * batchSize) - batch * batchSize;
        step += count;
        if (perBatch) {
          const logs: Logs = { batch, size: rows, loss: loss / rows };
          for (const cb of callbacks) await cb.onBatchEnd?.(batch, logs);
        }
        batch += count;
        // The running logs are read (and allocated) only when the bar is redrawn.
        if (progress?.due(now())) {
          const running: Logs = { loss: core.net_loss_sum(net) / seen, ...hooks.readMetrics(core, net, seen, '') };
          progress.draw(batch, running, now());
        }
        if (now() - lastYield > YIELD_MS) {
          await yieldToEventLoop();
          lastYield = now();
        }
      }
      if (seen === 0) break; // stopTraining before the epoch's first batch
      // Over the rows actually trained: stopTraining may end an epoch early.
      // Summed in the core batch by batch: chunking (which follows timing) cannot change the bits.
      const logs: Logs = { loss: core.net_loss_sum(net) / seen };
      Object.assign(logs, hooks.readMetrics(core, net, seen, ''));
      // Metric functions: over every training row, with the weights as the epoch leaves them.
      Object.assign(logs, hooks.customMetrics(core, net, xPtr, yPtr, train, batchSize, ''));
      if (valCount > 0) {
        logs.val_loss = hooks.evaluateStaged(core, net, vxPtr, vyPtr, valCount, batchSize, vwPtr);
        Object.assign(logs, hooks.readMetrics(core, net, valCount, 'val_'));
        Object.assign(logs, hooks.customMetrics(core, net, vxPtr, vyPtr, valCount, batchSize, 'val_'));
      }
      logs.lr = hooks.rate;
      history.epoch.push(epoch);
      for (const [key, value] of Object.entries(logs)) (history.history[key] ??= []).push(value);
      progress?.epochEnd(epoch, Math.ceil(seen / batchSize), logs, now());
      for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
      // By time, not per epoch: an epoch of a tiny data set is a few microseconds.
      if (now() - lastYield > YIELD_MS) {
        await yieldToEventLoop();
        lastYield = now();
      }
    }
    for (const cb of callbacks) await cb.onTrainEnd?.({});
    return history;
  } catch (error) {
    progress?.abort();
    // Any failure, divergence included, undoes the fit: the weights before it are known to be sane.
    if (before && !model.isDisposed) {
      writeF32(core.net_params(net), before.weights);
      core.net_weights_changed(net); // packed kernels are out of date at once, whatever follows
      model.setOptimizerState(before.state);
      hooks.setRate(core, net, before.rate);
    }
    throw error;
  } finally {
    if (staging) core.free(staging);
    if (statsPtr) core.free(statsPtr);
    hooks.fitting = false;
  }
}

function divergence(epoch: number, epochs: number, batch: number, loss: number): DivergenceError {
  return new DivergenceError(
    `fit(): training diverged in epoch ${epoch + 1}/${epochs} (counted from 1, as verbose prints it; error.epoch is ${epoch}, counted from 0 as callbacks and history.epoch count), at its batch ${batch} (from 0): the loss, its gradient or the update is not finite; the weights, optimizer state and learning rate are back as they were before this fit() (try a smaller learning rate)`,
    epoch, batch, loss);
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

// A turn of the event loop: setImmediate in Node; in browsers and workers a MessageChannel message,
// which (unlike a nested setTimeout, clamped to 4 ms) runs as soon as the page has handled its events.
let channel: MessageChannel | undefined;
const waiting: (() => void)[] = [];
function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel !== 'function') return new Promise((resolve) => setTimeout(resolve, 0));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel!.port2.postMessage(0);
  });
}
