// Weight initialization: where training starts. Constant weights are a trap (every neuron of a
// layer gets the same gradient and they never differ), so kernels start from zero-mean random
// values whose variance is chosen from the layer's fan-in and fan-out. Formulas and names are
// TensorFlow.js's; random draws come from the seeded generator in assembly/rng.ts.
import { ValueError, checkFloat32, checkKeys, describe } from './errors.js';
import { allocate, heapF32, readF32, wasm } from './wasm.js';
import { sizeOf } from './layers/layer.js';

export type InitializerIdentifier =
  | 'zeros' | 'ones' | 'constant' | 'randomNormal' | 'randomUniform' | 'truncatedNormal'
  | 'glorotNormal' | 'glorotUniform' | 'heNormal' | 'heUniform' | 'leCunNormal' | 'leCunUniform'
  | 'varianceScaling' | 'identity' | 'orthogonal';

export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
export type Distribution = 'normal' | 'uniform' | 'truncatedNormal';

/** A way to fill a weight tensor, with its configuration. */
export interface Initializer {
  /** TF.js identifier of the initializer. */
  readonly name: InitializerIdentifier;
  readonly config: Readonly<Record<string, unknown>>;
  /**
   * Draws values for a tensor of `shape` (kernel [inputs, units], bias [units]). The initializer's
   * own `seed` wins over the `seed` argument; with neither, a random seed is used.
   */
  apply(shape: readonly number[], seed?: number): Float32Array;
}

/**
 * Fan-in and fan-out of a weight tensor, as TF.js's computeFans (channels last): a dense kernel
 * [inputs, units] has fans inputs and units; a convolution kernel of rank 3 to 5 ([k, in, out],
 * [kh, kw, in, out], [kd, kh, kw, in, out]) counts every position of its receptive field, so
 * fanIn = in·k… and fanOut = out·k…; any other rank (a bias, a scalar, rank 6 and up) has both fans
 * √(number of elements), as in tfjs-layers 4.22. (tf.keras differs there: a rank-1 shape has both
 * fans shape[0], and every rank above 2 uses the receptive field.)
 */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  const rank = shape.length;
  if (rank === 2) return { fanIn: shape[0], fanOut: shape[1] };
  if (rank >= 3 && rank <= 5) {
    let receptiveField = 1;
    for (let i = 0; i < rank - 2; i++) receptiveField *= shape[i];
    return { fanIn: shape[rank - 2] * receptiveField, fanOut: shape[rank - 1] * receptiveField };
  }
  const size = Math.sqrt(sizeOf(shape));
  return { fanIn: size, fanOut: size };
}

type Sampler = (out: number, n: number, state: number, shape: readonly number[]) => void;

function initializer(name: InitializerIdentifier, config: Record<string, unknown>, sample: Sampler): Initializer {
  const ownSeed = config.seed as number | undefined;
  if (ownSeed !== undefined) checkSeed(ownSeed, `initializers.${name}()`);
  return Object.freeze({
    name,
    config: Object.freeze({ ...config }),
    apply(shape: readonly number[], seed?: number): Float32Array {
      // Copied once: a Proxy or getter must not change the shape between its check and its use.
      const dims = Array.isArray(shape) && shape.length <= 8 ? Array.from(shape) : undefined;
      if (!dims || !dims.every((d) => Number.isInteger(d) && d > 0)) {
        throw new ValueError(`${name}.apply(): shape must be an array of at most 8 positive integers, got ${describe(shape)}`);
      }
      if (seed !== undefined) checkSeed(seed, `${name}.apply()`);
      const n = sizeOf(dims);
      const core = wasm(`${name}.apply()`);
      // allocate() checks the size as a float64 before the core sees it as 32 bits.
      const state = allocate(16 + n * 4, `initializing a tensor of shape [${dims.join(', ')}]`);
      try {
        core.rng_seed(state, ownSeed ?? seed ?? randomSeed());
        sample(state + 16, n, state, dims);
        return readF32(state + 16, n);
      } finally {
        core.free(state);
      }
    },
  });
}

export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}

export function checkSeed(seed: unknown, where: string): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER) {
    throw new ValueError(`${where}: seed must be a non-negative integer, got ${describe(seed)}`);
  }
  return seed;
}

// Values are drawn or filled in float32: the bounds apply to the float32 value.
function checkNumber(value: unknown, where: string, what: string, positive = false): number {
  return checkFloat32(value, positive ? { above: 0 } : {}, where, what);
}


function fill(value: number): Sampler {
  return (out, n) => { heapF32().fill(value, out >>> 2, (out >>> 2) + n); };
}

export interface SeedConfig { seed?: number }
export interface VarianceScalingConfig extends SeedConfig {
  scale?: number;
  mode?: FanMode;
  distribution?: Distribution;
}

