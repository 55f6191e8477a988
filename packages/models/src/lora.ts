/**
 * LoRA (Hu et al. 2021) on the decoder's linear modules, in PEFT's layout: for a module with weight W [out, in],
 * y = x W^T + (alpha / r) * dropout(x) A^T B^T with A [r, in] (kaiming-uniform, as PEFT: U(-1/sqrt(in), 1/sqrt(in)))
 * and B [out, r] = 0, so a fresh adapter leaves the model unchanged. Only A and B train; the reference model is the
 * same base with adapters disabled (no second copy of the weights).
 */
import { promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import { Rng, tf } from '@rfai/core';
import { openWeights, writeWeights, type TensorData } from '@rfai/checkpoint-io';
import type { CausalLM } from './decoder';
import { MissingTensorError, ModelUsageError, ShapeMismatchError } from './errors';
// io.ts imports mergedTensors from here; both sides only call each other's functions, never at module load.
import { saveModel } from './io';
import type { Tokenizer } from './tokenizer';

/** Linear modules LoRA can target (last component of the module path). */
export const LORA_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;

/** Options of {@link applyLora}. */
export interface LoraOptions {
  /** Rank r (>= 1). */
  r: number;
  /** Scale numerator: the update is scaled by alpha / r. */
  alpha: number;
  /** Dropout probability on the adapter input, in [0, 1); active only while `model.training`. Default 0. */
  dropout?: number;
  /** Module names (see {@link LORA_TARGETS}) or 'all-linear'. Default q_proj, k_proj, v_proj, o_proj. */
  targetModules?: string[] | 'all-linear';
  /** Seed for A's init and the dropout masks. Default 0. */
  seed?: number;
}

/**
 * PEFT's adapter_config.json for a LoRA adapter (the fields of peft.LoraConfig that rfai writes; PEFT fills the
 * others with their defaults when it loads the file).
 */
export interface AdapterConfig {
  peft_type: 'LORA';
  task_type: 'CAUSAL_LM';
  r: number;
  lora_alpha: number;
  lora_dropout: number;
  target_modules: string[];
  /**
   * What `AutoPeftModelForCausalLM.from_pretrained(adapterDir)` hands to `AutoModelForCausalLM.from_pretrained`: a
   * Hugging Face Hub id or a model folder (config.json + model.safetensors). A relative path is resolved against the
   * process's current folder, not the adapter folder, so rfai records absolute paths. null: no base recorded (load
   * the base yourself and use `PeftModel.from_pretrained(base, adapterDir)`).
   */
  base_model_name_or_path: string | null;
  /** Hub revision of the base; always null (a folder, or the id's default branch). */
  revision?: string | null;
  bias: 'none';
  [key: string]: unknown;
}

function resolveTargets(t: LoraOptions['targetModules']): string[] {
  if (t === undefined) return ['q_proj', 'k_proj', 'v_proj', 'o_proj'];
  const list = t === 'all-linear' ? [...LORA_TARGETS] : t;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ModelUsageError(`applyLora: targetModules must be a non-empty list of ${LORA_TARGETS.join(', ')} or 'all-linear'`);
  }
  for (const m of list) {
    if (!(LORA_TARGETS as readonly string[]).includes(m)) {
      throw new ModelUsageError(`applyLora: unknown target module "${m}"; choose from ${LORA_TARGETS.join(', ')} or 'all-linear'`);
    }
  }
  return [...new Set(list)];
}

/** Module keys (e.g. model.layers.0.self_attn.q_proj) of the model's linear layers named in `targets`. */
function targetKeys(model: CausalLM, targets: string[]): string[] {
  const keys: string[] = [];
  for (const key of model.params.keys()) {
    const m = /^(.*\.(\w+_proj))\.weight$/.exec(key);
    if (m && targets.includes(m[2])) keys.push(m[1]);
  }
  return keys;
}

