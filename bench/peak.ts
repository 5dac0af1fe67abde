// The f32x4 arithmetic peak of this engine on this machine, as a yardstick for neurite's gemm.
//
// Twelve independent accumulators stay in registers and each does acc = acc·b + c per iteration,
// so nothing touches memory and there are enough independent chains to hide the latency of the
// multiply and the add. Each accumulator update is 4 lanes × (1 multiply + 1 add) = 8 FLOP, the
// same count as 4 multiply-adds of a matrix product. b < 1 keeps every value finite and normal.
//
// run.js compiles this file twice: with `--enable simd` (separate f32x4.mul and f32x4.add, which
// is what neurite's plain build runs) and with `--enable simd,relaxed-simd` (one fused
// f32x4.relaxed_madd, what its relaxed build runs).

export const FLOP_PER_ITERATION: i32 = 12 * 8;

@inline function madd(acc: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(acc, b, c);
  return f32x4.add(f32x4.mul(acc, b), c);
}

/** Runs `iterations` rounds of 12 accumulator updates; returns their sum so none is optimized away. */
export function madd_loop(iterations: i32): f32 {
  const b = f32x4.splat(0.999);
  const c = f32x4.splat(0.001);
  let a0 = f32x4.splat(0.0), a1 = f32x4.splat(0.1), a2 = f32x4.splat(0.2), a3 = f32x4.splat(0.3);
  let a4 = f32x4.splat(0.4), a5 = f32x4.splat(0.5), a6 = f32x4.splat(0.6), a7 = f32x4.splat(0.7);
  let a8 = f32x4.splat(0.8), a9 = f32x4.splat(0.9), a10 = f32x4.splat(1.0), a11 = f32x4.splat(1.1);
  for (let i = 0; i < iterations; i++) {
    a0 = madd(a0, b, c); a1 = madd(a1, b, c); a2 = madd(a2, b, c); a3 = madd(a3, b, c);
    a4 = madd(a4, b, c); a5 = madd(a5, b, c); a6 = madd(a6, b, c); a7 = madd(a7, b, c);
    a8 = madd(a8, b, c); a9 = madd(a9, b, c); a10 = madd(a10, b, c); a11 = madd(a11, b, c);
  }
  const sum = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7))),
    f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)),
  );
  return f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1) + f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3);
}
