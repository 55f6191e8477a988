/**
 * Loading and validating JSONL datasets, streamed line by line.
 */
import { createHash } from 'node:crypto';
import { DatasetError, DatasetValidationError, type DatasetProblem } from './errors';
import { readLines } from './jsonl-reader';
import { normalizeLanguage, LANGUAGES } from './languages';
import { normalizedPromptKey, validateRecord, type DatasetRecord } from './schema';

/** One entry produced by {@link readDataset}: a valid record or a problem. */
export type DatasetEntry =
  | { ok: true; line: number; record: DatasetRecord }
  | { ok: false; line: number; problem: DatasetProblem };

/** A record that repeats an earlier one (same normalised prompt and language). */
export interface DuplicateInfo {
  /** The file both lines are in. */
  file: string;
  /** 1-based line of the repeat. */
  line: number;
  /** 1-based line of the first occurrence. */
  firstLine: number;
  /** The record's language. */
  language: string;
}

/**
 * Streams a JSONL dataset: yields each non-blank line as a validated,
 * normalised record or as a problem (invalid JSON, not an object, missing or
 * empty prompt, missing or unknown language, a field of the wrong type).
 * Never throws for a bad line; throws {@link DatasetError} if the file is missing.
 */
export async function* readDataset(file: string): AsyncGenerator<DatasetEntry> {
  for await (const { line, text } of readLines(file)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      yield {
        ok: false,
        line,
        problem: { file, line, kind: 'invalid-json', message: `invalid JSON: ${(err as Error).message}` },
      };
      continue;
    }
    const check = validateRecord(value);
    if (check.ok) yield { ok: true, line, record: check.record };
    else yield { ok: false, line, problem: { file, line, kind: check.kind, message: check.message } };
  }
}

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions {
  /** Keep only these languages (aliases allowed, e.g. `['py', 'c++']`). Default: all. */
  languages?: readonly string[];
  /** Stop after this many records (after language filtering), in file order. Default: no limit. */
  maxSamples?: number;
  /**
   * With `maxSamples`: read on to the end of the file, checking every line, but keep only the first `maxSamples`
   * records (a bad line past the cap is still reported). Default false: stop reading at the cap.
   */
  validateRest?: boolean;
  /** `'error'` (default): throw {@link DatasetValidationError} listing the bad lines; `'skip'`: drop and count them. */
  onBadLine?: 'error' | 'skip';
  /** `'drop'` (default): keep the first occurrence only; `'keep'`: keep all; `'error'`: treat repeats as bad lines. Repeats are always listed in `duplicates`. */
  onDuplicate?: 'drop' | 'keep' | 'error';
  /** How many problems to list (in the error message and in `problems`). Default 20. */
  maxProblems?: number;
}

/** The result of {@link loadDataset}. */
export interface LoadedDataset {
  /** The file read. */
  file: string;
  /** The records kept, normalised, in file order. */
  records: DatasetRecord[];
  /** Non-blank lines read. */
  lines: number;
  /** Bad lines dropped under `onBadLine: 'skip'` (0 otherwise). */
  skipped: number;
  /** Problems found (at most `maxProblems` listed). */
  problems: DatasetProblem[];
  /** Records excluded by the `languages` filter. */
  filteredOut: number;
  /** Repeated prompts (same normalised prompt and language). */
  duplicates: DuplicateInfo[];
  /** True when the file holds more records than `maxSamples` (reading stopped there, or, with `validateRest`, the rest was checked and dropped). */
  truncated: boolean;
}

/** Parses the `languages` option into canonical names. @throws DatasetError on an unknown language. */
export function resolveLanguages(languages: readonly string[] | undefined): Set<string> | undefined {
  if (languages === undefined) return undefined;
  const out = new Set<string>();
  for (const name of languages) {
    const lang = normalizeLanguage(name);
    if (!lang) {
      throw new DatasetError(
        `unknown language ${JSON.stringify(name)} in the languages option; expected one of ${LANGUAGES.join(', ')} or an alias`,
      );
    }
    out.add(lang);
  }
  return out;
}

function checkOptions(opts: LoadDatasetOptions): void {
  if (opts.maxSamples !== undefined && !(Number.isInteger(opts.maxSamples) && opts.maxSamples > 0)) {
    throw new DatasetError(`maxSamples must be a positive integer, got ${opts.maxSamples}; leave it out to load every record`);
  }
  if (opts.maxProblems !== undefined && !(Number.isInteger(opts.maxProblems) && opts.maxProblems > 0)) {
    throw new DatasetError(`maxProblems must be a positive integer, got ${opts.maxProblems}`);
  }
  if (opts.onBadLine !== undefined && opts.onBadLine !== 'error' && opts.onBadLine !== 'skip') {
    throw new DatasetError(`onBadLine must be 'error' or 'skip', got ${JSON.stringify(opts.onBadLine)}`);
  }
  if (opts.onDuplicate !== undefined && !['drop', 'keep', 'error'].includes(opts.onDuplicate)) {
    throw new DatasetError(`onDuplicate must be 'drop', 'keep' or 'error', got ${JSON.stringify(opts.onDuplicate)}`);
  }
}

