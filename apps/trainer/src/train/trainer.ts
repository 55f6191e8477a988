/**
 * The RFAI loop (docs/ARCHITECTURE.md, "The RFAI step"): sample, grade, reward,
 * advantage, loss, update, log and save, step after step, with eval passes,
 * crash-safe checkpoints, exact resume and signal handling. `run()` reads as its
 * steps; each lives in its own module: the RFAI step (rfai-step.ts), the warm-up
 * (warmup.ts), the eval passes (eval-passes.ts), logging (run-log.ts), the
 * teacher's stop reasons (stops.ts), signals (signals.ts), checkpoints
 * (checkpointing.ts) and the resume state (resume-state.ts).
 */
import { Rng, type BackendInfo } from '@rfai/core';
import { configHash, type RfaiConfig } from '@rfai/config';
import { DatasetSampler, mixSeed, type DatasetRecord } from '@rfai/datasets';
import { createKLController, EmaBaseline, klControllerFromState } from '@rfai/policy-gradient-kl';
import type { Teacher } from '@rfai/teacher-clients';
import type { EvalReport } from './evaluate';
import { EvalPasses } from './eval-passes';
import { ReferenceScores, type Grade } from './grading';
import { createOptimizer } from './optimizer';
import { createLrScheduleFor } from './schedule';
import { TrainProgress } from './progress';
import type { SftRecord, StepRecord } from './records';
import { RfaiStep, type Rollout } from './rfai-step';
import { RunLog } from './run-log';
import { StopSignals, yieldToSignals } from './signals';
import { evalStop, stepStop, TeacherStoppedError, type TeacherStop } from './stops';
import { PhaseTimer, type Phase } from './timing';
import type { Student } from './student';
import { saveTrainingCheckpoint, type ResumeState } from './checkpointing';
import type { TrainerState } from './resume-state';
import { sftExamples } from './sft';
import { Warmup } from './warmup';
import { evalLine } from './console-lines';

export { evalLine } from './console-lines';
export { flattenHparams } from './run-log';
export { TeacherStoppedError } from './stops';
export type { SftRecord, StepRecord } from './records';

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
  /** A second SIGINT/SIGTERM: the caller ends at once with this exit code, without saving (the CLI exits the process). */
  onAbort: (exitCode: number) => void;
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

/** How a phase of the run ended. */
interface Outcome {
  stoppedBy: TrainResult['stoppedBy'];
  exitCode: number;
}

const TEACHER_STOPPED: Outcome = { stoppedBy: 'teacher_failures', exitCode: 1 };

export class Trainer {
  readonly cfg: RfaiConfig;
  private readonly s: TrainerSetup;
  private readonly timer = new PhaseTimer();
  private readonly totalSteps: number;
  private readonly hash: string;
  private readonly rfai: RfaiStep;
  private readonly warmup: Warmup;
  private readonly evals: EvalPasses;
  private readonly runLog: RunLog;
  private readonly signals: StopSignals;
  private step = 0;
  private history: StepRecord[] = [];
  private evalBefore: EvalReport | null = null;
  private evalAfterSft: EvalReport | null = null;
  private elapsedBefore = 0;
  /** The step a signal lets finish before the save; null once the step is done (the stop check comes next). */
  private stepInProgress: number | null = null;

