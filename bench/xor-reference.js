// The XOR training step written as straightforwardly as JavaScript allows: a 2-8-1 network, tanh
// hidden layer, sigmoid output, mean squared error, plain SGD, one batch of 4 rows per step.
// Forward, backward and update are for-loops over Float32Arrays allocated once, so a step
// allocates nothing. Kernels are [inputs × units] row-major, as in neurite and Keras.
import { mulberry32 } from './random.js';

const INPUTS = 2;
const HIDDEN = 8;
const OUTPUTS = 1;

export class XorReference {
  constructor({ rows = 4, learningRate = 0.1, seed = 1 } = {}) {
    this.rows = rows;
    this.learningRate = learningRate;
    const random = mulberry32(seed);
    this.w1 = glorotUniform(INPUTS, HIDDEN, random);
    this.b1 = new Float32Array(HIDDEN);
    this.w2 = glorotUniform(HIDDEN, OUTPUTS, random);
    this.b2 = new Float32Array(OUTPUTS);
    this.hidden = new Float32Array(rows * HIDDEN); // tanh activations
    this.output = new Float32Array(rows * OUTPUTS); // sigmoid activations
    this.dOutput = new Float32Array(rows * OUTPUTS); // dLoss/dz of the output layer
    this.gw1 = new Float32Array(INPUTS * HIDDEN);
    this.gb1 = new Float32Array(HIDDEN);
    this.gw2 = new Float32Array(HIDDEN * OUTPUTS);
    this.gb2 = new Float32Array(OUTPUTS);
    this.paramsAndGrads = [[this.w1, this.gw1], [this.b1, this.gb1], [this.w2, this.gw2], [this.b2, this.gb2]];
  }

  /** One gradient step on x [rows × 2] and y [rows × 1]; returns the loss before the step. */
  step(x, y) {
    this.forward(x);
    const loss = this.lossGradient(y);
    this.backward(x);
    this.update();
    return loss;
  }

  forward(x) {
    const { rows, w1, b1, w2, b2, hidden, output } = this;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < HIDDEN; j++) {
        let z = b1[j];
        for (let i = 0; i < INPUTS; i++) z += x[r * INPUTS + i] * w1[i * HIDDEN + j];
        hidden[r * HIDDEN + j] = Math.tanh(z);
      }
      for (let o = 0; o < OUTPUTS; o++) {
        let z = b2[o];
        for (let j = 0; j < HIDDEN; j++) z += hidden[r * HIDDEN + j] * w2[j * OUTPUTS + o];
        output[r * OUTPUTS + o] = 1 / (1 + Math.exp(-z));
      }
    }
  }

  /** Mean squared error over all rows and outputs; leaves dLoss/dz of the output layer in dOutput. */
  lossGradient(y) {
    const { output, dOutput } = this;
    const n = output.length;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const p = output[i];
      const diff = p - y[i];
      sum += diff * diff;
      dOutput[i] = (2 * diff / n) * p * (1 - p);
    }
    return sum / n;
  }

  backward(x) {
    const { rows, w2, hidden, dOutput, gw1, gb1, gw2, gb2 } = this;
    gw1.fill(0); gb1.fill(0); gw2.fill(0); gb2.fill(0);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < OUTPUTS; o++) {
        const d = dOutput[r * OUTPUTS + o];
        gb2[o] += d;
        for (let j = 0; j < HIDDEN; j++) gw2[j * OUTPUTS + o] += hidden[r * HIDDEN + j] * d;
      }
      for (let j = 0; j < HIDDEN; j++) {
        let da = 0;
        for (let o = 0; o < OUTPUTS; o++) da += dOutput[r * OUTPUTS + o] * w2[j * OUTPUTS + o];
        const h = hidden[r * HIDDEN + j];
        const d = da * (1 - h * h);
        gb1[j] += d;
        for (let i = 0; i < INPUTS; i++) gw1[i * HIDDEN + j] += x[r * INPUTS + i] * d;
      }
    }
  }

  update() {
    const lr = this.learningRate;
    for (const [param, grad] of this.paramsAndGrads) {
      for (let i = 0; i < param.length; i++) param[i] -= lr * grad[i];
    }
  }
}

/** Glorot-uniform kernel [fanIn × fanOut], as Keras initializes Dense kernels. */
function glorotUniform(fanIn, fanOut, random) {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const w = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < w.length; i++) w[i] = (2 * random() - 1) * limit;
  return w;
}