function keyHash(record: DatasetRecord): string {
  return createHash('sha1').update(normalizedPromptKey(record.prompt, record.language)).digest('base64');
}

/**
 * Loads a JSONL dataset into memory (each line parsed once, streamed from
 * disk). Bad lines are reported with file:line and reason; with the default
 * policy `onBadLine: 'error'` the whole file is checked and one
 * {@link DatasetValidationError} lists the problems.
 * @throws DatasetError when the file is missing or an option is invalid;
 *         DatasetValidationError when bad lines are found and the policy is `'error'`.
 */
export async function loadDataset(file: string, opts: LoadDatasetOptions = {}): Promise<LoadedDataset> {
  checkOptions(opts);
  const onBadLine = opts.onBadLine ?? 'error';
  const onDuplicate = opts.onDuplicate ?? 'drop';
  const maxProblems = opts.maxProblems ?? 20;
  const keep = resolveLanguages(opts.languages);
  const seen = new Map<string, number>();
  const result: LoadedDataset = {
    file,
    records: [],
    lines: 0,
    skipped: 0,
    problems: [],
    filteredOut: 0,
    duplicates: [],
    truncated: false,
  };
  let totalProblems = 0;
  const report = (p: DatasetProblem) => {
    totalProblems++;
    if (result.problems.length < maxProblems) result.problems.push(p);
    if (onBadLine === 'skip') result.skipped++;
  };

  for await (const entry of readDataset(file)) {
    result.lines++;
    if (!entry.ok) {
      report(entry.problem);
      continue;
    }
    const record = entry.record;
    if (keep && !keep.has(record.language)) {
      result.filteredOut++;
      continue;
    }
    const key = keyHash(record);
    const first = seen.get(key);
    if (first !== undefined) {
      result.duplicates.push({ file, line: entry.line, firstLine: first, language: record.language });
      if (onDuplicate === 'error') {
        report({
          file,
          line: entry.line,
          kind: 'duplicate',
          message: `duplicate of line ${first} (same prompt and language); remove one of them`,
        });
        continue;
      }
      if (onDuplicate === 'drop') continue;
    } else {
      seen.set(key, entry.line);
    }
    if (opts.maxSamples !== undefined && result.records.length >= opts.maxSamples) {
      result.truncated = true;
      if (opts.validateRest) continue;
      break;
    }
    result.records.push(record);
  }
  if (totalProblems > 0 && onBadLine === 'error') {
    throw new DatasetValidationError(
      file,
      result.problems,
      totalProblems,
      "Fix these lines, or load with onBadLine: 'skip' (config data.on_bad_line: skip) to drop them.",
    );
  }
  return result;
}

/** The result of {@link validateDatasetFile}. */
export interface ValidationReport {
  /** The file checked. */
  file: string;
  /** Non-blank lines read. */
  lines: number;
  /** Valid records (duplicates included). */
  valid: number;
  /** Problems listed (at most `maxProblems`), duplicates included as kind `'duplicate'`. */
  problems: DatasetProblem[];
  /** Problems found in all. */
  totalProblems: number;
  /** Valid records per canonical language. */
  byLanguage: Record<string, number>;
  /** Valid records per difficulty (`'unset'` when absent). */
  byDifficulty: Record<string, number>;
}

/**
 * Checks a whole JSONL file without keeping its records: every bad line and
 * every duplicate is a problem with its line number. Never throws for bad
 * content.
 * @throws DatasetError when the file is missing.
 */
export async function validateDatasetFile(file: string, opts: { maxProblems?: number } = {}): Promise<ValidationReport> {
  const maxProblems = opts.maxProblems ?? 100;
  const seen = new Map<string, number>();
  const report: ValidationReport = { file, lines: 0, valid: 0, problems: [], totalProblems: 0, byLanguage: {}, byDifficulty: {} };
  const add = (p: DatasetProblem) => {
    report.totalProblems++;
    if (report.problems.length < maxProblems) report.problems.push(p);
  };
  for await (const entry of readDataset(file)) {
    report.lines++;
    if (!entry.ok) {
      add(entry.problem);
      continue;
    }
    const key = keyHash(entry.record);
    const first = seen.get(key);
    if (first !== undefined) {
      add({ file, line: entry.line, kind: 'duplicate', message: `duplicate of line ${first} (same prompt and language)` });
    } else seen.set(key, entry.line);
    report.valid++;
    const lang = entry.record.language;
    report.byLanguage[lang] = (report.byLanguage[lang] ?? 0) + 1;
    const diff = entry.record.difficulty ?? 'unset';
    report.byDifficulty[diff] = (report.byDifficulty[diff] ?? 0) + 1;
  }
  return report;
}
