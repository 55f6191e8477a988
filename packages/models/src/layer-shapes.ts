/**
 * The parameter table every family shares (a Llama decoder); families add their extras on top.
 * Letters: V vocab_size, E hidden_size, F intermediate_size, H heads, KV key/value heads, D head_dim.
 */
import { headDim, type ModelConfig } from './config';

/** Options for {@link decoderParameterShapes}. */
export interface DecoderShapeOptions {
  qkvBias: boolean;
  outputBias: boolean;
  qkNorm: boolean;
}

/** Hugging Face key -> shape for a Llama-style decoder with the given extras. Linear weights are [out, in]. */
export function decoderParameterShapes(config: ModelConfig, o: DecoderShapeOptions): Map<string, number[]> {
  const V = config.vocab_size;
  const E = config.hidden_size;
  const F = config.intermediate_size;
  const H = config.num_attention_heads;
  const KV = config.num_key_value_heads;
  const D = headDim(config);
  const m = new Map<string, number[]>();
  m.set('model.embed_tokens.weight', [V, E]);
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const p = `model.layers.${i}`;
    m.set(`${p}.input_layernorm.weight`, [E]);
    m.set(`${p}.self_attn.q_proj.weight`, [H * D, E]);
    if (o.qkvBias) m.set(`${p}.self_attn.q_proj.bias`, [H * D]);
    m.set(`${p}.self_attn.k_proj.weight`, [KV * D, E]);
    if (o.qkvBias) m.set(`${p}.self_attn.k_proj.bias`, [KV * D]);
    m.set(`${p}.self_attn.v_proj.weight`, [KV * D, E]);
    if (o.qkvBias) m.set(`${p}.self_attn.v_proj.bias`, [KV * D]);
    if (o.qkNorm) {
      m.set(`${p}.self_attn.q_norm.weight`, [D]);
      m.set(`${p}.self_attn.k_norm.weight`, [D]);
    }
    m.set(`${p}.self_attn.o_proj.weight`, [E, H * D]);
    if (o.outputBias) m.set(`${p}.self_attn.o_proj.bias`, [E]);
    m.set(`${p}.post_attention_layernorm.weight`, [E]);
    m.set(`${p}.mlp.gate_proj.weight`, [F, E]);
    m.set(`${p}.mlp.up_proj.weight`, [F, E]);
    m.set(`${p}.mlp.down_proj.weight`, [E, F]);
  }
  m.set('model.norm.weight', [E]);
  if (!config.tie_word_embeddings) m.set('lm_head.weight', [V, E]);
  return m;
}
