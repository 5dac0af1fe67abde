// Fuzzing: property-based tests (fast-check) that call the API with random valid and invalid
// arguments and random call sequences, and check that every call either works or throws one of
// neurite's typed errors: never a raw Wasm trap (RuntimeError: memory access out of bounds,
// unreachable), a TypeError, a hang, or a NaN from finite inputs. Whatever throws must leave the
// model exactly as it was (weights bitwise equal), except a DivergenceError, which must leave
// finite weights; and the model must still train afterwards.
//
// The properties:
//   1. configurations: random layers, activations, initializers, regularizers, losses, optimizers,
//      schedules and metrics, valid and not (unknown names, prototype names, unknown keys, bad
//      values): building and compiling work or throw a NeuriteError, unknown names and keys are
//      rejected, a compiled model saves and loads back bit for bit, and trains without a trap.
//   2. call sequences: fit / evaluate / predict / trainOnBatch / computeGradients / computeLoss /
//      gradientCheck / setWeights / compile / learningRate / save+loadModel on random data (wrong
//      widths, mismatched rows, NaN / Infinity / 1e39, empty, Float32Array or number[][], class
//      labels out of range) and options, checked against the documented contract: valid calls
//      work with finite results, invalid ones throw the typed error naming the argument, and a
//      throw leaves the weights bitwise unchanged.
//   3. divergence: huge learning rates end in finite losses or a DivergenceError, with finite weights.
//   4. extreme finite inputs (up to the largest float32) never give NaN.
//   5. loadModel on damaged artifacts loads a working model or throws a NeuriteError.
//   6. state: every method of a disposed model throws a StateError; calls during a running fit
//      (concurrent, or from its callbacks) are refused with a StateError or work.
//
// The runs are bounded and seeded, so CI sees the same cases every time. For a deeper local run:
//   NEURITE_FUZZ_SCALE=20 npx vitest run tests/fuzz.test.ts --project simd    (20× the cases)
//   NEURITE_FUZZ_SEED=123 ...                                                  (other cases)
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { random } from './reference.js';
import {
  ready, sequential, layers, activations, initializers, regularizers, losses, optimizers, schedules, callbacks, loadModel, gradientCheck,
  NeuriteError, ShapeError, ValueError, StateError, DivergenceError, type Sequential,
} from '../src/index.js';

beforeAll(() => ready());

const SCALE = Number(process.env.NEURITE_FUZZ_SCALE ?? 1);
const SEED = process.env.NEURITE_FUZZ_SEED === undefined ? undefined : Number(process.env.NEURITE_FUZZ_SEED);

/**
 * fc.assert parameters: a bounded number of runs, a fixed seed, a per-run time limit (a hang
 * fails), and a bound on the whole property, shrinking included (runs left when it is reached are
 * skipped, not failed).
 */
function params(numRuns: number, seed: number): fc.Parameters<unknown> {
  return { numRuns: Math.max(1, Math.round(numRuns * SCALE)), seed: SEED ?? seed, timeout: 10_000, interruptAfterTimeLimit: 20_000 * SCALE, markInterruptAsFailure: false };
}

// ---------------------------------------------------------------------------------------------
// Assertions

const RAW = /RuntimeError|unreachable|out of bounds|memory access|Maximum call stack|is not a function|Cannot read prop|Cannot use 'in'/;
const FLOAT32_MAX = 3.4028234663852886e38;

/** What a call did: its value, or the error it threw (sync or async). */
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

async function attempt(f: () => unknown): Promise<Outcome> {
  try {
    return { ok: true, value: await f() };
  } catch (error) {
    return { ok: false, error };
  }
}

function show(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 6).join('\n')}` : String(e);
}

/** The error is one of neurite's typed errors, and not a wrapped trap. */
function expectNeuriteError(e: unknown, what: string): asserts e is NeuriteError {
  if (!(e instanceof NeuriteError) || RAW.test(String(e))) throw new Error(`${what}: expected a NeuriteError, got ${show(e)}`);
  expect(e).toBeInstanceOf(NeuriteError);
  expect(String(e)).not.toMatch(/RuntimeError|unreachable|out of bounds/);
}

function expectStateError(e: unknown, what: string): void {
  expectNeuriteError(e, what);
  if (!(e instanceof StateError)) throw new Error(`${what}: expected a StateError, got ${show(e)}`);
}

/** Weights as bit patterns, so -0 / 0 and NaN payloads count. */
function bits(model: Sequential): Uint32Array[] {
  return model.getWeights().map((w) => new Uint32Array(w.buffer, w.byteOffset, w.length));
}

function expectSameBits(before: Uint32Array[], after: Uint32Array[], what: string): void {
  const same = before.length === after.length && before.every((b, i) => b.length === after[i].length && b.every((v, j) => v === after[i][j]));
  if (!same) throw new Error(`${what}: the weights changed (partial damage)`);
}

function expectFiniteWeights(model: Sequential, what: string): void {
  model.getWeights().forEach((w, i) => {
    const bad = w.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`${what}: weight tensor ${i} holds ${w[bad]} at index ${bad}`);
  });
}

function expectFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${what}: got ${values[i]} at index ${i} from finite inputs`);
  }
}

function expectNoNaN(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) throw new Error(`${what}: got NaN at index ${i} from finite inputs`);
  }
}

/** JSON.stringify replacer for specs holding bigint, NaN and Infinity. */
function replacer(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

/** A small seeded generator for the bulk of the data, so cases shrink on their structure. */
const prng = random;

// ---------------------------------------------------------------------------------------------
// The catalog, and names that are not in it

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'leakyRelu', 'elu', 'selu', 'gelu', 'swish', 'silu', 'mish', 'softplus', 'softsign', 'sigmoid', 'hardSigmoid', 'tanh', 'softmax'];
const ACTIVATION_ALIASES = ['leaky_relu', 'hard_sigmoid', 'relu_6'];
const INITIALIZERS = ['zeros', 'ones', 'randomNormal', 'randomUniform', 'truncatedNormal', 'glorotNormal', 'glorotUniform', 'heNormal', 'heUniform', 'leCunNormal', 'leCunUniform', 'varianceScaling', 'orthogonal'];
const INITIALIZER_ALIASES = ['glorot_uniform', 'he_normal', 'lecun_uniform', 'xavierNormal', 'variance_scaling'];
const LOSSES = ['meanSquaredError', 'meanAbsoluteError', 'huber', 'logcosh', 'binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'hinge', 'kullbackLeiblerDivergence'];
const LOSS_ALIASES = ['mse', 'mae', 'MSE', 'binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy', 'log_cosh', 'kld', 'huber_loss'];
const OPTIMIZERS = ['sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamax', 'adamw'] as const;
const METRICS = ['accuracy', 'acc', 'binaryAccuracy', 'categoricalAccuracy', 'sparseCategoricalAccuracy', 'meanSquaredError', 'mse', 'meanAbsoluteError', 'mae', 'precision', 'recall'];
const REGULARIZERS = ['l1', 'l2', 'l1l2'];
/** Unknown names, including the ones every plain object answers to through its prototype. */
const BAD_NAMES = ['', 'Relu', 'adam ', 'nope', 'toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];
/** Values that are wrong for most options (and right for a few). */
const WEIRD: unknown[] = [NaN, Infinity, -Infinity, -1, 0, 0.5, 1.5, 1e39, 2 ** 31, 2 ** 53, -0, '3', '', null, true, {}, [], [3]];

const weirdArb = fc.constantFrom(...WEIRD);
/** Mostly `valid`, now and then `invalid`: one bad field in a config, rather than a bad field in every one. */
function mostly<T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>, odds = 15): fc.Arbitrary<T | U> {
  return fc.oneof({ weight: odds, arbitrary: valid }, { weight: 1, arbitrary: invalid });
}
const numberArb = fc.oneof(fc.double({ min: -2, max: 2, noNaN: true }), fc.constantFrom(0, 0.1, 0.5, 1, 2));
const positiveArb = fc.oneof(fc.double({ min: 0.01, max: 2, noNaN: true }), fc.constantFrom(0.05, 1));
const paramArb = mostly(numberArb, weirdArb, 4);
const seedArb = mostly(fc.nat(), weirdArb, 8);
/** Sometimes true: the config object gets an unknown key, which must be rejected. */
const unknownKeyArb = mostly(fc.constant(false), fc.constant(true));

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Copies a generated config without undefined keys (fast-check leaves them out already) and with the unknown key if asked. */
function cfg(spec: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) if (k !== 'bogus' && v !== undefined) out[k] = v;
  if (spec.bogus) out.bogusOption = 1;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Generators of configurations (property 1). Each spec is plain data, turned into neurite calls
// inside the property, so counterexamples print readably and every factory error is caught.

const activationSpecArb = fc.oneof(
  { weight: 24, arbitrary: fc.constantFrom<unknown>(...ACTIVATIONS, ...ACTIVATION_ALIASES) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(...BAD_NAMES) },
  { weight: 3, arbitrary: fc.record({ factory: fc.constantFrom('leakyRelu', 'elu'), alpha: mostly(numberArb, weirdArb), bogus: unknownKeyArb }) },
  { weight: 1, arbitrary: fc.record({ object: mostly(fc.constantFrom(...ACTIVATIONS), fc.constantFrom(...BAD_NAMES), 3), alpha: mostly(numberArb, weirdArb) }) },
  { weight: 1, arbitrary: weirdArb },
);

const initConfigArb = fc.record({
  value: mostly(numberArb, weirdArb), mean: mostly(numberArb, weirdArb), stddev: mostly(positiveArb, paramArb), scale: mostly(positiveArb, paramArb),
  minval: mostly(fc.double({ min: -2, max: -0.01, noNaN: true }), paramArb), maxval: mostly(fc.double({ min: 0.01, max: 2, noNaN: true }), paramArb),
  gain: mostly(numberArb, weirdArb),
  mode: mostly(fc.constantFrom<unknown>('fanIn', 'fanOut', 'fanAvg'), fc.constantFrom<unknown>('fan_in', 7)),
  distribution: mostly(fc.constantFrom<unknown>('normal', 'uniform', 'truncatedNormal'), fc.constantFrom<unknown>('gauss', null)),
  seed: seedArb,
}, { requiredKeys: [] });
const INIT_KEYS: Record<string, string[]> = {
  constant: ['value'], randomNormal: ['mean', 'stddev', 'seed'], truncatedNormal: ['mean', 'stddev', 'seed'],
  randomUniform: ['minval', 'maxval', 'seed'], varianceScaling: ['scale', 'mode', 'distribution', 'seed'],
  orthogonal: ['gain', 'seed'], identity: ['gain'], zeros: [], ones: [],
};

const initializerSpecArb = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom<unknown>(...INITIALIZERS, ...INITIALIZER_ALIASES, undefined) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('identity', 'constant', ...BAD_NAMES) },
  // (zeros() and ones() take no configuration at all, so there is no key to reject.)
  { weight: 6, arbitrary: fc.record({ factory: fc.constantFrom(...INITIALIZERS, 'constant', 'identity'), config: initConfigArb, bogus: unknownKeyArb }).map((s) => (s.factory === 'zeros' || s.factory === 'ones' ? { ...s, bogus: false } : s)) },
  // Custom initializers: README says they are welcome; what they return is checked.
  { weight: 1, arbitrary: fc.record({ custom: fc.constantFrom('good', 'short', 'nan', 'inf', 'numbers', 'f64'), withConfig: fc.boolean() }) },
  { weight: 1, arbitrary: weirdArb },
);

