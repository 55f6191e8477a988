// Per-sample advantages from per-sample rewards and group ids (one group = the G samples of one prompt).
// All statistics are computed in float64; the result is float32, ready for a tensor.
import { EmaBaseline } from './ema-baseline';
import { PGOptionError, PGShapeError, PGValueError } from './errors';
import { checkBoolean, checkEnum, checkNumber } from './validate';

/** Advantage estimators. */
export type AdvantageEstimator = 'grpo' | 'rloo' | 'ema' | 'none';

/** Where GRPO takes the std it divides by: per group (original GRPO), the whole batch, or nowhere (Dr. GRPO). */
export type StdScaling = 'group' | 'batch' | 'none';

/** Options of {@link computeAdvantages}. */
export interface AdvantageOptions {
  /**
   * - `grpo`: A = (r - mean_g) / (std_g + eps) within each group (Shao et al. 2024, TRL GRPOTrainer).
   * - `rloo`: A_i = r_i - mean_{j != i} r_j, leave-one-out baseline within the group (Ahmadian et al. 2024).
   * - `ema`: A = r - b with b a moving average of batch-mean rewards across steps (needs `ema`). For G = 1.
   * - `none`: A = r (plain REINFORCE without baseline).
   */
  estimator: AdvantageEstimator;
  /**
   * GRPO only (ignored by other estimators): divide by the std. `true` or `'group'` (default): per-group std;
   * `'batch'`: the std of all graded rewards in the batch (TRL scale_rewards="batch"); `false` or `'none'`:
   * no division, A = r - mean_g (Dr. GRPO, Liu et al. 2025).
   */
  scaleByStd?: boolean | StdScaling;
  /** GRPO only: added to the std before dividing. Default 1e-4 (TRL). */
  eps?: number;
  /**
   * Delta degrees of freedom of the std: 1 (default) is the unbiased sample std, sqrt(sum (r - mean)^2 / (n - 1)),
   * as torch.std in TRL; 0 is the population std. Also used for the `rewardStd` and `advantageStd` reported.
   */
  stdDdof?: 0 | 1;
  /** Required for `ema`: the baseline carried across steps. It is read, then updated (see {@link EmaBaseline}). */
  ema?: EmaBaseline;
}

/** Result of {@link computeAdvantages}. Arrays have one entry per sample, in input order. */
export interface AdvantageResult {
  /** A per sample; exactly 0 for dropped (ungraded) samples and for samples of degenerate groups. */
  advantages: Float32Array;
  /** 1 for samples that take part in the update, 0 for dropped ones (NaN/null reward: the teacher failed to grade). */
  sampleMask: Float32Array;
  /** Samples dropped because their reward is NaN or null. */
  droppedSamples: number;
  /** Distinct group ids. */
  numGroups: number;
  /**
   * Groups whose graded rewards are all equal or that have exactly one graded sample (grpo, rloo). Their samples
   * get advantage 0 and stay in the batch (they still carry the KL term). Always 0 for `ema` and `none`.
   */
  degenerateGroups: number;
  /** Graded samples that belong to degenerate groups. */
  degenerateSamples: number;
  /** Groups with no graded sample at all (all their samples are dropped; not counted as degenerate). */
  emptyGroups: number;
  /** Mean of the graded rewards (NaN when none is graded). */
  rewardMean: number;
  /** Std of the graded rewards with `stdDdof` (0 when fewer than 2). */
  rewardStd: number;
  /** Mean of the kept samples' advantages (0 when none). */
  advantageMean: number;
  /** Std of the kept samples' advantages with `stdDdof` (0 when fewer than 2). */
  advantageStd: number;
  /** `ema` only: the baseline subtracted this step (before the update). */
  baseline?: number;
}

/**
 * Computes per-sample advantages.
 *
 * @param rewards one reward per sample; NaN or null marks a sample the teacher failed to grade: it is excluded from
 *   every statistic, gets advantage 0 and sampleMask 0, and is counted in `droppedSamples`. Infinite rewards throw.
 * @param groupIds one id per sample (number or string); samples with the same id form a group (one prompt).
 * @throws PGShapeError when the lengths differ; PGValueError for an infinite reward or a bad group id;
 *   PGOptionError for a bad option (or `ema` estimator without `ema`).
 */
