// The interface every language runner implements: from (code, tests, nonce) to files, an optional compile step
// and a command. The executor does the rest (sandbox, cache, pool, status).
import type { ExecLanguage, ExecLogger, ToolchainInfo } from './types';

export interface RunnerInput {
  language: ExecLanguage;
  code: string;
  tests: readonly string[];
  /** This run's report nonce. Interpreted languages embed it in the program; compiled ones read it from stdin. */
  nonce: string;
  toolchain: ToolchainInfo;
  memoryMb: number;
  /** What the runner's `prepare` returned (e.g. the C++ precompiled-header folder). */
  prepared?: unknown;
}

/** What a runner's one-time `prepare` may use. */
export interface PrepareContext {
  toolchain: ToolchainInfo;
  cacheDir: string;
  logger: ExecLogger;
  /** Runs a command in a fresh sandboxed directory holding `files`; `collect` is copied to `dest` when it exits 0. */
  build(spec: { files: Record<string, string>; argv: string[]; collect: string; dest: string; timeoutMs: number; addressSpaceMb: number }): Promise<{ ok: boolean; stderr: string }>;
}

/** A compile step run in the sandbox; its artifact is cached by sha256 of (language, toolchain, flags, source). */
export interface CompileStep {
  /** Source file name in the compile directory and its full text (prelude + candidate + harness, no nonce). */
  sourceFile: string;
  source: string;
  /** Artifact file name the command writes. */
  artifact: string;
  /** Flags (part of the cache key). */
  flags: readonly string[];
  /** The compiler command. */
  argv: string[];
  /** RLIMIT_AS of the compiler in MiB. */
  addressSpaceMb: number;
  /** Turns the compiler's stderr into the short `error` of a compile_error result. */
  summarize(stderr: string): string;
}

export interface RunPlan {
  /** Files written into the run directory before the run (name -> text). */
  files: Record<string, string>;
  /** For compiled languages. */
  compile?: CompileStep;
  /** Set when an in-process compile step (TypeScript transpile) rejected the program: the message. */
  compileError?: string;
  /** The run command; for compiled languages `argv[0]` is the artifact's file name (relative to the run directory). */
  argv: string[];
  /** Written to stdin (compiled languages: the nonce line). */
  stdin?: string;
  /** RLIMIT_AS of the run in MiB. */
  addressSpaceMb: number;
  /** Part of the result-cache key: everything besides code/tests/limits that changes the outcome. */
  flags: readonly string[];
  /**
   * The program prints `<nonce> started` first thing; when that line is missing and stderr shows a SyntaxError,
   * the program never ran (node rejected its syntax): compile_error.
   */
  startMarker?: boolean;
  /** Where the candidate's lines are in the program (1-based first line), to point a node syntax error at them. */
  candidateLines?: { file: string; first: number; count: number };
}

export interface Runner {
  /** Once per executor and language, before the first plan (e.g. build a precompiled header). */
  prepare?(ctx: PrepareContext): Promise<unknown>;
  plan(input: RunnerInput): RunPlan | Promise<RunPlan>;
}

/** One line of at most `max` characters, for compiler excerpts in `error`. */
export function firstLines(text: string, lines = 8, max = 1200): string {
  const kept = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, lines)
    .join('\n');
  return kept.length > max ? kept.slice(0, max) + ' ...' : kept;
}
