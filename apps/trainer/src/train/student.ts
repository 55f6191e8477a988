/**
 * The student and its frozen reference: built from a preset or loaded from a
 * Hugging Face folder, optionally with LoRA adapters, and restored from a
 * checkpoint on resume.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ownedVariable, tf } from '@rfai/core';
import { SafetensorsFile, type TensorData } from '@rfai/checkpoint-io';
import { resolveConfigPath, type LoadedConfig, type RfaiConfig } from '@rfai/config';
import {
  applyLora,
  builtinTokenizer,
  CausalLM,
  createModel,
  loadAdapter,
  loadModel,
  loadTokenizer,
  modelTensors,
  packSequences,
  presetConfig,
  tokenLogProbsNoGrad,
  unpackRows,
  withAdaptersDisabled,
  type Tokenizer,
} from '@rfai/models';
import { resolvePromptStyle, type PromptStyle } from './prompt-format';

export interface Student {
  model: CausalLM;
  tokenizer: Tokenizer;
  promptStyle: PromptStyle;
  /** Where the weights came from, for logs: `preset tiny (seed 42)` or the folder. */
  source: string;
  /** Folder of the base model (tokenizer files are copied from it), or null for a preset. */
  baseDir: string | null;
  /** True when only LoRA adapters train. */
  lora: boolean;
  /** Runs `fn` with the frozen reference model: the base with adapters disabled (LoRA) or a frozen copy of the initial weights. */
  withReference<T>(fn: (ref: CausalLM) => T): T;
  /** Per-token log-probs of completions under the reference (no grad), trimmed to each completion's length. */
  referenceLogprobs(promptIds: number[][], completionIds: number[][]): number[][];
  /** Makes the frozen reference a copy of the current weights (after the SFT warm-up). Full fine-tuning only. */
  freezeReference(): void;
  /** The reference weights when they are not the initial ones (after a warm-up), for checkpoints; else null. */
  referenceTensors(): Record<string, TensorData> | null;
  dispose(): void;
}

/** Checkpoint file holding the frozen reference when it is the warmed-up model rather than the initial weights. */
export const REFERENCE_FILE = 'reference_model.safetensors';

/** Loads the reference weights a checkpoint stored into `ref`'s variables. */
async function loadReferenceInto(ref: CausalLM, file: string): Promise<void> {
  const f = await SafetensorsFile.open(file);
  try {
    for (const [key, v] of ref.params) {
      if (!f.has(key)) throw new Error(`${file}: the reference weights lack ${key}; the checkpoint is damaged (use an earlier one).`);
      const t = await f.read(key);
      if (t.shape.join(',') !== v.shape.join(',')) {
        throw new Error(`${file}: ${key} has shape [${t.shape.join(', ')}], the model expects [${v.shape.join(', ')}].`);
      }
      const x = tf.tensor(Float32Array.from(t.data as ArrayLike<number>), v.shape, 'float32');
      v.assign(x);
      x.dispose();
    }
  } finally {
    await f.close();
  }
}

/**
 * Builds the student described by `config.model`.
 * @param resumeDir a checkpoint folder whose weights (or adapters) replace the initial ones
 */
