/**
 * The RFAI loop (docs/ARCHITECTURE.md, "The RFAI step"): sample, grade, reward,
 * advantage, loss, update, log and save, step after step, with eval passes,
 * crash-safe checkpoints, exact resume and signal handling.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { createLrSchedule, Rng, type BackendInfo } from '@rfai/core';
import { configHash, signalExitCode, type RfaiConfig } from '@rfai/config';
import { DatasetSampler, mixSeed, SeededRandom, type DatasetRecord, type SamplerCursor } from '@rfai/datasets';
import { generateAsync, type GenerationResult } from '@rfai/models';
import {
  computeAdvantages,
  createKLController,
  EmaBaseline,
  klControllerFromState,
  klPenalizedRewards,
  type KLController,
} from '@rfai/policy-gradient-kl';
import { SummaryWriter } from '@rfai/tb-writer';
import type { Teacher } from '@rfai/teacher-clients';
import { evaluate, execPassAt1, type EvalOptions, type EvalReport } from './evaluate';
import { gradeAll, ReferenceScores, type Grade } from './grading';
import { createOptimizer, type Optimizer } from './optimizer';
import { createLrScheduleFor } from './schedule';
import { encodePrompt, type PromptStyle, solutionPrefix, taskFields } from './prompt-format';
import { TrainProgress } from './progress';
import { computeRewards, finiteStats } from './rewards';
import { policyUpdate, type UpdateMetrics } from './update';
import { PhaseTimer, type Phase } from './timing';
import type { Student } from './student';
import { saveTrainingCheckpoint, type ResumeState } from './checkpointing';
import { sftExamples, sftSequence, sftStep } from './sft';

/** Everything the loop needs, built by the train command after the startup checks. */
export interface TrainerSetup {
  config: RfaiConfig;
  configFile: string | null;
  /** Folder relative config paths resolve against (stored so eval can reuse the config). */
  baseDir: string;
  student: Student;
  teacher: Teacher;
  train: DatasetRecord[];
  eval: DatasetRecord[];
  /** The warm-up's own prompts (sft.train_file), or null: the warm-up uses `train`'s rows with references. */
  sft?: DatasetRecord[] | null;
  runName: string;
  /** logs/tensorboard/<run>: event files and samples.jsonl. */
  runDir: string;
  outputDir: string;
  backend: BackendInfo;
  resume: ResumeState | null;
  log: (line: string) => void;
  /** Stop after this step even if max_steps is larger (tests and --dry-run). */
  maxSteps: number;
  /** Steps of the supervised warm-up on reference solutions before the first RFAI step (0: none). */
  sftSteps: number;
}

/** One step of the supervised warm-up. */
export interface SftRecord {
  sft_step: number;
  loss: number;
  tokens: number;
  lr: number;
  grad_norm: number;
  seconds: number;
}

/** One step's logged figures. */
export interface StepRecord {
  step: number;
  epoch: number;
  reward_mean: number;
  reward_std: number;
  score_mean: number;
  kl: number;
  kl_max: number;
  kl_coef: number;
  loss: number;
  policy_loss: number;
  entropy: number;
  clip_fraction: number;
  approx_kl: number;
  lr: number;
  grad_norm: number;
  samples: number;
  graded: number;
  teacher_failures: number;
  degenerate_groups: number;
  completion_tokens_mean: number;
  truncated_fraction: number;
  tokens_per_s: number;
  samples_per_s: number;
  step_seconds: number;
  teacher_latency_ms: number;
  teacher_cost_usd: number;
  skipped_update: boolean;
}

/** What a finished (or stopped) run reports. */
export interface TrainResult {
  exitCode: number;
  stepsDone: number;
  evalBefore: EvalReport | null;
  /** The eval pass right after the SFT warm-up (null without one). */
  evalAfterSft: EvalReport | null;
  evalAfter: EvalReport | null;
  history: StepRecord[];
  sftHistory: SftRecord[];
  stoppedBy: 'max_steps' | 'signal' | 'teacher_failures' | 'nonfinite';
  checkpoint: string | null;
  timing: Record<Phase, number>;
  wallSeconds: number;
}

/** A batch generated and (being) graded. */
interface Rollout {
  records: DatasetRecord[];
  promptIds: number[][];
  gens: GenerationResult[];
  grading: Promise<Grade[]>;
  epoch: number;
}

