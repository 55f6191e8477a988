/** Building a randomly initialised model from a config or preset. */
import { Rng, tf } from '@rfai/core';
import { architectureFor } from './architecture';
import { parseModelConfig, presetConfig, type ModelConfig, type PresetName, type TokenizerKind } from './config';
import { CausalLM } from './decoder';

/** Options of {@link createModel}. */
export interface CreateModelOptions {
  /** Standard deviation of the normal init of linear and embedding weights; default config.initializer_range or 0.02. */
  initializerRange?: number;
}

/**
 * A seeded, randomly initialised model (like transformers' _init_weights): linear and embedding weights
 * ~ N(0, initializer_range^2), biases 0, norm weights 1. The same config and seed give the same bytes.
 *
 * @param config a config object in Hugging Face spelling (validated with parseModelConfig)
 * @param seed integer seed of the @rfai/core Rng used for the init
 * @returns a model that owns its variables (call `.dispose()`)
 */
export function createModel(config: ModelConfig, seed: number, opts: CreateModelOptions = {}): CausalLM {
  const cfg = parseModelConfig(config);
  const std = opts.initializerRange ?? (typeof cfg.initializer_range === 'number' ? cfg.initializer_range : 0.02);
  const rng = new Rng(seed);
  const params = new Map<string, tf.Variable>();
  for (const [key, shape] of architectureFor(cfg).parameterShapes(cfg)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (key.endsWith('norm.weight')) data.fill(1);
    else if (!key.endsWith('.bias')) for (let j = 0; j < size; j++) data[j] = rng.normal() * std;
    const t = tf.tensor(data, shape, 'float32');
    params.set(key, tf.variable(t, true));
    t.dispose();
  }
  return new CausalLM(cfg, params);
}

/**
 * A preset student: `createModel(presetConfig(name, tokenizer), seed)`.
 * @param name 'tiny' | 'small' | 'base'
 * @param tokenizer 'byte' (default) or 'qwen'
 */
export function createPresetModel(name: PresetName, seed: number, tokenizer: TokenizerKind = 'byte'): CausalLM {
  return createModel(presetConfig(name, tokenizer), seed);
}
