// Node: a directory holding model.json and weights.bin, as tfjs-node's file:// writes it. Saves
// are atomic (a failed save leaves the previous checkpoint) and run one at a time per folder;
// loads read regular files inside the model's folder only, never more bytes than the manifest needs.
import { NeuriteError, ShapeError, StateError, ValueError } from '../errors.js';
import { preview } from './json.js';
import { nodeImport } from '../platform.js';
import { MAX_MODEL_JSON_BYTES, fromModelJSON, toModelJSON } from './model-json.js';
import type { Loaded, ModelArtifacts } from './types.js';

type NodeModules = { fs: typeof import('node:fs/promises'); path: typeof import('node:path') };
/** node:path, or one of its flavours (path.win32, path.posix: the tests check Windows paths on Linux). */
type PathModule = Pick<typeof import('node:path'), 'join' | 'relative' | 'isAbsolute' | 'sep'>;

async function node(): Promise<NodeModules> {
  // Imported by a name bundlers do not follow: browsers never load these.
  const [fs, path] = await Promise.all([nodeImport<NodeModules['fs']>('node:fs/promises'), nodeImport<NodeModules['path']>('node:path')]);
  return { fs, path };
}

/** The path a file: URL names, as Node's fileURLToPath gives it (a URL with a host is refused). */
export async function fileUrlPath(url: URL, where: string): Promise<string> {
  const { fileURLToPath } = await nodeImport<typeof import('node:url')>('node:url');
  try {
    return fileURLToPath(url);
  } catch (err) {
    throw new ValueError(`${where}: ${preview(url.href)} is not a local file URL: ${(err as Error).message}`, { cause: err });
  }
}

/** A Node file-system error as a neurite error naming the path: ValueError for a bad path, StateError for the environment (permissions, space). */
function fileError(where: string, action: string, path: string, err: unknown): NeuriteError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const badPath = ['ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ENAMETOOLONG', 'ELOOP', 'EINVAL', 'ENXIO', 'ERR_INVALID_ARG_VALUE', 'ERR_INVALID_ARG_TYPE'];
  const Type = code === undefined || badPath.includes(code) ? ValueError : StateError;
  return new Type(`${where}: cannot ${action} ${path}: ${code ?? (err as Error)?.message}`, { cause: err });
}

// Saves to one folder run one at a time, in the order they were called; keyed by its real path.
const savesInProgress = new Map<string, Promise<unknown>>();

async function oneAtATime<T>(key: string, task: () => Promise<T>): Promise<T> {
  const run = (savesInProgress.get(key) ?? Promise.resolve()).then(task, task);
  const settled = run.catch(() => undefined);
  savesInProgress.set(key, settled);
  try {
    return await run;
  } finally {
    if (savesInProgress.get(key) === settled) savesInProgress.delete(key);
  }
}

/**
 * Writes weights.bin and model.json under temporary names unique to this save, then renames
 * them into place, model.json last. Until model.json is renamed the old weights are kept (a hard
 * link, or a copy), so a save that fails at any step restores the previous checkpoint and removes
 * what it wrote.
 */
export async function save(dir: string, artifacts: ModelArtifacts): Promise<void> {
  const { fs, path } = await node();
  const folder = path.resolve(localPath(path, dir));
  const fail = (action: string, file: string) => (err: unknown) => { throw fileError('save()', action, file, err); };
  // Queued in call order by the path as given, then by the real path: two spellings of one folder
  // (through a symlink, say) share the second queue.
  await oneAtATime(folder, async () => {
    await fs.mkdir(folder, { recursive: true }).catch(fail('create the folder', folder));
    const real = await fs.realpath(folder).catch(fail('resolve', folder));
    await oneAtATime(`real:${real}`, () => write(folder));
  });
  async function write(folder: string): Promise<void> {
    const weights = path.join(folder, 'weights.bin'), json = path.join(folder, 'model.json');
    const tag = globalThis.crypto.randomUUID().slice(0, 8);
    const [newWeights, newJSON, oldWeights] = ['weights.bin', 'model.json', 'weights.bin.old'].map((name) => path.join(folder, `.${name}.${tag}.tmp`));
    let kept = false, replaced = false;
    try {
      await fs.writeFile(newWeights, new Uint8Array(artifacts.weightData), { flag: 'wx' }).catch(fail('write', newWeights));
      await fs.writeFile(newJSON, JSON.stringify(toModelJSON(artifacts, 'weights.bin')), { flag: 'wx' }).catch(fail('write', newJSON));
      kept = await keep(fs, weights, oldWeights);
      await fs.rename(newWeights, weights).catch(fail('replace', weights));
      replaced = true;
      await fs.rename(newJSON, json).catch(fail('replace', json));
    } catch (err) {
      // Put the previous weights back, or take ours out if there were none.
      if (replaced) await (kept ? fs.rename(oldWeights, weights) : fs.rm(weights, { force: true })).catch(() => undefined);
      throw err;
    } finally {
      for (const file of [newWeights, newJSON, oldWeights]) await fs.rm(file, { force: true }).catch(() => undefined);
    }
  }
}

