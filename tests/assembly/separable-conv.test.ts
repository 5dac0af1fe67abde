// The separable convolution kernels (assembly/layers/separable_conv2d.ts): forward against a
// float64 transcription of the definition (a depthwise convolution, each input channel c with its
// own M kernels into channel c·M + m, then a 1×1 convolution to `filters`, bias, activation),
// backward against central finite differences of that transcription, over valid/same padding,
// strides, dilation and multipliers 1, 2 and 3; plus the saved buffer's layout (z, then the
// depthwise output), the accumulate flags, a frozen layer, the fused path and no input gradient.
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
  /** Input [height, width, channels], kernel [height, width], depth multiplier, pointwise filters. */
  input: [number, number, number];
  kernel: [number, number];
  multiplier: number;
  filters: number;
  strides?: [number, number];
  dilation?: [number, number];
  padding: 'valid' | 'same';
}

const CASES: Case[] = [
  { name: 'valid 3×3, 1 channel → 3 filters', rows: 2, input: [5, 6, 1], kernel: [3, 3], multiplier: 1, filters: 3, padding: 'valid' },
  { name: 'valid 2×3, 3 channels → 5 filters', rows: 2, input: [5, 6, 3], kernel: [2, 3], multiplier: 1, filters: 5, padding: 'valid' },
  { name: 'same 3×3, 6 channels → 4 filters', rows: 2, input: [5, 5, 6], kernel: [3, 3], multiplier: 1, filters: 4, padding: 'same' },
  { name: 'same 2×2 (odd pad), 8 channels → 2 filters', rows: 2, input: [4, 5, 8], kernel: [2, 2], multiplier: 1, filters: 2, padding: 'same' },
  { name: 'same 3×3 stride 2, multiplier 2 → 3 filters', rows: 2, input: [7, 6, 3], kernel: [3, 3], multiplier: 2, filters: 3, strides: [2, 2], padding: 'same' },
  { name: 'valid stride [1, 2], multiplier 3 → 7 filters', rows: 3, input: [5, 7, 2], kernel: [2, 3], multiplier: 3, filters: 7, strides: [1, 2], padding: 'valid' },
  { name: 'same 3×2 dilation [2, 1], multiplier 2 → 4 filters', rows: 2, input: [6, 5, 2], kernel: [3, 2], multiplier: 2, filters: 4, dilation: [2, 1], padding: 'same' },
  { name: '1×1, multiplier 4 → 9 filters', rows: 2, input: [3, 4, 3], kernel: [1, 1], multiplier: 4, filters: 9, padding: 'valid' },
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
  return { channels, M: c.multiplier, D: channels * c.multiplier, filters: c.filters, inH, inW, outH: h.out, outW: w.out, kh, kw, sh, sw, dh, dw, padTop: h.before, padLeft: w.before, padBottom: h.after, padRight: w.after };
}
type Geometry = ReturnType<typeof geometryOf>;

/** The 16 i32s the kernels read (ConvGeometry's field order; filters = the pointwise filters). */
function putGeometry(g: Geometry): number {
  const ptr = put(16);
  new Int32Array(core.memory.buffer, ptr, 16).set([
    g.channels, g.filters, g.inH, g.inW, g.outH, g.outW, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.padTop, g.padLeft, g.padBottom, g.padRight,
  ]);
  return ptr;
}

/** u (the depthwise output) and z, in float64, straight from the definition. */
function direct(x: ArrayLike<number>, wd: ArrayLike<number>, wp: ArrayLike<number>, b: ArrayLike<number> | undefined, rows: number, g: Geometry) {
  const { channels: C, M, D, filters: F, inH, inW, outH, outW } = g;
  const positions = rows * outH * outW;
  const u = new Float64Array(positions * D), z = new Float64Array(positions * F);
  for (let r = 0; r < rows; r++) for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) {
    const o = (r * outH + oy) * outW + ox;
    for (let c = 0; c < C; c++) for (let m = 0; m < M; m++) {
      let s = 0;
      for (let ky = 0; ky < g.kh; ky++) for (let kx = 0; kx < g.kw; kx++) {
        const iy = oy * g.sh - g.padTop + ky * g.dh, ix = ox * g.sw - g.padLeft + kx * g.dw;
        const v = iy >= 0 && iy < inH && ix >= 0 && ix < inW ? x[((r * inH + iy) * inW + ix) * C + c] : 0;
        s += v * wd[((ky * g.kw + kx) * C + c) * M + m];
      }
      u[o * D + c * M + m] = s;
    }
    for (let f = 0; f < F; f++) {
      let s = b ? b[f] : 0;
      for (let j = 0; j < D; j++) s += u[o * D + j] * wp[j * F + f];
      z[o * F + f] = s;
    }
  }
  return { u, z };
}

