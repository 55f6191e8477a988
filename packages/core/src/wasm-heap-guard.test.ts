// A tensor the wasm heap cannot hold: tfjs-backend-wasm would write it through the null pointer malloc returns
// (corrupting the heap); with the guard initBackend installs, the allocation throws WasmHeapExhaustedError with the
// figures, the heap stays sound, and the memory is usable again once freed.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { initBackend, tf, WASM_HEAP_MAX_BYTES, WasmHeapExhaustedError } from './index';

interface Heap {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
  wasm: { HEAPU8: Uint8Array };
}

const GB = 2 ** 30;

describe('wasm heap guard', () => {
  let backend: Heap;
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', threads: 1 });
    backend = tf.backend() as unknown as Heap;
  });

  it('throws WasmHeapExhaustedError where malloc fails, and the heap stays sound', () => {
    // Two 2,304 MB tensors cannot both fit under the 4 GiB ceiling (allocating them touches no pages: no RSS).
    const elements = 576 * 2 ** 20;
    const first = backend.makeOutput([elements], 'float32');
    const held = tf.memory().numBytes;
    let thrown: unknown;
    try {
      backend.makeOutput([elements], 'float32');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(WasmHeapExhaustedError);
    const e = thrown as WasmHeapExhaustedError;
    expect(e.requestedBytes).toBe(elements * 4);
    expect(e.heapBytes).toBe(backend.wasm.HEAPU8.buffer.byteLength);
    expect(e.heapBytes).toBeGreaterThan(2.25 * GB);
    expect(e.heapBytes).toBeLessThanOrEqual(WASM_HEAP_MAX_BYTES);
    expect(e.tensorBytes).toBe(held);
    expect(e.message).toMatch(/^wasm heap exhausted: a tensor of 2,304 MB could not be allocated \(heap [\d,]+ MB of its 4,096 MB wasm32 limit, [\d,]+ MB held by tensors/);
    expect(e.message).toMatch(/gradient checkpointing/);
    backend.disposeData(first.dataId, true);
    // Freed memory is reused, and kernels still compute on the heap.
    const again = backend.makeOutput([elements], 'float32');
    backend.disposeData(again.dataId, true);
    const y = tf.tidy(() => tf.add(tf.tensor1d([1, 2, 3]), tf.tensor1d([10, 20, 30])).arraySync());
    expect(y).toEqual([11, 22, 33]);
  });

  it('refuses a request of 4 GiB or more instead of letting it wrap to a small one', () => {
    expect(() => backend.makeOutput([GB + 16], 'float32')).toThrow(WasmHeapExhaustedError);
    expect(() => backend.makeOutput([GB + 16], 'float32')).toThrow(/a tensor of 4,096 MB could not be allocated/);
  });

  it('is installed once: re-initialising does not wrap malloc twice', async () => {
    const wasm = backend.wasm as unknown as { _malloc: unknown };
    const before = wasm._malloc;
    await initBackend({ backend: 'wasm', threads: 1 });
    expect((tf.backend() as unknown as Heap).wasm).toBe(backend.wasm);
    expect(wasm._malloc).toBe(before);
  });
});
