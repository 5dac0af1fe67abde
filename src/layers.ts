// Layers. A dense layer is `units` neurons that each see every input:
//   z_j = Σ_i x_i·w_ij + b_j,   a_j = activation(z_j)
// Its kernel w is [inputs × units] (row-major, as in Keras/TF.js) and its bias b is [units].
import { getActivation, type Activation, type ActivationIdentifier } from './activations.js';
import { ValueError, checkKeys, describe } from './errors.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from './initializers.js';

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
  /** Input width, for the first layer when the model was not given one. */
  inputShape?: number[];
  /** Alternative to inputShape, as in TF.js. */
  inputDim?: number;
  name?: string;
}

const DENSE_KEYS = ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'inputShape', 'inputDim', 'name'];

export class Dense {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  /** Input width declared on the layer itself, if any. */
  readonly inputDim: number | undefined;
  name: string | undefined;

  constructor(config: DenseConfig) {
    const where = 'layers.dense()';
    checkKeys(config, DENSE_KEYS, where);
    if (!Number.isInteger(config.units) || config.units <= 0) {
      throw new ValueError(`${where}: units must be a positive integer, got ${describe(config.units)}`);
    }
    this.units = config.units;
    this.activation = getActivation(config.activation, `${where} activation`);
    if (config.useBias !== undefined && typeof config.useBias !== 'boolean') {
      throw new ValueError(`${where}: useBias must be a boolean, got ${describe(config.useBias)}`);
    }
    this.useBias = config.useBias ?? true;
    this.kernelInitializer = getInitializer(config.kernelInitializer, 'glorotNormal', `${where} kernelInitializer`);
    this.biasInitializer = getInitializer(config.biasInitializer, 'zeros', `${where} biasInitializer`);
    this.inputDim = inputWidth(config.inputShape, config.inputDim, where);
    this.name = config.name;
  }

  /** Parameters of this layer given its input width. */
  countParams(inputs: number): number {
    return inputs * this.units + (this.useBias ? this.units : 0);
  }
}

/** Reads an input width from inputShape ([n]) or inputDim (n); undefined if neither is given. */
export function inputWidth(inputShape: unknown, inputDim: unknown, where: string): number | undefined {
  if (inputShape !== undefined) {
    if (!Array.isArray(inputShape) || inputShape.length !== 1 || !Number.isInteger(inputShape[0]) || inputShape[0] <= 0) {
      throw new ValueError(`${where}: inputShape must be [n] with n a positive integer (dense networks take flat rows), got ${JSON.stringify(inputShape)}`);
    }
    return inputShape[0];
  }
  if (inputDim !== undefined) {
    if (!Number.isInteger(inputDim) || (inputDim as number) <= 0) {
      throw new ValueError(`${where}: inputDim must be a positive integer, got ${describe(inputDim)}`);
    }
    return inputDim as number;
  }
  return undefined;
}

export type Layer = Dense;

export const layers = {
  /** A densely connected layer: activation(x·kernel + bias). */
  dense: (config: DenseConfig): Dense => new Dense(config),
};
