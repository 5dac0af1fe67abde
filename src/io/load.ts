// loadModel(): reads artifacts from where the source says, checks all of it (artifacts.ts parse)
// before creating the model, and disposes the model if building it fails: a caller's models are
// never touched, and no half-loaded model escapes.
import { NeuriteError } from '../errors.js';
import { model as graphModel, sequential, type LayersModel, type Prediction } from '../model.js';
import { isSchedule } from '../schedules.js';
import { parse } from './read.js';
import { readSource } from './router.js';
import type { LoadOptions, LoadSource } from './types.js';

/** See loadModel in index.ts, which loads this file when first called. */
export async function loadModel(source: LoadSource, options?: LoadOptions): Promise<LayersModel<Prediction>> {
  const { artifacts, origin } = await readSource(source, options);
  const plan = parse(artifacts, origin);
  const named = (err: unknown) => (err instanceof NeuriteError ? new (err.constructor as typeof NeuriteError)(`loadModel() ${origin}: ${err.message}`) : err);
  let model: LayersModel<Prediction>;
  try {
    model = plan.graph
      ? graphModel({ inputs: plan.graph.inputs, outputs: plan.graph.outputs, name: plan.name, seed: plan.seed })
      : sequential({ name: plan.name, inputShape: plan.inputShape, seed: plan.seed, layers: plan.layers });
  } catch (err) {
    throw named(err);
  }
  try {
    // Each layer's own weights, in the model's order: a graph's file may list its layers in
    // another order (TF.js's, by depth) than model() runs them in.
    model.setWeights(model.layers.flatMap((layer) => plan.weights.filter((_, i) => plan.weightLayers[i] === layer)));
    if (plan.compile) {
      model.compile(plan.compile);
      if (plan.training) {
        model.setOptimizerState(plan.training.state);
        if (!isSchedule(plan.compile.optimizer.learningRate)) model.learningRate = plan.training.learningRate;
      }
    }
    return model;
  } catch (err) {
    model.dispose();
    throw named(err);
  }
}
