/**
 * The RFAI step (docs/ARCHITECTURE.md): sample G completions per prompt while the teacher grades them, then rewards,
 * advantages and the policy update. Owns what the step draws from and updates: the data sampler, the sampling RNG,
 * the KL controller, the EMA baseline, and the teacher's running cost.
 */
import type { RfaiConfig } from '@rfai/config';
import { getBackendInfo, Rng } from '@rfai/core';
import { mixSeed, type DatasetRecord, type DatasetSampler, type SamplerCursor } from '@rfai/datasets';
import { generateAsync, tokenizerSpec, type GenerationResult } from '@rfai/models';
import { computeAdvantages, klPenalizedRewards, type EmaBaseline, type KLController } from '@rfai/policy-gradient-kl';
import type { Teacher } from '@rfai/teacher-clients';
import { execPassed } from './evaluate';
import { gradeAll, type Grade, type ReferenceScores } from './grading';
import type { Optimizer } from './optimizer';
import { encodePrompt, type PromptStyle, solutionPrefix, taskFields } from './prompt-format';
import type { StepRecord } from './records';
import { computeRewards, finiteStats } from './rewards';
import { sftSequence } from './sft';
import type { Student } from './student';
import { generateParallel } from './parallel-generation';
import { policyUpdate, policyUpdateParallel, type UpdateContext, type UpdateMetrics } from './update';
import { TrainWorkers } from './workers';

/** A batch generated and (being) graded. */
export interface Rollout {
  records: DatasetRecord[];
  promptIds: number[][];
  gens: GenerationResult[];
  grading: Promise<Grade[]>;
  epoch: number;
}

/** Where the data and the sampling RNG stand (saved in a checkpoint). */
export interface DataPosition {
  epoch: number;
  sampler: SamplerCursor;
  rng: ReturnType<Rng['getState']>;
}

export interface RfaiStepParts {
  cfg: RfaiConfig;
  student: Student;
  teacher: Teacher;
  style: PromptStyle;
  maxPromptTokens: number;
  sampler: DatasetSampler<DatasetRecord>;
  rng: Rng;
  optimizer: Optimizer;
  lrAt: (step: number) => number;
  klController: KLController;
  ema: EmaBaseline | null;
  refScores: ReferenceScores | null;
  /** The warm-up's references that rfai.replay_samples draws from (empty: no replay). */
  replay: readonly DatasetRecord[];
  /** Startup lines (the data-parallel update's workers). */
  log?: (line: string) => void;
}

export class RfaiStep {
  /** Teacher cost (USD) reported up to the previous step, to log each step's share. */
  private lastTeacherCost = 0;
  /** Data cursor and RNG before the pipelined look-ahead batch: a stop saves these, so a resume redraws that batch. */
  private lookahead: DataPosition | null = null;

  /** The worker processes of a data-parallel update (rfai.workers > 1) once started; resolves to null without. */
  private workers: Promise<TrainWorkers | null> | null = null;

  constructor(readonly p: RfaiStepParts) {}

  /**
   * Starts the worker processes of a data-parallel update (rfai.workers > 1) once; they receive the frozen reference
   * now, so call it when the reference is final (after the warm-up). Later calls wait for the same start. Without
   * workers (1, a backend that threads itself, LoRA dropout) the update runs in this process.
   */
  async startWorkers(): Promise<TrainWorkers | null> {
    this.workers ??= this.launchWorkers();
    return this.workers;
  }

