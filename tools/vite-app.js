// Builds a test app against neurite the way a user gets it: `npm pack` of this checkout,
// unpacked into the app's node_modules (no symlink, no alias), then a plain `vite build` with no
// configuration. Used by tests/browser/vite.test.ts and tools/bundle-size.js.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** A temporary directory with node_modules/neurite unpacked from `npm pack` (dist must be built). */
export function packNeurite() {
  const dir = mkdtempSync(join(tmpdir(), 'neurite-app-'));
  // --ignore-scripts: `prepack` would rebuild; the caller has built dist already.
  execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  const target = join(dir, 'node_modules', 'neurite');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['xzf', join(dir, tarball), '-C', target, '--strip-components=1']);
  rmSync(join(dir, tarball));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Copies tests/browser/apps/<name> into `dir`/<name> and vite-builds it; returns the output directory. */
export async function buildApp(dir, name) {
  // dir/<name> sits beside dir/node_modules, so `import 'neurite'` resolves as in a real project.
  const root = join(dir, name);
  cpSync(join(ROOT, 'tests/browser/apps', name), root, { recursive: true });
  const out = join(dir, 'out', name);
  await build({ root, configFile: false, logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
  return out;
}
