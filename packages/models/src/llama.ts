/**
 * Llama (transformers' modeling_llama.py): RMSNorm -> GQA attention with RoPE -> RMSNorm -> SwiGLU MLP, pre-norm
 * residuals. Biases on q/k/v/o only when config.attention_bias. This is the base the Qwen families modify.
 */
import type { Architecture } from './family';
import { decoderParameterShapes } from './layer-shapes';

/** Llama: no q/k norm; attention_bias adds biases to q, k, v and o. */
export const llamaArchitecture: Architecture = {
  modelType: 'llama',
  qkvBias: (c) => c.attention_bias === true,
  outputBias: (c) => c.attention_bias === true,
  qkNorm: false,
  parameterShapes: (c) =>
    decoderParameterShapes(c, { qkvBias: c.attention_bias === true, outputBias: c.attention_bias === true, qkNorm: false }),
};
