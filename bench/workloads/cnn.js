// cnn: convolutional networks on real MNIST digits (examples/mnist-data.js: batches of 64
// consecutive training rows, cycling through the training split; inference on held-out digits).
//  1. The TF.js MNIST example CNN (bench/cnn-models.js), Adam lr 1e-3, categorical cross-entropy,
//     batch 64: training and inference samples/s for neurite, tfjs-wasm (tried: its backend has no
//     conv gradient kernels, reported as "cannot train" with TF.js's error), tfjs-cpu and ConvNetJS.
//  2. A larger CNN with batch normalization: neurite and tfjs-cpu (ConvNetJS has no batch norm),
//     samples/s and GFLOP/s (multiply-adds of conv and dense layers, see cnnTrainFlop).
//  3. The conv kernels alone (conv2d_forward, conv2d_backward of the loaded build) on layers with
//     ≥ 16 input channels, in GFLOP/s and as a percentage of gemm_nn 256³ measured in this workload.
import { loadMnist } from '../../examples/mnist-data.js';
import { convnetjsDefs, cnnPredictFlop, cnnTrainFlop, describeCnn, LARGE_CNN, MNIST_CNN, neuriteCnn, neuriteCnnTrain, tfjsCnn } from '../cnn-models.js';
import { cycle, measure, measureAll } from '../measure.js';
import { disposeTfjsModel } from '../models.js';
import { uniform } from '../random.js';
import { formatNumber, formatRme, renderSection, renderTable, summaryLine } from '../report.js';

const BATCH = 64;
const PREDICT_ROWS = 1024; // neurite and tfjs-wasm, in batches of 64
const SLOW_PREDICT_ROWS = 128; // tfjs-cpu and ConvNetJS, whose calls take seconds
const CONVNETJS_TRAINER = { method: 'adadelta', batch_size: BATCH, l2_decay: 0 }; // ro 0.95, eps 1e-6 (its defaults)
const CONVNETJS_NOTE = 'per-sample forward/backward, Trainer adadelta (ConvNetJS 0.3.0 has no Adam) with batch_size 64, l2_decay 0';

export async function cnn(ctx) {
  const { train, test } = loadMnist();
  const batches = Array.from({ length: Math.floor(train.rows / BATCH) }, (_, b) => rowsOf(train, b * BATCH, BATCH));
  const predict = rowsOf(test, 0, PREDICT_ROWS);
  // tfjs-cpu runs its convolutions (and their gradients) as scalar JavaScript loops: a training step
  // of 64 takes seconds, so it gets one warm-up call and a fixed number of timed ones.
  const slow = { time: 0, warmupTime: 0, warmupIterations: 1, iterations: ctx.mode === 'quick' ? 1 : 2 };
  const sections = [];

  // 1. The TF.js MNIST example.
  sections.push({
    label: 'mnist-cnn train', unit: 'samples/s',
    results: [
      await measure(neuriteCnnTrain(ctx, MNIST_CNN, batches, 5), ctx.budget),
      await measure(tfjsCnnTrain(ctx, 'wasm', MNIST_CNN, batches), ctx.budget),
      await measure(tfjsCnnTrain(ctx, 'cpu', MNIST_CNN, batches), slow),
      await measure(convnetjsTrain(ctx, MNIST_CNN, batches), ctx.budget),
    ].map(cannotTrain),
  });
  sections.push({
    label: `mnist-cnn predict, batch ${BATCH}`, unit: 'samples/s',
    results: await measureAll([
      neuriteCnnPredict(ctx, MNIST_CNN, predict.x, PREDICT_ROWS),
      tfjsCnnPredict(ctx, 'wasm', MNIST_CNN, predict.x, PREDICT_ROWS),
      tfjsCnnPredict(ctx, 'cpu', MNIST_CNN, predict.x, SLOW_PREDICT_ROWS),
      convnetjsPredict(ctx, MNIST_CNN, predict.x, SLOW_PREDICT_ROWS),
    ], ctx.budget),
  });

  // 2. The larger CNN.
  sections.push({
    label: 'large-cnn train', unit: 'samples/s',
    results: [
      await measure(neuriteCnnTrain(ctx, LARGE_CNN, batches, 1), ctx.budget),
      await measure(tfjsCnnTrain(ctx, 'cpu', LARGE_CNN, batches), slow),
      { library: 'ConvNetJS', note: 'skipped: ConvNetJS has no batch normalization layer' },
    ],
  });

  // 3. The conv kernels against the GEMM of the same build, in this run.
  const kernels = await convKernels(ctx);

  const text = [
    ...sections.map(renderSection),
    kernels.text,
  ].join('\n\n');
  const mflop = (spec) => `${(cnnTrainFlop(spec) / 1e6).toFixed(1)} MFLOP train, ${(cnnPredictFlop(spec) / 1e6).toFixed(2)} MFLOP predict per sample`;
  return {
    title: [
      `cnn — Adam lr 1e-3, categorical cross-entropy, batch ${BATCH}, real MNIST digits`,
      `  mnist-cnn: ${describeCnn(MNIST_CNN)} (${mflop(MNIST_CNN)})`,
      `  large-cnn: ${describeCnn(LARGE_CNN)} (${mflop(LARGE_CNN)})`,
      '  FLOPs: 2 per multiply-add of conv and dense layers (pooling, batch norm, activations not counted); training = forward +',
      '  weight gradients + input gradients of every weighted layer but the first (just under 3× forward)',
      `  tfjs-cpu and ConvNetJS predict ${SLOW_PREDICT_ROWS} rows per timed call, the others ${PREDICT_ROWS}; tfjs-cpu: 1 warm-up call, ${slow.iterations} timed`,
    ].join('\n'),
    text,
    summary: [
      ...sections.map((section) => summaryLine(section)),
      summaryLine({ ...sections[2], unit: 'GFLOP/s' }, (r) => r.gflops),
      ...kernels.summary,
    ],
  };
}

