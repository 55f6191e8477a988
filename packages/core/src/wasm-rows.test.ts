import { initBackend, tf } from './index';
import { heapRowOps } from './wasm-rows';
import { wasmApi } from './wasm-encoder';
import { rowsModuleBytes } from './wasm-rows';

/** Seeded values in [-2, 2). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 4 - 2;
  });
}

describe('wasm SIMD row operations (dots, weighted sums)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: () => undefined });
  });
  afterAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('is a valid module', () => {
    expect(wasmApi.validate(rowsModuleBytes())).toBe(true);
  });

  it.each([4, 8, 12, 32, 36, 64, 128])('row length %i: dots and weighted sums equal float64 sums', (D) => {
    const ops = heapRowOps(tf.backend());
    expect(ops).not.toBeNull();
    const S = 37;
    const backend = tf.backend() as unknown as { typedArrayFromHeap(t: tf.TensorInfo): Float32Array };
    const qv = values(D, D);
    const kv = values(S * D, D + 1);
    const pv = values(S, D + 2);
    tf.tidy(() => {
      const q = tf.tensor1d(qv);
      const k = tf.tensor2d(kv, [S, D]);
      const p = tf.tensor1d(pv);
      // Outputs padded on both sides by a sentinel: nothing outside the range may be written.
      const out = tf.fill([S + 8], 7.25);
      const ws = tf.fill([D + 8], 7.25);
      const at = (t: tf.Tensor) => backend.typedArrayFromHeap(t as unknown as tf.TensorInfo).byteOffset;
      ops!.dots(at(q), at(k), at(out) + 16, S, 4 * D);
      ops!.weightedSum(at(p), at(k), at(ws) + 16, S, 4 * D);
      const o = out.dataSync();
      const w = ws.dataSync();
      for (const x of [...o.slice(0, 4), ...o.slice(S + 4), ...w.slice(0, 4), ...w.slice(D + 4)]) expect(x).toBe(7.25);
      for (let s = 0; s < S; s++) {
        let dot = 0;
        for (let d = 0; d < D; d++) dot += qv[d] * kv[s * D + d];
        expect(Math.abs(o[4 + s] - dot)).toBeLessThan(1e-5 * Math.max(1, Math.abs(dot)) * Math.sqrt(D));
      }
      for (let d = 0; d < D; d++) {
        let sum = 0;
        for (let s = 0; s < S; s++) sum += pv[s] * kv[s * D + d];
        expect(Math.abs(w[4 + d] - sum)).toBeLessThan(2e-5 * Math.max(1, Math.abs(sum)));
      }
    });
  });

  it.each([1, 2, 3, 5, 7, 9, 13, 163])('weighted sums of rows %i floats long (not all a multiple of 4) sum each column in row order', (D) => {
    const ops = heapRowOps(tf.backend())!;
    const S = 19;
    const backend = tf.backend() as unknown as { typedArrayFromHeap(t: tf.TensorInfo): Float32Array };
    const vv = values(S * D, D + 5);
    const pv = values(S, D + 6);
    tf.tidy(() => {
      const v = tf.tensor2d(vv, [S, D]);
      const p = tf.tensor1d(pv);
      const ws = tf.fill([D + 8], 7.25);
      const at = (t: tf.Tensor) => backend.typedArrayFromHeap(t as unknown as tf.TensorInfo).byteOffset;
      ops.weightedSum(at(p), at(v), at(ws) + 16, S, 4 * D);
      const w = ws.dataSync();
      for (const x of [...w.slice(0, 4), ...w.slice(D + 4)]) expect(x).toBe(7.25);
      for (let d = 0; d < D; d++) {
        // float32 multiply and add in row order, as the kernel (and XNNPACK) does: the same bits.
        let sum = 0;
        for (let s = 0; s < S; s++) sum = Math.fround(sum + Math.fround(pv[s] * vv[s * D + d]));
        expect(w[4 + d]).toBe(sum);
      }
    });
  });

  it('S = 0 writes nothing; another backend has none', async () => {
    const ops = heapRowOps(tf.backend())!;
    const backend = tf.backend() as unknown as { typedArrayFromHeap(t: tf.TensorInfo): Float32Array };
    tf.tidy(() => {
      const out = tf.fill([8], 3);
      const ptr = backend.typedArrayFromHeap(out as unknown as tf.TensorInfo).byteOffset;
      ops.dots(ptr, ptr, ptr, 0, 16);
      ops.weightedSum(ptr, ptr, ptr, 0, 16);
      expect(Array.from(out.dataSync())).toEqual(new Array(8).fill(3));
    });
    await initBackend({ backend: 'cpu' });
    expect(heapRowOps(tf.backend())).toBeNull();
    await initBackend({ backend: 'wasm', log: () => undefined });
  });
});