export class Trainer {
  readonly cfg: RfaiConfig;
  private readonly s: TrainerSetup;
  private readonly rng: Rng;
  private readonly sampler: DatasetSampler<DatasetRecord>;
  private readonly optimizer: Optimizer;
  private readonly lrAt: (step: number) => number;
  private klController: KLController;
  private readonly ema: EmaBaseline | null;
  private readonly timer = new PhaseTimer();
  private readonly refScores: ReferenceScores | null;
  private writer: SummaryWriter | null = null;
  /** The warm-up's own event files (`<run>/sft`): its x axis is warm-up steps, so a restart marker of one axis never purges the other's points. */
  private sftWriter: SummaryWriter | null = null;
  private step = 0;
  private history: StepRecord[] = [];
  private evals: EvalReport[] = [];
  private evalBefore: EvalReport | null = null;
  private evalAfterSft: EvalReport | null = null;
  /** Draws the warm-up's references; null when there is no warm-up. */
  private readonly sftSampler: DatasetSampler<DatasetRecord> | null;
  private sftDone = 0;
  private sftHistory: SftRecord[] = [];
  private bestEval: { step: number; score: number } | null = null;
  private warmSample: DatasetRecord[] | undefined;
  private stopSignal: NodeJS.Signals | null = null;
  private readonly totalSteps: number;
  private readonly style: PromptStyle;
  private readonly maxPromptTokens: number;
  private readonly hash: string;
  private elapsedBefore = 0;
  /** Teacher cost (USD) reported up to the previous step, to log each step's share. */
  private lastTeacherCost = 0;
  /** Data cursor and RNG before the pipelined look-ahead batch: a stop saves these, so a resume redraws that batch. */
  private lookahead: { epoch: number; sampler: SamplerCursor; rng: ReturnType<Rng['getState']> } | null = null;

  constructor(setup: TrainerSetup) {
    this.s = setup;
    this.cfg = setup.config;
    const c = this.cfg;
    this.hash = configHash(c);
    this.style = setup.student.promptStyle;
    this.maxPromptTokens = c.model.max_length - Math.max(c.rfai.max_new_tokens, c.evaluation.max_new_tokens ?? 0);
    const stepsPerEpoch = Math.ceil(setup.train.length / c.training.batch_size);
    this.totalSteps = Math.min(setup.maxSteps, c.training.max_steps ?? Math.ceil((c.training.num_epochs ?? 1) * stepsPerEpoch));
    const r = setup.resume;
    this.rng = r ? Rng.fromState(r.trainerState.rng) : new Rng(c.training.seed);
    this.sampler = new DatasetSampler(setup.train, {
      seed: c.training.seed,
      cursor: r ? (r.trainerState.sampler as SamplerCursor) : undefined,
    });
    // The warm-up draws from the records with references, in its own seeded order (the RFAI data order is untouched).
    this.sftSampler =
      setup.sftSteps > 0
        ? new DatasetSampler(sftExamples(setup.sft ?? setup.train), {
            seed: mixSeed(c.training.seed, 0x5f7),
            cursor: r?.trainerState.sft_sampler ? (r.trainerState.sft_sampler as SamplerCursor) : undefined,
          })
        : null;
    this.optimizer = createOptimizer(setup.student.model.trainableParams(), c);
    if (r) this.optimizer.loadState(r.optimizerState);
    this.lrAt = createLrScheduleFor(c, this.totalScheduleSteps());
    this.klController = r?.trainerState.kl_controller
      ? klControllerFromState(r.trainerState.kl_controller)
      : createKLController(
          c.rfai.adaptive_kl
            ? { type: 'adaptive', initKlCoef: c.rfai.kl_coef, targetKl: c.rfai.target_kl, horizon: c.rfai.kl_horizon }
            : { type: 'fixed', klCoef: c.rfai.kl_coef },
        );
    this.ema = c.rfai.advantage_estimator === 'ema' ? new EmaBaseline({ decay: c.rfai.ema_decay }) : null;
    if (this.ema && r?.trainerState.ema_baseline) this.ema.setState(r.trainerState.ema_baseline);
    this.refScores = c.teacher.use_reference ? new ReferenceScores(setup.teacher) : null;
    if (r) {
      this.step = r.trainerState.step;
      this.history = r.trainingStats.history ?? [];
      this.evals = r.trainingStats.evals ?? [];
      this.evalBefore = r.trainingStats.eval_before ?? null;
      this.evalAfterSft = r.trainingStats.eval_after_sft ?? null;
      this.sftHistory = r.trainingStats.sft_history ?? [];
      // A checkpoint without the field predates the warm-up: count it as done.
      this.sftDone = typeof r.trainerState.sft_step === 'number' ? r.trainerState.sft_step : setup.sftSteps;
      this.bestEval = r.trainerState.best_eval ?? null;
      this.elapsedBefore = r.trainerState.wall_seconds ?? 0;
      this.timer.restore(r.trainerState.timing ?? {});
      if (r.trainerState.lora_dropout_rng && setup.student.model.dropoutRng) {
        setup.student.model.dropoutRng = Rng.fromState(r.trainerState.lora_dropout_rng);
      }
    }
  }

  /** The step count the LR schedule spans (max_steps, or the epochs' worth of steps). */
  private totalScheduleSteps(): number {
    const c = this.cfg.training;
    return c.max_steps ?? Math.ceil((c.num_epochs ?? 1) * Math.ceil(this.s.train.length / c.batch_size));
  }

