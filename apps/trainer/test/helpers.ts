// Fixtures for the trainer's end-to-end tests: a tiny random Qwen checkpoint
// with the byte tokenizer, a few prompts, and a config pointing at them.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import YAML from 'yaml';
import { builtinTokenizer, createModel, saveModel, type ModelConfig } from '@rfai/models';

/** A qwen3 model small enough for the cpu backend: hidden 32, 2 layers, byte vocabulary. */
export const TINY_QWEN3: ModelConfig = {
  model_type: 'qwen3',
  architectures: ['Qwen3ForCausalLM'],
  vocab_size: 259,
  hidden_size: 32,
  intermediate_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  num_key_value_heads: 1,
  head_dim: 16,
  rms_norm_eps: 1e-6,
  rope_theta: 10000,
  max_position_embeddings: 256,
  tie_word_embeddings: true,
  bos_token_id: 256,
  eos_token_id: 256,
  attention_bias: false,
} as unknown as ModelConfig;

/** Writes a tiny random Hugging Face folder (config.json, model.safetensors, tokenizer files). */
export async function writeTinyModel(dir: string, config: ModelConfig = TINY_QWEN3, seed = 3): Promise<string> {
  const model = createModel(config, seed);
  const tok = builtinTokenizer('byte');
  await saveModel(model, dir, { tokenizer: tok });
  model.dispose();
  return dir;
}

export const PROMPTS = [
  { prompt: 'Write a Python function `add(a, b)` that returns the sum of a and b.', language: 'python' },
  { prompt: 'Write a Rust function `max_of(v: &[i32]) -> i32` returning the largest value.', language: 'rust' },
  { prompt: 'Write a TypeScript function `reverseString(s)` that reverses a string.', language: 'typescript' },
  { prompt: 'Write a C++ function `int square(int x)` that returns x squared.', language: 'cpp' },
  { prompt: 'Write a Python function `is_even(n)` that tells whether n is even.', language: 'python' },
  { prompt: 'Write a Go function `Sum(xs []int) int` that adds the numbers.', language: 'go' },
];

/** A temp workspace with model/, data/train.jsonl, data/eval.jsonl and config.yaml. */
export async function makeWorkspace(overrides: Record<string, unknown> = {}): Promise<{ dir: string; config: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rfai-train-'));
  await writeTinyModel(path.join(dir, 'model'));
  mkdirSync(path.join(dir, 'data'));
  const lines = PROMPTS.map((p, i) => JSON.stringify({ id: `t${i}`, ...p })).join('\n') + '\n';
  writeFileSync(path.join(dir, 'data', 'train.jsonl'), lines);
  writeFileSync(path.join(dir, 'data', 'eval.jsonl'), PROMPTS.slice(0, 3).map((p, i) => JSON.stringify({ id: `e${i}`, ...p })).join('\n') + '\n');
  const config = deepMerge(
    {
      model: { path: 'model', max_length: 128 },
      teacher: { provider: 'offline', cache: { enabled: false } },
      training: {
        output_dir: 'checkpoints',
        max_steps: 4,
        batch_size: 2,
        learning_rate: 0.01,
        warmup_steps: 1,
        save_steps: 2,
        eval_steps: 2,
        logging_steps: 1,
        seed: 11,
      },
      rfai: { num_samples_per_prompt: 2, max_new_tokens: 10 },
      data: { train_file: 'data/train.jsonl', eval_file: 'data/eval.jsonl', max_eval_samples: 3 },
      evaluation: { sampled_samples: 0 },
      logging: { tensorboard_dir: 'tb', run_name: 'r1', samples_to_log: 2 },
      hardware: { backend: 'cpu' },
    },
    overrides,
  );
  const file = path.join(dir, 'config.yaml');
  writeFileSync(file, YAML.stringify(config));
  return { dir, config: file };
}

function deepMerge(a: Record<string, any>, b: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && typeof a[k] === 'object' ? deepMerge(a[k], v) : v;
  }
  return out;
}

/** Captures what a command writes to stdout and stderr while `fn` runs. */
export async function capture<T>(fn: () => Promise<T>): Promise<{ result: T; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  (process.stdout as any).write = (s: string | Uint8Array) => (out.push(String(s)), true);
  (process.stderr as any).write = (s: string | Uint8Array) => (err.push(String(s)), true);
  // console.* as a CLI process has it (log/info to stdout, warn/error to stderr): jest's own console would otherwise
  // write a formatted block to process.stdout when a file runs in band, or to nowhere we capture under workers.
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  const line = (sink: string[]) => (...args: unknown[]) => void sink.push(format(...args) + '\n');
  console.log = line(out);
  console.info = line(out);
  console.warn = line(err);
  console.error = line(err);
  try {
    const result = await fn();
    return { result, stdout: out.join(''), stderr: err.join('') };
  } finally {
    (process.stdout as any).write = ow;
    (process.stderr as any).write = ew;
    Object.assign(console, saved);
  }
}
