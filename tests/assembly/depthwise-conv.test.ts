// The depthwise convolution kernels (assembly/layers/depthwise_conv2d.ts): forward against a float64
// transcription of the definition (each input channel c convolved with its own M kernels, output
// channel c·M + m), backward against central finite differences of that transcription, over
// valid/same padding (same with an odd total), strides 1 and 2, dilation, multipliers 1, 2, 3 and 5
// (the f32x4 path over the multiplier and its scalar tail), channel counts around the f32x4 width.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../close.js';
import type { Core } from '../../src/wasm.js';
import { activationFns, random, randomArray } from '../reference.js';
import { freeAll, get, loadCore, put } from './core.js';

let core: Core;
beforeAll(async () => { core = await loadCore(); });
afterEach(freeAll);

interface Case {
  name: string;
  rows: number;
  /** Input [height, width, channels], kernel [height, width], depth multiplier. */
  input: [number, number, number];
  kernel: [number, number];
  multiplier: number;
  strides?: [number, number];
  dilation?: [number, number];
  padding: 'valid' | 'same';
}

const CASES: Case[] = [
  { name: 'valid 3×3, 1 channel', rows: 2, input: [5, 6, 1], kernel: [3, 3], multiplier: 1, padding: 'valid' },
  { name: 'valid 2×3 (non-square), 3 channels', rows: 2, input: [5, 6, 3], kernel: [2, 3], multiplier: 1, padding: 'valid' },
  { name: 'same 3×3, 6 channels (f32x4 and a tail)', rows: 2, input: [5, 5, 6], kernel: [3, 3], multiplier: 1, padding: 'same' },
  { name: 'same 2×2 (odd total pad: one at the bottom/right), 8 channels', rows: 2, input: [4, 5, 8], kernel: [2, 2], multiplier: 1, padding: 'same' },
  { name: 'same 3×3 stride 2, multiplier 2, 3 channels', rows: 2, input: [7, 6, 3], kernel: [3, 3], multiplier: 2, strides: [2, 2], padding: 'same' },
  { name: 'valid 3×2 stride 2, 1 channel', rows: 3, input: [7, 6, 1], kernel: [3, 2], multiplier: 1, strides: [2, 2], padding: 'valid' },
  { name: 'valid stride [1, 2], multiplier 3', rows: 2, input: [5, 7, 2], kernel: [2, 3], multiplier: 3, strides: [1, 2], padding: 'valid' },
  { name: 'valid 3×3 dilation 2, 4 channels', rows: 2, input: [7, 8, 4], kernel: [3, 3], multiplier: 1, dilation: [2, 2], padding: 'valid' },
  { name: 'same 3×2 dilation [2, 1], multiplier 2', rows: 2, input: [6, 5, 2], kernel: [3, 2], multiplier: 2, dilation: [2, 1], padding: 'same' },
  { name: 'multiplier 5 (f32x4 over the multiplier and a tail), same 2×2', rows: 2, input: [4, 4, 3], kernel: [2, 2], multiplier: 5, padding: 'same' },
  { name: '1×1, multiplier 4', rows: 2, input: [3, 4, 3], kernel: [1, 1], multiplier: 4, padding: 'valid' },
];

/** The geometry as TF.js defines it, written independently of the core and of src/layers. */
function geometryOf(c: Case) {
  const [inH, inW, channels] = c.input, [kh, kw] = c.kernel;
  const [sh, sw] = c.strides ?? [1, 1], [dh, dw] = c.dilation ?? [1, 1];
  const axis = (size: number, k: number, s: number, d: number) => {
    const span = (k - 1) * d + 1;
    if (c.padding === 'valid') return { out: Math.ceil((size - span + 1) / s), before: 0, after: 0 };
    const out = Math.ceil(size / s), total = Math.max((out - 1) * s + span - size, 0);
    return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
  };
  const h = axis(inH, kh, sh, dh), w = axis(inW, kw, sw, dw);
  return { channels, M: c.multiplier, filters: channels * c.multiplier, inH, inW, outH: h.out, outW: w.out, kh, kw, sh, sw, dh, dw, padTop: h.before, padLeft: w.before, padBottom: h.after, padRight: w.after };
}
type Geometry = ReturnType<typeof geometryOf>;

/** The 16 i32s the kernels read (ConvGeometry's field order; filters = channels·M, unread: M is passed), in Wasm memory. */
function putGeometry(g: Geometry): number {
  const ptr = put(16);
  new Int32Array(core.memory.buffer, ptr, 16).set([
    g.channels, g.filters, g.inH, g.inW, g.outH, g.outW, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.padTop, g.padLeft, g.padBottom, g.padRight,
  ]);
  return ptr;
}

