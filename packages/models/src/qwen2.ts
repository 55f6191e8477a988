/**
 * Qwen2 / Qwen2.5 (transformers' modeling_qwen2.py): Llama with biases on q_proj, k_proj and v_proj (always,
 * whatever attention_bias says) and none on o_proj.
 *   q_proj.weight [H*D, E] + bias [H*D]; k_proj/v_proj.weight [KV*D, E] + bias [KV*D]; o_proj.weight [E, H*D]
 */
import type { Architecture } from './family';
import { decoderParameterShapes } from './layer-shapes';

/** Qwen2: q/k/v biases, no q/k norm. */
export const qwen2Architecture: Architecture = {
  modelType: 'qwen2',
  qkvBias: () => true,
  outputBias: () => false,
  qkNorm: false,
  parameterShapes: (c) => decoderParameterShapes(c, { qkvBias: true, outputBias: false, qkNorm: false }),
};
