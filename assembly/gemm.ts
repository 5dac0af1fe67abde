// Matrix multiply in the three forms backprop needs, over row-major f32 buffers:
//   gemm_nn: C[m×n] = A[m×k] · B[k×n]     forward         Z  = X · W
//   gemm_nt: C[m×n] = A[m×k] · B[n×k]ᵀ    input gradient  dX = dZ · Wᵀ
//   gemm_tn: C[m×n] = A[k×m]ᵀ · B[k×n]    weight gradient dW = Xᵀ · dZ
// With `accumulate`, C += product; otherwise C = product.
//
// All three share one 4×8 register-blocked f32x4 micro-kernel over packed panels (the GotoBLAS
// layout): A is copied into 4-row strips and B into 8-column strips, both stored k-major and
// zero-padded at the edges, so the kernel never branches on size; only the write-back does.
// The forms differ only in the strides the packing routines read with.
//
// In the threaded build (assembly/threads.ts) a large product is split by columns between the
// threads — by rows when it is taller than wide — each with its own packing buffers; every
// element is computed exactly as it would be on one thread, so the results are bitwise the same.
import { parallel, THREADS_MAX } from "./threads";

const MR = 4;
const NR = 8;
const KC = 256; // depth of a packed block: one A strip (4 KiB) and one B strip (8 KiB) sit in L1
const MC = 64; // rows of A packed at once (64 KiB)
const NC = 512; // columns of B packed at once (512 KiB)
const SMALL = 512; // m·n·k at or below which packing costs more than it saves

// Packing buffers are static, one set per thread, so no multiply ever allocates or grows memory.
const PACK_A_BYTES: usize = MC * KC * 4;
const PACK_B_BYTES: usize = KC * NC * 4;
const SCRATCH_BYTES: usize = PACK_A_BYTES + PACK_B_BYTES + MR * NR * 4;
const scratch = memory.data(<i32>SCRATCH_BYTES * THREADS_MAX, 16);

// A recurrence multiplies by the same U at every step: gemm_keep packs it once into a kept slot,
// as whole 8-column strips each k deep (what packPanelB writes, for every depth block at once), and
// gemm_kept multiplies by it without packing it again. A GRU keeps two (U_z,r and U_h), so two slots;
// a B larger than a slot is recorded and packed per call as before.
const KEPT_SLOTS = 2;
const KEPT_BYTES: usize = 128 * 1024; // an LSTM's U up to 64 units, a GRU's up to 90
const kept = memory.data(<i32>KEPT_BYTES * KEPT_SLOTS, 16);
// Per slot: b, bps, bjs, n, k, and whether it was packed.
const keptRecord = memory.data(KEPT_SLOTS * 24, 8);

// Inference keeps a dense layer's kernel packed between calls (assembly/network.ts): gemm_pack_b
// writes B as gemm_keep does, whole strips of PANEL_COLUMNS columns each k deep, and
// gemm_nn_bias_packed multiplies by them without packing B again.
export const PANEL_COLUMNS: i32 = NR;

// The forms, as the threaded build passes them between threads.
export const NN: i32 = 0;
export const NT: i32 = 1;
export const TN: i32 = 2;

// Fused multiply-add: one rounding with relaxed SIMD, mul then add without it.
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

export function gemm_nn(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, accumulate: bool): void {
  run(NN, c, a, b, 0, m, n, k, accumulate);
}

/** C[m×n] = A[m×k] · B[k×n] + bias[n] on every row: a dense layer's z = x·W + b in one pass. */
export function gemm_nn_bias(c: usize, a: usize, b: usize, bias: usize, m: i32, n: i32, k: i32): void {
  run(NN, c, a, b, bias, m, n, k, false);
}

export function gemm_nt(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, accumulate: bool): void {
  run(NT, c, a, b, 0, m, n, k, accumulate);
}

export function gemm_tn(c: usize, a: usize, b: usize, m: i32, n: i32, k: i32, accumulate: bool): void {
  run(TN, c, a, b, 0, m, n, k, accumulate);
}

/**
 * C (+)= A·B on one thread with explicit strides (in floats): C row-major with `ldc` floats a row,
 * A(i,p) at a[i*ars + p*aps], B(p,j) at b[p*bps + j*bjs]. For products over column blocks of a
 * wider matrix (a GRU's gates).
 */
