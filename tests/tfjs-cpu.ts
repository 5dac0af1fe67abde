// TensorFlow.js on its cpu backend, for the tests that compare with it.
import * as tf from '@tensorflow/tfjs';

export { tf };

/** Selects the cpu backend; its greeting to Node users on the console is kept out of the test log. */
export async function tfjsCpu(): Promise<void> {
  const { log, warn, info } = console;
  console.log = console.warn = console.info = () => {};
  try {
    await tf.setBackend('cpu');
    await tf.ready();
    tf.tensor1d([0]).dispose();
  } finally {
    Object.assign(console, { log, warn, info });
  }
}
