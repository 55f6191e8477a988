/**
 * What differs between the decoder families, and the parameter table (Hugging Face key -> shape) of a config.
 * The per-family files (llama.ts, qwen2.ts, qwen3.ts) each describe one family; decoder.ts runs them.
 */
import type { ModelConfig, ModelType } from './config';
import { llamaArchitecture } from './llama';
import { qwen2Architecture } from './qwen2';
import { qwen3Architecture } from './qwen3';

/** The switches that tell the shared decoder how one family differs from plain Llama. */
export interface Architecture {
  /** config.json model_type. */
  readonly modelType: ModelType;
  /** q/k/v projections carry a bias. */
  qkvBias(config: ModelConfig): boolean;
  /** o_proj carries a bias. */
  outputBias(config: ModelConfig): boolean;
  /** Per-head RMSNorm of q and k (weight [D]) before RoPE (qwen3). */
  readonly qkNorm: boolean;
  /** Every parameter of the family for this config: Hugging Face key -> shape, in checkpoint order. */
  parameterShapes(config: ModelConfig): Map<string, number[]>;
}

/** The architecture of a config's model_type. */
export function architectureFor(config: ModelConfig): Architecture {
  switch (config.model_type) {
    case 'llama':
      return llamaArchitecture;
    case 'qwen2':
      return qwen2Architecture;
    case 'qwen3':
      return qwen3Architecture;
  }
}
