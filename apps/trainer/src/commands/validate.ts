import { existsSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { parseDocument } from 'yaml';
import { ConfigError, configHash, defaultConfigPath, loadConfig, resolveConfigPath, teacherApiKeyEnv, type LoadedConfig } from '@rfai/config';
import { DatasetError } from '@rfai/datasets';
import { collect, parseArgs } from '../cli-args';
import { loadSplits, UsageError } from '../train/setup';

/**
 * `nx run trainer:validate -- --config FILE [--set key=value ...]`
 * Exit 0 with a one-line summary when the config is valid and the files it
 * names (model.path, data.train_file, data.eval_file, sft.train_file) exist
 * and load as training would load them; exit 2 with every problem
 * (file:line:column, key, expected, found) when not. An empty config file is
 * an error (write `{}` to mean every default).
 */
export async function runValidate(argv: string[]): Promise<number> {
  const program = new Command('validate')
    .description('Load and validate a config.yaml and the files it names (model.path, data and sft prompts); print a one-line summary. An empty file is an error: write {} for every default.')
    .option('--config <file>', 'config file (default: config.yaml)')
    .option('--set <key=value>', 'override a config key, typed by the schema (repeatable)', collect, [] as string[])
    .option('--json', 'print the full resolved config as JSON instead of the summary')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const usage = parseArgs(program, argv);
  if (usage !== null) return usage;
  const opts = program.opts<{ config?: string; set: string[]; json?: boolean }>();
  const file = defaultConfigPath(opts.config);
  try {
    rejectEmptyFile(file);
    const loaded = loadConfig(file, { overrides: opts.set });
    const { config } = loaded;
    const fileProblems = await checkFiles(loaded);
    if (fileProblems.length > 0) {
      process.stderr.write(`Invalid configuration ${file}:\n${fileProblems.map((m) => `  ${m.replace(/\n/g, '\n  ')}\n`).join('')}`);
      return 2;
    }
    if (opts.json) {
      process.stdout.write(JSON.stringify(config, null, 2) + '\n');
      return 0;
    }
    const model = config.model.path ? `model ${config.model.path}` : `model preset ${config.model.preset} (${config.model.tokenizer} tokenizer)`;
    const lora = config.model.lora.enabled ? ` + LoRA r=${config.model.lora.r}` : '';
    const keyEnv = teacherApiKeyEnv(config);
    const teacher = `teacher ${config.teacher.provider}${config.teacher.model_name ? `/${config.teacher.model_name}` : ''}${keyEnv ? ` (key from $${keyEnv})` : ''}`;
    const steps = config.training.max_steps !== null ? `${config.training.max_steps} steps` : `${config.training.num_epochs} epochs`;
    process.stdout.write(
      `OK ${file}: ${model}${lora}, ${teacher}, ${steps} x ${config.training.batch_size} prompts x ${config.rfai.num_samples_per_prompt} samples, ` +
        `${config.rfai.advantage_estimator} + ${config.rfai.kl_estimator} KL (coef ${config.rfai.kl_coef}), hash ${configHash(config).slice(0, 12)}\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(e.message + '\n');
      return e.exitCode;
    }
    throw e;
  }
}

/**
 * An empty config file (nothing but whitespace and comments) is most likely a mistake: a failed download, an
 * editor that did not save, the wrong path. Loading it would silently give every default, so it is refused.
 * @throws ConfigError
 */
function rejectEmptyFile(file: string): void {
  if (!existsSync(file)) return; // loadConfig reports a missing file
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return; // a directory or an unreadable file: loadConfig reports it
  }
  const doc = parseDocument(text.replace(/^\uFEFF/, ''));
  if (doc.errors.length > 0 || doc.contents !== null) return;
  throw new ConfigError(
    [
      {
        file,
        keyPath: '',
        expected: 'at least one section (model, teacher, training, rfai, data, ...), or {} for every default',
        found: text.trim() === '' ? 'an empty file' : 'only comments',
        hint:
          'A minimal config names what differs from the defaults, e.g. "training: {max_steps: 10}"; ' +
          'write {} to use every default on purpose. The repository\'s config.yaml lists every key with its default.',
      },
    ],
    'Config file is empty',
  );
}

/**
 * Checks the files the config names the way training opens them: model.path must exist, and the prompts
 * (data.train_file, data.eval_file, sft.train_file) must exist and parse (loadSplits, as `train` calls it).
 * @returns one message per problem, each naming the key, the path and the fix
 */
async function checkFiles(loaded: LoadedConfig): Promise<string[]> {
  const problems: string[] = [];
  const modelPath = loaded.config.model.path;
  if (modelPath) {
    const dir = resolveConfigPath(loaded, modelPath);
    if (!existsSync(dir)) {
      problems.push(
        `model.path: ${dir} does not exist. Point model.path at a Hugging Face model folder (config.json, model.safetensors, tokenizer files), or set it to null to build the student from model.preset.`,
      );
    }
  }
  try {
    await loadSplits(loaded);
  } catch (e) {
    if (!(e instanceof UsageError || e instanceof DatasetError)) throw e;
    problems.push(e.message);
  }
  return problems;
}