  private async launchWorkers(): Promise<TrainWorkers | null> {
    const { cfg: c, student } = this.p;
    const log = this.p.log ?? (() => undefined);
    const n = c.rfai.workers - 1;
    if (n < 1) return null;
    const backend = getBackendInfo().name;
    if (backend !== 'wasm' && backend !== 'cpu') {
      log(`rfai.workers = ${c.rfai.workers} ignored: the ${backend} backend uses every core itself; the update runs in this process`);
      return null;
    }
    if ((student.model.loraConfig?.dropout ?? 0) > 0) {
      log(`rfai.workers = ${c.rfai.workers} ignored: LoRA dropout draws its masks from one random stream; the update runs in this process`);
      return null;
    }
    const tokenizer = c.rfai.parallel_generation ? tokenizerSpec(student.tokenizer) : null;
    if (c.rfai.parallel_generation && !tokenizer) {
      log('rfai.parallel_generation ignored: the student\'s tokenizer was not loaded from a folder, so the workers cannot load it; sampling runs in this process');
    }
    const t0 = performance.now();
    const workers = await TrainWorkers.start(student.model, n, { backend, label: 'rfai', reference: student.withReference((ref) => ref), tokenizer });
    log(
      `rfai update${workers.canGenerate ? ' and sampling' : ''}: data parallel over ${n + 1} processes (${n} worker${n === 1 ? '' : 's'} on 1 ${backend} thread each, started in ${((performance.now() - t0) / 1000).toFixed(1)}s)`,
    );
    return workers;
  }

  /** Stops the update's workers (a later update starts them again). */
  close(): void {
    const w = this.workers;
    this.workers = null;
    w?.then((x) => x?.close()).catch(() => undefined);
  }

  /** The data position a checkpoint saves: before the look-ahead batch when one was drawn. */
  position(): DataPosition {
    return this.lookahead ?? { epoch: this.p.sampler.epoch, sampler: this.p.sampler.getCursor(), rng: this.p.rng.getState() };
  }

  /** Samples the look-ahead batch (the one after `step`), remembering where the data stood before it. */
  async lookAhead(step: number): Promise<Rollout> {
    this.lookahead = { epoch: this.p.sampler.epoch, sampler: this.p.sampler.getCursor(), rng: this.p.rng.getState() };
    return this.rollout(step);
  }

  /** The look-ahead batch is now the current one. */
  clearLookahead(): void {
    this.lookahead = null;
  }

