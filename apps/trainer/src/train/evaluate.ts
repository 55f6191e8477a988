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
  per_language: Record<string, LanguageReport>;
  /** Mean score of each breakdown field. */
  breakdown: { correctness: number; quality: number; efficiency: number; documentation: number };
  mean_completion_tokens: number;
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
  return {
    step: o.step,
    score_mean: graded ? sum / graded : Number.NaN,
    pass_rate: graded ? pass / graded : Number.NaN,
    threshold: o.threshold,
    count: records.length,
    graded,
    failed: records.length - graded,
    per_language,
    breakdown: bd,
    mean_completion_tokens: completions.reduce((a, c) => a + c.tokens, 0) / Math.max(1, completions.length),
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
