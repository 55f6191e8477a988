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
export const AUTO_SFT_STEPS = 400;

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

/**
 * One warm-up step: mean cross-entropy over every reference token of the
 * batch (plus `promptLossWeight` times the prompt tokens' cross-entropy, over
 * the same reference-token count; the reported loss is the reference tokens'), accumulated over `training.gradient_accumulation_steps` micro-batches
 * (each micro-batch's sum is divided by the whole batch's token count, so the
 * gradient equals the full batch's), clipped and applied with AdamW.
 */
export function sftStep(
  policy: CausalLM,
  optimizer: Optimizer,
  seqs: Array<{ prompt: number[]; completion: number[] }>,
  o: { lr: number; maxGradNorm: number; padId: number; microBatches: number; promptLossWeight?: number },
): SftMetrics {
  const w = o.promptLossWeight ?? 0;
  const rows = seqs.filter((s) => s.completion.length > 0);
  const total = rows.reduce((a, s) => a + s.completion.length, 0);
  if (total === 0) return { loss: Number.NaN, tokens: 0, grad_norm: 0, skipped: true };
  const vars = policy.trainableParams();
  const varList = [...vars.values()];
  const names = [...vars.keys()];
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
      const { value, grads } = tf.variableGrads(() => {
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
    const step = optimizer.applyGradients(new Map(names.map((k, i) => [k, accum![i]])), o.lr, o.maxGradNorm);
    return { loss: nll / total, tokens: total, grad_norm: step.gradNorm, skipped: step.skipped };
  } finally {
    policy.training = false;
    accum?.forEach((t) => t.dispose());
  }
}
