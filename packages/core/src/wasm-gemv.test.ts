// The few-rows kernel (wasm-gemv.ts) against a float64 product computed here and against tfjs' matMul (XNNPACK):
// every row count it takes, row lengths that are and are not its tiling's multiples, both tilings (x in L1 or not),
// weight row counts that leave every tail, inputs that are views into larger tensors' neighbours on the heap, and a heap that grows between
// calls. It has no gradient (inference only), and it leaks nothing.
import { lcgValues, maxRel } from './__fixtures__/values';
import { FEW_ROWS_MAX, fewRowsSupported, fewRowsXWt, initBackend, tf } from './index';
import { wasmApi } from './wasm-encoder';
import { fewRowsModuleBytes } from './wasm-gemv';

/** x W^T in float64 for x [M, K], W [N, K]. */
function reference(x: Float32Array, w: Float32Array, M: number, N: number, K: number): Float64Array {
  const y = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += x[m * K + k] * w[n * K + k];
      y[m * N + n] = s;
    }
  }
  return y;
}

describe('few-rows kernel (wasm)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', threads: 1 });
  });

  it('is a valid WebAssembly module for the row lengths it takes, and rejects others', () => {
    for (const K of [8, 16, 896, 4864]) expect(wasmApi.validate(fewRowsModuleBytes(K))).toBe(true);
    expect(() => fewRowsModuleBytes(12)).toThrow(/multiple of 8/);
  });

  it('equals the float64 product and tf.matMul for every row count, with every row tail', () => {
    const shapes: Array<[number, number]> = [
      [1, 8],
      [2, 8],
      [3, 16],
      [5, 24],
      [7, 40],
      [8, 64],
      [33, 96],
      [130, 200],
      // x larger than X_IN_L1_BYTES from 2 rows on (several weight rows a turn), with every tail of 4 and 2.
      [7, 2056],
      [6, 4104],
    ];
    let seed = 1;
    for (const [N, K] of shapes) {
      const wv = lcgValues(N * K, seed++);
      const w = tf.tensor2d(wv, [N, K]);
      for (let M = 1; M <= FEW_ROWS_MAX; M++) {
        const xv = lcgValues(M * K, seed++);
        const x = tf.tensor2d(xv, [M, K]);
        expect(fewRowsSupported(x, w)).toBe(true);
        const y = fewRowsXWt(x, w);
        expect(y.shape).toEqual([M, N]);
        const got = y.dataSync();
        // float32 sums: their rounding grows with the row length (about as its square root).
        const scale = Math.max(1, Math.sqrt(K / 200));
        expect(maxRel(got, reference(xv, wv, M, N, K))).toBeLessThan(4e-6 * scale);
        const cpu = tf.tidy(() => {
          const xc = tf.tensor2d(xv, [M, K]);
          const wc = tf.tensor2d(wv, [N, K]);
          return tf.matMul(xc, wc, false, true);
        });
        expect(maxRel(got, cpu.dataSync())).toBeLessThan(5e-6 * scale);
        tf.dispose([x, y, cpu]);
      }
      w.dispose();
    }
  });

  it('reads tensors wherever they sit on the heap, including after the heap grew', () => {
    const K = 32;
    const N = 9;
    const wv = lcgValues(N * K, 11);
    const xv = lcgValues(2 * K, 12);
    const w = tf.tensor2d(wv, [N, K]);
    const x = tf.tensor2d(xv, [2, K]);
    const expected = reference(xv, wv, 2, N, K);
    const before = fewRowsXWt(x, w);
    // Grow the wasm heap (new pages after the instance was made) and run again on new tensors too.
    const heapBytes = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
    const start = heapBytes();
    const big: tf.Tensor[] = [];
    while (heapBytes() === start && big.length < 16) big.push(tf.zeros([16 * 2 ** 20]));
    expect(heapBytes()).toBeGreaterThan(start);
    const w2 = tf.add(w, tf.zerosLike(w)) as tf.Tensor2D;
    const after = fewRowsXWt(x, w2);
    expect(maxRel(before.dataSync(), expected)).toBeLessThan(4e-6);
    expect(maxRel(after.dataSync(), expected)).toBeLessThan(4e-6);
    tf.dispose([w, x, before, ...big, w2, after]);
  });

  it('is not taken where it does not apply, and leaks no tensors', () => {
    const w = tf.ones([4, 16]);
    expect(fewRowsSupported(tf.ones([FEW_ROWS_MAX + 1, 16]), w)).toBe(false);
    expect(fewRowsSupported(tf.ones([2, 12]), tf.ones([4, 12]))).toBe(false); // K not a multiple of 8
    expect(fewRowsSupported(tf.ones([2, 16], 'int32'), w)).toBe(false);
    expect(fewRowsSupported(tf.ones([2, 8]), w)).toBe(false); // K mismatch
    const n0 = tf.memory().numTensors;
    tf.tidy(() => {
      fewRowsXWt(tf.ones([2, 16]) as tf.Tensor2D, w).dataSync();
    });
    expect(tf.memory().numTensors).toBe(n0);
  });
});
