import type { RfaiConfig } from '@rfai/config';

/** What the reward of one sample depends on. */
export interface RewardInput {
  /** Teacher score in [0, 1], or null when the teacher failed to grade it (then the reward is NaN: dropped, never invented). */
  score: number | null;
  /** Reference solution's score for relative rewards (teacher.use_reference), or null. */
  referenceScore?: number | null;
  /** True when the sample's hidden tests ran and every one passed (teacher execution); absent: unknown (no bonus). */
  allTestsPassed?: boolean;
  /** Completion length in tokens. */
  completionTokens: number;
  /** True when the completion hit max_new_tokens without EOS or a stop string. */
  truncated: boolean;
}

/**
 * Reward of each sample (docs/ARCHITECTURE.md, "The RFAI step", 3):
 * r = (reward_weight * (score - reference_score?) + pass_reward * [all tests passed] - length penalty - truncation penalty) / beta.
 * Ungraded samples get NaN, which the advantage computation drops and counts.
 */
export function computeRewards(samples: readonly RewardInput[], cfg: RfaiConfig['rfai'], useReference: boolean): number[] {
  const half = cfg.max_new_tokens / 2;
  return samples.map((s) => {
    if (s.score === null || !Number.isFinite(s.score)) return Number.NaN;
    let r = s.score;
    if (useReference) {
      if (s.referenceScore === null || s.referenceScore === undefined || !Number.isFinite(s.referenceScore)) return Number.NaN;
      r -= s.referenceScore;
    }
    r *= cfg.reward_weight;
    if (cfg.pass_reward > 0 && s.allTestsPassed === true) r += cfg.pass_reward;
    if (cfg.length_penalty > 0) r -= (cfg.length_penalty * Math.max(0, s.completionTokens - half)) / cfg.max_new_tokens;
    if (cfg.truncation_penalty > 0 && s.truncated) r -= cfg.truncation_penalty;
    return r / cfg.beta;
  });
}

/** Mean and (population) standard deviation of the finite values; NaN when there are none. */
export function finiteStats(values: readonly number[]): { mean: number; std: number; count: number; min: number; max: number } {
  const xs = values.filter((v) => Number.isFinite(v));
  if (xs.length === 0) return { mean: Number.NaN, std: Number.NaN, count: 0, min: Number.NaN, max: Number.NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) * (b - mean), 0) / xs.length;
  return { mean, std: Math.sqrt(variance), count: xs.length, min: Math.min(...xs), max: Math.max(...xs) };
}
