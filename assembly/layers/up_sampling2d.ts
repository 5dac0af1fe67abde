// UpSampling2D, nearest neighbour, over [height, width, channels] examples (channelsLast): each
// value repeated `sh` times down and `sw` times across. Backward sums each sh × sw block of the
// gradient back onto the value it came from.

/** y [rows, h·sh, w·sw, c]: y[r, i, j, k] = x[r, i / sh, j / sw, k]. */
export function up_sampling2d_forward(y: usize, x: usize, rows: i32, h: i32, w: i32, c: i32, sh: i32, sw: i32): void {
  const pixel = <usize>c << 2, outRow = <usize>(w * sw) * pixel;
  let src = x, out = y;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < h; i++) {
      // One output row from the input row, then its sh − 1 copies below it.
      const first = out;
      for (let j = 0; j < w; j++) {
        for (let s = 0; s < sw; s++) {
          memory.copy(out, src, pixel);
          out += pixel;
        }
        src += pixel;
      }
      for (let s = 1; s < sh; s++) {
        memory.copy(out, first, outRow);
        out += outRow;
      }
    }
  }
}

/** dx[r, i, j, k] = Σ over its sh × sw block of dy, rows then columns (added to dx with `accumulate`). */
export function up_sampling2d_backward(dx: usize, dy: usize, rows: i32, h: i32, w: i32, c: i32, sh: i32, sw: i32, accumulate: bool): void {
  const outW = w * sw, outRow = <usize>(outW * c) << 2;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < h; i++) {
      const block = dy + (<usize>r * <usize>(h * sh) + <usize>(i * sh)) * outRow;
      const d = dx + (<usize>r * <usize>h + <usize>i) * (<usize>(w * c) << 2);
      for (let j = 0; j < w; j++) {
        for (let k = 0; k < c; k++) {
          let s: f32 = 0;
          for (let a = 0; a < sh; a++) {
            const g = block + <usize>a * outRow + (<usize>(j * sw * c + k) << 2);
            for (let b = 0; b < sw; b++) s += load<f32>(g + (<usize>(b * c) << 2));
          }
          const o = d + (<usize>(j * c + k) << 2);
          store<f32>(o, accumulate ? load<f32>(o) + s : s);
        }
      }
    }
  }
}
