/**
 * The supervised warm-up before RFAI (config `sft`): the student imitates the
 * training prompts' reference solutions (cross-entropy over the reference
 * tokens, padding masked; the prompt masked too, or weighted by
 * sft.prompt_loss_weight), so that a student built from random
 * weights writes text a teacher can rank before the policy-gradient steps
 * begin. Afterwards the frozen KL reference becomes the warmed-up model.
 */
import { tf } from '@rfai/core';
import type { RfaiConfig } from '@rfai/config';
import type { DatasetRecord } from '@rfai/datasets';
import { packSequences, tokenLogProbs, type CausalLM, type Tokenizer } from '@rfai/models';
import type { Optimizer } from './optimizer';
import { encodePrompt, solutionPrefix, type PromptStyle } from './prompt-format';
import { accumulate, microBatches } from './update';

/** Warm-up steps of a preset student when `sft.steps` is null (auto). */
export const AUTO_SFT_STEPS = 600;

/** The training records that carry a reference solution. */
export function sftExamples(train: readonly DatasetRecord[]): DatasetRecord[] {
  return train.filter((r) => typeof r.reference === 'string' && r.reference.trim().length > 0);
}

/** How many warm-up steps run, and why (for the startup log). */
export interface SftPlan {
  steps: number;
  reason: string;
}

/**
 * Resolves `sft.steps`: an explicit number needs references (the caller turns
 * that into a startup error); null (auto) warms up a preset student when there
 * are references and skips the warm-up for a checkpoint.
 */
export function planSft(cfg: RfaiConfig, examples: number, trainFile: string): SftPlan | { error: string } {
  const s = cfg.sft.steps;
  if (s === 0) return { steps: 0, reason: 'sft.steps is 0' };
  if (s !== null) {
    if (examples === 0) {
      return {
        error:
          `sft.steps is ${s} but none of the training prompts in ${trainFile} has a \`reference\` solution to imitate. ` +
          'Add `reference` fields to the dataset, or set sft.steps: 0 to train with RFAI only.',
      };
    }
    return { steps: s, reason: `sft.steps = ${s}` };
  }
  if (cfg.model.path !== null) return { steps: 0, reason: 'auto: model.path is a pretrained checkpoint' };
  if (cfg.model.lora.enabled) return { steps: 0, reason: 'auto: LoRA trains adapters only' };
  if (examples === 0) return { steps: 0, reason: `auto: no training prompt in ${trainFile} has a reference` };
  return { steps: AUTO_SFT_STEPS, reason: `auto: the preset student starts from random weights (${examples} references)` };
}

/**
 * Token ids of one warm-up example: the prompt formatted and cut exactly as for sampling, and the reference plus EOS
 * cut to `maxCompletionTokens` (the longest completion the student is ever asked to write: what lies beyond is never
 * generated, and packing stays within model.max_length).
 */
export function sftSequence(
  r: DatasetRecord,
  tokenizer: Tokenizer,
  style: PromptStyle,
  maxPromptTokens: number,
  maxCompletionTokens: number,
): { prompt: number[]; completion: number[] } {
  const prefix = solutionPrefix(r);
  const prompt = encodePrompt(r.prompt, r.language, style, tokenizer, maxPromptTokens, prefix);
  // With a solution prefix the prompt already ends with it: the student learns to write the rest of the reference.
  const reference = r.reference as string;
  const rest = prefix !== '' && reference.startsWith(prefix) ? reference.slice(prefix.length) : reference;
  const completion = [...tokenizer.encode(rest), tokenizer.eosTokenId].slice(0, maxCompletionTokens);
  return { prompt, completion };
}

/** Figures of one warm-up step. */
export interface SftMetrics {
  /** Mean negative log-likelihood per reference token. */
  loss: number;
  tokens: number;
  grad_norm: number;
  skipped: boolean;
}

/** The options of a warm-up step. */
export interface SftStepOptions {
  lr: number;
  maxGradNorm: number;
  padId: number;
  /** Micro-batches per step (training.gradient_accumulation_steps), per process when the step is data-parallel. */
  microBatches: number;
  /** Weight of the prompt tokens (sft.prompt_loss_weight); 0 masks them. */
  promptLossWeight?: number;
}

/** One warm-up example as token ids. */
export type SftRow = { prompt: number[]; completion: number[] };

/**
 * Gradients of a shard of a warm-up batch: the sum over its rows of the reference tokens' negative log-likelihood
 * (plus `promptLossWeight` times the prompt tokens'), divided by `total`, the reference-token count of the WHOLE
 * batch, so that the shards' gradients add up to the batch's. Accumulated over micro-batches. Returns one gradient
 * per trainable parameter (in `policy.trainableParams()` order; the caller disposes them) and the shard's reference
 * NLL sum.
 */
