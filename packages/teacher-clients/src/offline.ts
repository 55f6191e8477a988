// The offline teacher: runs the task's hidden tests in a sandbox and lets static signals decide only the rest.
import os from 'node:os';
import pLimit from 'p-limit';
import { TeacherError, UnsupportedError } from './errors';
import { OFFLINE_RUBRIC_VERSION, type OfflineGrade } from './offline/grade';
import { checkScoreRequest } from './request';
import {
  executedScore,
  gatedScore,
  OFFLINE_STATIC_SHARE,
  unverifiedScore,
  type ExecutionReport,
} from './scoring';
import type {
  CompareOptions,
  CompareResult,
  GenerateResult,
  ScoreBreakdown,
  ScoreOutcome,
  ScoreBatchOptions,
  ScoreRequest,
  Teacher,
  TeacherScore,
  UsageReport,
} from './teacher';
import { resultMeta } from './teacher';
import { UsageTracker } from './usage';
import { runNote, shapedSignal, Verifier, type Verification, type VerifierOptions } from './verifier';

/** Model name reported by the offline teacher (changes when its rubric changes). */
export const OFFLINE_MODEL = `rfai-${OFFLINE_RUBRIC_VERSION}`;

/** Options of the offline teacher: how hidden tests are executed (see {@link VerifierOptions}). */
export type OfflineTeacherOptions = VerifierOptions;

/** The full offline grade: the public score plus the static signals behind it. */
export interface OfflineVerdict {
  score: number;
  breakdown: ScoreBreakdown;
  rationale: string;
  execution: ExecutionReport;
  /** The static analysis (offline-v1 signals), for diagnostics. */
  static: OfflineGrade;
}

/** Static quality in [0, 1] from the static breakdown (readability, efficiency, documentation). */
export function staticQuality(b: ScoreBreakdown): number {
  return 0.5 * b.quality + 0.3 * b.efficiency + 0.2 * b.documentation;
}

/**
 * The score of a verified sample, the rubric in one function (constants in scoring.ts): gated-out code gets a
 * shaped signal of at most GATE_CEILING; code that ran gets EXECUTED_FLOOR plus its pass fraction scaled by
 * `quality` with weight `share`; code that could not run is unverified and capped.
 */
export function verdictOf(v: Verification, quality: number, share: number): Omit<OfflineVerdict, 'static' | 'rationale'> & { note: string } {
  const st = v.analysis.static.breakdown;
  const base = { quality: st.quality, efficiency: st.efficiency, documentation: st.documentation };
  const passedCount = v.run?.testsPassed ?? 0;
  const runCount = v.run?.testsRun ?? 0;
  if (!v.gates.passed) {
    return {
      score: gatedScore(shapedSignal(v.analysis)),
      breakdown: { correctness: 0, ...base },
      execution: { decided_by: 'gate', gates: v.gates, status: 'not_run', tests_passed: 0, tests_run: 0, note: v.gates.reasons.join('; ') },
      note: `gate closed: ${v.gates.reasons.join('; ')}`,
    };
  }
  if (v.run) {
    const p = runCount === 0 ? 0 : passedCount / runCount;
    return {
      score: executedScore(p, quality, share),
      breakdown: { correctness: p, ...base },
      execution: { decided_by: 'execution', gates: v.gates, status: v.run.status, tests_passed: passedCount, tests_run: runCount, note: runNote(v.run) },
      note: `${passedCount}/${runCount} hidden tests passed (${v.run.status})${runNote(v.run) ? `: ${runNote(v.run)}` : ''}`,
    };
  }
  return {
    score: unverifiedScore(quality),
    breakdown: { correctness: 0, ...base },
    execution: { decided_by: 'static', gates: v.gates, status: 'not_run', tests_passed: 0, tests_run: 0, note: v.notRun },
    note: `unverified (${v.notRun ?? 'not executed'}): static analysis only, capped`,
  };
}

/** Scores closer than this are a tie in `compare`. */
const TIE_MARGIN = 0.01;

/**
 * Grades code without any model, by running it: the task's hidden tests execute in a sandbox (@rfai/code-exec) and
 * the fraction passed decides the score; static signals (tree-sitter parse, the asked-for definition, repetition,
 * comments) only gate and scale it. Code that does not parse, does not define the entry point with a real body, or
 * is degenerate scores at most GATE_CEILING; code without tests is unverified and capped at UNVERIFIED_CEILING.
 * Deterministic for deterministic tests.
 */
export class OfflineTeacher implements Teacher {
  readonly provider = 'offline' as const;
  readonly model = OFFLINE_MODEL;
  private readonly tracker = new UsageTracker();
  private readonly verifier: Verifier;
  private closed = false;

