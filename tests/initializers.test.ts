import { beforeAll, describe, expect, it } from 'vitest';
import { ready, initializers, computeFans, sequential, layers, ValueError } from '../src/index.js';
import { tf, tfjsCpu } from './tfjs-cpu.js';

beforeAll(() => ready());

function stats(v: Float32Array) {
  let sum = 0, sq = 0, min = Infinity, max = -Infinity;
  for (const x of v) { sum += x; sq += x * x; min = Math.min(min, x); max = Math.max(max, x); }
  const mean = sum / v.length;
  return { mean, std: Math.sqrt(sq / v.length - mean * mean), min, max };
}

// Variance of a standard normal truncated at ±2σ, which TF.js does not correct for.
const TRUNCATED_VARIANCE = 0.7737413;
const SHAPE = [300, 200];
const FAN_IN = 300, FAN_OUT = 200;

describe('variance scaling family (TF.js formulas) on 60,000 draws', () => {
  const uniform: [string, number][] = [
    ['glorotUniform', Math.sqrt(6 / (FAN_IN + FAN_OUT))],
    ['heUniform', Math.sqrt(6 / FAN_IN)],
    ['leCunUniform', Math.sqrt(3 / FAN_IN)],
  ];
  it.each(uniform)('%s: uniform on ±limit', (name, limit) => {
    const s = stats((initializers as any)[name]({ seed: 1 }).apply(SHAPE));
    expect(s.mean).toBeCloseTo(0, 2);
    expect(s.std / (limit / Math.sqrt(3))).toBeCloseTo(1, 1);
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.max).toBeGreaterThan(0.99 * limit);
  });

  const normal: [string, number][] = [
    ['glorotNormal', Math.sqrt(2 / (FAN_IN + FAN_OUT))],
    ['heNormal', Math.sqrt(2 / FAN_IN)],
    ['leCunNormal', Math.sqrt(1 / FAN_IN)],
  ];
  it.each(normal)('%s: zero-mean normal truncated at 2σ', (name, sigma) => {
    const s = stats((initializers as any)[name]({ seed: 2 }).apply(SHAPE));
    expect(s.mean / sigma).toBeCloseTo(0, 1);
    expect(s.std / (sigma * Math.sqrt(TRUNCATED_VARIANCE))).toBeCloseTo(1, 1);
    expect(s.max).toBeLessThanOrEqual(2 * sigma * 1.0001);
    expect(s.min).toBeGreaterThanOrEqual(-2 * sigma * 1.0001);
  });

  it('varianceScaling with fanOut and uniform', () => {
    const s = stats(initializers.varianceScaling({ scale: 3, mode: 'fanOut', distribution: 'uniform', seed: 3 }).apply(SHAPE));
    const limit = Math.sqrt(9 / FAN_OUT);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.max).toBeGreaterThan(0.99 * limit);
  });
});

it('randomNormal, randomUniform and truncatedNormal defaults (mean 0, 0.05)', () => {
  const n = stats(initializers.randomNormal({ seed: 1 }).apply([100000]));
  expect(n.std).toBeCloseTo(0.05, 3);
  expect(n.max).toBeGreaterThan(0.1);
  const t = stats(initializers.truncatedNormal({ seed: 1 }).apply([100000]));
  expect(t.max).toBeLessThanOrEqual(0.1 * 1.0001);
  const u = stats(initializers.randomUniform({ seed: 1 }).apply([100000]));
  expect(u.min).toBeGreaterThanOrEqual(-0.05);
  expect(u.max).toBeLessThan(0.05);
});

it('zeros, ones, constant and identity', () => {
  expect(Array.from(initializers.zeros().apply([3]))).toEqual([0, 0, 0]);
  expect(Array.from(initializers.ones().apply([2, 2]))).toEqual([1, 1, 1, 1]);
  expect(Array.from(initializers.constant({ value: 0.5 }).apply([2]))).toEqual([0.5, 0.5]);
  expect(Array.from(initializers.identity({ gain: 2 }).apply([2, 2]))).toEqual([2, 0, 0, 2]);
  expect(() => initializers.identity().apply([2, 3])).toThrow(/square/);
});

it.each([[4, 6], [6, 4], [5, 5]])('orthogonal [%i, %i]: the shorter side is orthonormal (× gain)', (rows, cols) => {
  const q = initializers.orthogonal({ gain: 2, seed: 1 }).apply([rows, cols]);
  const byRows = rows <= cols;
  const count = Math.min(rows, cols), length = Math.max(rows, cols);
  const at = (v: number, k: number) => (byRows ? q[v * cols + k] : q[k * cols + v]);
  for (let a = 0; a < count; a++) {
    for (let b = 0; b < count; b++) {
      let dot = 0;
      for (let k = 0; k < length; k++) dot += at(a, k) * at(b, k);
      expect(dot).toBeCloseTo(a === b ? 4 : 0, 4);
    }
  }
});

it('seeded: one seed, one tensor; the initializer seed overrides the layer stream', () => {
  const a = initializers.heNormal({ seed: 5 }).apply([10, 10]);
  expect(initializers.heNormal({ seed: 5 }).apply([10, 10])).toEqual(a);
  expect(initializers.heNormal({ seed: 6 }).apply([10, 10])).not.toEqual(a);
  expect(initializers.heNormal().apply([10, 10], 5)).toEqual(a);
  expect(initializers.heNormal({ seed: 5 }).apply([10, 10], 99)).toEqual(a);
});

