// `npm start`, `npm run example:text`, `npm run demo` and `npm run bench` run this first: it runs
// `npm run build` when dist/ is missing a file they need or is older than the sources (src/,
// assembly/ and the compiler configs), and does nothing otherwise. The package has no install-time
// script (no `prepare`: it would stay in the published package.json), so on a fresh clone
// `npm install && npm start` builds here; `npm test` always builds (pretest), and `npm pack` and
// `npm publish` build through prepack.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUTPUTS = ['index.js', 'index.cjs', 'worker-entry.js', 'threads-worker.js', 'neurite.wasm', 'neurite.relaxed.wasm', 'neurite.threads.wasm'].map((f) => join(ROOT, 'dist', f));
const INPUTS = ['src', 'assembly', 'tsconfig.json', 'asconfig.json'].map((f) => join(ROOT, f));

/** The newest modification time under `path` (a file or a directory, walked), 0 if it is absent. */
function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((t, name) => Math.max(t, newest(join(path, name))), stat.mtimeMs);
}

function outputTime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1; // missing
  }
}

const oldestOutput = Math.min(...OUTPUTS.map(outputTime));
const newestInput = Math.max(...INPUTS.map(newest));
if (oldestOutput < 0 || newestInput > oldestOutput) {
  console.log(oldestOutput < 0 ? 'dist/ is not built: running npm run build' : 'dist/ is older than the sources: running npm run build');
  // The npm that runs this script (npm sets npm_execpath), else the one on the PATH.
  const execpath = process.env.npm_execpath;
  const [command, args] = execpath && execpath.endsWith('.js') ? [process.execPath, [execpath]] : ['npm', []];
  const { status, error } = spawnSync(command, [...args, 'run', 'build'], { cwd: ROOT, stdio: 'inherit', shell: command === 'npm' && process.platform === 'win32' });
  if (error) throw error;
  process.exit(status ?? 1);
}