export function gemm_strided(
  c: usize, ldc: i32, a: usize, ars: i32, aps: i32, b: usize, bps: i32, bjs: i32,
  m: i32, n: i32, k: i32, accumulate: bool,
): void {
  gemm(c, ldc, a, ars, aps, b, bps, bjs, 0, m, n, k, accumulate, 0);
}

/**
 * Keeps B (k×n, B(p,j) at b[p*bps + j*bjs]) in `slot` (0 or 1) for the gemm_kept calls that follow,
 * packed once if it fits. Call it again whenever B's values change (each layer call).
 */
export function gemm_keep(slot: i32, b: usize, bps: i32, bjs: i32, n: i32, k: i32): void {
  const record = keptRecord + <usize>slot * 24, panels = kept + <usize>slot * KEPT_BYTES;
  const fits = n > 0 && k > 0 && <u64>((n + NR - 1) / NR * NR) * <u64>k * 4 <= <u64>KEPT_BYTES;
  store<usize>(record, b); store<i32>(record, bps, 4); store<i32>(record, bjs, 8);
  store<i32>(record, n, 12); store<i32>(record, k, 16); store<i32>(record, fits ? 1 : 0, 20);
  if (fits) for (let j = 0; j < n; j += NR) packPanelB(panels + (<usize>j * <usize>k << 2), b, bps, bjs, 0, j, k, min(NR, n - j));
}

/**
 * C[m×n] (+)= A·B with the B kept in `slot` (C row-major, `ldc` floats a row; A(i,p) at
 * a[i*ars + p*aps]): bitwise what gemm_strided (or, large enough for threads, gemm_nn / gemm_nt)
 * gives.
 */
export function gemm_kept(slot: i32, c: usize, ldc: i32, a: usize, ars: i32, aps: i32, m: i32, accumulate: bool): void {
  const record = keptRecord + <usize>slot * 24;
  const b = load<usize>(record), bps = load<i32>(record, 4), bjs = load<i32>(record, 8), n = load<i32>(record, 12), k = load<i32>(record, 16);
  if (ASC_FEATURE_THREADS && ldc == n && ars == k && aps == 1) {
    // A product large enough for several threads goes to them, as gemm_nn or gemm_nt would send it.
    const form = bjs == 1 && bps == n ? NN : bps == 1 && bjs == k ? NT : -1;
    if (form >= 0 && parallel(form, c, a, b, 0, m, n, k, accumulate)) return;
  }
  const panels = load<i32>(record, 20) ? kept + <usize>slot * KEPT_BYTES : 0;
  gemm(c, ldc, a, ars, aps, b, bps, bjs, 0, m, n, k, accumulate, 0, panels);
}

/**
 * Packs B (k×n, row-major) at `panels` for gemm_nn_bias_packed: ⌈n / PANEL_COLUMNS⌉ strips of
 * PANEL_COLUMNS columns (zero-padded), each k deep, in PANEL_COLUMNS-rounded n × k floats.
 */
export function gemm_pack_b(panels: usize, b: usize, n: i32, k: i32): void {
  for (let j = 0; j < n; j += NR) packPanelB(panels + (<usize>j * <usize>k << 2), b, n, 1, 0, j, k, min(NR, n - j));
}

/**
 * gemm_nn_bias with B (k×n at b) also packed at `panels` by gemm_pack_b: C[m×n] = A·B + bias[n] on
 * every row, bitwise what gemm_nn_bias gives, without packing B (a product too small to pack
 * reads b as gemm_nn_bias would).
 */
export function gemm_nn_bias_packed(c: usize, a: usize, b: usize, panels: usize, bias: usize, m: i32, n: i32, k: i32): void {
  if (tiny(NN, c, a, b, bias, m, n, k, false)) return;
  if (ASC_FEATURE_THREADS && parallel(NN, c, a, b, bias, m, n, k, false, panels)) return;
  gemm_columns(NN, c, a, b, bias, m, n, k, false, 0, n, 0, panels);
}

// @ts-ignore: decorator
@inline function run(form: i32, c: usize, a: usize, b: usize, bias: usize, m: i32, n: i32, k: i32, accumulate: bool): void {
  if (tiny(form, c, a, b, bias, m, n, k, accumulate)) return;
  if (ASC_FEATURE_THREADS && parallel(form, c, a, b, bias, m, n, k, accumulate)) return;
  gemm_columns(form, c, a, b, bias, m, n, k, accumulate, 0, n, 0, 0);
}

