// The threaded build: large products split between threads give bitwise the results of one
// thread. Runs in the 'threads' and 'threads-relaxed' projects only (tests/setup/threads.ts starts two threads).
import { beforeAll, expect, it } from 'vitest';
import { ready, sequential, layers, optimizers, setThreads, threadCount, wasmBuild, ValueError } from '../src/index.js';
import { wasm } from '../src/wasm.js';
import { matmul, random, randomArray, transpose } from './reference.js';
import { freeAll, get, put } from './assembly/core.js';
import { SPIN_CHECKS } from '../src/threads.js';

beforeAll(() => ready());
it('runs on the threaded build with the two threads it was asked for', () => {
  expect(wasmBuild()).toBe(process.env.NEURITE_EXPECT_BUILD);
  expect(threadCount()).toBe(2);
  expect(() => setThreads(3)).toThrow(ValueError);
});

// By columns (37×523×129), by rows in one part a thread (300×100×77) and in chunks taken in turn (1001×24×130, 5003×10×41).
it.each([[300, 100, 77], [256, 256, 256], [37, 523, 129], [1001, 24, 130], [5003, 10, 41], [64, 64, 128]])('every product form on %i×%i×%i matches the reference on 1 and 2 threads', (m, n, k) => {
  const core = wasm();
  const rand = random(m + n + k);
  const a = randomArray(m * k, rand), b = randomArray(k * n, rand);
  const expected = matmul(a, b, m, n, k);
  const results = [1, 2].map((threads) => {
    setThreads(threads);
    const out: Float32Array[] = [];
    for (const form of ['nn', 'nt', 'tn'] as const) {
      const c = put(m * n);
      core[`gemm_${form}`](c, put(form === 'tn' ? transpose(a, m, k) : a), put(form === 'nt' ? transpose(b, k, n) : b), m, n, k, false);
      out.push(get(c, m * n));
    }
    return out;
  });
  freeAll();
  setThreads(2);
  for (const c of results[1]) {
    let worst = 0;
    for (let i = 0; i < c.length; i++) worst = Math.max(worst, Math.abs(c[i] - expected[i]));
    expect(worst).toBeLessThan(1e-6 * Math.sqrt(k) + 1e-6);
  }
  expect(results[1]).toEqual(results[0]);
});

it('training on 2 threads gives bitwise the weights of 1 thread', async () => {
  const train = async (threads: number) => {
    setThreads(threads);
    const model = sequential({ inputShape: [256], seed: 3 });
    model.add(layers.dense({ units: 300, activation: 'relu' }));
    model.add(layers.dropout({ rate: 0.1 }));
    model.add(layers.dense({ units: 130, activation: 'tanh' }));
    model.add(layers.dense({ units: 10, activation: 'softmax' }));
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy' });
    const x = new Float32Array(256 * 256).map((_, i) => Math.sin(i)), y = new Float32Array(2560).map((_, i) => (i % 10 === 3 ? 1 : 0));
    await model.fit(x, y, { epochs: 2, batchSize: 128 });
    const weights = model.getWeights();
    model.dispose();
    return weights;
  };
  const one = await train(1), two = await train(2);
  setThreads(2);
  expect(two).toEqual(one);
});

it('a CNN trains on 2 threads to bitwise the weights of 1 (im2col products past the threshold both ways)', async () => {
  const train = async (threads: number) => {
    setThreads(threads);
    const model = sequential({ inputShape: [12, 12, 3], seed: 5 });
    // 16 × 144 positions × 32 filters × 27: forward, dW and dCols each split between the threads.
    model.add(layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }));
    model.add(layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, activation: 'tanh' }));
    model.add(layers.dense({ units: 2 }));
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'meanSquaredError' });
    const x = new Float32Array(32 * 432).map((_, i) => Math.sin(i)), y = new Float32Array(32 * 25 * 2).map((_, i) => Math.cos(i));
    await model.fit(x, y, { epochs: 2, batchSize: 16 });
    const weights = model.getWeights();
    model.dispose();
    return weights;
  };
  const one = await train(1), two = await train(2);
  setThreads(2);
  expect(two).toEqual(one);
});

