// Dropout: during training each value is zeroed with probability `rate` and the survivors are
// scaled by 1/(1 − rate) ("inverted" dropout), so nothing needs rescaling at inference.
import { rng_next_f64 } from "../rng";

/** n mask values, each 0 (with probability `rate`) or 1/(1−rate), drawn from the stream at `state`. */
export function dropout_mask(mask: usize, n: i32, rate: f32, state: usize): void {
  const scale: f32 = 1 / (1 - rate);
  for (let i = 0; i < n; i++) {
    store<f32>(mask + (<usize>i << 2), rng_next_f64(state) >= <f64>rate ? scale : 0);
  }
}

/** a = x ⊙ mask with a new mask (kept for the backward pass). */
export function dropout_forward(a: usize, mask: usize, x: usize, n: i32, rate: f32, state: usize): void {
  dropout_mask(mask, n, rate, state);
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(a + o, load<f32>(x + o) * load<f32>(mask + o));
  }
}

/**
 * dx = dy ⊙ mask (added to dx with `accumulate`): dropped values pass no gradient back. A mask of 0
 * means nothing was dropped (a forward pass outside training), so dy passes through.
 */
export function dropout_backward(dx: usize, dy: usize, mask: usize, n: i32, accumulate: bool): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const g = mask ? f32x4.mul(v128.load(dy + o), v128.load(mask + o)) : v128.load(dy + o);
    v128.store(dx + o, accumulate ? f32x4.add(v128.load(dx + o), g) : g);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const g = mask ? load<f32>(dy + o) * load<f32>(mask + o) : load<f32>(dy + o);
    store<f32>(dx + o, accumulate ? load<f32>(dx + o) + g : g);
  }
}
