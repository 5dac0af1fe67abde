// CategoryEncoding (Keras's and TF.js's): integer ids to a row of numTokens values. Each group of
// `ids` ids (an example's ids for 'multiHot' and 'count', one id for 'oneHot') becomes one row:
// 1 at every id present ('multiHot', 'oneHot'), or how many times each id occurs ('count').
// The ids have no gradient (the layer comes first). An id outside [0, numTokens) — which the
// TypeScript side refuses before any call — is skipped, so a row is never written out of bounds.

/** out[g, :] = the encoding of x[g·ids .. (g+1)·ids) for `groups` groups. */
export function category_encoding_forward(out: usize, x: usize, groups: i32, ids: i32, numTokens: i32, count: bool): void {
  for (let g = 0; g < groups; g++) {
    const row = out + (<usize>g * <usize>numTokens << 2);
    memory.fill(row, 0, <usize>numTokens << 2);
    for (let k = 0; k < ids; k++) {
      const v = load<f32>(x + ((<usize>g * <usize>ids + <usize>k) << 2));
      if (!(v >= 0 && v < <f32>numTokens)) continue;
      const at = row + (<usize><i32>v << 2);
      store<f32>(at, count ? load<f32>(at) + 1 : 1);
    }
  }
}