  constructor(options: OfflineTeacherOptions = {}) {
    this.verifier = new Verifier(options);
  }

  /** How hidden tests are executed: 'auto', 'required' or 'off'. */
  get execution(): Verifier['mode'] {
    return this.verifier.mode;
  }

  /** Full verdict with the static signals (for diagnostics); `score` returns the public shape. */
  async grade(request: ScoreRequest): Promise<OfflineVerdict> {
    checkScoreRequest(request);
    const v = await this.verifier.verify(request);
    const st = v.analysis.static;
    const verdict = verdictOf(v, staticQuality(st.breakdown), OFFLINE_STATIC_SHARE);
    return { ...verdict, rationale: `${verdict.note}. Static: ${st.rationale}`, static: st };
  }

  async score(request: ScoreRequest): Promise<TeacherScore> {
    this.assertOpen();
    const t0 = performance.now();
    let g: OfflineVerdict;
    try {
      g = await this.grade(request);
    } catch (e) {
      this.tracker.addFailure();
      throw e instanceof TeacherError ? e : new TeacherError(`offline teacher: ${(e as Error).message}`, { provider: 'offline', model: OFFLINE_MODEL, cause: e });
    }
    return {
      score: g.score,
      breakdown: g.breakdown,
      rationale: g.rationale,
      ...resultMeta('offline', OFFLINE_MODEL, { latency_ms: performance.now() - t0 }),
      execution: g.execution,
    };
  }

  /**
   * Grades items concurrently (test runs are processes: the executor's pool bounds them to the cores, and runs
   * python programs in batches, so many items in flight keep its batches full); one outcome per item, in input order.
   */
  async scoreBatch(items: ScoreRequest[], options: ScoreBatchOptions = {}): Promise<ScoreOutcome[]> {
    this.assertOpen();
    const limit = pLimit(32 * Math.max(1, os.availableParallelism()));
    let done = 0;
    return Promise.all(
      items.map((item) =>
        limit(async (): Promise<ScoreOutcome> => {
          let outcome: ScoreOutcome;
          try {
            outcome = { ok: true, result: await this.score(item) };
          } catch (e) {
            outcome = { ok: false, error: e instanceof TeacherError ? e : new TeacherError(String(e), { provider: 'offline', cause: e }) };
          }
          options.onProgress?.(++done, items.length);
          return outcome;
        }),
      ),
    );
  }

  /** There is no batch engine offline: the same as `scoreBatch`. */
  scoreBulk(items: ScoreRequest[]): Promise<ScoreOutcome[]> {
    return this.scoreBatch(items);
  }

  /** Always throws UnsupportedError: the offline teacher cannot write reference solutions. */
  async generate(): Promise<GenerateResult> {
    throw new UnsupportedError(
      "the offline teacher cannot write reference solutions; use teacher.provider 'openai', 'anthropic' or 'openai-compatible' for generate(), or give dataset rows a 'reference'",
      { provider: 'offline', model: OFFLINE_MODEL },
    );
  }

  /**
   * Scores both completions and prefers the higher one; scores within 0.01 are a tie. Confidence grows with the
   * score gap: 0.5 + 0.5·tanh(10·|Δ|) (a gap of 0.1 gives 0.88).
   */
  async compare(prompt: string, a: string, b: string, options: CompareOptions = {}): Promise<CompareResult> {
    this.assertOpen();
    const t0 = performance.now();
    const language = options.language ?? 'python';
    const [sa, sb] = await Promise.all([
      this.score({ prompt, language, completion: a, reference: options.reference, tests: options.tests, entry_point: options.entry_point }),
      this.score({ prompt, language, completion: b, reference: options.reference, tests: options.tests, entry_point: options.entry_point }),
    ]);
    const d = sa.score - sb.score;
    const tie = Math.abs(d) < TIE_MARGIN;
    return {
      preferred: tie ? 'tie' : d > 0 ? 'a' : 'b',
      confidence: tie ? 1 - (0.5 * Math.abs(d)) / TIE_MARGIN : 0.5 + 0.5 * Math.tanh(10 * Math.abs(d)),
      rationale: `A scores ${sa.score.toFixed(3)}, B scores ${sb.score.toFixed(3)}. A: ${sa.rationale} B: ${sb.rationale}`,
      ...resultMeta('offline', OFFLINE_MODEL, { latency_ms: performance.now() - t0 }),
    };
  }

  usage(): UsageReport {
    return this.tracker.report();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.verifier.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new TeacherError('offline teacher: used after close()', { provider: 'offline', model: OFFLINE_MODEL });
  }
}
