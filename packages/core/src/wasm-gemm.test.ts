// The in-place product a W (wasm-gemm.ts) against a float64 product computed here and against tfjs' matMul: every
// row-group tail (1-4 rows and beyond), contraction lengths that end inside a block and that span several blocks,
// column counts of one and many blocks of 8, operands that are views into tensors allocated next to others, a heap
// that grows between calls. It has no gradient, leaks nothing, and says when it does not apply.
import { lcgValues, maxRel } from './__fixtures__/values';
import { gemmAW, gemmAWSupported, gemmWeightSupported, initBackend, tf } from './index';
import { wasmApi } from './wasm-encoder';
import { gemmModuleBytes } from './wasm-gemm';

/** a W in float64 for a [M, K], W [K, N]. */
function reference(a: Float32Array, w: Float32Array, M: number, K: number, N: number): Float64Array {
  const y = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let k = 0; k < K; k++) {
      const x = a[m * K + k];
      for (let n = 0; n < N; n++) y[m * N + n] += x * w[k * N + n];
    }
  }
  return y;
}

describe('in-place product a W (wasm)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', threads: 1 });
  });

  it('is a valid WebAssembly module', () => {
    expect(wasmApi.validate(gemmModuleBytes())).toBe(true);
  });

  it('equals the float64 product and tf.matMul for every row tail, within and across blocks of W', () => {
    // [M, K, N]: blocks of W are 256 kB, so K = 9000 at N = 8 (8,192 rows a block) and K = 200 at N = 1,024 (64)
    // cross block boundaries with a partial last block.
    const shapes: Array<[number, number, number]> = [
      [1, 1, 8],
      [2, 3, 8],
      [3, 17, 16],
      [4, 64, 24],
      [5, 9000, 8],
      [7, 200, 1024],
      [9, 131, 40],
      [27, 515, 896],
    ];
    for (const [M, K, N] of shapes) {
      const av = lcgValues(M * K, M * 31 + K);
      const wv = lcgValues(K * N, N * 7 + K);
      const a = tf.tensor2d(av, [M, K]);
      const w = tf.tensor2d(wv, [K, N]);
      const got = gemmAW(a, w);
      expect(got.shape).toEqual([M, N]);
      const mm = tf.matMul(a, w);
      const y = got.dataSync();
      expect(maxRel(y, reference(av, wv, M, K, N))).toBeLessThan(1e-5 * Math.sqrt(K));
      expect(maxRel(y, mm.dataSync())).toBeLessThan(1e-5 * Math.sqrt(K));
      tf.dispose([a, w, got, mm]);
    }
  });

  it('reads views of tensors allocated around others, and keeps working after the heap grows', () => {
    const [M, K, N] = [6, 300, 32];
    const pad = tf.zeros([7]);
    const a = tf.tensor2d(lcgValues(M * K, 3), [M, K]);
    const w = tf.tensor2d(lcgValues(K * N, 4), [K, N]);
    const before = gemmAW(a, w).dataSync().slice();
    const big = tf.zeros([64 << 20]); // 256 MB: the heap grows (its buffer is replaced)
    const after = gemmAW(a, w).dataSync();
    expect(Array.from(after)).toEqual(Array.from(before));
    expect(maxRel(after, reference(a.dataSync() as Float32Array, w.dataSync() as Float32Array, M, K, N))).toBeLessThan(1e-4);
    tf.dispose([pad, a, w, big]);
  });

  it('allocates only its output, and has no gradient', () => {
    const a = tf.tensor2d(lcgValues(8, 5), [2, 4]);
    const w = tf.tensor2d(lcgValues(32, 6), [4, 8]);
    const n0 = tf.memory().numTensors;
    const y = gemmAW(a, w);
    expect(tf.memory().numTensors).toBe(n0 + 1);
    y.dispose();
    expect(() => tf.grad((x: tf.Tensor) => tf.sum(gemmAW(x as tf.Tensor2D, w)))(a)).toThrow();
    tf.dispose([a, w]);
  });

  it('says where it does not apply: columns not a multiple of 8, other dtypes, mismatched shapes, other backends', () => {
    tf.tidy(() => notApplicable());
  });

  function notApplicable(): void {
    const a = tf.zeros([2, 4]);
    expect(gemmAWSupported(a, tf.zeros([4, 8]))).toBe(true);
    expect(gemmWeightSupported(tf.zeros([4, 12]))).toBe(false);
    expect(gemmAWSupported(a, tf.zeros([5, 8]))).toBe(false);
    expect(gemmAWSupported(tf.zeros([2, 4], 'int32'), tf.zeros([4, 8]))).toBe(false);
    expect(gemmWeightSupported(tf.zeros([4, 8], 'int32'))).toBe(false);
    expect(gemmWeightSupported(tf.zeros([2, 4, 8]))).toBe(false);
    expect(() => gemmAW(a as tf.Tensor2D, tf.zeros([4, 12]))).toThrow(/unsupported shapes a \[2,4\] w \[4,12\]/);
  }

  it('applies only on wasm', async () => {
    await initBackend({ backend: 'cpu' });
    try {
      expect(gemmWeightSupported(tf.zeros([4, 8]))).toBe(false);
    } finally {
      await initBackend({ backend: 'wasm', threads: 1 });
    }
  });
});
