import type { RfaiConfig } from './types';

/** A conflict between two or more keys; `keyPath` is the key the message points at. */
export interface CrossFieldProblem {
  keyPath: string;
  expected: string;
  found: string;
  hint?: string;
}

/**
 * Checks that need more than one key. Each message names every key involved
 * and the values found (TRL's GRPOConfig.__post_init__ style).
 */
export function validateCrossFields(c: RfaiConfig): CrossFieldProblem[] {
  const out: CrossFieldProblem[] = [];
  const t = c.training;
  const r = c.rfai;
  if (t.max_steps === null && t.num_epochs === null) {
    out.push({
      keyPath: 'training.max_steps',
      expected: 'a number of steps, or training.num_epochs to be set',
      found: 'both training.max_steps and training.num_epochs null',
      hint: 'Set training.max_steps (e.g. 60) or training.num_epochs (e.g. 1).',
    });
  }
  const samples = t.batch_size * r.num_samples_per_prompt;
  if (samples % t.gradient_accumulation_steps !== 0) {
    out.push({
      keyPath: 'training.gradient_accumulation_steps',
      expected: `a divisor of training.batch_size * rfai.num_samples_per_prompt (${t.batch_size} * ${r.num_samples_per_prompt} = ${samples})`,
      found: String(t.gradient_accumulation_steps),
      hint: 'Pick gradient_accumulation_steps so every micro-batch has the same number of samples.',
    });
  }
  if ((r.advantage_estimator === 'grpo' || r.advantage_estimator === 'rloo') && r.num_samples_per_prompt < 2) {
    out.push({
      keyPath: 'rfai.num_samples_per_prompt',
      expected: `at least 2 for rfai.advantage_estimator "${r.advantage_estimator}" (it compares samples of the same prompt)`,
      found: String(r.num_samples_per_prompt),
      hint: 'Raise rfai.num_samples_per_prompt, or use rfai.advantage_estimator: ema for one sample per prompt.',
    });
  }
  if (c.model.lora.enabled && c.sft.steps !== null && c.sft.steps > 0) {
    out.push({
      keyPath: 'sft.steps',
      expected: '0 or null with model.lora.enabled (the warm-up trains every weight, and the LoRA reference is the base without adapters)',
      found: String(c.sft.steps),
      hint: 'Set sft.steps: 0, or model.lora.enabled: false for a full fine-tuning warm-up.',
    });
  }
  if (r.max_new_tokens >= c.model.max_length) {
    out.push({
      keyPath: 'rfai.max_new_tokens',
      expected: `less than model.max_length (${c.model.max_length}) so the prompt has room`,
      found: String(r.max_new_tokens),
    });
  }
  if (c.evaluation.max_new_tokens !== null && c.evaluation.max_new_tokens >= c.model.max_length) {
    out.push({
      keyPath: 'evaluation.max_new_tokens',
      expected: `less than model.max_length (${c.model.max_length})`,
      found: String(c.evaluation.max_new_tokens),
    });
  }
  if (c.teacher.provider === 'openai-compatible') {
    if (c.teacher.base_url === null) {
      out.push({
        keyPath: 'teacher.base_url',
        expected: 'the server URL for teacher.provider "openai-compatible", e.g. http://127.0.0.1:8000/v1',
        found: 'null',
      });
    }
    if (c.teacher.model_name === null) {
      out.push({
        keyPath: 'teacher.model_name',
        expected: 'the model name the server serves, for teacher.provider "openai-compatible"',
        found: 'null',
      });
    }
  }
  if (r.kl_placement === 'reward' && r.kl_estimator !== 'k1') {
    out.push({
      keyPath: 'rfai.kl_estimator',
      expected: 'k1 when rfai.kl_placement is "reward" (the per-token reward penalty is the k1 log-ratio)',
      found: JSON.stringify(r.kl_estimator),
      hint: 'Set rfai.kl_estimator: k1, or rfai.kl_placement: loss.',
    });
  }
  const runName = c.logging.run_name;
  if (runName === '.' || runName === '..') {
    // The schema's pattern already keeps path separators out; these two names pass it but are not folders of
    // their own: '.' writes into logging.tensorboard_dir itself, '..' into the folder above it.
    out.push({
      keyPath: 'logging.run_name',
      expected: `a folder name under logging.tensorboard_dir (${c.logging.tensorboard_dir}), not "." or ".." (they would write ${runName === '.' ? 'into logging.tensorboard_dir itself' : 'outside it'})`,
      found: JSON.stringify(runName),
      hint: 'Use a name such as "quick-test" (letters, digits, ".", "_", "-"), or null for a timestamp.',
    });
  }
  return out;
}
