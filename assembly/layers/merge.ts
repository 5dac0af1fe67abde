// Merge layers (TF.js's): several inputs of one shape combined value by value — add, subtract (two
// inputs), multiply, average, maximum, minimum — or concatenated along the last axis. Each takes
// its inputs as an array of `count` pointers; backward writes each input's gradient through a
// second array, adding to what is there where the flags array says so (a value with several
// consumers gets the sum over every path: the multivariable chain rule).
export const ADD = 0;
export const SUBTRACT = 1;
export const MULTIPLY = 2;
export const AVERAGE = 3;
export const MAXIMUM = 4;
export const MINIMUM = 5;

// @ts-ignore: decorator
@inline function pointer(array: usize, k: i32): usize {
  return load<usize>(array + (<usize>k << alignof<usize>()));
}

/** out = op(x_0, …, x_{count−1}) over n values (maximum and minimum fold left to right, as TF.js). */
export function merge_forward(out: usize, inputs: usize, count: i32, n: i32, op: i32): void {
  const scale: f32 = <f32>1 / <f32>count;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    let v = load<f32>(pointer(inputs, 0) + o);
    for (let k = 1; k < count; k++) {
      const w = load<f32>(pointer(inputs, k) + o);
      if (op == ADD || op == AVERAGE) v += w;
      else if (op == SUBTRACT) v -= w;
      else if (op == MULTIPLY) v *= w;
      else if (op == MAXIMUM) v = w > v ? w : v;
      else v = w < v ? w : v;
    }
    store<f32>(out + o, op == AVERAGE ? v * scale : v);
  }
}

/**
 * Each input's gradient from dy: add passes dy, subtract ±dy, average dy / count, multiply dy
 * times the product of the other inputs, maximum and minimum dy to the input that won (a tie goes
 * to the earlier input, as TF.js's pairwise fold). grads[k] 0 skips input k.
 */
export function merge_backward(grads: usize, accumulate: usize, dy: usize, inputs: usize, count: i32, n: i32, op: i32): void {
  const scale: f32 = <f32>1 / <f32>count;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2, d = load<f32>(dy + o);
    // The winner of maximum / minimum.
    let winner = 0;
    if (op == MAXIMUM || op == MINIMUM) {
      let best = load<f32>(pointer(inputs, 0) + o);
      for (let k = 1; k < count; k++) {
        const w = load<f32>(pointer(inputs, k) + o);
        if (op == MAXIMUM ? w > best : w < best) { best = w; winner = k; }
      }
    }
    for (let k = 0; k < count; k++) {
      const g = pointer(grads, k);
      if (!g) continue;
      let v: f32;
      if (op == ADD) v = d;
      else if (op == SUBTRACT) v = k == 0 ? d : -d;
      else if (op == AVERAGE) v = d * scale;
      else if (op == MULTIPLY) {
        v = d;
        for (let j = 0; j < count; j++) if (j != k) v *= load<f32>(pointer(inputs, j) + o);
      } else v = k == winner ? d : 0;
      store<f32>(g + o, pointer(accumulate, k) ? load<f32>(g + o) + v : v);
    }
  }
}

/** out = [x_0 | x_1 | …] along the last axis: `groups` rows, input k `widths[k]` wide (i32s). */
export function concatenate_forward(out: usize, inputs: usize, widths: usize, count: i32, rows: i32, groups: i32): void {
  let at: usize = 0;
  for (let g = 0; g < rows * groups; g++) {
    for (let k = 0; k < count; k++) {
      const w = <usize>load<i32>(widths + (<usize>k << 2)) << 2;
      memory.copy(out + at, pointer(inputs, k) + <usize>g * w, w);
      at += w;
    }
  }
}

/** Each input's slice of dy, the concatenation's chain rule (added where the flags say so). */
export function concatenate_backward(grads: usize, accumulate: usize, dy: usize, widths: usize, count: i32, rows: i32, groups: i32): void {
  let at: usize = 0;
  for (let g = 0; g < rows * groups; g++) {
    for (let k = 0; k < count; k++) {
      const width = load<i32>(widths + (<usize>k << 2)), grad = pointer(grads, k);
      if (grad) {
        const dst = grad + (<usize>g * <usize>width << 2);
        for (let j = 0; j < width; j++) {
          const o = <usize>j << 2, v = load<f32>(dy + at + o);
          store<f32>(dst + o, pointer(accumulate, k) ? load<f32>(dst + o) + v : v);
        }
      }
      at += <usize>width << 2;
    }
  }
}
