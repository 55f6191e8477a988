// The execution-verified rubric (offline-v2): every constant of the score formula, named, in one place.
//
// A score has three bands:
//   [0, GATE_CEILING]          the code failed a hard gate (does not parse, no entry point with a real body, or
//                              degenerate): a small shaped signal, so a curriculum still sees progress;
//   EXECUTED_FLOOR             well-formed code that passes none of its hidden tests;
//   (EXECUTED_FLOOR, 1]        the fraction of tests passed decides; static quality (offline) or the LLM judge
//                              (hosted teachers) only scales the part the tests earned.
// Without tests nothing can be verified: a score then stays at or below UNVERIFIED_CEILING and never counts as a pass.
// The package README's rubric section is checked against these numbers by a test.

/** Highest score of code that fails a hard gate. */
export const GATE_CEILING = 0.09;

/** Score of well-formed code (all gates open) that passes none of its tests; also the lowest executed score. */
export const EXECUTED_FLOOR = 0.1;

/** Share of static quality within the executed part, for the offline teacher. */
export const OFFLINE_STATIC_SHARE = 0.1;

/** Share of the LLM judge's score within the executed part, for hosted teachers when tests ran. */
export const JUDGE_SHARE = 0.3;

/** Highest score of code that could not be executed against tests (no tests, or no toolchain with execution 'auto'). */
export const UNVERIFIED_CEILING = 0.6;

/** Below this repetition signal (distinct trigrams, lines, character variety) code is degenerate. */
export const MIN_REPETITION = 0.5;

/** Below this share of printable characters code is degenerate. */
export const MIN_PRINTABLE = 0.95;

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

/** Score of gated-out code from a shaped progress signal in [0, 1]. */
export function gatedScore(shaped: number): number {
  return GATE_CEILING * clamp01(shaped);
}

/**
 * Score of code that ran: EXECUTED_FLOOR + (1 − EXECUTED_FLOOR) · passFraction · ((1 − share) + share · quality).
 * With every test passed and quality 1 it is 1; with none passed it is EXECUTED_FLOOR whatever the quality.
 */
export function executedScore(passFraction: number, quality: number, share: number): number {
  const p = clamp01(passFraction);
  return EXECUTED_FLOOR + (1 - EXECUTED_FLOOR) * p * (1 - share + share * clamp01(quality));
}

/** Score of well-formed code that was not executed: EXECUTED_FLOOR + (UNVERIFIED_CEILING − EXECUTED_FLOOR) · quality. */
export function unverifiedScore(quality: number): number {
  return EXECUTED_FLOOR + (UNVERIFIED_CEILING - EXECUTED_FLOOR) * clamp01(quality);
}

/** What decided a score: a hard gate, the executed tests, static analysis alone, or an LLM judge alone. */
export type DecidedBy = 'gate' | 'execution' | 'static' | 'judge';

/** The outcome of the hard gates. */
export interface GateReport {
  /** The code parses without error regions or missing tokens (true for a language without a grammar). */
  parses: boolean;
  /** The entry point is defined with a real body (undefined when no entry point is known). */
  entry_point?: boolean;
  /** Not degenerate: printable, not repetitive, and a function with parameters reads them. */
  non_degenerate: boolean;
  /** Every gate open. */
  passed: boolean;
  /** Why a gate closed, in words. */
  reasons: string[];
}

/** How a score was verified; part of every score from a teacher with execution. */
export interface ExecutionReport {
  /** What decided the score. */
  decided_by: DecidedBy;
  gates: GateReport;
  /** The runner's status ('passed', 'failed', 'compile_error', 'timeout', ...), or 'not_run' with the reason in `note`. */
  status: string;
  tests_passed: number;
  tests_run: number;
  /** A short explanation: the first failing case, a compiler message, or why nothing ran. */
  note?: string;
}
