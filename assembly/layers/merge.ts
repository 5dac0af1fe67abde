// Merge layers (TF.js's): several inputs of one shape combined value by value — add, subtract (two
// inputs), multiply, average, maximum, minimum — or concatenated along the last axis, or their dot
// product along one axis of each (a small matrix product per example). Each takes
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

// Dot, as TF.js's dot({ axes }) on examples of one or two axes: per example the matrix product
// out[M × N] = A[M × K] · B[K × N], where A is the first input with its contracted axis last and
// B the second with its contracted axis first. Each input is read where it lies, through strides:
// a 2-D example contracted along its other axis is the transpose (`firstTransposed`: the first
// input holds Aᵀ [K × M], its contracted axis first; `secondTransposed`: the second holds Bᵀ
// [N × K], its contracted axis last); a 1-D example is one row of A (M = 1) or one column of B (N = 1). With
// `normalize`, each row of A and each column of B (the vectors along the contracted axis) is
// divided by its norm first, √max(Σx², 1e-7) as TF.js's l2Normalize: out[i, j] is their cosine.
const NORM_EPSILON: f32 = 1e-7;

// @ts-ignore: decorator
@inline function at(base: usize, i: i32, stride: i32): usize {
  return base + (<usize>i * <usize>stride << 2);
}

/**
 * out(i, j) (+)= Σ_p a(i, p)·b(p, j) for i < rows, p < inner, j < cols, each matrix given by its base
 * and its strides in floats: out(i, j) at out[i·oi + j·oj], a(i, p) at a[i·ai + p·ap], b(p, j) at
 * b[p·bp + j·bj] (a transpose is the same buffer with its strides swapped). f32x4 where a loop runs
 * over contiguous values: each out(i, j) as a dot product when both run along p contiguously, else
 * out's rows as sums of b's rows (or, for outᵀ = bᵀ·aᵀ, out's columns as sums of a's columns).
 */
function product(
  out: usize, oi: i32, oj: i32, a: usize, ai: i32, ap: i32, b: usize, bp: i32, bj: i32,
  rows: i32, inner: i32, cols: i32, accumulate: bool,
): void {
  if (ap != 1 || bp != 1) {
    if (oj == 1 && bj == 1) { rowSums(out, oi, a, ai, ap, b, bp, rows, inner, cols, accumulate); return; }
    if (oi == 1 && ai == 1) { rowSums(out, oj, b, bj, bp, a, ap, cols, inner, rows, accumulate); return; }
  }
  for (let i = 0; i < rows; i++) {
    const ar = at(a, i, ai);
    for (let j = 0; j < cols; j++) {
      const bc = at(b, j, bj), o = at(at(out, i, oi), j, oj);
      let s: f32 = 0, p = 0;
      if (ap == 1 && bp == 1) {
        let v = f32x4.splat(0);
        for (; p + 4 <= inner; p += 4) v = f32x4.add(v, f32x4.mul(v128.load(at(ar, p, 1)), v128.load(at(bc, p, 1))));
        s = f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
      }
      for (; p < inner; p++) s += load<f32>(at(ar, p, ap)) * load<f32>(at(bc, p, bp));
      store<f32>(o, accumulate ? load<f32>(o) + s : s);
    }
  }
}

// out's row i (cols contiguous values, rows oi apart) (+)= Σ_p a(i, p) · b's row p (contiguous, rows bp apart).
function rowSums(out: usize, oi: i32, a: usize, ai: i32, ap: i32, b: usize, bp: i32, rows: i32, inner: i32, cols: i32, accumulate: bool): void {
  for (let i = 0; i < rows; i++) {
    const o = at(out, i, oi);
    if (!accumulate) memory.fill(o, 0, <usize>cols << 2);
    for (let p = 0; p < inner; p++) {
      const s = load<f32>(at(at(a, i, ai), p, ap)), br = at(b, p, bp), sv = f32x4.splat(s);
      let j = 0;
      for (; j + 4 <= cols; j += 4) v128.store(at(o, j, 1), f32x4.add(v128.load(at(o, j, 1)), f32x4.mul(sv, v128.load(at(br, j, 1)))));
      for (; j < cols; j++) store<f32>(at(o, j, 1), load<f32>(at(o, j, 1)) + s * load<f32>(at(br, j, 1)));
    }
  }
}

// The norms √max(Σ_p x(i, p)², ε) of `count` vectors x(i, ·), `inner` values each, into norms[i];
// into clamped[i] (when not 0) whether the ε floor, whose slope is 0, replaced the sum.
function vectorNorms(norms: usize, clamped: usize, x: usize, xi: i32, xp: i32, count: i32, inner: i32): void {
  for (let i = 0; i < count; i++) {
    let s: f32 = 0;
    for (let p = 0; p < inner; p++) {
      const v = load<f32>(at(at(x, i, xi), p, xp));
      s += v * v;
    }
    store<f32>(at(norms, i, 1), sqrt<f32>(max(s, NORM_EPSILON)));
    if (clamped) store<f32>(at(clamped, i, 1), s <= NORM_EPSILON ? 1 : 0);
  }
}