const regularizerSpecArb = fc.oneof(
  { weight: 20, arbitrary: fc.constant<unknown>(undefined) },
  { weight: 6, arbitrary: fc.constantFrom<unknown>(...REGULARIZERS) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(...BAD_NAMES) },
  {
    weight: 4,
    arbitrary: fc.record({
      factory: fc.constantFrom('l1', 'l2', 'l1l2'), l1: mostly(fc.double({ min: 0, max: 0.1, noNaN: true }), weirdArb),
      l2: mostly(fc.double({ min: 0, max: 0.1, noNaN: true }), weirdArb), bogus: unknownKeyArb,
    }).map(({ factory, l1, l2, bogus }) => ({ factory, bogus, ...(factory !== 'l2' && { l1 }), ...(factory !== 'l1' && { l2 }) })),
  },
  { weight: 1, arbitrary: weirdArb },
);

const unitsArb = fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 1, max: 20 }) }, { weight: 1, arbitrary: weirdArb }, { weight: 1, arbitrary: fc.constantFrom(1e9, 2 ** 31, 2 ** 40) });
const inputShapeArb = mostly(fc.integer({ min: 1, max: 8 }).map((n) => [n]), fc.constantFrom<unknown>(undefined, [0], [2, 3], [1.5], [-1], 'x', [2 ** 31], 4), 10);
const layerNameArb = mostly(fc.constant<unknown>(undefined), fc.constantFrom<unknown>('a', 'dense_1', 'dense_2', '', 5, null), 10);

const denseSpecArb = fc.record({
  kind: fc.constant('dense' as const),
  units: unitsArb,
  activation: activationSpecArb,
  useBias: mostly(fc.constantFrom<unknown>(undefined, true, false), fc.constantFrom<unknown>('yes', 1, null)),
  kernelInitializer: initializerSpecArb,
  biasInitializer: initializerSpecArb,
  kernelRegularizer: regularizerSpecArb,
  biasRegularizer: regularizerSpecArb,
  inputShape: mostly(fc.constant<unknown>(undefined), inputShapeArb, 8),
  name: layerNameArb,
  bogus: unknownKeyArb,
});
const dropoutSpecArb = fc.record({
  kind: fc.constant('dropout' as const),
  rate: mostly(fc.double({ min: 0, max: 0.9, noNaN: true }), weirdArb, 6),
  seed: mostly(fc.constant<unknown>(undefined), seedArb, 3),
  name: layerNameArb,
  bogus: unknownKeyArb,
});
type LayerSpec = Record<string, unknown>;

const modelSpecArb = fc.record({
  inputShape: inputShapeArb,
  seed: seedArb,
  layers: fc.array(fc.oneof({ weight: 4, arbitrary: denseSpecArb }, { weight: 1, arbitrary: dropoutSpecArb }), { minLength: 0, maxLength: 3 }),
  viaConfig: fc.boolean(),
  bogus: unknownKeyArb,
});

/** Learning-rate schedules; `sane` ones never exceed 0.01. */
const scheduleSpecArb = (sane: boolean) => fc.record({
  schedule: fc.constantFrom('exponentialDecay', 'stepDecay', 'piecewiseConstantDecay', 'cosineDecay', 'constant'),
  lr: mostly(fc.constantFrom(0.001, 0.01), sane ? fc.constantFrom<unknown>(0, -1, NaN, '0.1') : weirdArb, 8),
  steps: mostly(fc.constantFrom(1, 10, 100), sane ? fc.constantFrom<unknown>(0, -1, 1.5, NaN) : weirdArb, 8),
  rate: mostly(fc.constantFrom(0.5, 0.9), sane ? fc.constantFrom<unknown>(0, -1, NaN) : weirdArb, 8),
  bogus: unknownKeyArb,
}).map((s) => (s.schedule === 'constant' ? { ...s, bogus: false } : s)); // constant(lr) takes no configuration object

/** Learning rates: `sane` keeps valid ones small (no divergence); otherwise anything. */
const lrArb = (sane: boolean) => fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom<unknown>(undefined, 0.001, 0.005, 0.01, 0.02) },
  { weight: 1, arbitrary: sane ? fc.constantFrom<unknown>(0, -1, NaN, Infinity, '0.01', null, [], [0.01]) : weirdArb },
  { weight: 2, arbitrary: scheduleSpecArb(sane) },
);
/** Other optimizer hyperparameters; sane ones are all in [0, 0.9]. */
const hyperArb = (sane: boolean) => mostly(fc.constantFrom<unknown>(0, 0.5, 0.9), sane ? fc.constantFrom<unknown>(-0.5, 1, NaN, 'x') : weirdArb, 8);

const optimizerSpecArb = (sane: boolean) => fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<unknown>(...OPTIMIZERS) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(...BAD_NAMES) },
  {
    weight: 12,
    arbitrary: fc.record({
      optimizer: fc.constantFrom(...OPTIMIZERS),
      form: fc.constantFrom('factory', 'factory', 'object'),
      config: fc.record({
        learningRate: lrArb(sane), momentum: hyperArb(sane), beta1: hyperArb(sane), beta2: hyperArb(sane), rho: hyperArb(sane),
        epsilon: mostly(fc.constantFrom<unknown>(1e-7, 1e-3), fc.constantFrom<unknown>(0, -1, NaN)), decay: hyperArb(sane), weightDecay: hyperArb(sane),
        initialAccumulatorValue: hyperArb(sane), nesterov: mostly(fc.boolean(), fc.constant(1)), amsgrad: mostly(fc.boolean(), fc.constant('no')),
        centered: fc.boolean(), clipNorm: mostly(fc.constantFrom<unknown>(1, 0.1), fc.constantFrom<unknown>(0, -1)), clipValue: mostly(fc.constantFrom<unknown>(1, 0.5), fc.constantFrom<unknown>(0, NaN)),
      }, { requiredKeys: [] }),
      bogus: unknownKeyArb,
    }),
  },
  { weight: 1, arbitrary: weirdArb },
);
const OPTIMIZER_KEYS: Record<string, string[]> = {
  sgd: ['learningRate', 'momentum', 'nesterov'], adam: ['learningRate', 'beta1', 'beta2', 'epsilon', 'amsgrad'],
  rmsprop: ['learningRate', 'rho', 'decay', 'momentum', 'epsilon', 'centered'], adagrad: ['learningRate', 'initialAccumulatorValue', 'epsilon'],
  adadelta: ['learningRate', 'rho', 'epsilon'], adamax: ['learningRate', 'beta1', 'beta2', 'epsilon', 'decay'],
  adamw: ['learningRate', 'weightDecay', 'beta1', 'beta2', 'epsilon', 'amsgrad'],
};

const lossSpecArb = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom<unknown>(...LOSSES, ...LOSS_ALIASES) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(...BAD_NAMES) },
  {
    weight: 4,
    arbitrary: fc.record({
      lossFactory: fc.constantFrom('binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'huber'),
      fromLogits: mostly(fc.constantFrom<unknown>(undefined, true, false), fc.constant(1)), labelSmoothing: mostly(fc.constantFrom<unknown>(undefined, 0, 0.1), fc.constantFrom<unknown>(1, -0.1, NaN)),
      delta: mostly(fc.constantFrom<unknown>(undefined, 1, 0.5), fc.constantFrom<unknown>(0, -1, Infinity)), bogus: unknownKeyArb,
    }),
  },
  { weight: 1, arbitrary: fc.record({ lossObject: mostly(fc.constantFrom(...LOSSES), fc.constantFrom(...BAD_NAMES), 3), param: paramArb, fromLogits: mostly(fc.boolean(), fc.constant('x')) }) },
  { weight: 1, arbitrary: weirdArb },
);
const metricsSpecArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant<unknown>(undefined) },
  { weight: 3, arbitrary: fc.constantFrom<unknown>(...METRICS) },
  { weight: 4, arbitrary: fc.array(mostly(fc.constantFrom<unknown>(...METRICS), fc.constantFrom<unknown>(...BAD_NAMES), 10), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(...BAD_NAMES) },
  { weight: 1, arbitrary: weirdArb },
);
const compileSpecArb = (sane: boolean) => fc.record({ optimizer: optimizerSpecArb(sane), loss: lossSpecArb, metrics: metricsSpecArb, bogus: unknownKeyArb });
type CompileSpec = Record<string, unknown>;

// Spec → neurite objects. Any of these may throw; the properties catch and check what they throw.

function makeActivation(s: unknown): unknown {
  if (isRecord(s) && 'factory' in s) return activations[s.factory as 'elu']({ alpha: s.alpha, ...(s.bogus ? { bogusOption: 1 } : {}) } as never);
  if (isRecord(s) && 'object' in s) return { name: s.object, id: 99, alpha: s.alpha };
  return s;
}

function makeInitializer(s: unknown): unknown {
  if (isRecord(s) && 'factory' in s) {
    const name = s.factory as string;
    const given = s.config as Record<string, unknown>;
    const config: Record<string, unknown> = {};
    for (const key of INIT_KEYS[name] ?? ['seed']) if (key in given) config[key] = given[key];
    if (s.bogus) config.bogusOption = 1;
    return (initializers as Record<string, (c: unknown) => unknown>)[name](config);
  }
  if (isRecord(s) && 'custom' in s) {
    const kind = s.custom;
    return {
      name: 'custom',
      ...(s.withConfig ? { config: {} } : {}),
      apply(shape: number[]) {
        const n = shape.reduce((a, b) => a * b, 1);
        if (kind === 'short') return new Float32Array(Math.max(0, n - 1));
        if (kind === 'nan') return new Float32Array(n).fill(NaN);
        if (kind === 'inf') return new Float32Array(n).fill(Infinity);
        if (kind === 'numbers') return Array.from({ length: n }, () => 0.1);
        if (kind === 'f64') return new Float64Array(n).fill(0.1);
        return new Float32Array(n).fill(0.1);
      },
    };
  }
  return s;
}

