/**
 * `nx run trainer:train -- [--config FILE] [--set key=value ...] [--max-steps N]
 *                           [--resume [latest|DIR]] [--run-name NAME] [--dry-run]`
 *
 * Startup checks everything that can fail cheaply (config, datasets, API key,
 * output folder, resume checkpoint) before the model is built, so mistakes
 * cost seconds. Exit codes: 0 done, 1 runtime failure (teacher failure circuit
 * included), 2 bad usage or config (a full disk during a checkpoint save, and no
 * valid checkpoint for --resume latest, included), 130/143 stopped by
 * SIGINT/SIGTERM after saving a checkpoint.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { ConfigError, defaultConfigPath, loadConfig, resolveConfigPath, type LoadedConfig } from '@rfai/config';
import { initBackend } from '@rfai/core';
import { DatasetError } from '@rfai/datasets';
import { checkTeacherCredentials, createTeacher, TeacherError } from '@rfai/teacher-clients';
import { collect, parseArgs, positiveInt } from '../cli-args';
import { buildStudent } from '../train/student';
import { Trainer, TeacherStoppedError, type TrainResult } from '../train/trainer';
import { CheckpointSaveError, diskFullMessage, findResumeDir, isDiskFull, loadResumeState, ResumeError, type ResumeState } from '../train/checkpointing';
import { loadSplits, reportToolchains, teacherOptions, UsageError } from '../train/setup';
import { formatDuration, PHASES } from '../train/timing';
import { dryRun } from '../train/dry-run';
import { planSft, sftExamples, type SftPlan } from '../train/sft';

interface TrainOptions {
  config?: string;
  set: string[];
  maxSteps?: number;
  resume?: string | boolean;
  runName?: string;
  dryRun?: boolean;
}


export function trainCommand(): Command {
  return new Command('train')
    .description('Run RFAI training on a config (default: config.yaml: tiny built-in student, offline teacher).')
    .option('--config <file>', 'config file (default: ./config.yaml, else the workspace config.yaml)')
    .option('--set <key=value>', 'override a config key, typed by the schema; repeatable (e.g. --set rfai.kl_coef=0.05)', collect, [] as string[])
    .option('--max-steps <n>', 'stop after this many steps in total (overrides training.max_steps)', positiveInt)
    .option('--resume [latest|DIR]', 'continue from the newest valid checkpoint in training.output_dir, or from DIR')
    .option('--run-name <name>', 'TensorBoard run folder name (default: logging.run_name, else a timestamp; a resumed run keeps its name)')
    .option('--dry-run', 'load and validate everything, generate one batch, score it, and stop (writes nothing)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

const log = (line: string) => process.stderr.write(line.endsWith('\n') ? line : line + '\n');

export async function runTrain(argv: string[]): Promise<number> {
  const program = trainCommand();
  const usage = parseArgs(program, argv);
  if (usage !== null) return usage;
  const opts = program.opts<TrainOptions>();
  const t0 = Date.now();
  let loaded: LoadedConfig;
  try {
    const overrides = [...opts.set];
    if (opts.maxSteps !== undefined) overrides.push(`training.max_steps=${opts.maxSteps}`);
    if (opts.runName !== undefined) overrides.push(`logging.run_name=${opts.runName}`);
    loaded = loadConfig(defaultConfigPath(opts.config), { overrides });
  } catch (e) {
    if (e instanceof ConfigError) {
      log(e.message);
      return 2;
    }
    throw e;
  }
  const cfg = loaded.config;
  const outputDir = resolveConfigPath(loaded, cfg.training.output_dir);

  // ---- fast startup checks, before any model is built --------------------------------------------------------
  let splits: Awaited<ReturnType<typeof loadSplits>>;
  let sft: SftPlan = { steps: 0, reason: '' };
  try {
    splits = await loadSplits(loaded);
    checkTeacherCredentials(teacherOptions(loaded));
    const plan = planSft(
      cfg,
      sftExamples(splits.sft ?? splits.train).length,
      resolveConfigPath(loaded, splits.sft ? (cfg.sft.train_file as string) : cfg.data.train_file),
    );
    if ('error' in plan) throw new UsageError(plan.error);
    sft = plan;
  } catch (e) {
    if (e instanceof DatasetError || e instanceof TeacherError || e instanceof UsageError) {
      log(e.message);
      return 2;
    }
    throw e;
  }
  let resume: ResumeState | null = null;
  if (!opts.dryRun) {
    try {
      if (opts.resume !== undefined && opts.resume !== false) {
        const spec = opts.resume === true ? 'latest' : String(opts.resume);
        const dir = await findResumeDir(spec, outputDir, (m) => log(`warning: ${m}`));
        if (dir === null) {
          log(`--resume ${spec}: no checkpoint under ${outputDir} yet; starting a new run.`);
        } else {
          // `latest` already checked every file's sha256 while choosing.
          resume = await loadResumeState(dir, cfg, { verified: spec === 'latest' || spec === '' });
          log(`resuming from ${dir} (step ${resume.trainerState.step})`);
        }
      }
      if (!resume && existsSync(outputDir) && readdirSync(outputDir).some((f) => /^checkpoint-\d+$/.test(f))) {
        log(
          `${outputDir} already holds checkpoints of an earlier run. Continue it with --resume latest, ` +
            `or start a new run elsewhere with --set training.output_dir=${cfg.training.output_dir}-2 (or remove ${outputDir}).`,
        );
        return 2;
      }
    } catch (e) {
      if (e instanceof ResumeError) {
        log(e.message);
        return 2;
      }
      if (e instanceof Error && /checkpoint/i.test(e.constructor.name)) {
        log(`cannot resume: ${e.message}`);
        return 2;
      }
      throw e;
    }
  }
  const runName =
    cfg.logging.run_name ?? resume?.trainerState.run_name ?? new Date().toISOString().replace(/:/g, '-').replace(/\..*$/, '');
  const runDir = path.join(resolveConfigPath(loaded, cfg.logging.tensorboard_dir), runName);

  // ---- build -------------------------------------------------------------------------------------------------
  const backend = await initBackend({ backend: cfg.hardware.backend, threads: cfg.hardware.threads ?? undefined });
  log(`backend: ${backend.name} ${backend.version} (${backend.threads} thread${backend.threads === 1 ? '' : 's'}${backend.simd ? ', SIMD' : ''}): ${backend.reason}`);
  const student = await buildStudent(loaded, resume?.dir ?? null);
  log(
    `student: ${student.source}, ${student.model.config.model_type}, ${(student.model.numParameters / 1e6).toFixed(2)}M parameters` +
      `${student.lora ? `, LoRA r=${cfg.model.lora.r} (${countTrainable(student)} trainable)` : ''}, prompt style ${student.promptStyle}`,
  );
  const teacher = createTeacher(teacherOptions(loaded, (m) => log(m)));
  log(`teacher: ${teacher.provider}/${teacher.model}`);
  log(
    splits.sft
      ? `data: ${splits.sft.length} warm-up prompts (sft.train_file), ${splits.train.length} RFAI prompts (${splits.train.filter((r) => r.tests !== undefined).length} with tests), ${splits.eval.length} eval prompts`
      : `data: ${splits.train.length} training prompts (${sftExamples(splits.train).length} with references), ${splits.eval.length} eval prompts`,
  );
  await reportToolchains([...splits.train, ...splits.eval, ...(splits.sft ?? [])], cfg.teacher.execution, log);
  if (!opts.dryRun) log(`sft warm-up: ${sft.steps} steps (${sft.reason})`);
  try {
    if (opts.dryRun) return await dryRun({ loaded, student, teacher, train: splits.train, log, startedAt: t0 });
    log(`run: ${runName} -> ${runDir}; checkpoints in ${outputDir}`);
    const trainer = new Trainer({
      config: cfg,
      configFile: loaded.file,
      baseDir: loaded.baseDir,
      student,
      teacher,
      train: splits.train,
      eval: splits.eval,
      sft: splits.sft,
      runName,
      runDir,
      outputDir,
      backend,
      resume,
      log,
      maxSteps: Number.POSITIVE_INFINITY,
      sftSteps: sft.steps,
      // A second SIGINT/SIGTERM: exit at once, without saving.
      onAbort: (code) => process.exit(code),
    });
    let result;
    try {
      result = await trainer.run();
    } catch (e) {
      if (e instanceof TeacherStoppedError) {
        log(`stopping: ${e.message}`);
        return e.exitCode;
      }
      if (e instanceof CheckpointSaveError) {
        log(`stopping: ${e.message}`);
        return e.exitCode;
      }
      if (isDiskFull(e)) {
        log(`stopping: ${await diskFullMessage(e, outputDir)}`);
        return 2;
      }
      throw e;
    }
    printSummary(result, runDir, t0);
    writeFileSync(path.join(runDir, 'summary.json'), JSON.stringify(summaryJson(result), null, 2) + '\n');
    return result.exitCode;
  } finally {
    await teacher.close();
    student.dispose();
  }
}

function countTrainable(student: { model: { trainableParams(): Map<string, { size: number }> } }): string {
  let n = 0;
  for (const v of student.model.trainableParams().values()) n += v.size;
  return n.toLocaleString('en-US');
}

function evalFigures(e: TrainResult['evalBefore']) {
  if (!e) return null;
  return {
    exec_pass_at_1: e.exec_pass_at_1,
    exec_pass_at_1_warmup: e.exec_pass_at_1_warmup ?? null,
    exec_pass_at_k: e.sampled ? { k: e.sampled.k, value: e.sampled.exec_pass_at_k } : null,
    parse_clean_rate: e.parse_clean_rate,
    entry_point_rate: e.entry_point_rate,
    score_mean: e.score_mean,
    pass_rate: e.pass_rate,
    sampled_score_mean: e.sampled?.score_mean ?? null,
    per_language: e.per_language,
    best: e.best,
    worst: e.worst,
  };
}

/** The final report, as stored in summary.json and training_stats.json. */
export function summaryJson(r: TrainResult) {
  const steps = Math.max(1, r.history.length);
  // Per RFAI step; the warm-up's own per-step time is under sft.seconds_per_step.
  const perStep = Object.fromEntries(PHASES.filter((p) => p !== 'sft').map((p) => [p, r.timing[p] / steps]));
  return {
    steps: r.stepsDone,
    stopped_by: r.stoppedBy,
    eval_before: evalFigures(r.evalBefore),
    eval_after_sft: evalFigures(r.evalAfterSft),
    eval_after: evalFigures(r.evalAfter),
    sft: r.sftHistory.length
      ? {
          steps: r.sftHistory.length,
          loss_first: r.sftHistory[0].loss,
          loss_last: r.sftHistory[r.sftHistory.length - 1].loss,
          seconds: r.timing.sft / 1000,
          seconds_per_step: r.timing.sft / 1000 / r.sftHistory.length,
        }
      : null,
    timing_ms_total: r.timing,
    timing_ms_per_step: perStep,
    wall_seconds: r.wallSeconds,
    checkpoint: r.checkpoint,
  };
}

