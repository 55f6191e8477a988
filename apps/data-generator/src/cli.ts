/**
 * The data-generator command line: `generate` and `validate`.
 * Exit codes: 0 ok, 1 runtime failure or problems found, 2 bad usage or config.
 */
import { relative } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { convertFile, DatasetError, LANGUAGES, normalizeLanguage, SHORT_FAMILIES, type ShortFamily } from '@rfai/datasets';
import { formatGenerateSummary, runGenerate } from './generate-command';
import { resolveUserPath, userCwd } from '@rfai/config';
import type { PromptWriter } from './teacher-prompts';
import { formatValidate, runValidate } from './validate-command';

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Builds the teacher for --teacher from a config file (default: @rfai/config + @rfai/teacher-clients). */
  loadTeacher?: (configFile: string) => Promise<{ writer: PromptWriter; concurrency: number; describe: string }>;
  /** Progress for teacher mode (default: none). */
  onProgress?: (done: number, total: number) => void;
}

/** A usage or configuration error: exit code 2. */
export class UsageError extends Error {}

function share(value: string): number {
  const x = Number(value.trim());
  if (value.trim() === '' || !(x > 0 && x < 1)) throw new InvalidArgumentError(`--held-out-share must be a number between 0 and 1 (exclusive), got "${value}"`);
  return x;
}

function integer(name: string, min: number) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got "${value}"`);
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got ${value}`);
    return n;
  };
}

function languageList(value: string): string[] {
  const out: string[] = [];
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const lang = normalizeLanguage(part);
    if (!lang) throw new InvalidArgumentError(`unknown language "${part}"; expected a comma-separated list of ${LANGUAGES.join(', ')}`);
    if (!out.includes(lang)) out.push(lang);
  }
  if (out.length === 0) throw new InvalidArgumentError('expected at least one language');
  return out;
}

function shortKinds(value: string): ShortFamily[] {
  const out: ShortFamily[] = [];
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(part in SHORT_FAMILIES)) throw new InvalidArgumentError(`unknown task kind "${part}"; expected a comma-separated list of ${Object.keys(SHORT_FAMILIES).join(', ')}`);
    if (!out.includes(part as ShortFamily)) out.push(part as ShortFamily);
  }
  if (out.length === 0) throw new InvalidArgumentError('expected at least one task kind');
  return out;
}

/**
 * Default --teacher wiring: `loadConfig(file).config.teacher` mapped to the
 * options of `createTeacher` from @rfai/teacher-clients. Loaded lazily so
 * `validate` and bank generation do not load the teacher clients.
 */
export async function defaultLoadTeacher(configFile: string): Promise<{ writer: PromptWriter; concurrency: number; describe: string }> {
  const { loadConfig } = await import('@rfai/config');
  const t = loadConfig(configFile).config.teacher;
  if (t.provider === 'offline') {
    throw new UsageError(
      `${configFile}: teacher.provider is 'offline', which cannot write prompts; set teacher.provider to openai, anthropic or openai-compatible for --teacher`,
    );
  }
  const { createTeacher } = await import('@rfai/teacher-clients');
  const writer = createTeacher({
    provider: t.provider,
    model: t.model_name ?? undefined,
    apiKeyEnv: t.api_key_env ?? undefined,
    baseURL: t.base_url ?? undefined,
    // Writing new tasks wants some variety; the grader's temperature (often 0) would repeat itself.
    temperature: Math.max(t.temperature, 0.7),
    maxTokens: Math.max(t.max_tokens, 1024),
    concurrency: t.concurrency,
    timeoutMs: t.timeout_ms,
    maxRetries: t.max_retries,
  });
  return { writer, concurrency: t.concurrency, describe: `${t.provider}/${t.model_name ?? 'default model'}` };
}