function makeRegularizer(s: unknown): unknown {
  if (isRecord(s) && 'factory' in s) return (regularizers as Record<string, (c: unknown) => unknown>)[s.factory as string](cfg({ l1: s.l1, l2: s.l2, bogus: s.bogus }));
  return s;
}

function makeLayer(s: Record<string, unknown>): unknown {
  if (s.kind === 'dropout') return layers.dropout(cfg({ rate: s.rate, seed: s.seed, name: s.name, bogus: s.bogus }) as never);
  return layers.dense(cfg({
    units: s.units, activation: makeActivation(s.activation), useBias: s.useBias,
    kernelInitializer: makeInitializer(s.kernelInitializer), biasInitializer: makeInitializer(s.biasInitializer),
    kernelRegularizer: makeRegularizer(s.kernelRegularizer), biasRegularizer: makeRegularizer(s.biasRegularizer),
    inputShape: s.inputShape, name: s.name, bogus: s.bogus,
  }) as never);
}

function makeSchedule(s: Record<string, unknown>): unknown {
  const extra = s.bogus ? { bogusOption: 1 } : {};
  switch (s.schedule) {
    case 'exponentialDecay': return schedules.exponentialDecay({ initialLearningRate: s.lr, decaySteps: s.steps, decayRate: s.rate, ...extra } as never);
    case 'stepDecay': return schedules.stepDecay({ initialLearningRate: s.lr, stepSize: s.steps, factor: s.rate, ...extra } as never);
    case 'piecewiseConstantDecay': {
      const later = typeof s.rate === 'number' && typeof s.lr === 'number' ? s.rate * s.lr : s.rate;
      return schedules.piecewiseConstantDecay({ boundaries: [s.steps], values: [s.lr, later], ...extra } as never);
    }
    case 'cosineDecay': return schedules.cosineDecay({ initialLearningRate: s.lr, decaySteps: s.steps, alpha: s.rate, ...extra } as never);
    default: return schedules.constant(s.lr as number);
  }
}

function makeOptimizer(s: unknown): unknown {
  if (!isRecord(s) || !('optimizer' in s)) return s;
  const name = s.optimizer as (typeof OPTIMIZERS)[number];
  const given = s.config as Record<string, unknown>;
  const config: Record<string, unknown> = {};
  for (const key of [...OPTIMIZER_KEYS[name], 'clipNorm', 'clipValue']) {
    if (key in given) config[key] = key === 'learningRate' && isRecord(given[key]) ? makeSchedule(given[key] as Record<string, unknown>) : given[key];
  }
  if (s.bogus) config.bogusOption = 1;
  if (s.form === 'object') return { name, config, learningRate: config.learningRate };
  return optimizers[name](config as never);
}

function makeLoss(s: unknown): unknown {
  if (isRecord(s) && 'lossFactory' in s) {
    const extra = s.bogus ? { bogusOption: 1 } : {};
    if (s.lossFactory === 'huber') return losses.huber(cfg({ delta: s.delta, ...extra }));
    if (s.lossFactory === 'sparseCategoricalCrossentropy') return losses.sparseCategoricalCrossentropy(cfg({ fromLogits: s.fromLogits, ...extra }));
    return losses[s.lossFactory as 'binaryCrossentropy'](cfg({ fromLogits: s.fromLogits, labelSmoothing: s.labelSmoothing, ...extra }));
  }
  if (isRecord(s) && 'lossObject' in s) return { name: s.lossObject, id: 99, param: s.param, fromLogits: s.fromLogits, sparse: false };
  return s;
}

function makeCompileConfig(s: CompileSpec): Record<string, unknown> {
  return cfg({ optimizer: makeOptimizer(s.optimizer), loss: makeLoss(s.loss), metrics: s.metrics, bogus: s.bogus });
}

function buildModel(spec: Record<string, unknown>): Sequential {
  const layerList = (spec.layers as LayerSpec[]).map((l) => makeLayer(l as Record<string, unknown>));
  const config = cfg({ inputShape: spec.inputShape, seed: spec.seed, bogus: spec.bogus, ...(spec.viaConfig ? { layers: layerList } : {}) });
  const model = sequential(config as never);
  if (!spec.viaConfig) {
    try {
      for (const layer of layerList) model.add(layer as never);
    } catch (e) {
      model.dispose();
      throw e;
    }
  }
  return model;
}

// Where a spec holds a catalog name (a layer's `name`, say, may be any string).
const NAME_KEYS = ['activation', 'object', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'loss', 'lossObject', 'optimizer', 'metrics'];

/** Whether a spec names something that does not exist or carries an unknown key: then it must be rejected. */
function mustReject(value: unknown, key = ''): boolean {
  if (typeof value === 'string') return BAD_NAMES.includes(value) && NAME_KEYS.includes(key);
  if (Array.isArray(value)) return value.some((v) => mustReject(v, key));
  if (isRecord(value)) {
    if ('custom' in value) return false;
    return Object.entries(value).some(([k, v]) => (k === 'bogus' ? v === true : mustReject(v, k)));
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Data: valid rows from a seed, then one corruption, in one of the accepted formats.

const BAD_VALUES: unknown[] = [NaN, Infinity, -Infinity, 1e39, -1e39, 3.5e38, '1', null, undefined, true, 1n, {}, [1]];

const corruptionArb = fc.oneof(
  { weight: 14, arbitrary: fc.constant({ t: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('width' as const), d: fc.constantFrom(-1, 1, 2) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('ragged' as const), r: fc.nat(7), d: fc.constantFrom(-1, 1) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('value' as const), r: fc.nat(7), c: fc.nat(7), v: fc.constantFrom(...BAD_VALUES) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'empty' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('notData' as const), v: fc.constantFrom<unknown>(null, undefined, 'abc', 5, {}, true, 'float64', 'flat') }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('rows' as const), d: fc.constantFrom(-1, 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('rowNotArray' as const), r: fc.nat(7), v: fc.constantFrom<unknown>(5, null, 'ab', { length: 1 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('label' as const), r: fc.nat(7), v: fc.constantFrom<unknown>(-1, 1.5, 'classes', 1e9, -0, 0.5) }) },
);
type Corruption = typeof corruptionArb extends fc.Arbitrary<infer T> ? T : never;

const dataSpecArb = fc.record({
  // Now and then many rows, so Wasm memory grows in the middle of a sequence.
  rows: mostly(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 100, max: 3000 }), 30),
  format: fc.constantFrom('array', 'array', 'f32', 'f32', 'f32rows', 'flat1d'),
  x: corruptionArb,
  y: corruptionArb,
  seed: fc.nat(),
});
type DataSpec = typeof dataSpecArb extends fc.Arbitrary<infer T> ? T : never;

/** What the model takes right now. */
interface Info {
  inputs: number;
  units: number;
  compiled: boolean;
  sparse: boolean;
  /** Label kind for valid labels: class indices, probabilities, or any real. */
  labels: 'sparse' | 'prob' | 'real';
  /** The loss takes labels in [0, 1] only (cross-entropies, KL divergence). */
  bounded: boolean;
  labelCols: number;
}

function infoOf(model: Sequential): Info {
  const loss = model.loss;
  const units = model.outputShape[0];
  const sparse = loss?.sparse ?? false;
  const labels = sparse ? 'sparse' : loss && ['binaryCrossentropy', 'categoricalCrossentropy', 'kullbackLeiblerDivergence', 'hinge'].includes(loss.name) ? 'prob' : 'real';
  const bounded = loss !== undefined && ['binaryCrossentropy', 'categoricalCrossentropy', 'kullbackLeiblerDivergence'].includes(loss.name);
  return { inputs: model.inputShape[0], units, compiled: loss !== undefined, sparse, labels, bounded, labelCols: sparse ? 1 : units };
}

function goodMatrix(rows: number, cols: number, kind: 'x' | Info['labels'], classes: number, rand: () => number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => {
    if (kind === 'sparse') return Math.floor(rand() * classes);
    if (kind === 'prob') return rand() < 0.3 ? Math.round(rand()) : Math.fround(rand());
    return Math.fround(rand() * 4 - 2);
  }));
}

function materialize(spec: { rows: number; format: string; seed: number }, c: Corruption, cols: number, kind: 'x' | Info['labels'], classes: number): unknown {
  const rand = prng(spec.seed ^ (kind === 'x' ? 0 : 0x9e3779b9));
  let m: unknown[][] = goodMatrix(spec.rows, cols, kind, classes, rand);
  const fill = () => (kind === 'x' ? Math.fround(rand() * 4 - 2) : 0);
  switch (c.t) {
    case 'width': m = m.map((r) => (c.d < 0 ? r.slice(0, cols + c.d) : [...r, ...Array.from({ length: c.d }, fill)])); break;
    case 'ragged': {
      const r = c.r % m.length;
      m[r] = c.d < 0 ? m[r].slice(0, cols + c.d) : [...m[r], fill()];
      break;
    }
    case 'value': m[c.r % m.length][c.c % cols] = c.v; break;
    case 'empty': return spec.format === 'f32' ? new Float32Array(0) : [];
    case 'notData':
      if (c.v === 'float64') return new Float64Array(spec.rows * cols);
      if (c.v === 'flat') return m.flat();
      return c.v;
    case 'rows': m = c.d < 0 ? m.slice(0, -1) : [...m, goodMatrix(1, cols, kind, classes, rand)[0]]; break;
    case 'rowNotArray': m[c.r % m.length] = c.v as unknown[]; break;
    case 'label': {
      // 1e9 is out of range for class indices; as an input or a regression target it would make
      // training overflow (the divergence and extreme-magnitude properties cover that), so other
      // kinds get a moderate value instead.
      const v = c.v === 'classes' ? classes : kind !== 'sparse' && c.v === 1e9 ? 2 : c.v;
      m[c.r % m.length][0] = v;
      break;
    }
  }
  const numeric = m.every((r) => Array.isArray(r) && r.every((v) => typeof v === 'number'));
  if (!numeric) return m;
  const rowsOf = m as number[][];
  if (spec.format === 'f32') return Float32Array.from(rowsOf.flat());
  if (spec.format === 'f32rows') return rowsOf.map((r) => Float32Array.from(r));
  if (spec.format === 'flat1d' && cols === 1 && rowsOf.every((r) => r.length === 1)) return rowsOf.map((r) => r[0]);
  return m;
}

