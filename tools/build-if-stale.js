// `npm start`, `npm run example:text`, `npm run demo` and `npm run bench` run this first: it builds
// what dist/ lacks or has older than its sources (the .wasm files from assembly/, the JavaScript
// from src/, each with its compiler config), and does nothing when dist/ is up to date. The
// package has no install-time script (no `prepare`: it would stay in the published package.json),
// so on a fresh clone `npm install && npm start` builds here; `npm test` always builds (pretest),
// and `npm pack` and `npm publish` build through prepack.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const dist = (files) => files.map((f) => join(ROOT, 'dist', f));
const root = (files) => files.map((f) => join(ROOT, f));
// What each part of the build makes, from what: a part runs when one of its outputs is missing or
// older than one of its inputs.
const PARTS = [
  { scripts: ['build:wasm'], outputs: dist(['neurite.wasm', 'neurite.relaxed.wasm', 'neurite.threads.wasm', 'neurite.threads-relaxed.wasm']), inputs: root(['assembly', 'asconfig.json']) },
  { scripts: ['build:ts', 'build:cjs'], outputs: dist(['index.js', 'neurite.js', 'index.cjs', 'worker-entry.js', 'threads-worker.js']), inputs: root(['src', 'tsconfig.json']) },
];

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

// The npm that runs this script (npm sets npm_execpath), else the one on the PATH.
const execpath = process.env.npm_execpath;
const [command, npmArgs] = execpath && execpath.endsWith('.js') ? [process.execPath, [execpath]] : ['npm', []];

for (const { scripts, outputs, inputs } of PARTS) {
  const oldestOutput = Math.min(...outputs.map(outputTime));
  if (oldestOutput >= 0 && Math.max(...inputs.map(newest)) <= oldestOutput) continue;
  console.log(`${oldestOutput < 0 ? 'dist/ is not built' : 'dist/ is older than the sources'}: npm run ${scripts.join(', ')}`);
  for (const script of scripts) {
    const { status, error } = spawnSync(command, [...npmArgs, 'run', script], { cwd: ROOT, stdio: 'inherit', shell: command === 'npm' && process.platform === 'win32' });
    if (error) throw error;
    if (status !== 0) process.exit(status ?? 1);
  }
}
