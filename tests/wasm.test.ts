import { expect, it } from 'vitest';
import { ready, isReady, sequential, StateError } from '../src/index.js';

// This file runs in its own module graph, so the core starts unloaded here.
it('calling the API before ready() is a StateError that says what to do', () => {
  expect(isReady()).toBe(false);
  expect(() => sequential({ inputShape: [2] })).toThrow(StateError);
  expect(() => sequential({ inputShape: [2] })).toThrow(/await ready\(\) before sequential\(\)/);
});

it('ready() is idempotent and concurrent callers share one instantiation', async () => {
  const a = ready(), b = ready();
  expect(a).toBe(b);
  await Promise.all([a, b]);
  expect(isReady()).toBe(true);
  await ready();
  expect(sequential({ inputShape: [2] }).inputShape).toEqual([2]);
});

it('once loaded, ready() shares the core but refuses options it cannot honour', async () => {
  await ready();
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(new URL('../dist/neurite.wasm', import.meta.url));
  await expect(ready({ wasm: bytes })).rejects.toThrow(StateError);
  await expect(ready({ threads: 0 })).rejects.toThrow(/threads must be 'auto' or an integer/);
  await expect(ready({ thread: 2 } as never)).rejects.toThrow(/unknown option "thread"/);
  await expect(ready({})).resolves.toBeUndefined();
});

it('ready() loads the relaxed-SIMD build exactly where the engine supports it', async () => {
  const { wasmBuild, supportsRelaxedSimd } = await import('../src/index.js');
  await ready();
  expect(wasmBuild()).toBe(supportsRelaxedSimd() ? 'relaxed' : 'simd');
  expect(wasmBuild()).toBe(process.env.NEURITE_EXPECT_BUILD);
});
