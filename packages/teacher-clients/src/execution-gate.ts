// Execution gating for hosted teachers: the hidden tests bound what an LLM's score can be.
import pLimit from 'p-limit';
import { TeacherError } from './errors';
import { executedScore, gatedScore, JUDGE_SHARE } from './scoring';
import type {
  CompareOptions,
  CompareResult,
  GenerateRequest,
  GenerateResult,
  ScoreBatchOptions,
  ScoreBulkOptions,
  ScoreOutcome,
  ScoreRequest,
  Teacher,
  TeacherScore,
  UsageReport,
} from './teacher';
import { resultMeta } from './teacher';
import { runNote, shapedSignal, Verifier, type Verification, type VerifierOptions } from './verifier';

/** Verifications run at once while a batch is prepared (each may start a sandboxed process). */
const VERIFY_CONCURRENCY = 8;

/**
 * Wraps a hosted teacher so that execution decides with it. For each sample the hard gates run first: code that
 * does not parse, lacks the entry point's real body or is degenerate gets a gated score (at most GATE_CEILING)
 * without an LLM call. Otherwise the LLM grades; when the hidden tests ran, the final score is
 * EXECUTED_FLOOR + (1 − EXECUTED_FLOOR) · passFraction · ((1 − JUDGE_SHARE) + JUDGE_SHARE · llmScore), so an LLM
 * cannot give a high score to code whose tests fail, and `execution.decided_by` is 'execution'. Without tests (or
 * with execution 'off') the LLM's score stands ('judge').
 */
export class ExecutionGatedTeacher implements Teacher {
  readonly provider: Teacher['provider'];
  readonly model: string;
  private readonly verifier: Verifier;

  constructor(
    private readonly inner: Teacher,
    options: VerifierOptions = {},
  ) {
    this.provider = inner.provider;
    this.model = inner.model;
    this.verifier = new Verifier(options);
  }

  async score(request: ScoreRequest): Promise<TeacherScore> {
    const v = await this.verifyOrThrow(request);
    if (!v.gates.passed) return this.gated(v);
    return this.combine(v, await this.inner.score(request));
  }

  async scoreBatch(items: ScoreRequest[], options: ScoreBatchOptions = {}): Promise<ScoreOutcome[]> {
    return this.batch(items, (open) => this.inner.scoreBatch(open, options));
  }

  async scoreBulk(items: ScoreRequest[], options?: ScoreBulkOptions): Promise<ScoreOutcome[]> {
    return this.batch(items, (open) => this.inner.scoreBulk(open, options));
  }

  generate(request: GenerateRequest): Promise<GenerateResult> {
    return this.inner.generate(request);
  }

  compare(prompt: string, a: string, b: string, options?: CompareOptions): Promise<CompareResult> {
    return this.inner.compare(prompt, a, b, options);
  }

  usage(): UsageReport {
    return this.inner.usage();
  }

  async close(): Promise<void> {
    await Promise.all([this.inner.close(), this.verifier.close()]);
  }

  /** Verifies every item, sends only the ones with open gates to the LLM, and combines in input order. */
  private async batch(items: ScoreRequest[], grade: (open: ScoreRequest[]) => Promise<ScoreOutcome[]>): Promise<ScoreOutcome[]> {
    const limit = pLimit(VERIFY_CONCURRENCY);
    const verified = await Promise.all(
      items.map((item) =>
        limit(async (): Promise<Verification | TeacherError> => {
          try {
            return await this.verifyOrThrow(item);
          } catch (e) {
            return e as TeacherError;
          }
        }),
      ),
    );
    const openIdx = verified.flatMap((v, i) => (v instanceof TeacherError || !v.gates.passed ? [] : [i]));
    const graded = openIdx.length > 0 ? await grade(openIdx.map((i) => items[i])) : [];
    const byIndex = new Map(openIdx.map((i, k) => [i, graded[k]]));
    return verified.map((v, i): ScoreOutcome => {
      if (v instanceof TeacherError) return { ok: false, error: v };
      if (!v.gates.passed) return { ok: true, result: this.gated(v) };
      const outcome = byIndex.get(i) as ScoreOutcome;
      return outcome.ok ? { ok: true, result: this.combine(v, outcome.result) } : outcome;
    });
  }

  private async verifyOrThrow(request: ScoreRequest): Promise<Verification> {
    try {
      return await this.verifier.verify(request);
    } catch (e) {
      if (e instanceof TeacherError) throw e;
      throw new TeacherError(`execution check failed: ${(e as Error).message}`, { provider: this.provider, model: this.model, cause: e });
    }
  }

  private gated(v: Verification): TeacherScore {
    const st = v.analysis.static.breakdown;
    return {
      score: gatedScore(shapedSignal(v.analysis)),
      breakdown: { correctness: 0, quality: st.quality, efficiency: st.efficiency, documentation: st.documentation },
      rationale: `Gate closed before grading: ${v.gates.reasons.join('; ')}.`,
      ...resultMeta(this.provider, this.model, { latency_ms: 0 }),
      execution: { decided_by: 'gate', gates: v.gates, status: 'not_run', tests_passed: 0, tests_run: 0, note: v.gates.reasons.join('; ') },
    };
  }

  private combine(v: Verification, judged: TeacherScore): TeacherScore {
    if (!v.run) {
      return { ...judged, execution: { decided_by: 'judge', gates: v.gates, status: 'not_run', tests_passed: 0, tests_run: 0, note: v.notRun } };
    }
    const p = v.run.testsRun === 0 ? 0 : v.run.testsPassed / v.run.testsRun;
    const note = runNote(v.run);
    return {
      ...judged,
      score: executedScore(p, judged.score, JUDGE_SHARE),
      breakdown: { ...judged.breakdown, correctness: p },
      rationale: `${v.run.testsPassed}/${v.run.testsRun} hidden tests passed (${v.run.status})${note ? `: ${note}` : ''}. Judge (${judged.score.toFixed(3)}): ${judged.rationale}`,
      execution: { decided_by: 'execution', gates: v.gates, status: v.run.status, tests_passed: v.run.testsPassed, tests_run: v.run.testsRun, note },
    };
  }
}
