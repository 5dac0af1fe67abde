// Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna) seeded through splitmix64.
// Every stream is 16 bytes of state owned by the caller, so a layer, a shuffle and a dropout mask
// each have their own reproducible sequence, identical on every Wasm engine.

/** Seeds the 4×u32 state at `state` from an integer seed (an f64 so JS can pass up to 2^53). */
export function rng_seed(state: usize, seed: f64): void {
  let s = <u64>seed;
  for (let i = 0; i < 2; i++) {
    s += 0x9e3779b97f4a7c15;
    let z = s;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    z = z ^ (z >> 31);
    store<u64>(state + (<usize>i << 3), z);
  }
  // The all-zero state is the one xoshiro cannot leave.
  if (load<u64>(state) == 0 && load<u64>(state, 8) == 0) store<u32>(state, 1);
}

// @ts-ignore: decorator
@inline function rotl(x: u32, k: u32): u32 {
  return (x << k) | (x >> (32 - k));
}

/** Next 32 random bits from the stream at `state`. */
export function rng_next_u32(state: usize): u32 {
  const s0 = load<u32>(state), s1 = load<u32>(state, 4);
  const s2 = load<u32>(state, 8), s3 = load<u32>(state, 12);
  const result = rotl(s1 * 5, 7) * 9;
  const t = s1 << 9;
  let n2 = s2 ^ s0, n3 = s3 ^ s1;
  const n1 = s1 ^ n2, n0 = s0 ^ n3;
  n2 ^= t;
  n3 = rotl(n3, 11);
  store<u32>(state, n0); store<u32>(state, n1, 4);
  store<u32>(state, n2, 8); store<u32>(state, n3, 12);
  return result;
}

/** Uniform f64 in [0, 1) with 53 random bits. */
export function rng_next_f64(state: usize): f64 {
  const hi = <u64>(rng_next_u32(state) >> 5), lo = <u64>(rng_next_u32(state) >> 6);
  return <f64>((hi << 26) | lo) * (1.0 / 9007199254740992.0);
}

/** Standard normal by Box–Muller; computed in f64 so the tails are right. */
function nextNormal(state: usize): f64 {
  let u = rng_next_f64(state);
  while (u == 0) u = rng_next_f64(state);
  const v = rng_next_f64(state);
  return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
}

/** out[i] ~ U[lo, hi) */
export function rng_uniform(out: usize, n: i32, state: usize, lo: f32, hi: f32): void {
  const span = <f64>hi - <f64>lo;
  for (let i = 0; i < n; i++) {
    store<f32>(out + (<usize>i << 2), <f32>(<f64>lo + span * rng_next_f64(state)));
  }
}

/** out[i] ~ N(mean, std²); with `truncate`, values beyond two standard deviations are redrawn. */
export function rng_normal(out: usize, n: i32, state: usize, mean: f32, std: f32, truncate: bool): void {
  for (let i = 0; i < n; i++) {
    let z = nextNormal(state);
    if (truncate) while (Math.abs(z) > 2.0) z = nextNormal(state);
    store<f32>(out + (<usize>i << 2), <f32>(<f64>mean + <f64>std * z));
  }
}

/** Fisher–Yates shuffle of `n` i32 indices in place. */
export function rng_shuffle(indices: usize, n: i32, state: usize): void {
  for (let i = n - 1; i > 0; i--) {
    const j = <i32>(rng_next_f64(state) * <f64>(i + 1));
    const pi = indices + (<usize>i << 2), pj = indices + (<usize>j << 2);
    const t = load<i32>(pi);
    store<i32>(pi, load<i32>(pj));
    store<i32>(pj, t);
  }
}
