// Verification of one sample: static analysis, the hard gates, and the hidden tests run by @rfai/code-exec.
import { createExecutor, type Executor, type ExecutorOptions, type RunTestsResult } from '@rfai/code-exec';
import { TeacherError } from './errors';
import { inspectEntryPoint, type EntryPointFacts } from './offline/entry-point';
import { canonicalLanguage, loadGrammar, type LoadedGrammar } from './offline/grammars';
import { gradeOffline, syntaxScoreOf, type OfflineGrade } from './offline/grade';
import { extractCode, printableShare } from './offline/lexical';
import { promptTerms } from './offline/prompt-terms';
import { analyzeSyntax, scaleSyntaxFacts, type SyntaxFacts } from './offline/syntax';
import { MIN_PRINTABLE, MIN_REPETITION, type GateReport } from './scoring';
import type { ScoreRequest } from './teacher';

/**
 * When hidden tests run: 'auto' runs them when a sample has tests and its language has a toolchain (otherwise the
 * score is unverified and capped); 'required' fails the grading of a sample that cannot be executed (it is dropped
 * and counted, never given a score); 'off' never runs code (static analysis only, capped as unverified).
 */
export type ExecutionMode = 'auto' | 'required' | 'off';

/** Options of a {@link Verifier}. */
export interface VerifierOptions {
  /** Default 'auto'. */
  mode?: ExecutionMode;
  /** An executor to share (not closed by the verifier); default: one created on first use with `executorOptions`. */
  executor?: Executor;
  /** Options of the executor the verifier creates. */
  executorOptions?: ExecutorOptions;
  /** Wall-clock limit of one test run in milliseconds. Default 2000. */
  timeoutMs?: number;
  /** Memory limit of one test run in MiB. Default 512. */
  memoryMb?: number;
}

/** Static facts of one sample. */
export interface StaticAnalysis {
  language: string;
  code: string;
  /** The entry point that was checked: the request's, else the first name the prompt puts in backticks. */
  entryPoint?: string;
  syntax?: SyntaxFacts;
  entry?: EntryPointFacts;
  /** The static rubric (offline-v1 signals), used for quality and for the shaped signal below the gates. */
  static: OfflineGrade;
}

/** Everything known about one sample after verification. */
export interface Verification {
  analysis: StaticAnalysis;
  gates: GateReport;
  /** The test run, when the gates were open and tests ran. */
  run?: RunTestsResult;
  /** Why tests did not run although the gates were open (no tests, execution off, no toolchain). */
  notRun?: string;
  /** The normalised test cases (empty when the request had none). */
  tests: string[];
}

/** Longest code that is parsed, in characters; the rest still counts for length and repetition. */
const MAX_PARSE_CHARS = 32_768;
/** Below this printable share the text is not parsed: it counts as one unparseable region. */
const MIN_PRINTABLE_TO_PARSE = 0.85;
/** Texts longer than this are first parsed on a prefix of about this length. */
const PREFIX_CHARS = 512;
/** Share of punctuation above which a long text may be noise and is judged by a prefix first. */
const NOISY_SYMBOL_SHARE = 0.28;
/** A prefix scoring below this syntax score is extrapolated instead of parsing the whole text. */
const PREFIX_NOISE_SYNTAX = 0.2;

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

/**
 * Parses `code`, with two shortcuts that keep noise cheap (tree-sitter's error recovery on noise is 3-5x slower than
 * parsing code): text with under 85% printable characters is not parsed at all (all one error region), and a long,
 * punctuation-heavy text whose first ~512 characters are mostly unparseable is judged by that prefix, its counts
 * scaled to the full length. Both depend only on the text, so grading stays deterministic.
 */