/** "failed: cannot train: …" (a trial step that threw) reads "cannot train: …". */
function cannotTrain(result) {
  return result.note?.startsWith('failed: cannot train') ? { ...result, note: result.note.slice('failed: '.length) } : result;
}

/** Rows [start, start + rows) of a split, as views. */
function rowsOf({ x, y }, start, rows) {
  return { x: x.subarray(start * 784, (start + rows) * 784), y: y.subarray(start * 10, (start + rows) * 10), rows };
}

/** One awaited tfjs trainOnBatch of 64 per timed call; a first step is tried in prepare() and its error reported as "cannot train". */
function tfjsCnnTrain({ tf }, backend, spec, batches) {
  const shape = (rows) => [rows, ...spec.input];
  return {
    library: `tfjs-${backend}`,
    work: BATCH,
    flop: BATCH * cnnTrainFlop(spec),
    async: true,
    async prepare() {
      await tf.setBackend(backend);
      const model = tfjsCnn(tf, spec);
      const tensors = batches.slice(0, 8).map(({ x, y, rows }) => ({ xs: tf.tensor4d(x, shape(rows)), ys: tf.tensor2d(y, [rows, spec.classes]) }));
      const dispose = () => {
        for (const { xs, ys } of tensors) tf.dispose([xs, ys]);
        disposeTfjsModel(model);
      };
      if (backend === 'wasm') {
        try {
          await model.trainOnBatch(tensors[0].xs, tensors[0].ys);
        } catch (error) {
          dispose();
          throw new Error(`cannot train: ${error.message}`);
        }
      }
      const next = cycle(tensors);
      return {
        async run() {
          const { xs, ys } = next();
          await model.trainOnBatch(xs, ys);
        },
        dispose,
      };
    },
  };
}

function neuriteCnnPredict({ neurite }, spec, x, rows) {
  return {
    library: 'neurite',
    work: rows,
    flop: rows * cnnPredictFlop(spec),
    async prepare() {
      const model = neuriteCnn(neurite, spec);
      return { run: () => model.predict(x, { batchSize: BATCH }), dispose: () => model.dispose() };
    },
  };
}

/** tfjs model.predict over `rows` rows in batches of 64, read back with dataSync(). */
function tfjsCnnPredict({ tf }, backend, spec, x, rows) {
  return {
    library: `tfjs-${backend}`,
    work: rows,
    flop: rows * cnnPredictFlop(spec),
    async prepare() {
      await tf.setBackend(backend);
      const model = tfjsCnn(tf, spec);
      const xs = tf.tensor4d(x.subarray(0, rows * 784), [rows, ...spec.input]);
      return {
        run() {
          const out = model.predict(xs, { batchSize: BATCH });
          out.dataSync();
          out.dispose();
        },
        dispose() {
          xs.dispose();
          disposeTfjsModel(model);
        },
      };
    },
  };
}

