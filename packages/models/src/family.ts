/**
 * The switches that tell the shared decoder how one model family differs from plain Llama. Each family file
 * (llama.ts, qwen2.ts, qwen3.ts) implements this; architecture.ts picks one by `model_type`.
 */
import type { ModelConfig, ModelType } from './config';

/** What differs between the decoder families. */
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
