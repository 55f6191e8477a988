// createExecutor: validates a request, answers from the result cache, builds the program with the language's
// runner, compiles (cached) and runs it in the sandbox through one bounded pool, and maps the outcome to a status.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { normalizeLanguage } from '@rfai/datasets/languages';
import { ArtifactCache, hashKey, LruMap } from './cache';
import { ExecOptionsError, ExecutorClosedError } from './errors';
import { Pool } from './pool';
import { capText, decideStatus, makeNonce, parseReport } from './report';
import { firstLines, type CompileStep, type PrepareContext, type Runner, type RunPlan } from './runner';
import { killLeftovers, makeRunDir, probeSandbox, removeRunDir, runSandboxed, type SandboxOutcome, type SandboxPlan } from './sandbox';
import { detectToolchain } from './toolchains';
import { parsePythonBatch, pythonBatchProgram, pythonRunner, type PythonBatchItem } from './python';
import { nodeRunner } from './node';
import { cppRunner } from './cpp';
import { rustRunner } from './rust';
import type {
  ExecLanguage,
  ExecLogger,
  Executor,
  ExecutorOptions,
  ExecutorStats,
  RunTestsRequest,
  RunTestsResult,
  SandboxInfo,
  SandboxLimits,
  ToolchainInfo,
} from './types';

/** Bumped whenever a harness changes, so results cached under the old one are not reused. */
const HARNESS_VERSION = 1;

const RUNNERS: Partial<Record<ExecLanguage, Runner>> = {
  python: pythonRunner,
  typescript: nodeRunner,
  javascript: nodeRunner,
  cpp: cppRunner,
  rust: rustRunner,
};

/**
 * The canonical name of a language ('py' -> 'python'; names and aliases are those of the language table of
 * @rfai/datasets), or undefined when no runner handles it.
 */
export function canonicalExecLanguage(language: string): ExecLanguage | undefined {
  const canonical = normalizeLanguage(language);
  return canonical !== undefined && Object.hasOwn(RUNNERS, canonical) ? (canonical as ExecLanguage) : undefined;
}

/** Uids one process may give its runs: a block of 256 per process id (Linux pids are below 2^22). */
const UIDS_PER_PROCESS = 256;
const PID_LIMIT = 2 ** 22;
/** The largest `rootRunUidBase`: the highest run uid, base + 4096 + 2^22 * 256, must stay below 2^31. */
export const MAX_RUN_UID_BASE = 2 ** 31 - 1 - 4096 - PID_LIMIT * UIDS_PER_PROCESS;
let uidsClaimed = 0;

/**
 * The first uid of an executor's runs (its pool slot is added). RLIMIT_NPROC counts per uid across the whole
 * machine, so runs that share a uid share one process budget, and a leftover-killer by uid would hit both: every
 * executor of every process on the machine gets its own uids. A process's block starts at
 * base + 4096 + pid * 256 (pids are unique among live processes; the 4096 keeps pid 2 and up above 65535, the
 * 'nobody' uids), and each executor in the process claims the next `concurrency` uids of its block (wrapping at 256:
 * uids are shared again only past 256 concurrent slots in one process).
 */
export function runUidBlock(base: number, concurrency: number, pid = process.pid): number {
  const start = uidsClaimed % UIDS_PER_PROCESS;
  uidsClaimed += concurrency;
  return base + 4096 + (pid % PID_LIMIT) * UIDS_PER_PROCESS + (start + concurrency <= UIDS_PER_PROCESS ? start : 0);
}

const DEFAULTS = {
  timeoutMs: 2000,
  compileTimeoutMs: 20_000,
  memoryMb: 512,
  outputLimitBytes: 1 << 20,
  returnOutputBytes: 8192,
  maxProcesses: 64,
  maxFileMb: 16,
  rootRunUidBase: 61_000,
  resultCacheSize: 1024,
  maxOpenFiles: 256,
  pythonBatchSize: 16,
};

