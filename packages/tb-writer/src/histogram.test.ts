import { computeHistogram, DBL_MAX, defaultBucketLimits } from './histogram';
import { TbArgumentError, TbHistogramValueError } from './errors';

describe('defaultBucketLimits', () => {
  const limits = defaultBucketLimits();
  // Positive edges 1e-12 * 1.1^k below 1e20: k < 32 ln10 / ln1.1 = 773.07..., so 774 of them.
  const nPos = Math.ceil((32 * Math.log(10)) / Math.log(1.1));

  it('has 774 positive edges, their negatives, 0 and ±DBL_MAX (1551 in all)', () => {
    expect(nPos).toBe(774);
    expect(limits.length).toBe(2 * (nPos + 1) + 1);
    expect(limits.length).toBe(1551);
    expect(limits[0]).toBe(-DBL_MAX);
    expect(limits[limits.length - 1]).toBe(DBL_MAX);
    expect(limits[775]).toBe(0);
    expect(limits[776]).toBe(1e-12);
    expect(limits[774]).toBe(-1e-12);
  });

  it('grows by 10% per bucket up to just below 1e20, mirrored for negatives', () => {
    for (let i = 777; i < limits.length - 1; i++) expect(limits[i] / limits[i - 1]).toBeCloseTo(1.1, 12);
    const lastFinite = limits[limits.length - 2];
    expect(lastFinite).toBeLessThan(1e20);
    expect(lastFinite * 1.1).toBeGreaterThanOrEqual(1e20);
    // 1e-12 * 1.1^773, accumulated by repeated multiplication as TensorFlow does.
    expect(lastFinite / (1e-12 * 1.1 ** 773)).toBeCloseTo(1, 9);
    for (let i = 0; i < limits.length; i++) expect(limits[i] + limits[limits.length - 1 - i]).toBe(0);
  });
});

describe('computeHistogram', () => {
  const L = [-1, 0, 1, 2, DBL_MAX];

  it('counts each value in the first bucket whose limit exceeds it and collapses empty runs', () => {
    const h = computeHistogram('t', [-5, -0.5, 0.5, 0.5, 3], L);
    expect(h.bucketLimit).toEqual([-1, 0, 1, 2, DBL_MAX]);
    expect(h.bucket).toEqual([1, 1, 2, 0, 1]);
    expect(h).toMatchObject({ min: -5, max: 3, num: 5, sum: -1.5, sumSquares: 25 + 0.25 + 0.25 + 0.25 + 9 });
  });

  it('puts a value equal to a limit in the next bucket (upper bound)', () => {
    const h = computeHistogram('t', [1, 1, 2], L);
    // buckets 0..2 empty -> one entry ending at 1; [1,2) has 2; [2,MAX) has 1.
    expect(h.bucketLimit).toEqual([1, 2, DBL_MAX]);
    expect(h.bucket).toEqual([0, 2, 1]);
  });

  it('matches a brute-force count over the default buckets', () => {
    let s = 7;
    const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    const values = Array.from({ length: 500 }, () => (rand() - 0.3) * 10 ** (rand() * 8 - 4));
    values.push(0, 0, 1e-13, -1e-13, 1e25);
    const limits = Array.from(defaultBucketLimits());
    const counts = new Array(limits.length).fill(0);
    for (const v of values) counts[limits.findIndex((lim) => lim > v)] += 1;
    const h = computeHistogram('t', values);
    // Expand the collapsed form back and compare non-empty buckets.
    const nonEmpty = limits.map((lim, i) => [lim, counts[i]]).filter(([, c]) => c > 0);
    const got = h.bucketLimit.map((lim, i) => [lim, h.bucket[i]]).filter(([, c]) => c > 0);
    expect(got).toEqual(nonEmpty);
    expect(h.bucket.reduce((a, b) => a + b, 0)).toBe(values.length);
    // No two adjacent empty entries (runs are collapsed).
    for (let i = 1; i < h.bucket.length; i++) expect(h.bucket[i] === 0 && h.bucket[i - 1] === 0).toBe(false);
    expect(h.min).toBe(Math.min(...values));
    expect(h.max).toBe(1e25);
    expect(h.sum).toBeCloseTo(values.reduce((a, b) => a + b, 0), 6);
  });

  it('gives TensorFlow\'s empty histogram for no values', () => {
    expect(computeHistogram('t', [])).toEqual({
      min: DBL_MAX,
      max: -DBL_MAX,
      num: 0,
      sum: 0,
      sumSquares: 0,
      bucketLimit: [DBL_MAX],
      bucket: [0],
    });
  });

  it('accepts typed arrays', () => {
    const h = computeHistogram('t', new Float32Array([0.5, 1.5]), L);
    expect(h.bucket).toEqual([0, 1, 1, 0]);
    expect(h.bucketLimit).toEqual([0, 1, 2, DBL_MAX]);
  });

  it('rejects non-finite values naming the tag and index', () => {
    const err = (() => {
      try {
        computeHistogram('train/rewards', [1, 2, NaN]);
      } catch (e) {
        return e as TbHistogramValueError;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(TbHistogramValueError);
    expect(err.message).toBe(
      'histogram "train/rewards" values[2]: expected a finite number, found NaN. Filter non-finite values before logging, or log their count as a scalar.',
    );
    expect(err.index).toBe(2);
    expect(() => computeHistogram('t', [Infinity])).toThrow('values[0]: expected a finite number, found Infinity');
  });

  it('rejects bad bucket limits', () => {
    expect(() => computeHistogram('t', [1], [])).toThrow(new TbArgumentError('bucketLimits', 'at least one edge', 'an empty list'));
    expect(() => computeHistogram('t', [1], [0, 0, DBL_MAX])).toThrow(
      'bucketLimits[1]: expected a value greater than bucketLimits[0] = 0, found 0.',
    );
    expect(() => computeHistogram('t', [1], [0, NaN])).toThrow('bucketLimits[1]: expected a number, found NaN.');
    expect(() => computeHistogram('t', [1], [0, 10])).toThrow(
      'bucketLimits[1]: expected DBL_MAX (Number.MAX_VALUE) as the last edge, so every value has a bucket, found 10.',
    );
  });
});
