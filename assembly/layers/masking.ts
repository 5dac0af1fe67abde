// Masking (TF.js's): a step whose every feature equals maskValue is padding. The layer zeroes such
// steps and hands the recurrent layers after it a mask of 1 (kept) or 0 (skipped) per step:
//   m_g = any_j(x[g, j] ≠ maskValue),   out[g, :] = x[g, :] · m_g,   dx[g, :] = dOut[g, :] · m_g.
// (TF.js multiplies by the mask rather than writing zeros, so a masked step is x · 0: the same bits.)

/** out = x · m and mask = m over `groups` rows (steps) of `features` values. */
export function masking_forward(out: usize, mask: usize, x: usize, groups: i32, features: i32, maskValue: f32): void {
  for (let g = 0; g < groups; g++) {
    const row = x + (<usize>g * <usize>features << 2), dst = out + (<usize>g * <usize>features << 2);
    let m: f32 = 0;
    for (let j = 0; j < features; j++) {
      if (load<f32>(row + (<usize>j << 2)) != maskValue) { m = 1; break; }
    }
    store<f32>(mask + (<usize>g << 2), m);
    for (let j = 0; j < features; j++) {
      const o = <usize>j << 2;
      store<f32>(dst + o, load<f32>(row + o) * m);
    }
  }
}

/** dx = dOut · m (or dx += with `accumulate`), the mask saved by the forward pass. */
export function masking_backward(inputGrad: usize, dOut: usize, mask: usize, groups: i32, features: i32, accumulate: bool): void {
  for (let g = 0; g < groups; g++) {
    const m = load<f32>(mask + (<usize>g << 2));
    const src = dOut + (<usize>g * <usize>features << 2), dst = inputGrad + (<usize>g * <usize>features << 2);
    for (let j = 0; j < features; j++) {
      const o = <usize>j << 2;
      const v = load<f32>(src + o) * m;
      store<f32>(dst + o, accumulate ? load<f32>(dst + o) + v : v);
    }
  }
}
