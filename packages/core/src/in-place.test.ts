// In-place additions into an owned wasm tensor: the same float32 sums as tf.add (bit for bit), nothing written into
// a tensor whose data another tensor shares (a clone, a reshape), and nothing at all off wasm.
import { lcgValues } from './__fixtures__/values';
import { addIntoOwned, addRowsIntoOwned, initBackend, tf } from './index';

describe('in-place additions (wasm)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', threads: 1 });
  });

  it('adds into an owned tensor exactly as tf.add does, with no allocation', () => {
    const a = tf.tensor2d(lcgValues(6 * 40, 3), [6, 40]);
    const addend = lcgValues(6 * 40, 4);
    const expected = tf.tidy(() => tf.add(a, tf.tensor2d(addend, [6, 40])).dataSync().slice());
    const target = tf.mul(a, 1); // fresh: only `target` holds its data
    const before = tf.memory();
    expect(addIntoOwned(target, addend)).toBe(true);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(Array.from(target.dataSync())).toEqual(Array.from(expected));
    tf.dispose([a, target]);
  });

  it('leaves a tensor whose data is shared untouched, and refuses a wrong size', () => {
    const target = tf.add(tf.ones([4, 8]), 0);
    const clone = target.clone();
    const reshaped = tf.reshape(target, [32]);
    expect(addIntoOwned(target, new Float32Array(32).fill(5))).toBe(false);
    expect(addIntoOwned(reshaped, new Float32Array(32).fill(5))).toBe(false);
    // A clone on wasm is a copy of its own (written or not, the source must not change).
    addIntoOwned(clone, new Float32Array(32).fill(5));
    expect(Array.from(target.dataSync())).toEqual(new Array(32).fill(1));
    expect(Array.from(reshaped.dataSync())).toEqual(new Array(32).fill(1));
    expect(() => addIntoOwned(target, new Float32Array(31))).toThrow(/the addend has 31 elements, the target \[4,8\] 32/);
    tf.dispose([target, clone, reshaped]);
  });

  it('adds rows by id (repeated ids in order) as the segment sum would, into an owned tensor', () => {
    const V = 50;
    const E = 16;
    const ids = Int32Array.from([3, 7, 3, 49, 0, 7, 3]);
    const base = tf.tensor2d(lcgValues(V * E, 8), [V, E]);
    const rows = tf.tensor2d(lcgValues(ids.length * E, 9), [ids.length, E]);
    // Reference: the same float32 additions, one row at a time in order.
    const want = base.dataSync().slice();
    const r = rows.dataSync();
    ids.forEach((id, i) => {
      for (let j = 0; j < E; j++) want[id * E + j] = Math.fround(want[id * E + j] + r[i * E + j]);
    });
    const dense = tf.tidy(() => tf.add(base, tf.unsortedSegmentSum(rows, tf.tensor1d(ids, 'int32'), V)).dataSync().slice());
    const target = tf.mul(base, 1);
    expect(addRowsIntoOwned(target, ids, rows)).toBe(true);
    const got = target.dataSync();
    expect(Array.from(got)).toEqual(Array.from(want));
    for (let k = 0; k < got.length; k++) expect(Math.abs(got[k] - dense[k])).toBeLessThanOrEqual(2e-7 * (1 + Math.abs(dense[k])));
    expect(() => addRowsIntoOwned(target, Int32Array.from([0, 50, 1, 1, 1, 1, 1]), rows)).toThrow(/id 50 at 1 is outside 0\.\.49/);
    expect(() => addRowsIntoOwned(target, Int32Array.from([0]), rows)).toThrow(/expected rows of \[1, 16\]/);
    tf.dispose([base, rows, target]);
  });
});

describe('in-place additions (cpu)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('does nothing and says so', () => {
    const target = tf.add(tf.ones([2, 4]), 0);
    expect(addIntoOwned(target, new Float32Array(8).fill(1))).toBe(false);
    const rows = tf.ones([1, 4]);
    expect(addRowsIntoOwned(target, Int32Array.from([1]), rows)).toBe(false);
    expect(Array.from(target.dataSync())).toEqual(new Array(8).fill(1));
    tf.dispose([target, rows]);
  });
});