it.each([
  ['max', 'relu'], ['average', 'sigmoid'],
] as const)('a CNN with batchNormalization and %s pooling trains on 2 threads to bitwise the weights of 1 (split kernels)', async (pool, activation) => {
  const train = async (threads: number) => {
    setThreads(threads);
    const model = sequential({ inputShape: [16, 16, 3], seed: 7 });
    // 24 × 16·16 × 32 = 196,608 values: batch norm, pooling, im2col/col2im and the activation each split.
    model.add(layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation }));
    model.add(layers.batchNormalization());
    model.add(pool === 'max' ? layers.maxPooling2d({ poolSize: 2 }) : layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }));
    // 35 channels: a split that is not a multiple of 16, and a tail past the vectors.
    model.add(layers.conv2d({ filters: 35, kernelSize: 3, activation: 'tanh' }));
    model.add(layers.batchNormalization({ center: pool === 'max', scale: pool !== 'max' }));
    model.add(layers.maxPooling2d({ poolSize: 2 }));
    model.add(layers.flatten());
    model.add(layers.dense({ units: 10, activation: 'softmax' }));
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy' });
    const x = new Float32Array(72 * 768).map((_, i) => Math.sin(i * 0.37)), y = new Float32Array(720).map((_, i) => (i % 10 === (i / 10 | 0) % 7 ? 1 : 0));
    await model.fit(x, y, { epochs: 2, batchSize: 24 });
    const weights = model.getWeights();
    const predictions = model.predict(x.subarray(0, 24 * 768), { batchSize: 24 });
    model.dispose();
    return [...weights, predictions];
  };
  const one = await train(1), two = await train(2);
  setThreads(2);
  expect(two).toEqual(one);
});

it.each([1, 2])('on %i thread(s), an update that overflows in its last parameter only (in the worker\'s part of the checks) is not adopted', async (threads) => {
  const { DivergenceError } = await import('../src/index.js');
  setThreads(threads);
  // 300·200 + 200 + 1 parameters and as many velocities: the update and its checks are split.
  const model = sequential({ inputShape: [300], seed: 2 });
  model.add(layers.dense({ units: 200, useBias: false }));
  model.add(layers.dense({ units: 1 }));
  model.compile({ optimizer: optimizers.sgd({ learningRate: 3e38, momentum: 0.9 }), loss: 'mse' });
  const weights = model.getWeights(), state = model.getOptimizerState();
  // Zero inputs: every gradient is 0 but the output bias's (−2), the last parameter, where lr·g overflows.
  const error = (() => { try { model.trainOnBatch(new Float32Array(8 * 300), new Float32Array(8).fill(1)); } catch (e) { return e; } })();
  setThreads(2);
  expect(error).toBeInstanceOf(DivergenceError);
  expect(model.getWeights()).toEqual(weights);
  expect(model.getOptimizerState()).toEqual(state);
  model.dispose();
});

it.each([
  ['blocks', true], ['spins (as on a page\'s main thread)', false],
] as const)('with no spin before blocking, workers sleep between jobs and the caller %s: 2 threads still train to bitwise the weights of 1', async (_, blocks) => {
  const train = async (threads: number) => {
    setThreads(threads);
    const model = sequential({ inputShape: [16, 16, 3], seed: 11 });
    model.add(layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }));
    model.add(layers.batchNormalization());
    model.add(layers.flatten());
    model.add(layers.dense({ units: 10, activation: 'softmax' }));
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy' });
    const x = new Float32Array(48 * 768).map((_, i) => Math.sin(i * 0.11)), y = new Float32Array(480).map((_, i) => (i % 10 === (i / 10 | 0) % 10 ? 1 : 0));
    await model.fit(x, y, { epochs: 2, batchSize: 24 });
    const weights = model.getWeights();
    model.dispose();
    return weights;
  };
  wasm().threads_block(blocks, 0);
  try {
    const one = await train(1), two = await train(2);
    expect(two).toEqual(one);
  } finally {
    wasm().threads_block(true, SPIN_CHECKS);
    setThreads(2);
  }
});

it('a pool of four threads used on two finishes its products (every worker is woken)', async () => {
  const { execFile } = await import('node:child_process');
  const script = `
    const neurite = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
    const core = await import(${JSON.stringify(new URL('../dist/wasm.js', import.meta.url).href)});
    await neurite.ready({ threads: 4 });
    for (const threads of [2, 3, 1, 4, 2]) {
      neurite.setThreads(threads);
      const n = 256, [a, b, c] = [0, 1, 2].map(() => core.allocate(n * n * 4, 't'));
      core.wasm().gemm_nn(c, a, b, n, n, n, false);
    }
    console.log('ok', neurite.threadCount());`;
  const { writeFile, mkdtemp } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const file = join(await mkdtemp(join(tmpdir(), 'neurite-threads-')), 'pool.mjs');
  await writeFile(file, script);
  const output = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [file], { timeout: 30_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
  expect(output.trim()).toBe('ok 2');
});