export function parseWithShortcuts(grammar: LoadedGrammar, code: string): SyntaxFacts {
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

/** The request's tests as an array of cases (a single string is one case; blank cases are dropped). */
export function normaliseTests(tests: ScoreRequest['tests']): string[] {
  if (tests === undefined) return [];
  const list = typeof tests === 'string' ? [tests] : [...tests];
  return list.filter((t) => typeof t === 'string' && t.trim().length > 0);
}

/** Static analysis of one sample (parse, entry point, offline-v1 signals). Rejects when a grammar cannot load. */
export async function analyzeSample(request: ScoreRequest): Promise<StaticAnalysis> {
  const language = canonicalLanguage(request.language);
  const code = request.prefix ? request.prefix + request.completion : extractCode(request.completion);
  const pending = loadGrammar(request.language); // its own name: a dialect (tsx) keeps its grammar
  let grammar: LoadedGrammar | undefined;
  if (pending !== undefined) {
    try {
      grammar = await pending;
    } catch (e) {
      throw new TeacherError(`offline analysis: ${(e as Error).message}`, { provider: 'offline', cause: e });
    }
  }
  const syntax = grammar ? parseWithShortcuts(grammar, code) : undefined;
  const entryPoint = request.entry_point?.trim() || promptTerms(request.prompt).requestedNames[0];
  const entry = grammar && entryPoint && syntax && syntax.errorRegions === 0 ? inspectEntryPoint(grammar, code, entryPoint) : undefined;
  const grade = gradeOffline({ ...request, language }, code, syntax);
  return { language, code, entryPoint, syntax, entry, static: grade };
}

/** The hard gates of a sample from its static analysis. */
export function checkGates(a: StaticAnalysis): GateReport {
  const reasons: string[] = [];
  const s = a.static.signals;
  const empty = a.code.trim().length === 0;
  const parses = !empty && (a.syntax === undefined || (a.syntax.errorRegions === 0 && a.syntax.missingNodes === 0));
  if (empty) reasons.push('empty completion');
  else if (!parses) reasons.push(`does not parse as ${a.language}`);
  let entry: boolean | undefined;
  if (a.entryPoint !== undefined && a.syntax !== undefined) {
    if (!parses) entry = false;
    else if (!a.entry?.defined) {
      entry = false;
      reasons.push(`does not define ${a.entryPoint}`);
    } else if (!a.entry.realBody) {
      entry = false;
      reasons.push(`${a.entryPoint} has no real body (a stub)`);
    } else entry = true;
  }
  let nonDegenerate = !empty;
  if (!empty && s.charSanity < MIN_PRINTABLE) {
    nonDegenerate = false;
    reasons.push('unprintable characters');
  }
  if (!empty && s.repetition < MIN_REPETITION) {
    nonDegenerate = false;
    reasons.push('degenerate repetition');
  }
  if (a.entry?.usesParams === false) {
    nonDegenerate = false;
    reasons.push(`${a.entryPoint} never reads its parameters`);
  }
  return { parses, entry_point: entry, non_degenerate: nonDegenerate, passed: parses && entry !== false && nonDegenerate, reasons };
}

/** Shaped progress signal in [0, 1] for gated-out code: syntax, the definition, and no repetition. */
export function shapedSignal(a: StaticAnalysis): number {
  if (a.code.trim().length === 0) return 0; // whitespace is not progress
  const s = a.static.signals;
  return (0.4 * s.syntax + 0.3 * s.definition + 0.3 * Math.min(1, s.repetition / 0.6)) * s.charSanity;
}

/**
 * Verifies samples: static gates first (cheap), then the hidden tests in the sandbox when the gates are open.
 * One executor (a bounded process pool) serves every call; `close()` releases it.
 */
export class Verifier {
  readonly mode: ExecutionMode;
  private executor: Executor | undefined;
  private readonly ownsExecutor: boolean;
  private readonly timeoutMs: number;
  private readonly memoryMb: number;

  constructor(private readonly options: VerifierOptions = {}) {
    this.mode = options.mode ?? 'auto';
    this.executor = options.executor;
    this.ownsExecutor = options.executor === undefined;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.memoryMb = options.memoryMb ?? 512;
  }

  /** Verifies one sample. Rejects with a TeacherError when execution is 'required' and the sample cannot be run. */
  async verify(request: ScoreRequest): Promise<Verification> {
    const analysis = await analyzeSample(request);
    const gates = checkGates(analysis);
    const tests = normaliseTests(request.tests);
    if (this.mode === 'required' && tests.length === 0) {
      throw new TeacherError(
        "the sample has no tests but teacher.execution is 'required'; give every dataset row a 'tests' list or set teacher.execution to 'auto'",
        { provider: 'offline' },
      );
    }
    if (!gates.passed) return { analysis, gates, tests };
    if (this.mode === 'off') return { analysis, gates, tests, notRun: "teacher.execution is 'off'" };
    if (tests.length === 0) return { analysis, gates, tests, notRun: 'no tests for this task' };
    this.executor ??= createExecutor(this.options.executorOptions);
    const run = await this.executor.runTests({
      language: analysis.language,
      code: analysis.code,
      tests,
      entryPoint: analysis.entryPoint,
      timeoutMs: this.timeoutMs,
      memoryMb: this.memoryMb,
    });
    if (run.status === 'unsupported_language' || run.status === 'toolchain_missing') {
      const why = run.error ?? `cannot run ${analysis.language} here`;
      if (this.mode === 'required') {
        throw new TeacherError(`cannot execute the tests: ${why}; install the toolchain or set teacher.execution to 'auto'`, { provider: 'offline' });
      }
      return { analysis, gates, tests, notRun: why };
    }
    return { analysis, gates, tests, run };
  }

  /** Closes the executor if this verifier created it. */
  async close(): Promise<void> {
    if (this.ownsExecutor && this.executor) await this.executor.close();
    this.executor = undefined;
  }
}

/** The first failing case's reason, or the runner's error, as one short line. */
export function runNote(run: RunTestsResult): string | undefined {
  if (run.status === 'passed') return undefined;
  const failing = run.cases.find((c) => !c.passed);
  const text = run.error ?? (failing ? `case ${failing.index}: ${failing.reason ?? 'failed'}` : run.status);
  return text.split('\n')[0].slice(0, 200);
}