/**
 * Attaches fresh LoRA adapters to the model's target modules and freezes the base parameters (trainable false),
 * so `model.trainableParams()` returns only the adapters (keys `<module>.lora_A.weight` / `.lora_B.weight`).
 *
 * @throws ModelUsageError for bad r/alpha/dropout/targets or when adapters are already attached
 */
export function applyLora(model: CausalLM, opts: LoraOptions): void {
  if (model.lora.size > 0) throw new ModelUsageError('applyLora: the model already has LoRA adapters; mergeLora or dispose first');
  if (!Number.isInteger(opts.r) || opts.r < 1) throw new ModelUsageError(`applyLora: r must be an integer >= 1, found ${opts.r}`);
  if (!(opts.alpha > 0)) throw new ModelUsageError(`applyLora: alpha must be > 0, found ${opts.alpha}`);
  const dropout = opts.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) throw new ModelUsageError(`applyLora: dropout must be in [0, 1), found ${opts.dropout}`);
  const targets = resolveTargets(opts.targetModules);
  const rng = new Rng(opts.seed ?? 0);
  const scaling = opts.alpha / opts.r;
  for (const module of targetKeys(model, targets)) {
    const [out, inn] = model.weight(`${module}.weight`).shape;
    const bound = 1 / Math.sqrt(inn);
    const a = new Float32Array(opts.r * inn);
    for (let i = 0; i < a.length; i++) a[i] = (2 * rng.uniform() - 1) * bound;
    const aT = tf.tensor2d(a, [opts.r, inn]);
    const bT = tf.zeros([out, opts.r]);
    model.lora.set(module, { A: tf.variable(aT, true), B: tf.variable(bT, true), scaling, dropout });
    tf.dispose([aT, bT]);
  }
  for (const v of model.params.values()) v.trainable = false;
  model.loraConfig = { r: opts.r, alpha: opts.alpha, dropout, targetModules: targets };
  model.dropoutRng = rng;
  model.adaptersEnabled = true;
}

/**
 * Runs `fn` with the adapters switched off (the frozen base = the reference model), then restores them, also
 * when `fn` throws or its promise rejects. Works without adapters too (then it just runs fn).
 */
export function withAdaptersDisabled<R>(model: CausalLM, fn: () => R): R {
  const prev = model.adaptersEnabled;
  model.adaptersEnabled = false;
  let result: R;
  try {
    result = fn();
  } catch (e) {
    model.adaptersEnabled = prev;
    throw e;
  }
  if (result instanceof Promise) {
    return result.finally(() => {
      model.adaptersEnabled = prev;
    }) as R;
  }
  model.adaptersEnabled = prev;
  return result;
}

/**
 * Folds every adapter into its base weight (W += alpha/r * B A), removes the adapters and makes the base
 * trainable again. The merged model computes what the adapted model computed (up to float32 rounding).
 */
export function mergeLora(model: CausalLM): void {
  if (model.lora.size === 0) throw new ModelUsageError('mergeLora: the model has no LoRA adapters');
  for (const [module, a] of model.lora) {
    const w = model.weight(`${module}.weight`);
    const merged = tf.tidy(() => tf.add(w, tf.mul(tf.matMul(a.B, a.A), a.scaling)));
    w.assign(merged);
    merged.dispose();
    a.A.dispose();
    a.B.dispose();
  }
  model.lora.clear();
  model.loraConfig = null;
  for (const v of model.params.values()) v.trainable = true;
}

/**
 * The base parameters with every adapter folded in (W + alpha/r * B A), as named float32 arrays (copies) under
 * their Hugging Face keys, in checkpoint order. The model itself is not changed (unlike {@link mergeLora}), so
 * training can go on; this is what a merged export writes. Without adapters it is just the base parameters.
 */
