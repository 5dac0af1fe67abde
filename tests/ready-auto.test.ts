// ready({ threads: 'auto' }) uses the cores Node reports (os.availableParallelism(); Node 20 has no
// navigator.hardwareConcurrency), up to 4, and calls made while it looks them up are served in
// order. (Its own file: the first successful ready() of a process is final.)
import { availableParallelism } from 'node:os';
import { expect, it } from 'vitest';
import { ready, threadCount, wasmBuild } from '../src/index.js';

it("threads: 'auto' starts min(4, available cores) threads, and a ready() made meanwhile shares it", async () => {
  const want = Math.min(4, availableParallelism());
  const auto = ready({ threads: 'auto' });
  const plain = ready(); // made while 'auto' looks the cores up: it must not load a 1-thread core first
  await Promise.all([auto, plain]);
  expect(threadCount()).toBe(want);
  const threaded = process.env.NEURITE_EXPECT_BUILD === 'relaxed' ? 'threads-relaxed' : 'threads';
  expect(wasmBuild()).toBe(want > 1 ? threaded : process.env.NEURITE_EXPECT_BUILD);
  // Asking again for 'auto', or for the number it came to, is the same request.
  await expect(ready({ threads: 'auto' })).resolves.toBeUndefined();
  await expect(ready({ threads: want })).resolves.toBeUndefined();
});
