// The TypeScript side's view of the Wasm core (the Core interface in src/wasm.ts) is checked
// against what every build really exports: each function by name and by its number of
// parameters, so a kernel whose signature changes in assembly/ cannot be called the old way.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { supportsRelaxedSimd } from '../src/wasm.js';

const source = await readFile(new URL('../src/wasm.ts', import.meta.url), 'utf8');
const body = source.slice(source.indexOf('export interface Core {'), source.indexOf('\n}\n', source.indexOf('export interface Core {')));
// `  name(a: number, b: number): void;` → name and parameter count.
const declared = [...body.matchAll(/^ {2}(\w+)\(([^)]*)\): [^;]+;$/gm)].map(([, name, params]) => ({ name, count: params.trim() ? params.split(',').length : 0 }));

// The relaxed build compiles only where the engine has relaxed SIMD: the 'relaxed' project checks it.
const BUILDS = ['neurite.wasm', ...(supportsRelaxedSimd() ? ['neurite.relaxed.wasm', 'neurite.threads-relaxed.wasm'] : []), 'neurite.threads.wasm'];

describe.each(BUILDS)('%s', (file) => {
  it('exports every function the Core interface declares, with the same number of parameters', async () => {
    const module = await WebAssembly.compile(await readFile(new URL(`../dist/${file}`, import.meta.url)));
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: file.includes('threads') });
    const instance = await WebAssembly.instantiate(module, file.includes('threads') ? { env: { memory } } : {});
    expect(declared.length).toBeGreaterThan(60);
    // The thread pool's entry points exist only in the threaded build.
    const expected = declared.filter(({ name }) => file.includes('threads') || !name.startsWith('threads_'));
    const mismatches = expected.flatMap(({ name, count }) => {
      const fn = instance.exports[name];
      if (typeof fn !== 'function') return [`${name}: not exported`];
      return fn.length === count ? [] : [`${name}: the core takes ${fn.length} parameters, Core declares ${count}`];
    });
    expect(mismatches).toEqual([]);
  });
});
