// The harness's report lines and how a run's outcome becomes a status. Only lines carrying this run's nonce
// count, each case index once; a case without a line failed.
import { randomBytes } from 'node:crypto';
import type { SandboxOutcome } from './sandbox';
import type { CaseResult, RunStatus } from './types';

/** A fresh random nonce (24 hex characters). */
export function makeNonce(): string {
  return randomBytes(12).toString('hex');
}

/** Longest failure reason kept per case. */
export const MAX_REASON_CHARS = 300;

export interface ParsedReport {
  cases: CaseResult[];
  /** Case lines found (first one per index). */
  reported: number;
  /** stdout with the report lines removed. */
  stdout: string;
  /** A `<nonce> compile_error <message>` line (python's syntax check), if present. */
  compileError?: string;
  /** A `<nonce> started` line was seen. */
  started: boolean;
}

/**
 * Reads `<nonce> <index> ok` / `<nonce> <index> fail <reason>` lines from stdout. Lines with another nonce,
 * an index out of range or a repeated index are ignored (the first line of an index wins).
 */
export function parseReport(stdout: string, nonce: string, caseCount: number): ParsedReport {
  const seen = new Map<number, CaseResult>();
  const kept: string[] = [];
  let compileError: string | undefined;
  let started = false;
  const prefix = nonce + ' ';
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(prefix)) {
      kept.push(line);
      continue;
    }
    // The harness starts each report line with a newline (so it never glues onto the program's own output).
    if (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
    const rest = line.slice(prefix.length);
    if (rest === 'started') {
      started = true;
      continue;
    }
    if (rest.startsWith('compile_error')) {
      compileError ??= rest.slice('compile_error'.length).trim();
      continue;
    }
    const m = /^(\d{1,9}) (ok|fail)(?: (.*))?$/.exec(rest);
    if (!m) continue;
    const index = Number(m[1]);
    if (index >= caseCount || seen.has(index)) continue;
    if (m[2] === 'ok' && m[3] === undefined) seen.set(index, { index, passed: true });
    else if (m[2] === 'fail') seen.set(index, { index, passed: false, reason: (m[3] ?? '').slice(0, MAX_REASON_CHARS) || 'failed' });
  }
  const cases: CaseResult[] = [];
  for (let i = 0; i < caseCount; i++) cases.push(seen.get(i) ?? { index: i, passed: false, reason: 'no result' });
  return { cases, reported: seen.size, stdout: kept.join('\n'), compileError, started };
}

/** Markers of a memory limit hit, per language runtime. */
const MEMORY_MARKERS = [
  /\bMemoryError\b/,
  /std::bad_alloc/,
  /JavaScript heap out of memory/,
  /memory allocation of \d+ bytes failed/, // rust's alloc error handler
  /Cannot allocate memory/,
  /RangeError: Array buffer allocation failed/,
];

export function looksLikeMemory(text: string): boolean {
  return MEMORY_MARKERS.some((r) => r.test(text));
}

export interface Verdict {
  status: RunStatus;
  error?: string;
}

/** Maps a finished run to a status: timeout > output flood > all ok (passed) > memory > crashed > failed. */
export function decideStatus(o: SandboxOutcome, report: ParsedReport, caseCount: number, limits: { timeoutMs: number; memoryMb: number }): Verdict {
  const { timeoutMs, memoryMb } = limits;
  const passed = report.cases.filter((c) => c.passed).length;
  if (o.spawnError) return { status: 'crashed', error: o.spawnError };
  if (o.timedOut) return { status: 'timeout', error: `killed at the ${timeoutMs} ms wall-clock limit (timeoutMs)` };
  if (o.signal === 'SIGXCPU') return { status: 'timeout', error: 'CPU time limit exceeded (SIGXCPU)' };
  if (o.outputExceeded) return { status: 'crashed', error: 'output limit exceeded: the program was killed' };
  if (passed === caseCount) return { status: 'passed' };
  const reasons = report.cases.map((c) => c.reason ?? '').join('\n');
  if (looksLikeMemory(o.stderr) || looksLikeMemory(reasons)) {
    return { status: 'memory', error: `memory limit (${memoryMb} MiB) exceeded` };
  }
  const missing = caseCount - report.reported;
  if (missing > 0 && (o.signal !== null || (o.exitCode !== null && o.exitCode !== 0))) {
    const how = o.signal ? `was killed by ${o.signal}` : `exited with status ${o.exitCode}`;
    return { status: 'crashed', error: `the program ${how} before ${missing} of ${caseCount} cases reported` };
  }
  if (missing > 0) return { status: 'failed', error: `the program exited before ${missing} of ${caseCount} cases reported` };
  return { status: 'failed' };
}

/** Keeps at most `max` bytes of UTF-8 text, marking the cut. */
export function capText(text: string, max: number): string {
  const b = Buffer.from(text, 'utf8');
  if (b.length <= max) return text;
  return b.subarray(0, max).toString('utf8').replace(/\uFFFD$/, '') + `\n[... ${b.length - max} more bytes]`;
}