/** z[.., c·M + m] = b + Σ x[tap, c]·W[ky, kx, c, m], in float64, straight from the definition. */
function directDepthwise(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, rows: number, g: Geometry): Float64Array {
  const { channels: C, M, inH, inW, outH, outW } = g;
  const z = new Float64Array(rows * outH * outW * C * M);
  for (let r = 0; r < rows; r++) for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) for (let c = 0; c < C; c++) for (let m = 0; m < M; m++) {
    let s = b ? b[c * M + m] : 0;
    for (let ky = 0; ky < g.kh; ky++) for (let kx = 0; kx < g.kw; kx++) {
      const iy = oy * g.sh - g.padTop + ky * g.dh, ix = ox * g.sw - g.padLeft + kx * g.dw;
      const v = iy >= 0 && iy < inH && ix >= 0 && ix < inW ? x[((r * inH + iy) * inW + ix) * C + c] : 0;
      s += v * w[((ky * g.kw + kx) * C + c) * M + m];
    }
    z[((r * outH + oy) * outW + ox) * C * M + c * M + m] = s;
  }
  return z;
}

const ACT = { linear: 0, relu: 1, tanh: 3 } as const;

function setup(c: Case, seed: number) {
  const g = geometryOf(c), rand = random(seed);
  const inSize = c.rows * g.inH * g.inW * g.channels, outSize = c.rows * g.outH * g.outW * g.filters;
  const kSize = g.kh * g.kw * g.filters;
  return {
    g, inSize, outSize, kSize,
    x: randomArray(inSize, rand), w: randomArray(kSize, rand, -0.5, 0.5), b: randomArray(g.filters, rand), dy: randomArray(outSize, rand),
  };
}

