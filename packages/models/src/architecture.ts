/**
 * What differs between the decoder families, and the parameter table (Hugging Face key -> shape) of a config.
 * The per-family files (llama.ts, qwen2.ts, qwen3.ts) each describe one family; decoder.ts runs them.
 */
import type { ModelConfig } from './config';
import type { Architecture } from './family';
import { llamaArchitecture } from './llama';
import { qwen2Architecture } from './qwen2';
import { qwen3Architecture } from './qwen3';

export type { Architecture } from './family';

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
