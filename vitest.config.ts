import { configDefaults, defineConfig } from 'vitest/config';

// tests/browser/ drive headless Chromium from Node: they run once, in their own project.
const browserTests = 'tests/browser/**';
// tests/threads.test.ts runs in the 'threads' and 'threads-relaxed' projects only.
const threadTests = 'tests/threads.test.ts';
// Type checks of the public .d.ts (TypeScript's compiler, no Wasm): once, in the 'simd' project.
const typeTests = ['tests/types.test.ts', 'tests/graphs/multi-input-types.test.ts'];

// The suite runs twice: on the plain SIMD build, and on the relaxed-SIMD build, which Node 20
// only runs with --experimental-wasm-relaxed-simd (ready() picks it when the engine validates it).
// Inline projects do not inherit the root's options: each sets its own timeout (a fuzz or training
// test takes a few seconds alone, and much longer on a loaded 2-core machine).
const testTimeout = 60_000;

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'simd', include: ['tests/**/*.test.ts'], exclude: [...configDefaults.exclude, browserTests, threadTests], env: { NEURITE_EXPECT_BUILD: 'simd' }, testTimeout },
      },
      {
        test: {
          name: 'relaxed',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, browserTests, threadTests, ...typeTests],
          env: { NEURITE_EXPECT_BUILD: 'relaxed' },
          execArgv: ['--experimental-wasm-relaxed-simd'],
          testTimeout,
        },
      },
      {
        // The threaded build with two threads, on the tests that exercise large products.
        test: {
          name: 'threads',
          include: ['tests/threads.test.ts', 'tests/golden.test.ts', 'tests/assembly/gemm.test.ts', 'tests/assembly/network.test.ts', 'tests/model.test.ts', 'tests/training.test.ts', 'tests/e2e.test.ts', 'tests/packed-kernels.test.ts'],
          env: { NEURITE_EXPECT_BUILD: 'threads' },
          setupFiles: ['tests/setup/threads.ts'],
          testTimeout,
        },
      },
      {
        // The threaded relaxed-SIMD build (ready({ threads }) picks it where relaxed SIMD validates), on a few files.
        test: {
          name: 'threads-relaxed',
          include: ['tests/threads.test.ts', 'tests/golden.test.ts', 'tests/assembly/gemm.test.ts'],
          env: { NEURITE_EXPECT_BUILD: 'threads-relaxed' },
          execArgv: ['--experimental-wasm-relaxed-simd'],
          setupFiles: ['tests/setup/threads.ts'],
          testTimeout,
        },
      },
      {
        // One file at a time: each launches Chromium, and the machine may have 2 cores.
        test: { name: 'browser', include: ['tests/browser/**/*.test.ts'], testTimeout: 120_000, fileParallelism: false },
      },
    ],
  },
});