// Tiny products straight to their loops (true when it was one): XOR-sized steps are mostly calls.
// @ts-ignore: decorator
@inline function tiny(form: i32, c: usize, a: usize, b: usize, bias: usize, m: i32, n: i32, k: i32, accumulate: bool): bool {
  if (m <= 0 || n <= 0 || !isSmall(m, n, k)) return false;
  gemmSmall(c, n, a, rowStride(form, m, k), depthStride(form, m), b, bStride(form, n), bColumnStride(form, k), bias, m, n, k, accumulate);
  return true;
}

// A form's strides (in floats): A(i,p) at a[i*rowStride + p*depthStride], B(p,j) at b[p*bStride + j*bColumnStride].
// @ts-ignore: decorator
@inline function rowStride(form: i32, m: i32, k: i32): i32 { return form == TN ? 1 : k; }
// @ts-ignore: decorator
@inline function depthStride(form: i32, m: i32): i32 { return form == TN ? m : 1; }
// @ts-ignore: decorator
@inline function bStride(form: i32, n: i32): i32 { return form == NT ? 1 : n; }
// @ts-ignore: decorator
@inline function bColumnStride(form: i32, k: i32): i32 { return form == NT ? k : 1; }

// Products small enough that packing costs more than it saves (and k = 0: nothing to pack).
// @ts-ignore: decorator
@inline function isSmall(m: i32, n: i32, k: i32): bool {
  return k <= 0 || <u64>m * <u64>n * <u64>k <= <u64>SMALL;
}

/**
 * Columns [j0, j1) of one of the three products, with the packing buffers of thread `slot`:
 * the unit of work a thread takes (the whole product on one thread). `panels`: B as gemm_pack_b
 * packed it (NN only; j0 a multiple of PANEL_COLUMNS), or 0.
 */
export function gemm_columns(form: i32, c: usize, a: usize, b: usize, bias: usize, m: i32, n: i32, k: i32, accumulate: bool, j0: i32, j1: i32, slot: i32, panels: usize): void {
  // Strides: A(i,p) at a[i*ars + p*aps], B(p,j) at b[p*bps + j*bjs].
  const ars = rowStride(form, m, k), aps = depthStride(form, m);
  const bps = bStride(form, n), bjs = bColumnStride(form, k);
  gemm(
    c + (<usize>j0 << 2), n, a, ars, aps, b + (<usize>j0 * <usize>bjs << 2), bps, bjs, bias ? bias + (<usize>j0 << 2) : 0, m, j1 - j0, k, accumulate, slot,
    panels ? panels + (<usize>j0 * <usize>k << 2) : 0,
  );
}

/**
 * Rows [i0, i1) of one of the three products (i0 a multiple of 4), with the packing buffers of
 * thread `slot`: a tall product's unit of work, which packs only these rows of A. `panels` as
 * for gemm_columns.
 */
export function gemm_rows(form: i32, c: usize, a: usize, b: usize, bias: usize, m: i32, n: i32, k: i32, accumulate: bool, i0: i32, i1: i32, slot: i32, panels: usize): void {
  const ars = rowStride(form, m, k), aps = depthStride(form, m);
  const bps = bStride(form, n), bjs = bColumnStride(form, k);
  gemm(c + (<usize>i0 * <usize>n << 2), n, a + (<usize>i0 * <usize>ars << 2), ars, aps, b, bps, bjs, bias, i1 - i0, n, k, accumulate, slot, panels);
}

/**
 * C[m×n] (+)= A·B (+ bias) where A(i,p) is at a[i*ars + p*aps] and B(p,j) at b[p*bps + j*bjs]
 * (strides in elements; C is row-major with `ldc` floats a row; bias is 0 or n floats), packing
 * into the buffers of thread `slot`; B comes already packed when `panels` (gemm_keep's strips) is not 0.
 */