  constructor(setup: TrainerSetup) {
    this.s = setup;
    this.cfg = setup.config;
    const c = this.cfg;
    this.hash = configHash(c);
    const style = setup.student.promptStyle;
    const maxPromptTokens = c.model.max_length - Math.max(c.rfai.max_new_tokens, c.evaluation.max_new_tokens ?? 0);
    const stepsPerEpoch = Math.ceil(setup.train.length / c.training.batch_size);
    this.totalSteps = Math.min(setup.maxSteps, c.training.max_steps ?? Math.ceil((c.training.num_epochs ?? 1) * stepsPerEpoch));
    const r = setup.resume?.trainerState ?? null;
    const warmupRecords = setup.sft ?? setup.train;
    const optimizer = createOptimizer(setup.student.model.trainableParams(), c);
    if (setup.resume) optimizer.loadState(setup.resume.optimizerState);
    const ema = c.rfai.advantage_estimator === 'ema' ? new EmaBaseline({ decay: c.rfai.ema_decay }) : null;
    if (ema && r?.ema_baseline) ema.setState(r.ema_baseline);
    this.rfai = new RfaiStep({
      cfg: c,
      student: setup.student,
      teacher: setup.teacher,
      style,
      maxPromptTokens,
      rng: r ? Rng.fromState(r.rng) : new Rng(c.training.seed),
      sampler: new DatasetSampler(setup.train, { seed: c.training.seed, cursor: r?.sampler }),
      optimizer,
      lrAt: createLrScheduleFor(c, this.totalScheduleSteps()),
      klController: r?.kl_controller
        ? klControllerFromState(r.kl_controller)
        : createKLController(
            c.rfai.adaptive_kl
              ? { type: 'adaptive', initKlCoef: c.rfai.kl_coef, targetKl: c.rfai.target_kl, horizon: c.rfai.kl_horizon }
              : { type: 'fixed', klCoef: c.rfai.kl_coef },
          ),
      ema,
      refScores: c.teacher.use_reference ? new ReferenceScores(setup.teacher) : null,
      replay: c.rfai.replay_samples > 0 ? sftExamples(warmupRecords) : [],
      log: setup.log,
    });
    if (c.rfai.replay_samples > 0) {
      const n = this.rfai.p.replay.length;
      setup.log(
        n > 0
          ? `rfai replay: ${c.rfai.replay_samples} of ${n} warm-up references per step in the policy loss (advantage ${c.rfai.replay_weight})`
          : `rfai.replay_samples = ${c.rfai.replay_samples} ignored: no warm-up reference to replay (sft.train_file, or training rows with a reference)`,
      );
    }
    this.runLog = new RunLog(c, setup.runDir, r ? r.step : null);
    this.evals = new EvalPasses({
      cfg: c,
      student: setup.student,
      teacher: setup.teacher,
      style,
      maxPromptTokens,
      records: setup.eval,
      warmup: { records: warmupRecords, steps: setup.sftSteps, rfaiRecords: setup.sft ? setup.train : [] },
      timer: this.timer,
      log: this.runLog,
    });
    this.warmup = new Warmup({
      cfg: c,
      student: setup.student,
      optimizer,
      style,
      maxPromptTokens,
      // The warm-up draws from the records with references, in its own seeded order (the RFAI data order is untouched).
      sampler:
        setup.sftSteps > 0
          ? new DatasetSampler(sftExamples(warmupRecords), { seed: mixSeed(c.training.seed, 0x5f7), cursor: r?.sft_sampler ?? undefined })
          : null,
      steps: setup.sftSteps,
      timer: this.timer,
      runLog: this.runLog,
      log: setup.log,
    });
    this.signals = new StopSignals(
      setup.log,
      (sig) =>
        setup.log(
          `\n${sig} received: ${this.stepInProgress !== null ? `finishing step ${this.stepInProgress}, then saving` : `saving`} a checkpoint (send again to exit at once)`,
        ),
      setup.onAbort,
    );
    if (setup.resume) this.restore(setup.resume);
  }

  /** Takes up a checkpoint's progress: step, history, eval passes, warm-up, timings, the LoRA dropout RNG. */
  private restore({ trainerState: r, trainingStats: stats }: ResumeState): void {
    this.step = r.step;
    this.history = stats.history;
    this.evals.evals = stats.evals;
    this.evalBefore = stats.eval_before;
    this.evalAfterSft = stats.eval_after_sft;
    this.warmup.history = stats.sft_history;
    // A checkpoint without the field predates the warm-up: count it as done.
    this.warmup.done = r.sft_step ?? this.s.sftSteps;
    this.evals.best = r.best_eval;
    this.elapsedBefore = r.wall_seconds;
    this.timer.restore(r.timing);
    if (r.lora_dropout_rng && this.s.student.model.dropoutRng) {
      this.s.student.model.dropoutRng = Rng.fromState(r.lora_dropout_rng);
    }
  }

  /** The step count the LR schedule spans (max_steps, or the epochs' worth of steps). */
  private totalScheduleSteps(): number {
    const c = this.cfg.training;
    return c.max_steps ?? Math.ceil((c.num_epochs ?? 1) * Math.ceil(this.s.train.length / c.batch_size));
  }