/** ConvNetJS input volumes, made once outside the timed calls. */
function convnetjsVolumes(convnetjs, spec, x, rows) {
  const [sx, sy, depth] = spec.input, size = sx * sy * depth;
  return Array.from({ length: rows }, (_, r) => {
    const vol = new convnetjs.Vol(sx, sy, depth, 0);
    vol.w.set(x.subarray(r * size, (r + 1) * size)); // both row-major [y][x][depth]
    return vol;
  });
}

/** 64 per-sample trainer.train calls (one adadelta update) per timed call. */
function convnetjsTrain({ convnetjs }, spec, batches) {
  const data = batches.slice(0, 8).map(({ x, y, rows }) => ({
    vols: convnetjsVolumes(convnetjs, spec, x, rows),
    labels: Array.from({ length: rows }, (_, r) => y.subarray(r * spec.classes, (r + 1) * spec.classes).indexOf(1)),
  }));
  return {
    library: 'ConvNetJS',
    work: BATCH,
    flop: BATCH * cnnTrainFlop(spec),
    note: CONVNETJS_NOTE,
    async prepare() {
      const net = new convnetjs.Net();
      net.makeLayers(convnetjsDefs(spec));
      const trainer = new convnetjs.Trainer(net, CONVNETJS_TRAINER);
      const next = cycle(data);
      return {
        run() {
          const { vols, labels } = next();
          for (let i = 0; i < vols.length; i++) trainer.train(vols[i], labels[i]);
        },
        dispose() {},
      };
    },
  };
}

/** `rows` calls of net.forward, one sample each (ConvNetJS has no batched inference). */
function convnetjsPredict({ convnetjs }, spec, x, rows) {
  const vols = convnetjsVolumes(convnetjs, spec, x, rows);
  return {
    library: 'ConvNetJS',
    work: rows,
    flop: rows * cnnPredictFlop(spec),
    note: 'net.forward one sample at a time (no batched inference)',
    async prepare() {
      const net = new convnetjs.Net();
      net.makeLayers(convnetjsDefs(spec));
      return {
        run() {
          for (const vol of vols) net.forward(vol, false);
        },
        dispose() {},
      };
    },
  };
}

// Conv layers with ≥ 16 input channels: [height, width, channels], filters, 3×3, padding, batch.
const CONV_LAYERS = [
  { label: '[16, 16, 32] → 64 3×3 same, batch 32', input: [16, 16, 32], filters: 64, kernel: 3, padding: 'same', rows: 32 },
  { label: '[14, 14, 32] → 64 3×3 valid, batch 64 (large-cnn\'s 2nd conv)', input: [14, 14, 32], filters: 64, kernel: 3, padding: 'valid', rows: 64 },
];
const RELU = 1; // the core's activation code

/**
 * conv2d_forward (im2col, gemm_nn_bias, relu) and conv2d_backward (relu', bias sums, im2col,
 * colsᵀ·dZ, dZ·Wᵀ, col2im) of the loaded build on each layer; GFLOP/s counts 2·P·F·D forward and
 * 4·P·F·D backward (P output positions, F filters, D = 3·3·channels), against gemm_nn 256³ and a
 * gemm_nn of the forward product's own shape (P×F×D), measured here on the same build.
 */
async function convKernels(ctx) {
  const { core } = ctx;
  const gemmRef = await measure(gemmTask(core, 256, 256, 256), ctx.budget);
  const rows = [];
  const summary = [];
  const percent = (r) => (gemmRef.rate && r.rate ? `${((100 * r.rate) / gemmRef.rate).toFixed(0)}%` : '—');
  for (const layer of CONV_LAYERS) {
    const g = convGeometry(layer);
    const P = layer.rows * g.outH * g.outW, D = g.kh * g.kw * g.channels, F = g.filters;
    const forward = await measure(convTask(core, layer, g, 'forward', (2 * P * F * D) / 1e9), ctx.budget);
    const backward = await measure(convTask(core, layer, g, 'backward', (4 * P * F * D) / 1e9), ctx.budget);
    const sameShape = await measure(gemmTask(core, P, F, D), ctx.budget);
    rows.push([layer.label, `${P}×${F}×${D}`, formatNumber(forward.rate), formatRme(forward), percent(forward), formatNumber(backward.rate), formatRme(backward), percent(backward), formatNumber(sameShape.rate)]);
    summary.push({
      label: `conv kernels ${layer.label}: forward / backward GFLOP/s (% of gemm_nn 256³ ${formatNumber(gemmRef.rate)})`,
      cells: { neurite: { value: forward.rate, text: `${formatNumber(forward.rate)} (${percent(forward)}) / ${formatNumber(backward.rate)} (${percent(backward)})`, note: forward.note ?? backward.note } },
    });
  }
  const table = renderTable(
    ['layer', 'GEMM P×F×D', 'forward GFLOP/s', '±%', '% of gemm', 'backward GFLOP/s', '±%', '% of gemm', `gemm_nn P×F×D GFLOP/s`],
    rows,
  );
  return {
    text: [
      `conv kernels (neurite '${ctx.build}' build, relu), GFLOP/s and % of gemm_nn 256³ in this run: ${formatNumber(gemmRef.rate)} GFLOP/s (±% ${formatRme(gemmRef)})`,
      table,
    ].join('\n'),
    summary,
  };
}

