// save(): the model's artifacts, written where the target says. Loaded by Sequential.save() on
// first use, so an app that never saves does not download the format or any handler.
import { toArtifacts } from './artifacts.js';
import { saveTo } from './router.js';
import type { HttpOptions, ModelArtifacts, ModelState, SaveTarget } from './types.js';

/** Serialises what save() read of a model and writes it to `target`; see Sequential.save(). */
export async function saveModel(model: ModelState, target: SaveTarget | undefined, includeOptimizer: boolean, http: HttpOptions = {}): Promise<ModelArtifacts> {
  const artifacts = toArtifacts(model, includeOptimizer);
  if (target !== undefined) await saveTo(target, artifacts, http);
  return artifacts;
}
