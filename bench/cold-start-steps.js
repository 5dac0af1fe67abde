// The cold-start measurement itself, shared by bench/cold-start.js (Node) and the pages in
// bench/pages/ (Chromium): the time to load a library, get it ready, build and compile XOR 2-8-1
// (Adam, binary cross-entropy), and finish its first training step on one batch of 4, in ms.

const X = [0, 0, 0, 1, 1, 0, 1, 1], Y = [0, 1, 1, 0];

/** neurite: `load()` resolves to the module (its import is what is timed first). */
export async function neuriteColdStart(load) {
  const t0 = performance.now();
  const { ready, sequential, layers, wasmBuild } = await load();
  const t1 = performance.now();
  await ready();
  const t2 = performance.now();
  const model = sequential({ inputShape: [2], seed: 42 });
  model.add(layers.dense({ units: 8, activation: 'tanh' }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const t3 = performance.now();
  const loss = model.trainOnBatch(new Float32Array(X), new Float32Array(Y));
  const t4 = performance.now();
  return { build: wasmBuild(), loss, import: t1 - t0, ready: t2 - t1, model: t3 - t2, step: t4 - t3, total: t4 - t0 };
}

/** TF.js: `load()` resolves to tf with the wasm backend registered; `wasmPaths` where its .wasm files are (browsers). */
export async function tfjsColdStart(load, wasmPaths) {
  const t0 = performance.now();
  const tf = await load();
  const t1 = performance.now();
  if (wasmPaths) tf.wasm.setWasmPaths(wasmPaths);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await tf.setBackend('wasm');
  const t2 = performance.now();
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const t3 = performance.now();
  const loss = await model.trainOnBatch(tf.tensor2d(X, [4, 2]), tf.tensor2d(Y, [4, 1]));
  const t4 = performance.now();
  return { build: tf.getBackend(), loss, import: t1 - t0, ready: t2 - t1, model: t3 - t2, step: t4 - t3, total: t4 - t0 };
}
