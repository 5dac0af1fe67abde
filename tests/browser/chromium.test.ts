// neurite in headless Chromium (Debian's, driven by playwright-core): a plain page trains with no
// configuration, and the numeric cases give bit-identical weights in Chromium and in Node for the
// same seed, on both Wasm builds. The pages load dist/, so this runs after `npm run build`.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageResult as openPage } from './page.js';
// @ts-expect-error: plain JavaScript helpers without type declarations
import { serve } from '../../tools/static-server.js';
// @ts-expect-error: plain JavaScript helpers without type declarations
import { launchChromium } from '../../tools/chromium.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let server: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([serve(root), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function pageResult(path: string): Promise<any> {
  return openPage(browser, server.url + path);
}

it('a plain <script type=module> page with an import map loads the Wasm core and trains XOR', async () => {
  const result = await pageResult('tests/browser/pages/train.html');
  expect(result.build).toBe('relaxed'); // Chromium runs relaxed SIMD, so ready() picks it
  expect(result.lastLoss).toBeLessThan(result.firstLoss / 10);
  expect(result.prediction.map((p: number) => Math.round(p))).toEqual([0, 1, 1, 0]);
});

it('cold start: a fresh page imports neurite, loads the core, builds a model and takes a training step (prints the time)', async () => {
  // The figure is printed, not asserted: times on a shared 2-core machine are noise. The
  // benchmark (`npm run bench -- --only cold-start`) compares it with TF.js in the same run.
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(server.url + 'bench/pages/cold-start.html');
    const result = await page.evaluate(() => (window as any).result);
    expect(result.error).toBeUndefined();
    expect(result.build).toBe('relaxed');
    expect(Number.isFinite(result.loss) && result.loss > 0).toBe(true);
    const phases = ['import', 'ready', 'model', 'step'];
    for (const phase of phases) expect(result[phase]).toBeGreaterThan(0);
    console.log(`Chromium cold start: ${result.total.toFixed(0)} ms to the first training step (${phases.map((p) => `${p} ${result[p].toFixed(0)}`).join(', ')})`);
  } finally {
    await context.close();
  }
});

describe.each(['simd', 'relaxed'])('the %s build', (build) => {
  it('gives bit-identical weights in Chromium and in Node for the same seed', async () => {
    const script = fileURLToPath(new URL('./fixtures/numeric-node.js', import.meta.url));
    const [inBrowser, { stdout }] = await Promise.all([
      pageResult(`tests/browser/pages/numeric.html?build=${build}`),
      promisify(execFile)(process.execPath, ['--experimental-wasm-relaxed-simd', script, build]),
    ]);
    const inNode = JSON.parse(stdout);
    expect(inBrowser.build).toBe(build);
    expect(inNode.build).toBe(build);
    expect(Object.keys(inBrowser.weights).length).toBeGreaterThan(3);
    for (const [name, weights] of Object.entries(inNode.weights as Record<string, number[]>)) {
      expect(weights.every(Number.isFinite), name).toBe(true);
      // toEqual on numbers is Object.is: bit-for-bit, as float32 values survive JSON exactly.
      expect(inBrowser.weights[name], name).toEqual(weights);
    }
  });
});

it('workerTrainer trains in a module Worker while the page keeps animating, and stops on request', async () => {
  const r = await pageResult('tests/browser/pages/worker.html');
  expect(r.epochs).toBeGreaterThan(1);
  expect(r.losses.length).toBe(r.epochs); // onEpochEnd reached the main thread once per epoch
  expect(r.losses.at(-1)).toBeLessThan(r.losses[0]);
  expect(r.elapsed).toBeGreaterThan(1000); // the fit ran until stop() at 1.5 s ...
  expect(r.elapsed).toBeLessThan(20_000); // ... and stop() ended it
  // The main thread stayed free: frames and 10 ms ticks kept coming, never stalled for long.
  expect(r.frames).toBeGreaterThan(20);
  expect(r.ticks).toBeGreaterThan(50);
  expect(r.maxGap).toBeLessThan(250);
  expect(r.transferred).toBe(true);
  expect(r.same).toBe(true);
});
