// neurite as users install it (an `npm pack` of this checkout, unpacked into an app's
// node_modules) in every setup the README's Bundlers section lists: each bundler builds the same
// small app (tests/bundlers/app), once, and headless Chromium runs it. The app trains XOR on the
// page and in a Worker (workerTrainer), and checks that a ShapeError on the page and a
// DivergenceError from the worker keep their class and fields in the minified bundle. Node's
// CommonJS require, Node's ES modules and a Node-only strict TypeScript project are checked on the
// same pack. The bundlers are tests/bundlers' own devDependencies (`npm ci --prefix tests/bundlers`,
// which .ci/run does, and this file does when they are missing). Runs after `npm run build`.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as vite8 from 'vite';
// @ts-expect-error: plain JavaScript helpers without type declarations
import { launchChromium } from '../../tools/chromium.js';
// @ts-expect-error: plain JavaScript helpers without type declarations
import { serve } from '../../tools/static-server.js';
// @ts-expect-error: plain JavaScript helpers without type declarations
import { packNeurite } from '../../tools/vite-app.js';

const FIXTURES = fileURLToPath(new URL('../bundlers/', import.meta.url));
if (!existsSync(join(FIXTURES, 'node_modules/.package-lock.json'))) {
  execFileSync('npm', ['ci', '--prefix', FIXTURES, '--no-audit', '--no-fund'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
// tests/bundlers' modules, which import its own bundlers.
const builds = await import(join(FIXTURES, 'build.js'));
const vite7 = await import(join(FIXTURES, 'node_modules/vite/dist/node/index.js'));

/** A policy as strict as a careful site sets: scripts, workers and fetches from the page's origin only. */
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'";

let browser: Browser;
let pack: { dir: string; remove(): void };

beforeAll(async () => {
  browser = await launchChromium();
  pack = packNeurite();
  builds.placeApp(pack.dir);
});
afterAll(async () => {
  await browser?.close();
  pack?.remove();
});

/** Opens `url` and returns window.result once it settles, with the page's uncaught errors. */
async function open(url: string): Promise<{ result: any; pageErrors: string[] }> {
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  try {
    await page.goto(url);
    return { result: await page.evaluate(() => (window as any).result), pageErrors };
  } finally {
    await page.close();
  }
}

async function openBuilt(out: string, options: { query?: string; isolated?: boolean; headers?: Record<string, string> } = {}) {
  const server = await serve(out, { isolated: options.isolated, headers: options.headers });
  try {
    return await open(`${server.url}${options.query ?? ''}`);
  } finally {
    await server.close();
  }
}

function expectTrained({ result, pageErrors }: { result: any; pageErrors: string[] }, threads = 1) {
  expect(pageErrors).toEqual([]);
  expect(result.error).toBeUndefined();
  expect(result.threads).toBe(threads);
  expect(result.build).toBe(threads > 1 ? 'threads-relaxed' : 'relaxed');
  expect(result.loss.at(-1)).toBeLessThan(result.loss[0] / 10);
  expect(result.prediction.map(Math.round)).toEqual([0, 1, 1, 0]);
  // The worker trains as the page does (the same build, handed the page's compiled module).
  expect(result.workerPrediction.map(Math.round)).toEqual([0, 1, 1, 0]);
  if (threads === 1) expect(result.workerLoss).toEqual(result.loss);
  // Error classes keep their names through the minifier, and the worker's error its class and fields.
  expect(result.shapeError).toEqual({ name: 'ShapeError', neurite: true, shape: true, divergence: false, epoch: undefined, batch: undefined, loss: 'undefined' });
  expect(result.divergence).toMatchObject({ name: 'DivergenceError', neurite: true, divergence: true, shape: false, epoch: 0 });
  expect(Number.isInteger(result.divergence.batch)).toBe(true);
  expect(Number.isFinite(Number(result.divergence.loss))).toBe(false);
}

describe('bundlers', () => {
  it('Vite 8 build, no configuration; threads under COOP/COEP and a strict CSP (the workers are files, not data: URLs)', async () => {
    const out = join(pack.dir, 'out/vite8');
    await builds.viteBuild(vite8, pack.dir, out);
    expectTrained(await openBuilt(out));
    expectTrained(await openBuilt(out, { query: '?threads=2', isolated: true, headers: { 'content-security-policy': CSP } }), 2);
  });

  it('Vite 7 build, with worker.format "es" (Vite ≤ 7 refuses its default iife for workerTrainer\'s worker)', async () => {
    const out = join(pack.dir, 'out/vite7');
    await builds.viteBuild(vite7, pack.dir, out, { worker: { format: 'es' } });
    expectTrained(await openBuilt(out));
  });

  it('Vite 8 dev server, no configuration', async () => {
    const server = await builds.viteDev(vite8, pack.dir, join(pack.dir, 'node_modules/.vite'));
    try {
      expectTrained(await open(server.url));
    } finally {
      await server.close();
    }
    rmSync(join(pack.dir, 'node_modules/.vite'), { recursive: true, force: true });
  });

  it('Vite 7 dev server: no configuration (its pre-bundled deps lack the files: neurite finds them in the package), or optimizeDeps.exclude', async () => {
    for (const config of [{}, { optimizeDeps: { exclude: ['neurite'] } }]) {
      const server = await builds.viteDev(vite7, pack.dir, join(pack.dir, 'node_modules/.vite'), config);
      try {
        expectTrained(await open(server.url));
      } finally {
        await server.close();
      }
      rmSync(join(pack.dir, 'node_modules/.vite'), { recursive: true, force: true });
    }
  });

  it('Vite 7 dev server with a cacheDir outside node_modules/.vite: an error that names the fix', async () => {
    const server = await builds.viteDev(vite7, pack.dir, join(pack.dir, 'node_modules/.cache-vite7'));
    try {
      const { result } = await open(server.url);
      expect(result.error).toMatch(/^ValueError: ready\(\): got an HTML page from .*\.cache-vite7\/deps\/neurite\.relaxed\.wasm .*optimizeDeps: \{ exclude: \['neurite'\] \}/);
    } finally {
      await server.close();
    }
  });

  it('webpack 5 production (terser), no configuration and no warnings; threads under COOP/COEP and a strict CSP', async () => {
    const out = join(pack.dir, 'out/webpack');
    const { warnings } = await builds.webpackBuild(pack.dir, out);
    expect(warnings).toEqual([]);
    expectTrained(await openBuilt(out));
    expectTrained(await openBuilt(out, { query: '?threads=2', isolated: true, headers: { 'content-security-policy': CSP } }), 2);
  });

  it('esbuild (minified), with neurite\'s two worker scripts as entry points and the .wasm files copied', async () => {
    const out = join(pack.dir, 'out/esbuild');
    const { warnings } = await builds.esbuildBuild(pack.dir, out);
    expect(warnings).toEqual([]);
    expectTrained(await openBuilt(out));
    expectTrained(await openBuilt(out, { query: '?threads=2', isolated: true }), 2);
  });

  it('rollup with node-resolve: no warnings (no circular dependency); worker entries and .wasm copied as for esbuild', async () => {
    const out = join(pack.dir, 'out/rollup');
    const { warnings } = await builds.rollupBuild(pack.dir, out);
    expect(warnings).toEqual([]);
    expectTrained(await openBuilt(out));
  });

  it('no bundler: an import map', async () => {
    expectTrained(await openBuilt(pack.dir, { query: 'importmap.html' }));
  });
});

describe('the package', () => {
  it('runs nothing at install: its package.json has no install-time script (prepare, preinstall, install, postinstall...) and there is no binding.gyp', () => {
    const packed = join(pack.dir, 'node_modules/neurite');
    const { scripts = {} } = JSON.parse(readFileSync(join(packed, 'package.json'), 'utf8'));
    const installTime = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare', 'dependencies'];
    expect(Object.keys(scripts).filter((name) => installTime.includes(name))).toEqual([]);
    // npm would add `install: node-gyp rebuild` for a binding.gyp.
    expect(existsSync(join(packed, 'binding.gyp'))).toBe(false);
  });

  it('its ES modules reach Node\'s process only as globalThis.process: Parcel takes a free `process` for a global to polyfill, and fails the build where it may not install one (in CI)', () => {
    const dist = join(pack.dir, 'node_modules/neurite/dist');
    const files = (readdirSync(dist, { recursive: true }) as string[]).filter((f) => f.endsWith('.js'));
    expect(files).toContain('worker.js');
    const found = files.flatMap((file) => {
      // Comments out (a // in a string cuts it short, which only hides text, never adds any).
      const code = readFileSync(join(dist, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
      return (code.match(/(?<![.\w$])(typeof\s+process\b|process\s*(\.|\?\.|\[))/g) ?? []).map((use) => `${file}: ${use}`);
    });
    expect(found).toEqual([]);
  });
});

describe('Node and TypeScript', () => {
  function nodeFixtures(): string {
    const dir = join(pack.dir, 'node');
    if (!existsSync(dir)) cpSync(join(FIXTURES, 'node'), dir, { recursive: true });
    return dir;
  }
  function node(script: string): any {
    const dir = nodeFixtures();
    return JSON.parse(execFileSync(process.execPath, [join(dir, script)], { cwd: dir, encoding: 'utf8' }));
  }
  function expectNodeTrained(result: any) {
    expect(result.build).toBe('simd');
    expect(result.loss.at(-1)).toBeLessThan(result.loss[0] / 10);
    expect(result.prediction.map(Math.round)).toEqual([0, 1, 1, 0]);
    expect(result.divergence).toMatchObject({ name: 'DivergenceError', divergence: true, epoch: 0 });
  }

  it("CommonJS: require('neurite') loads the package and trains in a worker", () => {
    expectNodeTrained(node('main.cjs'));
  });

  it("ES modules: import from 'neurite'", () => {
    expectNodeTrained(node('main.mjs'));
  });

  it('an app bundled for Node by esbuild (cjs, its default there, and esm): without the .wasm files beside it a ValueError names where it looked and the fix; with them it trains, on this thread and in a worker', async () => {
    nodeFixtures();
    for (const format of ['cjs', 'esm'] as const) {
      const out = join(pack.dir, 'out', `node-esbuild-${format}`);
      await builds.esbuildNodeBuild(pack.dir, './node/bundled.js', out, { format, wasm: false });
      const missing = spawnSync(process.execPath, [join(out, 'main.js')], { cwd: out, encoding: 'utf8' });
      expect(missing.status, format).toBe(1);
      const escaped = out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(missing.stderr, format).toMatch(new RegExp(`^ValueError: ready\\(\\): cannot read the Wasm core at ${escaped}/neurite(\\.relaxed)?\\.wasm \\(ENOENT\\)\\. `
        + `In Node, .*node_modules/neurite/dist/\\*\\.wasm copied beside the bundle, into ${escaped}, or the file's path given as ready\\(\\{ wasm: `));
      // A neurite error, not a raw ENOENT.
      expect(missing.stderr, format).not.toMatch(/^Error: ENOENT/m);
      await builds.esbuildNodeBuild(pack.dir, './node/bundled.js', out, { format, wasm: true });
      expectNodeTrained(JSON.parse(execFileSync(process.execPath, [join(out, 'main.js')], { cwd: out, encoding: 'utf8' })));
    }
  });

  it("neurite/worker on a main thread: require throws and import() rejects with a StateError saying it is the worker's script, and nothing is left unhandled", () => {
    const script = `
      const { StateError } = require('neurite');
      let thrown;
      try { require('neurite/worker'); } catch (e) { thrown = e; }
      import('neurite/worker').then(() => undefined, (e) => e).then((rejected) => console.log(JSON.stringify({
        thrown: { name: thrown && thrown.name, state: thrown instanceof StateError, message: thrown && thrown.message },
        rejected: { name: rejected && rejected.name, state: rejected instanceof StateError },
      })));`;
    const run = spawnSync(process.execPath, ['--unhandled-rejections=strict', '-e', script], { cwd: pack.dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const { thrown, rejected } = JSON.parse(run.stdout);
    expect(thrown).toMatchObject({ name: 'StateError', state: true });
    expect(thrown.message).toMatch(/^neurite\/worker \(dist\/worker-entry\.js\) is the script of workerTrainer's worker, not a module to import: .*workerTrainer\(model, \{ worker \}\)/);
    expect(rejected).toEqual({ name: 'StateError', state: true });
    // A static import fails the program at once, with that error.
    const imported = spawnSync(process.execPath, ['--unhandled-rejections=strict', '--input-type=module', '-e', "import 'neurite/worker'"], { cwd: pack.dir, encoding: 'utf8' });
    expect(imported.status).toBe(1);
    expect(imported.stderr).toMatch(/StateError: neurite\/worker \(dist\/worker-entry\.js\) is the script of workerTrainer's worker/);
  });

  it('require and import give one and the same module (no second copy of its state)', () => {
    const script = "const a = require('neurite'); import('neurite').then((b) => console.log(a.ready === b.ready && a.NeuriteError === b.NeuriteError))";
    expect(execFileSync(process.execPath, ['-e', script], { cwd: pack.dir, encoding: 'utf8' }).trim()).toBe('true');
  });

  it('Jest in its default CommonJS mode requires the package and trains', () => {
    const dir = join(pack.dir, 'jest');
    cpSync(join(FIXTURES, 'jest'), dir, { recursive: true });
    const jest = join(FIXTURES, 'node_modules/jest/bin/jest.js');
    const out = execFileSync(process.execPath, [jest, '--rootDir', dir, '--ci'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toBe(''); // Jest reports on stderr; a failure throws with its output
  });

  it('a strict Node-only TypeScript project (lib ES2022, types node, no DOM, skipLibCheck off) compiles against the .d.ts files', () => {
    const dir = join(pack.dir, 'typescript');
    cpSync(join(FIXTURES, 'typescript'), dir, { recursive: true });
    const types = join(pack.dir, 'node_modules/@types');
    rmSync(types, { recursive: true, force: true });
    symlinkSync(join(FIXTURES, 'node_modules/@types'), types);
    const tsc = join(FIXTURES, 'node_modules/typescript/bin/tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
    } catch (err) {
      output = (err as { stdout?: string }).stdout ?? String(err);
    }
    expect(output).toBe('');
  });
});