type Figures = ReturnType<typeof evalFigures>;

/** One line of eval figures: executed pass@1 (held-out eval, and the warm-up's own tasks), pass@k, parse, entry point, score. */
function evalLines(label: string, e: Figures, f: (v: number | undefined) => string): string[] {
  if (!e) return [`eval ${label}: not run`];
  const warm = e.exec_pass_at_1_warmup === null ? '' : `, warm-up tasks ${f(e.exec_pass_at_1_warmup)}`;
  const k = e.exec_pass_at_k ? `, pass@${e.exec_pass_at_k.k} ${f(e.exec_pass_at_k.value)}` : '';
  return [
    `eval ${label}: executed pass@1 ${f(e.exec_pass_at_1)}${warm}${k}; parse-clean ${f(e.parse_clean_rate)}, entry point ${f(e.entry_point_rate)}, mean score ${f(e.score_mean)}`,
  ];
}

/** The best and worst greedy eval samples with their test outcome, so the numbers can be checked against real code. */
function sampleLines(e: Figures): string[] {
  if (!e || (e.best.length === 0 && e.worst.length === 0)) return [];
  const show = (x: Figures extends null ? never : NonNullable<Figures>['best'][number]) =>
    `  [${x.score?.toFixed(3) ?? 'ungraded'}, ${x.tests_passed}/${x.tests_run} tests passed${x.status ? `, ${x.status}` : ''}] ${JSON.stringify(x.code.slice(0, 160))}${x.note ? ` (${x.note.slice(0, 80)})` : ''}`;
  return ['best eval samples:', ...e.best.map(show), 'worst eval samples:', ...e.worst.map(show)];
}

