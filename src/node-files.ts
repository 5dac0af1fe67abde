// Node only, loaded with import() where first needed (so browser apps never download it): reading
// a .wasm file, with the error a bundled Node app gets when the file is not beside it, and file:
// URLs for Windows paths.
import { ValueError, describe } from './errors.js';
import { nodeImport, nodeProcess } from './platform.js';

/**
 * The bytes of the .wasm file at `url`; a file that cannot be read is a ValueError naming its path
 * and, when it is where neurite looks by default (`byDefault`: beside its own code), the fix.
 */
export async function readWasmFile(url: URL, byDefault: boolean): Promise<Uint8Array> {
  const [{ readFile }, { fileURLToPath }] = await Promise.all([nodeImport<typeof import('node:fs/promises')>('node:fs/promises'), nodeImport<typeof import('node:url')>('node:url')]);
  try {
    return await readFile(url);
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error instanceof Error ? error.message : describe(error));
    let path = url.href;
    try {
      path = fileURLToPath(url);
    } catch {
      // a file: URL with a host, say: named as the URL
    }
    const fix = byDefault ? nodeFix(path) : 'Give the path or file: URL of one of the .wasm files in node_modules/neurite/dist/.';
    throw new ValueError(`ready(): cannot read the Wasm core at ${path} (${code})${byDefault ? '' : ', the wasm given'}. ${fix}`, { cause: error });
  }
}

/** The fix for a build missing where Node looks for it by default, beside neurite's code (`path`). */
function nodeFix(path: string): string {
  const dir = path.replace(/[\\/][^\\/]*$/, '');
  return 'In Node, neurite reads its .wasm files from beside its own code: an app bundled for Node (by esbuild --platform=node, say) '
    + `needs node_modules/neurite/dist/*.wasm copied beside the bundle, into ${dir}, or the file's path given as ready({ wasm: '/path/to/neurite.wasm' }) `
    + "(and workerTrainer(model, { wasm })). See the README's Bundlers section.";
}

/** True for an absolute Windows path: a drive letter and a separator (C:\ or C:/), or a UNC path (\\server\share). */
export function isWindowsAbsolute(path: string): boolean {
  return /^[a-z]:[\\/]/i.test(path) || /^\\\\[^\\]/.test(path);
}

/**
 * A file: URL for an absolute path: node:url's pathToFileURL, except for a Windows path on
 * another platform, which pathToFileURL would take for a relative POSIX name.
 */
export async function fileUrl(path: string): Promise<URL> {
  const windows = isWindowsAbsolute(path);
  if (!windows || nodeProcess()?.platform === 'win32') return (await nodeImport<typeof import('node:url')>('node:url')).pathToFileURL(path);
  // A Windows path elsewhere (the tests, on Linux): \\server\share\x or C:\x, each segment
  // percent-encoded (a # or ? is part of a file name), the drive letter kept as it is.
  const slashed = path.replace(/\\/g, '/');
  const unc = /^\/\/([^/]+)(\/.*)?$/.exec(slashed);
  const [host, rest] = unc ? [unc[1], unc[2] ?? '/'] : ['', `/${slashed}`];
  const encoded = rest.split('/').map((s, i) => (i === 1 && /^[a-z]:$/i.test(s) ? s : encodeURIComponent(s))).join('/');
  return new URL(`file://${host}${encoded}`);
}
