// The second half of `npm run build:ts`, right after tsc: bundles tsc's modules into
// dist/neurite.js, which the exports map gives to Node and an import map names, and the two
// worker scripts in place (dist/worker-entry.js, dist/threads-worker.js). One file loads in a
// fraction of the time 30 modules take: Node resolves, reads and compiles each one separately, and
// a page without a bundler fetches them one import level at a time. Bundlers still get the
// modules (dist/index.js), which they tree-shake better. What neurite imports only when it is used
// (model files, IndexedDB, http...) stays in chunks of its own. Chunks of an earlier build go first.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
for (const name of readdirSync(dist)) {
  if (/^neurite(-[A-Z0-9]+)?\.js(\.map)?$/.test(name)) rmSync(dist + name);
}
await build({
  // The workers share chunks with neurite.js: an error class from 'neurite/worker' is then the
  // one 'neurite' exports. (tsc has just written their modules, so bundling in place is safe.)
  entryPoints: { neurite: dist + 'index.js', 'worker-entry': dist + 'worker-entry.js', 'threads-worker': dist + 'threads-worker.js' },
  allowOverwrite: true,
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  chunkNames: 'neurite-[hash]',
  // Not minified: that would drop the webpackIgnore / @vite-ignore comments of nodeImport()'s
  // import(), and webpack would warn about it in every app (it bundles the worker scripts).
  sourcemap: true,
  logLevel: 'warning',
});