export function sftShardGradients(
  policy: CausalLM,
  rows: readonly SftRow[],
  total: number,
  o: Pick<SftStepOptions, 'padId' | 'microBatches' | 'promptLossWeight'>,
): { grads: tf.Tensor[]; nll: number } {
  const w = o.promptLossWeight ?? 0;
  const varList = [...policy.trainableParams().values()];
  let accum: tf.Tensor[] | null = null;
  let nll = 0;
  try {
    for (const [s, e] of microBatches(rows.length, Math.min(o.microBatches, rows.length))) {
      const part = rows.slice(s, e);
      // With a prompt loss the first prompt token alone is the "prompt" and the rest of it joins the scored tokens,
      // weighted by w; the reference tokens keep weight 1 and the reported loss counts them only.
      const packed = packSequences(
        part.map((r) => (w > 0 ? r.prompt.slice(0, 1) : r.prompt)),
        part.map((r) => (w > 0 ? [...r.prompt.slice(1), ...r.completion] : r.completion)),
        o.padId,
      );
      const C = packed.completionLength;
      const refWeights = new Float32Array(part.length * C);
      const lossWeights = new Float32Array(part.length * C);
      part.forEach((r, i) => {
        const promptScored = w > 0 ? r.prompt.length - 1 : 0;
        for (let j = 0; j < promptScored + r.completion.length && j < C; j++) {
          const isRef = j >= promptScored;
          refWeights[i * C + j] = isRef ? 1 : 0;
          lossWeights[i * C + j] = isRef ? 1 : w;
        }
      });
      let refNll: tf.Scalar | null = null;
      policy.training = true;
      const { value, grads } = policy.variableGrads(() => {
        const lp = tokenLogProbs(policy, packed);
        const scored = tf.mul(lp.logprobs, lp.mask);
        refNll = tf.keep(tf.neg(tf.sum(tf.mul(scored, tf.tensor2d(refWeights, [part.length, C])))) as tf.Scalar);
        return tf.div(tf.neg(tf.sum(tf.mul(scored, tf.tensor2d(lossWeights, [part.length, C])))), total) as tf.Scalar;
      }, varList);
      policy.training = false;
      nll += (refNll as tf.Scalar | null)!.dataSync()[0];
      (refNll as tf.Scalar | null)!.dispose();
      value.dispose();
      accum = accumulate(accum, varList.map((v) => grads[v.name]));
    }
    const out = accum!;
    accum = null;
    return { grads: out, nll };
  } finally {
    policy.training = false;
    accum?.forEach((t) => t.dispose());
  }
}

/** The rows of a batch that have reference tokens, and their reference-token count. */
function scoredRows(seqs: readonly SftRow[]): { rows: SftRow[]; total: number } {
  const rows = seqs.filter((s) => s.completion.length > 0);
  return { rows, total: rows.reduce((a, s) => a + s.completion.length, 0) };
}

/** Clips and applies the batch's gradients; disposes them. */
function applySft(policy: CausalLM, optimizer: Optimizer, grads: tf.Tensor[], nll: number, total: number, o: SftStepOptions): SftMetrics {
  const names = [...policy.trainableParams().keys()];
  try {
    const step = optimizer.applyGradients(new Map(names.map((k, i) => [k, grads[i]])), o.lr, o.maxGradNorm);
    return { loss: nll / total, tokens: total, grad_norm: step.gradNorm, skipped: step.skipped };
  } finally {
    grads.forEach((t) => t.dispose());
  }
}

/**
 * One warm-up step: mean cross-entropy over every reference token of the batch (plus `promptLossWeight` times the
 * prompt tokens' cross-entropy, over the same reference-token count; the reported loss is the reference tokens'),
 * accumulated over `training.gradient_accumulation_steps` micro-batches (each micro-batch's sum is divided by the
 * whole batch's token count, so the gradient equals the full batch's), clipped and applied with AdamW.
 */
export function sftStep(policy: CausalLM, optimizer: Optimizer, seqs: readonly SftRow[], o: SftStepOptions): SftMetrics {
  const { rows, total } = scoredRows(seqs);
  if (total === 0) return { loss: Number.NaN, tokens: 0, grad_norm: 0, skipped: true };
  const { grads, nll } = sftShardGradients(policy, rows, total, o);
  return applySft(policy, optimizer, grads, nll, total, o);
}

