// What a browser downloads for an app that trains with neurite, gzipped: builds
// tests/browser/apps/basic-app with Vite, opens it in headless Chromium and adds up the gzip
// size of every response (HTML, JS, the one .wasm build ready() picks). `node tools/bundle-size.js`
// prints the table; tests/browser/vite.test.ts checks the limit. Needs `npm run build` first.
import { gzipSync } from 'node:zlib';
import { serve } from './static-server.js';
import { launchChromium } from './chromium.js';
import { buildApp, packNeurite } from './vite-app.js';

/** Opens `url` and resolves to { result, files: [{ path, bytes, gzip }] } once window.result settles. */
export async function downloads(browser, url) {
  const page = await browser.newPage();
  const files = [];
  // Each body is read as its response arrives; all are awaited before the page closes (a fast app
  // can settle window.result while the .wasm's body is still being read).
  const reading = [];
  page.on('response', (response) => {
    reading.push(response.body().then((body) => {
      if (response.status() === 200) files.push({ path: new URL(response.url()).pathname, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length });
    }, () => {}));
  });
  await page.goto(url);
  const result = await page.evaluate(() => window.result);
  await Promise.all(reading);
  await page.close();
  return { result, files };
}

/** Builds basic-app and measures it; the caller closes `browser`. */
export async function measureBasicApp(browser) {
  const pack = packNeurite();
  try {
    const out = await buildApp(pack.dir, 'basic-app');
    const server = await serve(out);
    try {
      return await downloads(browser, server.url);
    } finally {
      await server.close();
    }
  } finally {
    pack.remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const browser = await launchChromium();
  try {
    const { files } = await measureBasicApp(browser);
    const kb = (n) => (n / 1024).toFixed(1).padStart(6) + ' KB';
    for (const f of files) console.log(`${f.path.padEnd(48)} ${kb(f.bytes)} ${kb(f.gzip)} gzip`);
    const total = files.reduce((s, f) => s + f.gzip, 0);
    console.log(`${'total'.padEnd(48)} ${kb(files.reduce((s, f) => s + f.bytes, 0))} ${kb(total)} gzip`);
  } finally {
    await browser.close();
  }
}
