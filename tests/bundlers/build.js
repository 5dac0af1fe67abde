// Builds tests/bundlers/app with each bundler, as a user would set it up, against neurite unpacked
// from `npm pack` into `dir`/node_modules. The bundlers are this folder's own devDependencies
// (`npm ci --prefix tests/bundlers`), never neurite's. Used by tests/browser/bundlers.test.ts.
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const APP = fileURLToPath(new URL('./app/', import.meta.url));

/** Copies the app's index.html and main.js into `dir`, beside its node_modules. */
export function placeApp(dir) {
  cpSync(APP, dir, { recursive: true });
}

/** What esbuild and rollup users copy beside their bundle: every .wasm build. */
function copyWasm(dir, out) {
  const dist = join(dir, 'node_modules/neurite/dist');
  for (const file of readdirSync(dist).filter((f) => f.endsWith('.wasm'))) cpSync(join(dist, file), join(out, file));
}

function page(out, script = './main.js') {
  cpSync(join(APP, 'index.html'), join(out, 'index.html'));
  if (script !== './main.js') throw new Error('unexpected script');
}

/** A Vite build (the `vite` module given: 8 from the root, 7 from here); `config` is what the user adds. */
export async function viteBuild(vite, dir, out, config = {}) {
  await vite.build({ root: dir, configFile: false, logLevel: 'warn', build: { outDir: out, emptyOutDir: true }, ...config });
}

/** A Vite dev server on `dir`; `config` is what the user adds (none, or optimizeDeps.exclude). */
export async function viteDev(vite, dir, cacheDir, config = {}) {
  const server = await vite.createServer({ root: dir, configFile: false, logLevel: 'warn', cacheDir, server: { port: 0, host: '127.0.0.1' }, ...config });
  await server.listen();
  return { url: server.resolvedUrls.local[0], close: () => server.close() };
}

/** webpack 5 in production mode (terser, mangled names), no configuration beyond entry and output. */
export async function webpackBuild(dir, out) {
  const { default: webpack } = await import('webpack');
  const stats = await new Promise((resolve, reject) => webpack({
    mode: 'production', context: dir, entry: './main.js',
    output: { path: out, filename: 'main.js', clean: true },
  }, (err, s) => (err ? reject(err) : resolve(s))));
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  if (stats.hasErrors()) throw new Error(info.errors.map((e) => e.message).join('\n'));
  page(out);
  return { warnings: info.warnings.map((w) => w.moduleName + ': ' + w.message + (w.loc ?? '')) };
}

/**
 * esbuild: it bundles neither `new Worker(new URL(...))` nor `new URL('./x.wasm', import.meta.url)`,
 * so the user bundles neurite's two worker scripts as entry points of their own and copies the
 * .wasm files beside the bundle.
 */
export async function esbuildBuild(dir, out) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: dir,
    entryPoints: { main: './main.js', 'worker-entry': 'neurite/worker', 'threads-worker': 'neurite/threads-worker' },
    bundle: true, format: 'esm', minify: true, outdir: out, logLevel: 'silent',
  });
  copyWasm(dir, out);
  page(out);
  return { warnings: result.warnings.map((w) => w.text) };
}

/**
 * esbuild for Node (`platform: 'node'`): `entry` (beside `dir`/node_modules) and neurite's two
 * worker scripts as entry points, in `format` ('cjs', esbuild's default there, or 'esm', whose .js
 * files need a package.json of type module beside them). The .wasm files are copied only with
 * `wasm: true`, to check the error a user gets without them.
 */
export async function esbuildNodeBuild(dir, entry, out, { format, wasm }) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: dir,
    entryPoints: { main: entry, 'worker-entry': 'neurite/worker', 'threads-worker': 'neurite/threads-worker' },
    bundle: true, platform: 'node', format, outdir: out, logLevel: 'silent',
  });
  if (format === 'esm') writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  if (wasm) copyWasm(dir, out);
  return { warnings: result.warnings.map((w) => w.text) };
}

/** rollup with @rollup/plugin-node-resolve: the same two worker entries and the .wasm copy as esbuild. */
export async function rollupBuild(dir, out) {
  const { rollup } = await import('rollup');
  const { nodeResolve } = await import('@rollup/plugin-node-resolve');
  const warnings = [];
  const bundle = await rollup({
    input: { main: join(dir, 'main.js'), 'worker-entry': 'neurite/worker', 'threads-worker': 'neurite/threads-worker' },
    plugins: [nodeResolve({ rootDir: dir })],
    onwarn: (warning) => warnings.push(`${warning.code}: ${warning.message}`),
  });
  mkdirSync(out, { recursive: true });
  await bundle.write({ dir: out, format: 'es', entryFileNames: '[name].js' });
  await bundle.close();
  copyWasm(dir, out);
  page(out);
  return { warnings };
}
