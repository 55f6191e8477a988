import { existsSync, readFileSync, statSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { parseArgs } from '../cli-args';
import { CheckpointError } from '@rfai/checkpoint-io';
import { ConfigError, resolveUserPath } from '@rfai/config';
import { initBackend, Rng } from '@rfai/core';
import { generate, ModelError } from '@rfai/models';
import { UsageError } from '../train/setup';
import { loadModelFolder, modelFolderKind, NO_VERIFY_HELP, verifyModelFolder } from './model-folder';

/**
 * `nx run trainer:generate -- --model DIR [--base DIR] (--prompt TEXT | --prompt-file FILE) [--max-new-tokens N] [--temperature T] [--seed S]
 *   [--top-k K] [--top-p P] [--stop STR ...] [--template auto|chat|raw] [--json] [--backend auto|wasm|cpu] [--no-verify]`
 *
 * Prints the completion of one prompt (to stdout; speed and finish reason to stderr).
 * nx runs its targets through a shell (nx:run-commands joins the arguments into one command line), so backticks,
 * `$( )`, `$NAME` and backslashes inside `--prompt` are run or expanded there; `--prompt-file` passes such a prompt
 * unchanged.
 * DIR is a Hugging Face model folder, an rfai checkpoint, or a PEFT adapter folder (loaded on its base model). An
 * rfai checkpoint is first checked against the sha256 manifest in its trainer_state.json (`--no-verify` skips it).
 * Exit 0 ok, 1 runtime failure (unreadable checkpoint or tokenizer), 2 bad usage (a missing folder, one that holds
 * no model, an adapter whose base cannot be found) or a checkpoint whose files do not match its manifest.
 */
export async function runGenerate(argv: string[]): Promise<number> {
  const program = new Command('generate')
    .description('Generate a completion for one prompt with a model folder (config.json + weights + tokenizer files).')
    .requiredOption('--model <dir>', 'model folder: Hugging Face layout, an rfai checkpoint, or a PEFT adapter folder (adapter_config.json + adapter_model.safetensors)')
    .option('--base <dir>', "base model folder of a PEFT adapter folder (default: its adapter_config.json's base_model_name_or_path, or the run's config for an rfai checkpoint)")
    .option('--prompt <text>', 'the prompt text (or --prompt-file)')
    .option('--prompt-file <file>', 'read the prompt from a UTF-8 file (one final newline dropped); safe under nx for backticks, $ and backslashes')
    .option('--max-new-tokens <n>', 'most new tokens, integer >= 1 (default 128)', intArg(1), 128)
    .option('--temperature <t>', 'sampling temperature >= 0; 0 = greedy (default 0.7)', floatArg(0, Infinity), 0.7)
    .option('--top-k <k>', 'keep the k most likely tokens; 0 = off (default 0)', intArg(0), 0)
    .option('--top-p <p>', 'nucleus sampling mass in (0, 1]; 1 = off (default 1)', floatArg(0, 1, true), 1)
    .option('--seed <s>', 'sampling seed, integer (default 0)', intArg(0), 0)
    .option('--stop <str>', 'stop string (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--template <mode>', 'auto (chat template for Hugging Face tokenizers, raw for byte), chat or raw', 'auto')
    .option('--json', 'print the full result as JSON: ids, text, logprobs, finish_reason, timing')
    .option('--backend <name>', 'tensor backend: auto | wasm | cpu (default auto)', 'auto')
    .option('--no-verify', NO_VERIFY_HELP)
    .addHelpText('after', PROMPT_FILE_HELP)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const usage = parseArgs(program, argv);
  if (usage !== null) return usage;
  const o = program.opts<{
    model: string;
    base?: string;
    prompt?: string;
    promptFile?: string;
    maxNewTokens: number;
    temperature: number;
    topK: number;
    topP: number;
    seed: number;
    stop: string[];
    template: string;
    json?: boolean;
    backend: string;
    verify: boolean;
  }>();
  if (!['auto', 'chat', 'raw'].includes(o.template)) {
    process.stderr.write(`generate: --template must be auto, chat or raw, found "${o.template}"\n`);
    return 2;
  }
  if (!['auto', 'wasm', 'cpu'].includes(o.backend)) {
    process.stderr.write(`generate: --backend must be auto, wasm or cpu, found "${o.backend}"\n`);
    return 2;
  }
  const prompt = readPrompt(o.prompt, o.promptFile);
  if (typeof prompt !== 'string') {
    process.stderr.write(`generate: ${prompt.error}\n`);
    return 2;
  }
  const dir = resolveUserPath(o.model);
  try {
    modelFolderKind(dir); // a missing or wrong folder is bad usage, reported before the backend starts
    if (o.verify) await verifyModelFolder(dir);
    const backend = await initBackend({ backend: o.backend as 'auto' | 'wasm' | 'cpu' });
    const loaded = await loadModelFolder(dir, { base: o.base });
    const { model, tokenizer } = loaded;
    try {
      const chat = o.template === 'chat' || (o.template === 'auto' && tokenizer.kind === 'huggingface');
      const text = chat ? tokenizer.applyChatTemplate([{ role: 'user', content: prompt }], { addGenerationPrompt: true }) : prompt;
      const promptIds = tokenizer.encode(text);
      const t0 = performance.now();
      const [r] = generate(model, [promptIds], {
        maxNewTokens: o.maxNewTokens,
        temperature: o.temperature,
        topK: o.topK,
        topP: o.topP,
        greedy: o.temperature === 0,
        stopStrings: o.stop,
        tokenizer,
        rng: new Rng(o.seed),
      });
      const seconds = (performance.now() - t0) / 1000;
      const tps = r.ids.length / seconds;
      if (o.json) {
        process.stdout.write(
          JSON.stringify({
            prompt_ids: promptIds,
            ids: r.ids,
            text: r.text,
            logprobs: r.logprobs,
            finish_reason: r.finishReason,
            seconds,
            tokens_per_s: tps,
            backend: backend.name,
          }) + '\n',
        );
      } else {
        process.stdout.write(r.text + '\n');
        process.stderr.write(
          `[${r.ids.length} tokens, ${r.finishReason}, ${tps.toFixed(1)} tok/s on ${backend.name}, prompt ${promptIds.length} tokens${chat ? ' (chat template)' : ''}]\n`,
        );
      }
    } finally {
      loaded.dispose();
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      process.stderr.write(`generate: ${e.message}\n`);
      return 2;
    }
    if (e instanceof ModelError || e instanceof CheckpointError) {
      process.stderr.write(`generate: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

const PROMPT_FILE_HELP = `
Prompts with backticks, $ or backslashes: \`npx nx run trainer:generate -- ...\` hands the arguments to a
shell once more (nx joins them into one command line), which runs \`...\` and $( ) and expands $NAME and \\.
Write the prompt to a file and pass --prompt-file FILE, or run the command without nx:
  node --import tsx apps/trainer/src/main.ts generate --model DIR --prompt '...'
`;

/** The prompt from --prompt or --prompt-file (exactly one), or the usage error to print. */
export function readPrompt(text: string | undefined, file: string | undefined): string | { error: string } {
  if (text !== undefined && file !== undefined) return { error: 'pass the prompt with --prompt or --prompt-file, not both' };
  if (text !== undefined) return text;
  if (file === undefined) return { error: "give the prompt with --prompt TEXT or --prompt-file FILE (the file is safe for backticks and $( ) under nx)" };
  const p = resolveUserPath(file);
  if (!existsSync(p)) return { error: `--prompt-file: ${p} does not exist. Write the prompt to that file, or pass --prompt TEXT.` };
  if (statSync(p).isDirectory()) return { error: `--prompt-file: ${p} is a folder; pass a text file holding the prompt.` };
  const content = readFileSync(p, 'utf8').replace(/^\uFEFF/, '').replace(/\r?\n$/, '');
  if (content === '') return { error: `--prompt-file: ${p} is empty; write the prompt into it.` };
  return content;
}

function intArg(min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return n;
  };
}

function floatArg(min: number, max: number, exclusiveMin = false) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || (exclusiveMin ? n <= min : n < min) || n > max) {
      throw new InvalidArgumentError(`expected a number in ${exclusiveMin ? '(' : '['}${min}, ${max === Infinity ? 'inf)' : `${max}]`}`);
    }
    return n;
  };
}
