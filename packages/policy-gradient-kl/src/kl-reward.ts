// KL placed in the reward (the classic RLHF penalty, Ziegler et al. 2019): each completion token earns
// -kl_coef * KL_t, and the last token also earns the teacher's score. Without a value function or discounting the
// per-sequence return is r - kl_coef * sum_t KL_t, which is what the advantage estimator then sees.
import { tf } from '@rfai/core';
import { PGShapeError, PGValueError } from './errors';
import { type KLEstimator, KL_ESTIMATORS, klValue } from './kl';
import { checkEnum, checkNumber, sameShape } from './validate';

/** Per-sequence log-probs: ragged arrays (one entry per completion token), or [N, T] tensors with a mask. */
export type SequenceLogprobs = ReadonlyArray<ArrayLike<number>> | tf.Tensor2D;

/** Options of {@link klPenalizedRewards}. */
export interface KLRewardOptions {
  /** Per-sequence scalar rewards (teacher scores after shaping). NaN/null (ungraded) passes through as NaN. */
  rewards: ArrayLike<number | null>;
  /** log pi_theta of each completion token (e.g. GenerationResult.logprobs), ragged or [N, T]. */
  logprobs: SequenceLogprobs;
  /** log pi_ref of the same tokens, the same form and lengths as `logprobs`. */
  refLogprobs: SequenceLogprobs;
  /** [N, T], 1 on real completion tokens; required when the log-probs are tensors, not allowed otherwise. */
  mask?: tf.Tensor2D;
  /** Penalty coefficient beta >= 0 (e.g. the KL controller's value). */
  klCoef: number;
  /** Estimator of the per-token KL. Default 'k1' (log pi_theta - log pi_ref, the classic penalty). */
  estimator?: KLEstimator;
}

/** Result of {@link klPenalizedRewards}; plain float64 numbers, no tensors to dispose. */
export interface KLRewardResult {
  /**
   * Per-sequence, per-token rewards: -klCoef * KL_t on every completion token, plus the reward on the last token.
   * Ragged (length = number of completion tokens). An ungraded sample's last token holds NaN; an empty
   * completion has no tokens.
   */
  tokenRewards: number[][];
  /** Per-sequence return: reward - klCoef * sum_t KL_t (NaN for ungraded samples). Feed it to computeAdvantages. */
  returns: number[];
  /** Per-sequence sum of the per-token KL estimates (the KL of the whole completion). */
  klSums: number[];
  /** Mean over all completion tokens of KL_t (0 when there are none). */
  klMean: number;
}

/**
 * Subtracts the KL penalty from the rewards per token (KL placement 'reward').
 *
 * @throws PGShapeError when the number of sequences or the token counts disagree; PGValueError for a
 *   non-finite log-prob on a completion token or an infinite reward; PGOptionError for a bad klCoef/estimator.
 */
export function klPenalizedRewards(options: KLRewardOptions): KLRewardResult {
  const klCoef = checkNumber('klCoef', options.klCoef, { min: 0 });
  const estimator = checkEnum('estimator', options.estimator ?? 'k1', KL_ESTIMATORS);
  const n = options.rewards.length;
  const lp = toRagged('logprobs', options.logprobs, options.mask);
  const lr = toRagged('refLogprobs', options.refLogprobs, options.mask);
  if (lp.length !== n) throw new PGShapeError('logprobs', [n], [lp.length], 'Give one log-prob sequence per reward');
  if (lr.length !== n) throw new PGShapeError('refLogprobs', [n], [lr.length], 'Give one log-prob sequence per reward');

  const tokenRewards: number[][] = [];
  const returns: number[] = [];
  const klSums: number[] = [];
  let klTotal = 0;
  let tokens = 0;
  for (let i = 0; i < n; i++) {
    const rv = options.rewards[i];
    const reward = rv === null || Number.isNaN(rv) ? NaN : rv;
    if (!Number.isNaN(reward) && !Number.isFinite(reward)) {
      throw new PGValueError('rewards', [i], rv, 'a finite number, or NaN/null for an ungraded sample');
    }
    const a = lp[i];
    const b = lr[i];
    if (a.length !== b.length) {
      throw new PGShapeError(`refLogprobs[${i}]`, [a.length], [b.length], 'Each sequence must have as many reference log-probs as policy log-probs');
    }
    const row: number[] = new Array(a.length);
    let sum = 0;
    for (let t = 0; t < a.length; t++) {
      if (!Number.isFinite(a[t])) throw new PGValueError('logprobs', [i, t], a[t], 'a finite log-prob on a completion token');
      if (!Number.isFinite(b[t])) throw new PGValueError('refLogprobs', [i, t], b[t], 'a finite log-prob on a completion token');
      const k = klValue(a[t], b[t], estimator);
      sum += k;
      row[t] = -klCoef * k;
    }
    if (a.length > 0) row[a.length - 1] += reward;
    tokenRewards.push(row);
    klSums.push(sum);
    returns.push(reward - klCoef * sum);
    klTotal += sum;
    tokens += a.length;
  }
  return { tokenRewards, returns, klSums, klMean: tokens > 0 ? klTotal / tokens : 0 };
}

function toRagged(name: string, x: SequenceLogprobs, mask: tf.Tensor2D | undefined): ArrayLike<number>[] {
  if (!(x instanceof tf.Tensor)) {
    if (mask !== undefined) {
      throw new PGShapeError('mask', 'absent for ragged log-prob arrays', mask.shape, 'Pass a mask only with [N, T] tensors');
    }
    return Array.from(x);
  }
  if (x.rank !== 2) throw new PGShapeError(name, '[N, T]', x.shape);
  if (mask === undefined) throw new PGShapeError('mask', x.shape, [], `A mask [N, T] is required when ${name} is a tensor`);
  if (!sameShape(mask.shape, x.shape)) throw new PGShapeError('mask', x.shape, mask.shape);
  const [n, t] = x.shape;
  const v = x.dataSync();
  const m = mask.dataSync();
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < t; j++) if (m[i * t + j] !== 0) row.push(v[i * t + j]);
    out.push(row);
  }
  return out;
}
