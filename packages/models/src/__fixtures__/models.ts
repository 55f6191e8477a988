/** TEST ONLY: tiny configs and helpers to build models from plain weight maps. */
import { tf } from '@rfai/core';
import { architectureFor } from '../architecture';
import { parseModelConfig, type ModelConfig } from '../config';
import { CausalLM } from '../decoder';
import { randomWeights } from './reference';

/** Tiny configs in the spirit of transformers' causal_lm_tester (vocab 99, hidden 32, 2 layers). */
export function tinyConfig(modelType: 'llama' | 'qwen2' | 'qwen3', extra: Partial<ModelConfig> = {}): ModelConfig {
  return parseModelConfig({
    model_type: modelType,
    vocab_size: 99,
    hidden_size: 32,
    intermediate_size: 48,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    ...(modelType === 'qwen3' ? { head_dim: 12 } : {}),
    rms_norm_eps: 1e-6,
    rope_theta: 10000,
    max_position_embeddings: 128,
    tie_word_embeddings: modelType === 'qwen3',
    eos_token_id: 98,
    ...extra,
  });
}

/** Fixture weights for a config plus a model holding copies of them. */
export function fixtureModel(config: ModelConfig, seed: number) {
  const weights = randomWeights(architectureFor(config).parameterShapes(config), seed);
  const params = new Map<string, tf.Variable>();
  for (const [k, w] of weights) {
    const t = tf.tensor(Float32Array.from(w.data), w.shape);
    params.set(k, tf.variable(t));
    t.dispose();
  }
  return { weights, model: new CausalLM(config, params) };
}
