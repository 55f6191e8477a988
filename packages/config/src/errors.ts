/** One problem found in a configuration, with where it is and how to fix it. */
export interface ConfigProblem {
  /** Config file path (or `--set` for an override). */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** 1-based column, when known. */
  column?: number;
  /** Dotted key path, e.g. `training.learning_rate`; empty for the whole document. */
  keyPath: string;
  /** What the schema expects, e.g. `a number >= 0`. */
  expected: string;
  /** What was found, e.g. `"abc" (string)`. */
  found: string;
  /** A hint such as `did you mean "learning_rate"?`. */
  hint?: string;
}

/** Formats one problem as `file:line:col: key: expected X, found Y. hint`. */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  const key = p.keyPath === '' ? '(document)' : p.keyPath;
  const hint = p.hint ? ` ${p.hint}` : '';
  return `${where}: ${key}: expected ${p.expected}, found ${p.found}.${hint}`;
}

/**
 * A configuration could not be loaded. `problems` lists every problem found
 * (not only the first), each with file, line:column, key path, expected and
 * found. CLIs exit with `exitCode` (2: bad usage or config).
 */
export class ConfigError extends Error {
  readonly exitCode = 2;
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[], summary?: string) {
    const head = summary ?? (problems.length === 1 ? 'Invalid configuration' : `Invalid configuration (${problems.length} problems)`);
    super(`${head}:\n${problems.map((p) => '  ' + formatProblem(p)).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }

  /** First problem's file. */
  get file(): string {
    return this.problems[0]?.file ?? '';
  }
  /** First problem's line. */
  get line(): number | undefined {
    return this.problems[0]?.line;
  }
  /** First problem's column. */
  get column(): number | undefined {
    return this.problems[0]?.column;
  }
  /** First problem's key path. */
  get keyPath(): string {
    return this.problems[0]?.keyPath ?? '';
  }
}
