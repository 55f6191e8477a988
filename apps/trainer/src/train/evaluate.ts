import { Rng } from '@rfai/core';
import { generate, type CausalLM, type Tokenizer } from '@rfai/models';
import type { Teacher } from '@rfai/teacher-clients';
import { gradeAll } from './grading';
import { encodePrompt, type PromptStyle } from './prompt-format';

/** An eval prompt. */
export interface EvalRecord {
  prompt: string;
  language: string;
  id?: string;
}

/** Per-language figures of an eval pass. */
export interface LanguageReport {
  count: number;
  graded: number;
  score_mean: number;
  pass_rate: number;
}

/** Result of an eval pass: greedy decoding over the eval set, graded by the teacher. */
export interface EvalReport {
  step: number;
  /** Mean teacher score over the graded samples. */
  score_mean: number;
  /** Fraction of graded samples scoring at least the threshold. */
  pass_rate: number;
  threshold: number;
  count: number;
  graded: number;
  failed: number;
  /** The teacher's message when it stopped grading altogether during this pass (circuit open, bad key), else null. */
  teacher_stopped: string | null;
  per_language: Record<string, LanguageReport>;
  /** Mean score of each breakdown field. */
  breakdown: { correctness: number; quality: number; efficiency: number; documentation: number };
  mean_completion_tokens: number;
  /** The sampled pass (evaluation.sampled_samples per prompt, fixed seed), or null when off. */
  sampled: { samples: number; graded: number; score_mean: number; pass_rate: number } | null;
  seconds: number;
  /** A few samples for logs: prompt, completion, score. */
  samples: Array<{ id?: string; language: string; prompt: string; completion: string; score: number | null }>;
}

export interface EvalOptions {
  model: CausalLM;
  tokenizer: Tokenizer;
  teacher: Teacher;
  style: PromptStyle;
  maxNewTokens: number;
  maxPromptTokens: number;
  threshold: number;
  stop: string[];
  step: number;
  /** Prompts per generate call (default 16). */
  batchSize?: number;
  samplesToKeep?: number;
  /** Sampled pass: samples per prompt (0: off), sampling settings and the seed it restarts from. */
  sampled?: { perPrompt: number; temperature: number; topK: number; topP: number; seed: number };
}

/** Runs the eval pass. Greedy, so it needs no RNG and never moves the training RNG. */
export async function evaluate(records: readonly EvalRecord[], o: EvalOptions): Promise<EvalReport> {
  const t0 = Date.now();
  const batchSize = o.batchSize ?? 16;
  const completions: Array<{ text: string; tokens: number }> = [];
  for (let s = 0; s < records.length; s += batchSize) {
    const chunk = records.slice(s, s + batchSize);
    const ids = chunk.map((r) => encodePrompt(r.prompt, r.language, o.style, o.tokenizer, o.maxPromptTokens));
    const out = generate(o.model, ids, { maxNewTokens: o.maxNewTokens, greedy: true, stopStrings: o.stop, tokenizer: o.tokenizer });
    for (const g of out) completions.push({ text: g.text, tokens: g.ids.length });
    await new Promise((r) => setImmediate(r)); // let signals and I/O through between batches
  }
  const grades = await gradeAll(
    o.teacher,
    records.map((r, i) => ({ prompt: r.prompt, language: r.language, completion: completions[i].text, id: r.id })),
  );
  const per: Record<string, { count: number; graded: number; sum: number; pass: number }> = {};
  const bd = { correctness: 0, quality: 0, efficiency: 0, documentation: 0 };
  let sum = 0;
  let pass = 0;
  let graded = 0;
  records.forEach((r, i) => {
    const p = (per[r.language] ??= { count: 0, graded: 0, sum: 0, pass: 0 });
    p.count++;
    const g = grades[i].score;
    if (!g) return;
    graded++;
    p.graded++;
    sum += g.score;
    p.sum += g.score;
    if (g.score >= o.threshold) {
      pass++;
      p.pass++;
    }
    for (const k of Object.keys(bd) as Array<keyof typeof bd>) bd[k] += g.breakdown[k];
  });
  const per_language: Record<string, LanguageReport> = {};
  for (const [lang, p] of Object.entries(per)) {
    per_language[lang] = {
      count: p.count,
      graded: p.graded,
      score_mean: p.graded ? p.sum / p.graded : Number.NaN,
      pass_rate: p.graded ? p.pass / p.graded : Number.NaN,
    };
  }
  for (const k of Object.keys(bd) as Array<keyof typeof bd>) bd[k] = graded ? bd[k] / graded : Number.NaN;
  const sampled = o.sampled && o.sampled.perPrompt > 0 ? await sampledPass(records, o, o.sampled) : null;
  return {
    step: o.step,
    score_mean: graded ? sum / graded : Number.NaN,
    pass_rate: graded ? pass / graded : Number.NaN,
    threshold: o.threshold,
    count: records.length,
    graded,
    failed: records.length - graded,
    teacher_stopped: grades.find((g) => g.stopped)?.error ?? null,
    per_language,
    breakdown: bd,
    mean_completion_tokens: completions.reduce((a, c) => a + c.tokens, 0) / Math.max(1, completions.length),
    sampled,
    seconds: (Date.now() - t0) / 1000,
    samples: records.slice(0, o.samplesToKeep ?? 4).map((r, i) => ({
      id: r.id,
      language: r.language,
      prompt: r.prompt,
      completion: completions[i].text,
      score: grades[i].score?.score ?? null,
    })),
  };
}

/**
 * Grades `perPrompt` samples per eval prompt drawn with the training sampling
 * settings from a fresh Rng(seed): every eval draws the same random numbers,
 * so scores before and after training compare the policies, not the luck.
 */
async function sampledPass(
  records: readonly EvalRecord[],
  o: EvalOptions,
  s: NonNullable<EvalOptions['sampled']>,
): Promise<NonNullable<EvalReport['sampled']>> {
  const rng = new Rng(s.seed);
  const batchSize = o.batchSize ?? 16;
  const items: Array<{ prompt: string; language: string; completion: string }> = [];
  for (let start = 0; start < records.length; start += batchSize) {
    const chunk = records.slice(start, start + batchSize);
    const ids = chunk.flatMap((r) => {
      const p = encodePrompt(r.prompt, r.language, o.style, o.tokenizer, o.maxPromptTokens);
      return Array.from({ length: s.perPrompt }, () => p);
    });
    const out = generate(o.model, ids, {
      maxNewTokens: o.maxNewTokens,
      temperature: s.temperature,
      topK: s.topK,
      topP: s.topP,
      stopStrings: o.stop,
      tokenizer: o.tokenizer,
      rng,
    });
    out.forEach((g, i) => {
      const r = chunk[Math.floor(i / s.perPrompt)];
      items.push({ prompt: r.prompt, language: r.language, completion: g.text });
    });
    await new Promise((r) => setImmediate(r));
  }
  const grades = await gradeAll(o.teacher, items);
  const scores = grades.map((g) => g.score?.score).filter((v): v is number => typeof v === 'number');
  return {
    samples: items.length,
    graded: scores.length,
    score_mean: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : Number.NaN,
    pass_rate: scores.length ? scores.filter((v) => v >= o.threshold).length / scores.length : Number.NaN,
  };
}
