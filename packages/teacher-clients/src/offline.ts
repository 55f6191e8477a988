// The offline teacher: deterministic heuristics over a tree-sitter parse, no network, no model.
import { TeacherError, UnsupportedError } from './errors';
import { canonicalLanguage, loadGrammar, type LoadedGrammar } from './offline/grammars';
import { gradeOffline, OFFLINE_RUBRIC_VERSION, syntaxScoreOf, type OfflineGrade } from './offline/grade';
import { extractCode, printableShare } from './offline/lexical';
import { analyzeSyntax, scaleSyntaxFacts, type SyntaxFacts } from './offline/syntax';
import { checkScoreRequest } from './request';
import {
  combineBreakdown,
  type CompareOptions,
  type CompareResult,
  type GenerateResult,
  type ScoreOutcome,
  type ScoreBatchOptions,
  type ScoreRequest,
  type Teacher,
  type TeacherScore,
  type UsageReport,
} from './teacher';
import { UsageTracker } from './usage';

/** Model name reported by the offline teacher (changes when its rubric changes). */
export const OFFLINE_MODEL = `rfai-${OFFLINE_RUBRIC_VERSION}`;

/** Longest code the offline teacher parses, in characters; the rest still counts for length and repetition. */
const MAX_PARSE_CHARS = 32_768;

/** Below this printable share the text is not parsed: it counts as one unparseable region. */
const MIN_PRINTABLE_TO_PARSE = 0.85;

/** Texts longer than this are first parsed on a prefix of about this length. */
const PREFIX_CHARS = 512;

/**
 * Share of punctuation among non-space characters above which a text may be noise and is tried on a prefix first
 * (code has about 10-25%, uniformly random printable ASCII about 35%).
 */
const NOISY_SYMBOL_SHARE = 0.28;

function symbolShare(text: string): number {
  let symbols = 0;
  let nonSpace = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13) continue;
    nonSpace++;
    const lower = c | 32;
    if (!((lower >= 97 && lower <= 122) || (c >= 48 && c <= 57) || c === 95 || c > 127)) symbols++;
  }
  return nonSpace === 0 ? 0 : symbols / nonSpace;
}

/** A prefix scoring below this syntax score is extrapolated instead of parsing the whole text. */
const PREFIX_NOISE_SYNTAX = 0.2;

/**
 * Parses `code`, with two shortcuts that keep noise cheap (tree-sitter's error recovery on noise is 3-5x slower than
 * parsing code): text with under 85% printable characters is not parsed at all (all one error region), and a long,
 * punctuation-heavy text whose first ~512 characters are mostly unparseable is judged by that prefix, its counts
 * scaled to the full length. Both depend only on the text, so grading stays deterministic.
 */
function parseWithShortcuts(grammar: LoadedGrammar, code: string): SyntaxFacts {
  const nonSpace = code.replace(/\s+/g, '').length;
  const lines = code.split('\n').filter((l) => l.trim().length > 0).length;
  if (printableShare(code) < MIN_PRINTABLE_TO_PARSE) {
    return { errorBytes: nonSpace, errorRegions: Math.max(1, lines), missingNodes: 0, commentBytes: 0, comments: 0, commentProse: 0, definitions: [], documentedDefinitions: 0, nodes: 1 };
  }
  const text = code.length > MAX_PARSE_CHARS ? code.slice(0, MAX_PARSE_CHARS) : code;
  if (text.length > PREFIX_CHARS * 1.5 && symbolShare(text) > NOISY_SYMBOL_SHARE) {
    const nl = text.indexOf('\n', PREFIX_CHARS);
    const cut = nl === -1 || nl > PREFIX_CHARS * 1.25 ? PREFIX_CHARS : nl;
    const prefix = text.slice(0, cut);
    const facts = analyzeSyntax(grammar, prefix);
    const prefixNonSpace = prefix.replace(/\s+/g, '').length;
    const prefixLines = prefix.split('\n').filter((l) => l.trim().length > 0).length;
    if (syntaxScoreOf(facts, prefixNonSpace, prefixLines) < PREFIX_NOISE_SYNTAX) {
      return scaleSyntaxFacts(facts, text.length / prefix.length);
    }
  }
  return analyzeSyntax(grammar, text);
}