/** Keeps `file` reachable as `backup` (a hard link, else a copy); false if there is no such file. */
async function keep(fs: NodeModules['fs'], file: string, backup: string): Promise<boolean> {
  try {
    await fs.link(file, backup);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    await fs.copyFile(file, backup).catch((e) => { throw fileError('save()', 'keep a copy of', file, e); });
    return true;
  }
}

/**
 * The local path a folder or file target names: as given, except that on Windows file:///C:/x
 * (whose path is /C:/x) names C:/x.
 */
export function localPath(path: PathModule, name: string): string {
  return path.sep === '\\' && /^\/[a-z]:[\\/]/i.test(name) ? name.slice(1) : name;
}

/** model.json's path for loadModel(source): the source itself when it names a .json file, else model.json in the folder it names (either separator on Windows). */
export function modelJsonPath(path: PathModule, source: string): string {
  return source.endsWith('.json') ? source : path.join(source, 'model.json');
}

/** True if `target` (resolved, absolute) is a file inside `folder` (resolved, absolute), by the platform's rules (Windows: any case, either separator, the same drive). */
export function isInside(path: PathModule, folder: string, target: string): boolean {
  const relative = path.relative(folder, target);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

export async function load(source: string): Promise<Loaded> {
  const { fs, path } = await node();
  const file = modelJsonPath(path, localPath(path, source));
  const real = await fs.realpath(file).catch((err) => { throw fileError('loadModel()', 'read model file', file, err); });
  const tooBig = (size: number) => new ValueError(`loadModel(): model file ${file} has ${size} bytes, more than the ${MAX_MODEL_JSON_BYTES} a model.json may have`);
  const text = new TextDecoder().decode(await readRegularFile(fs, real, `model file ${file}`, MAX_MODEL_JSON_BYTES, tooBig));
  const folder = path.dirname(real);
  const seen = new Set<string>();
  const artifacts = await fromModelJSON(text, file, async (p, maxBytes) => {
    const joined = path.join(path.dirname(file), p);
    // With symlinks resolved, the file must be in the folder. Missing and outside get one message,
    // so nothing about files outside the folder (whether they exist, their size) gets out.
    const target = await fs.realpath(path.join(folder, p)).catch((err) => err as Error);
    if (typeof target !== 'string' || !isInside(path, folder, target)) {
      throw new ValueError(`loadModel() ${file}: cannot read weights file ${joined}: no such file inside the model folder`, { cause: target });
    }
    if (seen.has(target)) throw new ValueError(`loadModel() ${file}: weightsManifest names weights file ${preview(p)} twice (through a symlink)`);
    seen.add(target);
    const label = `weights file ${joined}`;
    return readRegularFile(fs, target, label, maxBytes, (size) => new ShapeError(`loadModel() ${file}: ${label} has ${size} bytes, more than the ${maxBytes} the weightsManifest still needs`));
  });
  return { artifacts, origin: file };
}

/**
 * Reads `file` if it is a regular file of at most maxBytes: it is opened first (not following a
 * last symlink, not blocking on a FIFO), checked on the open handle, and read from it for the
 * size checked, so a file replaced or growing meanwhile cannot make this read more.
 */
async function readRegularFile(fs: NodeModules['fs'], file: string, label: string, maxBytes: number, tooBig: (size: number) => NeuriteError): Promise<Uint8Array> {
  const { O_RDONLY, O_NOFOLLOW = 0, O_NONBLOCK = 0 } = fs.constants;
  const handle = await fs.open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK).catch((err) => { throw fileError('loadModel()', 'read', label, err); });
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new ValueError(`loadModel(): ${label} is not a regular file`);
    if (stat.size > maxBytes) throw tooBig(stat.size);
    const bytes = new Uint8Array(stat.size);
    let got = 0;
    while (got < bytes.length) {
      const { bytesRead } = await handle.read(bytes, got, bytes.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return bytes.subarray(0, got);
  } catch (err) {
    throw err instanceof NeuriteError ? err : fileError('loadModel()', 'read', label, err);
  } finally {
    await handle.close();
  }
}

