/**
 * Loading and saving models in the Hugging Face folder layout: config.json + model.safetensors (or shards with
 * model.safetensors.index.json) + tokenizer files. F32, F16 and BF16 weights load as float32, one tensor at a
 * time, so peak memory stays near the model's float32 size.
 */
import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { tf } from '@rfai/core';
import { openWeights, writeWeights, type TensorData, type WeightSource } from '@rfai/checkpoint-io';
import { architectureFor } from './architecture';
import { architectureClass, eosTokenIds, parseModelConfig, type ModelConfig } from './config';
import { CausalLM } from './decoder';
import { MissingTensorError, ModelConfigError, ShapeMismatchError, UnexpectedTensorError } from './errors';
import { mergedTensors } from './lora';
import type { Tokenizer } from './tokenizer';

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** Reject checkpoint tensors the architecture does not use (default true). Rotary inv_freq buffers are always ignored. */
  strict?: boolean;
}

/**
 * Reads and validates `dir/config.json`.
 * @throws ModelConfigError when the file is missing or not JSON, UnsupportedModelError for other model types
 */
export async function loadModelConfig(dir: string): Promise<ModelConfig> {
  const file = join(dir, 'config.json');
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch {
    throw new ModelConfigError(
      `${file}: not found; a model folder needs config.json (Hugging Face layout) next to model.safetensors.`,
      file,
      '',
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ModelConfigError(`${file}: invalid JSON: ${(e as Error).message}`, file, '');
  }
  return parseModelConfig(raw, file);
}

/** Which file of `dir` holds each tensor (from the shard index when there is one). */
async function tensorFiles(dir: string): Promise<(key: string) => string> {
  const index = join(dir, 'model.safetensors.index.json');
  if (!existsSync(join(dir, 'model.safetensors')) && existsSync(index)) {
    try {
      const map = (JSON.parse(await fsp.readFile(index, 'utf8')) as { weight_map?: Record<string, string> }).weight_map ?? {};
      return (key) => (map[key] ? join(dir, map[key]) : index);
    } catch {
      return () => index;
    }
  }
  return () => join(dir, 'model.safetensors');
}

const IGNORED = /(^|\.)rotary_emb\.inv_freq$/;

/**
 * Loads a Hugging Face checkpoint folder (llama, qwen2, qwen3) as float32 variables under their Hugging Face keys.
 * Every tensor is checked (presence, shape) before any is read.
 *
 * @param dir folder with config.json and model.safetensors or model.safetensors.index.json + shards
 * @returns a model that owns its variables (call `.dispose()`)
 * @throws UnsupportedModelError, ModelConfigError (config), MissingTensorError (key, file, expected shape),
 *   ShapeMismatchError (key, file, expected and found shape), UnexpectedTensorError (strict), and
 *   @rfai/checkpoint-io's CheckpointError for unreadable files
 */
export async function loadModel(dir: string, opts: LoadModelOptions = {}): Promise<CausalLM> {
  const config = await loadModelConfig(dir);
  const shapes = architectureFor(config).parameterShapes(config);
  const fileOf = await tensorFiles(dir);
  const src: WeightSource = await openWeights(dir);
  const params = new Map<string, tf.Variable>();
  try {
    for (const [key, shape] of shapes) {
      if (!src.has(key)) throw new MissingTensorError(key, fileOf(key), shape);
      const found = src.info(key).shape;
      if (found.length !== shape.length || found.some((d, i) => d !== shape[i])) {
        throw new ShapeMismatchError(key, fileOf(key), shape, found);
      }
    }
    const extra = src
      .names()
      .filter((n) => !shapes.has(n) && !IGNORED.test(n) && !(config.tie_word_embeddings && n === 'lm_head.weight'));
    if (extra.length && opts.strict !== false) throw new UnexpectedTensorError(extra, dir);
    for (const [key, shape] of shapes) {
      const data = await src.readFloat32(key);
      const t = tf.tensor(data, shape, 'float32');
      params.set(key, tf.variable(t, true));
      t.dispose();
    }
  } catch (e) {
    for (const v of params.values()) v.dispose();
    throw e;
  } finally {
    await src.close();
  }
  return new CausalLM(config, params);
}

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /** Stored dtype: 'F32' (default, bit-exact) or 'BF16' (round to nearest even; half the size). */
  dtype?: 'F32' | 'BF16';
  /** Also write the tokenizer's files (tokenizer.json, tokenizer_config.json). */
  tokenizer?: Tokenizer;
  /** Split into shards with an index above this many bytes (default 5 GB, as transformers). */
  maxShardBytes?: number;
}

/** The model's base parameters as named float32 arrays (copies), in checkpoint order. Adapters are not included. */
export function modelTensors(model: CausalLM): Record<string, TensorData> {
  const out: Record<string, TensorData> = {};
  for (const [key, v] of model.params) {
    out[key] = { dtype: 'F32', shape: v.shape.slice(), data: v.dataSync() as Float32Array };
  }
  return out;
}

/**
 * Writes the model in the Hugging Face layout so transformers' AutoModelForCausalLM.from_pretrained loads it:
 * config.json (torch_dtype and architectures set), generation_config.json, model.safetensors (or shards +
 * index), and the tokenizer files when a tokenizer is given. With tied embeddings `lm_head.weight` is not
 * written. LoRA adapters are not included (use saveAdapter, or mergeLora first).
 */
export async function saveModel(model: CausalLM, dir: string, opts: SaveModelOptions = {}): Promise<void> {
  await writeModelFolder(model, modelTensors(model), dir, opts);
}

/**
 * Writes the model with its LoRA adapters merged into the base weights (W + alpha/r * B A) as a full Hugging
 * Face folder, like {@link saveModel}: transformers loads it without PEFT and rfai's loadModel reloads the same
 * logits. The model keeps its adapters (nothing is mutated). Without adapters it equals saveModel.
 */
export async function saveMergedModel(model: CausalLM, dir: string, opts: SaveModelOptions = {}): Promise<void> {
  await writeModelFolder(model, mergedTensors(model), dir, opts);
}

async function writeModelFolder(model: CausalLM, tensors: Record<string, TensorData>, dir: string, opts: SaveModelOptions): Promise<void> {
  const dtype = opts.dtype ?? 'F32';
  await fsp.mkdir(dir, { recursive: true });
  const config: ModelConfig = {
    ...model.config,
    architectures: [architectureClass(model.config.model_type)],
    torch_dtype: dtype === 'BF16' ? 'bfloat16' : 'float32',
  };
  await fsp.writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  const eos = eosTokenIds(config);
  const gen = {
    bos_token_id: config.bos_token_id ?? null,
    eos_token_id: eos.length === 1 ? eos[0] : eos,
    pad_token_id: config.pad_token_id ?? opts.tokenizer?.padTokenId ?? null,
  };
  await fsp.writeFile(join(dir, 'generation_config.json'), JSON.stringify(gen, null, 2) + '\n');
  await writeWeights(dir, tensors, {
    castFloatTo: dtype,
    ...(opts.maxShardBytes !== undefined ? { maxShardBytes: opts.maxShardBytes } : {}),
  });
  if (opts.tokenizer) {
    for (const [name, text] of Object.entries(opts.tokenizer.files())) await fsp.writeFile(join(dir, name), text);
  }
}
