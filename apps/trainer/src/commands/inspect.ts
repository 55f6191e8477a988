import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { parseArgs } from '../cli-args';
import { initBackend } from '@rfai/core';
import { CheckpointError, openWeights } from '@rfai/checkpoint-io';
import { ConfigError, resolveUserPath } from '@rfai/config';
import { architectureFor, headDim, loadModelConfig, loadTokenizer, ModelError } from '@rfai/models';
import { UsageError } from '../train/setup';
import { adapterBaseDir, loadModelFolder, modelFolderKind, NO_VERIFY_HELP, readAdapterConfig, verifyModelFolder } from './model-folder';

/**
 * `nx run trainer:inspect -- --model DIR [--base DIR] [--json] [--ids 1,2,3 --logits] [--backend auto|wasm|cpu] [--no-verify]`
 *
 * Prints the architecture, parameter count and stored dtype of a Hugging Face checkpoint folder, an rfai
 * checkpoint or a PEFT adapter folder (its rank, targets and base model too). With `--ids 1,2,3 --logits` it runs one forward pass and prints the float32 logits of every
 * position as `{"logits": [[...], ...]}` so the numbers can be compared with transformers:
 *   model(torch.tensor([[1, 2, 3]])).logits[0].tolist()
 * An rfai checkpoint is first checked against the sha256 manifest in its trainer_state.json (`--no-verify` skips it).
 * Exit 0 ok, 1 runtime failure (unreadable or inconsistent checkpoint), 2 bad usage (a missing folder, one that
 * holds no model, an adapter whose base cannot be found) or a checkpoint whose files do not match its manifest.
 */
