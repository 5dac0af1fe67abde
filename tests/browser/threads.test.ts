// The threaded build in headless Chromium: a cross-origin isolated page starts two threads and
// trains bitwise as on one; a page that is not isolated has no SharedArrayBuffer and stays on
// one thread.
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pageResult } from './page.js';
// @ts-expect-error: plain JavaScript helpers without type declarations
import { serve } from '../../tools/static-server.js';
// @ts-expect-error: plain JavaScript helpers without type declarations
import { launchChromium } from '../../tools/chromium.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let browser: Browser;

beforeAll(async () => { browser = await launchChromium(); });
afterAll(async () => { await browser?.close(); });

async function open(isolated: boolean): Promise<any> {
  const server = await serve(root, { isolated });
  try {
    return await pageResult(browser, `${server.url}tests/browser/pages/threads.html`);
  } finally {
    await server.close();
  }
}

it('on a cross-origin isolated page, two threads train bitwise as one, and so does workerTrainer\'s worker on two threads of its own', async () => {
  const result = await open(true);
  // Chromium has relaxed SIMD: the threaded relaxed build.
  expect(result).toMatchObject({ isolated: true, build: 'threads-relaxed', threads: 2, identical: true, finite: true, mayBlock: false, workerThreads: 2, workerIdentical: true });
});

it('without COOP/COEP there is no SharedArrayBuffer, and neurite stays on one thread', async () => {
  const result = await open(false);
  expect(result.isolated).toBe(false);
  expect(result.build).not.toMatch(/^threads/);
  expect(result.threads).toBe(1);
});