/** Scores closer than this are a tie in `compare`. */
const TIE_MARGIN = 0.01;

/**
 * Grades code without any model: syntax validity (tree-sitter), the definition the prompt asks for, relevance to
 * the prompt, comments and docstrings, repetition, length and language keywords. Deterministic: the same input
 * always gives the same score. It cannot run the code, so it cannot tell a correct algorithm from a plausible wrong one.
 */
export class OfflineTeacher implements Teacher {
  readonly provider = 'offline' as const;
  readonly model = OFFLINE_MODEL;
  private readonly tracker = new UsageTracker();
  private closed = false;

  /** Full grade with the individual signals (for diagnostics); `score` returns the public shape. */
  async grade(request: ScoreRequest): Promise<OfflineGrade> {
    checkScoreRequest(request);
    const language = canonicalLanguage(request.language);
    const code = extractCode(request.completion);
    const pending = loadGrammar(language);
    let syntax: SyntaxFacts | undefined;
    if (pending !== undefined) {
      let grammar;
      try {
        grammar = await pending;
      } catch (e) {
        throw new TeacherError(`offline teacher: ${(e as Error).message}`, { provider: 'offline', model: OFFLINE_MODEL, cause: e });
      }
      syntax = parseWithShortcuts(grammar, code);
    }
    return gradeOffline({ ...request, language }, code, syntax);
  }

  async score(request: ScoreRequest): Promise<TeacherScore> {
    this.assertOpen();
    const t0 = performance.now();
    let g: OfflineGrade;
    try {
      g = await this.grade(request);
    } catch (e) {
      this.tracker.addFailure();
      throw e;
    }
    return {
      score: combineBreakdown(g.breakdown),
      breakdown: g.breakdown,
      rationale: g.rationale,
      teacher: 'offline',
      model: OFFLINE_MODEL,
      usage: { input_tokens: 0, output_tokens: 0 },
      cached: false,
      latency_ms: performance.now() - t0,
      cost_usd: 0,
    };
  }

  /** Grades items one after another (the work is CPU-bound, so concurrency would not help). */
  async scoreBatch(items: ScoreRequest[], options: ScoreBatchOptions = {}): Promise<ScoreOutcome[]> {
    this.assertOpen();
    const out: ScoreOutcome[] = [];
    for (const item of items) {
      try {
        out.push({ ok: true, result: await this.score(item) });
      } catch (e) {
        out.push({ ok: false, error: e instanceof TeacherError ? e : new TeacherError(String(e), { provider: 'offline', cause: e }) });
      }
      options.onProgress?.(out.length, items.length);
    }
    return out;
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
      this.score({ prompt, language, completion: a, reference: options.reference }),
      this.score({ prompt, language, completion: b, reference: options.reference }),
    ]);
    const d = sa.score - sb.score;
    const tie = Math.abs(d) < TIE_MARGIN;
    return {
      preferred: tie ? 'tie' : d > 0 ? 'a' : 'b',
      confidence: tie ? 1 - (0.5 * Math.abs(d)) / TIE_MARGIN : 0.5 + 0.5 * Math.tanh(10 * Math.abs(d)),
      rationale: `A scores ${sa.score.toFixed(3)}, B scores ${sb.score.toFixed(3)}. A: ${sa.rationale} B: ${sb.rationale}`,
      teacher: 'offline',
      model: OFFLINE_MODEL,
      usage: { input_tokens: 0, output_tokens: 0 },
      cached: false,
      latency_ms: performance.now() - t0,
      cost_usd: 0,
    };
  }

  usage(): UsageReport {
    return this.tracker.report();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new TeacherError('offline teacher: used after close()', { provider: 'offline', model: OFFLINE_MODEL });
  }
}
