// Public request/result types of @rfai/code-exec.
import type { Language } from '@rfai/datasets/languages';

/** Every language this package runs, in a fixed order: names of the language table of @rfai/datasets. */
export const EXEC_LANGUAGES = ['python', 'typescript', 'javascript', 'rust', 'cpp'] as const satisfies readonly Language[];

/** Languages with a runner. `typescript` and `javascript` both run on node. */
export type ExecLanguage = (typeof EXEC_LANGUAGES)[number];

/** One program and its hidden tests. */
export interface RunTestsRequest {
  /** 'python' | 'typescript' | 'javascript' | 'rust' | 'cpp' (also accepted: their aliases in the language table of @rfai/datasets, e.g. py, ts, js, rs, c++); anything else -> status 'unsupported_language'. */
  language: string;
  /** The candidate's source, verbatim. */
  code: string;
  /** Test cases: one block of statements per case, in the format of the README ("Test-case format"). At least one. */
  tests: readonly string[];
  /** The function/class the tests call; only used to explain a failure when the code never mentions it. */
  entryPoint?: string;
  /** Wall-clock limit of the whole run (all cases together), excluding compilation, in milliseconds. Default 2000. */
  timeoutMs?: number;
  /** Wall-clock limit of the compile step (rust, cpp; TypeScript is transpiled in-process), in milliseconds. Default 20000. */
  compileTimeoutMs?: number;
  /** Memory limit of the run in MiB (address space; node gets the same V8 heap limit plus room for its reservations). Default 512. */
  memoryMb?: number;
}

/**
 * What happened, the most specific first: `compile_error` (the compiler or transpiler rejected the program),
 * `timeout` (wall clock or CPU limit hit), `memory` (memory limit hit, where detectable), `crashed` (non-zero
 * exit or signal before every case reported, or output limit exceeded), `passed` (every case ok), `failed`
 * (the program ran; some case failed). `unsupported_language` and `toolchain_missing` mean nothing ran.
 */
export type RunStatus =
  | 'passed'
  | 'failed'
  | 'compile_error'
  | 'timeout'
  | 'crashed'
  | 'memory'
  | 'unsupported_language'
  | 'toolchain_missing';

/** The verdict of one test case. */
export interface CaseResult {
  /** Position of the case in `tests`. */
  index: number;
  passed: boolean;
  /** Why it failed: the assertion/exception message, or 'no result (...)' when the case never reported. */
  reason?: string;
}

/** Limits applied to one sandboxed process. */
export interface SandboxLimits {
  /** RLIMIT_AS in MiB. */
  addressSpaceMb: number;
  /** RLIMIT_CPU in seconds. */
  cpuSeconds: number;
  /** RLIMIT_NPROC (processes + threads). */
  maxProcesses: number;
  /** RLIMIT_FSIZE in MiB (largest file the program may write). */
  maxFileMb: number;
  /** RLIMIT_NOFILE. */
  maxOpenFiles: number;
}

/** How the run was isolated (so a caller can see what actually applied on this machine). */
export interface SandboxInfo {
  /** True when the run had its own empty network namespace (`unshare -n`). */
  networkIsolated: boolean;
  /** True when the run had its own PID namespace (every leftover process dies with it). */
  pidNamespace: boolean;
  /** The real uid the run had when the executor runs as root (RLIMIT_NPROC is not enforced for root); undefined otherwise. */
  runUid?: number;
  /** The limits of the run step. */
  limits: SandboxLimits;
}

/** The outcome of `Executor.runTests`. */
export interface RunTestsResult {
  status: RunStatus;
  /** Cases that reported ok. */
  testsPassed: number;
  /** Always `tests.length`: a case that never reported is a failure. */
  testsRun: number;
  /** One entry per test case, in order. */
  cases: CaseResult[];
  /** Milliseconds spent compiling (0 for python/javascript, or when the artifact came from the cache). */
  compileMs: number;
  /** Milliseconds the run step took (wall clock). */
  runMs: number;
  /** True when the compiled artifact came from the cache. */
  cachedCompile: boolean;
  /** The program's stdout without the harness's report lines, capped (default 8 KiB). */
  stdout: string;
  /** The program's stderr, capped (default 8 KiB). */
  stderr: string;
  sandbox: SandboxInfo;
  /** A short explanation for a non-passing status: compiler message excerpt, limit hit, missing toolchain. */
  error?: string;
}