interface Resolved {
  concurrency: number;
  cacheDir: string;
  resultCacheSize: number;
  network: 'auto' | 'unshare' | 'none';
  logger: ExecLogger;
  outputLimitBytes: number;
  returnOutputBytes: number;
  maxProcesses: number;
  maxFileMb: number;
  rootRunUidBase: number;
  pythonBatchSize: number;
}

function positiveInt(field: string, v: unknown, max: number, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    throw new ExecOptionsError(field, `${field} must be an integer from 1 to ${max} (${what}), got ${JSON.stringify(v)}`);
  }
  return v;
}

function resolveOptions(o: ExecutorOptions): Resolved {
  const uid = process.getuid?.() ?? 0;
  const network = o.network ?? 'auto';
  if (!['auto', 'unshare', 'none'].includes(network)) {
    throw new ExecOptionsError('network', `network must be 'auto', 'unshare' or 'none', got ${JSON.stringify(network)}`);
  }
  const r: Resolved = {
    concurrency: o.concurrency === undefined ? os.availableParallelism() : positiveInt('concurrency', o.concurrency, 1024, 'processes at once'),
    cacheDir: o.cacheDir ?? path.join(os.tmpdir(), `rfai-code-exec-cache-${uid}`),
    resultCacheSize: o.resultCacheSize ?? DEFAULTS.resultCacheSize,
    network,
    logger: o.logger ?? { warn: (m) => console.warn(m) },
    outputLimitBytes: o.outputLimitBytes === undefined ? DEFAULTS.outputLimitBytes : positiveInt('outputLimitBytes', o.outputLimitBytes, 1 << 30, 'bytes'),
    returnOutputBytes: o.returnOutputBytes === undefined ? DEFAULTS.returnOutputBytes : positiveInt('returnOutputBytes', o.returnOutputBytes, 1 << 24, 'bytes'),
    maxProcesses: o.maxProcesses === undefined ? DEFAULTS.maxProcesses : positiveInt('maxProcesses', o.maxProcesses, 100_000, 'processes + threads per run'),
    maxFileMb: o.maxFileMb === undefined ? DEFAULTS.maxFileMb : positiveInt('maxFileMb', o.maxFileMb, 1 << 20, 'MiB'),
    rootRunUidBase: o.rootRunUidBase === undefined ? DEFAULTS.rootRunUidBase : positiveInt('rootRunUidBase', o.rootRunUidBase, MAX_RUN_UID_BASE, 'a uid no real account uses'),
    pythonBatchSize: o.pythonBatchSize === undefined ? DEFAULTS.pythonBatchSize : positiveInt('pythonBatchSize', o.pythonBatchSize, 1024, 'python programs per sandboxed process; 1: one process each'),
  };
  if (!Number.isInteger(r.resultCacheSize) || r.resultCacheSize < 0) {
    throw new ExecOptionsError('resultCacheSize', `resultCacheSize must be an integer >= 0 (0 disables the cache), got ${JSON.stringify(o.resultCacheSize)}`);
  }
  return r;
}

interface NormalizedRequest {
  code: string;
  tests: readonly string[];
  entryPoint?: string;
  timeoutMs: number;
  compileTimeoutMs: number;
  memoryMb: number;
}

function validateRequest(req: RunTestsRequest): NormalizedRequest {
  if (req === null || typeof req !== 'object') throw new ExecOptionsError('request', 'runTests expects an object { language, code, tests }');
  if (typeof req.language !== 'string') throw new ExecOptionsError('language', `language must be a string such as 'python', got ${JSON.stringify(req.language)}`);
  if (typeof req.code !== 'string') throw new ExecOptionsError('code', `code must be a string (the candidate's source), got ${typeof req.code}`);
  if (!Array.isArray(req.tests) || req.tests.length === 0 || req.tests.some((t) => typeof t !== 'string')) {
    throw new ExecOptionsError('tests', 'tests must be a non-empty array of strings (one test case each); with no tests there is nothing to grade');
  }
  if (req.entryPoint !== undefined && typeof req.entryPoint !== 'string') {
    throw new ExecOptionsError('entryPoint', `entryPoint must be a string when given, got ${typeof req.entryPoint}`);
  }
  return {
    code: req.code,
    tests: req.tests,
    entryPoint: req.entryPoint,
    timeoutMs: req.timeoutMs === undefined ? DEFAULTS.timeoutMs : positiveInt('timeoutMs', req.timeoutMs, 600_000, 'milliseconds'),
    compileTimeoutMs: req.compileTimeoutMs === undefined ? DEFAULTS.compileTimeoutMs : positiveInt('compileTimeoutMs', req.compileTimeoutMs, 600_000, 'milliseconds'),
    memoryMb: req.memoryMb === undefined ? DEFAULTS.memoryMb : positiveInt('memoryMb', req.memoryMb, 1 << 20, 'MiB'),
  };
}