type Verdict = { ok: true; rows: number } | { ok: false } | { ok: 'either' };

const finite32 = (v: unknown) => typeof v === 'number' && Math.abs(v) <= FLOAT32_MAX;

/** The documented contract for data: number[][] rows of width `cols` (number[] for one column) or a flat numeric typed array (converted to float32); finite float32; at least one row. */
function judge(value: unknown, cols: number, classes?: number, bounded = false): Verdict {
  let flat: ArrayLike<number>;
  let typedRows = false;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array)) {
    const typed = value as unknown as ArrayLike<number>;
    if (typed.length === 0 || typed.length % cols !== 0 || !Array.from(typed).every(finite32)) return { ok: false };
    flat = typed;
  } else if (Array.isArray(value)) {
    if (value.length === 0) return { ok: false };
    if (cols === 1 && value.every((v) => typeof v === 'number' || typeof v === 'bigint' || !isRecord(v) && !Array.isArray(v) && !ArrayBuffer.isView(v))) {
      if (!value.every(finite32)) return { ok: false };
      flat = value as number[];
    } else {
      const cells: unknown[] = [];
      for (const row of value) {
        if (!Array.isArray(row) && !ArrayBuffer.isView(row)) return { ok: false };
        if (ArrayBuffer.isView(row)) typedRows = true;
        const r = row as ArrayLike<unknown>;
        if (r.length !== cols) return { ok: false };
        for (let i = 0; i < r.length; i++) cells.push(r[i]);
      }
      if (!cells.every(finite32)) return { ok: false };
      flat = cells as number[];
    }
  } else {
    return { ok: false };
  }
  if (classes !== undefined) {
    for (let i = 0; i < flat.length; i++) if (!Number.isInteger(flat[i]) || flat[i] < 0 || flat[i] >= classes) return { ok: false };
  }
  if (bounded) {
    for (let i = 0; i < flat.length; i++) if (!(flat[i] >= 0 && flat[i] <= 1)) return { ok: false };
  }
  // Rows given as typed arrays are undocumented (the README says number[][] or a flat Float32Array);
  // for one column neurite reads them as a number[] and rejects them.
  if (typedRows && cols === 1) return { ok: 'either' };
  return { ok: true, rows: flat.length / cols };
}

function judgePair(x: Verdict, y: Verdict): Verdict {
  if (x.ok === false || y.ok === false) return { ok: false };
  if (x.ok === 'either' || y.ok === 'either') return { ok: 'either' };
  return x.rows === y.rows ? { ok: true, rows: x.rows } : { ok: false };
}

function makeData(spec: DataSpec, info: Info): { x: unknown; y: unknown; verdict: Verdict; xVerdict: Verdict; yVerdict: Verdict } {
  const x = materialize(spec, spec.x, info.inputs, 'x', info.units);
  const y = materialize(spec, spec.y, info.labelCols, info.labels, info.units);
  const xVerdict = judge(x, info.inputs);
  const yVerdict = judge(y, info.labelCols, info.sparse ? info.units : undefined, info.bounded);
  return { x, y, xVerdict, yVerdict, verdict: judgePair(xVerdict, yVerdict) };
}

/**
 * The error the contract names for a call whose only fault is one corrupted argument: its type,
 * and the argument its message must name (where the corruption is confined to that argument).
 */
function dataError(spec: DataSpec, info: Info, twoArgs: boolean): { type: typeof ShapeError | typeof ValueError; arg?: 'x' | 'y' } | undefined {
  const yc: Corruption = twoArgs ? spec.y : { t: 'none' };
  if ((spec.x.t === 'none') === (yc.t === 'none')) return undefined;
  // The other argument must be plainly valid (not an undocumented form).
  const data = makeData(spec, info);
  if ((spec.x.t === 'none' ? data.xVerdict : data.yVerdict).ok !== true) return undefined;
  const [c, arg, cols] = spec.x.t !== 'none' ? [spec.x, 'x' as const, info.inputs] : [yc, 'y' as const, info.labelCols];
  if (spec.format === 'f32rows' && cols === 1) return undefined;
  // Whatever the corruption, no rows at all is "empty data".
  const value = arg === 'x' ? data.x : data.y;
  if ((Array.isArray(value) || value instanceof Float32Array) && value.length === 0) return { type: ValueError, arg };
  switch (c.t) {
    case 'value':
      return { type: ValueError, arg };
    case 'ragged':
      return { type: ShapeError };
    case 'width':
      return { type: ShapeError, arg: spec.format === 'array' ? arg : undefined };
    case 'rows':
      return { type: ShapeError };
    case 'label':
      return arg === 'y' && (info.sparse || (info.bounded && c.v !== 0.5 && c.v !== -0)) ? { type: ValueError, arg } : undefined;
    case 'notData':
      if (c.v === 'flat') return cols > 1 ? { type: ShapeError, arg } : undefined;
      if (c.v === 'float64') return undefined; // zeros of the right length, converted to float32 once
      return { type: ValueError, arg };
    default:
      return undefined;
  }
}

/** Valid data for the model as it is. */
function validData(info: Info, rows: number, seed: number): { x: number[][]; y: number[][] } {
  const rand = prng(seed);
  return { x: goodMatrix(rows, info.inputs, 'x', info.units, rand), y: goodMatrix(rows, info.labelCols, info.labels, info.units, rand) };
}

// Options ------------------------------------------------------------------------------------

const fitOptsArb = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      epochs: fc.constantFrom<unknown>(0, 1, 1, 2), batchSize: fc.constantFrom<unknown>(1, 2, 3, 32, 2 ** 31 - 1),
      shuffle: fc.boolean(), validationSplit: fc.constantFrom<unknown>(0, 0.25, 0.5), validationData: fc.constantFrom('good'),
      callbacks: fc.constantFrom('good', 'list'),
    }, { requiredKeys: [] }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      epochs: fc.constantFrom<unknown>(0, 1, 2, -1, 1.5, NaN, '1', 2 ** 31, Infinity),
      batchSize: fc.constantFrom<unknown>(1, 2, 32, 2 ** 31 - 1, 0, -1, 1.5, NaN, 2 ** 31, '4'),
      shuffle: fc.constantFrom<unknown>(true, false, 'yes', 1),
      validationSplit: fc.constantFrom<unknown>(0, 0.25, 0.5, 0.99, 1, -0.1, NaN, '0.5'),
      initialEpoch: fc.constantFrom<unknown>(0, 1, -1, 0.5),
      verbose: fc.constantFrom<unknown>(0, 3, true),
      validationData: fc.constantFrom('good', 'bad', 'short', 'notArray', 'badRows', 'wideX'),
      callbacks: fc.constantFrom('good', 'list', 'notFn', 'unknownKey', 'number'),
      bogus: fc.constant(true),
    }, { requiredKeys: [] }),
  },
  {
    // earlyStopping / reduceLROnPlateau with random configurations.
    weight: 2,
    arbitrary: fc.record({
      epochs: fc.constantFrom<unknown>(1, 2, 3), batchSize: fc.constantFrom<unknown>(1, 2, 32), validationSplit: fc.constantFrom<unknown>(0, 0.5),
      monitor: fc.record({
        kind: fc.constantFrom('earlyStopping', 'reduceLROnPlateau'),
        monitor: mostly(fc.constantFrom<unknown>(undefined, 'loss', 'val_loss', 'acc', 'mse'), fc.constantFrom<unknown>('bogus', 5), 6),
        patience: mostly(fc.constantFrom<unknown>(undefined, 0, 1), fc.constantFrom<unknown>(-1, 1.5)),
        mode: mostly(fc.constantFrom<unknown>(undefined, 'auto', 'min', 'max'), fc.constant('up')),
        minDelta: mostly(fc.constantFrom<unknown>(undefined, 0, 0.01), fc.constant(-1)),
        restoreBestWeights: fc.boolean(), baseline: fc.constantFrom<unknown>(undefined, 0, 10),
        factor: mostly(fc.constantFrom<unknown>(undefined, 0.5), fc.constantFrom<unknown>(1, 0)),
        bogus: unknownKeyArb,
      }),
    }, { requiredKeys: ['monitor'] }),
  },
);
type FitOpts = typeof fitOptsArb extends fc.Arbitrary<infer T> ? T : never;

const batchOptsArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant<unknown>(undefined) },
  { weight: 3, arbitrary: fc.record({ batchSize: fc.constantFrom<unknown>(1, 2, 5, 2 ** 31 - 1) }) },
  { weight: 2, arbitrary: fc.record({ batchSize: fc.constantFrom<unknown>(0, -1, 1.5, NaN, 2 ** 31, Infinity, '2') }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({ bogus: 1 }, 'x', 3, null) },
);

const isIntIn = (v: unknown, lo: number, hi: number) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
const MAX = 2 ** 31 - 1;

function batchOptsValid(o: unknown): boolean {
  if (o === undefined) return true;
  if (!isRecord(o)) return false;
  return Object.keys(o).every((k) => k === 'batchSize') && (o.batchSize === undefined || isIntIn(o.batchSize, 1, MAX));
}

/** Builds an earlyStopping or reduceLROnPlateau callback from its spec (the factory may throw). */
function makeMonitor(m: Record<string, unknown>): unknown {
  if (m.kind === 'earlyStopping') {
    return callbacks.earlyStopping(cfg({ monitor: m.monitor, patience: m.patience, mode: m.mode, minDelta: m.minDelta, restoreBestWeights: m.restoreBestWeights, baseline: m.baseline, bogus: m.bogus }) as never);
  }
  return callbacks.reduceLROnPlateau(cfg({ monitor: m.monitor, patience: m.patience, mode: m.mode, minDelta: m.minDelta, factor: m.factor, bogus: m.bogus }) as never);
}

/**
 * fit() options from their spec: `build` makes them (callback factories may throw, inside the
 * call); `valid` says whether the contract accepts them (undefined: depends on the run, as for a
 * monitor missing from the logs).
 */