function gemm(
  c: usize, ldc: i32, a: usize, ars: i32, aps: i32, b: usize, bps: i32, bjs: i32, bias: usize,
  m: i32, n: i32, k: i32, accumulate: bool, slot: i32, panels: usize = 0,
): void {
  if (m <= 0 || n <= 0) return;
  // Tiny products (XOR-sized layers) cost less as plain loops than as packing.
  if (isSmall(m, n, k)) {
    gemmSmall(c, ldc, a, ars, aps, b, bps, bjs, bias, m, n, k, accumulate);
    return;
  }
  const packA = scratch + <usize>slot * SCRATCH_BYTES;
  const packB = packA + PACK_A_BYTES;
  const edgeTile = packB + PACK_B_BYTES;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = min(KC, k - p0);
      if (!panels) packPanelB(packB, b, bps, bjs, p0, j0, kc, nc);
      // Later depth blocks add onto what the first one wrote; the last one adds the bias.
      const add = accumulate || p0 > 0;
      const lastBias = p0 + kc == k ? bias : 0;
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = min(MC, m - i0);
        packPanelA(packA, a, ars, aps, i0, p0, mc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          // A kept strip holds all k depths: this block starts p0 rows of 8 into it.
          const pb = panels ? panels + ((<usize>(j0 + jr) * <usize>k + <usize>p0 * NR) << 2) : packB + (<usize>jr * <usize>kc << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const pa = packA + (<usize>ir * <usize>kc << 2);
            const pc = c + ((<usize>(i0 + ir) * <usize>ldc + <usize>(j0 + jr)) << 2);
            const tileBias = lastBias ? lastBias + (<usize>(j0 + jr) << 2) : 0;
            microKernel(pc, ldc, pa, pb, kc, min(MR, mc - ir), min(NR, nc - jr), add, tileBias, edgeTile);
          }
        }
      }
    }
  }
}

/**
 * C (+)= A·B (+ bias) without packing, for products too small to amortize it: four columns at a
 * time when B's rows are contiguous (nn, tn), dot products along k when they are not (nt).
 */
function gemmSmall(
  c: usize, ldc: i32, a: usize, ars: i32, aps: i32, b: usize, bps: i32, bjs: i32, bias: usize,
  m: i32, n: i32, k: i32, accumulate: bool,
): void {
  const aStep = <usize>aps << 2, bStep = <usize>bps << 2;
  if (n == 1 && ldc == 1 && ars == 1 && aps != 1 && m >= 4) {
    // One column of C down contiguous rows of Aᵀ (a one-unit layer's dW): four rows a vector,
    // each lane the scalar loop's sum below, in its order.
    gemmSmallColumn(c, a, aps, b, bps, bias, m, k, accumulate);
    return;
  }
  for (let i = 0; i < m; i++) {
    const aRow = a + (<usize>(i * ars) << 2);
    const cRow = c + (<usize>(i * ldc) << 2);
    let j = 0;
    if (bjs == 1) {
      // Eight columns at a time share each A load; every lane sums as the four-column loop does.
      for (; j + 8 <= n; j += 8) {
        let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0);
        if (bias) {
          acc0 = v128.load(bias + (<usize>j << 2));
          acc1 = v128.load(bias + (<usize>j << 2), 16);
        }
        let pa = aRow, pb = b + (<usize>j << 2);
        for (let p = 0; p < k; p++) {
          const ai = v128.load32_splat(pa);
          acc0 = madd(ai, v128.load(pb), acc0);
          acc1 = madd(ai, v128.load(pb, 16), acc1);
          pa += aStep;
          pb += bStep;
        }
        const dst = cRow + (<usize>j << 2);
        v128.store(dst, accumulate ? f32x4.add(v128.load(dst), acc0) : acc0);
        v128.store(dst, accumulate ? f32x4.add(v128.load(dst, 16), acc1) : acc1, 16);
      }
      for (; j + 4 <= n; j += 4) {
        let acc = bias ? v128.load(bias + (<usize>j << 2)) : f32x4.splat(0);
        let pa = aRow, pb = b + (<usize>j << 2);
        for (let p = 0; p < k; p++) {
          acc = madd(v128.load32_splat(pa), v128.load(pb), acc);
          pa += aStep;
          pb += bStep;
        }
        const dst = cRow + (<usize>j << 2);
        v128.store(dst, accumulate ? f32x4.add(v128.load(dst), acc) : acc);
      }
    }
    for (; j < n; j++) {
      let pa = aRow, pb = b + (<usize>(j * bjs) << 2);
      let sum: f32 = 0;
      let p = 0;
      if (aps == 1 && bps == 1) {
        let acc = f32x4.splat(0);
        for (; p + 4 <= k; p += 4) {
          acc = madd(v128.load(pa), v128.load(pb), acc);
          pa += 16;
          pb += 16;
        }
        sum = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
      }
      for (; p < k; p++) {
        sum += load<f32>(pa) * load<f32>(pb);
        pa += aStep;
        pb += bStep;
      }
      if (bias) sum += load<f32>(bias + (<usize>j << 2));
      const dst = cRow + (<usize>j << 2);
      store<f32>(dst, accumulate ? load<f32>(dst) + sum : sum);
    }
  }
}

