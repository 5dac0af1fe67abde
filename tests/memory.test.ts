// Memory contracts of the training loop: the Wasm memory a model needs is what its tensors need,
// it is reused from one fit() to the next, and a training step allocates no JavaScript memory.
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, expect, it } from 'vitest';
import { ready, sequential, layers, optimizers } from '../src/index.js';
import { wasm } from '../src/wasm.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

beforeAll(() => ready());

it('Wasm memory ≤ 1.25 × (parameters + gradients + optimizer state + activations, and after inference the packed kernels) + 1 MiB, reused across fits', async () => {
  const core = wasm();
  const model = sequential({ inputShape: [784], seed: 1 });
  model.add(layers.dense({ units: 128, activation: 'relu' }));
  model.add(layers.dense({ units: 64, activation: 'relu' }));
  model.add(layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: optimizers.adam(), loss: 'categoricalCrossentropy' });
  const batch = 64;
  const x = new Float32Array(batch * 784).map((_, i) => (i % 7) / 7), y = new Float32Array(batch * 10).map((_, i) => (i % 10 === 0 ? 1 : 0));
  model.trainOnBatch(x, y);
  const params = model.countParams();
  // Weights and Adam's two moments are double-buffered (an update is adopted only when finite), plus
  // the gradients; activations: input and label staging plus z, a and gradient per layer.
  const activations = batch * (784 + 10 + 3 * (128 + 64 + 10));
  const needed = 4 * (params * (2 + 1 + 2 * 2) + activations);
  const used = core.memory.buffer.byteLength;
  expect(used).toBeLessThanOrEqual(1.25 * needed + 2 ** 20);

  // fit() stages its data set on top, then releases it; the model's buffers are reused as they are.
  await model.fit(x, y, { epochs: 2, batchSize: batch });
  const afterFirst = core.memory.buffer.byteLength;
  const top = core.heap_top();
  await model.fit(x, y, { epochs: 2, batchSize: batch });
  expect(core.memory.buffer.byteLength).toBe(afterFirst);
  expect(core.heap_top()).toBe(top);

  // Inference keeps each dense kernel packed between calls (assembly/network.ts net_reserve_packed):
  // one more copy of the kernels, each layer's units rounded up to whole 8-column strips, taken by
  // the first predict() and reused by every inference after it.
  const packed = 4 * (784 * 128 + 128 * 64 + 64 * 16);
  model.predict(x);
  expect(core.heap_top() - top).toBeLessThanOrEqual(packed + 16);
  expect(core.memory.buffer.byteLength).toBeLessThanOrEqual(1.25 * (needed + packed) + 2 ** 20);
  const afterPredict = core.heap_top();
  model.predict(x, { batchSize: 16 });
  model.evaluate(x, y);
  await model.fit(x, y, { epochs: 1, batchSize: batch, validationSplit: 0.5 });
  expect(core.heap_top()).toBe(afterPredict);
});

it('net_bytes (what bench/memory.js reports) counts each of the model\'s blocks exactly', () => {
  const core = wasm();
  const model = sequential({ inputShape: [784], seed: 1 });
  model.add(layers.dense({ units: 128, activation: 'relu' }));
  model.add(layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: optimizers.adam(), loss: 'categoricalCrossentropy' });
  const batch = 32, x = new Float32Array(batch * 784), y = new Float32Array(batch * 10).fill(0.1);
  model.trainOnBatch(x, y);
  const net = (model as unknown as { owned: { net: number } }).owned.net;
  const block = (bytes: number) => Math.ceil((bytes + 16) / 16) * 16; // the allocator's header and rounding
  const params = model.countParams();
  expect(core.net_bytes(net, 0)).toBe(3 * block(4 * params)); // weights, their next copy, gradients
  expect(core.net_bytes(net, 1)).toBe(2 * block(2 * 4 * params)); // Adam's m and v, and their next copy
  // Activations: input, labels (and their second copy for several outputs: none here), sample weights,
  // and per layer z, a and the gradient.
  expect(core.net_bytes(net, 2)).toBeGreaterThanOrEqual(4 * batch * (784 + 10 + 1 + 2 * (128 + 10)));
  expect(core.net_bytes(net, 3)).toBe(0); // nothing packed before the first inference
  model.predict(x);
  expect(core.net_bytes(net, 3)).toBe(block(4 * (784 * 128 + 128 * 16)));
  expect(core.net_bytes(net, 4)).toBeGreaterThan(0);
  model.dispose();
});

it('activations too large for Wasm memory are a ValueError, and nothing else is touched', () => {
  const bystander = sequential({ inputShape: [2], seed: 1 });
  bystander.add(layers.dense({ units: 3 }));
  const before = bystander.getWeights();
  const wide = sequential({ inputShape: [1], seed: 1 });
  wide.add(layers.dense({ units: 100_000 }));
  wide.add(layers.dense({ units: 1 }));
  const x = new Float32Array(3600);
  wide.predict(x.subarray(0, 10));
  expect(() => wide.predict(x, { batchSize: 3600 })).toThrow(/activations for 3600 rows do not fit in Wasm memory/);
  expect(wide.predict(x.subarray(0, 10)).length).toBe(10);
  expect(bystander.getWeights()).toEqual(before);
});

