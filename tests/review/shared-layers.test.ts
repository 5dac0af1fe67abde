// DEFECT (medium): one layer in two models — TF.js's usual encoder / full-model pattern
// (`encoder = tf.model({inputs: x, outputs: z})`, then `full = tf.model({inputs: x, outputs: f(z)})`)
// — is accepted, but the two models get separate weights (TF.js shares them: training `full` trains
// the encoder), and the layer object belongs to whichever model was made last, so
// encoder.getLayer(0).getWeights() returns full's weights, not encoder's: the first model
// contradicts itself. Unnamed layers keep the name the first model gave them, so a second graph that
// puts a new unnamed layer first refuses the pair: `two layers are named "dense_1"` (TF.js names
// layers uniquely). The README lists "a layer applied twice (shared weights)" as not yet supported,
// but not a layer in two models. Suggested fix: refuse a layer that already belongs to another
// (undisposed) model with a ValueError saying sharing is not supported yet — or share the weights —
// and document it; name unnamed layers uniquely (as TF.js's global counters do).
import { beforeAll, expect, it } from 'vitest';
import { ready, model, input, layers } from '../../src/index.js';

beforeAll(async () => {
  await ready();
});

it('a model\'s layer.getWeights() agrees with the model\'s getWeights() after the layer is used in a second model', () => {
  const x = input({ shape: [3] });
  const z = layers.dense({ units: 2, activation: 'tanh' }).apply(x);
  const encoder = model({ inputs: x, outputs: z, seed: 1 });
  const full = model({ inputs: x, outputs: layers.dense({ units: 3 }).apply(z), seed: 2 });
  const mine = Array.from(encoder.getWeights()[0]);
  full.getWeights();
  expect(Array.from(encoder.getLayer(0).getWeights()[0])).toEqual(mine);
});

it('a second graph reusing an unnamed layer of a first one is not refused for a name clash', () => {
  const x = input({ shape: [3] });
  const d1 = layers.dense({ units: 2 }).apply(x);
  model({ inputs: x, outputs: d1 });
  const d0 = layers.dense({ units: 2 }).apply(x);
  expect(() => model({ inputs: x, outputs: layers.add().apply([d0, d1]) })).not.toThrow(/two layers are named/);
});