function makeFitOpts(o: FitOpts, info: Info, seed: number): { build: () => Record<string, unknown>; opts: Record<string, unknown>; valid: boolean | undefined; epochsRun: number } {
  const opts: Record<string, unknown> = {};
  let valid: boolean | undefined = true;
  let monitor: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(o)) {
    if (k === 'monitor') {
      monitor = v as Record<string, unknown>;
    } else if (k === 'bogus') {
      opts.bogusOption = 1;
      valid = false;
    } else if (k === 'validationData') {
      const good = validData(info, 2, seed + 1);
      opts.validationData = {
        good: [good.x, good.y], bad: [[[NaN, ...good.x[0].slice(1)], good.x[1]], good.y], short: [good.x], notArray: 'xy',
        badRows: [good.x, [...good.y, good.y[0]]], wideX: [good.x.map((r) => [...r, 0]), good.y],
      }[v as string];
      if (v !== 'good') valid = false;
    } else if (k === 'callbacks') {
      opts.callbacks = {
        good: { onEpochEnd: () => {} }, list: [{ onBatchEnd: () => {} }, { onTrainBegin: async () => {}, setModel: () => {} }],
        notFn: { onEpochEnd: 5 }, unknownKey: { onEpochEnd: () => {}, onEpochFinish: () => {} }, number: 5,
      }[v as string];
      if (v !== 'good' && v !== 'list') valid = false;
    } else {
      opts[k] = v;
    }
  }
  if (!isIntIn(opts.epochs ?? 1, 0, MAX) || !isIntIn(opts.batchSize ?? 32, 1, MAX) || !isIntIn(opts.initialEpoch ?? 0, 0, MAX)) valid = false;
  if (typeof (opts.shuffle ?? true) !== 'boolean' || ![0, 1, 2].includes(opts.verbose as number ?? 0)) valid = false;
  const split = opts.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1)) valid = false;
  if (monitor && valid) valid = undefined;
  const build = () => (monitor ? { ...opts, callbacks: makeMonitor(monitor) } : opts);
  return { build, opts, valid, epochsRun: Math.max(0, (opts.epochs as number ?? 1) - (opts.initialEpoch as number ?? 0)) };
}

/** Whether validationSplit leaves rows for both training and validation (when no validationData). */
function splitValid(opts: Record<string, unknown>, rows: number): boolean {
  const split = (opts.validationSplit ?? 0) as number;
  if (opts.validationData !== undefined || split === 0) return true;
  const train = Math.floor(rows * (1 - split));
  return train > 0 && train < rows;
}

// setWeights --------------------------------------------------------------------------------

const weightsSpecArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constantFrom('good', 'arrays'), seed: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constantFrom('countPlus', 'countMinus', 'lengthPlus', 'lengthMinus', 'value', 'notArray', 'tensorNotArray', 'float64'),
      i: fc.nat(7), j: fc.nat(40), v: fc.constantFrom(...BAD_VALUES), seed: fc.nat(),
    }),
  },
);
type WeightsSpec = typeof weightsSpecArb extends fc.Arbitrary<infer T> ? T : never;

function makeWeights(spec: WeightsSpec, current: Float32Array[]): { w: unknown; verdict: boolean | 'either' } {
  const rand = prng(spec.seed);
  const fresh = current.map((t) => Float32Array.from(t, () => Math.fround(rand() * 2 - 1)));
  const i = 'i' in spec ? spec.i % fresh.length : 0;
  switch (spec.t) {
    case 'good': return { w: fresh, verdict: true };
    case 'arrays': return { w: fresh.map((t) => Array.from(t)), verdict: true };
    case 'countPlus': return { w: [...fresh, new Float32Array(1)], verdict: false };
    case 'countMinus': return { w: fresh.slice(0, -1), verdict: false };
    case 'lengthPlus': return { w: fresh.map((t, k) => (k === i ? Float32Array.from([...t, 0]) : t)), verdict: false };
    case 'lengthMinus': return { w: fresh.map((t, k) => (k === i ? t.slice(1) : t)), verdict: false };
    case 'value': {
      const w: unknown[] = fresh.map((t) => Array.from(t));
      const t = w[i] as unknown[];
      t[(spec as { j: number }).j % t.length] = (spec as { v: unknown }).v;
      return { w, verdict: false };
    }
    case 'notArray': return { w: { 0: fresh[0], length: fresh.length }, verdict: false };
    case 'tensorNotArray': return { w: fresh.map((t, k) => (k === i ? 'abc' : t)), verdict: false };
    // The type says ArrayLike<number>[]; the code takes Float32Array or number[] only.
    default: return { w: fresh.map((t, k) => (k === i ? Float64Array.from(t) : t)), verdict: 'either' };
  }
}

// ---------------------------------------------------------------------------------------------
// Property 1: random configurations

describe('fuzz: configurations', () => {
  it('building, compiling, training and saving random configs works or throws a NeuriteError; unknown names and keys are rejected', async () => {
    await fc.assert(fc.asyncProperty(modelSpecArb, compileSpecArb(false), fc.nat(), async (modelSpec, compileSpec, seed) => {
      const built = await attempt(() => buildModel(modelSpec));
      if (!built.ok) {
        expectNeuriteError(built.error, 'building the model');
        return;
      }
      const model = built.value as Sequential;
      const extra: Sequential[] = [];
      try {
        const compiled = await attempt(() => model.compile(makeCompileConfig(compileSpec) as never));
        if (!compiled.ok) {
          expectNeuriteError(compiled.error, 'compile()');
          expect(model.loss).toBeUndefined();
        } else if (mustReject(modelSpec) || mustReject(compileSpec)) {
          throw new Error('an unknown name or option was accepted by sequential()/layers/compile()');
        }
        if (!compiled.ok) return;
        // A compiled model has a learning rate in force.
        if (!(model.learningRate > 0 && Number.isFinite(model.learningRate))) throw new Error(`compile() succeeded with learningRate ${model.learningRate}`);

        // What neurite saves, it loads, with the same weights (before any training, which the
        // divergence properties cover).
        const saved = await attempt(() => model.save());
        if (!saved.ok) expectNeuriteError(saved.error, 'save()');
        else {
          const loaded = await attempt(() => loadModel(saved.value as never));
          if (!loaded.ok) throw new Error(`loadModel() rejected what save() wrote: ${show(loaded.error)}`);
          extra.push(loaded.value as Sequential);
          expectSameBits(bits(model), bits(loaded.value as Sequential), 'loadModel(save()) weights');
        }

        const info = infoOf(model);
        if (info.inputs > 64 || info.units > 64) return;
        const { x, y } = validData(info, 4, seed);
        // With any valid config, these must not trap; numbers may be extreme (weights of any
        // finite initializer, learning rates up to 2^53), so only the kind of error is checked.
        for (const [what, call] of [
          ['predict()', () => model.predict(x)],
          ['trainOnBatch()', () => model.trainOnBatch(x, y)],
          ['fit()', () => model.fit(x, y, { epochs: 1, batchSize: 2 })],
          ['evaluate()', () => model.evaluate(x, y)],
        ] as const) {
          const r = await attempt(call);
          if (!r.ok) expectNeuriteError(r.error, what);
        }
      } finally {
        model.dispose();
        extra.forEach((m) => m.dispose());
      }
    }), params(3000, 0x5eed01));
  });
});

// ---------------------------------------------------------------------------------------------
// Property 2: random call sequences with random data on random (sane) models

const saneDenseArb = fc.record({
  kind: fc.constant('dense' as const),
  units: fc.integer({ min: 1, max: 6 }),
  activation: fc.oneof({ weight: 4, arbitrary: fc.constantFrom<unknown>(...ACTIVATIONS) }, { weight: 1, arbitrary: fc.record({ factory: fc.constantFrom('leakyRelu', 'elu'), alpha: fc.constantFrom(0.1, 0.5, 1, 2), bogus: fc.constant(false) }) }),
  useBias: fc.boolean(),
  kernelInitializer: fc.constantFrom<unknown>(...INITIALIZERS.filter((n) => n !== 'ones')),
  biasInitializer: fc.constantFrom<unknown>('zeros', 'ones', 'randomNormal', undefined),
  kernelRegularizer: fc.constantFrom<unknown>(undefined, undefined, 'l1', 'l2', 'l1l2'),
  biasRegularizer: fc.constantFrom<unknown>(undefined, undefined, 'l2'),
  bogus: fc.constant(false),
});
const saneModelArb = fc.record({
  inputShape: fc.integer({ min: 1, max: 5 }).map((n) => [n]),
  seed: fc.nat(),
  layers: fc.array(fc.tuple(saneDenseArb, fc.option(fc.double({ min: 0, max: 0.5, noNaN: true }), { nil: undefined })), { minLength: 1, maxLength: 3 })
    .map((ls) => ls.flatMap(([dense, rate], i) => (rate === undefined || i === ls.length - 1 ? [dense] : [dense, { kind: 'dropout', rate, bogus: false }]))),
  viaConfig: fc.boolean(),
  bogus: fc.constant(false),
});

/** A valid compile for a sane model: any loss and optimizer, small learning rates, matching metrics. */
const saneCompileArb = fc.record({
  optimizer: fc.record({
    optimizer: fc.constantFrom(...OPTIMIZERS), form: fc.constant('factory'),
    config: fc.record({
      learningRate: fc.constantFrom<unknown>(0.001, 0.005, 0.01, { schedule: 'exponentialDecay', lr: 0.01, steps: 10, rate: 0.5, bogus: false }),
      momentum: fc.constantFrom(0, 0.9), nesterov: fc.boolean(), amsgrad: fc.boolean(), centered: fc.boolean(), clipNorm: fc.constantFrom(1, 0.1),
    }, { requiredKeys: ['learningRate'] }),
    bogus: fc.constant(false),
  }),
  loss: fc.constantFrom<unknown>(...LOSSES, 'mse', { lossFactory: 'categoricalCrossentropy', fromLogits: true, labelSmoothing: 0.1, bogus: false }, { lossFactory: 'huber', delta: 0.5, bogus: false }),
  metrics: fc.constantFrom<unknown>(undefined, ['accuracy'], ['mse', 'mae'], ['precision', 'recall']),
  bogus: fc.constant(false),
}).map((s) => (s.loss === 'sparseCategoricalCrossentropy' && Array.isArray(s.metrics) && s.metrics[0] !== 'accuracy' ? { ...s, metrics: ['sparseCategoricalAccuracy'] } : s));

/**
 * saneCompileArb with the categorical cross-entropies taken from logits: for the properties about
 * other things (loading, concurrency), away from the NaN the sequence property looks for.
 */
const stableCompileArb = saneCompileArb.map((s) => (s.loss === 'categoricalCrossentropy' || s.loss === 'sparseCategoricalCrossentropy'
  ? { ...s, loss: { lossFactory: s.loss, fromLogits: true, bogus: false } }
  : s));

const actionArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ a: fc.constant('fit' as const), data: dataSpecArb, opts: fitOptsArb }) },
  { weight: 3, arbitrary: fc.record({ a: fc.constant('evaluate' as const), data: dataSpecArb, opts: batchOptsArb }) },
  { weight: 3, arbitrary: fc.record({ a: fc.constant('predict' as const), data: dataSpecArb, opts: batchOptsArb }) },
  { weight: 4, arbitrary: fc.record({ a: fc.constant('trainOnBatch' as const), data: dataSpecArb }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('computeGradients' as const), data: dataSpecArb }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('computeLoss' as const), data: dataSpecArb }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('gradientCheck' as const), data: dataSpecArb, epsilon: fc.constantFrom<unknown>(undefined, 1e-4, 0, -1, NaN) }) },
  { weight: 3, arbitrary: fc.record({ a: fc.constant('setWeights' as const), w: weightsSpecArb }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('getWeights' as const) }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('compile' as const), spec: fc.oneof(saneCompileArb, compileSpecArb(true)) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('learningRate' as const), v: fc.constantFrom<unknown>(0.001, 0.02, 0, -1, NaN, Infinity, '0.1') }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('saveLoad' as const), includeOptimizer: fc.constantFrom<unknown>(undefined, true, false, 'yes'), seed: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('summary' as const) }) },
);
type Action = typeof actionArb extends fc.Arbitrary<infer T> ? T : never;

/** Runs one action and checks what it did against the contract. */
async function runAction(model: Sequential, action: Action, extra: Sequential[]): Promise<void> {
  const info = infoOf(model);
  const before = bits(model);
  const what = `${action.a}()`;
  // Calls that must leave the weights alone even when they succeed.
  const readOnly = ['evaluate', 'predict', 'computeGradients', 'computeLoss', 'gradientCheck', 'getWeights', 'learningRate', 'saveLoad', 'summary', 'compile'].includes(action.a);
  let expected: boolean | 'either' = 'either';
  let outcome: Outcome = { ok: false, error: new Error(`no outcome for ${what}`) };
  // Set where the contract says which typed error a failure must be.
  let contract: ReturnType<typeof dataError>;

  switch (action.a) {
    case 'predict': {
      const { x, xVerdict } = makeData(action.data, info);
      expected = xVerdict.ok === 'either' ? 'either' : xVerdict.ok && batchOptsValid(action.opts);
      if (batchOptsValid(action.opts)) contract = dataError(action.data, info, false);
      outcome = await attempt(() => model.predict(x as never, action.opts as never));
      if (outcome.ok) {
        const out = outcome.value as Float32Array;
        expect(out).toBeInstanceOf(Float32Array);
        if (xVerdict.ok === true) expect(out.length).toBe(xVerdict.rows * info.units);
        expectFinite(out, 'predict()');
      }
      break;
    }
    case 'evaluate':
    case 'trainOnBatch':
    case 'computeGradients':
    case 'computeLoss': {
      const { x, y, verdict } = makeData(action.data, info);
      const optsOk = action.a !== 'evaluate' || batchOptsValid(action.opts);
      expected = !info.compiled ? false : verdict.ok === 'either' ? 'either' : verdict.ok && optsOk;
      if (info.compiled && optsOk) contract = dataError(action.data, info, true);
      outcome = await attempt(() => {
        if (action.a === 'evaluate') return model.evaluate(x as never, y as never, action.opts as never);
        return model[action.a](x as never, y as never);
      });
      if (!info.compiled && !outcome.ok) expectStateError(outcome.error, what);
      if (outcome.ok) {
        const v = outcome.value;
        if (action.a === 'evaluate') expectFinite(Object.values(v as Record<string, number>), 'evaluate()');
        else if (action.a === 'computeGradients') {
          const g = v as { loss: number; gradients: Float32Array[] };
          expectFinite([g.loss], 'computeGradients() loss');
          g.gradients.forEach((t, i) => expectFinite(t, `computeGradients() gradient ${i}`));
        } else expectFinite([v as number], what);
      }
      break;
    }
    case 'gradientCheck': {
      const rows = Math.min(action.data.rows, 3);
      const { x, y, verdict } = makeData({ ...action.data, rows }, info);
      const epsOk = action.epsilon === undefined || (typeof action.epsilon === 'number' && action.epsilon > 0);
      expected = !info.compiled || !epsOk ? false : verdict.ok === 'either' ? 'either' : verdict.ok;
      outcome = await attempt(() => gradientCheck(model, x as never, y as never, action.epsilon === undefined ? undefined : { epsilon: action.epsilon as number }));
      break;
    }
    case 'fit': {
      const { x, y, verdict } = makeData(action.data, info);
      const { build, opts, valid, epochsRun } = makeFitOpts(action.opts, info, action.data.seed);
      expected = !info.compiled ? false : verdict.ok === 'either' ? 'either' : !verdict.ok || valid === false ? false : valid === undefined ? 'either' : splitValid(opts, verdict.rows);
      if (info.compiled && valid && !opts.validationSplit) contract = dataError(action.data, info, true);
      outcome = await attempt(() => model.fit(x as never, y as never, build()));
      // (A callback factory throws before fit() is called.)
      if (!info.compiled && !outcome.ok && !('monitor' in action.opts)) expectStateError(outcome.error, what);
      if (outcome.ok) {
        const h = outcome.value as { epoch: number[]; history: Record<string, number[]> };
        if (valid) expect(h.epoch.length).toBe(epochsRun);
        for (const [key, values] of Object.entries(h.history)) expectFinite(values, `fit() history.${key}`);
        if (epochsRun === 0) expectSameBits(before, bits(model), 'fit() with no epochs to run');
      }
      break;
    }
    case 'setWeights': {
      const { w, verdict } = makeWeights(action.w, model.getWeights());
      expected = verdict;
      outcome = await attempt(() => model.setWeights(w as never));
      if (outcome.ok) {
        const after = model.getWeights();
        (w as ArrayLike<number>[]).forEach((t, i) => expect(Array.from(after[i])).toEqual(Array.from(Float32Array.from(t))));
      }
      break;
    }
    case 'getWeights':
      expected = true;
      outcome = await attempt(() => model.getWeights());
      break;
    case 'summary':
      expected = true;
      outcome = await attempt(() => model.summary());
      break;
    case 'learningRate': {
      const schedule = typeof model.optimizer?.learningRate === 'object';
      const v = action.v;
      expected = info.compiled && !schedule && typeof v === 'number' && Number.isFinite(v) && v > 0;
      const rateBefore = model.learningRate;
      outcome = await attempt(() => { model.learningRate = v as number; });
      expect(model.learningRate).toBe(outcome.ok ? v : rateBefore);
      break;
    }
    case 'compile': {
      const loss = model.loss, optimizer = model.optimizer, rate = model.learningRate;
      outcome = await attempt(() => model.compile(makeCompileConfig(action.spec) as never));
      if (!outcome.ok) {
        // A failed compile leaves the previous compile in force.
        expect(model.loss).toBe(loss);
        expect(model.optimizer).toBe(optimizer);
        expect(model.learningRate).toBe(rate);
      } else if (mustReject(action.spec)) {
        throw new Error('compile() accepted an unknown name or option');
      }
      break;
    }
    case 'saveLoad': {
      const inc = action.includeOptimizer;
      expected = inc === undefined || inc === false || (inc === true && info.compiled);
      outcome = await attempt(async () => {
        const artifacts = await model.save(undefined, inc === undefined ? undefined : { includeOptimizer: inc as boolean });
        const copy = await loadModel(artifacts);
        extra.push(copy);
        return copy;
      });
      if (outcome.ok) {
        const copy = outcome.value as Sequential;
        expectSameBits(before, bits(copy), 'loadModel(save()) weights');
        const probe = validData(info, 3, action.seed);
        expect(Array.from(copy.predict(probe.x))).toEqual(Array.from(model.predict(probe.x)));
        expect(copy.loss?.name).toBe(model.loss?.name);
        if (inc === true) {
          // Saved with its optimizer state, the copy trains on exactly as the original.
          const a = model.trainOnBatch(probe.x, probe.y), b = copy.trainOnBatch(probe.x, probe.y);
          expect(Object.is(a, b) || a === b).toBe(true);
          expectSameBits(bits(model), bits(copy), 'weights after one more step, original vs loaded with includeOptimizer');
          expectFinite([a], 'trainOnBatch()');
          return;
        }
      }
      break;
    }
  }

  if (!outcome.ok) {
    if (outcome.error instanceof DivergenceError && (action.a === 'fit' || action.a === 'trainOnBatch')) {
      expectFiniteWeights(model, `${what} after a DivergenceError`);
      return;
    }
    expectNeuriteError(outcome.error, what);
    // Messages name the call that failed (or the factory that built a bad argument for it).
    const named = { learningRate: /learningRate/, saveLoad: /save\(\)/, gradientCheck: /\(\)/, compile: /compile\(\)|^\w+\.\w+\(\)/, fit: /fit\(\)|earlyStopping\(\)|reduceLROnPlateau\(\)/ }[action.a as string] ?? what;
    expect(outcome.error.message).toMatch(typeof named === 'string' ? new RegExp(named.replace(/[()]/g, '\\$&')) : named);
    if (contract) {
      if (!(outcome.error instanceof contract.type)) throw new Error(`${what}: expected a ${contract.type.name} for ${JSON.stringify(action, replacer)}, got ${show(outcome.error)}`);
      if (contract.arg) expect(outcome.error.message).toContain(`${what} ${contract.arg}`);
    }
    if (expected === true) throw new Error(`${what} rejected a valid call: ${show(outcome.error)}`);
    expectSameBits(before, bits(model), `${what} threw ${outcome.error.constructor.name}`);
  } else {
    if (expected === false) throw new Error(`${what} accepted an invalid call (expected a NeuriteError)`);
    if (readOnly) expectSameBits(before, bits(model), `${what} (which must not change the weights)`);
    expectFiniteWeights(model, what);
  }
}

describe('fuzz: call sequences', () => {
  it('every call works (finite results) or throws a NeuriteError leaving the weights bitwise unchanged; the model trains afterwards', async () => {
    await fc.assert(fc.asyncProperty(saneModelArb, fc.option(saneCompileArb, { freq: 8, nil: undefined }), fc.array(actionArb, { minLength: 1, maxLength: 8 }), async (modelSpec, compileSpec, actions) => {
      const model = buildModel(modelSpec);
      const extra: Sequential[] = [];
      try {
        if (compileSpec) model.compile(makeCompileConfig(compileSpec) as never);
        for (const action of actions) await runAction(model, action, extra);
        // Still usable: it trains (a valid compile first if it has none).
        if (!model.loss) model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
        const info = infoOf(model);
        const { x, y } = validData(info, 4, 7);
        expectFinite([model.trainOnBatch(x, y)], 'trainOnBatch() at the end');
        const h = await model.fit(x, y, { epochs: 1, batchSize: 2 });
        expectFinite(h.history.loss, 'fit() at the end');
        expectFiniteWeights(model, 'the end');
      } finally {
        model.dispose();
        extra.forEach((m) => m.dispose());
      }
    }), params(800, 0x5eed02));
  });
});