it('the model seed gives each layer its own stream', () => {
  const build = (seed: number, init?: any) => {
    const m = sequential({ inputShape: [10], seed });
    m.add(layers.dense({ units: 10, kernelInitializer: init }));
    m.add(layers.dense({ units: 10, kernelInitializer: init }));
    return m.getWeights();
  };
  const [k0, , k1] = build(1);
  expect(k0).not.toEqual(k1);
  expect(build(1)[0]).toEqual(k0);
  expect(build(2)[0]).not.toEqual(k0);
  const seeded = initializers.glorotUniform({ seed: 9 });
  const [s0, , s1] = build(1, seeded);
  expect(s0).toEqual(s1);
});

describe('computeFans as TF.js (channels last)', () => {
  // [shape, fanIn, fanOut]: a transcription of tfjs-layers' computeFans. Ranks 3 to 5 multiply by
  // the receptive field (every dimension but the last two); ranks 0, 1 and 6+ take √size for both.
  const FANS: [number[], number, number][] = [
    [[4, 5], 4, 5],
    [[5, 2, 3], 5 * 2, 5 * 3],
    [[3, 3, 2, 4], 9 * 2, 9 * 4],
    [[2, 2, 2, 3, 4], 8 * 3, 8 * 4],
    [[7], Math.sqrt(7), Math.sqrt(7)],
    [[], 1, 1],
    [[2, 1, 2, 1, 2, 3], Math.sqrt(24), Math.sqrt(24)],
  ];
  it.each(FANS)('%j: fanIn %d, fanOut %d', (shape, fanIn, fanOut) => {
    expect(computeFans(shape)).toEqual({ fanIn, fanOut });
  });

  beforeAll(() => tfjsCpu());

  /** The scale of `values` drawn from the same uniforms or normals as `unit` (same seed, scale 1). */
  function scaleOf(values: ArrayLike<number>, unit: ArrayLike<number>): number {
    let best = 0;
    for (let i = 1; i < unit.length; i++) if (Math.abs(unit[i]) > Math.abs(unit[best])) best = i;
    return values[best] / unit[best];
  }
  const maxAbs = (v: ArrayLike<number>) => Array.from(v).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

  // TF.js's limit and standard deviation are read off its own draws: with one seed, glorotUniform
  // gives limit·(2u − 1) where tf.randomUniform(−1, 1) gives 2u − 1, and heNormal gives σ·z where
  // tf.truncatedNormal(0, 1) gives z. Ours are read the same way against our own unit draws.
  it.each(FANS.map(([shape]) => [shape]))('%j: glorotUniform limit and heNormal σ equal TF.js\'s', (shape) => {
    const seed = 5;
    const tfValues = (make: () => tf.Tensor) => tf.tidy(() => make().dataSync());
    const tfLimit = scaleOf(
      tfValues(() => tf.initializers.glorotUniform({ seed }).apply(shape)),
      tfValues(() => tf.randomUniform(shape, -1, 1, 'float32', seed)),
    );
    const tfSigma = scaleOf(
      tfValues(() => tf.initializers.heNormal({ seed }).apply(shape)),
      tfValues(() => tf.truncatedNormal(shape, 0, 1, 'float32', seed)),
    );
    const { fanIn, fanOut } = computeFans(shape);
    expect(tfLimit / Math.sqrt(3 / Math.max(1, (fanIn + fanOut) / 2))).toBeCloseTo(1, 5);
    expect(tfSigma / Math.sqrt(2 / Math.max(1, fanIn))).toBeCloseTo(1, 5);

    const glorot = initializers.glorotUniform({ seed }).apply(shape);
    const he = initializers.heNormal({ seed }).apply(shape);
    expect(scaleOf(glorot, initializers.randomUniform({ minval: -1, maxval: 1, seed }).apply(shape)) / tfLimit).toBeCloseTo(1, 5);
    expect(scaleOf(he, initializers.truncatedNormal({ mean: 0, stddev: 1, seed }).apply(shape)) / tfSigma).toBeCloseTo(1, 5);
    expect(maxAbs(glorot)).toBeLessThanOrEqual(tfLimit * (1 + 1e-6));
    expect(maxAbs(he)).toBeLessThanOrEqual(2 * tfSigma * (1 + 1e-6));
  });

  it('a conv-shaped kernel of many draws: glorotUniform fills ±limit, heNormal has the truncated variance', () => {
    const shape = [5, 5, 16, 32]; // fanIn 400, fanOut 800
    const glorot = stats(initializers.glorotUniform({ seed: 8 }).apply(shape));
    const limit = Math.sqrt(6 / (400 + 800));
    expect(glorot.max).toBeLessThanOrEqual(limit);
    expect(glorot.max).toBeGreaterThan(0.999 * limit);
    expect(glorot.std / (limit / Math.sqrt(3))).toBeCloseTo(1, 1);
    const he = stats(initializers.heNormal({ seed: 8 }).apply(shape));
    expect(he.std / Math.sqrt((2 / 400) * TRUNCATED_VARIANCE)).toBeCloseTo(1, 1);
  });
});

it('bad configurations are errors', () => {
  expect(() => initializers.heNormal({ seed: -1 })).toThrow(ValueError);
  expect(() => initializers.varianceScaling({ mode: 'fanMiddle' as never })).toThrow(/mode must be fanIn, fanOut or fanAvg/);
  expect(() => initializers.randomNormal({ stddev: 0 })).toThrow(/stddev must be a positive finite number/);
  expect(() => layers.dense({ units: 2, kernelInitializer: 'heNormel' as never })).toThrow(/unknown initializer "heNormel"/);
  expect(() => layers.dense({ units: 2, kernelInitializer: 'constant' })).toThrow(/needs a value/);
});
