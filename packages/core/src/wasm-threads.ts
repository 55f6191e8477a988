// Starting the multi-threaded build of @tensorflow/tfjs-backend-wasm under Node.js.
//
// tfjs 4.22 ships three wasm binaries; the threaded-SIMD one runs XNNPACK on a pthreadpool
// whose threads are Emscripten pthreads, i.e. node:worker_threads workers sharing the wasm
// memory (a SharedArrayBuffer). Under Node.js tfjs never loads it, and forcing it fails for
// three reasons, each worked around here for the duration of one initialisation:
//
// 1. tfjs reports WASM_HAS_MULTITHREAD_SUPPORT = false whenever IS_NODE (tensorflow/tfjs#3830).
//    We set the flag.
// 2. The pthread worker script is handed to `new Worker()` as a `blob:` URL, which
//    node:worker_threads rejects (ERR_WORKER_PATH); inside the worker, the main script arrives
//    as a Blob that Node cannot import synchronously. We write the worker script (tfjs' own
//    text, plus three lines that map that Blob to the same factory's file in the package) to a
//    file, and answer tfjs' URL.createObjectURL(workerBlob) with that file's path.
// 3. tfjs sizes the pool as min(asked, 8, logical cores / 2) (its C++ assumes 2 hyperthreads
//    per core), so a 2-core machine gets 1 thread whatever is asked. The core count comes from
//    os.cpus().length, read once while the module instantiates; we report 2 x the asked count
//    during that window.
//
// Afterwards the pool's threads (one fewer than the thread count: the calling thread works too)
// are unref'ed so that the process can exit, and the pre-spawned workers the pool does not use
// are terminated (tfjs spawns 8; each is a V8 isolate of ~7 MB).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import os from 'node:os';
import * as path from 'node:path';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { tf } from './tf';
import { BackendError } from './errors';

/** Most threads tfjs-backend-wasm 4.22 gives XNNPACK (its pool and pre-spawned workers are 8). */
export const MAX_WASM_THREADS = 8;

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
const WORKER_MODULE = `${WASM_PACKAGE}/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`;
const FACTORY_SCRIPT = `${WASM_PACKAGE}/wasm-out/tfjs-backend-wasm-threaded-simd.js`;

/** The parts of an Emscripten pthread pool this module touches. */
interface EmscriptenWorker {
  unref(): void;
  terminate(): unknown;
}
interface PThreadPool {
  runningWorkers: EmscriptenWorker[];
  unusedWorkers: EmscriptenWorker[];
}

let workerScript: { file: string; text: string } | null = null;
let workerDirOverride: string | null = null;

/** @internal Where the worker script goes (tests only; null restores os.tmpdir()). */
export function setWorkerDirForTests(dir: string | null): void {
  workerDirOverride = dir;
  workerScript = null;
}

/**
 * Writes the pthread worker script to a file (once per process, named by its content hash, so
 * concurrent processes share it) and returns its path and the text tfjs puts in its Blob.
 */
export function threadedWorkerScript(): { file: string; text: string } {
  if (workerScript != null && fs.existsSync(workerScript.file)) return workerScript;
  let contents: string;
  let factoryFile: string;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    contents = (require(require.resolve(WORKER_MODULE)) as { wasmWorkerContents: string }).wasmWorkerContents;
    factoryFile = require.resolve(FACTORY_SCRIPT);
  } catch (e) {
    throw new BackendError(
      `wasm threads: cannot load ${WORKER_MODULE} or ${FACTORY_SCRIPT} (${(e as Error).message.split('\n')[0]}); ` +
        `reinstall ${WASM_PACKAGE} (\`npm install ${WASM_PACKAGE}@4.22.0\`)`,
      'wasm',
      WASM_PACKAGE,
    );
  }
  // tfjs escapes newlines the same way before making its Blob (string literals in the script
  // hold "\n" escapes that the template literal turned into newlines).
  const text = contents.replace(/\n/g, '\\n');
  // Runs in the worker before any message arrives. The 'load' message carries the main script
  // as a Blob (`var WasmBackendModuleThreadedSimd = <factory>`); the worker would import it via
  // a blob: URL, which Node cannot read. The package's file defines the same factory.
  const prelude =
    `\n;(function(){var file=${JSON.stringify(factoryFile)};` +
    `URL.createObjectURL=function(){return file};URL.revokeObjectURL=function(){};})();\n`;
  const body = text + prelude;
  const hash = crypto.createHash('sha256').update(body).digest('hex').slice(0, 16);
  const dir = workerDirOverride ?? os.tmpdir();
  const file = path.join(dir, `rfai-tfjs-wasm-${hash}.worker.js`);
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, body);
      fs.renameSync(tmp, file);
    } catch (e) {
      throw new BackendError(
        `wasm threads: cannot write the pthread worker script to ${file} (${(e as Error).message}); ` +
          'point TMPDIR at a writable directory, or use threads: 1',
        'wasm',
        WASM_PACKAGE,
      );
    }
  }
  workerScript = { file, text };
  return workerScript;
}

/**
 * Runs `init` (which must initialise the wasm backend) so that tfjs loads its threaded-SIMD
 * build with a pool of `threads` threads. Global patches (URL.createObjectURL for the worker
 * Blob only, os.cpus) hold only while `init` runs and are undone whatever happens.
 */
export async function withThreadedWasm<T>(threads: number, init: () => Promise<T>): Promise<T> {
  const script = threadedWorkerScript();
  const blobBytes = Buffer.byteLength(script.text);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  const realCreateObjectURL = URL.createObjectURL;
  const realCpus = os.cpus;
  const cpus = realCpus();
  const reported = Array.from({ length: 2 * threads }, (_, i) => cpus[i % Math.max(1, cpus.length)]);
  URL.createObjectURL = (obj: Blob) =>
    obj instanceof Blob && obj.type === 'application/javascript' && obj.size === blobBytes ? script.file : realCreateObjectURL(obj);
  (os as { cpus: () => os.CpuInfo[] }).cpus = () => reported.slice();
  try {
    return await init();
  } finally {
    URL.createObjectURL = realCreateObjectURL;
    (os as { cpus: () => os.CpuInfo[] }).cpus = realCpus;
  }
}

/** Runs `init` so that tfjs loads its single-threaded build (SIMD when the runtime has it). */
export async function withSingleThreadedWasm<T>(init: () => Promise<T>): Promise<T> {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setThreadsCount(1);
  return init();
}

/** The Emscripten pthread pool of the current wasm backend, or null (single-threaded build). */
export function wasmThreadPool(): PThreadPool | null {
  const backend = tf.engine().registry['wasm'] as unknown as { wasm?: { PThread?: PThreadPool } } | undefined;
  return backend?.wasm?.PThread ?? null;
}

/**
 * After a threaded initialisation: lets the process exit while the pool's threads wait for
 * work, and frees the pre-spawned workers the pool does not use. Returns the number of
 * workers running pool threads.
 */
export function settleThreadPool(): number {
  const pool = wasmThreadPool();
  if (pool == null) return 0;
  for (const w of pool.runningWorkers) w.unref();
  for (const w of pool.unusedWorkers) void w.terminate();
  pool.unusedWorkers.length = 0;
  return pool.runningWorkers.length;
}
