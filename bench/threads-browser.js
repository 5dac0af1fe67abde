// bench/threads.js's question in headless Chromium: neurite on one thread and on two, on a
// cross-origin isolated page (bench/pages/threads.html). Run by bench/run.js (--only
// threads-chromium), or alone:
//   node bench/threads-browser.js [--quick] [--only <substring of a workload's label>, repeatable]
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CHROMIUM_PATH, launchChromium } from '../tools/chromium.js';
import { serve } from '../tools/static-server.js';
import { formatNumber, formatRatio, renderTable } from './report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string', multiple: true } } });

if (!existsSync(CHROMIUM_PATH)) {
  console.log(`threads in Chromium — skipped: no Chromium at ${CHROMIUM_PATH}`);
  process.exit(0);
}
const [server, browser] = await Promise.all([serve(ROOT, { isolated: true }), launchChromium()]);
try {
  const page = await browser.newPage();
  const query = new URLSearchParams({ ...(args.quick && { quick: '' }), ...(args.only && { only: args.only.join(',') }) });
  await page.goto(`${server.url}bench/pages/threads.html?${query}`);
  const result = await page.evaluate(() => window.result);
  if (result.error) throw new Error(`bench/pages/threads.html: ${result.error}`);
  if (result.threads !== 2) throw new Error(`the page got ${result.threads} thread(s), not 2 (cross-origin isolated: ${result.crossOriginIsolated})`);
  const table = result.rows.map(([label, one, two]) => [label, formatNumber(one), formatNumber(two), formatRatio(two / one)]);
  console.log(`threads in Chromium — the '${result.build}' build on a cross-origin isolated page, 1 and 2 threads (${args.quick ? 'quick' : 'full'} run; CNN inputs random)`);
  console.log(renderTable(['workload', '1 thread', '2 threads', '2 ÷ 1'], table));
} finally {
  await browser.close();
  await server.close();
}