const ACT = { linear: 0, relu: 1, tanh: 3 } as const;

function setup(c: Case, seed: number) {
  const g = geometryOf(c), rand = random(seed);
  const inSize = c.rows * g.inH * g.inW * g.channels, positions = c.rows * g.outH * g.outW;
  const outSize = positions * g.filters, uSize = positions * g.D;
  const dSize = g.kh * g.kw * g.D, pSize = g.D * g.filters;
  return {
    g, inSize, outSize, uSize, dSize, pSize,
    x: randomArray(inSize, rand), wd: randomArray(dSize, rand, -0.5, 0.5), wp: randomArray(pSize, rand, -0.5, 0.5),
    b: randomArray(g.filters, rand), dy: randomArray(outSize, rand),
  };
}

describe.each(CASES)('$name', (c) => {
  it('forward: z, the depthwise output (saved after z) and a = f(z) match the float64 definition', () => {
    const { g, x, wd, wp, b, outSize, uSize } = setup(c, 1);
    expect(g.outH).toBeGreaterThan(0);
    expect(g.outW).toBeGreaterThan(0);
    const geo = putGeometry(g);
    for (const [act, name] of [[ACT.linear, 'linear'], [ACT.tanh, 'tanh'], [ACT.relu, 'relu']] as const) {
      for (const bias of [b, undefined]) {
        const a = put(new Float32Array(outSize).fill(9)), saved = put(new Float32Array(outSize + uSize).fill(9));
        core.separable_conv2d_forward(a, saved, put(x), put(wd), put(wp), bias ? put(bias) : 0, c.rows, geo, c.multiplier, act, 0);
        const want = direct(x, wd, wp, bias, c.rows, g);
        expectClose(get(saved, outSize), want.z, `${name} z${bias ? '' : ' (no bias)'}`, 1e-5);
        expectClose(get(saved + 4 * outSize, uSize), want.u, `${name} depthwise output`, 1e-5);
        expectClose(get(a, outSize), want.z.map((v) => activationFns[name](v, 0)), `${name} a`, 1e-5);
      }
    }
  });

  it('backward: dWd, dWp, db and dX match finite differences of the float64 forward pass', () => {
    const { g, x, wd, wp, b, dy, inSize, outSize, uSize, dSize, pSize } = setup(c, 2);
    const geo = putGeometry(g);
    for (const [act, name] of [[ACT.tanh, 'tanh'], [ACT.linear, 'linear']] as const) {
      const f = activationFns[name];
      const X = Float64Array.from(x), WD = Float64Array.from(wd), WP = Float64Array.from(wp), B = Float64Array.from(b);
      const loss = () => direct(X, WD, WP, B, c.rows, g).z.reduce((s, v, i) => s + dy[i] * f(v, 0), 0);
      const numeric = (p: Float64Array) => p.map((keep, i) => {
        const h = 1e-6;
        p[i] = keep + h; const up = loss();
        p[i] = keep - h; const down = loss();
        p[i] = keep;
        return (up - down) / (2 * h);
      });
      const pa = put(outSize), saved = put(outSize + uSize), px = put(x), pwd = put(wd), pwp = put(wp);
      core.separable_conv2d_forward(pa, saved, px, pwd, pwp, put(b), c.rows, geo, c.multiplier, act, 0);
      // Garbage in the gradients and the scratch: without accumulate they are overwritten.
      const dx = put(new Float32Array(inSize).fill(7)), dwd = put(new Float32Array(dSize).fill(7)), dwp = put(new Float32Array(pSize).fill(7));
      const db = put(new Float32Array(g.filters).fill(7)), scratch = put(new Float32Array(uSize).fill(7));
      core.separable_conv2d_backward(dx, dwd, dwp, db, put(dy), saved, pa, px, pwd, pwp, scratch, c.rows, geo, c.multiplier, act, 0, false, false, false);
      expectClose(get(dwd, dSize), numeric(WD), `${name} dWd`, 1e-4, 1e-5);
      expectClose(get(dwp, pSize), numeric(WP), `${name} dWp`, 1e-4, 1e-5);
      expectClose(get(db, g.filters), numeric(B), `${name} db`, 1e-4, 1e-5);
      expectClose(get(dx, inSize), numeric(X), `${name} dX`, 1e-4, 1e-5);
    }
  });

  it('backward: accumulate flags add, a null depthwiseGrad (frozen) skips the weights, fused skips f′, no dX for a first layer', () => {
    const { g, x, wd, wp, b, dy, inSize, outSize, uSize, dSize, pSize } = setup(c, 3);
    const geo = putGeometry(g);
    const pa = put(outSize), saved = put(outSize + uSize), px = put(x), pwd = put(wd), pwp = put(wp), scratch = put(uSize);
    core.separable_conv2d_forward(pa, saved, px, pwd, pwp, put(b), c.rows, geo, c.multiplier, ACT.tanh, 0);
    const run = (dx: number, dwd: number, dwp: number, db: number, act: number, fused: boolean, acc: boolean) =>
      core.separable_conv2d_backward(dx, dwd, dwp, db, put(dy), saved, pa, px, pwd, pwp, scratch, c.rows, geo, c.multiplier, act, 0, fused, acc, acc);
    const once = () => {
      const dx = put(inSize), dwd = put(dSize), dwp = put(pSize), db = put(g.filters);
      run(dx, dwd, dwp, db, ACT.tanh, false, false);
      return { dx: get(dx, inSize), dwd: get(dwd, dSize), dwp: get(dwp, pSize), db: get(db, g.filters) };
    };
    const first = once();
    expect(once(), 'deterministic').toEqual(first);
    const dx = put(first.dx), dwd = put(first.dwd), dwp = put(first.dwp), db = put(first.db);
    run(dx, dwd, dwp, db, ACT.tanh, false, true);
    expectClose(get(dx, inSize), first.dx.map((v) => 2 * v), 'accumulated dX', 1e-5);
    expectClose(get(dwd, dSize), first.dwd.map((v) => 2 * v), 'accumulated dWd', 1e-5);
    expectClose(get(dwp, pSize), first.dwp.map((v) => 2 * v), 'accumulated dWp', 1e-5);
    expectClose(get(db, g.filters), first.db.map((v) => 2 * v), 'accumulated db', 1e-5);
    // Frozen: the weights' gradients untouched, dX as before.
    const fdx = put(inSize), fdwp = put(new Float32Array(pSize).fill(5)), fdb = put(new Float32Array(g.filters).fill(5));
    run(fdx, 0, fdwp, fdb, ACT.tanh, false, false);
    expect(Array.from(get(fdwp, pSize)).every((v) => v === 5)).toBe(true);
    expect(Array.from(get(fdb, g.filters)).every((v) => v === 5)).toBe(true);
    expectClose(get(fdx, inSize), first.dx, 'frozen dX', 1e-5);
    // Fused: d already is dL/dZ, so the result is the linear layer's.
    const lin = [put(inSize), put(dSize), put(pSize), put(g.filters)] as const;
    run(...lin, ACT.linear, false, false);
    const fused = [put(inSize), put(dSize), put(pSize), put(g.filters)] as const;
    run(...fused, ACT.tanh, true, false);
    for (const [i, n] of [inSize, dSize, pSize, g.filters].entries()) expect(Array.from(get(fused[i], n))).toEqual(Array.from(get(lin[i], n)));
    // No input gradient for a first layer: nothing written there, the weights' as before.
    const guard = put(new Float32Array(inSize).fill(3));
    const w2 = [put(dSize), put(pSize), put(g.filters)] as const;
    run(0, ...w2, ACT.linear, false, false);
    for (const [i, n] of [dSize, pSize, g.filters].entries()) expect(Array.from(get(w2[i], n))).toEqual(Array.from(get(lin[i + 1], n)));
    expect(Array.from(get(guard, inSize)).every((v) => v === 3)).toBe(true);
  });
});

it('the forward pass writes nothing past its saved buffer and output', () => {
  const c: Case = { name: 'guard', rows: 1, input: [3, 3, 2], kernel: [3, 3], multiplier: 2, filters: 3, padding: 'same' };
  const { g, x, wd, wp, b, outSize, uSize } = setup(c, 4);
  const n = outSize + uSize;
  const guard = put(new Float32Array(n + 8).fill(42)), saved = guard + 16;
  const guardA = put(new Float32Array(outSize + 8).fill(42)), a = guardA + 16;
  core.separable_conv2d_forward(a, saved, put(x), put(wd), put(wp), put(b), 1, putGeometry(g), c.multiplier, ACT.linear, 0);
  for (const [ptr, size] of [[guard, n], [guardA, outSize]]) {
    const all = get(ptr, size + 8);
    expect(Array.from(all.subarray(0, 4))).toEqual([42, 42, 42, 42]);
    expect(Array.from(all.subarray(4 + size))).toEqual([42, 42, 42, 42]);
  }
});
