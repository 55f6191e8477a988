import { Command } from 'commander';
import { ConfigError, configHash, loadConfig, teacherApiKeyEnv } from '@rfai/config';
import { defaultConfigPath } from '../paths';
import { collect, parseArgs } from '../cli-args';

/**
 * `nx run trainer:validate -- --config FILE [--set key=value ...]`
 * Exit 0 with a one-line summary when the config is valid; exit 2 with every
 * problem (file:line:column, key, expected, found) when not.
 */
export async function runValidate(argv: string[]): Promise<number> {
  const program = new Command('validate')
    .description('Load and validate a config.yaml; print a one-line summary.')
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
    const { config } = loadConfig(file, { overrides: opts.set });
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
