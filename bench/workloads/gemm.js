// gemm: neurite's three matrix-multiply kernels on square n×n×n products, in GFLOP/s (2·n³ per
// call) and as a fraction of the f32x4 peak that peak.ts measures in this same run; tfjs-wasm's
// tf.matMul with the same transposes (XNNPACK, one thread), read back with dataSync(), for comparison.
import { readFile } from 'node:fs/promises';
import { measure, measureAll } from '../measure.js';
import { uniform } from '../random.js';
import { formatNumber, formatRatio, formatRme, renderTable } from '../report.js';

export const FORMS = [
  { name: 'gemm_nn', transposeA: false, transposeB: false }, // C[m×n] = A[m×k]·B[k×n]
  { name: 'gemm_nt', transposeA: false, transposeB: true }, //  C[m×n] = A[m×k]·B[n×k]ᵀ
  { name: 'gemm_tn', transposeA: true, transposeB: false }, //  C[m×n] = A[k×m]ᵀ·B[k×n]
];
const SIZES = [256, 1024];
const PEAK_ITERATIONS = 1 << 21; // ≈ 200 MFLOP per call

export async function gemm(ctx) {
  const [simdPeak, relaxedPeak] = await measureAll([peakTask('mul+add', ctx.peaks.simd), peakTask('relaxed_madd', ctx.peaks.relaxed)], ctx.budget);
  // Both builds of the core, each against the peak loop of its own instruction set.
  const builds = await loadBuilds();
  const products = [];
  for (const n of SIZES) {
    for (const form of FORMS) {
      products.push({
        label: `${form.name} ${n}³`,
        simd: await measure(neuriteGemm(builds.simd, form, n), ctx.budget),
        relaxed: await measure(neuriteGemm(builds.relaxed, form, n), ctx.budget),
        tfjs: await measure(tfjsMatMul(ctx, form, n), ctx.budget),
      });
    }
  }
  const percentOf = (peak, r) => (peak.rate && r.rate ? `${((100 * r.rate) / peak.rate).toFixed(0)}%` : '—');
  const best = (p) => Math.max(p.simd.rate ?? 0, p.relaxed.rate ?? 0);
  const table = renderTable(
    ['product', 'simd GFLOP/s', '±%', '% of mul+add peak', 'relaxed GFLOP/s', '±%', '% of relaxed_madd peak', 'tfjs-wasm GFLOP/s', '±%', 'neurite ÷ tfjs-wasm'],
    products.map((p) => [
      p.label,
      formatNumber(p.simd.rate),
      formatRme(p.simd),
      percentOf(simdPeak, p.simd),
      formatNumber(p.relaxed.rate),
      formatRme(p.relaxed),
      percentOf(relaxedPeak, p.relaxed),
      formatNumber(p.tfjs.rate),
      formatRme(p.tfjs),
      formatRatio(best(p) / p.tfjs.rate),
    ]),
  );
  const peakText = [simdPeak, relaxedPeak]
    .map((p) => `f32x4 ${p.library}: ${p.rate ? `${formatNumber(p.rate)} GFLOP/s (±% ${formatRme(p)})` : p.note}`)
    .join('; ');
  const failures = products.flatMap((p) => [p.simd, p.relaxed, p.tfjs]).filter((r) => r.note).map((r) => `  ${r.library}: ${r.note}`);
  return {
    title: 'gemm — neurite kernels (both builds) on n×n×n products, against the register-loop f32x4 peaks and tfjs-wasm tf.matMul',
    text: [
      `  register-loop peak (peak.ts, 12 accumulators): ${peakText}`,
      '',
      table,
      ...failures,
      '  tfjs-wasm 4.22 runs XNNPACK only when neither operand is transposed; the other forms (which its dense',
      '  layers\' backward pass uses) go through a scalar blocked loop (tfjs-backend-wasm/src/cc/batch_mat_mul_impl.cc)',
    ].join('\n'),
    summary: products.map((p) => ({
      label: `${p.label}, GFLOP/s`,
      cells: {
        neurite: {
          value: best(p),
          text: `simd ${formatNumber(p.simd.rate)} (${percentOf(simdPeak, p.simd)}), relaxed ${formatNumber(p.relaxed.rate)} (${percentOf(relaxedPeak, p.relaxed)})`,
          note: p.simd.note,
        },
        'tfjs-wasm': { value: p.tfjs.rate, text: formatNumber(p.tfjs.rate), note: p.tfjs.note },
      },
    })),
    footer: `gemm: each build as a percentage of the register-loop peak of its own instruction set (mul+add ${formatNumber(simdPeak.rate)}, relaxed_madd ${formatNumber(relaxedPeak.rate)} GFLOP/s) in the same run.`,
  };
}

/** Both builds of neurite's core, instantiated directly: { simd, relaxed } with exports, or { unavailable }. */
async function loadBuilds() {
  const load = async (file, build) => {
    const bytes = await readFile(new URL(`../../dist/${file}`, import.meta.url));
    if (!WebAssembly.validate(bytes)) return { build, unavailable: 'this engine does not validate relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd)' };
    const { instance } = await WebAssembly.instantiate(bytes, { env: { abort: () => { throw new Error('abort'); } } });
    return { build, exports: instance.exports };
  };
  return { simd: await load('neurite.wasm', 'simd'), relaxed: await load('neurite.relaxed.wasm', 'relaxed') };
}

/** `work` is in GFLOP, so rates come out in GFLOP/s. */
function gflop(n) {
  return (2 * n ** 3) / 1e9;
}

export function peakTask(library, peak) {
  if (peak.unavailable) return { library, unsupported: peak.unavailable };
  return {
    library,
    work: (PEAK_ITERATIONS * peak.flopPerIteration) / 1e9,
    async prepare() {
      return { run: () => peak.maddLoop(PEAK_ITERATIONS), dispose() {} };
    },
  };
}

/** The raw Wasm kernel of one build on A, B, C allocated in that build's memory. */
export function neuriteGemm(core, form, n) {
  if (core.unavailable) return { library: `neurite ${core.build}`, unsupported: core.unavailable };
  return {
    library: `neurite ${core.build}`,
    work: gflop(n),
    async prepare() {
      const { alloc, free, memory } = core.exports;
      const bytes = n * n * 4;
      const [a, b, c] = [0, 1, 2].map(() => alloc(bytes) >>> 0);
      const heap = new Float32Array(memory.buffer); // after the last allocation, which may have grown memory
      heap.set(uniform(n * n, -1, 1, 1), a >>> 2);
      heap.set(uniform(n * n, -1, 1, 2), b >>> 2);
      const kernel = core.exports[form.name];
      return {
        run: () => kernel(c, a, b, n, n, n, false),
        dispose() {
          for (const ptr of [c, b, a]) free(ptr);
        },
      };
    },
  };
}

function tfjsMatMul({ tf }, form, n) {
  return {
    library: 'tfjs-wasm',
    work: gflop(n),
    async prepare() {
      await tf.setBackend('wasm');
      const a = tf.tensor2d(uniform(n * n, -1, 1, 1), [n, n]);
      const b = tf.tensor2d(uniform(n * n, -1, 1, 2), [n, n]);
      return {
        run() {
          const c = tf.matMul(a, b, form.transposeA, form.transposeB);
          c.dataSync();
          c.dispose();
        },
        dispose: () => tf.dispose([a, b]),
      };
    },
  };
}