export function mergedTensors(model: CausalLM): Record<string, TensorData> {
  const out: Record<string, TensorData> = {};
  for (const [key, v] of model.params) {
    const module = key.endsWith('.weight') ? key.slice(0, -'.weight'.length) : null;
    const a = module ? model.lora.get(module) : undefined;
    let data: Float32Array;
    if (a) {
      const merged = tf.tidy(() => tf.add(v, tf.mul(tf.matMul(a.B, a.A), a.scaling)));
      data = merged.dataSync() as Float32Array;
      merged.dispose();
    } else {
      data = v.dataSync() as Float32Array;
    }
    out[key] = { dtype: 'F32', shape: v.shape.slice(), data };
  }
  return out;
}

const PEFT_PREFIX = 'base_model.model.';

/** The adapters as named tensors in PEFT's layout (`base_model.model.<module>.lora_A.weight`, ...); copies. */
export function adapterTensors(model: CausalLM): Record<string, TensorData> {
  const out: Record<string, TensorData> = {};
  for (const [module, a] of model.lora) {
    out[`${PEFT_PREFIX}${module}.lora_A.weight`] = { dtype: 'F32', shape: a.A.shape.slice(), data: a.A.dataSync() as Float32Array };
    out[`${PEFT_PREFIX}${module}.lora_B.weight`] = { dtype: 'F32', shape: a.B.shape.slice(), data: a.B.dataSync() as Float32Array };
  }
  return out;
}

/** adapter_config.json content for the model's adapters. */
export function adapterConfig(model: CausalLM, baseModelNameOrPath: string | null = null): AdapterConfig {
  const c = model.loraConfig;
  if (!c) throw new ModelUsageError('the model has no LoRA adapters (call applyLora first)');
  return {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    r: c.r,
    lora_alpha: c.alpha,
    lora_dropout: c.dropout,
    target_modules: c.targetModules,
    base_model_name_or_path: baseModelNameOrPath,
    revision: null,
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    layers_to_transform: null,
    layers_pattern: null,
    rank_pattern: {},
    alpha_pattern: {},
    modules_to_save: null,
    use_rslora: false,
    use_dora: false,
  };
}

/**
 * Writes the frozen base of a LoRA model (its base parameters, adapters excluded) as a Hugging Face folder in
 * float32 (saveModel: config.json, generation_config.json, model.safetensors, and the tokenizer's files when given),
 * so that `AutoModelForCausalLM.from_pretrained(dir)` and rfai's `loadModel` give exactly the weights the adapters
 * were trained against. This is the base of a model that exists in no folder (a preset built with createModel).
 * Float32 always: the base is written once and the adapter's logits depend on it bit for bit.
 * @returns the folder's absolute path, the value to record as base_model_name_or_path
 */
async function saveLoraBase(model: CausalLM, dir: string, opts: { tokenizer?: Tokenizer } = {}): Promise<string> {
  await saveModel(model, dir, { dtype: 'F32', ...(opts.tokenizer ? { tokenizer: opts.tokenizer } : {}) });
  return resolve(dir);
}

/** Options of {@link saveAdapter}. */
export interface SaveAdapterOptions {
  /** Recorded as base_model_name_or_path: a Hub id or the base folder (prefer an absolute path). Default null. */
  baseModelNameOrPath?: string;
  /**
   * Also write the frozen base here ({@link saveLoraBase}) and record its absolute path as base_model_name_or_path,
   * so `AutoPeftModelForCausalLM.from_pretrained(dir)` loads the pair. For a base that has no folder (a preset).
   * Not together with baseModelNameOrPath.
   */
  saveBaseTo?: string;
  /** Tokenizer whose files go into the saveBaseTo folder. */
  tokenizer?: Tokenizer;
}

/**
 * Writes adapter_model.safetensors + adapter_config.json (PEFT layout; `PeftModel.from_pretrained(base, dir)`
 * loads them, and `AutoPeftModelForCausalLM.from_pretrained(dir)` too when base_model_name_or_path names a base
 * that exists: a Hub id, a folder, or the one written with `saveBaseTo`).
 * @throws ModelUsageError when both baseModelNameOrPath and saveBaseTo are given
 */
