// Embedding: each integer id of the input picks a row of the table E [inputDim × outputDim],
//   out[p, :] = E[id_p, :],
// and the gradient is the scatter-add of the output's gradient into the rows used,
//   dE[id_p, :] += dOut[p, :],
// (a row used twice gets both). The ids are not differentiable: there is no input gradient. The
// ids come as f32; the TypeScript side checks them (integers in [0, inputDim)) on the staged copy
// before any step, and these kernels still never read or write outside the table: an id out of
// range (or NaN) gives a row of zeros forward and no gradient backward. With maskZero, id 0 is
// padding: embedding_mask gives the recurrent layers after it a 0 there (1 elsewhere).

// The row an id picks, or -1 when it is not within [0, inputDim) (no float-to-int trap on NaN).
// @ts-ignore: decorator
@inline function rowOf(v: f32, inputDim: i32): i32 {
  return v >= 0 && v < <f32>inputDim ? <i32>v : -1;
}

/** out[p] = table[ids[p]] for `positions` ids (examples × ids per example), rows of `outputDim`. */
export function embedding_forward(out: usize, ids: usize, table: usize, positions: i32, inputDim: i32, outputDim: i32): void {
  const rowBytes = <usize>outputDim << 2;
  for (let p = 0; p < positions; p++) {
    const row = rowOf(load<f32>(ids + (<usize>p << 2)), inputDim);
    const dst = out + <usize>p * rowBytes;
    if (row < 0) memory.fill(dst, 0, rowBytes);
    else memory.copy(dst, table + <usize>row * rowBytes, rowBytes);
  }
}

/**
 * dTable[ids[p]] += d[p] for every position; the table's gradient is zeroed first unless
 * `accumulate`. Only the rows used are written after that.
 */
export function embedding_backward(tableGrad: usize, d: usize, ids: usize, positions: i32, inputDim: i32, outputDim: i32, accumulate: bool): void {
  const rowBytes = <usize>outputDim << 2;
  if (!accumulate) memory.fill(tableGrad, 0, <usize>inputDim * rowBytes);
  const vecBytes = rowBytes & ~(<usize>15);
  for (let p = 0; p < positions; p++) {
    const row = rowOf(load<f32>(ids + (<usize>p << 2)), inputDim);
    if (row < 0) continue;
    const dst = tableGrad + <usize>row * rowBytes, src = d + <usize>p * rowBytes;
    let o: usize = 0;
    for (; o < vecBytes; o += 16) v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
    for (; o < rowBytes; o += 4) store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/** mask[p] = 0 where ids[p] is 0 (padding), 1 elsewhere, for `positions` ids. */
export function embedding_mask(mask: usize, ids: usize, positions: i32): void {
  for (let p = 0; p < positions; p++) {
    const o = <usize>p << 2;
    store<f32>(mask + o, load<f32>(ids + o) != 0 ? 1 : 0);
  }
}