/**
 * gemmSmall's scalar loop for C one column wide (m×1, contiguous) and A(i,p) at a[i + p*aps]:
 * rows four at a time, each lane Σ_p a·b (mul, then add, from 0, p in order), then + bias, as the
 * scalar loop computes it; the last m mod 4 rows by that loop's arithmetic.
 */
function gemmSmallColumn(c: usize, a: usize, aps: i32, b: usize, bps: i32, bias: usize, m: i32, k: i32, accumulate: bool): void {
  const aStep = <usize>aps << 2, bStep = <usize>bps << 2;
  const vbias = bias ? v128.load32_splat(bias) : f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    let acc = f32x4.splat(0);
    let pa = a + (<usize>i << 2), pb = b;
    for (let p = 0; p < k; p++) {
      acc = f32x4.add(acc, f32x4.mul(v128.load(pa), v128.load32_splat(pb)));
      pa += aStep;
      pb += bStep;
    }
    if (bias) acc = f32x4.add(acc, vbias);
    const dst = c + (<usize>i << 2);
    v128.store(dst, accumulate ? f32x4.add(v128.load(dst), acc) : acc);
  }
  for (; i < m; i++) {
    let pa = a + (<usize>i << 2), pb = b;
    let sum: f32 = 0;
    for (let p = 0; p < k; p++) {
      sum += load<f32>(pa) * load<f32>(pb);
      pa += aStep;
      pb += bStep;
    }
    if (bias) sum += load<f32>(bias);
    const dst = c + (<usize>i << 2);
    store<f32>(dst, accumulate ? load<f32>(dst) + sum : sum);
  }
}

/** Packs rows [i0, i0+mc) × depth [p0, p0+kc) of A into 4-row strips, k-major, zero-padded. */
function packPanelA(packA: usize, a: usize, ars: i32, aps: i32, i0: i32, p0: i32, mc: i32, kc: i32): void {
  let dst = packA;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    if (rows == MR && ars == 1) {
      // Aᵀ stored row-major: the 4 values for one p are contiguous.
      let src = a + ((<usize>(i0 + ir) + <usize>p0 * <usize>aps) << 2);
      const step = <usize>aps << 2;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        src += step;
        dst += 16;
      }
    } else {
      let p = 0;
      if (rows == MR && aps == 1) {
        // A stored row-major: 4 rows × 4 depths at a time, transposed in registers.
        const row = a + ((<usize>(i0 + ir) * <usize>ars + <usize>p0) << 2), ld = <usize>ars << 2;
        for (; p + 4 <= kc; p += 4) {
          const o = <usize>p << 2;
          transpose4(dst, v128.load(row + o), v128.load(row + ld + o), v128.load(row + 2 * ld + o), v128.load(row + 3 * ld + o), 16);
          dst += 64;
        }
      }
      for (; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          let v: f32 = 0;
          if (r < rows) v = load<f32>(a + ((<usize>(i0 + ir + r) * <usize>ars + <usize>(p0 + p) * <usize>aps) << 2));
          store<f32>(dst + (<usize>r << 2), v);
        }
        dst += 16;
      }
    }
  }
}

/**
 * Stores the transpose of the 4×4 block with rows r0..r3 as four vectors `stride` bytes apart:
 * vector i holds element i of every row.
 */
