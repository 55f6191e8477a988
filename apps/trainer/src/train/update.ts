/**
 * The policy update of one RFAI step (docs/ARCHITECTURE.md, "The RFAI step", 5-6):
 * reference log-probs (no grad), then `update_epochs` passes of gradient
 * accumulation over micro-batches, global-norm clipping and one optimizer
 * step per pass.
 *
 * Letters: N samples of the step, M samples of a micro-batch, C completion
 * positions of a micro-batch.
 */
import { tf } from '@rfai/core';
import { packSequences, tokenLogProbs, tokenLogProbsNoGrad, type CausalLM, type PackedBatch } from '@rfai/models';
import { policyLoss, type PolicyLossMetrics } from '@rfai/policy-gradient-kl';
import type { RfaiConfig } from '@rfai/config';
import type { Optimizer } from './optimizer';

/** The samples of one step, ready for the update. */
export interface UpdateBatch {
  promptIds: number[][];
  /** Completion ids (with the EOS id when the sample ended on it). */
  completionIds: number[][];
  /** Per-sample advantages (0 for dropped samples). */
  advantages: Float32Array;
  /** 1: the sample takes part; 0: dropped (the teacher failed to grade it). */
  sampleMask: Float32Array;
  /** Completions that hit max_new_tokens. */
  truncated: boolean[];
}

/** Metrics of the update, averaged over micro-batches by their token counts. */
export interface UpdateMetrics {
  loss: number;
  policy_loss: number;
  kl: number;
  kl_max: number;
  entropy: number;
  clip_fraction: number;
  approx_kl: number;
  grad_norm: number;
  tokens: number;
  dropped_samples: number;
  skipped_updates: number;
  nonfinite_params: string[];
}

export interface UpdateContext {
  policy: CausalLM;
  /** Runs `fn` with the frozen reference model (the base with adapters disabled under LoRA). */
  withReference<T>(fn: (ref: CausalLM) => T): T;
  optimizer: Optimizer;
  lr: number;
  klCoef: number;
  padId: number;
  cfg: RfaiConfig;
  /** When given, milliseconds spent in each part of the update are added to it (benchmarks). */
  timings?: UpdateTimings;
}

/** Wall milliseconds of the parts of one update (accumulated when passed in UpdateContext.timings). */
export interface UpdateTimings {
  /** Reference log-probs (no grad) and, with several epochs, log pi_old. */
  scoring_ms: number;
  /** Forward + backward passes of the policy loss. */
  backward_ms: number;
  /** Gradient clipping and the optimizer step. */
  optimizer_ms: number;
  /** Called once the reference log-probs are computed (progress and memory reports). */
  onReference?: () => void;
}

/** Splits 0..n-1 into `parts` contiguous ranges of equal size (the config checks divisibility). */
export function microBatches(n: number, parts: number): Array<[number, number]> {
  const size = Math.ceil(n / parts);
  const out: Array<[number, number]> = [];
  for (let s = 0; s < n; s += size) out.push([s, Math.min(n, s + size)]);
  return out;
}

/** Adds micro-batch gradients `g` to the running sums (disposing both inputs); the first call just takes `g`. */
export function accumulate(accum: tf.Tensor[] | null, g: tf.Tensor[]): tf.Tensor[] {
  if (accum === null) return g;
  const next = accum.map((a, i) => tf.add(a, g[i]));
  accum.forEach((t) => t.dispose());
  g.forEach((t) => t.dispose());
  return next;
}

/** The whole step's loss denominator, so micro-batch losses add up to the full-batch loss. */
export function stepNormalizer(batch: UpdateBatch, cfg: RfaiConfig): number {
  const agg = cfg.rfai.loss_aggregation;
  const kept = batch.completionIds.map(
    (c, i) => batch.sampleMask[i] === 1 && !(cfg.rfai.mask_truncated && batch.truncated[i]) && c.length > 0,
  );
  if (agg === 'token-mean') return Math.max(1, batch.completionIds.reduce((s, c, i) => s + (kept[i] ? c.length : 0), 0));
  if (agg === 'sequence-mean') return Math.max(1, kept.filter(Boolean).length);
  return batch.completionIds.length * cfg.rfai.max_new_tokens;
}

interface Micro {
  /** Sample indices of the step in this micro-batch (non-empty completions only). */
  rows: number[];
  packed: PackedBatch;
  ref: tf.Tensor2D | null;
  old: tf.Tensor2D | null;
}

/**
 * Runs the update. Rows with an empty completion carry no token and are left
 * out of packing. Disposes every tensor it creates.
 */
