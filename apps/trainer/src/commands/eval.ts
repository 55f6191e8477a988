/**
 * `nx run trainer:eval -- --checkpoint DIR [--config FILE] [--set key=value ...] [--max-samples N] [--no-verify]`
 *
 * Runs the eval pass (greedy decoding over data.eval_file, graded by the
 * teacher) on a checkpoint and prints the report as JSON on stdout. The
 * configuration is the one stored in the checkpoint unless --config is given;
 * --set overrides either. An rfai checkpoint is first checked against the
 * sha256 manifest in its trainer_state.json (--no-verify skips it); a file that
 * does not match exits 2.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import YAML from 'yaml';
import { ConfigError, loadConfig, parseConfigText, resolveUserPath, type LoadedConfig } from '@rfai/config';
import { initBackend } from '@rfai/core';
import { DatasetError } from '@rfai/datasets';
import { createTeacher, TeacherError } from '@rfai/teacher-clients';
import { collect, parseArgs, positiveInt } from '../cli-args';
import { buildStudent } from '../train/student';
import { evaluate } from '../train/evaluate';
import { loadSplits, teacherOptions, UsageError } from '../train/setup';
import { NO_VERIFY_HELP, verifyModelFolder } from './model-folder';


const log = (line: string) => process.stderr.write(line.endsWith('\n') ? line : line + '\n');

/** The config a checkpoint was trained with (from trainer_state.json), with its base folder. */
export function checkpointConfig(dir: string, overrides: string[]): LoadedConfig {
  const stateFile = path.join(dir, 'trainer_state.json');
  if (!existsSync(stateFile)) {
    throw new UsageError(`${dir} is not an rfai checkpoint (no trainer_state.json). Pass a checkpoint-{step} folder, or --config with the run's config.`);
  }
  const state = JSON.parse(readFileSync(stateFile, 'utf8'));
  const stored = state?.state?.config;
  if (!stored) throw new UsageError(`${stateFile} holds no run configuration; pass --config with the run's config.`);
  const baseDir = typeof state.state.base_dir === 'string' ? state.state.base_dir : process.cwd();
  const config = parseConfigText(YAML.stringify(stored), `${stateFile} (stored config)`, { overrides });
  return { config, file: null, baseDir };
}

export async function runEval(argv: string[]): Promise<number> {
  const program = new Command('eval')
    .description('Run the eval pass on a checkpoint and print the report as JSON.')
    .requiredOption('--checkpoint <dir>', 'checkpoint folder (checkpoint-{step})')
    .option('--config <file>', 'config file (default: the configuration stored in the checkpoint)')
    .option('--set <key=value>', 'override a config key (repeatable), e.g. --set data.max_eval_samples=10', collect, [] as string[])
    .option('--max-samples <n>', 'evaluate at most this many prompts', positiveInt)
    .option('--no-verify', NO_VERIFY_HELP)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const usage = parseArgs(program, argv);
  if (usage !== null) return usage;
  const o = program.opts<{ checkpoint: string; config?: string; set: string[]; maxSamples?: number; verify: boolean }>();
  const dir = resolveUserPath(o.checkpoint);
  let loaded: LoadedConfig;
  let records;
  try {
    if (!existsSync(dir)) throw new UsageError(`--checkpoint: ${dir} does not exist.`);
    const overrides = [...o.set, ...(o.maxSamples ? [`data.max_eval_samples=${o.maxSamples}`] : [])];
    loaded = o.config ? loadConfig(resolveUserPath(o.config), { overrides }) : checkpointConfig(dir, overrides);
    records = (await loadSplits(loaded)).eval;
    if (records.length === 0) throw new UsageError('data.eval_file is null or empty: there is nothing to evaluate.');
    if (o.verify) await verifyModelFolder(dir, '--checkpoint');
  } catch (e) {
    if (e instanceof ConfigError || e instanceof UsageError || e instanceof DatasetError || e instanceof TeacherError) {
      log(e.message);
      return 2;
    }
    throw e;
  }
  const cfg = loaded.config;
  const backend = await initBackend({ backend: cfg.hardware.backend, threads: cfg.hardware.threads ?? undefined });
  log(`backend: ${backend.name}`);
  const student = await buildStudent(loaded, dir);
  const teacher = createTeacher(teacherOptions(loaded));
  try {
    const maxNew = cfg.evaluation.max_new_tokens ?? cfg.rfai.max_new_tokens;
    const report = await evaluate(records, {
      model: student.model,
      tokenizer: student.tokenizer,
      teacher,
      style: student.promptStyle,
      maxNewTokens: maxNew,
      maxPromptTokens: cfg.model.max_length - maxNew,
      threshold: cfg.evaluation.reward_threshold,
      stop: cfg.rfai.stop,
      step: checkpointStep(dir),
      // The report of a checkpoint lists every greedy sample with its test outcome (the run's summary keeps 4).
      samplesToKeep: Number.POSITIVE_INFINITY,
      sampled: {
        perPrompt: cfg.evaluation.sampled_samples,
        temperature: cfg.rfai.temperature,
        topK: cfg.rfai.top_k,
        topP: cfg.rfai.top_p,
        seed: cfg.evaluation.seed,
      },
    });
    process.stdout.write(JSON.stringify({ checkpoint: dir, teacher: `${teacher.provider}/${teacher.model}`, ...report }, null, 2) + '\n');
    return 0;
  } finally {
    await teacher.close();
    student.dispose();
  }
}

/** The step an rfai checkpoint was saved at; 0 for a Hugging Face folder, which has no trainer_state.json. */
function checkpointStep(dir: string): number {
  const file = path.join(dir, 'trainer_state.json');
  return existsSync(file) ? Number(JSON.parse(readFileSync(file, 'utf8')).step ?? 0) : 0;
}