/** Network isolation: 'auto' uses `unshare` when it works here (warning once when not), 'unshare' requires it, 'none' skips it (warning once). */
export type NetworkMode = 'auto' | 'unshare' | 'none';

/** Where the one-time warnings go (defaults to `console.warn`). */
export interface ExecLogger {
  warn(message: string): void;
  info?(message: string): void;
}

/** Options of `createExecutor`. */
export interface ExecutorOptions {
  /** Processes at once (compiles and runs share the one pool). Default `os.availableParallelism()`. */
  concurrency?: number;
  /** Folder of cached compiled artifacts. Default `<os.tmpdir()>/rfai-code-exec-cache-<uid>`. */
  cacheDir?: string;
  /** Entries of the in-memory result cache (same language + toolchain + code + tests + limits run once). Default 1024; 0 disables. */
  resultCacheSize?: number;
  /** Network isolation mode. Default 'auto'. */
  network?: NetworkMode;
  /** Where warnings go. Default `console.warn`. */
  logger?: ExecLogger;
  /** Bytes of stdout+stderr after which the run is killed (status 'crashed'). Default 1 MiB. */
  outputLimitBytes?: number;
  /** Bytes of stdout and of stderr kept in the result. Default 8192. */
  returnOutputBytes?: number;
  /** RLIMIT_NPROC of a run (processes + threads). Default 64. */
  maxProcesses?: number;
  /** RLIMIT_FSIZE of a run in MiB. Default 16. */
  maxFileMb?: number;
  /**
   * When the executor runs as root: runs get real uids (one per pool slot) so RLIMIT_NPROC applies, from
   * `rootRunUidBase + 4096 + pid * 256` on, distinct per process and per executor (see runUidBlock). Default 61000.
   */
  rootRunUidBase?: number;
  /**
   * Python programs run per sandboxed process, each in a child forked from one python3 (start-up paid once per
   * batch, ~10x the throughput of one process each). Default 16; 1: every program in its own process.
   */
  pythonBatchSize?: number;
}

/** One language's toolchain as found on this machine. */
export interface ToolchainInfo {
  language: ExecLanguage;
  available: boolean;
  /** The version string used in cache keys, e.g. 'Python 3.11.7'. */
  version?: string;
  /** Absolute path of the binary that is run (shims such as pyenv's resolved). */
  path?: string;
  /** Debian package to install when missing: python3, nodejs, rustc, g++. */
  install: string;
  /** What was found or what is wrong and how to fix it. */
  message: string;
}

/** `detectToolchains()`: one entry per language. */
export type ToolchainReport = Record<ExecLanguage, ToolchainInfo>;

/** Counters of an executor. */
export interface ExecutorStats {
  /** Processes running now (compiles + runs). */
  active: number;
  /** The most processes that ever ran at once. */
  peakActive: number;
  /** Jobs waiting for a slot. */
  queued: number;
  /** `runTests` calls answered, counting result-cache hits. */
  requests: number;
  /** Answered from the in-memory result cache (or joined an identical in-flight request). */
  resultCacheHits: number;
  /** Compiled artifacts taken from the cache folder. */
  compileCacheHits: number;
  /** Compiles run. */
  compiles: number;
  /** Programs run. */
  runs: number;
  /** Sandboxed python3 processes that ran a batch of programs. */
  batches: number;
}

/** Runs code and its tests; see `createExecutor`. */
export interface Executor {
  /** Runs the request's program and its tests in the sandbox. Rejects only for an invalid request or a closed executor. */
  runTests(req: RunTestsRequest): Promise<RunTestsResult>;
  /** Counters. */
  stats(): ExecutorStats;
  /** Rejects queued jobs, waits for running ones. Idempotent. */
  close(): Promise<void>;
}