export function computeAdvantages(
  rewards: ArrayLike<number | null>,
  groupIds: ArrayLike<number | string>,
  options: AdvantageOptions,
): AdvantageResult {
  const estimator = checkEnum('estimator', options?.estimator, ['grpo', 'rloo', 'ema', 'none'] as const);
  const eps = checkNumber('eps', options.eps ?? 1e-4, { min: 0 });
  const ddof = options.stdDdof ?? 1;
  if (ddof !== 0 && ddof !== 1) throw new PGOptionError('stdDdof', '0 or 1', ddof);
  const scaling = parseScaling(options.scaleByStd);
  if (estimator === 'ema' && !(options.ema instanceof EmaBaseline)) {
    throw new PGOptionError(
      'ema',
      'an EmaBaseline instance for estimator "ema"',
      options.ema,
      'Create one with new EmaBaseline({ decay }) and pass the same instance every step',
    );
  }

  const n = rewards.length;
  if (groupIds.length !== n) {
    throw new PGShapeError('groupIds', [n], [groupIds.length], 'Give one group id per reward');
  }

  // Validate and collect graded rewards.
  const r = new Float64Array(n);
  const keep = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = rewards[i];
    if (v === null || (typeof v === 'number' && Number.isNaN(v))) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new PGValueError(
        'rewards',
        [i],
        v,
        'a finite number, or NaN/null for an ungraded sample',
        'Rewards must be finite; mark samples the teacher failed to grade with NaN',
      );
    }
    r[i] = v;
    keep[i] = 1;
  }

  // Group membership, in order of first appearance.
  const groups = new Map<number | string, number[]>();
  for (let i = 0; i < n; i++) {
    const g = groupIds[i];
    if (!(typeof g === 'string' || (typeof g === 'number' && Number.isFinite(g)))) {
      throw new PGValueError('groupIds', [i], g, 'a finite number or a string');
    }
    let members = groups.get(g);
    if (!members) groups.set(g, (members = []));
    members.push(i);
  }

  const adv = new Float64Array(n);
  let degenerateGroups = 0;
  let degenerateSamples = 0;
  let emptyGroups = 0;
  const graded: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) graded.push(r[i]);
  const batch = stats(graded, ddof);
  let baseline: number | undefined;

  if (estimator === 'grpo' || estimator === 'rloo') {
    for (const members of groups.values()) {
      const valid = members.filter((i) => keep[i] === 1);
      if (valid.length === 0) {
        emptyGroups++;
        continue;
      }
      const vals = valid.map((i) => r[i]);
      const allEqual = vals.every((v) => v === vals[0]);
      if (valid.length === 1 || allEqual) {
        degenerateGroups++;
        degenerateSamples += valid.length;
        continue; // advantage stays exactly 0
      }
      const g = stats(vals, ddof);
      const m = valid.length;
      for (const i of valid) {
        if (estimator === 'rloo') {
          adv[i] = r[i] - (g.sum - r[i]) / (m - 1);
        } else if (scaling === 'group') {
          adv[i] = (r[i] - g.mean) / (g.std + eps);
        } else if (scaling === 'batch') {
          adv[i] = (r[i] - g.mean) / (batch.std + eps);
        } else {
          adv[i] = r[i] - g.mean;
        }
      }
    }
  } else if (estimator === 'ema') {
    if (graded.length > 0) {
      baseline = (options.ema as EmaBaseline).observe(batch.mean);
      for (let i = 0; i < n; i++) if (keep[i]) adv[i] = r[i] - baseline;
    } else {
      baseline = (options.ema as EmaBaseline).value ?? undefined;
    }
  } else {
    for (let i = 0; i < n; i++) if (keep[i]) adv[i] = r[i];
  }

  const advantages = new Float32Array(n);
  const sampleMask = new Float32Array(n);
  const keptAdv: number[] = [];
  for (let i = 0; i < n; i++) {
    advantages[i] = adv[i];
    sampleMask[i] = keep[i];
    if (keep[i]) keptAdv.push(adv[i]);
  }
  const a = stats(keptAdv, ddof);
  const result: AdvantageResult = {
    advantages,
    sampleMask,
    droppedSamples: n - graded.length,
    numGroups: groups.size,
    degenerateGroups,
    degenerateSamples,
    emptyGroups,
    rewardMean: graded.length > 0 ? batch.mean : NaN,
    rewardStd: batch.std,
    advantageMean: keptAdv.length > 0 ? a.mean : 0,
    advantageStd: a.std,
  };
  if (estimator === 'ema') result.baseline = baseline;
  return result;
}

function parseScaling(v: AdvantageOptions['scaleByStd']): StdScaling {
  if (v === undefined) return 'group';
  if (typeof v === 'boolean') return checkBoolean('scaleByStd', v) ? 'group' : 'none';
  return checkEnum('scaleByStd', v, ['group', 'batch', 'none'] as const);
}

/** Sum, mean and std (with ddof) of a list; std is 0 when there are not more values than ddof. */
function stats(vals: readonly number[], ddof: number): { sum: number; mean: number; std: number } {
  const m = vals.length;
  let sum = 0;
  for (const v of vals) sum += v;
  const mean = m > 0 ? sum / m : 0;
  let ss = 0;
  for (const v of vals) ss += (v - mean) * (v - mean);
  const std = m - ddof > 0 ? Math.sqrt(ss / (m - ddof)) : 0;
  return { sum, mean, std };
}