class CodeExecutor implements Executor {
  private readonly o: Resolved;
  private readonly pool: Pool;
  private readonly artifacts: ArtifactCache;
  private readonly results: LruMap<RunTestsResult>;
  private readonly inflight = new Map<string, Promise<RunTestsResult>>();
  private readonly compiling = new Map<string, Promise<CompileOutcome>>();
  private readonly toolchains = new Map<ExecLanguage, Promise<ToolchainInfo>>();
  private readonly prepared = new Map<ExecLanguage, Promise<unknown>>();
  private plan?: SandboxPlan;
  private closed = false;
  private readonly counters = { requests: 0, resultCacheHits: 0, compileCacheHits: 0, compiles: 0, runs: 0, batches: 0 };
  /** Python programs waiting for a batch, and the batch jobs queued or running in the pool. */
  private readonly pyQueue: PendingPython[] = [];
  private pyDispatchers = 0;

  constructor(options: ExecutorOptions) {
    this.o = resolveOptions(options);
    this.pool = new Pool(this.o.concurrency);
    this.artifacts = new ArtifactCache(this.o.cacheDir);
    this.results = new LruMap(this.o.resultCacheSize);
  }

  stats(): ExecutorStats {
    return { active: this.pool.active, peakActive: this.pool.peakActive, queued: this.pool.queued, ...this.counters };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pyQueue.splice(0)) p.reject(new ExecutorClosedError('the executor was closed before this job started'));
    await this.pool.close();
  }

  async runTests(req: RunTestsRequest): Promise<RunTestsResult> {
    if (this.closed) throw new ExecutorClosedError('the executor is closed; create a new one with createExecutor()');
    const r = validateRequest(req);
    this.counters.requests++;
    const language = canonicalExecLanguage(req.language);
    const plan = this.sandboxPlan();
    if (!language || !RUNNERS[language]) {
      return this.early('unsupported_language', r, plan, `no runner for language ${JSON.stringify(req.language)}: use one of python, typescript, javascript, rust, cpp`);
    }
    const tc = await this.toolchain(language);
    if (!tc.available) return this.early('toolchain_missing', r, plan, tc.message);
    const key = hashKey([HARNESS_VERSION, language, tc.version, r.code, r.tests, r.timeoutMs, r.compileTimeoutMs, r.memoryMb, this.o.maxProcesses, this.o.maxFileMb, this.o.outputLimitBytes]);
    const hit = this.results.get(key) ?? (await this.inflight.get(key));
    if (hit) {
      this.counters.resultCacheHits++;
      return structuredClone(hit);
    }
    const p = this.execute(language, r, plan);
    this.inflight.set(key, p);
    try {
      const result = await p;
      // A timeout can be the machine's load rather than the program: do not pin it.
      if (result.status !== 'timeout') this.results.set(key, result);
      return structuredClone(result);
    } finally {
      this.inflight.delete(key);
    }
  }

  private prepare(language: ExecLanguage, toolchain: ToolchainInfo, plan: SandboxPlan): Promise<unknown> {
    const runner = RUNNERS[language]!;
    if (!runner.prepare) return Promise.resolve(undefined);
    let p = this.prepared.get(language);
    if (!p) {
      p = runner.prepare({ toolchain, cacheDir: this.o.cacheDir, logger: this.o.logger, build: (spec) => this.build(spec, plan) });
      this.prepared.set(language, p);
    }
    return p;
  }

  /** A one-off sandboxed build step (through the pool) whose output file is moved into the cache folder. */
  private build(spec: Parameters<PrepareContext['build']>[0], plan: SandboxPlan): Promise<{ ok: boolean; stderr: string }> {
    return this.pool.run(async (slot) => {
      const dir = makeRunDir('rfai-build-');
      try {
        for (const [name, text] of Object.entries(spec.files)) fs.writeFileSync(path.join(dir, name), text);
        const limits: SandboxLimits = { addressSpaceMb: spec.addressSpaceMb, cpuSeconds: Math.ceil(spec.timeoutMs / 1000) + 1, maxProcesses: 256, maxFileMb: 1024, maxOpenFiles: 1024 };
        const o = await runSandboxed(plan, { argv: spec.argv, cwd: dir, limits, wallMs: spec.timeoutMs, outputLimitBytes: this.o.outputLimitBytes, slot, keepRootUid: true });
        killLeftovers(plan, o.runUid);
        const out = path.join(dir, spec.collect);
        if (o.exitCode !== 0 || !fs.existsSync(out)) return { ok: false, stderr: o.spawnError ?? (o.stderr || `exit ${o.exitCode} signal ${o.signal}`) };
        fs.mkdirSync(path.dirname(spec.dest), { recursive: true, mode: 0o700 });
        const tmp = `${spec.dest}.${process.pid}.tmp`;
        fs.copyFileSync(out, tmp);
        fs.renameSync(tmp, spec.dest);
        return { ok: true, stderr: o.stderr };
      } finally {
        removeRunDir(dir, this.o.logger);
      }
    });
  }

  private toolchain(language: ExecLanguage): Promise<ToolchainInfo> {
    let p = this.toolchains.get(language);
    if (!p) {
      p = detectToolchain(language);
      this.toolchains.set(language, p);
      // Only a toolchain that was found is remembered: a failed probe is tried again by the next request.
      p.then((tc) => {
        if (!tc.available) this.toolchains.delete(language);
      }, () => this.toolchains.delete(language));
    }
    return p;
  }

  private sandboxPlan(): SandboxPlan {
    this.plan ??= probeSandbox(this.o.network, this.o.logger, runUidBlock(this.o.rootRunUidBase, this.o.concurrency));
    return this.plan;
  }

  private runLimits(r: NormalizedRequest, runPlan: RunPlan): SandboxLimits {
    return {
      addressSpaceMb: runPlan.addressSpaceMb,
      cpuSeconds: Math.ceil(r.timeoutMs / 1000) + 1,
      maxProcesses: this.o.maxProcesses,
      maxFileMb: this.o.maxFileMb,
      maxOpenFiles: DEFAULTS.maxOpenFiles,
    };
  }

  private info(plan: SandboxPlan, limits: SandboxLimits, runUid?: number): SandboxInfo {
    const s: SandboxInfo = { networkIsolated: plan.networkIsolated, pidNamespace: plan.pidNamespace, limits };
    if (runUid !== undefined) s.runUid = runUid;
    return s;
  }

  private early(status: RunTestsResult['status'], r: NormalizedRequest, plan: SandboxPlan, error: string): RunTestsResult {
    const limits: SandboxLimits = {
      addressSpaceMb: r.memoryMb,
      cpuSeconds: Math.ceil(r.timeoutMs / 1000) + 1,
      maxProcesses: this.o.maxProcesses,
      maxFileMb: this.o.maxFileMb,
      maxOpenFiles: DEFAULTS.maxOpenFiles,
    };
    return {
      status,
      testsPassed: 0,
      testsRun: r.tests.length,
      cases: r.tests.map((_, index) => ({ index, passed: false, reason: status })),
      compileMs: 0,
      runMs: 0,
      cachedCompile: false,
      stdout: '',
      stderr: '',
      sandbox: this.info(plan, limits),
      error,
    };
  }

  private async execute(language: ExecLanguage, r: NormalizedRequest, plan: SandboxPlan): Promise<RunTestsResult> {
    const tc = await this.toolchain(language);
    const nonce = makeNonce();
    const prepared = await this.prepare(language, tc, plan);
    const runPlan = await RUNNERS[language]!.plan({ language, code: r.code, tests: r.tests, nonce, toolchain: tc, memoryMb: r.memoryMb, prepared });
    const limits = this.runLimits(r, runPlan);
    if (runPlan.compileError !== undefined) {
      return { ...this.early('compile_error', r, plan, runPlan.compileError), sandbox: this.info(plan, limits) };
    }
    let compileMs = 0;
    let cachedCompile = false;
    let artifactKey: string | undefined;
    if (runPlan.compile) {
      const c = await this.compile(language, tc.version ?? '', runPlan.compile, r, plan);
      compileMs = c.compileMs;
      cachedCompile = c.cached;
      if (c.error !== undefined) {
        const res = this.early('compile_error', r, plan, c.error);
        return { ...res, compileMs, stderr: capText(c.stderr, this.o.returnOutputBytes), sandbox: this.info(plan, limits) };
      }
      artifactKey = c.key;
    }
    const outcome =
      language === 'python' && this.o.pythonBatchSize > 1
        ? await this.submitPython({ nonce, code: r.code, tests: r.tests, wallMs: r.timeoutMs, cpuSeconds: limits.cpuSeconds, memoryMb: runPlan.addressSpaceMb }, runPlan, limits, tc, plan)
        : await this.runOne(runPlan, limits, r.timeoutMs, artifactKey, plan);
    return this.finish(outcome, nonce, r, runPlan, plan, limits, compileMs, cachedCompile);
  }

  /** One program in its own sandboxed process. */
  private runOne(runPlan: RunPlan, limits: SandboxLimits, wallMs: number, artifactKey: string | undefined, plan: SandboxPlan): Promise<SandboxOutcome> {
    return this.pool.run(async (slot) => {
      const dir = makeRunDir();
      try {
        for (const [name, text] of Object.entries(runPlan.files)) fs.writeFileSync(path.join(dir, name), text);
        let argv = runPlan.argv;
        if (artifactKey !== undefined) {
          const exe = path.join(dir, runPlan.argv[0]!);
          this.artifacts.copyTo(artifactKey, exe);
          argv = [exe, ...runPlan.argv.slice(1)];
        }
        this.counters.runs++;
        const o = await runSandboxed(plan, { argv, cwd: dir, limits, wallMs, stdin: runPlan.stdin, outputLimitBytes: this.o.outputLimitBytes, slot });
        killLeftovers(plan, o.runUid);
        return o;
      } finally {
        removeRunDir(dir, this.o.logger);
      }
    });
  }

  /**
   * Queues a python program for a batch (see python.ts): whenever a pool slot is free, one batch job takes up to
   * `pythonBatchSize` queued programs (an even share per slot, so small bursts still spread over the cores).
   * A program the batch did not report on (its parent died) runs again on its own.
   */
  private submitPython(item: PythonBatchItem, runPlan: RunPlan, limits: SandboxLimits, tc: ToolchainInfo, plan: SandboxPlan): Promise<SandboxOutcome> {
    return new Promise<SandboxOutcome>((resolve, reject) => {
      this.pyQueue.push({ item, resolve, reject, alone: () => this.runOne(runPlan, limits, item.wallMs, undefined, plan) });
      this.kickPython(tc, plan);
    });
  }

  private kickPython(tc: ToolchainInfo, plan: SandboxPlan): void {
    while (this.pyQueue.length > 0 && this.pyDispatchers < this.o.concurrency && !this.closed) {
      this.pyDispatchers++;
      let batch: PendingPython[] = [];
      this.pool
        .run(async (slot) => {
          // Let requests that arrive in the same turn of the event loop join this batch.
          await new Promise((r) => setImmediate(r));
          const share = Math.ceil(this.pyQueue.length / this.o.concurrency);
          batch = this.pyQueue.splice(0, Math.min(this.o.pythonBatchSize, Math.max(1, share)));
          if (batch.length > 0) await this.runPythonBatch(batch, slot, tc, plan);
        })
        .catch((e: Error) => {
          for (const p of batch.length > 0 ? batch : this.pyQueue.splice(0)) p.reject(e);
        })
        .finally(() => {
          this.pyDispatchers--;
          this.kickPython(tc, plan);
        });
    }
  }

  private async runPythonBatch(batch: PendingPython[], slot: number, tc: ToolchainInfo, plan: SandboxPlan): Promise<void> {
    const dir = makeRunDir();
    const batchNonce = makeNonce();
    let o: SandboxOutcome;
    try {
      fs.writeFileSync(path.join(dir, 'main.py'), pythonBatchProgram(batchNonce, this.o.outputLimitBytes, batch.map((p) => p.item)));
      const limits: SandboxLimits = {
        addressSpaceMb: Math.max(...batch.map((p) => p.item.memoryMb)),
        cpuSeconds: 10 + batch.length,
        maxProcesses: this.o.maxProcesses,
        maxFileMb: this.o.maxFileMb,
        maxOpenFiles: DEFAULTS.maxOpenFiles,
      };
      const wallMs = 10_000 + batch.reduce((t, p) => t + p.item.wallMs + 100, 0);
      // base64 of each child's capped output, plus the frame lines.
      const outputLimitBytes = batch.length * (Math.ceil((this.o.outputLimitBytes * 4) / 3) + 256) + 65_536;
      this.counters.runs += batch.length;
      this.counters.batches++;
      o = await runSandboxed(plan, { argv: [tc.path ?? 'python3', '-I', '-B', 'main.py'], cwd: dir, limits, wallMs, outputLimitBytes, slot });
      killLeftovers(plan, o.runUid);
    } finally {
      removeRunDir(dir, this.o.logger);
    }
    const frames = parsePythonBatch(o.stdout, batchNonce, batch.length);
    batch.forEach((p, k) => {
      const f = frames.get(k);
      if (!f) {
        // The batch parent never reported this one (it was killed, e.g. by an earlier program of the batch).
        this.counters.runs--;
        p.alone().then(p.resolve, p.reject);
        return;
      }
      p.resolve({
        exitCode: f.exitCode,
        signal: f.signal === null ? null : (SIGNAL_NAMES[f.signal] ?? `signal ${f.signal}`),
        timedOut: f.timedOut,
        outputExceeded: f.outputExceeded,
        stdout: f.stdout,
        stderr: f.stderr,
        wallMs: f.wallMs,
        runUid: o.runUid,
      });
    });
  }

  private finish(
    outcome: SandboxOutcome,
    nonce: string,
    r: NormalizedRequest,
    runPlan: RunPlan,
    plan: SandboxPlan,
    limits: SandboxLimits,
    compileMs: number,
    cachedCompile: boolean,
  ): RunTestsResult {
    const report = parseReport(outcome.stdout, nonce, r.tests.length);
    let verdict = decideStatus(outcome, report, r.tests.length, r);
    if (report.compileError !== undefined && report.reported === 0) verdict = { status: 'compile_error', error: report.compileError };
    if (runPlan.startMarker && !report.started && report.reported === 0 && /SyntaxError/.test(outcome.stderr) && !outcome.timedOut) {
      const lines = outcome.stderr.split('\n').filter((l) => !/^\s+at /.test(l));
      const m = /^file:\/\/\S+\/main\.mjs:(\d+)$/.exec(lines[0] ?? '');
      if (m && runPlan.candidateLines) {
        const line = Number(m[1]) - runPlan.candidateLines.first + 1;
        lines[0] = line >= 1 && line <= runPlan.candidateLines.count ? `${runPlan.candidateLines.file} line ${line}:` : 'in the test harness:';
      }
      verdict = { status: 'compile_error', error: firstLines(lines.join('\n'), 6) };
    }
    const cases = report.cases.map((c) => (c.passed || c.reason !== 'no result' ? c : { ...c, reason: `no result (${verdict.status})` }));
    if (verdict.status !== 'passed' && r.entryPoint && !new RegExp(`\\b${escapeRegExp(r.entryPoint)}\\b`).test(r.code)) {
      verdict.error = `${verdict.error ? verdict.error + '; ' : ''}the code never mentions the entry point ${JSON.stringify(r.entryPoint)}`;
    }
    const result: RunTestsResult = {
      status: verdict.status,
      testsPassed: cases.filter((c) => c.passed).length,
      testsRun: r.tests.length,
      cases,
      compileMs,
      runMs: Math.round(outcome.wallMs),
      cachedCompile,
      stdout: capText(report.stdout, this.o.returnOutputBytes),
      stderr: capText(outcome.stderr, this.o.returnOutputBytes),
      sandbox: this.info(plan, limits, outcome.runUid),
    };
    if (verdict.error !== undefined) result.error = verdict.error;
    return result;
  }

  private compile(language: ExecLanguage, version: string, step: CompileStep, r: NormalizedRequest, plan: SandboxPlan): Promise<CompileOutcome> {
    const key = hashKey([language, version, step.flags, step.source]);
    if (this.artifacts.has(key)) {
      this.counters.compileCacheHits++;
      return Promise.resolve({ key, cached: true, compileMs: 0, stderr: '' });
    }
    const running = this.compiling.get(key);
    if (running) return running.then((c) => ({ ...c, cached: c.error === undefined, compileMs: 0 }));
    const p = this.pool
      .run(async (slot): Promise<CompileOutcome> => {
        const dir = makeRunDir('rfai-build-');
        try {
          fs.writeFileSync(path.join(dir, step.sourceFile), step.source);
          this.counters.compiles++;
          const limits: SandboxLimits = {
            addressSpaceMb: step.addressSpaceMb,
            cpuSeconds: Math.ceil(r.compileTimeoutMs / 1000) + 1,
            maxProcesses: Math.max(this.o.maxProcesses, 256),
            maxFileMb: 1024,
            maxOpenFiles: 1024,
          };
          const o = await runSandboxed(plan, { argv: step.argv, cwd: dir, limits, wallMs: r.compileTimeoutMs, outputLimitBytes: this.o.outputLimitBytes, slot, keepRootUid: true });
          killLeftovers(plan, o.runUid);
          const compileMs = Math.round(o.wallMs);
          const out = path.join(dir, step.artifact);
          if (o.timedOut || o.signal === 'SIGXCPU') {
            return { key, cached: false, compileMs, stderr: o.stderr, error: `compilation exceeded the ${r.compileTimeoutMs} ms limit (compileTimeoutMs)` };
          }
          if (o.exitCode !== 0 || !fs.existsSync(out)) {
            const why = o.spawnError ?? (step.summarize(o.stderr) || `the compiler ${o.signal ? `was killed by ${o.signal}` : `exited with status ${o.exitCode}`}`);
            return { key, cached: false, compileMs, stderr: o.stderr, error: why };
          }
          this.artifacts.put(key, out);
          return { key, cached: false, compileMs, stderr: o.stderr };
        } finally {
          removeRunDir(dir, this.o.logger);
        }
      })
      .finally(() => this.compiling.delete(key));
    this.compiling.set(key, p);
    return p;
  }
}

interface PendingPython {
  item: PythonBatchItem;
  resolve: (o: SandboxOutcome) => void;
  reject: (e: Error) => void;
  /** Runs this program in its own process (when its batch did not report on it). */
  alone: () => Promise<SandboxOutcome>;
}

const SIGNAL_NAMES: Record<number, string> = Object.fromEntries(Object.entries(os.constants.signals).map(([name, num]) => [num as number, name]));

interface CompileOutcome {
  key: string;
  cached: boolean;
  compileMs: number;
  stderr: string;
  error?: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Creates an executor: a bounded pool (compiles and runs share it), a compile cache folder, an in-memory result
 * cache and the sandbox (probed on the first `runTests`, logging one warning per protection this machine lacks).
 * @throws ExecOptionsError for a bad option.
 */
export function createExecutor(options: ExecutorOptions = {}): Executor {
  return new CodeExecutor(options);
}
