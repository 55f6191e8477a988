/**
 * The supervised warm-up (config `sft`): cross-entropy on reference solutions before the first RFAI step, then the
 * KL reference frozen at the warmed-up weights and an eval pass.
 */
import type { RfaiConfig } from '@rfai/config';
import { getBackendInfo } from '@rfai/core';
import { scheduleOver } from './schedule';
import type { DatasetRecord, DatasetSampler, SamplerCursor } from '@rfai/datasets';
import type { EvalReport } from './evaluate';
import type { EvalPasses } from './eval-passes';
import type { Optimizer } from './optimizer';
import { TrainProgress } from './progress';
import type { PromptStyle } from './prompt-format';
import type { SftRecord } from './records';
import type { RunLog } from './run-log';
import { sftSequence, sftStep, sftStepParallel } from './sft';
import { TrainWorkers } from './workers';
import { yieldToSignals, type StopSignals } from './signals';
import type { Student } from './student';
import type { PhaseTimer } from './timing';
import { evalLine, fmt } from './console-lines';

export interface WarmupParts {
  cfg: RfaiConfig;
  student: Student;
  optimizer: Optimizer;
  style: PromptStyle;
  maxPromptTokens: number;
  /** Draws the warm-up's references; null when there is no warm-up. */
  sampler: DatasetSampler<DatasetRecord> | null;
  /** Warm-up steps in all (0: none). */
  steps: number;
  timer: PhaseTimer;
  runLog: RunLog;
  log: (line: string) => void;
}

export class Warmup {
  /** Warm-up steps done (restored on resume). */
  done = 0;
  history: SftRecord[] = [];

  constructor(private readonly p: WarmupParts) {}

  /** Where the warm-up's data stands (saved in a checkpoint); null without a warm-up. */
  cursor(): SamplerCursor | null {
    return this.p.sampler?.getCursor() ?? null;
  }

  /** The worker processes of a data-parallel warm-up (sft.workers > 1), or null. */
  private async startWorkers(): Promise<TrainWorkers | null> {
    const n = this.p.cfg.sft.workers - 1;
    if (n < 1) return null;
    const backend = getBackendInfo().name;
    if (backend !== 'wasm' && backend !== 'cpu') {
      this.p.log(`sft.workers = ${this.p.cfg.sft.workers} ignored: the ${backend} backend uses every core itself; the warm-up runs in this process`);
      return null;
    }
    const t0 = performance.now();
    const workers = await TrainWorkers.start(this.p.student.model, n, { backend, label: 'sft' });
    this.p.log(`sft warm-up: data parallel over ${n + 1} processes (${n} worker${n === 1 ? '' : 's'} on 1 ${backend} thread each, started in ${((performance.now() - t0) / 1000).toFixed(1)}s)`);
    return workers;
  }

  /** Whether warm-up steps remain. */
  get pending(): boolean {
    return this.done < this.p.steps;
  }

  /**
   * Runs the remaining warm-up steps. A signal stops it after the current step ('signal'; the caller saves).
   * Afterwards the KL reference is frozen and, with evaluation.at_start, an eval pass runs (`evalAfter`).
   */
  async run(signals: StopSignals, evals: EvalPasses): Promise<{ outcome: 'done' | 'signal'; evalAfter: EvalReport | null }> {
    const { cfg: c, student } = this.p;
    const total = this.p.steps;
    const peak = c.sft.learning_rate ?? c.training.learning_rate;
    const sftSchedule = scheduleOver(c.sft.lr_scheduler_type, peak, c.training.warmup_steps, total);
    const progress = new TrainProgress(total, { phase: 'sft' });
    if (this.done === 0) this.p.log(`sft warm-up: ${total} steps of ${c.sft.batch_size} reference solutions, learning rate ${peak} (${c.sft.lr_scheduler_type})`);
    const workers = await this.startWorkers();
    progress.start(this.done);
    try {
      while (this.done < total) {
        const t0 = performance.now();
        const records = this.p.sampler!.nextBatch(c.sft.batch_size);
        const seqs = records.map((r) => sftSequence(r, student.tokenizer, this.p.style, this.p.maxPromptTokens, c.model.max_length - this.p.maxPromptTokens));
        const lr = sftSchedule(this.done);
        const o = {
          lr,
          maxGradNorm: c.training.max_grad_norm,
          padId: student.tokenizer.padTokenId,
          microBatches: c.training.gradient_accumulation_steps,
          promptLossWeight: c.sft.prompt_loss_weight,
        };
        const m = await this.p.timer.time('sft', () =>
          workers ? sftStepParallel(student.model, this.p.optimizer, seqs, o, workers) : sftStep(student.model, this.p.optimizer, seqs, o),
        );
        this.done++;
        const rec: SftRecord = { sft_step: this.done, loss: m.loss, tokens: m.tokens, lr, grad_norm: m.grad_norm, seconds: (performance.now() - t0) / 1000 };
        this.history.push(rec);
        this.p.runLog.sftStep(rec);
        progress.update({
          step: this.done,
          rewardMean: Number.NaN,
          kl: Number.NaN,
          loss: rec.loss,
          samplesPerSecond: records.length / rec.seconds,
          teacherFailures: 0,
        });
        await yieldToSignals();
        if (signals.received && this.done < total) {
          progress.stop();
          return { outcome: 'signal', evalAfter: null };
        }
      }
    } finally {
      progress.stop();
      workers?.close();
    }
    student.freezeReference();
    // RFAI starts from a fresh AdamW: the warm-up's second moments (cross-entropy gradients at sft.learning_rate)
    // would otherwise scale its first ~100 steps (beta2 0.99) by a different objective's gradient sizes.
    this.p.optimizer.reset();
    const first = this.history[0]?.loss;
    this.p.log(
      `sft warm-up done: loss ${fmt(first ?? Number.NaN)} -> ${fmt(this.history[this.history.length - 1]?.loss ?? Number.NaN)}; ` +
        'the KL reference is now the warmed-up model; RFAI starts with a fresh optimizer',
    );
    let evalAfter: EvalReport | null = null;
    if (c.evaluation.at_start && evals.enabled) {
      evalAfter = await evals.afterWarmup(this.done);
      this.p.log(`eval after the warm-up: ${evalLine(evalAfter)}`);
    }
    return { outcome: 'done', evalAfter };
  }
}