  /** Runs until max_steps, a signal, or the teacher failure circuit. */
  async run(): Promise<TrainResult> {
    const t0 = Date.now();
    this.stepInProgress = this.step + 1;
    this.signals.install();
    this.runLog.open();
    const progress = new TrainProgress(this.totalSteps);
    let outcome: Outcome = { stoppedBy: 'max_steps', exitCode: 0 };
    try {
      await this.evalBeforeTraining();
      const warmupStop = await this.runWarmup();
      if (warmupStop) {
        outcome = warmupStop.outcome;
        const checkpoint = await this.save();
        if (warmupStop.message) this.s.log(warmupStop.message);
        return this.result(outcome, null, checkpoint, t0);
      }
      outcome = await this.rfaiSteps(progress);
      progress.stop();
      const evalAfter = await this.evalAfterTraining(outcome);
      if (evalAfter?.stop) outcome = { ...outcome, exitCode: 1 };
      const checkpoint = await this.save(evalAfter?.report ?? null);
      return this.result(outcome, evalAfter?.report ?? null, checkpoint, t0);
    } catch (err) {
      progress.stop();
      outcome = { ...outcome, exitCode: 1 }; // the event log's session ends as a failure
      throw err;
    } finally {
      this.rfai.close();
      this.signals.dispose();
      await this.runLog.close(outcome.stoppedBy === 'max_steps' && outcome.exitCode === 0);
    }
  }

  /** The eval pass before training (new runs, evaluation.at_start); the teacher stopping here ends the run unsaved. */
  private async evalBeforeTraining(): Promise<void> {
    if (this.s.resume || !this.cfg.evaluation.at_start || !this.evals.enabled) return;
    this.evalBefore = await this.evals.atStep(0);
    const stop = evalStop('eval_before', this.evalBefore);
    if (stop) throw new TeacherStoppedError(stop.message);
    this.s.log(`eval before training: ${evalLine(this.evalBefore)} (${this.evalBefore.graded}/${this.evalBefore.count} graded)`);
  }

  /** The remaining warm-up steps; a signal, or the teacher stopping in its eval pass, ends the run (with a save). */
  private async runWarmup(): Promise<{ outcome: Outcome; message?: string } | null> {
    if (!this.warmup.pending) return null;
    const { outcome, evalAfter } = await this.warmup.run(this.signals, this.evals);
    if (outcome === 'signal') return { outcome: { stoppedBy: 'signal', exitCode: this.signals.exitCode() } };
    if (evalAfter) this.evalAfterSft = evalAfter;
    const stop = this.evalAfterSft ? evalStop('eval_after_sft', this.evalAfterSft) : null;
    return stop ? { outcome: TEACHER_STOPPED, message: stop.message } : null;
  }

  /** RFAI steps until max_steps, a signal, or the teacher stops; checkpoints every save_steps. */
  private async rfaiSteps(progress: TrainProgress): Promise<Outcome> {
    // The data-parallel update's workers (rfai.workers) take the reference now that it is final (after the warm-up).
    if (this.step < this.totalSteps) await this.rfai.startWorkers();
    progress.start(this.step);
    // Generation of the next batch overlaps grading of the current one when the teacher is remote.
    const pipelined = this.cfg.teacher.provider !== 'offline';
    let pending: Rollout | null = null;
    while (this.step < this.totalSteps) {
      const stepStart = performance.now();
      const current: Rollout = pending ?? (await this.timer.time('generation', () => this.rfai.rollout(this.step)));
      pending = null;
      this.rfai.clearLookahead();
      const nextStep = this.step + 1;
      const saveAfter = this.isSaveStep(nextStep) || nextStep >= this.totalSteps;
      if (pipelined && !saveAfter && !this.signals.received) {
        pending = await this.timer.time('generation', () => this.rfai.lookAhead(this.step));
      }
      const grades = await this.timer.time('grading', () => current.grading);
      const rec = await this.timer.time('update', () => this.rfai.update(current, grades, this.step));
      this.step = nextStep;
      this.stepInProgress = null;
      await this.logStep(rec, stepStart, current, grades, progress);
      const stop = stepStop(rec, grades, this.cfg) ?? (await this.periodicEval(progress));
      if (stop) {
        progress.stop();
        this.s.log(stop.message);
        return TEACHER_STOPPED;
      }
      await yieldToSignals();
      if (this.signals.received) return { stoppedBy: 'signal', exitCode: this.signals.exitCode() };
      this.stepInProgress = this.step + 1;
      if (this.isSaveStep(this.step) && this.step < this.totalSteps) progress.log(`saved ${await this.save()}`);
    }
    return { stoppedBy: 'max_steps', exitCode: 0 };
  }

