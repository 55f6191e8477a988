import { Rng } from '@rfai/core';
import { generateAsync, type CausalLM, type Tokenizer } from '@rfai/models';
import type { ScoreRequest, Teacher, TeacherScore } from '@rfai/teacher-clients';
import { gradeAll, type Grade } from './grading';
import { encodePrompt, solutionPrefix, taskFields, type PromptStyle } from './prompt-format';

/** An eval prompt. */
export interface EvalRecord {
  prompt: string;
  language: string;
  id?: string;
  /** Hidden tests (executed by the teacher); prompts without them never count as passed. */
  tests?: string | string[];
  entry_point?: string;
  /** The start of the solution the prompt ends with (the student writes the rest). */
  prefix?: string;
}

/** Per-language figures of an eval pass. */
export interface LanguageReport {
  count: number;
  graded: number;
  score_mean: number;
  /** Fraction of graded prompts whose greedy completion passed every hidden test when run. */
  pass_rate: number;
  /** Prompts with hidden tests. */
  executable: number;
  /** Fraction of prompts with tests whose greedy completion passed all of them (the same as pass_rate over them). */
  exec_pass_at_1: number;
  /** Fraction of graded completions that parse cleanly. */
  parse_clean_rate: number;
  /** Fraction of graded completions that define the entry point with a real body. */
  entry_point_rate: number;
}

/** One graded eval completion with its test outcome, for reports (best and worst of a pass). */
export interface EvalSample {
  id?: string;
  language: string;
  prompt: string;
  completion: string;
  /** The code graded: the row's solution prefix followed by the completion. */
  code: string;
  score: number | null;
  /** 'passed', 'failed', 'timeout', ..., 'not_run' (a gate closed or no tests), or null when ungraded. */
  status: string | null;
  tests_passed: number;
  tests_run: number;
  /** Why: the gate that closed, the first failing case, the compiler message. */
  note?: string;
}

