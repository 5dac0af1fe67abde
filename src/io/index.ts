// Saving and loading models in TensorFlow.js's layers-model format. Sequential.save() loads
// save.ts when first called; loadModel and the types are what the package exports.
export { loadModel } from './load.js';
export type { ModelArtifacts, WeightSpec, SaveTarget, SaveOptions, LoadSource } from './types.js';
