// A Node-only TypeScript project (lib ES2022, types node, no DOM, skipLibCheck off) using neurite's
// public types; tests/browser/bundlers.test.ts runs tsc on it against the packed package.
import { ready, sequential, layers, workerTrainer, DivergenceError, NeuriteError, type WasmSource, type WorkerTrainerOptions } from 'neurite';

await ready({ build: 'simd' });
const model = sequential({ inputShape: [2] });
model.add(layers.dense({ units: 1 }));
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
const wasm: WasmSource = new URL('./neurite.wasm', import.meta.url);
const options: WorkerTrainerOptions = { build: 'simd', wasm };
const trainer = await workerTrainer(model, options);
try {
  await trainer.fit(new Float32Array([0, 1]), new Float32Array([1]), { epochs: 1 });
} catch (err: unknown) {
  if (err instanceof DivergenceError) console.log(err.epoch, err.batch, err.loss);
  else if (err instanceof NeuriteError) console.log(err.name);
}
trainer.terminate();
