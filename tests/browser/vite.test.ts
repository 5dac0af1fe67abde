// neurite in apps built by Vite with no configuration, from an `npm pack` of this checkout: they
// find and load the .wasm, train on the main thread and in a Worker, and what the basic app
// downloads stays under the size limit. Runs after `npm run build`.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript helpers without type declarations
import { launchChromium } from '../../tools/chromium.js';
// @ts-expect-error: plain JavaScript helpers without type declarations
import { serve } from '../../tools/static-server.js';
// @ts-expect-error: plain JavaScript helpers without type declarations
import { buildApp, packNeurite } from '../../tools/vite-app.js';
// @ts-expect-error: plain JavaScript helpers without type declarations
import { downloads } from '../../tools/bundle-size.js';

/**
 * The limit for JS + wasm a browser app downloads, gzipped. It was 40 KB (target 30 KB) while the
 * core held dense kernels only, then 48 KB with the convolutional, normalization, pooling,
 * embedding and recurrent kernels; the masks, bidirectional, merge and preprocessing kernels share
 * the one Wasm module (26.4 KB gzip), while the JS of unused layers is tree-shaken. Loading kernels
 * in modules an app fetches on demand is the way back under 30 KB.
 */
const LIMIT_BYTES = 60 * 1024;

let browser: Browser;
let pack: { dir: string; remove(): void };

beforeAll(async () => {
  browser = await launchChromium();
  pack = packNeurite();
});
afterAll(async () => {
  await browser?.close();
  pack?.remove();
});

async function run(app: string) {
  const out = await buildApp(pack.dir, app);
  const server = await serve(out);
  try {
    return await downloads(browser, server.url);
  } finally {
    await server.close();
  }
}

function expectTrainedXor(result: any) {
  expect(result.error).toBeUndefined();
  expect(result.build).toBe('relaxed');
  expect(result.loss.at(-1)).toBeLessThan(result.loss[0] / 10);
  expect(result.prediction.map(Math.round)).toEqual([0, 1, 1, 0]);
}

it(`a Vite app trains, and downloads at most ${LIMIT_BYTES / 1024} KB gzip of JS and wasm`, async () => {
  const { result, files } = await run('basic-app');
  expectTrainedXor(result);
  const paths = files.map((f: { path: string }) => f.path);
  expect(paths.filter((p: string) => p.endsWith('.wasm'))).toHaveLength(1); // one build, not both
  const total = files.reduce((n: number, f: { gzip: number }) => n + f.gzip, 0);
  console.log(`basic Vite app downloads ${total} bytes gzip: ${files.map((f: { path: string; gzip: number }) => `${f.path} ${f.gzip}`).join(', ')}`);
  expect(total).toBeLessThanOrEqual(LIMIT_BYTES);
});

it('a Vite app trains in a Worker with workerTrainer', async () => {
  const { result, files } = await run('worker-app');
  expectTrainedXor(result);
  expect(files.some((f: { path: string }) => /worker-entry.*\.js$/.test(f.path))).toBe(true);
});
