/**
 * The policy update of one RFAI step (docs/ARCHITECTURE.md, "The RFAI step", 5-6):
 * reference log-probs (no grad), then `update_epochs` passes of gradient
 * accumulation over micro-batches, global-norm clipping and one optimizer
 * step per pass. With `rfai.workers` > 1 the samples are cut into shards that
 * worker processes score and differentiate with this process's weights
 * ({@link policyUpdateParallel}, workers.ts); the gradients and statistics of
 * the shards add up to the one-process update's.
 *
 * Letters: N samples of the step, M samples of a micro-batch, C completion
 * positions of a micro-batch.
 */
import { addIntoOwned, tf } from '@rfai/core';
import { packSequences, tokenLogProbs, tokenLogProbsNoGrad, type CausalLM, type PackedBatch } from '@rfai/models';
import { policyLoss, type PolicyLossMetrics } from '@rfai/policy-gradient-kl';
import type { RfaiConfig } from '@rfai/config';
import type { Optimizer } from './optimizer';

/** The samples of one step (or of one shard of it), ready for the update. */
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
  /** Reference log-probs (no grad) and, with several epochs, log pi_old (this process's shard when parallel). */
  scoring_ms: number;
  /** Forward + backward passes of the policy loss (parallel: this process's shard and the wait for the workers'). */
  backward_ms: number;
  /** Gradient clipping and the optimizer step (parallel: and the sum of the shards' gradients). */
  optimizer_ms: number;
  /** Called once the reference log-probs are computed (progress and memory reports). */
  onReference?: () => void;
}

/** The settings a shard's loss needs (plain data: they travel to worker processes). */
export interface ShardOptions {
  /** The WHOLE step's loss denominator (stepNormalizer), so that the shards' losses add up to the step's. */
  normalizer: number;
  /** The KL coefficient of this step (the controller's value). */
  klCoef: number;
  padId: number;
  /** Micro-batches (training.gradient_accumulation_steps), per process when the update is data-parallel. */
  microBatches: number;
  rfai: Pick<
    RfaiConfig['rfai'],
    'update_epochs' | 'mask_truncated' | 'clip_epsilon' | 'kl_placement' | 'kl_estimator' | 'entropy_coef' | 'loss_aggregation'
  >;
}

/**
 * Sums of a shard's last-epoch loss statistics: the losses already share the step's normaliser (they add up), the
 * token means are weighted by token counts (kl, entropy, clip, approx_kl), kl_max is a max.
 */
export interface ShardSums {
  loss: number;
  policy_loss: number;
  kl: number;
  kl_max: number;
  entropy: number;
  clip: number;
  approx_kl: number;
  tokens: number;
  dropped: number;
}

