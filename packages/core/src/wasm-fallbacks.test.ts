import { tf, initBackend, WASM_FALLBACK_KERNELS } from './index';
import { CPU_KERNEL_OVERRIDES, nativeWasmGather, ROWS_PRODUCT_MAX_DEPTH, setRowsProducts, transposeCacheStats, unsortedSegmentSumKernel } from './wasm-fallbacks';
import { heapRowOps } from './wasm-rows';

// Runs fn on cpu and on wasm and returns both results as plain arrays.
async function onBoth(fn: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: number[][]; wasm: number[][] }> {
  const run = () =>
    tf.tidy(() => {
      const out = fn();
      return (Array.isArray(out) ? out : [out]).map((t) => Array.from(t.dataSync()));
    });
  await initBackend({ backend: 'cpu' });
  const cpu = run();
  await initBackend({ backend: 'wasm', log: () => undefined });
  const wasm = run();
  await initBackend({ backend: 'cpu' });
  return { cpu, wasm };
}

describe('wasm fallback kernels', () => {
  it('registers every fallback for wasm, and tfjs-backend-wasm lacks each of them natively', () => {
    for (const name of Object.keys(WASM_FALLBACK_KERNELS)) expect(tf.getKernel(name, 'wasm')).toBeDefined();
    expect(Object.keys(WASM_FALLBACK_KERNELS)).toContain('UnsortedSegmentSum');
  });

  it('UnsortedSegmentSum: equal on wasm and cpu, and equal to a sum written here', async () => {
    const xv = [1.5, -2, 3, 4.25, 5, 6, -7, 8, 9.5, 10, 11, 12];
    const ids = [2, 0, 2, 1, 0, 2];
    const { cpu, wasm } = await onBoth(() => tf.unsortedSegmentSum(tf.tensor2d(xv, [6, 2]), tf.tensor1d(ids, 'int32'), 4));
    const expected = new Array(8).fill(0);
    ids.forEach((s, i) => {
      expected[s * 2] += xv[i * 2];
      expected[s * 2 + 1] += xv[i * 2 + 1];
    });
    expect(wasm[0]).toEqual(expected);
    expect(cpu[0]).toEqual(expected);
  });

  it('UnsortedSegmentSum: out-of-range ids are dropped as on cpu', async () => {
    const { cpu, wasm } = await onBoth(() =>
      tf.unsortedSegmentSum(tf.range(0, 12).reshape([6, 2]), tf.tensor1d([0, 5, 1, -1, 0, 1], 'int32'), 3),
    );
    expect(wasm[0]).toEqual(cpu[0]);
    expect(wasm[0]).toEqual([0 + 8, 1 + 9, 4 + 10, 5 + 11, 0, 0]);
  });

  it('UnsortedSegmentSum: 2-D segment ids index the first two dimensions (wasm)', async () => {
    // The expectation written out here (tfjs' own cpu kernel, replaced now, mis-broadcast ids of rank > 1).
    await initBackend({ backend: 'wasm', log: () => undefined });
    const out = tf.tidy(() =>
      Array.from(
        tf
          .unsortedSegmentSum(tf.range(0, 24).reshape([2, 3, 4]), tf.tensor2d([[0, 1, 0], [2, 1, -1]], [2, 3], 'int32') as unknown as tf.Tensor1D, 3)
          .dataSync(),
      ),
    );
    await initBackend({ backend: 'cpu' });
    expect(out).toEqual([0 + 8, 1 + 9, 2 + 10, 3 + 11, 4 + 16, 5 + 17, 6 + 18, 7 + 19, 12, 13, 14, 15]);
  });

  it('UnsortedSegmentSum on cpu is the JavaScript kernel: 200 rows into 151,936 segments (tfjs\' took minutes)', async () => {
    expect(Object.keys(CPU_KERNEL_OVERRIDES)).toEqual(['UnsortedSegmentSum']);
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu')?.kernelFunc).toBe(unsortedSegmentSumKernel);
    await initBackend({ backend: 'cpu' });
    const V = 151936;
    const ids = Array.from({ length: 200 }, (_, i) => (i * 7919) % 1000 * 151); // repeats: 200 rows on fewer segments
    const x = Float32Array.from({ length: 200 * 8 }, (_, i) => Math.sin(i) * 4);
    const out = tf.tidy(() => tf.unsortedSegmentSum(tf.tensor2d(x, [200, 8]), tf.tensor1d(ids, 'int32'), V).dataSync());
    expect(out.length).toBe(V * 8);
    const expected = new Map<number, number[]>();
    ids.forEach((s, i) => {
      const row = expected.get(s) ?? new Array<number>(8).fill(0);
      for (let j = 0; j < 8; j++) row[j] += x[i * 8 + j];
      expected.set(s, row);
    });
    let nonzero = 0;
    for (let s = 0; s < V; s++) {
      const want = expected.get(s);
      for (let j = 0; j < 8; j++) {
        if (want) expect(out[s * 8 + j]).toBe(Math.fround(want[j]));
        else if (out[s * 8 + j] !== 0) nonzero++;
      }
    }
    expect(nonzero).toBe(0);
  });

  it('gather gradient (embedding backward) is equal on wasm and cpu', async () => {
    const { cpu, wasm } = await onBoth(() => {
      const table = tf.tensor2d(Array.from({ length: 15 }, (_, i) => Math.sin(i)), [5, 3]);
      const idx = tf.tensor2d([[1, 4, 1], [0, 1, 3]], [2, 3], 'int32');
      const w = tf.tensor3d(Array.from({ length: 18 }, (_, i) => Math.cos(i)), [2, 3, 3]);
      return tf.grad((t: tf.Tensor) => tf.gather(t, idx).mul(w).sum())(table);
    });
    expect(wasm[0]).toEqual(cpu[0]);
    expect(wasm[0].length).toBe(15);
    expect(wasm[0].slice(6, 9)).toEqual([0, 0, 0]); // row 2 is never gathered
  });

  it('Einsum is equal on wasm and cpu', async () => {
    const { cpu, wasm } = await onBoth(() =>
      tf.einsum('bij,bjk->bik', tf.range(0, 12).reshape([2, 2, 3]), tf.range(0, 12).reshape([2, 3, 2]).div(7)),
    );
    expect(wasm[0]).toEqual(cpu[0]);
    expect(wasm[0][0]).toBeCloseTo((0 * 0 + 1 * 2 + 2 * 4) / 7, 6);
  });

  it('convolution backprops are equal on wasm and cpu', async () => {
    const { cpu, wasm } = await onBoth(() => {
      const x = tf.range(0, 2 * 5 * 5 * 2).reshape([2, 5, 5, 2]).div(50) as tf.Tensor4D;
      const f = tf.range(0, 3 * 3 * 2 * 3).reshape([3, 3, 2, 3]).div(20).sub(1) as tf.Tensor4D;
      const df = tf.range(0, 3 * 3 * 2 * 1).reshape([3, 3, 2, 1]).div(9) as tf.Tensor4D;
      const [gx, gf] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same').square().sum())([x, f]);
      const [dgx, dgf] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'valid').sum())([x, df]);
      return [gx, gf, dgx, dgf];
    });
    for (let i = 0; i < 4; i++) {
      expect(wasm[i].length).toBe(cpu[i].length);
      wasm[i].forEach((v, j) => expect(v).toBeCloseTo(cpu[i][j], 3));
    }
  });

  it.each([
    ['[8,5,3]x[8,3,4]', [8, 5, 3], [8, 3, 4], false, false],
    ['[8,5,3]x[8,4,3] transposeB', [8, 5, 3], [8, 4, 3], false, true],
    ['[8,3,5]x[8,3,4] transposeA', [8, 3, 5], [8, 3, 4], true, false],
    ['[2,3,3,5]x[2,3,4,3] both transposed, 4-D', [2, 3, 3, 5], [2, 3, 4, 3], true, true],
    ['[1,5,3]x[6,3,4] broadcast a', [1, 5, 3], [6, 3, 4], false, false],
    ['[6,5,3]x[4,3] broadcast b (rank 2)', [6, 5, 3], [4, 3], false, true],
    ['[7,3]x[5,3] 2-D transposeB', [7, 3], [5, 3], false, true],
    ['[3,7]x[3,5] 2-D transposeA', [3, 7], [3, 5], true, false],
    ['[1,1,5,3]x[6,4,3] broadcast ranks', [1, 1, 5, 3], [6, 4, 3], false, true],
    ['[6,5,3]x[3,4] shared b, one product of 30 rows', [6, 5, 3], [3, 4], false, false],
    ['[2,3,5,3]x[1,3,4] shared b, 4-D', [2, 3, 5, 3], [1, 3, 4], false, false],
    ['[2,3,5,3]x[4,3] shared transposed b, 4-D', [2, 3, 5, 3], [4, 3], false, true],
    ['[5,3]x[2,1,3,4] b with more batch dims', [5, 3], [2, 1, 3, 4], false, false],
  ] as const)('BatchMatMul override %s equals cpu, with the same shape', async (_name, sa, sb, ta, tb) => {
    const shapes: number[][] = [];
    const { cpu, wasm } = await onBoth(() => {
      const y = tf.matMul(tf.sin(tf.range(0, (sa as readonly number[]).reduce((x, y) => x * y, 1)).reshape(sa as unknown as number[])), tf.cos(tf.range(0, (sb as readonly number[]).reduce((x, y) => x * y, 1)).reshape(sb as unknown as number[])), ta, tb);
      shapes.push(y.shape);
      return y;
    });
    expect(shapes[1]).toEqual(shapes[0]);
    expect(wasm[0].length).toBe(cpu[0].length);
    wasm[0].forEach((v, i) => expect(Math.abs(v - cpu[0][i])).toBeLessThan(1e-5));
  });

  it('transposes a weight once, reuses it, and frees the copy with the weight', async () => {
    await initBackend({ backend: 'wasm', log: () => undefined });
    const backend = tf.engine().backend as unknown as { numDataIds(): number };
    const idsBefore = backend.numDataIds();
    const init = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const w = tf.variable(init, true, 'cache.test.w'); // [out 2, in 3]
    init.dispose();
    const x = tf.tensor2d([[1, 0, -1], [2, 1, 0]]);
    const run = () => tf.tidy(() => Array.from(tf.matMul(x, w, false, true).dataSync()));
    expect(run()).toEqual([1 - 3, 4 - 6, 2 + 2, 8 + 5]);
    expect(transposeCacheStats()).toEqual({ entries: 1, bytes: 4 * 6 });
    expect(run()).toEqual([-2, -2, 4, 13]);
    expect(transposeCacheStats().entries).toBe(1);
    const next = tf.tensor2d([[0, 1, 0], [1, 0, 0]]);
    w.assign(next); // new data: new dataId; the old data and its transposed copy are freed
    next.dispose();
    expect(transposeCacheStats().entries).toBe(0);
    expect(run()).toEqual([0, 1, 1, 2]);
    expect(transposeCacheStats().entries).toBe(1);
    w.dispose();
    x.dispose();
    expect(transposeCacheStats()).toEqual({ entries: 0, bytes: 0 });
    expect(backend.numDataIds()).toBe(idsBefore);
    await initBackend({ backend: 'cpu' });
  });

  it('Transpose of a large matrix (the SIMD and blocked overrides) equals the cpu kernel; other transposes too', async () => {
    // Wide and large enough for the override (odd sizes: partial blocks), with leading axes of size 1, a tall one
    // and a rank-3 permutation (the native kernel).
    const cases: Array<{ shape: number[]; perm: number[] }> = [
      { shape: [37, 2051], perm: [1, 0] },
      { shape: [1, 45, 1601], perm: [0, 2, 1] },
      { shape: [2051, 37], perm: [1, 0] },
      { shape: [3, 40, 700], perm: [0, 2, 1] },
      { shape: [5, 7], perm: [1, 0] },
      // sides multiples of 4: the wasm SIMD tiles (wide, tall, a leading axis of size 1, a partial column block)
      { shape: [36, 2052], perm: [1, 0] },
      { shape: [2052, 36], perm: [1, 0] },
      { shape: [1, 44, 1600], perm: [0, 2, 1] },
      { shape: [64, 1028], perm: [1, 0] },
      { shape: [1028, 64], perm: [1, 0] },
    ];
    for (const { shape, perm } of cases) {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: n }, (_, i) => (i * 7919) % 1000 - 500.25);
      const { cpu, wasm } = await onBoth(() => tf.transpose(tf.tensor(data, shape), perm));
      expect(wasm[0]).toEqual(cpu[0]);
    }
  });

  it('GatherV2 (the slice-copy override) equals tfjs-backend-wasm\'s own kernel and the cpu kernel, bit for bit', async () => {
    // Long slices (subarray copies) and short ones (element loop), every axis, batchDims, int32, repeated ids.
    const cases: Array<{ shape: number[]; ids: number[][] | number[]; axis: number; batchDims?: number; dtype?: 'int32' }> = [
      { shape: [2, 105, 32], ids: [0, 1, 1, 0, 1], axis: 0 },
      { shape: [259, 128], ids: [5, 258, 0, 5, 77], axis: 0 },
      { shape: [7, 3], ids: [6, 0, 2], axis: 0 },
      { shape: [4, 9, 5], ids: [8, 0, 3, 3], axis: 1 },
      { shape: [4, 9, 5], ids: [4, 1], axis: 2 },
      { shape: [3, 6, 20], ids: [[5, 0], [1, 1], [2, 4]], axis: 1, batchDims: 1 },
      { shape: [6, 40], ids: [[1, 5], [0, 3]], axis: 0 },
      { shape: [10, 17], ids: [9, 2, 2], axis: 0, dtype: 'int32' },
    ];
    await initBackend({ backend: 'wasm', log: () => undefined });
    expect(nativeWasmGather).not.toBeNull();
    const nativeOf = (x: tf.Tensor, idx: tf.Tensor, axis: number, batchDims: number) => {
      const info = nativeWasmGather!.kernelFunc({ inputs: { x, indices: idx }, backend: tf.backend(), attrs: { axis, batchDims } }) as tf.TensorInfo;
      return Array.from(tf.engine().makeTensorFromTensorInfo(info).dataSync());
    };
    for (const c of cases) {
      const n = c.shape.reduce((a, b) => a * b, 1);
      const data = c.dtype === 'int32' ? Int32Array.from({ length: n }, (_, i) => i * 31 - 700) : Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 1e3 + i / 7);
      const run = () => {
        let r: { shape: number[]; values: number[]; native: number[] | null } | null = null;
        tf.tidy(() => {
          const x = tf.tensor(data, c.shape, c.dtype ?? 'float32');
          const idx = tf.tensor(c.ids, undefined, 'int32');
          const ours = tf.gather(x, idx, c.axis, c.batchDims ?? 0);
          r = { shape: ours.shape, values: Array.from(ours.dataSync()), native: tf.getBackend() === 'wasm' ? nativeOf(x, idx, c.axis, c.batchDims ?? 0) : null };
        });
        return r!;
      };
      await initBackend({ backend: 'wasm', log: () => undefined });
      const wasm = run();
      await initBackend({ backend: 'cpu' });
      const cpu = run();
      expect(wasm.values).toEqual(cpu.values);
      // tfjs-backend-wasm 4.22's own kernel gets batchDims > 0 wrong (checked against the cpu kernel and by hand);
      // the override follows the cpu kernel there.
      if ((c.batchDims ?? 0) === 0) expect(wasm.values).toEqual(wasm.native);
      expect(wasm.shape).toEqual(cpu.shape);
    }
    // batchDims 1 written out: row b of [[5, 0], [1, 1], [2, 4]] picks positions of x[b] ([3, 6, 2] = 0..35).
    await initBackend({ backend: 'wasm', log: () => undefined });
    const byHand = tf.tidy(() => Array.from(tf.gather(tf.range(0, 36).reshape([3, 6, 2]), tf.tensor2d([[5, 0], [1, 1], [2, 4]], [3, 2], 'int32'), 1, 1).dataSync()));
    expect(byHand).toEqual([10, 11, 0, 1, 14, 15, 14, 15, 28, 29, 32, 33]);
    expect(() => tf.tidy(() => tf.gather(tf.ones([3, 4]), tf.tensor1d([1, 3], 'int32')))).toThrow('GatherV2: the index value 3 is not in [0, 2]');
    await initBackend({ backend: 'cpu' });
  });

  it('batched products row by row (attention shapes) equal the XNNPACK split bit for bit, and the cpu kernel', async () => {
    // [a shape, b shape]: equal batches, a batch-1 side on either side (broadcast), k = 1, n not a multiple of 4
    // (the tiny preset's 163 keys; 1-3 columns), and a shape that keeps the split (an inner dimension longer than
    // ROWS_PRODUCT_MAX_DEPTH).
    const cases: Array<[number[], number[]]> = [
      [[8, 13, 32], [8, 32, 24]],
      [[2, 3, 7, 12], [2, 3, 12, 20]],
      [[5, 9, 16], [1, 16, 8]],
      [[1, 9, 16], [5, 16, 8]],
      [[4, 6, 1], [4, 1, 12]],
      [[3, 5, 8], [3, 8, 6]],
      [[4, 11, 32], [4, 32, 163]],
      [[4, 7, 163], [4, 163, 3]],
      [[2, 5, 9], [2, 9, 1]],
      [[2, 5, 9], [2, 9, 2]],
      [[2, 3, ROWS_PRODUCT_MAX_DEPTH + 1], [2, ROWS_PRODUCT_MAX_DEPTH + 1, 4]],
    ];
    for (const [sa, sb] of cases) {
      const n = (s: number[]) => s.reduce((x, y) => x * y, 1);
      const av = Float32Array.from({ length: n(sa) }, (_, i) => Math.sin(i * 0.37) * 3);
      const bv = Float32Array.from({ length: n(sb) }, (_, i) => Math.cos(i * 0.11) * 2);
      const product = () => tf.matMul(tf.tensor(av, sa), tf.tensor(bv, sb));
      const { cpu } = await onBoth(product);
      await initBackend({ backend: 'wasm', log: () => undefined });
      // Count the row operations the product makes.
      const ops = heapRowOps(tf.backend())!;
      const weightedSum = ops.weightedSum;
      let rows = 0;
      ops.weightedSum = (...args) => {
        rows++;
        weightedSum(...args);
      };
      const byRows = tf.tidy(() => Array.from(product().dataSync()));
      ops.weightedSum = weightedSum;
      const was = setRowsProducts(false);
      const split = tf.tidy(() => Array.from(product().dataSync()));
      setRowsProducts(was);
      await initBackend({ backend: 'cpu' });
      const viaRows = sa[sa.length - 1] <= ROWS_PRODUCT_MAX_DEPTH;
      expect(rows).toBe(viaRows ? Math.max(n(sa.slice(0, -2)), n(sb.slice(0, -2))) * sa[sa.length - 2] : 0);
      expect(byRows).toEqual(split);
      const wasm = [byRows];
      for (let i = 0; i < cpu[0].length; i++) expect(Math.abs(wasm[0][i] - cpu[0][i])).toBeLessThan(1e-4);
    }
  });

  it('Slice and SplitV (the run-copy overrides) equal the cpu kernels for boxes of every rank, float32 and int32', async () => {
    const cases: Array<{ shape: number[]; begin: number[]; size: number[] }> = [
      { shape: [16, 63, 4, 32], begin: [0, 0, 0, 16], size: [-1, -1, -1, 16] }, // RoPE's second half
      { shape: [16, 63, 4, 32], begin: [0, 0, 0, 0], size: [16, 63, 4, 16] },
      { shape: [32, 168, 32], begin: [0, 105, 0], size: [32, 63, 32] },
      { shape: [5, 7, 3], begin: [1, 2, 0], size: [3, 4, 3] },
      { shape: [5, 7, 3], begin: [4, 6, 2], size: [1, 1, 1] },
      { shape: [2, 3, 4, 5, 6], begin: [1, 0, 2, 1, 3], size: [1, 3, 2, 4, 2] },
      { shape: [40], begin: [7], size: [20] },
      { shape: [6, 50], begin: [0, 0], size: [6, 50] },
      { shape: [6, 50], begin: [2, 0], size: [0, 50] },
    ];
    for (const dtype of ['float32', 'int32'] as const) {
      for (const c of cases) {
        const n = c.shape.reduce((a, b) => a * b, 1);
        const data = dtype === 'int32' ? Int32Array.from({ length: n }, (_, i) => i * 3 - 50) : Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 100);
        const { cpu, wasm } = await onBoth(() => tf.slice(tf.tensor(data, c.shape, dtype), c.begin, c.size));
        expect(wasm[0]).toEqual(cpu[0]);
      }
      const splits: Array<{ shape: number[]; sizes: number | number[]; axis: number }> = [
        { shape: [32, 168, 32], sizes: [105, 63], axis: 1 },
        { shape: [16, 63, 4, 32], sizes: 2, axis: 3 },
        { shape: [6, 9], sizes: [2, 0, 3, 4], axis: 1 },
        { shape: [6, 9], sizes: [4, 2], axis: 0 },
      ];
      for (const c of splits) {
        const n = c.shape.reduce((a, b) => a * b, 1);
        const data = dtype === 'int32' ? Int32Array.from({ length: n }, (_, i) => i - 9) : Float32Array.from({ length: n }, (_, i) => Math.cos(i) * 10);
        const { cpu, wasm } = await onBoth(() => tf.split(tf.tensor(data, c.shape, dtype), c.sizes, c.axis));
        expect(wasm).toEqual(cpu);
      }
    }
    await initBackend({ backend: 'wasm', log: () => undefined });
    expect(() => tf.tidy(() => tf.slice(tf.ones([3, 4]), [1, 2], [3, 1]))).toThrow();
    await initBackend({ backend: 'cpu' });
  });

  it('frees every tensor a fallback creates', async () => {
    await initBackend({ backend: 'wasm', log: () => undefined });
    const before = tf.memory().numTensors;
    const beforeData = (tf.engine().backend as unknown as { numDataIds(): number }).numDataIds();
    tf.tidy(() => tf.unsortedSegmentSum(tf.ones([4, 2]), tf.tensor1d([0, 1, 0, 1], 'int32'), 2).dataSync());
    tf.tidy(() => tf.einsum('ij,jk->ik', tf.ones([2, 3]), tf.ones([3, 2])).dataSync());
    tf.tidy(() => tf.matMul(tf.ones([4, 2, 3]), tf.ones([4, 5, 3]), false, true).dataSync());
    tf.tidy(() => tf.matMul(tf.ones([4, 2, 3]), tf.ones([3, 5])).dataSync());
    tf.tidy(() => tf.transpose(tf.ones([30, 3000])).dataSync());
    tf.tidy(() => tf.gather(tf.ones([5, 40]), tf.tensor1d([4, 0, 4], 'int32')).dataSync());
    tf.tidy(() => tf.matMul(tf.ones([4, 3, 8]), tf.ones([4, 8, 12])).dataSync());
    tf.tidy(() => tf.slice(tf.ones([4, 6, 8]), [1, 1, 2], [2, 3, 4]).dataSync());
    tf.tidy(() => tf.split(tf.ones([4, 6, 8]), [2, 4], 1).map((t) => t.dataSync()));
    expect(tf.memory().numTensors).toBe(before);
    expect((tf.engine().backend as unknown as { numDataIds(): number }).numDataIds()).toBe(beforeData);
    await initBackend({ backend: 'cpu' });
  });
});
