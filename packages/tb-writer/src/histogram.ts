// TensorBoard's legacy histogram (tensorflow/core/lib/histogram/histogram.cc):
// default bucket edges and the HistogramProto summary of a batch of values.
import { TbArgumentError, TbHistogramValueError } from './errors';

/** Largest finite double (C's DBL_MAX). */
export const DBL_MAX = Number.MAX_VALUE;

/**
 * The contents of a HistogramProto. Bucket i counts values v with
 * `bucketLimit[i-1] <= v < bucketLimit[i]` (bucket 0: from -DBL_MAX).
 */
export interface HistogramValue {
  min: number;
  max: number;
  /** Number of values. */
  num: number;
  sum: number;
  sumSquares: number;
  /** Right edges of the buckets, increasing. */
  bucketLimit: number[];
  /** Count in each bucket (same length as `bucketLimit`). */
  bucket: number[];
}

let defaultLimits: Float64Array | null = null;

/**
 * TensorFlow's default bucket right edges: -DBL_MAX, the negated positive
 * edges in increasing order, 0, then 1e-12, 1e-12*1.1, ... (each 10% larger,
 * while below 1e20), then DBL_MAX. Computed once; do not mutate.
 */
export function defaultBucketLimits(): Float64Array {
  if (defaultLimits) return defaultLimits;
  const pos: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) pos.push(v);
  pos.push(DBL_MAX);
  const out = new Float64Array(pos.length * 2 + 1);
  for (let i = 0; i < pos.length; i++) {
    out[pos.length - 1 - i] = -pos[i];
    out[pos.length + 1 + i] = pos[i];
  }
  out[pos.length] = 0;
  defaultLimits = out;
  return out;
}

/** First index i with limits[i] > v (std::upper_bound). */
function upperBound(limits: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = limits.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (limits[mid] > v) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Summarises `values` the way TensorFlow's HistogramSummary op does
 * (`Histogram::Add` then `EncodeToProto(preserve_zero_buckets=false)`):
 * each value goes to the first bucket whose limit is greater than it; runs of
 * empty buckets collapse into one entry holding the run's last limit and 0.
 * An empty input gives TensorFlow's empty histogram: min DBL_MAX, max
 * -DBL_MAX, num 0 and one bucket (DBL_MAX, 0).
 *
 * @param tag used in error messages only.
 * @param bucketLimits right edges, strictly increasing, last one DBL_MAX;
 *   default {@link defaultBucketLimits}.
 * @throws TbHistogramValueError on a NaN or infinite value.
 */
export function computeHistogram(
  tag: string,
  values: ArrayLike<number>,
  bucketLimits: ArrayLike<number> = defaultBucketLimits(),
): HistogramValue {
  if (bucketLimits !== defaultLimits) validateLimits(bucketLimits);
  const counts = new Float64Array(bucketLimits.length);
  let min = bucketLimits[bucketLimits.length - 1];
  let max = -DBL_MAX;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new TbHistogramValueError(tag, i, v);
    counts[upperBound(bucketLimits, v)] += 1;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSquares += v * v;
  }
  const bucketLimit: number[] = [];
  const bucket: number[] = [];
  for (let i = 0; i < counts.length; ) {
    let end = bucketLimits[i];
    let count = counts[i];
    i++;
    if (count <= 0) {
      while (i < counts.length && counts[i] <= 0) {
        end = bucketLimits[i];
        count = counts[i];
        i++;
      }
    }
    bucketLimit.push(end);
    bucket.push(count);
  }
  return { min, max, num: values.length, sum, sumSquares, bucketLimit, bucket };
}

function validateLimits(limits: ArrayLike<number>): void {
  if (limits.length === 0) throw new TbArgumentError('bucketLimits', 'at least one edge', 'an empty list');
  for (let i = 0; i < limits.length; i++) {
    const v = limits[i];
    if (Number.isNaN(v)) throw new TbArgumentError(`bucketLimits[${i}]`, 'a number', 'NaN');
    if (i > 0 && !(v > limits[i - 1])) {
      throw new TbArgumentError(`bucketLimits[${i}]`, `a value greater than bucketLimits[${i - 1}] = ${limits[i - 1]}`, String(v));
    }
  }
  const last = limits[limits.length - 1];
  if (last < DBL_MAX) {
    throw new TbArgumentError(
      `bucketLimits[${limits.length - 1}]`,
      'DBL_MAX (Number.MAX_VALUE) as the last edge, so every value has a bucket',
      String(last),
    );
  }
}
