// An app bundled for Node by esbuild (tests/browser/bundlers.test.ts): ES module source, built to
// CommonJS (esbuild's default with --platform=node, where import.meta is empty) and to ES modules,
// with neurite's two worker scripts as entry points of their own beside it.
import * as neurite from 'neurite';
import train from './train.js';

train(neurite).then((r) => console.log(JSON.stringify(r)), (e) => { console.error(`${e.name}: ${e.message}`); process.exit(1); });
