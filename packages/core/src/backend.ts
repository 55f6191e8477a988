// Backend selection: initBackend() picks @tensorflow/tfjs-node, the wasm backend
// or the cpu backend, and says what it chose and why.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getThreadsCount, setThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { tf } from './tf';
import { BackendError, InvalidOptionError } from './errors';

/** Backends initBackend() can select. 'node' is @tensorflow/tfjs-node (libtensorflow). */
export type BackendName = 'node' | 'wasm' | 'cpu';

/** Options of initBackend(). */
export interface InitBackendOptions {
  /**
   * Which backend to use. Default 'auto': 'node' when @tensorflow/tfjs-node loads,
   * else 'wasm', else 'cpu'. Naming a backend that cannot load throws BackendError.
   */
  backend?: 'auto' | BackendName;
  /**
   * Threads for the wasm backend (XNNPACK thread pool), a positive integer. Default: tfjs' own
   * choice. In Node.js tfjs 4.22 runs wasm single-threaded whatever is asked (see BackendInfo.reason).
   * Ignored by cpu (always 1 thread); tfjs-node sizes its own pool.
   */
  threads?: number;
  /** Receives one line whenever a fallback or an ignored setting happens. Default console.warn. */
  log?: (line: string) => void;
}

/** What initBackend() selected. */
export interface BackendInfo {
  /** The tfjs backend now current: 'tensorflow' (tfjs-node), 'wasm' or 'cpu'. */
  name: string;
  /** Version of the npm package implementing it, e.g. '4.22.0'. */
  version: string;
  /** Threads the backend computes with (wasm: XNNPACK pool size actually created). */
  threads: number;
  /** Whether the backend uses SIMD instructions (wasm: the SIMD binary was loaded). */
  simd: boolean;
  /** Why this backend was chosen, including every fallback on the way. */
  reason: string;
}

const NODE_PACKAGE = '@tensorflow/tfjs-node';
const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
const WASM_BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/** Loads a module by name; injectable so tests can stand in for a missing optional package. */
export type ModuleLoader = (name: string) => unknown;

// A computed name keeps bundlers from trying to inline the optional package.
// eslint-disable-next-line @typescript-eslint/no-require-imports
let moduleLoader: ModuleLoader = (name) => require(name);
let wasmConfigured: { threads: number | undefined } | null = null;
let current: BackendInfo | null = null;

/** @internal Replaces how optional packages are loaded (tests only). Returns the previous loader. */
export function setModuleLoaderForTests(loader: ModuleLoader): ModuleLoader {
  const previous = moduleLoader;
  moduleLoader = loader;
  return previous;
}

let wasmDirOverride: string | null = null;

/** @internal Makes wasmBinaryDir() look in `dir` instead of node_modules (tests only; null restores). */
export function setWasmDirForTests(dir: string | null): void {
  wasmDirOverride = dir;
}

/** Directory holding the .wasm binaries inside node_modules (absolute, with a trailing separator). */
export function wasmBinaryDir(): string {
  let dir: string;
  try {
    dir = wasmDirOverride ?? path.dirname(require.resolve(`${WASM_PACKAGE}/dist/tfjs-backend-wasm.wasm`));
  } catch (e) {
    throw new BackendError(
      `wasm backend: cannot locate ${WASM_PACKAGE}/dist/tfjs-backend-wasm.wasm (${(e as Error).message}); ` +
        `run \`npm install ${WASM_PACKAGE}@4.22.0\``,
      'wasm',
      WASM_PACKAGE,
    );
  }
  const missing = WASM_BINARIES.filter((f) => !fs.existsSync(path.join(dir, f)));
  if (missing.length > 0) {
    throw new BackendError(
      `wasm backend: ${missing.join(', ')} missing from ${dir}; reinstall ${WASM_PACKAGE} (\`npm install ${WASM_PACKAGE}@4.22.0\`)`,
      'wasm',
      WASM_PACKAGE,
    );
  }
  return dir + path.sep;
}

function loadNode(): { ok: true; version: string } | { ok: false; why: string } {
  let mod: any;
  try {
    mod = moduleLoader(NODE_PACKAGE);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    return { ok: false, why: `${NODE_PACKAGE} did not load (${msg})` };
  }
  if (tf.findBackendFactory('tensorflow') == null) {
    return { ok: false, why: `${NODE_PACKAGE} loaded but registered no 'tensorflow' backend with this @tensorflow/tfjs-core instance (two tfjs-core copies installed?)` };
  }
  const version = mod?.version?.['tfjs-node'] ?? mod?.version_node ?? tf.version_core;
  return { ok: true, version: String(version) };
}

async function useNode(reasonPrefix: string, opts: InitBackendOptions, log: (l: string) => void): Promise<BackendInfo> {
  if (!(await tf.setBackend('tensorflow'))) {
    throw new BackendError(`node backend: ${NODE_PACKAGE} loaded but its backend failed to initialise`, 'node', NODE_PACKAGE);
  }
  const loaded = loadNode();
  const version = loaded.ok ? loaded.version : tf.version_core;
  let reason = reasonPrefix;
  if (opts.threads != null) {
    const note = `threads=${opts.threads} ignored: ${NODE_PACKAGE} sizes libtensorflow's thread pool itself`;
    log(`@rfai/core: ${note}`);
    reason += `; ${note}`;
  }
  // libtensorflow sizes its intra-op pool from the machine's cores, and its prebuilt CPU
  // binaries that tfjs-node downloads are compiled with AVX (SIMD).
  return { name: 'tensorflow', version, threads: os.availableParallelism(), simd: true, reason };
}