/** TF.js's geometry for stride 1, dilation 1. */
function convGeometry({ input: [inH, inW, channels], filters, kernel, padding }) {
  const axis = (size) => {
    if (padding === 'valid') return { out: size - kernel + 1, before: 0, after: 0 };
    const total = kernel - 1;
    return { out: size, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
  };
  const h = axis(inH), w = axis(inW);
  return { channels, filters, inH, inW, outH: h.out, outW: w.out, kh: kernel, kw: kernel, padTop: h.before, padLeft: w.before, padBottom: h.after, padRight: w.after };
}

function convTask(core, layer, g, pass, gflop) {
  return {
    library: `conv ${pass}`,
    work: gflop,
    async prepare() {
      const n = layer.rows;
      const inSize = n * g.inH * g.inW * g.channels, outSize = n * g.outH * g.outW * g.filters;
      const kSize = g.kh * g.kw * g.channels * g.filters, colSize = n * g.outH * g.outW * g.kh * g.kw * g.channels;
      const sizes = { geo: 16, x: inSize, w: kSize, b: g.filters, z: outSize, a: outSize, d: outSize, cols: colSize, dx: inSize, dw: kSize, db: g.filters };
      const p = Object.fromEntries(Object.entries(sizes).map(([k, size]) => [k, core.allocate(size * 4, 'bench')]));
      const heap = core.heapF32(); // after the last allocation, which may have grown memory
      new Int32Array(heap.buffer, p.geo, 16).set([g.channels, g.filters, g.inH, g.inW, g.outH, g.outW, g.kh, g.kw, 1, 1, 1, 1, g.padTop, g.padLeft, g.padBottom, g.padRight]);
      heap.set(uniform(inSize, -1, 1, 1), p.x >>> 2);
      heap.set(uniform(kSize, -0.1, 0.1, 2), p.w >>> 2);
      heap.set(uniform(g.filters, -0.1, 0.1, 3), p.b >>> 2);
      heap.set(uniform(outSize, -1, 1, 4), p.d >>> 2);
      const k = core.wasm();
      k.conv2d_forward(p.a, p.z, p.cols, p.x, p.w, p.b, n, p.geo, RELU, 0);
      // relu's derivative is a mask, so applying it to d again on every call changes nothing further.
      const run = pass === 'forward'
        ? () => k.conv2d_forward(p.a, p.z, p.cols, p.x, p.w, p.b, n, p.geo, RELU, 0)
        : () => k.conv2d_backward(p.dx, p.dw, p.db, p.d, p.z, p.a, p.x, p.w, p.cols, n, p.geo, RELU, 0, false, false, false);
      return { run, dispose() { for (const ptr of Object.values(p)) k.free(ptr); } };
    },
  };
}

/** gemm_nn C[m×n] = A[m×k]·B[k×n] of the loaded build. */
function gemmTask(core, m, n, k) {
  return {
    library: `gemm_nn ${m}×${n}×${k}`,
    work: (2 * m * n * k) / 1e9,
    async prepare() {
      const [a, b, c] = [m * k, k * n, m * n].map((size) => core.allocate(size * 4, 'bench'));
      const heap = core.heapF32();
      heap.set(uniform(m * k, -1, 1, 1), a >>> 2);
      heap.set(uniform(k * n, -1, 1, 2), b >>> 2);
      const w = core.wasm();
      return { run: () => w.gemm_nn(c, a, b, m, n, k, false), dispose() { for (const ptr of [c, b, a]) w.free(ptr); } };
    },
  };
}