/** Result of an eval pass: greedy decoding over the eval set, graded (and executed) by the teacher. */
export interface EvalReport {
  step: number;
  /** Mean teacher score over the graded samples. */
  score_mean: number;
  /** Fraction of graded samples whose hidden tests all passed when run (a pass means nothing else). */
  pass_rate: number;
  /** Fraction of eval prompts with tests whose greedy completion passed all of them when executed. */
  exec_pass_at_1: number;
  /** Eval prompts with hidden tests. */
  executable: number;
  /** Fraction of graded completions that parse cleanly. */
  parse_clean_rate: number;
  /** Fraction of graded completions that define the entry point with a real body. */
  entry_point_rate: number;
  /** Fraction of graded samples scoring at least `threshold` (a score statistic, not a pass). */
  score_pass_rate: number;
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
  sampled: { samples: number; graded: number; score_mean: number; pass_rate: number; k: number; exec_pass_at_k: number } | null;
  seconds: number;
  /** The first few samples, in eval order. */
  samples: EvalSample[];
  /** The highest-scoring greedy samples (up to 3), with their test outcome. */
  best: EvalSample[];
  /** The lowest-scoring graded greedy samples (up to 3). */
  worst: EvalSample[];
  /** Executed greedy pass@1 on a fixed sample of the warm-up's own prompts (set by the trainer when there was a warm-up). */
  exec_pass_at_1_warmup?: number;
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

/** Whether a grade is an executed pass: every hidden test ran and passed. */
export function execPassed(score: TeacherScore | null | undefined): boolean {
  const e = score?.execution;
  return e !== undefined && e.decided_by === 'execution' && e.tests_run > 0 && e.tests_passed === e.tests_run;
}

function scoreRequest(r: EvalRecord, completion: string): ScoreRequest {
  return { prompt: r.prompt, language: r.language, completion, id: r.id, ...taskFields(r) };
}

function sampleOf(r: EvalRecord, completion: string, g: TeacherScore | null): EvalSample {
  const e = g?.execution;
  return {
    id: r.id,
    language: r.language,
    prompt: r.prompt,
    completion,
    code: solutionPrefix(r) + completion,
    score: g?.score ?? null,
    status: g ? (e?.status ?? 'not_run') : null,
    tests_passed: e?.tests_passed ?? 0,
    tests_run: e?.tests_run ?? 0,
    ...(e?.note ? { note: e.note } : {}),
  };
}

/**
 * Greedy completions of `records` (no RNG: never moves the training RNG). `onCompletion` receives each one (its
 * index in `records`) as soon as it is finished, while the others decode: the eval grades it right away.
 */
export async function greedyCompletions(
  records: readonly EvalRecord[],
  o: EvalOptions,
  onCompletion?: (index: number, text: string) => void,
): Promise<Array<{ text: string; tokens: number }>> {
  const batchSize = o.batchSize ?? 16;
  const completions: Array<{ text: string; tokens: number }> = [];
  for (let s = 0; s < records.length; s += batchSize) {
    const chunk = records.slice(s, s + batchSize);
    const ids = chunk.map((r) => encodePrompt(r.prompt, r.language, o.style, o.tokenizer, o.maxPromptTokens, solutionPrefix(r)));
    const out = await generateAsync(o.model, ids, {
      maxNewTokens: o.maxNewTokens,
      greedy: true,
      stopStrings: o.stop,
      tokenizer: o.tokenizer,
      onFinished: onCompletion ? (j, g) => onCompletion(s + j, g.text) : undefined,
    });
    for (const g of out) completions.push({ text: g.text, tokens: g.ids.length });
  }
  return completions;
}

/** Grades one completion as soon as it exists; the returned promise never rejects before it is awaited. */
function gradeNow(teacher: Teacher, item: ScoreRequest): Promise<Grade> {
  const p = gradeAll(teacher, [item]).then(([g]) => g);
  p.catch(() => undefined);
  return p;
}

/** Runs the eval pass. Greedy, so it needs no RNG and never moves the training RNG. */
export async function evaluate(records: readonly EvalRecord[], o: EvalOptions): Promise<EvalReport> {
  const t0 = Date.now();
  const pending: Array<Promise<Grade>> = new Array(records.length);
  const completions = await greedyCompletions(records, o, (i, text) => {
    pending[i] = gradeNow(o.teacher, scoreRequest(records[i], text));
  });
  const grades = await Promise.all(pending);
  type Acc = { count: number; graded: number; sum: number; pass: number; executable: number; execPass: number; parse: number; entry: number; over: number };
  const fresh = (): Acc => ({ count: 0, graded: 0, sum: 0, pass: 0, executable: 0, execPass: 0, parse: 0, entry: 0, over: 0 });
  const per: Record<string, Acc> = {};
  const all = fresh();
  const bd = { correctness: 0, quality: 0, efficiency: 0, documentation: 0 };
  records.forEach((r, i) => {
    const accs = [all, (per[r.language] ??= fresh())];
    const hasTests = r.tests !== undefined && (typeof r.tests === 'string' ? r.tests.trim() !== '' : r.tests.length > 0);
    for (const a of accs) {
      a.count++;
      if (hasTests) a.executable++;
    }
    const g = grades[i].score;
    if (!g) return;
    const passed = execPassed(g);
    for (const a of accs) {
      a.graded++;
      a.sum += g.score;
      if (passed) a.pass++;
      if (passed && hasTests) a.execPass++;
      if (g.execution?.gates.parses) a.parse++;
      if (g.execution?.gates.entry_point === true) a.entry++;
      if (g.score >= o.threshold) a.over++;
    }
    for (const k of Object.keys(bd) as Array<keyof typeof bd>) bd[k] += g.breakdown[k];
  });
  const ratio = (n: number, d: number) => (d ? n / d : Number.NaN);
  const per_language: Record<string, LanguageReport> = {};
  for (const [lang, p] of Object.entries(per)) {
    per_language[lang] = {
      count: p.count,
      graded: p.graded,
      score_mean: ratio(p.sum, p.graded),
      pass_rate: ratio(p.pass, p.graded),
      executable: p.executable,
      exec_pass_at_1: ratio(p.execPass, p.executable),
      parse_clean_rate: ratio(p.parse, p.graded),
      entry_point_rate: ratio(p.entry, p.graded),
    };
  }
  for (const k of Object.keys(bd) as Array<keyof typeof bd>) bd[k] = all.graded ? bd[k] / all.graded : Number.NaN;
  const sampled = o.sampled && o.sampled.perPrompt > 0 ? await sampledPass(records, o, o.sampled) : null;
  const samples = records.map((r, i) => sampleOf(r, completions[i].text, grades[i].score));
  const ranked = samples.filter((x) => x.score !== null).sort((a, b) => (b.score as number) - (a.score as number));
  return {
    step: o.step,
    score_mean: ratio(all.sum, all.graded),
    pass_rate: ratio(all.pass, all.graded),
    exec_pass_at_1: ratio(all.execPass, all.executable),
    executable: all.executable,
    parse_clean_rate: ratio(all.parse, all.graded),
    entry_point_rate: ratio(all.entry, all.graded),
    score_pass_rate: ratio(all.over, all.graded),
    threshold: o.threshold,
    count: records.length,
    graded: all.graded,
    failed: records.length - all.graded,
    teacher_stopped: grades.find((g) => g.stopped)?.error ?? null,
    per_language,
    breakdown: bd,
    mean_completion_tokens: completions.reduce((a, c) => a + c.tokens, 0) / Math.max(1, completions.length),
    sampled,
    seconds: (Date.now() - t0) / 1000,
    samples: samples.slice(0, o.samplesToKeep ?? 4),
    best: ranked.slice(0, 3),
    worst: ranked.slice(-3).reverse(),
  };
}

/**
 * Executed greedy pass@1 on `records` only (no sampled pass, no report): the share of prompts with tests whose
 * greedy completion passes all of them. Used for the warm-up's own tasks.
 */
export async function execPassAt1(records: readonly EvalRecord[], o: EvalOptions): Promise<number> {
  const withTests = records.filter((r) => r.tests !== undefined);
  if (withTests.length === 0) return Number.NaN;
  const completions = await greedyCompletions(withTests, o);
  const grades = await gradeAll(o.teacher, withTests.map((r, i) => scoreRequest(r, completions[i].text)));
  return grades.filter((g) => execPassed(g.score)).length / withTests.length;
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
  const items: ScoreRequest[] = [];
  const owner: number[] = [];
  const pending: Array<Promise<Grade>> = [];
  for (let start = 0; start < records.length; start += batchSize) {
    const chunk = records.slice(start, start + batchSize);
    const ids = chunk.flatMap((r) => {
      const p = encodePrompt(r.prompt, r.language, o.style, o.tokenizer, o.maxPromptTokens, solutionPrefix(r));
      return Array.from({ length: s.perPrompt }, () => p);
    });
    const first = items.length;
    const out = await generateAsync(o.model, ids, {
      maxNewTokens: o.maxNewTokens,
      temperature: s.temperature,
      topK: s.topK,
      topP: s.topP,
      stopStrings: o.stop,
      tokenizer: o.tokenizer,
      rng,
      onFinished: (i, g) => {
        pending[first + i] = gradeNow(o.teacher, scoreRequest(chunk[Math.floor(i / s.perPrompt)], g.text));
      },
    });
    out.forEach((g, i) => {
      const r = chunk[Math.floor(i / s.perPrompt)];
      items.push(scoreRequest(r, g.text));
      owner.push(start + Math.floor(i / s.perPrompt));
    });
  }
  const grades = await Promise.all(pending);
  const scores = grades.map((g) => g.score?.score).filter((v): v is number => typeof v === 'number');
  // pass@k with n = k samples per prompt: the share of prompts (with tests) where any sample passed.
  const anyPass = new Set<number>();
  grades.forEach((g, i) => {
    if (execPassed(g.score)) anyPass.add(owner[i]);
  });
  const executable = records.filter((r) => r.tests !== undefined).length;
  return {
    samples: items.length,
    graded: scores.length,
    score_mean: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : Number.NaN,
    pass_rate: scores.length ? grades.filter((g) => execPassed(g.score)).length / scores.length : Number.NaN,
    k: s.perPrompt,
    exec_pass_at_k: executable ? anyPass.size / executable : Number.NaN,
  };
}
