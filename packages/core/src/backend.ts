// Backend selection: initBackend() picks @tensorflow/tfjs-node, the wasm backend
// or the cpu backend, and says what it chose and why.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { tf } from './tf';
import { BackendError, InvalidOptionError } from './errors';
import { clearTransposeCache } from './wasm-fallbacks';
import { guardWasmHeap } from './wasm-heap-guard';
import { MAX_WASM_THREADS, settleThreadPool, wasmThreadPool, withSingleThreadedWasm, withThreadedWasm } from './wasm-threads';

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
   * Threads for the wasm backend's XNNPACK pool, a positive integer (at most 8 are used).
   * Default 1: the single-threaded SIMD build. 2 or more starts tfjs' threaded SIMD build
   * (pthreads on node:worker_threads; see wasm-threads.ts). The thread count is fixed when
   * the wasm module is created: a later call with another count re-creates the module if no
   * tensor lives on wasm, else logs that the count was not applied.
   * Ignored by cpu (always 1 thread) and logged; tfjs-node sizes its own pool.
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
let wasmPathsSet = false;
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

/** Threads of the wasm module as last initialised by initBackend() (null: not yet). */
let wasmThreads: number | null = null;

/**
 * Drops the initialised wasm backend so the next setBackend('wasm') creates a new module
 * (tfjs creates one module per backend instance and reads the thread settings then).
 */
function recreateWasmBackend(): void {
  const entry = (tf.engine() as unknown as { registryFactory: Record<string, { factory: () => unknown; priority: number }> }).registryFactory['wasm'];
  clearTransposeCache();
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', entry.factory as Parameters<typeof tf.registerBackend>[1], entry.priority);
  wasmThreads = null;
}

/** Tensors held by the initialised wasm backend (the transposed-weight cache is dropped first). */
function tensorsOnWasm(): number {
  clearTransposeCache();
  const backend = tf.engine().registry['wasm'];
  return backend == null ? 0 : backend.numDataIds();
}

async function setWasm(): Promise<boolean> {
  try {
    return await tf.setBackend('wasm');
  } catch (e) {
    throw new BackendError(`wasm backend failed to initialise: ${(e as Error).message ?? String(e)}`, 'wasm', WASM_PACKAGE);
  }
}

async function useWasm(reasonPrefix: string, opts: InitBackendOptions, log: (l: string) => void): Promise<BackendInfo> {
  const notes: string[] = [];
  const dir = wasmBinaryDir();
  if (!wasmPathsSet) {
    setWasmPaths(dir);
    wasmPathsSet = true;
  }
  const asked = opts.threads;
  let target = asked ?? 1;
  if (target > MAX_WASM_THREADS) {
    notes.push(`threads=${target} capped at ${MAX_WASM_THREADS}: tfjs-backend-wasm 4.22 runs XNNPACK on at most ${MAX_WASM_THREADS} threads`);
    target = MAX_WASM_THREADS;
  }
  // null: keep the module already initialised.
  let init: number | null = target;
  if (tf.engine().registry['wasm'] != null) {
    const running = wasmThreads ?? getThreadsCount();
    if (asked == null || target === running) init = null;
    else {
      const held = tensorsOnWasm();
      if (held === 0) recreateWasmBackend();
      else {
        notes.push(
          `threads=${asked} not applied: the wasm backend already runs ${running} thread${running === 1 ? '' : 's'} and holds ${held} tensor${held === 1 ? '' : 's'}; ` +
            'call initBackend() before creating tensors on wasm (or dispose them first)',
        );
        init = null;
      }
    }
  }
  let ok: boolean;
  if (init == null) ok = await setWasm();
  else if (init > 1) {
    let why = 'setBackend returned false';
    try {
      ok = await withThreadedWasm(init, () => tf.setBackend('wasm'));
    } catch (e) {
      ok = false;
      why = (e as Error).message ?? String(e);
    }
    if (ok) settleThreadPool();
    else {
      notes.push(`threads=${init} not applied: the threaded wasm build failed to start (${why}); using the single-threaded build`);
      if (tf.findBackendFactory('wasm') != null && tf.engine().registry['wasm'] != null) recreateWasmBackend();
      ok = await withSingleThreadedWasm(setWasm);
    }
  } else ok = await withSingleThreadedWasm(setWasm);
  if (!ok) {
    throw new BackendError(
      `wasm backend failed to initialise from ${dir}; reinstall ${WASM_PACKAGE} (\`npm install ${WASM_PACKAGE}@4.22.0\`)`,
      'wasm',
      WASM_PACKAGE,
    );
  }
  // A failed tensor allocation throws WasmHeapExhaustedError instead of corrupting the heap.
  guardWasmHeap(tf.engine().registry['wasm']);
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threaded = wasmThreadPool() != null;
  const threads = getThreadsCount();
  if (init != null) wasmThreads = threads;
  if (init != null && init !== threads && !notes.some((n) => n.includes('not applied'))) {
    notes.push(
      `threads=${init} asked, ${threads} in use: ` +
        (threaded ? 'XNNPACK created a different pool size' : `the ${simd ? 'SIMD' : 'non-SIMD'} runtime has no threaded tfjs build (it needs WebAssembly SIMD)`),
    );
  }
  for (const n of notes) log(`@rfai/core: ${n}`);
  const cores = os.availableParallelism();
  const how =
    `${threaded ? 'threaded ' : ''}${simd ? 'SIMD' : 'non-SIMD'} binary from ${dir}, ${threads} thread${threads === 1 ? '' : 's'}` +
    (asked == null && init != null ? ' (threads not set; set threads: N for XNNPACK on N threads)' : '') +
    (threads > cores ? ` (more than the ${cores} cores Node.js reports: they time-share)` : '');
  const reason = [reasonPrefix, how, ...notes].join('; ');
  return { name: 'wasm', version: version_wasm, threads, simd, reason };
}

async function useCpu(reason: string, opts: InitBackendOptions, log: (l: string) => void): Promise<BackendInfo> {
  await tf.setBackend('cpu');
  if (opts.threads != null && opts.threads > 1) {
    const note = `threads=${opts.threads} ignored: the cpu backend computes on 1 thread`;
    log(`@rfai/core: ${note}`);
    reason += `; ${note}`;
  }
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
    info = await useCpu('cpu asked for explicitly', opts, log);
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
        info = await useCpu(`auto: ${loaded.why}; wasm unavailable (${why}), so cpu`, opts, log);
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