export async function buildStudent(loaded: LoadedConfig, resumeDir: string | null): Promise<Student> {
  const cfg: RfaiConfig = loaded.config;
  const m = cfg.model;
  let model: CausalLM;
  let tokenizer: Tokenizer;
  let source: string;
  let baseDir: string | null = null;
  if (m.path) {
    baseDir = resolveConfigPath(loaded, m.path);
    model = await loadModel(baseDir);
    tokenizer = loadTokenizer(baseDir);
    source = baseDir;
  } else {
    const seed = m.seed ?? cfg.training.seed;
    model = createModel(presetConfig(m.preset, m.tokenizer), seed);
    tokenizer = builtinTokenizer(m.tokenizer);
    source = `preset ${m.preset} (${m.tokenizer} tokenizer, seed ${seed})`;
  }
  let reference: CausalLM | null = null;
  let referenceIsInitial = true;
  if (m.lora.enabled) {
    // The reference is the same base with adapters off: no second copy of the weights.
    for (const v of model.params.values()) v.trainable = false;
    if (resumeDir) {
      await loadAdapter(model, resumeDir, { seed: cfg.training.seed });
    } else {
      applyLora(model, {
        r: m.lora.r,
        alpha: m.lora.alpha,
        dropout: m.lora.dropout,
        targetModules: m.lora.target_modules,
        seed: cfg.training.seed,
      });
    }
  } else if (resumeDir) {
    // Full fine-tuning, resumed: the policy is the checkpoint, the reference the initial weights (or the warmed-up
    // ones the checkpoint stored), frozen.
    for (const v of model.params.values()) v.trainable = false;
    reference = model;
    model = await loadModel(resumeDir);
    if (existsSync(path.join(resumeDir, REFERENCE_FILE))) {
      await loadReferenceInto(reference, path.join(resumeDir, REFERENCE_FILE));
      referenceIsInitial = false;
    }
  } else {
    // Full fine-tuning: the reference is a frozen copy of the initial weights.
    const frozen = new Map<string, tf.Variable>();
    for (const [k, v] of model.params) frozen.set(k, ownedVariable(v.clone())); // (the clone is the copy; the variable shares its data)
    reference = new CausalLM(model.config, frozen);
  }
  model.gradientCheckpointing = cfg.training.gradient_checkpointing;
  return studentFromModel({
    model,
    tokenizer,
    promptStyle: resolvePromptStyle(m.chat_template, tokenizer),
    source,
    baseDir,
    lora: m.lora.enabled,
    reference,
    referenceIsInitial,
  });
}

/** What {@link studentFromModel} wraps. */
export interface StudentParts {
  model: CausalLM;
  tokenizer: Tokenizer;
  promptStyle: PromptStyle;
  source: string;
  baseDir: string | null;
  /** True when `model` carries LoRA adapters and only they train (the reference is the base with them off). */
  lora: boolean;
  /** The frozen reference for full fine-tuning (a second model); null under LoRA. */
  reference: CausalLM | null;
  /** False when `reference` holds warmed-up weights that checkpoints must carry. Default true. */
  referenceIsInitial?: boolean;
}

/**
 * A Student around an existing policy model (and, for full fine-tuning, its frozen reference): the trainer
 * builds one with {@link buildStudent}, benchmarks build their own models and wrap them here.
 */
export function studentFromModel(parts: StudentParts): Student {
  const { model, tokenizer } = parts;
  const reference = parts.reference;
  let referenceIsInitial = parts.referenceIsInitial ?? true;
  const withReference = <T>(fn: (ref: CausalLM) => T): T =>
    reference ? fn(reference) : withAdaptersDisabled(model, () => fn(model));
  return {
    model,
    tokenizer,
    promptStyle: parts.promptStyle,
    source: parts.source,
    baseDir: parts.baseDir,
    lora: parts.lora,
    withReference,
    referenceLogprobs(promptIds, completionIds) {
      const rows = completionIds.map((c, i) => (c.length > 0 ? i : -1)).filter((i) => i >= 0);
      const out: number[][] = completionIds.map(() => []);
      if (rows.length === 0) return out;
      const packed = packSequences(
        rows.map((i) => promptIds[i]),
        rows.map((i) => completionIds[i]),
        tokenizer.padTokenId,
      );
      const r = withReference((ref) => tokenLogProbsNoGrad(ref, packed));
      const vals = unpackRows(r.logprobs, packed);
      r.logprobs.dispose();
      r.mask.dispose();
      rows.forEach((row, k) => (out[row] = vals[k]));
      return out;
    },
    freezeReference() {
      if (!reference) throw new Error('freezeReference: with LoRA the reference is the base without adapters and cannot move');
      for (const [k, v] of model.params) reference.params.get(k)!.assign(v);
      referenceIsInitial = false;
    },
    referenceTensors() {
      return reference && !referenceIsInitial ? modelTensors(reference) : null;
    },
    dispose() {
      model.dispose();
      reference?.dispose();
    },
  };
}
