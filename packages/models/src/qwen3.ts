/**
 * Qwen3 (transformers' modular_qwen3.py): Qwen2 without q/k/v biases (attention_bias, default false) plus a
 * per-head RMSNorm of q and k over head_dim, applied BEFORE RoPE; head_dim is explicit in config.json and may
 * differ from hidden_size / num_attention_heads.
 *   q_norm.weight [D], k_norm.weight [D]; q_proj.weight [H*D, E]; o_proj.weight [E, H*D]
 */
import type { Architecture } from './family';
import { decoderParameterShapes } from './layer-shapes';

/** Qwen3: q_norm/k_norm per head before RoPE; q/k/v biases only with attention_bias. */
export const qwen3Architecture: Architecture = {
  modelType: 'qwen3',
  qkvBias: (c) => c.attention_bias === true,
  outputBias: () => false,
  qkNorm: true,
  parameterShapes: (c) =>
    decoderParameterShapes(c, { qkvBias: c.attention_bias === true, outputBias: false, qkNorm: true }),
};