export async function saveAdapter(model: CausalLM, dir: string, opts: SaveAdapterOptions = {}): Promise<void> {
  if (opts.baseModelNameOrPath !== undefined && opts.saveBaseTo !== undefined) {
    throw new ModelUsageError('saveAdapter: give baseModelNameOrPath or saveBaseTo, not both (saveBaseTo records the folder it writes)');
  }
  const cfg = adapterConfig(model, null); // throws before anything is written when the model has no adapters
  cfg.base_model_name_or_path =
    opts.saveBaseTo !== undefined
      ? await saveLoraBase(model, opts.saveBaseTo, opts.tokenizer ? { tokenizer: opts.tokenizer } : {})
      : (opts.baseModelNameOrPath ?? null);
  await fsp.mkdir(dir, { recursive: true });
  await writeWeights(dir, adapterTensors(model), { name: 'adapter_model' });
  await fsp.writeFile(join(dir, 'adapter_config.json'), JSON.stringify(cfg, null, 2) + '\n');
}

/**
 * Attaches the adapter saved in `dir` (adapter_config.json + adapter_model.safetensors) to the model.
 * @throws ModelUsageError for a non-LoRA or malformed config, MissingTensorError / ShapeMismatchError naming the
 *   adapter tensor and file
 */
export async function loadAdapter(model: CausalLM, dir: string, opts: { seed?: number } = {}): Promise<AdapterConfig> {
  const cfgFile = join(dir, 'adapter_config.json');
  let cfg: AdapterConfig;
  try {
    cfg = JSON.parse(await fsp.readFile(cfgFile, 'utf8')) as AdapterConfig;
  } catch (e) {
    throw new ModelUsageError(`${cfgFile}: cannot read adapter config: ${(e as Error).message}`);
  }
  if (cfg.peft_type !== 'LORA') {
    throw new ModelUsageError(`${cfgFile}: peft_type ${JSON.stringify(cfg.peft_type)} is not supported; only "LORA" is`);
  }
  if (cfg.bias !== undefined && cfg.bias !== 'none') {
    throw new ModelUsageError(`${cfgFile}: bias ${JSON.stringify(cfg.bias)} is not supported; only "none" is`);
  }
  // PEFT options that change what the tensors mean: loading such an adapter as plain LoRA would compute another model.
  const empty = (v: unknown) => v === undefined || v === null || v === false || (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && Object.keys(v as object).length === 0);
  for (const field of ['fan_in_fan_out', 'use_rslora', 'use_dora', 'rank_pattern', 'alpha_pattern', 'layers_to_transform', 'modules_to_save']) {
    if (!empty(cfg[field])) {
      throw new ModelUsageError(`${cfgFile}: ${field} ${JSON.stringify(cfg[field])} is not supported; rfai loads plain LoRA adapters only`);
    }
  }
  applyLora(model, {
    r: cfg.r,
    alpha: cfg.lora_alpha,
    dropout: cfg.lora_dropout ?? 0,
    targetModules: cfg.target_modules,
    seed: opts.seed ?? 0,
  });
  const file = join(dir, 'adapter_model.safetensors');
  const src = await openWeights(dir, { name: 'adapter_model' });
  try {
    for (const [module, a] of model.lora) {
      for (const [part, v] of [
        ['lora_A', a.A],
        ['lora_B', a.B],
      ] as const) {
        const key = `${PEFT_PREFIX}${module}.${part}.weight`;
        if (!src.has(key)) throw new MissingTensorError(key, file, v.shape);
        const shape = src.info(key).shape;
        if (shape.length !== 2 || shape[0] !== v.shape[0] || shape[1] !== v.shape[1]) {
          throw new ShapeMismatchError(key, file, v.shape, shape);
        }
        const t = tf.tensor(await src.readFloat32(key), v.shape);
        v.assign(t);
        t.dispose();
      }
    }
  } catch (e) {
    for (const a of model.lora.values()) tf.dispose([a.A, a.B]);
    model.lora.clear();
    model.loraConfig = null;
    for (const v of model.params.values()) v.trainable = true;
    throw e;
  } finally {
    await src.close();
  }
  return cfg;
}
