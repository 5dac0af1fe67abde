// ZeroPadding2D over [height, width, channels] examples (channelsLast): `top` rows of zeros above,
// `bottom` below, `left` columns before and `right` after. Backward crops the gradient back out.
import { reshape_backward } from "./reshape";

/**
 * y [rows, top + h + bottom, left + w + right, c] = x [rows, h, w, c] surrounded by zeros.
 */
export function zero_padding2d_forward(
  y: usize, x: usize, rows: i32, h: i32, w: i32, c: i32, top: i32, bottom: i32, left: i32, right: i32,
): void {
  const outW = left + w + right, outH = top + h + bottom;
  const inRow = <usize>(w * c) << 2, outRow = <usize>(outW * c) << 2;
  const leftBytes = <usize>(left * c) << 2, rightBytes = <usize>(right * c) << 2;
  for (let r = 0; r < rows; r++) {
    let out = y + <usize>r * <usize>outH * outRow;
    let src = x + <usize>r * <usize>h * inRow;
    memory.fill(out, 0, <usize>top * outRow);
    out += <usize>top * outRow;
    for (let i = 0; i < h; i++) {
      if (leftBytes) memory.fill(out, 0, leftBytes);
      memory.copy(out + leftBytes, src, inRow);
      if (rightBytes) memory.fill(out + leftBytes + inRow, 0, rightBytes);
      out += outRow;
      src += inRow;
    }
    memory.fill(out, 0, <usize>bottom * outRow);
  }
}

/** dx [rows, h, w, c] = the inner part of dy (added to dx with `accumulate`). */
export function zero_padding2d_backward(
  dx: usize, dy: usize, rows: i32, h: i32, w: i32, c: i32, top: i32, bottom: i32, left: i32, right: i32, accumulate: bool,
): void {
  const outW = left + w + right, outH = top + h + bottom;
  const inRow = <usize>(w * c) << 2, outRow = <usize>(outW * c) << 2;
  for (let r = 0; r < rows; r++) {
    let g = dy + <usize>r * <usize>outH * outRow + <usize>top * outRow + (<usize>(left * c) << 2);
    let d = dx + <usize>r * <usize>h * inRow;
    for (let i = 0; i < h; i++) {
      reshape_backward(d, g, w * c, accumulate);
      g += outRow;
      d += inRow;
    }
  }
}
