/**
 * Errors thrown by @rfai/datasets. Every error is a {@link DatasetError}; the
 * subclasses carry the data a caller needs to act (file, line, problems).
 */

/** One problem found on one line (or row) of a dataset file. */
export interface DatasetProblem {
  /** The file the line came from (as given by the caller), or `<input>` for in-memory data. */
  file: string;
  /** 1-based line number (JSONL) or row number (JSON array element, CSV record). */
  line: number;
  /** What kind of problem this is. */
  kind: DatasetProblemKind;
  /** What was expected, what was found and how to fix it. */
  message: string;
}

/** The kinds of bad lines the loader reports. */
export type DatasetProblemKind =
  | 'invalid-json'
  | 'not-object'
  | 'missing-prompt'
  | 'empty-prompt'
  | 'missing-language'
  | 'unknown-language'
  | 'invalid-field'
  | 'duplicate';

/** Base class of every error thrown by @rfai/datasets. */
export class DatasetError extends Error {
  /** The file concerned, when there is one. */
  readonly file?: string;
  /** The 1-based line concerned, when there is one. */
  readonly line?: number;

  constructor(message: string, opts: { file?: string; line?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.file = opts.file;
    this.line = opts.line;
  }
}

/** Thrown when a dataset has bad lines and the policy is `onBadLine: 'error'`. Lists every problem up to a limit. */
export class DatasetValidationError extends DatasetError {
  /** The problems listed (at most the `maxProblems` option). */
  readonly problems: DatasetProblem[];
  /** How many problems were found in all (may exceed `problems.length`). */
  readonly totalProblems: number;

  constructor(file: string, problems: DatasetProblem[], totalProblems: number, hint: string) {
    const shown = problems.map((p) => `  ${p.file}:${p.line}: ${p.message}`).join('\n');
    const more = totalProblems > problems.length ? `\n  ... and ${totalProblems - problems.length} more` : '';
    super(
      `${file}: ${totalProblems} bad line${totalProblems === 1 ? '' : 's'}:\n${shown}${more}\n${hint}`,
      { file, line: problems[0]?.line },
    );
    this.problems = problems;
    this.totalProblems = totalProblems;
  }
}

/** Thrown when a sampler cursor cannot be restored (wrong shape, another seed or dataset size). */
export class DatasetCursorError extends DatasetError {}

/** Thrown when an input file for a converter cannot be parsed at all (not a JSON array, broken CSV). */
export class DatasetConversionError extends DatasetError {}

/** Thrown by the task generator when the request cannot be met (too many prompts asked, unknown language). */
export class DatasetGenerationError extends DatasetError {}

/** One problem in a task bank file. */
export interface TaskBankProblem {
  /** The file (as resolved from the bank folder). */
  file: string;
  /** 1-based line in the file, when the problem has a place. */
  line?: number;
  /** 1-based column in the file, when the problem has a place. */
  column?: number;
  /** The template id or tests key concerned, when there is one. */
  key?: string;
  /** What is wrong, what was expected and how to fix it. */
  message: string;
}

/** Thrown when the task bank files cannot be read or break their schema or the cross-file rules. Lists every problem up to 30. */
export class TaskBankError extends DatasetError {
  /** The problems listed (at most 30). */
  readonly problems: TaskBankProblem[];
  /** How many problems were found in all. */
  readonly totalProblems: number;

  constructor(problems: TaskBankProblem[], limit = 30) {
    const shown = problems.slice(0, limit);
    const where = (p: TaskBankProblem) => (p.line === undefined ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`);
    const more = problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : '';
    super(
      `task bank: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        shown.map((p) => `  ${where(p)}: ${p.message}`).join('\n') +
        more,
      { file: problems[0]?.file, line: problems[0]?.line },
    );
    this.problems = shown;
    this.totalProblems = problems.length;
  }
}
