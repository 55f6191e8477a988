/**
 * What a run writes besides checkpoints: TensorBoard event files (`<run>` for RFAI steps and eval passes, `<run>/sft`
 * for the warm-up, whose x axis is warm-up steps) and samples.jsonl (every graded sample).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { RfaiConfig } from '@rfai/config';
import type { DatasetRecord } from '@rfai/datasets';
import type { GenerationResult } from '@rfai/models';
import { SummaryWriter } from '@rfai/tb-writer';
import type { EvalReport } from './evaluate';
import type { Grade } from './grading';
import type { SftRecord, StepRecord } from './records';

/** What a step's log needs of its batch. */
export interface LoggedBatch {
  records: DatasetRecord[];
  gens: GenerationResult[];
}

export class RunLog {
  private writer: SummaryWriter | null = null;
  /** The warm-up's own event files (`<run>/sft`): its x axis is warm-up steps, so a restart marker of one axis never purges the other's points. */
  private sftWriter: SummaryWriter | null = null;

  constructor(
    private readonly cfg: RfaiConfig,
    private readonly runDir: string,
    /** The checkpoint step a resumed run continues from, or null for a new run. */
    private readonly resumedAt: number | null,
  ) {}

  /** Opens the run's event files; a new run records its hparams. */
  open(): void {
    mkdirSync(this.runDir, { recursive: true });
    this.writer = new SummaryWriter(this.runDir, { flushIntervalMs: 2000 });
    // A resumed run writes again the steps after its checkpoint that an interrupted session may already have logged:
    // the restart marker makes TensorBoard (and readRun) drop those orphaned points.
    if (this.resumedAt !== null) this.writer.sessionStart(this.resumedAt + 1);
    if (this.resumedAt === null) this.writer.hparams(flattenHparams(this.cfg), ['eval/score_mean', 'eval/pass_rate', 'train/reward_mean']);
  }

  /** Closes both writers; the session ends as a success or a failure. */
  async close(success: boolean): Promise<void> {
    await this.sftWriter?.close();
    await this.writer?.close({ status: success ? 'success' : 'failure', sessionEnd: true });
  }

  /**
   * The warm-up's writer (`<run>/sft`), opened on first use (at warm-up step `sftStep`); a resumed session marks its
   * restart.
   */
  private sftLog(sftStep: number): SummaryWriter {
    if (!this.sftWriter) {
      this.sftWriter = new SummaryWriter(path.join(this.runDir, 'sft'), { flushIntervalMs: 2000 });
      if (this.resumedAt !== null && sftStep > 0) this.sftWriter.sessionStart(sftStep + 1);
    }
    return this.sftWriter;
  }

  /** One warm-up step's scalars. */
  sftStep(rec: SftRecord): void {
    const w = this.sftLog(rec.sft_step);
    if (Number.isFinite(rec.loss)) w.scalar('sft/loss', rec.loss, rec.sft_step);
    w.scalar('sft/lr', rec.lr, rec.sft_step);
    w.scalar('sft/grad_norm', rec.grad_norm, rec.sft_step);
    w.scalar('sft/tokens_per_s', rec.tokens / rec.seconds, rec.sft_step);
  }

  /** The eval pass after the warm-up, at its own tags (x = warm-up steps), so eval/* keeps one point per RFAI step. */
  sftEval(rep: EvalReport, sftStep: number): void {
    const w = this.writer ? this.sftLog(sftStep) : null;
    if (w && Number.isFinite(rep.score_mean)) w.scalar('sft/eval_score_mean', rep.score_mean, sftStep);
    if (w && Number.isFinite(rep.pass_rate)) w.scalar('sft/eval_pass_rate', rep.pass_rate, sftStep);
    if (w && rep.sampled && Number.isFinite(rep.sampled.score_mean)) w.scalar('sft/eval_sampled_score_mean', rep.sampled.score_mean, sftStep);
  }

  /** An eval pass's scalars and sample texts at `step`. */
  eval(rep: EvalReport, step: number): void {
    const w = this.writer;
    if (!w) return;
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

  /**
   * One RFAI step: every graded sample to samples.jsonl; every `logging_steps` (and at the last step) the scalars,
   * the reward histogram and sample texts. `teacherCostUsd`: the teacher's cost so far.
   */
  step(rec: StepRecord, batch: LoggedBatch, grades: Grade[], totalSteps: number, teacherCostUsd: number): void {
    const w = this.writer!;
    const c = this.cfg;
    // Every graded sample goes to samples.jsonl, for SFT / preference export later.
    const lines = batch.gens.map((g, i) => {
      const r = batch.records[Math.floor(i / c.rfai.num_samples_per_prompt)];
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
    appendFileSync(path.join(this.runDir, 'samples.jsonl'), lines.join('\n') + '\n');
    if (rec.step % c.training.logging_steps !== 0 && rec.step !== totalSteps) return;
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
      'teacher/cost_usd': teacherCostUsd,
    };
    for (const [tag, v] of Object.entries(scalars)) if (Number.isFinite(v)) w.scalar(tag, v, rec.step);
    const rewards = grades.map((g) => g.score?.score).filter((v): v is number => typeof v === 'number');
    if (rewards.length) w.histogram('train/rewards', rewards, rec.step);
    const n = Math.min(c.logging.samples_to_log, batch.gens.length);
    if (n > 0) {
      const parts: string[] = [];
      for (let i = 0; i < n; i++) {
        const idx = (i * c.rfai.num_samples_per_prompt) % batch.gens.length;
        const r = batch.records[Math.floor(idx / c.rfai.num_samples_per_prompt)];
        parts.push(
          `**${r.language}** score ${grades[idx].score ? grades[idx].score!.score.toFixed(3) : 'ungraded'}\n\n` +
            `> ${r.prompt.replace(/\n/g, ' ')}\n\n\`\`\`\n${batch.gens[idx].text}\n\`\`\``,
        );
      }
      w.text('samples/train', parts.join('\n\n---\n\n'), rec.step);
    }
  }
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
