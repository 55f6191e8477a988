// Loss aggregation: every option is a weighted sum sum_{i,t} W[i,t] * loss[i,t] with constant weights W built on
// the CPU from the (effective) mask, so the three normalisers are explicit and the gradient is exact.
import { PGOptionError } from './errors';
import { checkEnum, checkNumber } from './validate';

/**
 * How per-token losses become one scalar (N sequences, T completion positions, mask m):
 * - `token-mean`: sum_{i,t} m l / sum_{i,t} m. Every token weighs the same (DAPO; TRL loss_type "dapo"/"bnpo").
 * - `sequence-mean`: mean over sequences with at least one token of (sum_t m l / sum_t m). Every sequence weighs
 *   the same (original GRPO; TRL loss_type "grpo").
 * - `constant`: sum_{i,t} m l / (N * maxCompletionLength). Normaliser independent of lengths (Dr. GRPO; TRL
 *   loss_type "dr_grpo"); N counts every row, dropped samples included.
 */
export type LossAggregation = 'token-mean' | 'sequence-mean' | 'constant';

/** The aggregation names. */
export const LOSS_AGGREGATIONS: readonly LossAggregation[] = ['token-mean', 'sequence-mean', 'constant'];

/** Inputs of {@link aggregationWeights}. */
export interface AggregationSpec {
  aggregation: LossAggregation;
  /** Effective mask [N * T] (row-major), values 0 or 1. */
  mask: Float32Array;
  n: number;
  t: number;
  /** `constant` only: the length normaliser; default T. Must be >= every sequence's token count. */
  maxCompletionLength?: number;
  /**
   * Replaces the denominator: total tokens (token-mean), number of sequences (sequence-mean) or
   * N * maxCompletionLength (constant). For gradient accumulation over micro-batches, pass the whole step's count
   * so that the micro-batch losses add up to the full-batch loss.
   */
  normalizer?: number;
}

/** Weights W [N * T] with loss = sum W * l, and the denominator used. */
export function aggregationWeights(spec: AggregationSpec): { weights: Float32Array; denominator: number } {
  const aggregation = checkEnum('aggregation', spec.aggregation, LOSS_AGGREGATIONS);
  const { mask, n, t } = spec;
  const rowTokens = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < t; j++) rowTokens[i] += mask[i * t + j];
  const normalizer = spec.normalizer === undefined ? undefined : checkNumber('normalizer', spec.normalizer, { min: 0, minOpen: true });
  const weights = new Float32Array(n * t);
  let denominator: number;
  if (aggregation === 'token-mean') {
    const total = rowTokens.reduce((a, b) => a + b, 0);
    denominator = normalizer ?? Math.max(total, 1);
    for (let k = 0; k < n * t; k++) weights[k] = mask[k] / denominator;
  } else if (aggregation === 'sequence-mean') {
    const active = rowTokens.filter((c) => c > 0).length;
    denominator = normalizer ?? Math.max(active, 1);
    for (let i = 0; i < n; i++) {
      if (rowTokens[i] === 0) continue;
      const w = 1 / (rowTokens[i] * denominator);
      for (let j = 0; j < t; j++) weights[i * t + j] = mask[i * t + j] * w;
    }
  } else {
    if (spec.maxCompletionLength !== undefined && normalizer !== undefined) {
      throw new PGOptionError('normalizer', 'not combined with maxCompletionLength', normalizer, 'Give one of the two');
    }
    const maxLen = checkNumber('maxCompletionLength', spec.maxCompletionLength ?? t, { min: 1 });
    const longest = Math.max(0, ...rowTokens);
    if (longest > maxLen) {
      throw new PGOptionError(
        'maxCompletionLength',
        `>= the longest completion in the batch (${longest} tokens)`,
        maxLen,
        'Set it to the generation limit (max_new_tokens)',
      );
    }
    denominator = normalizer ?? n * maxLen;
    for (let k = 0; k < n * t; k++) weights[k] = mask[k] / denominator;
  }
  return { weights, denominator };
}
