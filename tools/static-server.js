// A tiny static file server for the browser tests and the demo: serves a directory over HTTP on
// localhost with the right MIME types (application/wasm matters: WebAssembly.instantiateStreaming
// refuses anything else) and nothing else. No dependencies, so it runs on a fresh clone.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * Serves `root` on 127.0.0.1 (port 0 picks a free one). Resolves to { url, close }, where url
 * ends with a slash. With `isolated`, every response carries the two headers that make a page
 * cross-origin isolated, which browsers require before they hand out SharedArrayBuffer (and so
 * before neurite can start threads). `headers` are added to every response (a
 * Content-Security-Policy, say).
 */
export async function serve(root, { port = 0, host = '127.0.0.1', isolated = false, headers = {} } = {}) {
  const isolation = isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
  Object.assign(isolation, headers);
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      let file = normalize(join(base, path));
      // Never serve anything outside root, whatever the request path says.
      if (file !== base && !file.startsWith(base + sep)) return send(res, 403, 'forbidden');
      if ((await stat(file).catch(() => undefined))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store', ...isolation });
      res.end(body);
    } catch {
      send(res, 404, 'not found');
    }
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(port, host, ok));
  const address = server.address();
  return {
    url: `http://${host}:${address.port}/`,
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}

function send(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(text);
}