// How much of each of `count` vectors its gradient loses through x/‖x‖: c[v] = Σ_e dy(v, e)·y(v, e)
// / ‖x_v‖², over the output values the vector made (at v·vs + e·es), or 0 where c[v] came in
// nonzero (the vector's norm was the ε floor, whose slope is 0).
function normCoefficients(c: usize, norms: usize, dy: usize, y: usize, count: i32, inner: i32, vs: i32, es: i32): void {
  for (let v = 0; v < count; v++) {
    let s: f32 = 0;
    for (let e = 0; e < inner; e++) {
      const o = v * vs + e * es;
      s += load<f32>(at(dy, o, 1)) * load<f32>(at(y, o, 1));
    }
    const norm = load<f32>(at(norms, v, 1)), cv = at(c, v, 1);
    store<f32>(cv, load<f32>(cv) != 0 ? 0 : s / (norm * norm));
  }
}

// grad(i, ·) −= c[i]·x(i, ·) for `count` vectors of `inner` values, both laid out as vectorNorms reads x.
function subtractScaled(grad: usize, x: usize, c: usize, xi: i32, xp: i32, count: i32, inner: i32): void {
  for (let i = 0; i < count; i++) {
    const ci = load<f32>(at(c, i, 1));
    for (let p = 0; p < inner; p++) {
      const o = at(at(grad, i, xi), p, xp);
      store<f32>(o, load<f32>(o) - ci * load<f32>(at(at(x, i, xi), p, xp)));
    }
  }
}

/**
 * out = A·B for `rows` examples, m·n values each (normalized: Â·B̂), A and B read from inputs[0]
 * and inputs[1] (transposed where the flags say); `scratch` holds m + n floats (the norms) when normalizing.
 */
export function dot_forward(out: usize, scratch: usize, inputs: usize, rows: i32, m: i32, k: i32, n: i32, firstTransposed: bool, secondTransposed: bool, normalize: bool): void {
  // Strides of A(i, p) and B(p, j), in floats.
  const ai = firstTransposed ? 1 : k, ap = firstTransposed ? m : 1;
  const bp = secondTransposed ? 1 : n, bj = secondTransposed ? k : 1;
  const na = scratch, nb = at(scratch, m, 1);
  for (let r = 0; r < rows; r++) {
    const a = at(pointer(inputs, 0), r, m * k), b = at(pointer(inputs, 1), r, k * n), o = at(out, r, m * n);
    product(o, n, 1, a, ai, ap, b, bp, bj, m, k, n, false);
    if (!normalize) continue;
    vectorNorms(na, 0, a, ai, ap, m, k);
    vectorNorms(nb, 0, b, bj, bp, n, k);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const y = at(o, i * n + j, 1);
        store<f32>(y, load<f32>(y) / (load<f32>(at(na, i, 1)) * load<f32>(at(nb, j, 1))));
      }
    }
  }
}

/**
 * dA = dy·Bᵀ into grads[0] and dB = Aᵀ·dy into grads[1] (each skipped where its pointer is 0,
 * added where its accumulate flag says), read and written in the inputs' own layouts. Normalized,
 * with G = dy / (‖a_i‖·‖b_j‖): dA = G·Bᵀ − (Σ_j dy_ij·y_ij / ‖a_i‖²)·a_i per row of A (without the
 * second term where the norm is the ε floor), and dB alike; `y` is the forward output and
 * `scratch` holds 2(m + n) + m·n floats.
 */
export function dot_backward(
  grads: usize, accumulate: usize, scratch: usize, dy: usize, y: usize, inputs: usize,
  rows: i32, m: i32, k: i32, n: i32, firstTransposed: bool, secondTransposed: bool, normalize: bool,
): void {
  const ai = firstTransposed ? 1 : k, ap = firstTransposed ? m : 1;
  const bp = secondTransposed ? 1 : n, bj = secondTransposed ? k : 1;
  const gradA = pointer(grads, 0), gradB = pointer(grads, 1);
  const addA = pointer(accumulate, 0) != 0, addB = pointer(accumulate, 1) != 0;
  // Normalizing: the norms, then how much of each vector its gradient loses (its coefficient, or
  // first whether it was clamped), then G.
  const na = scratch, nb = at(na, m, 1), ca = at(nb, n, 1), cb = at(ca, m, 1), g = at(cb, n, 1);
  for (let r = 0; r < rows; r++) {
    const a = at(pointer(inputs, 0), r, m * k), b = at(pointer(inputs, 1), r, k * n);
    const d = at(dy, r, m * n), yr = at(y, r, m * n);
    let gr = d;
    if (normalize) {
      vectorNorms(na, ca, a, ai, ap, m, k);
      vectorNorms(nb, cb, b, bj, bp, n, k);
      normCoefficients(ca, na, d, yr, m, n, n, 1);
      normCoefficients(cb, nb, d, yr, n, m, 1, n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          store<f32>(at(g, i * n + j, 1), load<f32>(at(d, i * n + j, 1)) / (load<f32>(at(na, i, 1)) * load<f32>(at(nb, j, 1))));
        }
      }
      gr = g;
    }
    if (gradA) {
      // dA(i, p) = Σ_j G(i, j)·B(p, j)
      const da = at(gradA, r, m * k);
      product(da, ai, ap, gr, n, 1, b, bj, bp, m, n, k, addA);
      if (normalize) subtractScaled(da, a, ca, ai, ap, m, k);
    }
    if (gradB) {
      // dB(p, j) = Σ_i A(i, p)·G(i, j)
      const db = at(gradB, r, k * n);
      product(db, bp, bj, a, ap, ai, gr, n, 1, k, m, n, addB);
      if (normalize) subtractScaled(db, b, cb, bj, bp, n, k);
    }
  }
}