  /**
   * Samples G completions per prompt of the next batch (step `step` + 1). Each sample goes to the teacher as soon as
   * it is finished, while the others are still generating (generateAsync gives the event loop a turn between tokens,
   * so a remote teacher's requests are sent and answered and the sandbox's programs run meanwhile); `grading`
   * settles when the last of them is graded. With rfai.parallel_generation the update's workers decode shares of
   * the rows (parallel-generation.ts).
   */
  async rollout(step: number): Promise<Rollout> {
    const { cfg: c, student } = this.p;
    const G = c.rfai.num_samples_per_prompt;
    const records = this.p.sampler.nextBatch(c.training.batch_size);
    const epoch = this.p.sampler.epoch;
    const base = records.map((r) => encodePrompt(r.prompt, r.language, this.p.style, student.tokenizer, this.p.maxPromptTokens, solutionPrefix(r)));
    const promptIds: number[][] = [];
    for (const ids of base) for (let g = 0; g < G; g++) promptIds.push(ids);
    const id = `${step + 1}`;
    const grades: Grade[] = new Array<Grade>(promptIds.length);
    const parts: Array<Promise<void>> = [];
    const workers = c.rfai.parallel_generation ? await this.startWorkers() : null;
    const generateRows = workers?.canGenerate
      ? (o: Parameters<typeof generateAsync>[2]) => generateParallel(student.model, promptIds, o, workers)
      : (o: Parameters<typeof generateAsync>[2]) => generateAsync(student.model, promptIds, o);
    const gens = await generateRows({
      maxNewTokens: c.rfai.max_new_tokens,
      temperature: c.rfai.temperature,
      topK: c.rfai.top_k,
      topP: c.rfai.top_p,
      stopStrings: c.rfai.stop,
      tokenizer: student.tokenizer,
      rng: this.p.rng,
      onFinished: (i, g) => {
        const r = records[Math.floor(i / G)];
        const item = { prompt: r.prompt, language: r.language, completion: g.text, id: `${r.id ?? 'p'}-${id}-${i}`, ...taskFields(r) };
        const part = gradeAll(this.p.teacher, [item]).then(([grade]) => {
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

  /**
   * The warm-up references replayed in step `step` + 1's loss (rfai.replay_samples, drawn with replacement): the
   * prompt cut as for sampling and the reference as the warm-up imitates it. The draw depends on the seed and the
   * step alone, so a resumed run replays the same rows.
   */
  replayRows(step: number): Array<{ prompt: number[]; completion: number[] }> {
    const { cfg: c, student, replay } = this.p;
    const k = c.rfai.replay_samples;
    if (k === 0 || replay.length === 0) return [];
    const rng = new Rng(mixSeed(c.training.seed, 0x7e91a, step));
    return Array.from({ length: k }, () =>
      sftSequence(replay[rng.int(replay.length)], student.tokenizer, this.p.style, this.p.maxPromptTokens, c.rfai.max_new_tokens),
    );
  }

  /** Rewards, advantages and the policy update of one batch (step `step` + 1); its record without timings. */
  async update(ro: Rollout, grades: Grade[], step: number): Promise<StepRecord> {
    const { cfg: c, student, klController } = this.p;
    const G = c.rfai.num_samples_per_prompt;
    const refScores = this.p.refScores
      ? await Promise.all(ro.records.map((r) => this.p.refScores!.get(r.prompt, r.language, r.reference)))
      : null;
    let rewards = computeRewards(
      ro.gens.map((g, i) => ({
        score: grades[i].score?.score ?? null,
        allTestsPassed: execPassed(grades[i].score),
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
      const refLp = student.referenceLogprobs(ro.promptIds, ro.gens.map((g) => g.ids));
      const kr = klPenalizedRewards({
        rewards,
        logprobs: ro.gens.map((g) => g.logprobs),
        refLogprobs: refLp,
        klCoef: klController.value,
      });
      rewards = kr.returns;
      klRewardMean = kr.klMean;
    }
    const adv = computeAdvantages(rewards, ro.gens.map((_, i) => Math.floor(i / G)), {
      estimator: c.rfai.advantage_estimator,
      scaleByStd: c.rfai.scale_rewards,
      ema: this.p.ema ?? undefined,
    });
    const lr = this.p.lrAt(step);
    const ctx: UpdateContext = {
      policy: student.model,
      withReference: (fn) => student.withReference(fn),
      optimizer: this.p.optimizer,
      lr,
      klCoef: klController.value,
      padId: student.tokenizer.padTokenId,
      cfg: c,
    };
    const replay = this.replayRows(step);
    const batch = {
      promptIds: [...ro.promptIds, ...replay.map((x) => x.prompt)],
      completionIds: [...ro.gens.map((g) => g.ids), ...replay.map((x) => x.completion)],
      advantages: Float32Array.from([...adv.advantages, ...replay.map(() => c.rfai.replay_weight)]),
      sampleMask: Float32Array.from([...adv.sampleMask, ...replay.map(() => 1)]),
      truncated: [...ro.gens.map((g) => g.finishReason === 'length'), ...replay.map(() => false)],
    };
    const workers = await this.startWorkers();
    const upd: UpdateMetrics = workers ? await policyUpdateParallel(ctx, batch, workers) : policyUpdate(ctx, batch);
    const klCoefUsed = klController.value;
    const observedKl = c.rfai.kl_placement === 'reward' && Number.isFinite(klRewardMean) ? klRewardMean : upd.kl;
    klController.update(observedKl, ro.gens.length);
    const scores = grades.map((g) => g.score?.score ?? Number.NaN);
    const rs = finiteStats(rewards);
    const failures = grades.filter((g) => g.score === null).length;
    const usage = this.p.teacher.usage();
    const latency = grades.filter((g) => g.score).reduce((a, g) => a + g.score!.latency_ms, 0) / Math.max(1, grades.length - failures);
    const cost = usage.cost_usd - this.lastTeacherCost;
    this.lastTeacherCost = usage.cost_usd;
    return {
      step: step + 1,
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
}
