// neurite against its peers — TF.js (cpu and wasm backends), brain.js, ConvNetJS and plain JavaScript — on
// identical workloads, in one process, one library at a time. Prints a table per workload and a
// Markdown summary for the README. Never part of `npm test`.
//
//   npm run bench                      full run, a few minutes
//   npm run bench -- --quick           under a minute, noisier
//   node bench/run.js --only xor,gemm  some workloads only (xor, mnist-mlp, wide, gemm, cnn, seq, residual, threads, threads-chromium, cold-start, memory)
//   node bench/run.js --build simd     force neurite's plain-SIMD build (default: what ready() picks)
//
// Run it with --experimental-wasm-relaxed-simd on Node 20 to measure the relaxed-SIMD peak (and
// let neurite load its relaxed build).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as neurite from '../dist/index.js';
import * as core from '../dist/wasm.js';
import { BUDGETS } from './measure.js';
import { compilePeaks } from './peak.js';
import { renderMarkdown } from './report.js';
import { cnn } from './workloads/cnn.js';
import { gemm } from './workloads/gemm.js';
import { mnist } from './workloads/mnist.js';
import { residual } from './workloads/residual.js';
import { seq } from './workloads/seq.js';
import { wide } from './workloads/wide.js';
import { xor } from './workloads/xor.js';

const WORKLOADS = { xor, 'mnist-mlp': mnist, wide, gemm, cnn, seq, residual, threads, 'threads-chromium': (ctx) => script('bench/threads-browser.js', ctx), 'cold-start': coldStart, memory: memoryUse };

/** 1 and 2 threads: bench/threads.js in a process of its own, since ready() loads one build per process. */
async function threads(ctx) {
  const text = execFileSync(process.execPath, [...process.execArgv, join(ROOT, 'bench/threads.js'), ...(ctx.mode === 'quick' ? ['--quick'] : [])], { encoding: 'utf8' });
  const [table] = text.split('\n\n');
  return { title: table.split('\n')[0], text: table.split('\n').slice(1).join('\n'), summary: [] };
}
/** Import to first training step, in fresh processes and browser contexts: bench/cold-start.js. */
async function coldStart(ctx) {
  return script('bench/cold-start.js', ctx);
}

/** Wasm memory against each model's blocks, a fresh process per model: bench/memory.js. */
async function memoryUse(ctx) {
  return script('bench/memory.js', ctx);
}

/** A benchmark that runs its own processes: its first line is the title, the rest its table. */
function script(file, ctx) {
  const text = execFileSync(process.execPath, [join(ROOT, file), ...(ctx.mode === 'quick' ? ['--quick'] : [])], { encoding: 'utf8' });
  return { title: text.split('\n')[0], text: text.split('\n').slice(1).join('\n').trimEnd(), summary: [] };
}
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    build: { type: 'string' },
  },
});
const names = args.only ? args.only.split(',') : Object.keys(WORKLOADS);
const unknown = names.filter((name) => !(name in WORKLOADS));
if (unknown.length) throw new Error(`--only: unknown workload ${unknown.join(', ')}; choose from ${Object.keys(WORKLOADS).join(', ')}`);

const started = performance.now();
const ctx = await setUp();
console.log(header(ctx));
const summary = [];
const footers = [];
for (const name of names) {
  const result = await WORKLOADS[name](ctx);
  console.log(`\n${result.title}\n${result.text}`);
  summary.push(...result.summary);
  if (result.footer) footers.push(result.footer);
}
console.log(`\nSummary (Markdown; neurite ÷ peer = how many times neurite's throughput)\n\n${renderMarkdown(summary, footers.join('\n'))}`);
console.log(`\nfinished in ${((performance.now() - started) / 1000).toFixed(0)} s`);

/** Loads neurite and the peers, compiles the peak loops. */
async function setUp() {
  await neurite.ready(args.build ? { build: args.build } : {});
  const tf = await import('@tensorflow/tfjs');
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  tf.enableProdMode(); // skips TF.js's debug-time checks (and its "install tfjs-node" banner)
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false); // one thread, like neurite
  await tf.setBackend('wasm');
  return {
    mode: args.quick ? 'quick' : 'full',
    budget: args.quick ? BUDGETS.quick : BUDGETS.full,
    neurite,
    core,
    // Builds before wasmBuild() existed had only the plain-SIMD one.
    build: neurite.wasmBuild?.() ?? 'simd',
    tf,
    tfjsWasmThreads: getThreadsCount(),
    brain: require('brain.js'),
    convnetjs: require('convnetjs'),
    peaks: await compilePeaks(),
  };
}

function header({ mode, budget, build, tf, tfjsWasmThreads, peaks }) {
  const cpus = os.cpus();
  const wasmFile = build === 'relaxed' ? 'dist/neurite.relaxed.wasm' : 'dist/neurite.wasm';
  const wasmPath = join(ROOT, wasmFile);
  const { size, mtime } = statSync(wasmPath);
  const hash = createHash('sha256').update(readFileSync(wasmPath)).digest('hex').slice(0, 12);
  const lines = [
    `neurite benchmarks — ${mode} run; per task: warm-up ≥ ${budget.warmupTime} ms and ≥ ${budget.warmupIterations} calls, then ≥ ${budget.time} ms and ≥ ${budget.iterations} calls`,
    `machine  ${cpus[0].model}, ${cpus.length} cores, ${os.platform()} ${os.arch()}`,
    `node     ${process.version} (V8 ${process.versions.v8}); relaxed SIMD ${peaks.relaxed.unavailable ? 'not available' : 'available'}`,
    `neurite  '${build}' build: ${wasmFile} (${(size / 1024).toFixed(1)} KiB, built ${mtime.toISOString()}, sha256 ${hash}); ${gitDescription()}`,
    `peers    @tensorflow/tfjs ${tf.version.tfjs} in prod mode (cpu backend; wasm backend: SIMD, ${tfjsWasmThreads} thread), brain.js ${require('brain.js/package.json').version}, ConvNetJS ${require('convnetjs/package.json').version}`,
  ];
  const stale = staleness(wasmPath);
  if (stale) lines.push(`warning  ${stale}`);
  return lines.join('\n');
}

function gitDescription() {
  try {
    const git = (...gitArgs) => execFileSync('git', ['-C', ROOT, ...gitArgs], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--', 'assembly', 'src') ? ', with uncommitted changes in assembly/ or src/' : '';
    return `git ${git('rev-parse', '--short', 'HEAD')}${dirty}`;
  } catch {
    return 'not a git checkout';
  }
}

/** Says so when dist/ is older than the sources it is built from. */
function staleness(wasmPath) {
  const newest = (dir) => Math.max(...readdirSync(join(ROOT, dir), { recursive: true }).filter((f) => f.endsWith('.ts')).map((f) => statSync(join(ROOT, dir, f)).mtimeMs));
  const older = [
    statSync(wasmPath).mtimeMs < newest('assembly') && 'assembly/',
    statSync(join(ROOT, 'dist/index.js')).mtimeMs < newest('src') && 'src/',
  ].filter(Boolean);
  return older.length ? `dist/ is older than ${older.join(' and ')}: these numbers are for the last build (npm run build)` : '';
}
