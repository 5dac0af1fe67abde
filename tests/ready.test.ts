// ready() before anything is loaded: bad sources and options are typed errors, a failed ready()
// leaves nothing behind and can be retried, and the module bytes themselves can be given.
// (Its own file: the first successful ready() of a process is final.)
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { ready, isReady, wasmBuild, StateError, ValueError } from '../src/index.js';
import { resolveWasmUrl } from '../src/wasm.js';
import { fileUrl } from '../src/node-files.js';

const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

it('bad options and modules reject with typed errors and leave ready() retryable', async () => {
  await expect(ready({ thread: 2 } as never)).rejects.toThrow(ValueError);
  await expect(ready({ threads: 0 })).rejects.toThrow(ValueError);
  await expect(ready({ build: 'fast' as never })).rejects.toThrow(ValueError);
  await expect(ready({ wasm: new Uint8Array([1, 2, 3]) })).rejects.toThrow(/not a WebAssembly module/);
  await expect(ready({ wasm: EMPTY_MODULE })).rejects.toThrow(/not neurite's core/);
  await expect(ready({ wasm: {} as never })).rejects.toThrow(/wasm must be a URL/);
  await expect(ready({ wasm: new URL('./no-such-core.wasm', import.meta.url) })).rejects.toThrow(ValueError);
  // An HTML page (a dev server's fallback) or a missing file: messages that say what came and name the fix.
  const html = new TextEncoder().encode('<!doctype html>\n<html><head><script type="module" src="/@vite/client"></script>');
  await expect(ready({ wasm: html })).rejects.toThrow(/got an HTML page instead of the Wasm core.*optimizeDeps: \{ exclude: \['neurite'\] \}/);
  // A file that is not there, named by its path (here, the file: URL given).
  const nowhere = fileURLToPath(new URL('./nowhere/neurite.wasm', import.meta.url));
  const missing = await ready({ wasm: new URL('./nowhere/neurite.wasm', import.meta.url) }).catch((e) => e);
  expect(missing).toBeInstanceOf(ValueError);
  expect(missing.message).toBe(`ready(): cannot read the Wasm core at ${nowhere} (ENOENT), the wasm given. Give the path or file: URL of one of the .wasm files in node_modules/neurite/dist/.`);
  expect(missing.cause.code).toBe('ENOENT');
  expect(isReady()).toBe(false);

  const build = process.env.NEURITE_EXPECT_BUILD === 'relaxed' ? 'relaxed' : 'simd';
  const bytes = await readFile(new URL(`../dist/neurite${build === 'relaxed' ? '.relaxed' : ''}.wasm`, import.meta.url));
  await expect(ready({ wasm: bytes, build })).resolves.toBeUndefined();
  expect(isReady()).toBe(true);
  expect(wasmBuild()).toBe(build);
  // Now loaded: a different build is refused, the same one (or none) is fine.
  // (Where the engine has no relaxed SIMD, asking for it is a ValueError before anything else.)
  await expect(ready({ build: build === 'simd' ? 'relaxed' : 'simd' })).rejects.toThrow(build === 'simd' ? ValueError : StateError);
  await expect(ready({ build })).resolves.toBeUndefined();
  await expect(ready({ threads: 2 })).rejects.toThrow(/already loaded for 1 thread; threads: 2 applies only to the first ready\(\) call/);
  await expect(ready()).resolves.toBeUndefined();
});

it('a second ready() while the first is still loading is held to what the first asked for', async () => {
  // Loaded already here; the request is remembered from the first call, not from what loaded.
  await expect(ready({ threads: 3 })).rejects.toThrow(StateError);
});

it('in Node a wasm string that is a Windows path (C:\\, C:/ or \\\\server\\share) is that file, not a URL of scheme c:', async () => {
  expect((await resolveWasmUrl('C:\\app\\dist\\neurite.wasm')).href).toBe('file:///C:/app/dist/neurite.wasm');
  expect((await resolveWasmUrl('c:/my app/#1/neurite.wasm')).href).toBe('file:///c:/my%20app/%231/neurite.wasm');
  expect((await resolveWasmUrl('\\\\server\\share\\neurite.wasm')).href).toBe('file://server/share/neurite.wasm');
  // POSIX paths and URLs as before: absolute, or relative to neurite's module (dist/ in the package; src/ here).
  expect((await resolveWasmUrl('/srv/app/neurite.wasm')).href).toBe('file:///srv/app/neurite.wasm');
  expect((await resolveWasmUrl('./neurite.wasm')).href).toBe(new URL('../src/neurite.wasm', import.meta.url).href);
  expect((await resolveWasmUrl('https://cdn.example/neurite.wasm')).href).toBe('https://cdn.example/neurite.wasm');
  expect((await fileUrl('/tmp/a b/#x?.wasm')).href).toBe('file:///tmp/a%20b/%23x%3F.wasm');
});