describe.each(CASES)('$name', (c) => {
  it('forward: z and a = f(z) match the float64 definition (with and without bias)', () => {
    const { g, x, w, b, outSize } = setup(c, 1);
    expect(g.outH).toBeGreaterThan(0);
    expect(g.outW).toBeGreaterThan(0);
    const geo = putGeometry(g);
    for (const [act, name] of [[ACT.linear, 'linear'], [ACT.tanh, 'tanh'], [ACT.relu, 'relu']] as const) {
      for (const bias of [b, undefined]) {
        const a = put(new Float32Array(outSize).fill(9)), z = put(new Float32Array(outSize).fill(9));
        core.depthwise_conv2d_forward(a, z, put(x), put(w), bias ? put(bias) : 0, c.rows, geo, c.multiplier, act, 0);
        const want = directDepthwise(x, w, bias, c.rows, g);
        expectClose(get(z, outSize), want, `${name} z${bias ? '' : ' (no bias)'}`, 1e-5);
        expectClose(get(a, outSize), want.map((v) => activationFns[name](v, 0)), `${name} a`, 1e-5);
      }
    }
  });

  it('backward: dW, db and dX match finite differences of the float64 forward pass', () => {
    const { g, x, w, b, dy, inSize, outSize, kSize } = setup(c, 2);
    const geo = putGeometry(g);
    for (const [act, name] of [[ACT.tanh, 'tanh'], [ACT.linear, 'linear']] as const) {
      const f = activationFns[name];
      const lossOf = (xs: Float64Array, ws: Float64Array, bs: Float64Array) => directDepthwise(xs, ws, bs, c.rows, g).reduce((s, v, i) => s + dy[i] * f(v, 0), 0);
      const X = Float64Array.from(x), W = Float64Array.from(w), B = Float64Array.from(b);
      const numeric = (p: Float64Array) => p.map((keep, i) => {
        const h = 1e-6;
        p[i] = keep + h; const up = lossOf(X, W, B);
        p[i] = keep - h; const down = lossOf(X, W, B);
        p[i] = keep;
        return (up - down) / (2 * h);
      });
      const pa = put(outSize), pz = put(outSize), px = put(x), pw = put(w);
      core.depthwise_conv2d_forward(pa, pz, px, pw, put(b), c.rows, geo, c.multiplier, act, 0);
      // Garbage in the gradients: without accumulate they are overwritten, not added to.
      const dx = put(new Float32Array(inSize).fill(7)), dw = put(new Float32Array(kSize).fill(7)), db = put(new Float32Array(g.filters).fill(7));
      core.depthwise_conv2d_backward(dx, dw, db, put(dy), pz, pa, px, pw, c.rows, geo, c.multiplier, act, 0, false, false, false);
      expectClose(get(dw, kSize), numeric(W), `${name} dW`, 1e-4, 1e-5);
      expectClose(get(db, g.filters), numeric(B), `${name} db`, 1e-4, 1e-5);
      expectClose(get(dx, inSize), numeric(X), `${name} dX`, 1e-4, 1e-5);
    }
  });

  it('backward: accumulate flags add, a null kernelGrad (frozen) skips dW and db, fused skips f′', () => {
    const { g, x, w, b, dy, inSize, outSize, kSize } = setup(c, 3);
    const geo = putGeometry(g);
    const pa = put(outSize), pz = put(outSize), px = put(x), pw = put(w);
    core.depthwise_conv2d_forward(pa, pz, px, pw, put(b), c.rows, geo, c.multiplier, ACT.tanh, 0);
    const once = () => {
      const dx = put(inSize), dw = put(kSize), db = put(g.filters);
      core.depthwise_conv2d_backward(dx, dw, db, put(dy), pz, pa, px, pw, c.rows, geo, c.multiplier, ACT.tanh, 0, false, false, false);
      return { dx: get(dx, inSize), dw: get(dw, kSize), db: get(db, g.filters) };
    };
    const first = once();
    expect(once(), 'deterministic').toEqual(first);
    const dx = put(first.dx), dw = put(first.dw), db = put(first.db);
    core.depthwise_conv2d_backward(dx, dw, db, put(dy), pz, pa, px, pw, c.rows, geo, c.multiplier, ACT.tanh, 0, false, true, true);
    expectClose(get(dx, inSize), first.dx.map((v) => 2 * v), 'accumulated dX', 1e-5);
    expectClose(get(dw, kSize), first.dw.map((v) => 2 * v), 'accumulated dW', 1e-5);
    expectClose(get(db, g.filters), first.db.map((v) => 2 * v), 'accumulated db', 1e-5);
    // Frozen: dW and db untouched, dX as before.
    const fdx = put(inSize), fdw = put(new Float32Array(kSize).fill(5)), fdb = put(new Float32Array(g.filters).fill(5));
    core.depthwise_conv2d_backward(fdx, 0, fdb, put(dy), pz, pa, px, pw, c.rows, geo, c.multiplier, ACT.tanh, 0, false, false, false);
    expect(Array.from(get(fdw, kSize)).every((v) => v === 5)).toBe(true);
    expect(Array.from(get(fdb, g.filters)).every((v) => v === 5)).toBe(true);
    expectClose(get(fdx, inSize), first.dx, 'frozen dX', 1e-5);
    // Fused: d already is dL/dZ, so the result is the linear layer's.
    const lin = put(inSize), linW = put(kSize), linB = put(g.filters);
    core.depthwise_conv2d_backward(lin, linW, linB, put(dy), pz, pa, px, pw, c.rows, geo, c.multiplier, ACT.linear, 0, false, false, false);
    const fused = put(inSize), fusedW = put(kSize), fusedB = put(g.filters);
    core.depthwise_conv2d_backward(fused, fusedW, fusedB, put(dy), pz, pa, px, pw, c.rows, geo, c.multiplier, ACT.tanh, 0, true, false, false);
    expect(Array.from(get(fused, inSize))).toEqual(Array.from(get(lin, inSize)));
    expect(Array.from(get(fusedW, kSize))).toEqual(Array.from(get(linW, kSize)));
    expect(Array.from(get(fusedB, g.filters))).toEqual(Array.from(get(linB, g.filters)));
    // No input gradient for a first layer: nothing written there, the weights' as before.
    const guard = put(new Float32Array(inSize).fill(3));
    core.depthwise_conv2d_backward(0, linW, linB, put(dy), pz, pa, px, pw, c.rows, geo, c.multiplier, ACT.linear, 0, false, false, false);
    expect(Array.from(get(linW, kSize))).toEqual(Array.from(get(fusedW, kSize)));
    expect(Array.from(get(guard, inSize)).every((v) => v === 3)).toBe(true);
  });
});

it('the forward pass writes nothing past its output', () => {
  const c: Case = { name: 'guard', rows: 1, input: [3, 3, 2], kernel: [3, 3], multiplier: 2, padding: 'same' };
  const { g, x, w, b, outSize } = setup(c, 4);
  const guard = put(new Float32Array(outSize + 8).fill(42)), z = guard + 16, a = put(outSize);
  core.depthwise_conv2d_forward(a, z, put(x), put(w), put(b), 1, putGeometry(g), c.multiplier, ACT.linear, 0);
  const all = get(guard, outSize + 8);
  expect(Array.from(all.subarray(0, 4))).toEqual([42, 42, 42, 42]);
  expect(Array.from(all.subarray(4 + outSize))).toEqual([42, 42, 42, 42]);
});
