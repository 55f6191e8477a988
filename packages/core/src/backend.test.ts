import { tf, initBackend, getBackendInfo, BackendError, InvalidOptionError, wasmBinaryDir } from './index';
import * as os from 'node:os';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { setModuleLoaderForTests } from './backend';

// These tests must not depend on whether @tensorflow/tfjs-node happens to be installed:
// by default they see it as absent, exactly as require() reports a missing package.
const absentTfjsNode = (name: string): never => {
  const e = new Error(`Cannot find module '${name}'\nRequire stack:\n- ${__filename}`) as Error & { code: string };
  e.code = 'MODULE_NOT_FOUND';
  throw e;
};

describe('backend selection', () => {
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);
  let realLoader: (name: string) => unknown;
  beforeAll(() => (realLoader = setModuleLoaderForTests(absentTfjsNode)));
  afterAll(() => setModuleLoaderForTests(realLoader));
  beforeEach(() => (lines.length = 0));

  it('is cpu before initBackend() and computes synchronously', () => {
    expect(tf.getBackend()).toBe('cpu');
    const info = getBackendInfo();
    expect(info).toEqual({ name: 'cpu', version: '4.22.0', threads: 1, simd: false, reason: 'default: initBackend() not called' });
    expect(Array.from(tf.add(tf.tensor1d([1, 2]), 1).dataSync())).toEqual([2, 3]);
  });

  it('locates the .wasm binaries inside node_modules', () => {
    const dir = wasmBinaryDir();
    expect(dir).toMatch(/node_modules[\\/]@tensorflow[\\/]tfjs-backend-wasm[\\/]dist[\\/]$/);
  });

  it('names the package to install when node is asked for and absent', async () => {
    await expect(initBackend({ backend: 'node', log })).rejects.toThrow(
      /node backend asked for, but @tensorflow\/tfjs-node did not load \(Cannot find module '@tensorflow\/tfjs-node'.*install it with `npm install @tensorflow\/tfjs-node`/,
    );
    const err = await initBackend({ backend: 'node', log }).catch((e) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err.packageName).toBe('@tensorflow/tfjs-node');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('reports a tfjs-node that loads without registering a backend', async () => {
    setModuleLoaderForTests(() => ({ version: { 'tfjs-node': '4.22.0' } }));
    try {
      await expect(initBackend({ backend: 'node', log })).rejects.toThrow(/registered no 'tensorflow' backend/);
    } finally {
      setModuleLoaderForTests(absentTfjsNode);
    }
  });

  it('uses tfjs-node when it loads and registers its backend (stand-in module)', async () => {
    // A stand-in for @tensorflow/tfjs-node: registers a backend named 'tensorflow' as the real one does.
    setModuleLoaderForTests(() => {
      if (!tf.findBackendFactory('tensorflow')) tf.registerBackend('tensorflow', () => new MathBackendCPU(), 0);
      return { version: { 'tfjs-node': '9.9.9' } };
    });
    try {
      const auto = await initBackend({ log });
      expect(auto).toEqual({ name: 'tensorflow', version: '9.9.9', threads: os.availableParallelism(), simd: true, reason: 'auto: @tensorflow/tfjs-node loaded' });
      expect(tf.getBackend()).toBe('tensorflow');
      const named = await initBackend({ backend: 'node', threads: 4, log });
      expect(named.reason).toBe("node asked for explicitly; threads=4 ignored: @tensorflow/tfjs-node sizes libtensorflow's thread pool itself");
      expect(lines).toEqual(["@rfai/core: threads=4 ignored: @tensorflow/tfjs-node sizes libtensorflow's thread pool itself"]);
      expect(getBackendInfo()).toBe(named);
    } finally {
      setModuleLoaderForTests(absentTfjsNode);
      await initBackend({ backend: 'cpu' });
      tf.removeBackend('tensorflow');
    }
  });

  it('rejects bad options with the value found', async () => {
    await expect(initBackend({ backend: 'gpu' as never })).rejects.toThrow(
      new InvalidOptionError('initBackend.backend', "one of 'auto', 'node', 'wasm', 'cpu'", 'gpu'),
    );
    await expect(initBackend({ threads: 0 })).rejects.toThrow("initBackend.threads: expected a positive integer, found 0");
    await expect(initBackend({ threads: 1.5 })).rejects.toThrow('found 1.5');
  });

  it('logs a thread count the cpu backend cannot use', async () => {
    const info = await initBackend({ backend: 'cpu', threads: 2, log });
    expect(info.reason).toBe('cpu asked for explicitly; threads=2 ignored: the cpu backend computes on 1 thread');
    expect(lines).toEqual(['@rfai/core: threads=2 ignored: the cpu backend computes on 1 thread']);
    expect((await initBackend({ backend: 'cpu', threads: 1, log })).reason).toBe('cpu asked for explicitly');
  });

  it('auto falls back to wasm, logs why, and reports threads and SIMD', async () => {
    const info = await initBackend({ backend: 'auto', threads: 2, log });
    expect(tf.getBackend()).toBe('wasm');
    expect(info.name).toBe('wasm');
    expect(info.version).toBe('4.22.0');
    expect(info.simd).toBe(true);
    expect(info.threads).toBe(2);
    expect(info.reason).toMatch(/^auto: @tensorflow\/tfjs-node did not load .*, so wasm; threaded SIMD binary from .*, 2 threads$/);
    expect(lines[0]).toMatch(/^@rfai\/core: auto backend: @tensorflow\/tfjs-node did not load/);
    expect(getBackendInfo()).toBe(info);
    const y = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(Array.from(y.dataSync())).toEqual([11]);
  });

  it('switches back to cpu and to wasm on request', async () => {
    expect((await initBackend({ backend: 'cpu' })).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    // No thread count: the wasm module already made is kept.
    const w = await initBackend({ backend: 'wasm', log });
    expect(w.reason).toMatch(/^wasm asked for explicitly; threaded SIMD binary from .*, 2 threads$/);
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toEqual([]);
  });

  it('loads the real @tensorflow/tfjs-node only if it is installed', async () => {
    setModuleLoaderForTests(realLoader);
    try {
      let installed = true;
      try {
        require.resolve('@tensorflow/tfjs-node');
      } catch {
        installed = false;
      }
      const r = await initBackend({ backend: 'node', log }).then((info) => info.name, (e: Error) => e.message);
      expect(r).toEqual(installed ? 'tensorflow' : expect.stringContaining('`npm install @tensorflow/tfjs-node`'));
    } finally {
      setModuleLoaderForTests(absentTfjsNode);
      await initBackend({ backend: 'cpu' });
    }
  });
});