export async function runInspect(argv: string[]): Promise<number> {
  const program = new Command('inspect')
    .description('Show a model folder\'s architecture, parameter count and dtype; optionally the logits for given ids.')
    .requiredOption('--model <dir>', 'model folder: config.json + model.safetensors (or shards + index), an rfai checkpoint, or a PEFT adapter folder')
    .option('--base <dir>', "base model folder of a PEFT adapter folder (default: its adapter_config.json's base_model_name_or_path, or the run's config for an rfai checkpoint)")
    .option('--json', 'print the summary as JSON')
    .option('--ids <list>', 'comma-separated token ids for --logits, e.g. 1,2,3', parseIds)
    .option('--logits', 'print {"logits": [[...V floats] per position]} for --ids (full float32)')
    .option('--backend <name>', 'tensor backend: auto | wasm | cpu (default auto)', 'auto')
    .option('--no-verify', NO_VERIFY_HELP)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const usage = parseArgs(program, argv);
  if (usage !== null) return usage;
  const opts = program.opts<{ model: string; base?: string; json?: boolean; ids?: number[]; logits?: boolean; backend: string; verify: boolean }>();
  if (opts.logits && !opts.ids) {
    process.stderr.write('inspect: --logits needs --ids, e.g. --ids 1,2,3 --logits\n');
    return 2;
  }
  if (opts.ids && !opts.logits) {
    process.stderr.write('inspect: --ids is only used with --logits; add --logits\n');
    return 2;
  }
  if (!['auto', 'wasm', 'cpu'].includes(opts.backend)) {
    process.stderr.write(`inspect: --backend must be auto, wasm or cpu, found "${opts.backend}"\n`);
    return 2;
  }
  const dir = resolveUserPath(opts.model);
  try {
    modelFolderKind(dir);
    if (opts.verify) await verifyModelFolder(dir);
    if (opts.logits && opts.ids) {
      await initBackend({ backend: opts.backend as 'auto' | 'wasm' | 'cpu' });
      const loaded = await loadModelFolder(dir, { base: opts.base });
      const model = loaded.model;
      try {
        const V = model.config.vocab_size;
        const bad = opts.ids.find((id) => id >= V);
        if (bad !== undefined) {
          process.stderr.write(`inspect: id ${bad} is outside the model's vocabulary [0, ${V})\n`);
          return 2;
        }
        const logits = model.forward([opts.ids]);
        const data = logits.dataSync();
        logits.dispose();
        const rows: number[][] = [];
        for (let t = 0; t < opts.ids.length; t++) rows.push(Array.from(data.subarray(t * V, (t + 1) * V)));
        process.stdout.write(JSON.stringify({ logits: rows }) + '\n');
      } finally {
        loaded.dispose();
      }
      return 0;
    }
    const summary = await summarize(dir, opts.base);
    if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else process.stdout.write(formatSummary(summary));
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      process.stderr.write(`inspect: ${e.message}\n`);
      return 2;
    }
    if (e instanceof ModelError || e instanceof CheckpointError) {
      process.stderr.write(`inspect: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** What `inspect` reports about a folder. */
export interface ModelSummary {
  dir: string;
  model_type: string;
  architectures: string[];
  num_hidden_layers: number;
  hidden_size: number;
  intermediate_size: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  head_dim: number;
  vocab_size: number;
  tie_word_embeddings: boolean;
  rope_theta: number;
  max_position_embeddings: number;
  /** Elements of every tensor the architecture uses (the base model's, for an adapter folder). */
  parameters: number;
  /** Stored dtypes with their tensor counts, e.g. {"BF16": 290} (of adapter_model.safetensors, for an adapter folder). */
  dtypes: Record<string, number>;
  /** Bytes of tensor data on disk (of the adapter, for an adapter folder). */
  bytes: number;
  /** The PEFT adapter, for an adapter folder; else null. */
  adapter: {
    r: number;
    lora_alpha: number;
    target_modules: string[];
    base_model_name_or_path: string | null;
    /** Elements of the adapter tensors. */
    parameters: number;
  } | null;
  /** config.json torch_dtype, when given. */
  torch_dtype: string | null;
  /** Tokenizer summary, or the reason it could not be loaded. */
  tokenizer: { kind: string; vocab_size: number; eos_token_id: number; pad_token_id: number } | { error: string };
}

/**
 * Reads config.json and the weight headers only (no tensor data). For an adapter folder: the architecture from
 * its config.json (rfai checkpoints keep one) or the base's, the dtypes and size of adapter_model.safetensors.
 */
async function summarize(dir: string, base?: string): Promise<ModelSummary> {
  const isAdapter = modelFolderKind(dir) === 'adapter';
  const adapterConfig = isAdapter ? readAdapterConfig(dir) : null;
  const configDir = isAdapter && (base !== undefined || !existsSync(path.join(dir, 'config.json'))) ? adapterBaseDir(dir, base) : dir;
  const config = await loadModelConfig(configDir);
  const shapes = architectureFor(config).parameterShapes(config);
  const src = await openWeights(dir, isAdapter ? { name: 'adapter_model' } : {});
  const dtypes: Record<string, number> = {};
  let bytes = 0;
  let parameters = 0;
  let stored = 0;
  try {
    for (const name of src.names()) {
      const info = src.info(name);
      dtypes[info.dtype] = (dtypes[info.dtype] ?? 0) + 1;
      bytes += info.byteLength;
      stored += info.shape.reduce((a, b) => a * b, 1);
    }
    for (const [, shape] of shapes) parameters += shape.reduce((a, b) => a * b, 1);
  } finally {
    await src.close();
  }
  let tokenizer: ModelSummary['tokenizer'];
  try {
    const hasOwn = existsSync(path.join(dir, 'tokenizer_config.json')) || existsSync(path.join(dir, 'tokenizer.json'));
    const t = loadTokenizer(hasOwn ? dir : configDir);
    tokenizer = { kind: t.kind, vocab_size: t.vocabSize, eos_token_id: t.eosTokenId, pad_token_id: t.padTokenId };
  } catch (e) {
    tokenizer = { error: (e as Error).message };
  }
  return {
    dir,
    model_type: config.model_type,
    architectures: config.architectures ?? [],
    num_hidden_layers: config.num_hidden_layers,
    hidden_size: config.hidden_size,
    intermediate_size: config.intermediate_size,
    num_attention_heads: config.num_attention_heads,
    num_key_value_heads: config.num_key_value_heads,
    head_dim: headDim(config),
    vocab_size: config.vocab_size,
    tie_word_embeddings: config.tie_word_embeddings,
    rope_theta: config.rope_theta,
    max_position_embeddings: config.max_position_embeddings,
    parameters,
    dtypes,
    bytes,
    adapter: adapterConfig
      ? {
          r: adapterConfig.r,
          lora_alpha: adapterConfig.lora_alpha,
          target_modules: adapterConfig.target_modules,
          base_model_name_or_path: adapterConfig.base_model_name_or_path ?? null,
          parameters: stored,
        }
      : null,
    torch_dtype: typeof config.torch_dtype === 'string' ? config.torch_dtype : null,
    tokenizer,
  };
}

function formatSummary(s: ModelSummary): string {
  const millions = (s.parameters / 1e6).toFixed(s.parameters < 1e7 ? 3 : 1);
  const dt = Object.entries(s.dtypes)
    .map(([d, n]) => `${d} x${n}`)
    .join(', ');
  const tok = 'error' in s.tokenizer ? `unavailable (${s.tokenizer.error})` : `${s.tokenizer.kind}, vocab ${s.tokenizer.vocab_size}, eos ${s.tokenizer.eos_token_id}, pad ${s.tokenizer.pad_token_id}`;
  return (
    `${s.dir}\n` +
    `  architecture  ${s.model_type} (${s.architectures.join(', ') || 'no architectures field'})\n` +
    `  layers        ${s.num_hidden_layers} x hidden ${s.hidden_size}, MLP ${s.intermediate_size}\n` +
    `  attention     ${s.num_attention_heads} heads, ${s.num_key_value_heads} KV heads, head_dim ${s.head_dim}, rope_theta ${s.rope_theta}\n` +
    `  vocabulary    ${s.vocab_size}${s.tie_word_embeddings ? ' (tied embeddings)' : ''}, max positions ${s.max_position_embeddings}\n` +
    `  parameters    ${s.parameters} (${millions} M)\n` +
    (s.adapter
      ? `  adapter       LoRA r=${s.adapter.r} alpha=${s.adapter.lora_alpha} on ${s.adapter.target_modules.join(', ')}: ${s.adapter.parameters} parameters, ` +
        `base ${s.adapter.base_model_name_or_path ?? '(not recorded)'}\n`
      : '') +
    `  stored dtype  ${dt} (${(s.bytes / 2 ** 20).toFixed(1)} MiB${s.adapter ? ', adapter_model.safetensors' : ''})${s.torch_dtype ? `, config torch_dtype ${s.torch_dtype}` : ''}\n` +
    `  tokenizer     ${tok}\n`
  );
}

function parseIds(value: string): number[] {
  const ids = value.split(',').map((s) => s.trim());
  if (ids.length === 0 || ids.some((s) => !/^\d+$/.test(s))) {
    throw new InvalidArgumentError('expected comma-separated non-negative integers, e.g. 1,2,3');
  }
  return ids.map(Number);
}
