import { afterEach, beforeAll, expect, it } from 'vitest';
import type { Core } from '../../src/wasm.js';
import { random, randomArray } from '../reference.js';
import { freeAll, get, loadCore, put } from './core.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });
afterEach(freeAll);

it.each([1, 4, 7, 33])('sgd_update over %i parameters: θ ← θ − lr·g', (n) => {
  const theta = randomArray(n, random(n)), g = randomArray(n, random(n + 1));
  const p = put(theta);
  core.sgd_update(p, put(g), n, 0.1);
  const out = get(p, n);
  for (let i = 0; i < n; i++) expect(out[i]).toBeCloseTo(theta[i] - 0.1 * g[i], 6);
});

it.each([1, 4, 7, 33])('adam_update over %i parameters matches the textbook rule for 5 steps', (n) => {
  const lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-7;
  const theta = Float64Array.from(randomArray(n, random(n)));
  const m = new Float64Array(n), v = new Float64Array(n);
  const pp = put(theta), pm = put(n), pv = put(n);
  for (let t = 1; t <= 5; t++) {
    const g = randomArray(n, random(100 * t + n));
    core.adam_update(pp, put(g), pm, pv, 0, n, lr, b1, b2, eps, t);
    for (let i = 0; i < n; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      theta[i] -= (lr * (m[i] / (1 - b1 ** t))) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
    }
  }
  const out = get(pp, n);
  for (let i = 0; i < n; i++) expect(out[i]).toBeCloseTo(theta[i], 5);
  // The first Adam step moves every weight by about lr, whatever the gradient's scale.
});