// @ts-ignore: decorator
@inline function transpose4(dst: usize, r0: v128, r1: v128, r2: v128, r3: v128, stride: usize): void {
  const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<i32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst + stride, v128.shuffle<i32>(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, v128.shuffle<i32>(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, v128.shuffle<i32>(t1, t3, 2, 3, 6, 7));
}

/** Packs depth [p0, p0+kc) × columns [j0, j0+nc) of B into 8-column strips, k-major, zero-padded. */
function packPanelB(packB: usize, b: usize, bps: i32, bjs: i32, p0: i32, j0: i32, kc: i32, nc: i32): void {
  let dst = packB;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    if (cols == NR && bjs == 1) {
      let src = b + ((<usize>p0 * <usize>bps + <usize>(j0 + jr)) << 2);
      const step = <usize>bps << 2;
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += step;
        dst += 32;
      }
    } else {
      let p = 0;
      if (cols == NR && bps == 1) {
        // Bᵀ stored row-major (the A·Bᵀ form): 8 columns × 4 depths, as two 4×4 transposes.
        const col = b + ((<usize>(j0 + jr) * <usize>bjs + <usize>p0) << 2), ld = <usize>bjs << 2;
        for (; p + 4 <= kc; p += 4) {
          const o = <usize>p << 2;
          transpose4(dst, v128.load(col + o), v128.load(col + ld + o), v128.load(col + 2 * ld + o), v128.load(col + 3 * ld + o), 32);
          const hi = col + 4 * ld + o;
          transpose4(dst + 16, v128.load(hi), v128.load(hi + ld), v128.load(hi + 2 * ld), v128.load(hi + 3 * ld), 32);
          dst += 128;
        }
      }
      for (; p < kc; p++) {
        for (let q = 0; q < NR; q++) {
          let v: f32 = 0;
          if (q < cols) v = load<f32>(b + ((<usize>(p0 + p) * <usize>bps + <usize>(j0 + jr + q) * <usize>bjs) << 2));
          store<f32>(dst + (<usize>q << 2), v);
        }
        dst += 32;
      }
    }
  }
}

/**
 * One 4×8 tile of C from a packed A strip and a packed B strip; writes only rows < mr, cols < nr.
 * A non-zero `bias` (the tile's first column) starts every row's sums at the bias.
 */
function microKernel(c: usize, ldc: i32, pa: usize, pb: usize, kc: i32, mr: i32, nr: i32, add: bool, bias: usize, edgeTile: usize): void {
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0);
  if (bias) {
    if (nr == NR) {
      b0 = v128.load(bias);
      b1 = v128.load(bias, 16);
    } else {
      for (let q = 0; q < nr; q++) store<f32>(edgeTile + (<usize>q << 2), load<f32>(bias + (<usize>q << 2)));
      for (let q = nr; q < NR; q++) store<f32>(edgeTile + (<usize>q << 2), 0);
      b0 = v128.load(edgeTile);
      b1 = v128.load(edgeTile, 16);
    }
  }
  let c00 = b0, c01 = b1;
  let c10 = b0, c11 = b1;
  let c20 = b0, c21 = b1;
  let c30 = b0, c31 = b1;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let ai = v128.load32_splat(pa);
    c00 = madd(ai, b0, c00); c01 = madd(ai, b1, c01);
    ai = v128.load32_splat(pa, 4);
    c10 = madd(ai, b0, c10); c11 = madd(ai, b1, c11);
    ai = v128.load32_splat(pa, 8);
    c20 = madd(ai, b0, c20); c21 = madd(ai, b1, c21);
    ai = v128.load32_splat(pa, 12);
    c30 = madd(ai, b0, c30); c31 = madd(ai, b1, c31);
    pa += 16;
    pb += 32;
  }
  const ld = <usize>ldc << 2;
  if (mr == MR && nr == NR) {
    storeRow(c, c00, c01, add);
    storeRow(c + ld, c10, c11, add);
    storeRow(c + 2 * ld, c20, c21, add);
    storeRow(c + 3 * ld, c30, c31, add);
    return;
  }
  v128.store(edgeTile, c00); v128.store(edgeTile, c01, 16);
  v128.store(edgeTile, c10, 32); v128.store(edgeTile, c11, 48);
  v128.store(edgeTile, c20, 64); v128.store(edgeTile, c21, 80);
  v128.store(edgeTile, c30, 96); v128.store(edgeTile, c31, 112);
  for (let r = 0; r < mr; r++) {
    const row = c + <usize>r * ld;
    for (let q = 0; q < nr; q++) {
      const dst = row + (<usize>q << 2);
      const v = load<f32>(edgeTile + (<usize>(r * NR + q) << 2));
      store<f32>(dst, add ? load<f32>(dst) + v : v);
    }
  }
}

// @ts-ignore: decorator
@inline function storeRow(row: usize, lo: v128, hi: v128, add: bool): void {
  if (add) {
    lo = f32x4.add(v128.load(row), lo);
    hi = f32x4.add(v128.load(row, 16), hi);
  }
  v128.store(row, lo);
  v128.store(row, hi, 16);
}
