import { beforeAll, expect, it } from 'vitest';
import type { Core } from '../../src/wasm.js';
import { loadCore } from './core.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });

it('blocks are 16-byte aligned, zero-filled and disjoint', () => {
  const sizes = [1, 7, 16, 100, 4096, 3];
  const blocks = sizes.map((n) => {
    const p = core.alloc(n) >>> 0;
    new Uint8Array(core.memory.buffer, p, n).fill(0xab);
    return p;
  });
  blocks.forEach((p) => expect(p % 16).toBe(0));
  const spans = blocks.map((p, i) => [p, p + sizes[i]]).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
  for (const p of blocks) core.free(p);
  const again = core.alloc(4096) >>> 0;
  expect(new Uint8Array(core.memory.buffer, again, 4096).every((b) => b === 0)).toBe(true);
  core.free(again);
});

it('freed neighbours merge, so a large block fits where small ones were', () => {
  const top = core.heap_top();
  const a = core.alloc(1000), b = core.alloc(1000), c = core.alloc(1000);
  const guard = core.alloc(16);
  core.free(a); core.free(c); core.free(b);
  const big = core.alloc(2900);
  expect(big).toBe(a);
  core.free(big);
  core.free(guard);
  expect(core.heap_top()).toBe(top);
});

it('allocation and release keep the heap flat, and memory grows by what is needed', () => {
  const top = core.heap_top();
  for (let i = 0; i < 10_000; i++) {
    const p = core.alloc(100 + (i % 7) * 1000), q = core.alloc(64);
    core.free(p);
    core.free(q);
  }
  expect(core.heap_top()).toBe(top);
  const before = core.memory.buffer.byteLength;
  const p = core.alloc(8 * 2 ** 20);
  const grown = core.memory.buffer.byteLength - before;
  expect(grown).toBeLessThanOrEqual(8 * 2 ** 20 + 65536);
  core.free(p);
});

it('an impossible request returns 0 and leaves the allocator working', () => {
  expect(core.alloc(0xffffffff)).toBe(0);
  const p = core.alloc(32);
  expect(p).not.toBe(0);
  core.free(p);
});