  /** Runs until max_steps, a signal, or the teacher failure circuit. */
  async run(): Promise<TrainResult> {
    const c = this.cfg;
    const t0 = Date.now();
    // The step a signal lets finish before the save; null once the step is done (the stop check comes next).
    let stepInProgress: number | null = this.step + 1;
    const onSignal = (sig: NodeJS.Signals) => {
      if (this.stopSignal) {
        this.s.log(`\nsecond ${sig}: exiting without saving`);
        process.exit(signalExitCode(sig));
      }
      this.stopSignal = sig;
      this.s.log(
        `\n${sig} received: ${stepInProgress !== null ? `finishing step ${stepInProgress}, then saving` : `saving`} a checkpoint (send again to exit at once)`,
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    mkdirSync(this.s.runDir, { recursive: true });
    this.writer = new SummaryWriter(this.s.runDir, { flushIntervalMs: 2000 });
    // A resumed run writes again the steps after its checkpoint that an interrupted session may already have logged:
    // the restart marker makes TensorBoard (and readRun) drop those orphaned points.
    if (this.s.resume) this.writer.sessionStart(this.step + 1);
    if (!this.s.resume) this.writer.hparams(flattenHparams(c), ['eval/score_mean', 'eval/pass_rate', 'train/reward_mean']);
    const progress = new TrainProgress(this.totalSteps);
    let stoppedBy: TrainResult['stoppedBy'] = 'max_steps';
    let checkpoint: string | null = null;
    let exitCode = 0;
    try {
      if (!this.s.resume && c.evaluation.at_start && this.s.eval.length > 0) {
        this.evalBefore = await this.runEval(0);
        if (this.evalBefore.teacher_stopped) {
          throw new TeacherStoppedError(`the teacher stopped during the eval pass before training: ${this.evalBefore.teacher_stopped}`);
        }
        this.s.log(
          `eval before training: ${evalLine(this.evalBefore)} (${this.evalBefore.graded}/${this.evalBefore.count} graded)`,
        );
      }
      if (this.sftDone < this.s.sftSteps) {
        const outcome = await this.runSft();
        if (outcome === 'signal') {
          stoppedBy = 'signal';
          exitCode = signalExitCode(this.stopSignal ?? 'SIGTERM');
          checkpoint = await this.save();
          return this.result(exitCode, null, stoppedBy, checkpoint, t0);
        }
        if (this.evalAfterSft?.teacher_stopped) {
          stoppedBy = 'teacher_failures';
          checkpoint = await this.save();
          this.s.log(`stopping after the SFT warm-up: the teacher stopped during the eval pass: ${this.evalAfterSft.teacher_stopped} The run is saved and continues with --resume latest.`);
          return this.result(1, null, stoppedBy, checkpoint, t0);
        }
      }
      progress.start(this.step);
      // Generation of the next batch overlaps grading of the current one when the teacher is remote.
      const pipelined = c.teacher.provider !== 'offline';
      let pending: Rollout | null = null;
      while (this.step < this.totalSteps) {
        const stepStart = performance.now();
        const current: Rollout = pending ?? (await this.timer.time('generation', () => this.rollout()));
        pending = null;
        this.lookahead = null;
        const nextStep = this.step + 1;
        const saveAfter = this.isSaveStep(nextStep) || nextStep >= this.totalSteps;
        if (pipelined && !saveAfter && !this.stopSignal) {
          this.lookahead = { epoch: this.sampler.epoch, sampler: this.sampler.getCursor(), rng: this.rng.getState() };
          pending = await this.timer.time('generation', () => this.rollout());
        }
        const grades = await this.timer.time('grading', () => current.grading);
        const rec = await this.timer.time('update', () => this.trainStep(current, grades));
        this.step = nextStep;
        stepInProgress = null;
        rec.step_seconds = (performance.now() - stepStart) / 1000;
        rec.samples_per_s = rec.samples / rec.step_seconds;
        rec.tokens_per_s = (rec.completion_tokens_mean * rec.samples) / rec.step_seconds;
        this.history.push(rec);
        await this.timer.time('logging', () => this.logStep(rec, current, grades));
        progress.update({
          step: this.step,
          rewardMean: rec.reward_mean,
          kl: rec.kl,
          loss: rec.loss,
          samplesPerSecond: rec.samples_per_s,
          teacherFailures: rec.teacher_failures,
        });
        const failFrac = rec.teacher_failures / Math.max(1, rec.samples);
        const teacherStopped = grades.find((g) => g.stopped);
        if (teacherStopped) {
          progress.stop();
          this.s.log(`stopping at step ${this.step}: ${teacherStopped.error} The run is saved and continues with --resume latest.`);
          stoppedBy = 'teacher_failures';
          exitCode = 1;
          break;
        }
        if (failFrac > c.training.max_failure_fraction) {
          progress.stop();
          this.s.log(
            `stopping: the teacher failed to grade ${rec.teacher_failures} of ${rec.samples} samples at step ${this.step} ` +
              `(more than training.max_failure_fraction = ${c.training.max_failure_fraction}). Check the teacher (${c.teacher.provider}), its key and its server; ` +
              `the run is saved and continues with --resume latest.`,
          );
          stoppedBy = 'teacher_failures';
          exitCode = 1;
          break;
        }
        if (c.training.eval_steps > 0 && this.step % c.training.eval_steps === 0 && this.step < this.totalSteps && this.s.eval.length > 0) {
          const rep = await this.runEval(this.step);
          if (rep.teacher_stopped) {
            progress.stop();
            this.s.log(`stopping after step ${this.step}: the teacher stopped during the eval pass: ${rep.teacher_stopped} The run is saved and continues with --resume latest.`);
            stoppedBy = 'teacher_failures';
            exitCode = 1;
            break;
          }
          progress.log(
            `eval at step ${this.step}: ${evalLine(rep)}`,
          );
        }
        // The step's work is synchronous: let a pending SIGINT/SIGTERM (and I/O) through before deciding to go on.
        await new Promise((resolve) => setImmediate(resolve));
        if (this.stopSignal) {
          stoppedBy = 'signal';
          exitCode = signalExitCode(this.stopSignal);
          break;
        }
        stepInProgress = this.step + 1;
        if (this.isSaveStep(this.step) && this.step < this.totalSteps) {
          checkpoint = await this.save();
          progress.log(`saved ${checkpoint}`);
        }
      }
      progress.stop();
      let evalAfter: EvalReport | null = null;
      if (stoppedBy === 'max_steps' && this.s.eval.length > 0) {
        evalAfter = await this.runEval(this.step);
        if (evalAfter.teacher_stopped) {
          this.s.log(`the teacher stopped during the final eval pass: ${evalAfter.teacher_stopped} The trained model is saved; rerun the eval with \`nx run trainer:eval -- --checkpoint DIR\`.`);
          exitCode = 1;
        }
      }
      checkpoint = await this.save(evalAfter);
      return this.result(exitCode, evalAfter, stoppedBy, checkpoint, t0);
    } catch (err) {
      progress.stop();
      exitCode = 1; // the event log's session ends as a failure
      throw err;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await this.sftWriter?.close();
      await this.writer?.close({ status: stoppedBy === 'max_steps' && exitCode === 0 ? 'success' : 'failure', sessionEnd: true });
    }
  }

  /** The warm-up's writer (`<run>/sft`), opened on first use; a session resumed mid-warm-up marks its restart. */
  private sftLog(): SummaryWriter {
    if (!this.sftWriter) {
      this.sftWriter = new SummaryWriter(path.join(this.s.runDir, 'sft'), { flushIntervalMs: 2000 });
      if (this.s.resume && this.sftDone > 0) this.sftWriter.sessionStart(this.sftDone + 1);
    }
    return this.sftWriter;
  }

  private result(exitCode: number, evalAfter: EvalReport | null, stoppedBy: TrainResult['stoppedBy'], checkpoint: string | null, t0: number): TrainResult {
    return {
      exitCode,
      stepsDone: this.step,
      evalBefore: this.evalBefore,
      evalAfterSft: this.evalAfterSft,
      evalAfter,
      history: this.history,
      sftHistory: this.sftHistory,
      stoppedBy,
      checkpoint,
      timing: this.timer.snapshot(),
      wallSeconds: this.elapsedBefore + (Date.now() - t0) / 1000,
    };
  }

  /**
   * The supervised warm-up (config `sft`): cross-entropy on reference solutions, then an eval pass and the KL
   * reference frozen at the warmed-up weights. A signal stops it after the current step ('signal'; the caller saves).
   */
  private async runSft(): Promise<'done' | 'signal'> {
    const c = this.cfg;
    const total = this.s.sftSteps;
    const peak = c.sft.learning_rate ?? c.training.learning_rate;
    const sftSchedule = createLrSchedule({ type: c.sft.lr_scheduler_type, baseLr: peak, warmupSteps: c.training.warmup_steps, totalSteps: Math.max(total, 1) });
    const progress = new TrainProgress(total, { phase: 'sft' });
    if (this.sftDone === 0) this.s.log(`sft warm-up: ${total} steps of ${c.sft.batch_size} reference solutions, learning rate ${peak} (${c.sft.lr_scheduler_type})`);
    progress.start(this.sftDone);
    try {
      while (this.sftDone < total) {
        const t0 = performance.now();
        const records = this.sftSampler!.nextBatch(c.sft.batch_size);
        const seqs = records.map((r) => sftSequence(r, this.s.student.tokenizer, this.style, this.maxPromptTokens, c.model.max_length - this.maxPromptTokens));
        const lr = sftSchedule(this.sftDone);
        const m = await this.timer.time('sft', () =>
          sftStep(this.s.student.model, this.optimizer, seqs, {
            lr,
            maxGradNorm: c.training.max_grad_norm,
            padId: this.s.student.tokenizer.padTokenId,
            microBatches: c.training.gradient_accumulation_steps,
            promptLossWeight: c.sft.prompt_loss_weight,
          }),
        );
        this.sftDone++;
        const rec: SftRecord = { sft_step: this.sftDone, loss: m.loss, tokens: m.tokens, lr, grad_norm: m.grad_norm, seconds: (performance.now() - t0) / 1000 };
        this.sftHistory.push(rec);
        const w = this.sftLog();
        if (Number.isFinite(rec.loss)) w.scalar('sft/loss', rec.loss, rec.sft_step);
        w.scalar('sft/lr', rec.lr, rec.sft_step);
        w.scalar('sft/grad_norm', rec.grad_norm, rec.sft_step);
        w.scalar('sft/tokens_per_s', rec.tokens / rec.seconds, rec.sft_step);
        progress.update({
          step: this.sftDone,
          rewardMean: Number.NaN,
          kl: Number.NaN,
          loss: rec.loss,
          samplesPerSecond: records.length / rec.seconds,
          teacherFailures: 0,
        });
        await new Promise((resolve) => setImmediate(resolve));
        if (this.stopSignal && this.sftDone < total) {
          progress.stop();
          return 'signal';
        }
      }
    } finally {
      progress.stop();
    }
    this.s.student.freezeReference();
    const first = this.sftHistory[0]?.loss;
    this.s.log(`sft warm-up done: loss ${fmt(first ?? Number.NaN)} -> ${fmt(this.sftHistory[this.sftHistory.length - 1]?.loss ?? Number.NaN)}; the KL reference is now the warmed-up model`);
    if (c.evaluation.at_start && this.s.eval.length > 0) {
      this.evalAfterSft = await this.runEval(0, 'sft');
      this.s.log(
        `eval after the warm-up: ${evalLine(this.evalAfterSft)}`,
      );
    }
    return 'done';
  }

  private isSaveStep(step: number): boolean {
    const n = this.cfg.training.save_steps;
    return n > 0 && step % n === 0;
  }

  /**
   * Samples G completions per prompt of the next batch. Each sample goes to the teacher as soon as it is finished,
   * while the others are still generating (generateAsync gives the event loop a turn between tokens, so a remote
   * teacher's requests are sent and answered and the sandbox's programs run meanwhile); `grading` settles when the
   * last of them is graded.
   */
  private async rollout(): Promise<Rollout> {
    const c = this.cfg;
    const G = c.rfai.num_samples_per_prompt;
    const records = this.sampler.nextBatch(c.training.batch_size);
    const epoch = this.sampler.epoch;
    const base = records.map((r) => encodePrompt(r.prompt, r.language, this.style, this.s.student.tokenizer, this.maxPromptTokens, solutionPrefix(r)));
    const promptIds: number[][] = [];
    for (const ids of base) for (let g = 0; g < G; g++) promptIds.push(ids);
    const id = `${this.step + 1}`;
    const grades: Grade[] = new Array<Grade>(promptIds.length);
    const parts: Array<Promise<void>> = [];
    const gens = await generateAsync(this.s.student.model, promptIds, {
      maxNewTokens: c.rfai.max_new_tokens,
      temperature: c.rfai.temperature,
      topK: c.rfai.top_k,
      topP: c.rfai.top_p,
      stopStrings: c.rfai.stop,
      tokenizer: this.s.student.tokenizer,
      rng: this.rng,
      onFinished: (i, g) => {
        const r = records[Math.floor(i / G)];
        const item = { prompt: r.prompt, language: r.language, completion: g.text, id: `${r.id ?? 'p'}-${id}-${i}`, ...taskFields(r) };
        const part = gradeAll(this.s.teacher, [item]).then(([grade]) => {
          grades[i] = grade;
        });
        part.catch(() => undefined); // awaited with the others below; avoid an unhandled rejection meanwhile
        parts.push(part);
      },
    });
    const grading = Promise.all(parts).then(() => grades);
    grading.catch(() => undefined);
    return { records, promptIds, gens, grading, epoch };
  }

  /** Rewards, advantages and the policy update of one batch. */
  private async trainStep(ro: Rollout, grades: Grade[]): Promise<StepRecord> {
    const c = this.cfg;
    const G = c.rfai.num_samples_per_prompt;
    const refScores = this.refScores
      ? await Promise.all(ro.records.map((r) => this.refScores!.get(r.prompt, r.language, r.reference)))
      : null;
    let rewards = computeRewards(
      ro.gens.map((g, i) => ({
        score: grades[i].score?.score ?? null,
        referenceScore: refScores ? refScores[Math.floor(i / G)] : null,
        completionTokens: g.ids.length,
        truncated: g.finishReason === 'length',
      })),
      c.rfai,
      c.teacher.use_reference,
    );
    let klRewardMean = Number.NaN;
    if (c.rfai.kl_placement === 'reward') {
      // Classic RLHF: the k1 log-ratio towards the reference is subtracted from the reward, per token.
      const refLp = this.s.student.referenceLogprobs(ro.promptIds, ro.gens.map((g) => g.ids));
      const kr = klPenalizedRewards({
        rewards,
        logprobs: ro.gens.map((g) => g.logprobs),
        refLogprobs: refLp,
        klCoef: this.klController.value,
      });
      rewards = kr.returns;
      klRewardMean = kr.klMean;
    }
    const adv = computeAdvantages(rewards, ro.gens.map((_, i) => Math.floor(i / G)), {
      estimator: c.rfai.advantage_estimator,
      scaleByStd: c.rfai.scale_rewards,
      ema: this.ema ?? undefined,
    });
    const lr = this.lrAt(this.step);
    const upd: UpdateMetrics = policyUpdate(
      {
        policy: this.s.student.model,
        withReference: (fn) => this.s.student.withReference(fn),
        optimizer: this.optimizer,
        lr,
        klCoef: this.klController.value,
        padId: this.s.student.tokenizer.padTokenId,
        cfg: c,
      },
      {
        promptIds: ro.promptIds,
        completionIds: ro.gens.map((g) => g.ids),
        advantages: adv.advantages,
        sampleMask: adv.sampleMask,
        truncated: ro.gens.map((g) => g.finishReason === 'length'),
      },
    );
    const klCoefUsed = this.klController.value;
    const observedKl = c.rfai.kl_placement === 'reward' && Number.isFinite(klRewardMean) ? klRewardMean : upd.kl;
    this.klController.update(observedKl, ro.gens.length);
    const scores = grades.map((g) => g.score?.score ?? Number.NaN);
    const rs = finiteStats(rewards);
    const failures = grades.filter((g) => g.score === null).length;
    const usage = this.s.teacher.usage();
    const latency = grades.filter((g) => g.score).reduce((a, g) => a + g.score!.latency_ms, 0) / Math.max(1, grades.length - failures);
    const cost = usage.cost_usd - this.lastTeacherCost;
    this.lastTeacherCost = usage.cost_usd;
    return {
      step: this.step + 1,
      epoch: ro.epoch,
      reward_mean: rs.mean,
      reward_std: rs.std,
      score_mean: finiteStats(scores).mean,
      kl: observedKl,
      kl_max: upd.kl_max,
      kl_coef: klCoefUsed,
      loss: upd.loss,
      policy_loss: upd.policy_loss,
      entropy: upd.entropy,
      clip_fraction: upd.clip_fraction,
      approx_kl: upd.approx_kl,
      lr,
      grad_norm: upd.grad_norm,
      samples: ro.gens.length,
      graded: ro.gens.length - failures,
      teacher_failures: failures,
      degenerate_groups: adv.degenerateGroups,
      completion_tokens_mean: ro.gens.reduce((a, g) => a + g.ids.length, 0) / ro.gens.length,
      truncated_fraction: ro.gens.filter((g) => g.finishReason === 'length').length / ro.gens.length,
      tokens_per_s: 0,
      samples_per_s: 0,
      step_seconds: 0,
      teacher_latency_ms: latency,
      teacher_cost_usd: cost,
      skipped_update: upd.skipped_updates > 0,
      ...(upd.nonfinite_params.length ? { nonfinite_params: upd.nonfinite_params } : {}),
    } as StepRecord;
  }

  private async logStep(rec: StepRecord, ro: Rollout, grades: Grade[]): Promise<void> {
    const w = this.writer!;
    const c = this.cfg;
    // Every graded sample goes to samples.jsonl, for SFT / preference export later.
    const lines = ro.gens.map((g, i) => {
      const r = ro.records[Math.floor(i / c.rfai.num_samples_per_prompt)];
      const sc = grades[i].score;
      return JSON.stringify({
        step: rec.step,
        group: Math.floor(i / c.rfai.num_samples_per_prompt),
        id: r.id,
        language: r.language,
        prompt: r.prompt,
        completion: g.text,
        finish_reason: g.finishReason,
        score: sc ? sc.score : null,
        tests_passed: sc?.execution?.tests_passed ?? null,
        tests_run: sc?.execution?.tests_run ?? null,
        status: sc?.execution?.status ?? null,
        breakdown: sc ? sc.breakdown : null,
        rationale: sc ? sc.rationale : null,
        error: grades[i].error,
      });
    });
    appendFileSync(path.join(this.s.runDir, 'samples.jsonl'), lines.join('\n') + '\n');
    if (rec.step % c.training.logging_steps !== 0 && rec.step !== this.totalSteps) return;
    const scalars: Record<string, number> = {
      'train/reward_mean': rec.reward_mean,
      'train/reward_std': rec.reward_std,
      'train/score_mean': rec.score_mean,
      'train/kl': rec.kl,
      'train/kl_coef': rec.kl_coef,
      'train/loss': rec.loss,
      'train/policy_loss': rec.policy_loss,
      'train/entropy': rec.entropy,
      'train/clip_fraction': rec.clip_fraction,
      'train/approx_kl': rec.approx_kl,
      'train/lr': rec.lr,
      'train/grad_norm': rec.grad_norm,
      'train/tokens_per_s': rec.tokens_per_s,
      'train/samples_per_s': rec.samples_per_s,
      'train/completion_tokens': rec.completion_tokens_mean,
      'train/truncated_fraction': rec.truncated_fraction,
      'teacher/latency_ms': rec.teacher_latency_ms,
      'teacher/failures': rec.teacher_failures,
      'teacher/cost_usd': this.s.teacher.usage().cost_usd,
    };
    for (const [tag, v] of Object.entries(scalars)) if (Number.isFinite(v)) w.scalar(tag, v, rec.step);
    const rewards = grades.map((g) => g.score?.score).filter((v): v is number => typeof v === 'number');
    if (rewards.length) w.histogram('train/rewards', rewards, rec.step);
    const n = Math.min(c.logging.samples_to_log, ro.gens.length);
    if (n > 0) {
      const parts: string[] = [];
      for (let i = 0; i < n; i++) {
        const idx = (i * c.rfai.num_samples_per_prompt) % ro.gens.length;
        const r = ro.records[Math.floor(idx / c.rfai.num_samples_per_prompt)];
        parts.push(
          `**${r.language}** score ${grades[idx].score ? grades[idx].score!.score.toFixed(3) : 'ungraded'}\n\n` +
            `> ${r.prompt.replace(/\n/g, ' ')}\n\n\`\`\`\n${ro.gens[idx].text}\n\`\`\``,
        );
      }
      w.text('samples/train', parts.join('\n\n---\n\n'), rec.step);
    }
  }

  private async runEval(step: number, tagPrefix: 'eval' | 'sft' = 'eval'): Promise<EvalReport> {
    const c = this.cfg;
    const opts: EvalOptions = {
      model: this.s.student.model,
      tokenizer: this.s.student.tokenizer,
      teacher: this.s.teacher,
      style: this.style,
      maxNewTokens: c.evaluation.max_new_tokens ?? c.rfai.max_new_tokens,
      maxPromptTokens: this.maxPromptTokens,
      threshold: c.evaluation.reward_threshold,
      stop: c.rfai.stop,
      step,
      samplesToKeep: c.logging.samples_to_log,
      sampled: {
        perPrompt: c.evaluation.sampled_samples,
        temperature: c.rfai.temperature,
        topK: c.rfai.top_k,
        topP: c.rfai.top_p,
        seed: c.evaluation.seed,
      },
    };
    const rep = await this.timer.time('eval', async () => {
      const r = await evaluate(this.s.eval, opts);
      const warm = this.warmupEvalRecords();
      if (warm.length > 0) r.exec_pass_at_1_warmup = await execPassAt1(warm, { ...opts, sampled: undefined });
      return r;
    });
    if (tagPrefix === 'sft') {
      // The warm-up's eval is logged at its own tags (x = warm-up steps), so eval/* keeps one point per RFAI step.
      const w = this.writer ? this.sftLog() : null;
      if (w && Number.isFinite(rep.score_mean)) w.scalar('sft/eval_score_mean', rep.score_mean, this.sftDone);
      if (w && Number.isFinite(rep.pass_rate)) w.scalar('sft/eval_pass_rate', rep.pass_rate, this.sftDone);
      if (w && rep.sampled && Number.isFinite(rep.sampled.score_mean)) w.scalar('sft/eval_sampled_score_mean', rep.sampled.score_mean, this.sftDone);
      return rep;
    }
    this.evals.push(rep);
    if (Number.isFinite(rep.score_mean) && (!this.bestEval || rep.score_mean > this.bestEval.score)) {
      this.bestEval = { step, score: rep.score_mean };
    }
    const w = this.writer;
    if (w) {
      if (Number.isFinite(rep.score_mean)) w.scalar('eval/score_mean', rep.score_mean, step);
      if (Number.isFinite(rep.pass_rate)) w.scalar('eval/pass_rate', rep.pass_rate, step);
      if (Number.isFinite(rep.exec_pass_at_1)) w.scalar('eval/exec_pass_at_1', rep.exec_pass_at_1, step);
      if (rep.exec_pass_at_1_warmup !== undefined && Number.isFinite(rep.exec_pass_at_1_warmup)) w.scalar('eval/exec_pass_at_1_warmup', rep.exec_pass_at_1_warmup, step);
      if (Number.isFinite(rep.parse_clean_rate)) w.scalar('eval/parse_clean_rate', rep.parse_clean_rate, step);
      if (Number.isFinite(rep.entry_point_rate)) w.scalar('eval/entry_point_rate', rep.entry_point_rate, step);
      if (rep.sampled && Number.isFinite(rep.sampled.exec_pass_at_k)) w.scalar(`eval/exec_pass_at_${rep.sampled.k}`, rep.sampled.exec_pass_at_k, step);
      if (rep.sampled && Number.isFinite(rep.sampled.score_mean)) w.scalar('eval/sampled_score_mean', rep.sampled.score_mean, step);
      if (rep.sampled && Number.isFinite(rep.sampled.pass_rate)) w.scalar('eval/sampled_pass_rate', rep.sampled.pass_rate, step);
      for (const [lang, l] of Object.entries(rep.per_language)) {
        if (Number.isFinite(l.score_mean)) w.scalar(`eval/score/${lang}`, l.score_mean, step);
        if (Number.isFinite(l.pass_rate)) w.scalar(`eval/pass_rate/${lang}`, l.pass_rate, step);
      }
      if (rep.samples.length) {
        w.text(
          'samples/eval',
          rep.samples
            .map((s) => `**${s.language}** score ${s.score?.toFixed(3) ?? 'ungraded'}, tests ${s.tests_passed}/${s.tests_run} (${s.status ?? 'ungraded'})\n\n\`\`\`\n${s.completion}\n\`\`\``)
            .join('\n\n---\n\n'),
          step,
        );
      }
    }
    return rep;
  }

  /**
   * A fixed, seeded sample (evaluation.warmup_samples) of the warm-up's own prompts that carry tests, for
   * `exec_pass_at_1_warmup`; empty without a warm-up.
   */
  private warmupEvalRecords(): DatasetRecord[] {
    if (this.s.sftSteps === 0 || this.cfg.evaluation.warmup_samples === 0) return [];
    this.warmSample ??= new SeededRandom(mixSeed(this.cfg.evaluation.seed, 0x3a11))
      .shuffle(sftExamples(this.s.sft ?? this.s.train).filter((r) => r.tests !== undefined))
      .slice(0, this.cfg.evaluation.warmup_samples);
    return this.warmSample;
  }

  /** Saves a checkpoint of everything a resume needs; returns its folder. */
  private async save(finalEval: EvalReport | null = null): Promise<string> {
    return this.timer.time('checkpoint', () =>
      saveTrainingCheckpoint({
        outputDir: this.s.outputDir,
        step: this.step,
        student: this.s.student,
        optimizer: this.optimizer,
        config: this.cfg,
        configHash: this.hash,
        evalScore: finalEval?.score_mean ?? this.evals.filter((e) => e.step === this.step).pop()?.score_mean ?? null,
        trainerState: {
          step: this.step,
          epoch: this.lookahead?.epoch ?? this.sampler.epoch,
          sampler: this.lookahead?.sampler ?? this.sampler.getCursor(),
          rng: this.lookahead?.rng ?? this.rng.getState(),
          lora_dropout_rng: this.s.student.model.dropoutRng?.getState() ?? null,
          kl_controller: this.klController.getState(),
          ema_baseline: this.ema?.getState() ?? null,
          sft_step: this.sftDone,
          sft_sampler: this.sftSampler?.getCursor() ?? null,
          config_hash: this.hash,
          best_eval: this.bestEval,
          run_name: this.s.runName,
          base_dir: this.s.baseDir,
          run_dir: this.s.runDir,
          timing: this.timer.snapshot(),
          wall_seconds: this.elapsedBefore,
          backend: this.s.backend.name,
        },
        trainingStats: {
          run_name: this.s.runName,
          step: this.step,
          history: this.history,
          evals: this.evals,
          eval_before: this.evalBefore,
          eval_after_sft: this.evalAfterSft,
          eval_after: finalEval,
          sft_history: this.sftHistory,
          best_eval: this.bestEval,
          timing_ms: this.timer.snapshot(),
          backend: this.s.backend,
        },
      }),
    );
  }

  /** The step-time split (ms) so far. */
  timing(): Record<Phase, number> {
    return this.timer.snapshot();
  }
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : 'n/a';
}

/** One eval pass in a console line: executed pass@1 first (what a pass means), then the scores. */
export function evalLine(rep: EvalReport): string {
  const parts: string[] = [];
  if (rep.executable > 0) {
    parts.push(`executed pass@1 ${fmt(rep.exec_pass_at_1)}` + (rep.exec_pass_at_1_warmup !== undefined ? ` (warm-up tasks ${fmt(rep.exec_pass_at_1_warmup)})` : ''));
    if (rep.sampled) parts.push(`pass@${rep.sampled.k} ${fmt(rep.sampled.exec_pass_at_k)}`);
  }
  parts.push(`score ${fmt(rep.score_mean)}`);
  if (rep.sampled) parts.push(`sampled score ${fmt(rep.sampled.score_mean)}`);
  return parts.join(', ');
}

/** Flattens the config into `section.key` hparams for TensorBoard's HParams tab (scalars only). */
export function flattenHparams(cfg: RfaiConfig): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  const walk = (v: unknown, p: string) => {
    if (v === null || v === undefined) out[p] = 'null';
    else if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[p] = v;
    else if (Array.isArray(v)) out[p] = v.join(',');
    else if (typeof v === 'object') for (const [k, x] of Object.entries(v)) if (p !== 'teacher' || k !== 'prices') walk(x, p ? `${p}.${k}` : k);
  };
  walk(cfg, '');
  return out;
}

/** The teacher stopped grading before training began (nothing to save). */
export class TeacherStoppedError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'TeacherStoppedError';
  }
}
