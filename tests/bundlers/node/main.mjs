// An ES module script: import * from 'neurite'.
import { createRequire } from 'node:module';
import * as neurite from 'neurite';
const train = createRequire(import.meta.url)('./train.js');
console.log(JSON.stringify(await train(neurite)));
