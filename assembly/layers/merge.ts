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

// Dot: each example's two vectors (n values each) make one value, their dot product, or with
// `normalize` their cosine: each vector divided by its norm first, √max(Σx², 1e-7) as TF.js's
// l2Normalize. A 1-D example's only axis, as TF.js's dot({ axes: 1 }) on [batch, n] inputs.
const NORM_EPSILON: f32 = 1e-7;

// @ts-ignore: decorator
@inline function sumOfSquares(x: usize, n: i32): f32 {
  let s: f32 = 0;
  for (let j = 0; j < n; j++) {
    const v = load<f32>(x + (<usize>j << 2));
    s += v * v;
  }
  return s;
}

/** out[r] = a_r · b_r (normalized: â_r · b̂_r) for `rows` pairs of n values at inputs[0], inputs[1]. */
export function dot_forward(out: usize, inputs: usize, rows: i32, n: i32, normalize: bool): void {
  const a = pointer(inputs, 0), b = pointer(inputs, 1), rowBytes = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const ar = a + <usize>r * rowBytes, br = b + <usize>r * rowBytes;
    let s: f32 = 0;
    for (let j = 0; j < n; j++) s += load<f32>(ar + (<usize>j << 2)) * load<f32>(br + (<usize>j << 2));
    if (normalize) s /= sqrt<f32>(max(sumOfSquares(ar, n), NORM_EPSILON)) * sqrt<f32>(max(sumOfSquares(br, n), NORM_EPSILON));
    store<f32>(out + (<usize>r << 2), s);
  }
}

/**
 * da = dy · b and db = dy · a; normalized, da = dy · (b̂ − y·â) / ‖a‖ (where the norm is not the
 * ε floor, whose slope is 0: then dy · b̂ / ‖a‖), and db alike.
 */
export function dot_backward(grads: usize, accumulate: usize, dy: usize, inputs: usize, rows: i32, n: i32, normalize: bool): void {
  const rowBytes = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const d = load<f32>(dy + (<usize>r << 2));
    const a = pointer(inputs, 0) + <usize>r * rowBytes, b = pointer(inputs, 1) + <usize>r * rowBytes;
    const sa = sumOfSquares(a, n), sb = sumOfSquares(b, n);
    const na: f32 = normalize ? sqrt<f32>(max(sa, NORM_EPSILON)) : 1, nb: f32 = normalize ? sqrt<f32>(max(sb, NORM_EPSILON)) : 1;
    let y: f32 = 0;
    for (let j = 0; j < n; j++) y += (load<f32>(a + (<usize>j << 2)) / na) * (load<f32>(b + (<usize>j << 2)) / nb);
    for (let k = 0; k < 2; k++) {
      const g = pointer(grads, k);
      if (!g) continue;
      const self = k == 0 ? a : b, other = k == 0 ? b : a;
      const ns = k == 0 ? na : nb, no = k == 0 ? nb : na, clamped = normalize && (k == 0 ? sa : sb) <= NORM_EPSILON;
      const dst = g + <usize>r * rowBytes;
      for (let j = 0; j < n; j++) {
        const o = <usize>j << 2;
        let v = load<f32>(other + o) / no;
        if (normalize && !clamped) v -= y * load<f32>(self + o) / ns;
        v = d * v / ns;
        store<f32>(dst + o, pointer(accumulate, k) ? load<f32>(dst + o) + v : v);
      }
    }
  }
}