/** Builds the commander program; `run` receives the outcome code. */
function buildProgram(io: CliIo, setCode: (code: number) => void): Command {
  const display = (file: string) => {
    const rel = relative(userCwd(io.env), file);
    return rel.startsWith('..') ? file : rel;
  };
  const program = new Command('data-generator')
    .description('Generate and validate rfai prompt datasets (JSONL).')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError(false);

  program
    .command('generate')
    .description('write train and eval JSONL files from the built-in bank of programming tasks (or from a teacher with --teacher)')
    .addOption(new Option('--out <dir>', 'output folder, relative to where you run the command').default('data'))
    .addOption(new Option('--train <n>', 'number of training prompts (integer >= 0)').default(200).argParser(integer('--train', 0)))
    .addOption(new Option('--eval <n>', 'number of evaluation prompts (integer >= 0)').default(50).argParser(integer('--eval', 0)))
    .addOption(
      new Option('--languages <list>', `comma-separated languages (${LANGUAGES.join(', ')}; aliases such as py, c++, ts)`)
        .default(['python', 'cpp', 'rust', 'typescript'], 'python,cpp,rust,typescript')
        .argParser(languageList),
    )
    .addOption(new Option('--seed <n>', 'seed; the same seed gives the same files (integer >= 0)').default(7).argParser(integer('--seed', 0)))
    .addOption(new Option('--train-file <name>', 'file name of the training split').default('train.jsonl'))
    .addOption(new Option('--eval-file <name>', 'file name of the evaluation split').default('eval.jsonl'))
    .addOption(
      new Option('--family <name>', 'task family: bank (76 real-world templates, every language) or short (one- and two-step Python functions from a grammar, sized for the tiny student: writes --sft warm-up rows too)')
        .choices(['bank', 'short'])
        .default('bank'),
    )
    .addOption(new Option('--sft <n>', 'with --family short: warm-up prompts (with references) written to --sft-file').default(3000).argParser(integer('--sft', 0)))
    .addOption(new Option('--sft-file <name>', 'file name of the warm-up split (--family short)').default('sft.jsonl'))
    .addOption(
      new Option('--kinds <list>', `with --family short: comma-separated task kinds to draw (${Object.keys(SHORT_FAMILIES).join(', ')}); default all`).argParser(shortKinds),
    )
    .addOption(
      new Option('--held-out-share <x>', 'with --family short: share of the two-step compositions held out of the warm-up for the RL and eval files, in (0, 1)')
        .default(0.5)
        .argParser(share),
    )
    .addOption(
      new Option('--review <n>', 'with --family short: warm-up tasks also written to the RL file, without their reference (RFAI keeps practising them)')
        .default(0)
        .argParser(integer('--review', 0)),
    )
    .addOption(new Option('--teacher', 'ask the configured teacher to write new prompts and reference solutions instead of using the bank').default(false))
    .addOption(new Option('--config <file>', 'config file whose teacher section --teacher uses').default('config.yaml'))
    .action(async (opts) => {
      let teacher;
      if (opts.teacher) {
        const load = io.loadTeacher ?? defaultLoadTeacher;
        teacher = await load(resolveUserPath(opts.config, io.env));
        io.stderr(`asking the ${teacher.describe} teacher for ${opts.train + opts.eval} prompts\n`);
      }
      const result = await runGenerate({
        out: resolveUserPath(opts.out, io.env),
        train: opts.train,
        eval: opts.eval,
        languages: opts.languages,
        seed: opts.seed,
        trainFile: opts.trainFile,
        evalFile: opts.evalFile,
        family: opts.family,
        sft: opts.sft,
        sftFile: opts.sftFile,
        kinds: opts.kinds,
        heldOutShare: opts.heldOutShare,
        review: opts.review,
        teacher,
        onProgress: io.onProgress,
      });
      io.stdout(
        formatGenerateSummary({
          ...result,
          trainPath: display(result.trainPath),
          evalPath: display(result.evalPath),
          ...(result.sftPath ? { sftPath: display(result.sftPath) } : {}),
        }) + '\n',
      );
      setCode(0);
    });

  program
    .command('validate')
    .description('check dataset files; prints each problem as FILE:LINE and exits 1 if any')
    .argument('<files...>', 'JSONL files, relative to where you run the command')
    .addOption(new Option('--max-problems <n>', 'problems listed per file (integer >= 1)').default(100).argParser(integer('--max-problems', 1)))
    .action(async (files: string[], opts) => {
      const result = await runValidate(
        files.map((f) => resolveUserPath(f, io.env)),
        { maxProblems: opts.maxProblems },
      );
      const text = formatValidate(result, display);
      if (text.problems) io.stderr(text.problems + '\n');
      if (text.summary) io.stdout(text.summary + '\n');
      setCode(result.ok ? 0 : 1);
    });
  program
    .command('convert')
    .description('convert a JSON array, CSV or chat-format (messages) file into the dataset JSONL schema')
    .argument('<input>', 'input file, relative to where you run the command')
    .requiredOption('--output <file>', 'JSONL file to write')
    .addOption(new Option('--format <format>', 'input format').choices(['auto', 'json', 'csv', 'chat', 'jsonl']).default('auto'))
    .addOption(new Option('--language <name>', 'language for rows that name none').argParser((v: string) => languageList(v)[0]))
    .addOption(new Option('--skip-bad', 'write the good rows and list the bad ones instead of failing').default(false))
    .action(async (input: string, opts) => {
      const result = await convertFile(resolveUserPath(input, io.env), resolveUserPath(opts.output, io.env), {
        format: opts.format,
        language: opts.language,
        onBadRow: opts.skipBad ? 'skip' : 'error',
      });
      for (const p of result.problems) io.stderr(`${display(p.file)}:${p.line}: ${p.kind}: ${p.message}\n`);
      io.stdout(`${result.written} records -> ${display(resolveUserPath(opts.output, io.env))}` +
        (result.problems.length ? ` (${result.problems.length} bad rows skipped)` : '') + '\n');
      setCode(0);
    });
  return program;
}

/**
 * Runs the CLI on `args` (without the node and script names) and returns the
 * exit code: 0 ok, 1 runtime failure or problems found, 2 bad usage.
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...args], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; a missing command (help shown on stderr) and every parse error are usage errors.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      io.stderr(`error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof DatasetError) {
      io.stderr(`error: ${err.message}\n`);
      return 1;
    }
    const e = err as Error;
    // Config errors from @rfai/config are usage errors.
    if (e?.name === 'ConfigError') {
      io.stderr(`error: ${e.message}\n`);
      return 2;
    }
    io.stderr(`error: ${e?.stack ?? String(err)}\n`);
    return 1;
  }
}
