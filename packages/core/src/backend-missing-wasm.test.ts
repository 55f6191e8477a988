// A fresh module registry (own test file): the wasm backend has not been configured yet.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, initBackend, BackendError } from './index';
import { setModuleLoaderForTests, setWasmDirForTests } from './backend';

describe('wasm binaries missing', () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'rfai-core-nowasm-'));
  let realLoader: (name: string) => unknown;
  beforeAll(() => {
    setWasmDirForTests(empty);
    // As if @tensorflow/tfjs-node were not installed, whatever this machine has.
    realLoader = setModuleLoaderForTests((name) => {
      throw new Error(`Cannot find module '${name}'`);
    });
  });
  afterAll(() => {
    setModuleLoaderForTests(realLoader);
    setWasmDirForTests(null);
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it('asking for wasm throws a BackendError naming the files and the package', async () => {
    const err = await initBackend({ backend: 'wasm', log: () => undefined }).catch((e) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err.message).toBe(
      `wasm backend: tfjs-backend-wasm.wasm, tfjs-backend-wasm-simd.wasm, tfjs-backend-wasm-threaded-simd.wasm missing from ${empty}; ` +
        'reinstall @tensorflow/tfjs-backend-wasm (`npm install @tensorflow/tfjs-backend-wasm@4.22.0`)',
    );
    expect(err.packageName).toBe('@tensorflow/tfjs-backend-wasm');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('auto falls back to cpu and says why', async () => {
    const lines: string[] = [];
    const info = await initBackend({ log: (l) => lines.push(l) });
    expect(info.name).toBe('cpu');
    expect(info.reason).toMatch(/^auto: @tensorflow\/tfjs-node did not load \(.*\); wasm unavailable \(wasm backend: .* missing from .*\), so cpu$/);
    expect(lines[1]).toMatch(/^@rfai\/core: auto backend: wasm unavailable \(wasm backend: /);
  });
});
