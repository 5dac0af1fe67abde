import { defineConfig } from 'vitest/config';

// The suite runs twice: on the plain SIMD build, and on the relaxed-SIMD build, which Node 20
// only runs with --experimental-wasm-relaxed-simd (ready() picks it when the engine validates it).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      {
        test: { name: 'simd', include: ['tests/**/*.test.ts'], env: { NEURITE_EXPECT_BUILD: 'simd' } },
      },
      {
        test: {
          name: 'relaxed',
          include: ['tests/**/*.test.ts'],
          env: { NEURITE_EXPECT_BUILD: 'relaxed' },
          execArgv: ['--experimental-wasm-relaxed-simd'],
        },
      },
    ],
  },
});
