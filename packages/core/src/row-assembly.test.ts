// RowAssembler: blocks written in any order give exactly tf.concat's tensor, on cpu and on wasm; the result is
// allocated once and each block can be freed as soon as it is written (peak: result + one block); misuse is refused
// with the rows named; a disposed assembler frees its partial result.
import { lcgValues } from './__fixtures__/values';
import { CoreError, initBackend, RowAssembler, tf } from './index';

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`RowAssembler (${backend})`, () => {
    beforeAll(async () => {
      await initBackend({ backend, threads: 1 });
    });

    it('equals tf.concat of the blocks, written out of order, and holds one block beside the result', () => {
      const cols = 24;
      const sizes = [5, 1, 7, 3];
      const blocks = sizes.map((m, i) => tf.tensor2d(lcgValues(m * cols, 11 + i), [m, cols]));
      const expected = tf.concat(blocks, 0);
      const want = expected.dataSync().slice();
      expected.dispose();
      const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
      const rows = starts[3] + sizes[3];
      const before = tf.memory().numBytes;
      const a = new RowAssembler(rows, cols);
      for (const i of [2, 0, 3, 1]) {
        a.write(starts[i], blocks[i]);
        blocks[i].dispose();
        // Only the blocks not yet written are held (the result is counted once it is finished).
        const left = [2, 0, 3, 1].slice([2, 0, 3, 1].indexOf(i) + 1).reduce((s, j) => s + sizes[j] * cols * 4, 0);
        expect(tf.memory().numBytes).toBe(before - sizes.reduce((s, m) => s + m * cols * 4, 0) + left);
      }
      const out = a.finish();
      expect(out.shape).toEqual([rows, cols]);
      expect(out.dtype).toBe('float32');
      expect(Array.from(out.dataSync())).toEqual(Array.from(want));
      expect(tf.memory().numBytes).toBe(before - sizes.reduce((s, m) => s + m * cols * 4, 0) + rows * cols * 4);
      out.dispose();
    });

    it('refuses a missing, repeated or misplaced row, and a block of the wrong width', () => {
      const a = new RowAssembler(4, 8);
      const two = tf.ones([2, 8]);
      a.write(0, two);
      expect(() => a.write(1, two)).toThrow(/row 1 was already written/);
      expect(() => a.write(3, two)).toThrow(/rows 3\.\.4 fall outside 0\.\.3/);
      const narrow = tf.ones([2, 7]);
      expect(() => a.write(2, narrow)).toThrow(/expected a float32 \[m, 8\] block, got float32 \[2,7\]/);
      narrow.dispose();
      expect(() => a.finish()).toThrow(CoreError);
      expect(() => a.finish()).toThrow(/2 of 4 rows were never written \(the first: row 2\)/);
      a.write(2, two);
      const out = a.finish();
      expect(Array.from(out.dataSync())).toEqual(new Array(32).fill(1));
      expect(() => a.write(0, two)).toThrow(/already finished/);
      tf.dispose([out, two]);
      expect(() => new RowAssembler(0, 3)).toThrow(/positive integers, got \[0, 3\]/);
    });

    it('frees its partial result when disposed', () => {
      const start = tf.memory();
      const heapBefore = backend === 'wasm' ? (tf.backend() as unknown as { numDataIds(): number }).numDataIds() : 0;
      const a = new RowAssembler(1000, 64);
      const block = tf.ones([10, 64]);
      a.write(0, block);
      block.dispose();
      a.dispose();
      a.dispose();
      expect(tf.memory().numTensors).toBe(start.numTensors);
      if (backend === 'wasm') expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(heapBefore);
    });
  });
}
