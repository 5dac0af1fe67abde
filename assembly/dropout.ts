// Dropout: during training each value is zeroed with probability `rate` and the survivors are
// scaled by 1/(1 − rate) ("inverted" dropout), so nothing needs rescaling at inference.
import { rng_next_f64 } from "./rng";

/** a = x ⊙ mask with mask_i ∈ {0, 1/(1−rate)} drawn from the stream at `state`; the mask is kept. */
export function dropout_forward(a: usize, mask: usize, x: usize, n: i32, rate: f32, state: usize): void {
  const scale: f32 = 1 / (1 - rate);
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const m: f32 = rng_next_f64(state) >= <f64>rate ? scale : 0;
    store<f32>(mask + o, m);
    store<f32>(a + o, load<f32>(x + o) * m);
  }
}

/** dx = dy ⊙ mask. */
export function dropout_backward(dx: usize, dy: usize, mask: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), v128.load(mask + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(dy + o) * load<f32>(mask + o));
  }
}