/**
 * Zero-mean values with variance scale / fan: normal draws (truncated at two standard deviations,
 * without Keras's 0.88 correction, as TF.js does) or uniform on ±√(3·scale/fan).
 */
function varianceScaling(config: VarianceScalingConfig = {}, name: InitializerIdentifier = 'varianceScaling'): Initializer {
  const where = `initializers.${name}()`;
  checkKeys(config, ['scale', 'mode', 'distribution', 'seed'], where);
  const scale = checkNumber(config.scale ?? 1, where, 'scale', true);
  const mode = config.mode ?? 'fanIn';
  const distribution = config.distribution ?? 'normal';
  if (!['fanIn', 'fanOut', 'fanAvg'].includes(mode)) throw new ValueError(`${where}: mode must be fanIn, fanOut or fanAvg, got ${describe(mode)}`);
  if (!['normal', 'uniform', 'truncatedNormal'].includes(distribution)) {
    throw new ValueError(`${where}: distribution must be normal, uniform or truncatedNormal, got ${describe(distribution)}`);
  }
  return initializer(name, { scale, mode, distribution, seed: config.seed }, (out, n, state, shape) => {
    const { fanIn, fanOut } = computeFans(shape);
    const fan = mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const variance = scale / Math.max(1, fan);
    if (distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      wasm().rng_uniform(out, n, state, -limit, limit);
    } else {
      wasm().rng_normal(out, n, state, 0, Math.sqrt(variance), true);
    }
  });
}

function scaled(name: InitializerIdentifier, scale: number, mode: FanMode, distribution: Distribution) {
  return (config: SeedConfig = {}) => {
    checkKeys(config, ['seed'], `initializers.${name}()`);
    return varianceScaling({ scale, mode, distribution, seed: config.seed }, name);
  };
}

