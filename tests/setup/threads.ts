// For the 'threads' project: the first ready() wins, so every test file of the project runs on
// the threaded build with two threads.
import { ready } from '../../src/index.js';

await ready({ threads: 2 });