  /** Completes a step's record with its timings, and logs it (TensorBoard, samples.jsonl, the progress line). */
  private async logStep(rec: StepRecord, stepStart: number, ro: Rollout, grades: Grade[], progress: TrainProgress): Promise<void> {
    rec.step_seconds = (performance.now() - stepStart) / 1000;
    rec.samples_per_s = rec.samples / rec.step_seconds;
    rec.tokens_per_s = (rec.completion_tokens_mean * rec.samples) / rec.step_seconds;
    this.history.push(rec);
    await this.timer.time('logging', () => this.runLog.step(rec, ro, grades, this.totalSteps, this.s.teacher.usage().cost_usd));
    progress.update({
      step: this.step,
      rewardMean: rec.reward_mean,
      kl: rec.kl,
      loss: rec.loss,
      samplesPerSecond: rec.samples_per_s,
      teacherFailures: rec.teacher_failures,
    });
  }

  /** The eval pass every eval_steps (not at the last step: the final pass follows); the teacher may stop in it. */
  private async periodicEval(progress: TrainProgress): Promise<TeacherStop | null> {
    const n = this.cfg.training.eval_steps;
    if (!(n > 0 && this.step % n === 0 && this.step < this.totalSteps && this.evals.enabled)) return null;
    const rep = await this.evals.atStep(this.step);
    const stop = evalStop('eval', rep, this.step);
    if (!stop) progress.log(`eval at step ${this.step}: ${evalLine(rep)}`);
    return stop;
  }

  /** The final eval pass of a run that reached max_steps; the teacher stopping in it makes the exit code 1. */
  private async evalAfterTraining(outcome: Outcome): Promise<{ report: EvalReport; stop: TeacherStop | null } | null> {
    if (outcome.stoppedBy !== 'max_steps' || !this.evals.enabled) return null;
    const report = await this.evals.atStep(this.step);
    const stop = evalStop('eval_after', report, this.step);
    if (stop) this.s.log(stop.message);
    return { report, stop };
  }

  private result(outcome: Outcome, evalAfter: EvalReport | null, checkpoint: string | null, t0: number): TrainResult {
    return {
      exitCode: outcome.exitCode,
      stepsDone: this.step,
      evalBefore: this.evalBefore,
      evalAfterSft: this.evalAfterSft,
      evalAfter,
      history: this.history,
      sftHistory: this.warmup.history,
      stoppedBy: outcome.stoppedBy,
      checkpoint,
      timing: this.timer.snapshot(),
      wallSeconds: this.elapsedBefore + (Date.now() - t0) / 1000,
    };
  }

  private isSaveStep(step: number): boolean {
    const n = this.cfg.training.save_steps;
    return n > 0 && step % n === 0;
  }

  /** The resume state of this moment (before a pipelined look-ahead batch, which a resume draws again). */
  private trainerState(): TrainerState {
    const data = this.rfai.position();
    return {
      step: this.step,
      epoch: data.epoch,
      sampler: data.sampler,
      rng: data.rng,
      lora_dropout_rng: this.s.student.model.dropoutRng?.getState() ?? null,
      kl_controller: this.rfai.p.klController.getState(),
      ema_baseline: this.rfai.p.ema?.getState() ?? null,
      sft_step: this.warmup.done,
      sft_sampler: this.warmup.cursor(),
      config_hash: this.hash,
      best_eval: this.evals.best,
      run_name: this.s.runName,
      base_dir: this.s.baseDir,
      run_dir: this.s.runDir,
      timing: this.timer.snapshot(),
      wall_seconds: this.elapsedBefore,
      backend: this.s.backend.name,
    };
  }

  /** Saves a checkpoint of everything a resume needs; returns its folder. */
  private async save(finalEval: EvalReport | null = null): Promise<string> {
    return this.timer.time('checkpoint', () =>
      saveTrainingCheckpoint({
        outputDir: this.s.outputDir,
        step: this.step,
        student: this.s.student,
        optimizer: this.rfai.p.optimizer,
        config: this.cfg,
        configHash: this.hash,
        evalScore: finalEval?.score_mean ?? this.evals.scoreAt(this.step) ?? null,
        trainerState: this.trainerState(),
        trainingStats: {
          run_name: this.s.runName,
          step: this.step,
          history: this.history,
          evals: this.evals.evals,
          eval_before: this.evalBefore,
          eval_after_sft: this.evalAfterSft,
          eval_after: finalEval,
          sft_history: this.warmup.history,
          best_eval: this.evals.best,
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
