// Compiles bench/peak.ts with AssemblyScript at start-up (no build step, nothing written to the
// repository) and instantiates it with plain WebAssembly APIs.
import asc from 'assemblyscript/asc';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('./peak.ts', import.meta.url));

/**
 * { simd, relaxed } where each is { maddLoop(iterations), flopPerIteration } or
 * { unavailable: 'why' } when this engine rejects the module (relaxed SIMD needs a flag on Node 20).
 */
export async function compilePeaks() {
  const dir = await mkdtemp(join(tmpdir(), 'neurite-peak-'));
  try {
    return {
      simd: await compile(dir, 'simd'),
      relaxed: await compile(dir, 'simd,relaxed-simd'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function compile(dir, features) {
  const outFile = join(dir, `${features.replace(',', '-')}.wasm`);
  const { error, stderr } = await asc.main([SOURCE, '--enable', features, '-O3', '--runtime', 'stub', '--outFile', outFile]);
  if (error) throw new Error(`asc bench/peak.ts --enable ${features} failed:\n${stderr.toString()}`);
  const bytes = await readFile(outFile);
  if (!WebAssembly.validate(bytes)) {
    return { unavailable: `this engine does not validate ${features} (Node 20 needs --experimental-wasm-relaxed-simd)` };
  }
  const { instance } = await WebAssembly.instantiate(bytes);
  const { madd_loop: maddLoop, FLOP_PER_ITERATION } = instance.exports;
  return { maddLoop, flopPerIteration: FLOP_PER_ITERATION.value };
}