it('fit allocates no JavaScript memory per step: no garbage collection in 200,000 steps', async () => {
  const model = sequential({ inputShape: [2], seed: 1 });
  model.add(layers.dense({ units: 8, activation: 'tanh' }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
  const rows = 800_000;
  const x = new Float32Array(rows * 2).map((_, i) => (i * 7919) % 3 === 0 ? 1 : 0);
  const y = new Float32Array(rows).map((_, i) => (x[2 * i] !== x[2 * i + 1] ? 1 : 0));
  await model.fit(x.subarray(0, 4000), y.subarray(0, 2000), { epochs: 2, batchSize: 4 }); // warm up and optimize
  const collectionsDuring = async (config: object) => {
    // fit() stages the 800,000 rows in Wasm memory, which may have to grow for them: V8 counts that
    // growth as external memory and may start a collection for it. Grown here first, the memory
    // stays grown, and what is measured is JavaScript allocation alone.
    const core = wasm();
    core.free(core.alloc(16 << 20));
    let collections = 0;
    const observer = new PerformanceObserver((list) => { collections += list.getEntries().length; });
    collectGarbage();
    observer.observe({ entryTypes: ['gc'] });
    await model.fit(x, y, { epochs: 1, batchSize: 4, ...config }); // 200,000 steps
    await new Promise((resolve) => setImmediate(resolve));
    observer.disconnect();
    return collections;
  };
  expect(await collectionsDuring({})).toBe(0);
  // The probe sees allocation: a batch callback gets a fresh logs object every step.
  expect(await collectionsDuring({ callbacks: { onBatchEnd: () => {} } })).toBeGreaterThan(0);
});

it('creating, training and disposing 10,000 small models keeps Wasm memory flat', async () => {
  const core = wasm();
  const cycle = () => {
    const model = sequential({ inputShape: [2], seed: 1 });
    model.add(layers.dense({ units: 8, activation: 'tanh' }));
    model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    model.trainOnBatch(new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]), new Float32Array([0, 1, 1, 0]));
    model.predict(new Float32Array([0, 1, 1, 0])); // its packed kernels go with it too
    model.dispose();
  };
  cycle();
  const top = core.heap_top(), bytes = core.memory.buffer.byteLength;
  for (let i = 0; i < 10_000; i++) cycle();
  expect(core.heap_top()).toBe(top);
  expect(core.memory.buffer.byteLength).toBe(bytes);
});

it('two models fitting at once (interleaved) end as each would alone', async () => {
  const data = (seed: number) => {
    const x = new Float32Array(64 * 3).map((_, i) => Math.sin(i * seed)), y = new Float32Array(64).map((_, i) => Math.cos(i * seed));
    return { x, y };
  };
  const build = (seed: number) => {
    const model = sequential({ inputShape: [3], seed });
    model.add(layers.dense({ units: 16, activation: 'tanh' }));
    model.add(layers.dropout({ rate: 0.2 }));
    model.add(layers.dense({ units: 1 }));
    model.compile({ optimizer: 'adam', loss: 'mse' });
    return model;
  };
  const alone = await Promise.all([1, 2].map(async (seed) => {
    const model = build(seed);
    const { x, y } = data(seed);
    await model.fit(x, y, { epochs: 20, batchSize: 8 });
    return model.getWeights();
  }));
  const a = build(1), b = build(2);
  // Batch callbacks make each fit yield every batch, so the two interleave step by step.
  const tick = { onBatchEnd: () => new Promise<void>((resolve) => setImmediate(resolve)) };
  await Promise.all([
    a.fit(data(1).x, data(1).y, { epochs: 20, batchSize: 8, callbacks: tick }),
    b.fit(data(2).x, data(2).y, { epochs: 20, batchSize: 8, callbacks: tick }),
  ]);
  expect(a.getWeights()).toEqual(alone[0]);
  expect(b.getWeights()).toEqual(alone[1]);
});

it('models dropped without dispose() give their Wasm memory back once garbage-collected', async () => {
  const core = wasm();
  const make = () => {
    const model = sequential({ inputShape: [64], seed: 1 });
    model.add(layers.dense({ units: 256 }));
    model.compile({ optimizer: 'adam', loss: 'mse' });
    model.trainOnBatch(new Float32Array(64), new Float32Array(256));
  };
  make();
  collectGarbage();
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  const top = core.heap_top();
  for (let i = 0; i < 50; i++) make(); // about 19 MiB of parameters, gradients and moments, never disposed
  for (let round = 0; round < 20 && core.heap_top() > top; round++) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(core.heap_top()).toBeLessThanOrEqual(top);
});

it('a model too large for WebAssembly is refused before anything is allocated', () => {
  const core = wasm();
  const top = core.heap_top();
  const model = sequential({ inputShape: [40_000], seed: 1 });
  model.add(layers.dense({ units: 20_000 }));
  expect(() => model.getWeights()).toThrow(/800020000 parameters need [\d.]+ GiB of Wasm memory/);
  expect(core.heap_top()).toBe(top);
});
