// Regression (found in review, fixed): a model() with more than 16 inputs (the core's MAX_MODEL_INPUTS) is accepted by
// model() and fails only when it is built (compile, predict, getWeights), with a misleading error
// naming a layer and an input count that are fine — `Add layer "add_2": too many inputs (2)` —
// because net_set_model_input's refusal is ignored and the next net_set_input fails instead. The
// failed build also leaks the Wasm network it created (net_create without net_free), about 2 KB per
// attempt. TF.js takes any number of inputs. The README does not mention the limit. Suggested fix:
// refuse more than 16 inputs in model() (and in loadModel) with a ValueError that says so, check
// net_set_model_input's result, and free the network when build() throws after net_create.
import { beforeAll, expect, it } from 'vitest';
import { ready, model, input, layers, ValueError } from '../../src/index.js';
import { wasm } from '../../src/wasm.js';

beforeAll(async () => {
  await ready();
});

function seventeenInputs() {
  const ins = Array.from({ length: 17 }, (_, i) => input({ shape: [2], name: `in${i}` }));
  const first = layers.add().apply(ins.slice(0, 16));
  return { ins, output: layers.dense({ units: 1 }).apply(layers.add().apply([first, ins[16]])) };
}

it('more inputs than the core takes: model() refuses them, saying how many it takes', () => {
  const { ins, output } = seventeenInputs();
  expect(() => model({ inputs: ins, outputs: output })).toThrow(ValueError);
  expect(() => model({ inputs: ins, outputs: output })).toThrow(/16 inputs/);
});

it('a build that fails leaves no Wasm memory behind', () => {
  const core = wasm();
  const attempt = () => {
    const { ins, output } = seventeenInputs();
    try {
      model({ inputs: ins, outputs: output }).getWeights();
    } catch {
      // refused, at model() or at the build
    }
  };
  attempt();
  const top = core.heap_top();
  for (let i = 0; i < 20; i++) attempt();
  expect(core.heap_top()).toBe(top);
});
