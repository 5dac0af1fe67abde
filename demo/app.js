// The 2-D playground: builds the model the form describes, trains it in a Worker with
// workerTrainer, and redraws the loss curve and the decision boundary as epochs arrive.
import { ready, sequential, layers, optimizers, workerTrainer } from 'neurite';
import { DATASETS, makeDataset } from './data.js';
import './digits.js';
import './text.js';

await ready();
const form = document.getElementById('controls');
const $ = (id) => document.getElementById(id);
// form.elements, not form.data: a control named like a form property would be shadowed.
const picker = form.elements.namedItem('data');
for (const name of DATASETS) picker.add(new Option(name, name));
picker.value = 'spiral';

const GRID = 60; // the boundary is the model's output on GRID × GRID points of [-1, 1]²
const grid = new Float32Array(GRID * GRID * 2);
for (let i = 0; i < GRID; i++) for (let j = 0; j < GRID; j++) {
  grid[2 * (i * GRID + j)] = (j + 0.5) / GRID * 2 - 1;
  grid[2 * (i * GRID + j) + 1] = 1 - (i + 0.5) / GRID * 2;
}

let trainer, data = makeDataset(picker.value);
drawBoundary(undefined);
picker.addEventListener('change', () => { data = makeDataset(picker.value); drawBoundary(undefined); });

function buildModel() {
  const f = Object.fromEntries(new FormData(form));
  const hidden = f.hidden.split(',').map((s) => parseInt(s, 10)).filter((n) => n > 0);
  const model = sequential({ inputShape: [2], seed: 1 });
  for (const units of hidden) model.add(layers.dense({ units, activation: f.activation, kernelInitializer: f.initializer }));
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: optimizers[f.optimizer]({ learningRate: Number(f.learningRate) }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return { model, epochs: Number(f.epochs) };
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  trainer?.terminate();
  let model, epochs;
  try {
    ({ model, epochs } = buildModel());
  } catch (err) {
    $('status').textContent = `${err.name}: ${err.message}`;
    return;
  }
  const losses = [];
  $('train').disabled = true;
  $('stop').disabled = false;
  trainer = await workerTrainer(model);
  // A mirror model on this thread draws the boundary from the worker's latest weights.
  let drawing = false;
  const fitting = trainer.fit(data.x, data.y, {
    epochs, batchSize: 16,
    onEpochEnd: async (epoch, logs) => {
      losses.push(logs.loss);
      $('status').textContent = `epoch ${epoch + 1}/${epochs}  loss ${logs.loss.toFixed(4)}  accuracy ${(logs.accuracy * 100).toFixed(1)}%`;
      drawLoss(losses);
      if (drawing) return;
      drawing = true;
      model.setWeights(await trainer.getWeights().catch(() => model.getWeights()));
      drawBoundary(model);
      drawing = false;
    },
  });
  try {
    await fitting;
    model.setWeights(await trainer.getWeights());
    drawBoundary(model);
    document.body.dataset.trained = String(losses.length);
  } catch (err) {
    $('status').textContent = `${err.name}: ${err.message}`;
  } finally {
    $('train').disabled = false;
    $('stop').disabled = true;
  }
});
$('stop').addEventListener('click', () => trainer?.stop());

function drawBoundary(model) {
  const ctx = $('boundary').getContext('2d'), size = 300, cell = size / GRID;
  ctx.clearRect(0, 0, size, size);
  if (model) {
    const p = model.predict(grid);
    for (let i = 0; i < GRID * GRID; i++) {
      const v = p[i];
      ctx.fillStyle = `rgb(${255 - 90 * v}, ${220 - 40 * Math.abs(v - 0.5)}, ${165 + 90 * v})`;
      ctx.fillRect((i % GRID) * cell, Math.floor(i / GRID) * cell, cell + 1, cell + 1);
    }
  }
  for (let i = 0; i < data.rows; i++) {
    ctx.beginPath();
    ctx.arc((data.x[2 * i] + 1) * size / 2, (1 - data.x[2 * i + 1]) * size / 2, 3, 0, 2 * Math.PI);
    ctx.fillStyle = data.y[i] ? '#2856c8' : '#e0662a';
    ctx.fill();
    ctx.strokeStyle = '#fff';
    ctx.stroke();
  }
}

function drawLoss(losses) {
  const ctx = $('loss').getContext('2d'), w = 300, h = 300, pad = 28;
  ctx.clearRect(0, 0, w, h);
  const max = Math.max(...losses), n = Math.max(losses.length - 1, 1);
  ctx.strokeStyle = '#ccd';
  ctx.strokeRect(pad, 8, w - pad - 8, h - pad - 8);
  ctx.fillStyle = '#667';
  ctx.font = '11px system-ui';
  ctx.fillText(max.toFixed(2), 2, 16);
  ctx.fillText('0', 14, h - pad);
  ctx.fillText(`${losses.length} epochs`, w - 70, h - 10);
  ctx.beginPath();
  losses.forEach((l, i) => {
    const x = pad + (i / n) * (w - pad - 8), y = 8 + (1 - l / max) * (h - pad - 16);
    i ? ctx.lineTo(x, y) : ctx.moveTo(x, y);
  });
  ctx.strokeStyle = '#3b6fe0';
  ctx.lineWidth = 2;
  ctx.stroke();
  ctx.lineWidth = 1;
}