/** A shard's gradients (one per trainable parameter, in `trainableParams()` order; null: no token) and sums. */
export interface ShardResult {
  grads: Float32Array[] | null;
  sums: ShardSums;
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
  // One parameter at a time, freeing both inputs as each sum is made.
  return accum.map((a, i) => {
    const next = tf.add(a, g[i]);
    a.dispose();
    g[i].dispose();
    return next;
  });
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

/** The shard options of this step's update. */
export function shardOptions(ctx: UpdateContext, batch: UpdateBatch): ShardOptions {
  const r = ctx.cfg.rfai;
  return {
    normalizer: stepNormalizer(batch, ctx.cfg),
    klCoef: ctx.klCoef,
    padId: ctx.padId,
    microBatches: ctx.cfg.training.gradient_accumulation_steps,
    rfai: {
      update_epochs: r.update_epochs,
      mask_truncated: r.mask_truncated,
      clip_epsilon: r.clip_epsilon,
      kl_placement: r.kl_placement,
      kl_estimator: r.kl_estimator,
      entropy_coef: r.entropy_coef,
      loss_aggregation: r.loss_aggregation,
    },
  };
}

/** One micro-batch of a shard with its frozen log-probs, kept across update epochs. */
export interface Micro {
  /** Sample indices of the shard in this micro-batch (non-empty completions only). */
  rows: number[];
  packed: PackedBatch;
  ref: tf.Tensor2D | null;
  old: tf.Tensor2D | null;
}

/** Disposes the frozen log-probs of prepared micro-batches. */
export function disposeMicros(micros: readonly Micro[]): void {
  for (const m of micros) {
    m.ref?.dispose();
    m.old?.dispose();
  }
}

/**
 * Packs a shard into micro-batches and computes what stays fixed over the update epochs: the reference log-probs
 * (for the KL term and, with any kl_coef, the logged KL) and, with several epochs, log pi_old (the policy before the
 * first epoch; PPO). Rows with an empty completion carry no token and are left out. The caller disposes the result
 * ({@link disposeMicros}).
 */
export function prepareShard(
  policy: CausalLM,
  withReference: UpdateContext['withReference'],
  shard: UpdateBatch,
  o: ShardOptions,
): Micro[] {
  const n = shard.completionIds.length;
  const micros: Micro[] = [];
  try {
    for (const [s, e] of microBatches(n, Math.min(o.microBatches, Math.max(n, 1)))) {
      const rows: number[] = [];
      for (let i = s; i < e; i++) if (shard.completionIds[i].length > 0) rows.push(i);
      if (rows.length === 0) continue;
      const packed = packSequences(
        rows.map((i) => shard.promptIds[i]),
        rows.map((i) => shard.completionIds[i]),
        o.padId,
      );
      const ref = withReference((m) => tokenLogProbsNoGrad(m, packed));
      ref.mask.dispose();
      micros.push({ rows, packed, ref: ref.logprobs, old: null });
    }
    // With several epochs, pi_old is the policy before the first one (PPO); with one, rho = 1.
    if (o.rfai.update_epochs > 1) {
      for (const m of micros) {
        const r = tokenLogProbsNoGrad(policy, m.packed);
        r.mask.dispose();
        m.old = r.logprobs;
      }
    }
    return micros;
  } catch (e) {
    disposeMicros(micros);
    throw e;
  }
}

const zeroSums = (): ShardSums => ({ loss: 0, policy_loss: 0, kl: 0, kl_max: 0, entropy: 0, clip: 0, approx_kl: 0, tokens: 0, dropped: 0 });

/** Adds shard sums (kl_max: the max). */
export function addSums(a: ShardSums, b: ShardSums): ShardSums {
  return {
    loss: a.loss + b.loss,
    policy_loss: a.policy_loss + b.policy_loss,
    kl: a.kl + b.kl,
    kl_max: Math.max(a.kl_max, b.kl_max),
    entropy: a.entropy + b.entropy,
    clip: a.clip + b.clip,
    approx_kl: a.approx_kl + b.approx_kl,
    tokens: a.tokens + b.tokens,
    dropped: a.dropped + b.dropped,
  };
}

/**
 * One epoch's forward + backward passes over a prepared shard: the gradients of the shard's share of the step's
 * loss, accumulated over its micro-batches (one per trainable parameter in `trainableParams()` order, or null when
 * the shard has no token; the caller disposes them), and the shard's statistics.
 */
export function shardGradients(policy: CausalLM, shard: UpdateBatch, micros: readonly Micro[], o: ShardOptions): { grads: tf.Tensor[] | null; sums: ShardSums } {
  const r = o.rfai;
  const varList = [...policy.trainableParams().values()];
  let sums = zeroSums();
  let accum: tf.Tensor[] | null = null;
  try {
    for (const m of micros) {
      const rows = m.rows;
      let metrics: PolicyLossMetrics | null = null;
      policy.training = true;
      const { value, grads } = policy.variableGrads(() => {
        const lp = tokenLogProbs(policy, m.packed, { entropy: true });
        const res = policyLoss({
          logprobs: lp.logprobs,
          oldLogprobs: m.old ?? undefined,
          refLogprobs: m.ref ?? undefined,
          advantages: rows.map((i) => shard.advantages[i]),
          mask: lp.mask,
          sampleMask: rows.map((i) => shard.sampleMask[i]),
          truncated: rows.map((i) => shard.truncated[i]),
          maskTruncatedCompletions: r.mask_truncated,
          clipEpsilon: r.clip_epsilon,
          klCoef: r.kl_placement === 'loss' ? o.klCoef : 0,
          klEstimator: r.kl_estimator,
          klPlacement: r.kl_placement,
          entropy: lp.entropy,
          entropyCoef: r.entropy_coef,
          aggregation: r.loss_aggregation,
          normalizer: o.normalizer,
        });
        metrics = res.metrics;
        return res.loss;
      }, varList);
      policy.training = false;
      value.dispose();
      accum = accumulate(accum, varList.map((v) => grads[v.name]));
      const mm = metrics as PolicyLossMetrics | null;
      if (mm) {
        const w = mm.num_tokens;
        sums = addSums(sums, {
          loss: mm.loss, // micro losses already share the step normaliser: they add up
          policy_loss: mm.policy_loss,
          kl: (mm.kl_mean ?? 0) * w,
          kl_max: mm.kl_max ?? 0,
          entropy: (mm.entropy_mean ?? 0) * w,
          clip: mm.clip_fraction * w,
          approx_kl: mm.approx_kl * w,
          tokens: w,
          dropped: mm.dropped_samples,
        });
      }
    }
    const out = accum;
    accum = null;
    return { grads: out, sums };
  } finally {
    policy.training = false;
    accum?.forEach((t) => t.dispose());
  }
}

/** The metrics of a step where nothing was graded: no gradient, and AdamW's momentum must not move the weights either. */
function nothingGraded(n: number): UpdateMetrics {
  return { loss: 0, policy_loss: 0, kl: 0, kl_max: 0, entropy: 0, clip_fraction: 0, approx_kl: 0, grad_norm: 0, tokens: 0, dropped_samples: n, skipped_updates: 1, nonfinite_params: [] };
}

/** The update's metrics from the last epoch's sums. */
function metricsOf(s: ShardSums, gradNorm: number, skipped: number, nonfinite: string[]): UpdateMetrics {
  const t = Math.max(s.tokens, 1);
  return {
    loss: s.loss,
    policy_loss: s.policy_loss,
    kl: s.kl / t,
    kl_max: s.kl_max,
    entropy: s.entropy / t,
    clip_fraction: s.clip / t,
    approx_kl: s.approx_kl / t,
    grad_norm: gradNorm,
    tokens: s.tokens,
    dropped_samples: s.dropped,
    skipped_updates: skipped,
    nonfinite_params: nonfinite,
  };
}

/** Clips and applies an epoch's gradients (disposing them); the step's outcome. */
function applyEpoch(ctx: UpdateContext, grads: tf.Tensor[]) {
  const names = [...ctx.policy.trainableParams().keys()];
  try {
    return ctx.optimizer.applyGradients(new Map(names.map((k, i) => [k, grads[i]])), ctx.lr, ctx.cfg.training.max_grad_norm);
  } finally {
    grads.forEach((t) => t.dispose());
  }
}

/**
 * Runs the update in this process. Rows with an empty completion carry no token and are left out of packing.
 * Disposes every tensor it creates.
 */
export function policyUpdate(ctx: UpdateContext, batch: UpdateBatch): UpdateMetrics {
  const { cfg } = ctx;
  if (!batch.sampleMask.some((m) => m > 0)) return nothingGraded(batch.completionIds.length);
  const o = shardOptions(ctx, batch);
  const clock = ctx.timings ? () => performance.now() : () => 0;
  let t0 = clock();
  const micros = prepareShard(ctx.policy, ctx.withReference, batch, o);
  if (ctx.timings) {
    ctx.timings.scoring_ms += clock() - t0;
    ctx.timings.onReference?.();
  }
  let sums = zeroSums();
  let gradNorm = 0;
  let skipped = 0;
  const nonfinite: string[] = [];
  try {
    for (let epoch = 0; epoch < cfg.rfai.update_epochs; epoch++) {
      t0 = clock();
      const r = shardGradients(ctx.policy, batch, micros, o);
      sums = r.sums; // the logged statistics are the last epoch's
      if (ctx.timings) ctx.timings.backward_ms += clock() - t0;
      if (r.grads === null) break;
      t0 = clock();
      const step = applyEpoch(ctx, r.grads);
      if (step.skipped) {
        skipped++;
        nonfinite.push(...step.nonFinite);
      }
      gradNorm = step.gradNorm;
      if (ctx.timings) ctx.timings.optimizer_ms += clock() - t0;
    }
  } finally {
    disposeMicros(micros);
  }
  return metricsOf(sums, gradNorm, skipped, nonfinite);
}

/** Computes update shards in other processes (see workers.ts). */
export interface UpdateShardRunner {
  /** Processes besides this one. */
  readonly workers: number;
  /**
   * Sends the policy's current (trainable) weights to the first `shards.length` workers with, at epoch 0, their
   * shard (null at later epochs: a worker keeps its shard and frozen log-probs until the last epoch); resolves once
   * the messages are written (so this process may compute while the workers do), with the promise of their results
   * in shard order.
   */
  dispatchUpdate(policy: CausalLM, shards: Array<UpdateBatch | null>, epoch: number, o: ShardOptions): Promise<{ results: Promise<ShardResult[]> }>;
}

/** Rows [start, end) of a batch as a shard. */
export function sliceBatch(b: UpdateBatch, s: number, e: number): UpdateBatch {
  return {
    promptIds: b.promptIds.slice(s, e),
    completionIds: b.completionIds.slice(s, e),
    advantages: b.advantages.slice(s, e),
    sampleMask: b.sampleMask.slice(s, e),
    truncated: b.truncated.slice(s, e),
  };
}

/**
 * Cuts rows into at most `parts` contiguous ranges of about equal cost, the cost of a row being its prompt and
 * completion tokens (0 for an empty completion, which is not scored); a range without a scored row joins its neighbour.
 */
export function shardRanges(batch: UpdateBatch, parts: number): Array<[number, number]> {
  const cost = batch.completionIds.map((c, i) => (c.length > 0 ? batch.promptIds[i].length + c.length : 0));
  const n = cost.length;
  const total = cost.reduce((a, b) => a + b, 0);
  const bounds: number[] = [];
  let acc = 0;
  let e = 0;
  for (let k = 1; k < parts; k++) {
    // a row joins range k when at least half of its cost lies below the k-th target
    while (e < n && acc + cost[e] / 2 <= (total * k) / parts) acc += cost[e++];
    bounds.push(e);
  }
  bounds.push(n);
  const out: Array<[number, number]> = [];
  let start = 0;
  for (const end of bounds) {
    if (cost.slice(start, end).some((c) => c > 0)) {
      out.push([start, end]);
      start = end;
    }
  }
  if (start < n) {
    if (out.length > 0) out[out.length - 1][1] = n;
    else out.push([start, n]);
  }
  return out;
}

/**
 * {@link policyUpdate} over `1 + runner.workers` processes: the batch is cut into contiguous shards of about equal
 * cost; each epoch this process sends its weights to the workers, computes the first shard while they compute the
 * others (at the first epoch each also computes its shard's reference log-probs and, with several epochs, log
 * pi_old), sums the gradients in shard order and takes the one clipped optimizer step. Normalisers, advantages and
 * the KL coefficient are the whole step's, computed here, so the result is the one-process update up to float
 * rounding, statistics included.
 */
export async function policyUpdateParallel(ctx: UpdateContext, batch: UpdateBatch, runner: UpdateShardRunner): Promise<UpdateMetrics> {
  const { cfg } = ctx;
  if (!batch.sampleMask.some((m) => m > 0)) return nothingGraded(batch.completionIds.length);
  const ranges = shardRanges(batch, 1 + runner.workers);
  if (ranges.length <= 1) return policyUpdate(ctx, batch);
  const shards = ranges.map(([s, e]) => sliceBatch(batch, s, e));
  const o = shardOptions(ctx, batch);
  const clock = ctx.timings ? () => performance.now() : () => 0;
  const vars = [...ctx.policy.trainableParams().values()];
  let micros: Micro[] = [];
  let sums = zeroSums();
  let gradNorm = 0;
  let skipped = 0;
  const nonfinite: string[] = [];
  try {
    for (let epoch = 0; epoch < cfg.rfai.update_epochs; epoch++) {
      let t0 = clock();
      const { results } = await runner.dispatchUpdate(ctx.policy, shards.slice(1).map((s) => (epoch === 0 ? s : null)), epoch, o);
      results.catch(() => undefined); // awaited below, after this process's shard
      if (epoch === 0) {
        micros = prepareShard(ctx.policy, ctx.withReference, shards[0], o);
        if (ctx.timings) {
          ctx.timings.scoring_ms += clock() - t0;
          ctx.timings.onReference?.();
          t0 = clock();
        }
      }
      const local = shardGradients(ctx.policy, shards[0], micros, o);
      let others: ShardResult[];
      try {
        others = await results;
      } catch (e) {
        local.grads?.forEach((t) => t.dispose());
        throw e;
      }
      if (ctx.timings) ctx.timings.backward_ms += clock() - t0;
      t0 = clock();
      sums = others.reduce((a, r) => addSums(a, r.sums), local.sums);
      const parts = others.map((r) => r.grads).filter((g): g is Float32Array[] => g !== null);
      if (local.grads === null && parts.length === 0) break;
      let grads: tf.Tensor[];
      if (parts.length === 0) grads = local.grads!;
      else {
        // Parameter by parameter: on wasm the other processes' gradients are added into this process's own (a
        // fresh tensor nothing else holds: no copy, where tf.add would upload each part and allocate the sum, two
        // [V, E] tensors for a trainable Qwen-vocabulary head); elsewhere each local gradient is freed as soon as
        // its sum exists (peak: one parameter's worth more than the gradients, not all of them twice).
        grads = vars.map((v, i) => {
          const own = local.grads ? local.grads[i] : null;
          if (own && parts.every((w) => addIntoOwned(own, w[i]))) return own;
          const sum = tf.tidy(() => parts.reduce<tf.Tensor>((acc, w) => tf.add(acc, tf.tensor(w[i], v.shape, 'float32')), own ?? tf.zeros(v.shape)));
          own?.dispose();
          return sum;
        });
      }
      const step = applyEpoch(ctx, grads);
      if (step.skipped) {
        skipped++;
        nonfinite.push(...step.nonFinite);
      }
      gradNorm = step.gradNorm;
      if (ctx.timings) ctx.timings.optimizer_ms += clock() - t0;
    }
  } finally {
    disposeMicros(micros);
  }
  return metricsOf(sums, gradNorm, skipped, nonfinite);
}
