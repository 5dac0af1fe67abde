// Layers. A dense layer is `units` neurons that each see every input:
//   z_j = Σ_i x_i·w_ij + b_j,   a_j = activation(z_j)
// Its kernel w is [inputs × units] (row-major, as in Keras/TF.js) and its bias b is [units].
import { getActivation, type Activation, type ActivationIdentifier } from './activations.js';
import { ValueError, checkFloat32, checkKeys, describe } from './errors.js';
import { checkSeed, getInitializer, type Initializer, type InitializerIdentifier } from './initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from './regularizers.js';

export interface DenseConfig {
  /** Number of neurons (output width). */
  units: number;
  /** Default 'linear'. */
  activation?: ActivationIdentifier | Activation;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotNormal', as in TF.js. */
  kernelInitializer?: InitializerIdentifier | Initializer;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier | Initializer;
  /** Penalty on the kernel added to the loss: 'l1', 'l2', 'l1l2' or regularizers.l2({ l2 }). */
  kernelRegularizer?: RegularizerIdentifier | Regularizer;
  biasRegularizer?: RegularizerIdentifier | Regularizer;
  /** Input width, for the first layer when the model was not given one. */
  inputShape?: number[];
  /** Alternative to inputShape, as in TF.js. */
  inputDim?: number;
  name?: string;
}

/** The widest layer or input: sizes reach the core as 32-bit integers (and 2^30 floats fill its 4 GiB). */
export const MAX_WIDTH = 2 ** 30;

const DENSE_KEYS = ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'inputShape', 'inputDim', 'name'];

export class Dense {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | undefined;
  readonly biasRegularizer: Regularizer | undefined;
  /** Input width declared on the layer itself, if any. */
  readonly inputDim: number | undefined;
  name: string | undefined;

  constructor(config: DenseConfig) {
    const where = 'layers.dense()';
    checkKeys(config, DENSE_KEYS, where);
    // Sizes reach the core as 32-bit integers: anything larger is refused here, not wrapped there.
    if (!Number.isInteger(config.units) || config.units <= 0 || config.units > MAX_WIDTH) {
      throw new ValueError(`${where}: units must be a positive integer (at most ${MAX_WIDTH}), got ${describe(config.units)}`);
    }
    this.units = config.units;
    this.activation = getActivation(config.activation, `${where} activation`);
    if (config.useBias !== undefined && typeof config.useBias !== 'boolean') {
      throw new ValueError(`${where}: useBias must be a boolean, got ${describe(config.useBias)}`);
    }
    this.useBias = config.useBias ?? true;
    this.kernelInitializer = getInitializer(config.kernelInitializer, 'glorotNormal', `${where} kernelInitializer`);
    this.biasInitializer = getInitializer(config.biasInitializer, 'zeros', `${where} biasInitializer`);
    this.kernelRegularizer = getRegularizer(config.kernelRegularizer, `${where} kernelRegularizer`);
    this.biasRegularizer = getRegularizer(config.biasRegularizer, `${where} biasRegularizer`);
    this.inputDim = inputWidth(config.inputShape, config.inputDim, where);
    this.name = layerName(config.name, where);
  }

  /** Parameters of this layer given its input width. */
  countParams(inputs: number): number {
    return inputs * this.units + (this.useBias ? this.units : 0);
  }
}

/** A layer's name as given: a non-empty string, or undefined for one chosen by the model. */
function layerName(name: unknown, where: string): string | undefined {
  if (name !== undefined && (typeof name !== 'string' || name.length === 0 || name.length > 256)) {
    throw new ValueError(`${where}: name must be a non-empty string of at most 256 characters, got ${describe(name)}`);
  }
  return name;
}

/** Reads an input width from inputShape ([n]) or inputDim (n); undefined if neither is given. */
export function inputWidth(inputShape: unknown, inputDim: unknown, where: string): number | undefined {
  if (inputShape !== undefined) {
    if (!Array.isArray(inputShape) || inputShape.length !== 1 || !Number.isInteger(inputShape[0]) || inputShape[0] <= 0 || inputShape[0] > MAX_WIDTH) {
      throw new ValueError(`${where}: inputShape must be [n] with n a positive integer (dense networks take flat rows), got ${describe(inputShape)}`);
    }
    return inputShape[0];
  }
  if (inputDim !== undefined) {
    if (!Number.isInteger(inputDim) || (inputDim as number) <= 0 || (inputDim as number) > MAX_WIDTH) {
      throw new ValueError(`${where}: inputDim must be a positive integer, got ${describe(inputDim)}`);
    }
    return inputDim as number;
  }
  return undefined;
}

export interface DropoutConfig {
  /** Fraction of the inputs to drop during training, in [0, 1). */
  rate: number;
  /** Seeds the dropout masks (default: derived from the model's seed). */
  seed?: number;
  inputShape?: number[];
  inputDim?: number;
  name?: string;
}

/**
 * During training, zeroes each input with probability `rate` and scales the rest by 1/(1 − rate),
 * so a unit cannot rely on any one input; in predict and evaluate it passes inputs through.
 */
export class Dropout {
  readonly className = 'Dropout';
  readonly rate: number;
  readonly seed: number | undefined;
  readonly inputDim: number | undefined;
  name: string | undefined;

  constructor(config: DropoutConfig) {
    const where = 'layers.dropout()';
    checkKeys(config, ['rate', 'seed', 'inputShape', 'inputDim', 'name'], where);
    this.rate = checkFloat32(config.rate, { min: 0, below: 1 }, where, 'rate');
    this.seed = config.seed === undefined ? undefined : checkSeed(config.seed, where);
    this.inputDim = inputWidth(config.inputShape, config.inputDim, where);
    this.name = layerName(config.name, where);
  }

  countParams(): number {
    return 0;
  }
}

export type Layer = Dense | Dropout;

export const layers = {
  /** A densely connected layer: activation(x·kernel + bias). */
  dense: (config: DenseConfig): Dense => new Dense(config),
  /** Randomly drops inputs during training (inverted dropout). */
  dropout: (config: DropoutConfig): Dropout => new Dropout(config),
};
