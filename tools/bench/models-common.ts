// Shared helpers of the @rfai/models benchmarks (models-generate.ts, models-train.ts).
import { tf } from '../../packages/core/src/index';
import type { ModelConfig } from '../../packages/models/src/index';

/** Qwen2.5-0.5B's shape (config.json of Qwen/Qwen2.5-0.5B), random weights. */
export const QWEN25_05B: ModelConfig = {
  model_type: 'qwen2',
  vocab_size: 151936,
  hidden_size: 896,
  intermediate_size: 4864,
  num_hidden_layers: 24,
  num_attention_heads: 14,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-6,
  rope_theta: 1000000,
  max_position_embeddings: 32768,
  tie_word_embeddings: true,
  eos_token_id: 151643,
};

/** `--name=value` from argv. */
export function arg(name: string): string | undefined {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit?.slice(name.length + 3);
}

/** Median GFLOP/s of a square 1024 matmul on the current backend (the MFU denominator, as tools/bench/matmul.ts). */
export function matmulGflops(n = 1024, runs = 5): number {
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  tf.matMul(a, b).dispose();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    times.push(performance.now() - t0);
    c.dispose();
  }
  tf.dispose([a, b]);
  times.sort((x, y) => x - y);
  return (2 * n * n * n) / (times[Math.floor(runs / 2)] / 1000) / 1e9;
}

/** Parameters of the linear layers (no embedding / LM head): the 6*N*tokens part of the training FLOPs. */
export function nonEmbeddingParams(c: ModelConfig): number {
  const E = c.hidden_size;
  const D = c.head_dim ?? E / c.num_attention_heads;
  const q = E * c.num_attention_heads * D;
  const kv = 2 * E * c.num_key_value_heads * D;
  const o = c.num_attention_heads * D * E;
  const mlp = 3 * E * c.intermediate_size;
  return c.num_hidden_layers * (q + kv + o + mlp);
}

/**
 * Forward FLOPs of one packed batch: 2 * linear params per token, attention (q k^T and p v: 4 * T^2 * H * D per
 * row and layer, full square as computed), and the LM head on the completion positions only.
 */
export function forwardFlops(c: ModelConfig, rows: number, seqLen: number, headPositions: number): number {
  const D = c.head_dim ?? c.hidden_size / c.num_attention_heads;
  const linear = 2 * nonEmbeddingParams(c) * rows * seqLen;
  const attn = 4 * seqLen * seqLen * c.num_attention_heads * D * c.num_hidden_layers * rows;
  const head = 2 * c.vocab_size * c.hidden_size * rows * headPositions;
  return linear + attn + head;
}

/** Mean milliseconds of fn over reps calls after one warm-up call (each result disposed). */
export function timeMs(fn: () => { dispose(): void }, reps: number): number {
  fn().dispose();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn().dispose();
  return (performance.now() - t0) / reps;
}