// ---------------------------------------------------------------------------------------------
// Property 3: divergence

const divergingArb = fc.record({
  optimizer: fc.constantFrom(...OPTIMIZERS),
  learningRate: fc.constantFrom(10, 1e3, 1e6, 1e12, 1e20, 1e30, 1e38, 3.4e38),
  activation: fc.constantFrom('linear', 'relu', 'tanh', 'sigmoid', 'elu', 'softplus'),
  loss: fc.constantFrom('meanSquaredError', 'meanAbsoluteError', 'huber', 'logcosh', 'hinge'),
  hidden: fc.integer({ min: 1, max: 6 }),
  units: fc.integer({ min: 1, max: 3 }),
  inputs: fc.integer({ min: 1, max: 4 }),
  rows: fc.integer({ min: 1, max: 8 }),
  batchSize: fc.integer({ min: 1, max: 4 }),
  epochs: fc.integer({ min: 1, max: 3 }),
  seed: fc.nat(),
});
type Diverging = typeof divergingArb extends fc.Arbitrary<infer T> ? T : never;

function divergingModel(s: Diverging): { model: Sequential; x: number[][]; y: number[][] } {
  const model = sequential({ inputShape: [s.inputs], seed: s.seed });
  model.add(layers.dense({ units: s.hidden, activation: s.activation as never }));
  model.add(layers.dense({ units: s.units }));
  model.compile({ optimizer: optimizers[s.optimizer]({ learningRate: s.learningRate }), loss: s.loss as never });
  const rand = prng(s.seed);
  const x = goodMatrix(s.rows, s.inputs, 'x', 1, rand).map((r) => r.map((v) => v * 10));
  const y = goodMatrix(s.rows, s.units, 'real', 1, rand).map((r) => r.map((v) => v * 10));
  return { model, x, y };
}

describe('fuzz: divergence', () => {
  it('fit with a huge learning rate finishes with finite losses or throws a DivergenceError, and the weights stay finite', async () => {
    await fc.assert(fc.asyncProperty(divergingArb, async (s) => {
      const { model, x, y } = divergingModel(s);
      try {
        const r = await attempt(() => model.fit(x, y, { epochs: s.epochs, batchSize: s.batchSize }));
        if (r.ok) expectFinite((r.value as { history: { loss: number[] } }).history.loss, 'fit() loss');
        else {
          expectNeuriteError(r.error, 'fit()');
          if (!(r.error instanceof DivergenceError)) throw new Error(`expected a DivergenceError, got ${show(r.error)}`);
          expect(Number.isInteger(r.error.epoch) && Number.isInteger(r.error.batch) && r.error.batch >= 0).toBe(true);
        }
        expectFiniteWeights(model, r.ok ? 'fit()' : 'fit() after a DivergenceError');
        // Not stuck "fitting": the next fit runs (and may diverge again).
        const again = await attempt(() => model.fit(x, y, { epochs: 1 }));
        if (!again.ok && !(again.error instanceof DivergenceError)) throw new Error(`fit() after divergence: ${show(again.error)}`);
        expectFiniteWeights(model, 'a second fit()');
      } finally {
        model.dispose();
      }
    }), params(600, 0x5eed03));
  });

  it('trainOnBatch with a huge learning rate returns a finite loss or throws a DivergenceError, and the weights stay finite', async () => {
    await fc.assert(fc.asyncProperty(divergingArb, async (s) => {
      const { model, x, y } = divergingModel(s);
      try {
        for (let step = 0; step < 4; step++) {
          const r = await attempt(() => model.trainOnBatch(x, y));
          if (r.ok) expectFinite([r.value as number], `trainOnBatch() step ${step}`);
          else if (!(r.error instanceof DivergenceError)) throw new Error(`trainOnBatch() step ${step}: expected a DivergenceError, got ${show(r.error)}`);
          expectFiniteWeights(model, `trainOnBatch() step ${step}`);
        }
      } finally {
        model.dispose();
      }
    }), params(600, 0x5eed04));
  });
});

// ---------------------------------------------------------------------------------------------
// Property 4: finite inputs of extreme magnitude (up to the largest float32)

describe('fuzz: extreme finite inputs', () => {
  const extremeArb = fc.constantFrom(FLOAT32_MAX, -FLOAT32_MAX, 1e38, -1e38, 1e30, -1e30, 1e20, 0, 1, -1);
  it('predict, evaluate, computeLoss and computeGradients never return NaN from finite inputs and weights', async () => {
    await fc.assert(fc.asyncProperty(
      fc.record({
        activation: fc.constantFrom(...ACTIVATIONS), loss: fc.constantFrom(...LOSSES.filter((l) => l !== 'sparseCategoricalCrossentropy')),
        inputs: fc.integer({ min: 1, max: 5 }), units: fc.integer({ min: 1, max: 4 }), seed: fc.nat(),
        x: fc.array(extremeArb, { minLength: 10, maxLength: 10 }), y: fc.array(extremeArb, { minLength: 8, maxLength: 8 }),
        weightScale: fc.constantFrom(0, 1, 1e19, 1e38), call: fc.constantFrom('predict', 'evaluate', 'computeLoss', 'computeGradients'),
      }),
      async (s) => {
        const model = sequential({ inputShape: [s.inputs], seed: s.seed });
        try {
          model.add(layers.dense({ units: s.units, activation: s.activation as never }));
          model.compile({ optimizer: 'sgd', loss: s.loss as never });
          if (s.weightScale) model.setWeights(model.getWeights().map((w, i) => w.map((v, j) => (i === 0 && j === 0 ? s.weightScale : v))));
          const x = [s.x.slice(0, s.inputs), s.x.slice(5, 5 + s.inputs)];
          const y = [s.y.slice(0, s.units), s.y.slice(4, 4 + s.units)];
          const before = bits(model);
          const r = await attempt(() => (s.call === 'predict' ? model.predict(x) : s.call === 'evaluate' ? model.evaluate(x, y) : model[s.call as 'computeLoss'](x, y)));
          if (!r.ok) {
            expectNeuriteError(r.error, `${s.call}()`);
          } else {
            const v = r.value;
            const values = v instanceof Float32Array ? Array.from(v) : typeof v === 'number' ? [v] : s.call === 'evaluate' ? Object.values(v as object) as number[]
              : [(v as { loss: number }).loss, ...(v as { gradients: Float32Array[] }).gradients.flatMap((g) => Array.from(g))];
            expectNoNaN(values, `${s.call}()`);
          }
          expectSameBits(before, bits(model), `${s.call}()`);
        } finally {
          model.dispose();
        }
      },
    ), params(1000, 0x5eed05));
  });
});

// ---------------------------------------------------------------------------------------------
// Property 5: loadModel on damaged artifacts

const mutationArb = fc.oneof(
  fc.record({ m: fc.constantFrom('truncate', 'append'), n: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ m: fc.constant('nanWeight' as const), i: fc.nat(50), v: fc.constantFrom(NaN, Infinity, -Infinity) }),
  fc.record({ m: fc.constant('specShape' as const), i: fc.nat(5), shape: fc.constantFrom<unknown>([1], [2, 2], [], [-1], [1.5], 'x', [0]) }),
  fc.record({ m: fc.constant('specField' as const), i: fc.nat(5), key: fc.constantFrom('name', 'dtype', 'group', 'quantization'), v: fc.constantFrom<unknown>('int32', 'float16', 'optimizer', 'x', null, 3, {}) }),
  fc.record({ m: fc.constant('layerField' as const), i: fc.nat(5), key: fc.constantFrom('units', 'activation', 'use_bias', 'kernel_initializer', 'batch_input_shape', 'name', 'rate', 'neurite_alpha', 'bogus', 'trainable', 'kernel_regularizer'), v: fc.constantFrom<unknown>(-1, 0, 3, 1.5, 'relu', 'bogus', null, undefined, true, false, [null, 2], [2], { class_name: 'Nope', config: {} }, { class_name: 'L1L2', config: { l1: -1 } }) }),
  fc.record({ m: fc.constant('layerClass' as const), i: fc.nat(5), v: fc.constantFrom<unknown>('Conv2D', 'Conv3D', 'Dense', 'Dropout', null, 5) }),
  fc.record({ m: fc.constant('topology' as const), v: fc.constantFrom<unknown>(null, 'x', {}, { class_name: 'Model', config: {} }, { class_name: 'Sequential', config: { layers: 'x' } }, { class_name: 'Sequential', config: { layers: [] } }) }),
  {
    weight: 3,
    arbitrary: fc.record({
      m: fc.constant('meta' as const),
      path: fc.constantFrom('version', 'seed', 'compile', 'compile.loss', 'compile.loss.name', 'compile.metrics', 'compile.optimizer', 'compile.optimizer.name', 'compile.optimizer.config', 'compile.optimizer.config.learningRate', 'training', 'training.step', 'training.rng', 'training.learningRate'),
      v: fc.oneof(fc.constant(null), fc.constantFrom<unknown>(undefined, -1, 2, 1.5, 'bogus', 'toString', [], {}, [1, 2])),
    }),
  },
  fc.record({ m: fc.constant('container' as const), key: fc.constantFrom('weightSpecs', 'weightData', 'userDefinedMetadata', 'modelTopology'), v: fc.constantFrom<unknown>(undefined, null, 'x', [], {}, 'f32') }),
);