/** Computes the gradients of warm-up shards in other processes (see workers.ts). */
export interface SftShardRunner {
  /** Processes besides this one. */
  readonly workers: number;
  /**
   * Sends the policy's current weights and one shard to each worker; resolves once the messages are written (so this
   * process may compute while the workers do), with the promise of their gradients and NLL sums, in shard order.
   */
  dispatch(policy: CausalLM, shards: SftRow[][], total: number, o: SftStepOptions): Promise<{ results: Promise<{ grads: Float32Array[][]; nll: number[] }> }>;
}

/** Tokens a shard feeds through the model: its rows times the padded length (longest prompt + longest completion - 1). */
export function shardTokens(rows: readonly SftRow[]): number {
  if (rows.length === 0) return 0;
  let p = 0;
  let c = 0;
  for (const r of rows) {
    p = Math.max(p, r.prompt.length);
    c = Math.max(c, r.completion.length);
  }
  return rows.length * (p + c - 1);
}

/**
 * Cuts a batch into `parts` non-empty shards whose padded token counts ({@link shardTokens}) are as even as possible:
 * the rows are ordered by length and split where the largest shard is smallest (exact, over contiguous splits of
 * that order). A data-parallel step waits for its slowest shard, and a shard is padded to its longest row, so shards
 * of similar lengths, the longer ones with fewer rows, finish together. Every row lands in exactly one shard.
 */
export function balancedShards(rows: readonly SftRow[], parts: number): SftRow[][] {
  const n = rows.length;
  if (!Number.isInteger(parts) || parts < 1 || parts > n) throw new RangeError(`balancedShards: parts must be in [1, ${n}], found ${parts}`);
  const sorted = [...rows].sort((a, b) => a.prompt.length - b.prompt.length || a.completion.length - b.completion.length);
  // cost[i][j]: tokens of the shard sorted[i..j-1] (the prompts are sorted: the longest is the last).
  const cost = Array.from({ length: n }, (_, i) => {
    const row = new Array<number>(n + 1).fill(0);
    let c = 0;
    for (let j = i + 1; j <= n; j++) {
      c = Math.max(c, sorted[j - 1].completion.length);
      row[j] = (j - i) * (sorted[j - 1].prompt.length + c - 1);
    }
    return row;
  });
  // best[k][j]: the smallest largest-shard cost of sorted[0..j-1] in k shards; cut[k][j] where its last shard starts.
  const best = Array.from({ length: parts + 1 }, () => new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY));
  const cut = Array.from({ length: parts + 1 }, () => new Array<number>(n + 1).fill(0));
  best[0][0] = 0;
  for (let k = 1; k <= parts; k++) {
    for (let j = k; j <= n - (parts - k); j++) {
      for (let i = k - 1; i < j; i++) {
        const v = Math.max(best[k - 1][i], cost[i][j]);
        if (v < best[k][j]) {
          best[k][j] = v;
          cut[k][j] = i;
        }
      }
    }
  }
  const shards: SftRow[][] = [];
  for (let k = parts, j = n; k >= 1; k--) {
    const i = cut[k][j];
    shards.unshift(sorted.slice(i, j));
    j = i;
  }
  return shards;
}

/**
 * {@link sftStep} over `1 + runner.workers` processes: the batch is cut into shards of even padded sizes
 * ({@link balancedShards}), this process computes
 * the first while the workers compute the others with the same weights, and the shards' gradients are summed in
 * shard order (equal to the one-process step up to float rounding) before one clipped AdamW step here.
 */
export async function sftStepParallel(
  policy: CausalLM,
  optimizer: Optimizer,
  seqs: readonly SftRow[],
  o: SftStepOptions,
  runner: SftShardRunner,
): Promise<SftMetrics> {
  const { rows, total } = scoredRows(seqs);
  if (total === 0) return { loss: Number.NaN, tokens: 0, grad_norm: 0, skipped: true };
  const parts = Math.min(1 + runner.workers, rows.length);
  if (parts <= 1) return sftStep(policy, optimizer, rows, o);
  const shards = balancedShards(rows, parts);
  const { results } = await runner.dispatch(policy, shards.slice(1), total, o);
  results.catch(() => undefined); // awaited below, after this process's shard
  const local = sftShardGradients(policy, shards[0], total, o);
  let others: { grads: Float32Array[][]; nll: number[] };
  try {
    others = await results;
  } catch (e) {
    local.grads.forEach((t) => t.dispose());
    throw e;
  }
  const vars = [...policy.trainableParams().values()];
  const grads = local.grads.map((g, i) => {
    const sum = tf.tidy(() => others.grads.reduce((acc, w) => tf.add(acc, tf.tensor(w[i], vars[i].shape, 'float32')), g));
    g.dispose();
    return sum;
  });
  return applySft(policy, optimizer, grads, local.nll + others.nll.reduce((a, b) => a + b, 0), total, o);
}
