/** The figures the trainer records per step: one warm-up step, one RFAI step. */

/** One step of the supervised warm-up. */
export interface SftRecord {
  sft_step: number;
  loss: number;
  tokens: number;
  lr: number;
  grad_norm: number;
  seconds: number;
}

/** One step's logged figures. */
export interface StepRecord {
  step: number;
  epoch: number;
  reward_mean: number;
  reward_std: number;
  score_mean: number;
  kl: number;
  kl_max: number;
  kl_coef: number;
  loss: number;
  policy_loss: number;
  entropy: number;
  clip_fraction: number;
  approx_kl: number;
  lr: number;
  grad_norm: number;
  samples: number;
  graded: number;
  teacher_failures: number;
  degenerate_groups: number;
  completion_tokens_mean: number;
  truncated_fraction: number;
  tokens_per_s: number;
  samples_per_s: number;
  step_seconds: number;
  teacher_latency_ms: number;
  teacher_cost_usd: number;
  skipped_update: boolean;
}

/** The best eval pass so far (by mean score). */
export interface BestEval {
  step: number;
  score: number;
}