/** The initializer catalog, by TF.js identifier. */
export const initializers = {
  zeros: (config: Record<string, never> = {}) => {
    checkKeys(config, [], 'initializers.zeros()');
    return initializer('zeros', {}, fill(0));
  },
  ones: (config: Record<string, never> = {}) => {
    checkKeys(config, [], 'initializers.ones()');
    return initializer('ones', {}, fill(1));
  },
  constant: (config: { value: number }) => {
    checkKeys(config ?? {}, ['value'], 'initializers.constant()');
    const value = checkNumber(config?.value, 'initializers.constant()', 'value');
    return initializer('constant', { value }, fill(value));
  },
  /** Normal draws, default mean 0 and stddev 0.05. */
  randomNormal: (config: { mean?: number; stddev?: number; seed?: number } = {}) => {
    checkKeys(config, ['mean', 'stddev', 'seed'], 'initializers.randomNormal()');
    const mean = checkNumber(config.mean ?? 0, 'initializers.randomNormal()', 'mean');
    const stddev = checkNumber(config.stddev ?? 0.05, 'initializers.randomNormal()', 'stddev', true);
    return initializer('randomNormal', { mean, stddev, seed: config.seed }, (out, n, state) => wasm().rng_normal(out, n, state, mean, stddev, false));
  },
  /** Normal draws redrawn beyond two standard deviations, default mean 0 and stddev 0.05. */
  truncatedNormal: (config: { mean?: number; stddev?: number; seed?: number } = {}) => {
    checkKeys(config, ['mean', 'stddev', 'seed'], 'initializers.truncatedNormal()');
    const mean = checkNumber(config.mean ?? 0, 'initializers.truncatedNormal()', 'mean');
    const stddev = checkNumber(config.stddev ?? 0.05, 'initializers.truncatedNormal()', 'stddev', true);
    return initializer('truncatedNormal', { mean, stddev, seed: config.seed }, (out, n, state) => wasm().rng_normal(out, n, state, mean, stddev, true));
  },
  /** Uniform draws on [minval, maxval), default ±0.05. */
  randomUniform: (config: { minval?: number; maxval?: number; seed?: number } = {}) => {
    checkKeys(config, ['minval', 'maxval', 'seed'], 'initializers.randomUniform()');
    const minval = checkNumber(config.minval ?? -0.05, 'initializers.randomUniform()', 'minval');
    const maxval = checkNumber(config.maxval ?? 0.05, 'initializers.randomUniform()', 'maxval');
    if (!(maxval > minval)) throw new ValueError(`initializers.randomUniform(): maxval (${maxval}) must exceed minval (${minval})`);
    return initializer('randomUniform', { minval, maxval, seed: config.seed }, (out, n, state) => wasm().rng_uniform(out, n, state, minval, maxval));
  },
  varianceScaling: (config: VarianceScalingConfig = {}) => varianceScaling(config),
  /** Xavier/Glorot: variance 2 / (fanIn + fanOut); for tanh and sigmoid layers. */
  glorotNormal: scaled('glorotNormal', 1, 'fanAvg', 'normal'),
  glorotUniform: scaled('glorotUniform', 1, 'fanAvg', 'uniform'),
  /** He: variance 2 / fanIn; for ReLU layers, which zero half their inputs. */
  heNormal: scaled('heNormal', 2, 'fanIn', 'normal'),
  heUniform: scaled('heUniform', 2, 'fanIn', 'uniform'),
  /** LeCun: variance 1 / fanIn; for selu. */
  leCunNormal: scaled('leCunNormal', 1, 'fanIn', 'normal'),
  leCunUniform: scaled('leCunUniform', 1, 'fanIn', 'uniform'),
  /**
   * gain · Q with orthonormal rows or columns (whichever there are fewer of), from Gram–Schmidt on a
   * normal draw, as TF.js does: keeps a layer from shrinking or stretching what passes through.
   */
  orthogonal: (config: { gain?: number; seed?: number } = {}) => {
    checkKeys(config, ['gain', 'seed'], 'initializers.orthogonal()');
    const gain = checkNumber(config.gain ?? 1, 'initializers.orthogonal()', 'gain');
    return initializer('orthogonal', { gain, seed: config.seed }, (out, n, state, shape) => {
      const cols = shape[shape.length - 1], rows = n / cols;
      // Orthonormalize the shorter side's vectors, each of the longer side's length.
      const count = Math.min(rows, cols), length = Math.max(rows, cols);
      wasm().rng_normal(out, n, state, 0, 1, false);
      const q = Float64Array.from(heapF32().subarray(out >>> 2, (out >>> 2) + n));
      for (let i = 0; i < count; i++) {
        const v = q.subarray(i * length, (i + 1) * length);
        for (let j = 0; j < i; j++) {
          const u = q.subarray(j * length, (j + 1) * length);
          let dot = 0;
          for (let k = 0; k < length; k++) dot += u[k] * v[k];
          for (let k = 0; k < length; k++) v[k] -= dot * u[k];
        }
        // A loop, not Math.hypot(...v): spreading a long vector overflows the call stack.
        let sum = 0;
        for (let k = 0; k < length; k++) sum += v[k] * v[k];
        const norm = Math.sqrt(sum);
        for (let k = 0; k < length; k++) v[k] /= norm;
      }
      const heap = heapF32(), start = out >>> 2;
      // q holds `count` vectors of `length`: rows when rows ≤ cols, otherwise the transpose.
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) heap[start + r * cols + c] = gain * (rows <= cols ? q[r * cols + c] : q[c * rows + r]);
      }
    });
  },
  /** gain · I for a square kernel. */
  identity: (config: { gain?: number } = {}) => {
    checkKeys(config, ['gain'], 'initializers.identity()');
    const gain = checkNumber(config.gain ?? 1, 'initializers.identity()', 'gain');
    return initializer('identity', { gain }, (out, n, state, shape) => {
      if (shape.length !== 2 || shape[0] !== shape[1]) {
        throw new ValueError(`initializers.identity(): needs a square kernel, got shape [${shape.join(', ')}]`);
      }
      const heap = heapF32(), start = out >>> 2;
      for (let i = 0; i < shape[0]; i++) heap[start + i * shape[0] + i] = gain;
    });
  },
};

const ALIASES: Record<string, InitializerIdentifier> = {
  glorot_normal: 'glorotNormal', glorot_uniform: 'glorotUniform', he_normal: 'heNormal', he_uniform: 'heUniform',
  lecun_normal: 'leCunNormal', lecun_uniform: 'leCunUniform', random_normal: 'randomNormal',
  random_uniform: 'randomUniform', truncated_normal: 'truncatedNormal', variance_scaling: 'varianceScaling',
  xavierNormal: 'glorotNormal', xavierUniform: 'glorotUniform',
};

/** Resolves a TF.js identifier (or Keras alias) or an Initializer object. */
export function getInitializer(value: InitializerIdentifier | Initializer | undefined, fallback: InitializerIdentifier, where: string): Initializer {
  if (value === undefined || value === null) value = fallback;
  if (typeof value === 'object' && typeof value.apply === 'function') return value;
  if (typeof value === 'string') {
    const name = (Object.hasOwn(initializers, value) ? value : Object.hasOwn(ALIASES, value) ? ALIASES[value] : undefined) as keyof typeof initializers | undefined;
    if (name === 'constant') throw new ValueError(`${where}: 'constant' needs a value: use initializers.constant({ value })`);
    if (name) return (initializers[name] as () => Initializer)();
  }
  throw new ValueError(`${where}: unknown initializer ${describe(value)}; expected one of ${Object.keys(initializers).join(', ')}`);
}