function printSummary(r: TrainResult, runDir: string, t0: number): void {
  const s = summaryJson(r);
  const f = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(3));
  const lines = [
    '',
    `finished: ${r.stepsDone} steps (${r.stoppedBy}) in ${formatDuration((Date.now() - t0) / 1000)}`,
    ...evalLines('before training', s.eval_before, f),
    ...(s.eval_after_sft ? evalLines(`after the SFT warm-up (${s.sft?.steps ?? 0} steps, ${(r.timing.sft / 1000).toFixed(1)}s)`, s.eval_after_sft, f) : []),
    ...evalLines('after RFAI', s.eval_after, f),
    ...sampleLines(s.eval_after ?? s.eval_after_sft ?? s.eval_before),
    `step time split (mean per RFAI step): ${PHASES.filter((p) => p !== 'eval' && p !== 'checkpoint' && p !== 'sft')
      .map((p) => `${p} ${(s.timing_ms_per_step[p] / 1000).toFixed(2)}s`)
      .join(', ')}; eval total ${(r.timing.eval / 1000).toFixed(1)}s, checkpoints ${(r.timing.checkpoint / 1000).toFixed(1)}s`,
    `checkpoint: ${r.checkpoint ?? 'none'}`,
    `logs: ${runDir} (tensorboard --logdir ${path.dirname(runDir)})`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