export function policyUpdate(ctx: UpdateContext, batch: UpdateBatch): UpdateMetrics {
  const { cfg } = ctx;
  const n = batch.completionIds.length;
  const normalizer = stepNormalizer(batch, cfg);
  const micros: Micro[] = [];
  if (!batch.sampleMask.some((m) => m > 0)) {
    // Nothing was graded: no gradient, and AdamW's momentum must not move the weights either.
    return { loss: 0, policy_loss: 0, kl: 0, kl_max: 0, entropy: 0, clip_fraction: 0, approx_kl: 0, grad_norm: 0, tokens: 0, dropped_samples: n, skipped_updates: 1, nonfinite_params: [] };
  }
  const clock = ctx.timings ? () => performance.now() : () => 0;
  let t0 = clock();
  for (const [s, e] of microBatches(n, cfg.training.gradient_accumulation_steps)) {
    const rows: number[] = [];
    for (let i = s; i < e; i++) if (batch.completionIds[i].length > 0) rows.push(i);
    if (rows.length === 0) continue;
    const packed = packSequences(
      rows.map((i) => batch.promptIds[i]),
      rows.map((i) => batch.completionIds[i]),
      ctx.padId,
    );
    // The reference log-probs are needed for the KL term and, with any kl_coef, for the logged KL.
    const ref = ctx.withReference((m) => tokenLogProbsNoGrad(m, packed));
    ref.mask.dispose();
    micros.push({ rows, packed, ref: ref.logprobs, old: null });
  }
  // With several epochs, pi_old is the policy before the first one (PPO); with one, rho = 1.
  if (cfg.rfai.update_epochs > 1) {
    for (const m of micros) {
      const r = tokenLogProbsNoGrad(ctx.policy, m.packed);
      r.mask.dispose();
      m.old = r.logprobs;
    }
  }
  if (ctx.timings) {
    ctx.timings.scoring_ms += clock() - t0;
    ctx.timings.onReference?.();
  }

  const totals = { loss: 0, policy_loss: 0, kl: 0, kl_max: 0, entropy: 0, clip: 0, approx_kl: 0, tokens: 0, grad_norm: 0 };
  let skipped = 0;
  let dropped = 0;
  const nonfinite: string[] = [];
  const vars = ctx.policy.trainableParams();
  const varList = [...vars.values()];
  const names = [...vars.keys()];
  try {
    for (let epoch = 0; epoch < cfg.rfai.update_epochs; epoch++) {
      let accum: tf.Tensor[] | null = null;
      t0 = clock();
      for (const m of micros) {
        const rows = m.rows;
        let metrics: PolicyLossMetrics | null = null;
        ctx.policy.training = true;
        const { value, grads } = tf.variableGrads(() => {
          const lp = tokenLogProbs(ctx.policy, m.packed, { entropy: true });
          const r = policyLoss({
            logprobs: lp.logprobs,
            oldLogprobs: m.old ?? undefined,
            refLogprobs: m.ref ?? undefined,
            advantages: rows.map((i) => batch.advantages[i]),
            mask: lp.mask,
            sampleMask: rows.map((i) => batch.sampleMask[i]),
            truncated: rows.map((i) => batch.truncated[i]),
            maskTruncatedCompletions: cfg.rfai.mask_truncated,
            clipEpsilon: cfg.rfai.clip_epsilon,
            klCoef: cfg.rfai.kl_placement === 'loss' ? ctx.klCoef : 0,
            klEstimator: cfg.rfai.kl_estimator,
            klPlacement: cfg.rfai.kl_placement,
            entropy: lp.entropy,
            entropyCoef: cfg.rfai.entropy_coef,
            aggregation: cfg.rfai.loss_aggregation,
            normalizer,
          });
          metrics = r.metrics;
          return r.loss;
        }, varList);
        ctx.policy.training = false;
        value.dispose();
        accum = accumulate(accum, varList.map((v) => grads[v.name]));
        const mm = metrics as PolicyLossMetrics | null;
        if (mm && epoch === cfg.rfai.update_epochs - 1) {
          const w = mm.num_tokens;
          totals.tokens += w;
          totals.loss += mm.loss; // micro losses already share the step normaliser: they add up
          totals.policy_loss += mm.policy_loss;
          totals.kl += (mm.kl_mean ?? 0) * w;
          totals.kl_max = Math.max(totals.kl_max, mm.kl_max ?? 0);
          totals.entropy += (mm.entropy_mean ?? 0) * w;
          totals.clip += mm.clip_fraction * w;
          totals.approx_kl += mm.approx_kl * w;
          dropped += mm.dropped_samples;
        }
      }
      if (ctx.timings) ctx.timings.backward_ms += clock() - t0;
      if (accum === null) break;
      t0 = clock();
      const gradMap = new Map<string, tf.Tensor>(names.map((k, i) => [k, accum![i]]));
      const step = ctx.optimizer.applyGradients(gradMap, ctx.lr, cfg.training.max_grad_norm);
      accum.forEach((t) => t.dispose());
      if (step.skipped) {
        skipped++;
        nonfinite.push(...step.nonFinite);
      }
      if (epoch === cfg.rfai.update_epochs - 1) totals.grad_norm = step.gradNorm;
      if (ctx.timings) ctx.timings.optimizer_ms += clock() - t0;
    }
  } finally {
    ctx.policy.training = false;
    for (const m of micros) {
      m.ref?.dispose();
      m.old?.dispose();
    }
  }
  const t = Math.max(totals.tokens, 1);
  return {
    loss: totals.loss,
    policy_loss: totals.policy_loss,
    kl: totals.kl / t,
    kl_max: totals.kl_max,
    entropy: totals.entropy / t,
    clip_fraction: totals.clip / t,
    approx_kl: totals.approx_kl / t,
    grad_norm: totals.grad_norm,
    tokens: totals.tokens,
    dropped_samples: dropped,
    skipped_updates: skipped,
    nonfinite_params: nonfinite,
  };
}
