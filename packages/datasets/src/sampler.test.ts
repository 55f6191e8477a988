import { mixSeed, Rng } from '@rfai/random';
import { DatasetCursorError } from './errors';
import { DatasetSampler } from './sampler';

const items = Array.from({ length: 10 }, (_, i) => `p${i}`);

describe('DatasetSampler', () => {
  test('each epoch is a permutation, epochs differ, and the same seed gives the same order', () => {
    const a = new DatasetSampler(items, { seed: 3 });
    const b = new DatasetSampler(items, { seed: 3 });
    const c = new DatasetSampler(items, { seed: 4 });
    const e0 = a.nextBatch(10);
    const e1 = a.nextBatch(10);
    expect([...e0].sort()).toEqual([...items].sort());
    expect([...e1].sort()).toEqual([...items].sort());
    expect(e0).not.toEqual(e1);
    expect(b.nextBatch(20)).toEqual([...e0, ...e1]);
    expect(c.nextBatch(10)).not.toEqual(e0);
  });

  test('the epoch order is a Fisher-Yates shuffle driven by new Rng(mixSeed(seed, epoch))', () => {
    const rng = new Rng(mixSeed(9, 2));
    const expected = items.map((_, i) => i);
    for (let i = expected.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [expected[i], expected[j]] = [expected[j], expected[i]];
    }
    expect(new DatasetSampler(items, { seed: 9 }).order(2)).toEqual(expected);
  });

  test('a batch crossing the end of an epoch continues with the next epoch', () => {
    const s = new DatasetSampler(items, { seed: 1 });
    const batch1 = s.nextBatch(7);
    const batch2 = s.nextBatch(7);
    expect(s.getCursor()).toEqual({ epoch: 1, position: 4, seed: 1, size: 10 });
    const order0 = s.order(0).map((i) => items[i]);
    const order1 = s.order(1).map((i) => items[i]);
    expect([...batch1, ...batch2]).toEqual([...order0, ...order1.slice(0, 4)]);
  });

  test('resuming from a saved JSON cursor gives the same order as an uninterrupted run', () => {
    const sizes = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
    const whole = new DatasetSampler(items, { seed: 77 });
    const uninterrupted = sizes.map((n) => whole.nextBatch(n));
    for (let cut = 1; cut < sizes.length; cut++) {
      const first = new DatasetSampler(items, { seed: 77 });
      const got = sizes.slice(0, cut).map((n) => first.nextBatch(n));
      const saved = JSON.parse(JSON.stringify(first.getCursor()));
      const resumed = DatasetSampler.fromCursor(items, saved);
      got.push(...sizes.slice(cut).map((n) => resumed.nextBatch(n)));
      expect(got).toEqual(uninterrupted);
    }
  });

  test('over many epochs every item lands in every position about equally often', () => {
    const s = new DatasetSampler(items, { seed: 5 });
    const counts = items.map(() => new Array(items.length).fill(0));
    const epochs = 2000;
    for (let e = 0; e < epochs; e++) s.order(e).forEach((item, pos) => counts[item][pos]++);
    // Expected 200 per cell; a binomial(2000, 0.1) stays within 200 +- 60 (> 4.7 sigma).
    for (const row of counts) for (const c of row) expect(Math.abs(c - epochs / items.length)).toBeLessThan(60);
  });

  test('shuffle: false hands items out in file order every epoch', () => {
    const s = new DatasetSampler(items, { shuffle: false });
    expect(s.nextBatch(12)).toEqual([...items, 'p0', 'p1']);
  });

  test('bad arguments and cursors are rejected with the reason', () => {
    expect(() => new DatasetSampler([])).toThrow(new DatasetCursorError('DatasetSampler needs at least one item; the dataset is empty (check the file and the languages filter)'));
    expect(() => new DatasetSampler(items, { seed: 1.5 })).toThrow('sampler seed must be a safe integer, got 1.5');
    const s = new DatasetSampler(items, { seed: 2 });
    expect(() => s.nextBatch(0)).toThrow('batch size must be a positive integer, got 0');
    expect(() => s.setCursor({ epoch: 0, position: 0, seed: 3 })).toThrow(
      'sampler cursor was saved with seed 3 but this sampler uses seed 2; resume with the same data seed',
    );
    expect(() => s.setCursor({ epoch: 0, position: 0, seed: 2, size: 11 })).toThrow(
      'sampler cursor was saved for 11 items but the dataset now has 10; resume with the same dataset file, languages and max samples',
    );
    expect(() => s.setCursor({ epoch: -1, position: 0, seed: 2 })).toThrow('sampler cursor epoch must be a non-negative integer, got -1');
    expect(() => s.setCursor({ epoch: 0, position: 11, seed: 2 })).toThrow('sampler cursor position must be an integer in [0, 10], got 11');
    expect(() => s.setCursor(null as never)).toThrow('sampler cursor must be an object {epoch, position, seed}, got null');
    // A cursor at the end of an epoch is valid and moves on to the next epoch.
    s.setCursor({ epoch: 0, position: 10, seed: 2 });
    s.nextBatch(1);
    expect(s.getCursor()).toEqual({ epoch: 1, position: 1, seed: 2, size: 10 });
  });
});
