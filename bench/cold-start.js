// Cold start: from importing the library to the end of the first training step of a small model
// (XOR 2-8-1, Adam, one batch of 4), each sample in a fresh process (Node) or a fresh browser
// context (headless Chromium), neurite and TF.js's wasm backend in alternating rounds. Phases:
// import, ready (neurite's ready(); TF.js's setBackend('wasm')), building and compiling the model,
// the first trainOnBatch. Medians. Run by bench/run.js (--only cold-start), or alone:
//   node bench/cold-start.js [--quick]
// Node loads neurite as its users get it: dist/neurite.js, which the exports map gives Node.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { neuriteColdStart, tfjsColdStart } from './cold-start-steps.js';
import { formatRatio, renderTable } from './report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PHASES = ['import', 'ready', 'model', 'step', 'total'];
const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, child: { type: 'string' } } });

if (args.child) {
  console.log(JSON.stringify(args.child === 'neurite'
    ? await neuriteColdStart(() => import(new URL('../dist/neurite.js', import.meta.url).href))
    : await tfjsColdStart(async () => {
      const tf = await import('@tensorflow/tfjs');
      await import('@tensorflow/tfjs-backend-wasm');
      tf.enableProdMode();
      return tf;
    })));
} else {
  const rounds = args.quick ? 3 : 9;
  const node = await alternate(rounds, (library) => JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', library], { encoding: 'utf8' })));
  const chromium = await inChromium(rounds);
  console.log(report(node, chromium, rounds));
}

/** `rounds` samples of each library, neurite and TF.js taking turns (a busy spell hits both). */
async function alternate(rounds, sample) {
  const samples = { neurite: [], 'tfjs-wasm': [] };
  for (let r = 0; r < rounds; r++) for (const library of Object.keys(samples)) samples[library].push(await sample(library));
  return samples;
}

/** The same in headless Chromium: each sample a fresh browser context (nothing cached), pages served from localhost. */
async function inChromium(rounds) {
  const { CHROMIUM_PATH, launchChromium } = await import('../tools/chromium.js');
  if (!existsSync(CHROMIUM_PATH)) return undefined;
  const { serve } = await import('../tools/static-server.js');
  const [server, browser] = await Promise.all([serve(ROOT), launchChromium()]);
  const pages = { neurite: 'bench/pages/cold-start.html', 'tfjs-wasm': 'bench/pages/cold-start-tfjs.html' };
  try {
    return await alternate(rounds, async (library) => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(server.url + pages[library]);
        const result = await page.evaluate(() => window.result);
        if (result.error) throw new Error(`${library} in Chromium: ${result.error}`);
        return result;
      } finally {
        await context.close();
      }
    });
  } finally {
    await browser.close();
    await server.close();
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b), mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function report(node, chromium, rounds) {
  const rows = [];
  for (const [where, samples] of [['Node', node], ['Chromium', chromium]]) {
    if (!samples) continue;
    const medians = Object.fromEntries(Object.entries(samples).map(([library, runs]) => [library, Object.fromEntries(PHASES.map((p) => [p, median(runs.map((s) => s[p]))]))]));
    for (const [library, m] of Object.entries(medians)) {
      rows.push([`${where}, ${library} (${samples[library][0].build})`, ...PHASES.map((p) => m[p].toFixed(1)), library === 'neurite' ? '—' : formatRatio(m.total / medians.neurite.total)]);
    }
  }
  const note = chromium ? '' : '\n  (Chromium: not found at CHROMIUM_PATH, skipped)';
  return `cold start, ms (median of ${rounds} fresh processes / browser contexts; total: import → first step done)\n`
    + renderTable(['where, library (build)', ...PHASES, 'peer ÷ neurite'], rows) + note;
}
