/**
 * The trainer's eval passes (before training, after the warm-up, every `eval_steps`, after training): greedy (and
 * sampled) completions of the eval set, graded and executed, plus executed pass@1 on a sample of the warm-up's own
 * tasks; each pass is logged and the best one remembered.
 */
import type { RfaiConfig } from '@rfai/config';
import { Rng } from '@rfai/core';
import { mixSeed, normalizedPromptKey, type DatasetRecord } from '@rfai/datasets';
import type { Teacher } from '@rfai/teacher-clients';
import { evaluate, execPassAt1, type EvalOptions, type EvalReport } from './evaluate';
import type { PromptStyle } from './prompt-format';
import type { BestEval } from './records';
import type { RunLog } from './run-log';
import { sftExamples } from './sft';
import type { Student } from './student';
import type { PhaseTimer } from './timing';

export interface EvalPassesParts {
  cfg: RfaiConfig;
  student: Student;
  teacher: Teacher;
  style: PromptStyle;
  maxPromptTokens: number;
  /** The eval set. */
  records: DatasetRecord[];
  /**
   * The warm-up's prompts (sft.train_file, else the RFAI rows), its step count (0: no warm-up), and the RFAI prompts
   * (the warm-up sample leaves out those RFAI also trains on, so it measures the tasks RFAI never visits).
   */
  warmup: { records: DatasetRecord[]; steps: number; rfaiRecords: readonly DatasetRecord[] };
  timer: PhaseTimer;
  log: RunLog;
}

export class EvalPasses {
  /** Every RFAI eval pass so far (resumed runs start with the checkpoint's). */
  evals: EvalReport[] = [];
  best: BestEval | null = null;
  private warmSample: DatasetRecord[] | undefined;

  constructor(private readonly p: EvalPassesParts) {}

  /** Whether there is an eval set. */
  get enabled(): boolean {
    return this.p.records.length > 0;
  }

  /** An eval pass at RFAI step `step`, logged at eval/* and counted for the best eval. */
  async atStep(step: number): Promise<EvalReport> {
    const rep = await this.run(step);
    this.evals.push(rep);
    if (Number.isFinite(rep.score_mean) && (!this.best || rep.score_mean > this.best.score)) {
      this.best = { step, score: rep.score_mean };
    }
    this.p.log.eval(rep, step);
    return rep;
  }

  /** The eval pass after the warm-up (`sftStep` warm-up steps), logged at its own sft/* tags. */
  async afterWarmup(sftStep: number): Promise<EvalReport> {
    const rep = await this.run(0);
    this.p.log.sftEval(rep, sftStep);
    return rep;
  }

  /** The mean score of the eval pass at `step`, if one ran. */
  scoreAt(step: number): number | undefined {
    return this.evals.filter((e) => e.step === step).pop()?.score_mean;
  }

  private async run(step: number): Promise<EvalReport> {
    const c = this.p.cfg;
    const opts: EvalOptions = {
      model: this.p.student.model,
      tokenizer: this.p.student.tokenizer,
      teacher: this.p.teacher,
      style: this.p.style,
      maxNewTokens: c.evaluation.max_new_tokens ?? c.rfai.max_new_tokens,
      maxPromptTokens: this.p.maxPromptTokens,
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
    return this.p.timer.time('eval', async () => {
      const r = await evaluate(this.p.records, opts);
      const warm = this.warmupEvalRecords();
      if (warm.length > 0) r.exec_pass_at_1_warmup = await execPassAt1(warm, { ...opts, sampled: undefined });
      return r;
    });
  }

  /** The warm-up sample of `exec_pass_at_1_warmup` ({@link warmupEvalSample}); empty without a warm-up. */
  private warmupEvalRecords(): DatasetRecord[] {
    const c = this.p.cfg;
    if (this.p.warmup.steps === 0 || c.evaluation.warmup_samples === 0) return [];
    this.warmSample ??= warmupEvalSample(this.p.warmup.records, this.p.warmup.rfaiRecords, c.evaluation.warmup_samples, c.evaluation.seed);
    return this.warmSample;
  }
}

/**
 * A fixed, seeded sample of `n` of the warm-up's own prompts that carry tests and a reference, leaving out those the
 * RFAI prompts also hold (the same prompt and language, as the generator's overlap check compares them): what RFAI costs on the tasks it never visits.
 */
export function warmupEvalSample(warmup: readonly DatasetRecord[], rfai: readonly DatasetRecord[], n: number, seed: number): DatasetRecord[] {
  const key = (r: DatasetRecord) => normalizedPromptKey(r.prompt, r.language);
  const visited = new Set(rfai.map(key));
  return new Rng(mixSeed(seed, 0x3a11))
    .shuffle(sftExamples(warmup).filter((r) => r.tests !== undefined && !visited.has(key(r))))
    .slice(0, n);
}
