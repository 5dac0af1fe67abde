// Options shared by the layers over [height, width, channels] examples: the data format.
import { ValueError, describe } from '../errors.js';
import { preview } from '../io/json.js';

/** Only channelsLast ([height, width, channels]) is supported; anything else is a ValueError. */
export function checkDataFormat(value: unknown, where: string): 'channelsLast' {
  if (value === undefined || value === 'channelsLast') return 'channelsLast';
  if (value === 'channelsFirst') throw new ValueError(`${where}: dataFormat 'channelsFirst' is not supported; neurite lays images out channelsLast ([height, width, channels])`);
  throw new ValueError(`${where}: dataFormat must be 'channelsLast', got ${describe(value)}`);
}

/** A saved data_format (Keras's channels_last, or TF.js's camelCase) as the option. */
export function parseDataFormat(value: unknown): 'channelsLast' | undefined {
  if (value === undefined || value === null || value === 'channels_last' || value === 'channelsLast') return undefined;
  throw new ValueError(`data_format ${preview(value)} is not supported; expected channels_last`);
}