function mutate(artifacts: Record<string, unknown>, mutation: Record<string, unknown>): Record<string, unknown> {
  // (Earlier mutations may have replaced any part: each one applies only where its target still exists.)
  const data = artifacts.weightData;
  const a = { ...structuredClone({ ...artifacts, weightData: undefined }), weightData: data instanceof ArrayBuffer ? data.slice(0) : data } as Record<string, unknown>;
  const buffer = a.weightData instanceof ArrayBuffer ? a.weightData : undefined;
  const topology = a.modelTopology as { config?: { layers?: unknown } } | undefined;
  const layerList = (Array.isArray(topology?.config?.layers) ? topology!.config!.layers : []).filter(isRecord) as Record<string, unknown>[];
  const specs = (Array.isArray(a.weightSpecs) ? a.weightSpecs : []).filter(isRecord);
  const pick = <T>(list: T[], i: unknown): T | undefined => (list.length ? list[(i as number) % list.length] : undefined);
  switch (mutation.m) {
    case 'truncate': if (buffer) a.weightData = buffer.slice(0, Math.max(0, buffer.byteLength - (mutation.n as number))); break;
    case 'append': {
      if (!buffer) break;
      const bytes = new Uint8Array(buffer.byteLength + (mutation.n as number));
      bytes.set(new Uint8Array(buffer));
      a.weightData = bytes.buffer;
      break;
    }
    case 'nanWeight': {
      if (!buffer) break;
      const f = new Float32Array(buffer, 0, buffer.byteLength >> 2);
      if (f.length) f[(mutation.i as number) % f.length] = mutation.v as number;
      break;
    }
    case 'specShape': { const spec = pick(specs, mutation.i); if (spec) spec.shape = mutation.shape; break; }
    case 'specField': { const spec = pick(specs, mutation.i); if (spec) spec[mutation.key as string] = mutation.v; break; }
    case 'layerField': {
      const c = pick(layerList, mutation.i)?.config;
      if (!isRecord(c)) break;
      if (mutation.v === undefined) delete c[mutation.key as string];
      else c[mutation.key as string] = structuredClone(mutation.v);
      break;
    }
    case 'layerClass': { const layer = pick(layerList, mutation.i); if (layer) layer.class_name = mutation.v; break; }
    case 'topology': a.modelTopology = structuredClone(mutation.v); break;
    case 'meta': {
      const meta = a.userDefinedMetadata;
      const root = isRecord(meta) && isRecord(meta.neurite) ? meta.neurite : undefined;
      const path = (mutation.path as string).split('.');
      let node: Record<string, unknown> | undefined = root;
      for (const key of path.slice(0, -1)) node = isRecord(node?.[key]) ? node![key] as Record<string, unknown> : undefined;
      if (node) {
        const last = path[path.length - 1];
        if (mutation.v === undefined) delete node[last];
        else node[last] = structuredClone(mutation.v);
      }
      break;
    }
    case 'container':
      if (mutation.v === undefined) delete a[mutation.key as string];
      else a[mutation.key as string] = mutation.v === 'f32' && buffer ? new Float32Array(buffer, 0, buffer.byteLength >> 2) : structuredClone(mutation.v);
      break;
  }
  return a;
}

describe('fuzz: loadModel', () => {
  it('damaged artifacts load (as a working model) or reject with a NeuriteError; the source model is untouched', async () => {
    await fc.assert(fc.asyncProperty(saneModelArb, stableCompileArb, fc.boolean(), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), async (modelSpec, compileSpec, includeOptimizer, mutations) => {
      const model = buildModel(modelSpec);
      let copy: Sequential | undefined;
      try {
        model.compile(makeCompileConfig(compileSpec) as never);
        const info = infoOf(model);
        const { x, y } = validData(info, 4, 3);
        await model.fit(x, y, { epochs: 1, batchSize: 2 });
        const before = bits(model);
        let artifacts = (await model.save(undefined, { includeOptimizer })) as unknown as Record<string, unknown>;
        for (const m of mutations) artifacts = mutate(artifacts, m);
        const r = await attempt(() => loadModel(artifacts as never));
        if (!r.ok) expectNeuriteError(r.error, 'loadModel()');
        else {
          copy = r.value as Sequential;
          // Whatever loaded must be a working model.
          expectFiniteWeights(copy, 'the loaded model');
          const ci = infoOf(copy);
          const probe = validData(ci, 3, 5);
          expectFinite(copy.predict(probe.x), 'the loaded model predict()');
          if (ci.compiled) {
            const t = await attempt(() => copy!.trainOnBatch(probe.x, probe.y));
            if (!t.ok) throw new Error(`the loaded model does not train: ${show(t.error)}`);
          }
        }
        expectSameBits(before, bits(model), 'the saved model');
      } finally {
        model.dispose();
        copy?.dispose();
      }
    }), params(800, 0x5eed06));
  });
});

// ---------------------------------------------------------------------------------------------
// Property 6: disposed models, and calls while a fit is running

/** Every public method, called with valid arguments or with the (mostly invalid) data of a spec. */
function methodCalls(model: Sequential, data: { x: unknown; y: unknown }): Record<string, () => unknown> {
  const { x, y } = data;
  return {
    add: () => model.add(layers.dense({ units: 1 })),
    compile: () => model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' }),
    fit: () => model.fit(x as never, y as never, { epochs: 1 }),
    predict: () => model.predict(x as never),
    evaluate: () => model.evaluate(x as never, y as never),
    trainOnBatch: () => model.trainOnBatch(x as never, y as never),
    computeGradients: () => model.computeGradients(x as never, y as never),
    computeLoss: () => model.computeLoss(x as never, y as never),
    gradientCheck: () => gradientCheck(model, x as never, y as never),
    getWeights: () => model.getWeights(),
    setWeights: () => model.setWeights([new Float32Array(1)]),
    summary: () => model.summary(),
    save: () => model.save(),
    saveWithOptimizer: () => model.save(undefined, { includeOptimizer: true }),
    countParams: () => model.countParams(),
    setLearningRate: () => { model.learningRate = 0.01; },
  };
}
const METHODS = ['add', 'compile', 'fit', 'predict', 'evaluate', 'trainOnBatch', 'computeGradients', 'computeLoss', 'gradientCheck', 'getWeights', 'setWeights', 'summary', 'save', 'saveWithOptimizer', 'countParams', 'setLearningRate'];

describe('fuzz: state', () => {
  it('every method of a disposed model throws a StateError, whatever its arguments', async () => {
    await fc.assert(fc.asyncProperty(saneModelArb, fc.constantFrom('fresh', 'built', 'compiled', 'trained'), fc.constantFrom(...METHODS), dataSpecArb, async (modelSpec, state, method, dataSpec) => {
      const model = buildModel(modelSpec);
      if (state !== 'fresh') model.getWeights();
      if (state === 'compiled' || state === 'trained') model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
      const info = infoOf(model);
      if (state === 'trained') {
        const { x, y } = validData(info, 4, 1);
        await model.fit(x, y, { epochs: 1 });
      }
      model.dispose();
      expect(model.isDisposed).toBe(true);
      const r = await attempt(methodCalls(model, makeData(dataSpec, info))[method]);
      if (r.ok) throw new Error(`${method}() on a disposed model returned instead of throwing a StateError`);
      expectStateError(r.error, `${method}() on a disposed model`);
      expect(() => model.dispose()).not.toThrow();
    }), params(600, 0x5eed07));
  });

  it('calls while a fit is running (concurrently or from its callbacks) work or throw a NeuriteError; fit, evaluate, compile, trainOnBatch and dispose throw a StateError', async () => {
    const MUST_REFUSE = ['fit', 'compile', 'evaluate', 'trainOnBatch', 'computeGradients', 'computeLoss', 'gradientCheck', 'dispose'];
    await fc.assert(fc.asyncProperty(
      saneModelArb, stableCompileArb,
      fc.constantFrom(...METHODS, 'dispose', 'stopTraining', 'throwUser', 'setWeightsSame'),
      fc.constantFrom('concurrent', 'onTrainBegin', 'onEpochBegin', 'onBatchBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'),
      fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 4 }), fc.nat(),
      async (modelSpec, compileSpec, method, where, epochs, batchSize, seed) => {
        // A user's exception only means something inside a callback.
        if (method === 'throwUser' && where === 'concurrent') return;
        const model = buildModel(modelSpec);
        const extra: Sequential[] = [];
        try {
          model.compile(makeCompileConfig(compileSpec) as never);
          const info = infoOf(model);
          const data = validData(info, 6, seed);
          const userError = new Error('from the callback');
          let inner: Outcome | undefined;
          const call = async () => {
            const calls: Record<string, () => unknown> = {
              ...methodCalls(model, data),
              dispose: () => model.dispose(),
              stopTraining: () => { model.stopTraining = true; },
              throwUser: () => { throw userError; },
              setWeightsSame: () => model.setWeights(model.getWeights()),
            };
            if (method === 'throwUser') calls.throwUser();
            inner = await attempt(calls[method]);
            if (inner.ok && (method === 'save' || method === 'saveWithOptimizer')) extra.push(await loadModel(inner.value as never));
          };
          let pending: Promise<unknown> | undefined;
          // (Concurrent: a callback keeps fit on its epoch-by-epoch path, which awaits before it trains;
          // a fit with none can finish before the next line runs, and then nothing is running.)
          const hooks = where === 'concurrent' ? { onTrainBegin() {} } : { [where]: async () => { if (!inner) await call(); } };
          const before = bits(model);
          const fit = attempt(() => model.fit(data.x, data.y, { epochs, batchSize, callbacks: hooks }));
          if (where === 'concurrent') pending = call();
          await pending;
          const outer = await fit;
          if (method === 'throwUser') {
            // The user's error comes out of fit() as it is, and (as for any error raised in
            // fit) the model is left as it was before the call.
            expect(outer.ok).toBe(false);
            if (!outer.ok) expect(outer.error).toBe(userError);
            expectSameBits(before, bits(model), `fit() rejected with an error thrown in ${where}`);
          } else {
            // The running fit is not disturbed by what was refused or done meanwhile.
            if (!outer.ok) throw new Error(`fit() with ${method}() ${where} failed: ${show(outer.error)}`);
            for (const [k, v] of Object.entries((outer.value as { history: Record<string, number[]> }).history)) expectFinite(v, `fit() history.${k}`);
            expect(inner).toBeDefined();
            if (!inner!.ok) expectNeuriteError(inner!.error, `${method}() during fit()`);
            if (MUST_REFUSE.includes(method)) {
              if (inner!.ok) throw new Error(`${method}() during fit() did not throw`);
              expectStateError(inner!.error, `${method}() during fit()`);
            }
          }
          expect(model.isDisposed).toBe(false);
          expectFiniteWeights(model, 'after fit()');
          // The model is not left "fitting": it fits and trains again.
          await model.fit(data.x, data.y, { epochs: 1 });
          if (!model.loss) model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
          const again = validData(infoOf(model), 3, seed + 1);
          expectFinite([model.trainOnBatch(again.x, again.y)], 'trainOnBatch() after fit()');
        } finally {
          if (!model.isDisposed) model.dispose();
          extra.forEach((m) => m.dispose());
        }
      },
    ), params(600, 0x5eed08));
  });
});