async function useWasm(reasonPrefix: string, opts: InitBackendOptions, log: (l: string) => void): Promise<BackendInfo> {
  const notes: string[] = [];
  if (wasmConfigured == null) {
    setWasmPaths(wasmBinaryDir());
    if (opts.threads != null) setThreadsCount(opts.threads);
    wasmConfigured = { threads: opts.threads };
  } else if (opts.threads != null && opts.threads !== wasmConfigured.threads && tf.engine().registry['wasm'] != null) {
    notes.push(`threads=${opts.threads} ignored: the wasm module was already initialised in this process`);
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend('wasm');
  } catch (e) {
    throw new BackendError(`wasm backend failed to initialise: ${(e as Error).message ?? String(e)}`, 'wasm', WASM_PACKAGE);
  }
  if (!ok) {
    throw new BackendError(
      `wasm backend failed to initialise from ${wasmBinaryDir()}; reinstall ${WASM_PACKAGE} (\`npm install ${WASM_PACKAGE}@4.22.0\`)`,
      'wasm',
      WASM_PACKAGE,
    );
  }
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const multithread = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  const threads = getThreadsCount();
  if (opts.threads != null && opts.threads !== threads && notes.length === 0) {
    notes.push(
      `threads=${opts.threads} asked, ${threads} in use: ` +
        (multithread ? 'XNNPACK created a different pool size' : 'tfjs 4.22 loads the single-threaded wasm binary under Node.js (WASM_HAS_MULTITHREAD_SUPPORT is false, tensorflow/tfjs#3830)'),
    );
  }
  for (const n of notes) log(`@rfai/core: ${n}`);
  const reason = [reasonPrefix, `${simd ? 'SIMD' : 'non-SIMD'} binary from ${wasmBinaryDir()}`, ...notes].join('; ');
  return { name: 'wasm', version: version_wasm, threads, simd, reason };
}

async function useCpu(reason: string): Promise<BackendInfo> {
  await tf.setBackend('cpu');
  return { name: 'cpu', version: version_cpu, threads: 1, simd: false, reason };
}

/**
 * Selects and initialises the tensor backend for this process and makes it current.
 * Until it is called, @rfai/core runs on 'cpu'. Calling it again switches backends.
 *
 * auto: tfjs-node if it loads, else wasm, else cpu; each fallback is logged and named in `reason`.
 * Throws InvalidOptionError for a bad option, BackendError when the named backend cannot load
 * (the message names the npm package to install).
 */
export async function initBackend(opts: InitBackendOptions = {}): Promise<BackendInfo> {
  const choice = opts.backend ?? 'auto';
  if (!['auto', 'node', 'wasm', 'cpu'].includes(choice)) {
    throw new InvalidOptionError('initBackend.backend', "one of 'auto', 'node', 'wasm', 'cpu'", choice);
  }
  if (opts.threads !== undefined && (!Number.isInteger(opts.threads) || opts.threads < 1)) {
    throw new InvalidOptionError('initBackend.threads', 'a positive integer', opts.threads);
  }
  const log = opts.log ?? ((line: string) => console.warn(line));
  let info: BackendInfo;
  if (choice === 'cpu') {
    info = await useCpu('cpu asked for explicitly');
  } else if (choice === 'node') {
    const loaded = loadNode();
    if (!loaded.ok) {
      throw new BackendError(
        `node backend asked for, but ${loaded.why}; install it with \`npm install ${NODE_PACKAGE}\` ` +
          `(its install script downloads libtensorflow), or use backend 'wasm' or 'auto'`,
        'node',
        NODE_PACKAGE,
      );
    }
    info = await useNode('node asked for explicitly', opts, log);
  } else if (choice === 'wasm') {
    info = await useWasm('wasm asked for explicitly', opts, log);
  } else {
    const loaded = loadNode();
    if (loaded.ok) {
      info = await useNode(`auto: ${NODE_PACKAGE} loaded`, opts, log);
    } else {
      log(`@rfai/core: auto backend: ${loaded.why}; trying wasm`);
      try {
        info = await useWasm(`auto: ${loaded.why}, so wasm`, opts, log);
      } catch (e) {
        const why = (e as Error).message;
        log(`@rfai/core: auto backend: wasm unavailable (${why}); using cpu`);
        info = await useCpu(`auto: ${loaded.why}; wasm unavailable (${why}), so cpu`);
      }
    }
  }
  current = info;
  return info;
}

/**
 * The backend now in use. Before any initBackend() call this describes the default
 * cpu backend; if code switched backends with tf.setBackend() directly, the name is
 * read from tfjs and `reason` says so.
 */
export function getBackendInfo(): BackendInfo {
  const name = tf.getBackend();
  if (current != null && current.name === name) return current;
  if (name === 'cpu') {
    return { name: 'cpu', version: version_cpu, threads: 1, simd: false, reason: current == null ? 'default: initBackend() not called' : 'set with tf.setBackend()' };
  }
  if (name === 'wasm') {
    return { name: 'wasm', version: version_wasm, threads: getThreadsCount(), simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'), reason: 'set with tf.setBackend()' };
  }
  return { name, version: tf.version_core, threads: os.availableParallelism(), simd: true, reason: 'set with tf.setBackend()' };
}
