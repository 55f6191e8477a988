import { capText, decideStatus, parseReport } from './report';
import type { SandboxOutcome } from './sandbox';

const N = 'abc123';
const outcome = (o: Partial<SandboxOutcome> = {}): SandboxOutcome => ({ exitCode: 0, signal: null, timedOut: false, outputExceeded: false, stdout: '', stderr: '', wallMs: 10, ...o });
const limits = { timeoutMs: 2000, memoryMb: 512 };

describe('parseReport', () => {
  it('counts only lines with the nonce, each index once, and strips them from stdout', () => {
    const out = ['hello', '', `${N} 0 ok`, '0 ok', `wrong 1 ok`, `${N} 1 fail AssertionError: x`, `${N} 1 ok`, `${N} 7 ok`, `${N} 2 okay`, 'bye'].join('\n');
    const p = parseReport(out, N, 3);
    expect(p.cases).toEqual([
      { index: 0, passed: true },
      { index: 1, passed: false, reason: 'AssertionError: x' },
      { index: 2, passed: false, reason: 'no result' },
    ]);
    expect(p.reported).toBe(2);
    expect(p.stdout).toBe('hello\n0 ok\nwrong 1 ok\nbye');
    expect(p.started).toBe(false);
  });

  it('reads the started and compile_error markers', () => {
    const p = parseReport(`${N} started\n${N} compile_error SyntaxError: bad (solution.py line 2)\n`, N, 1);
    expect(p.started).toBe(true);
    expect(p.compileError).toBe('SyntaxError: bad (solution.py line 2)');
  });
});

describe('decideStatus', () => {
  const all = (ok: boolean[]) => parseReport(ok.map((v, i) => `${N} ${i} ${v ? 'ok' : 'fail x'}`).join('\n'), N, ok.length);
  it('maps outcomes to statuses, most specific first', () => {
    expect(decideStatus(outcome(), all([true, true]), 2, limits)).toEqual({ status: 'passed' });
    expect(decideStatus(outcome(), all([true, false]), 2, limits)).toEqual({ status: 'failed' });
    expect(decideStatus(outcome({ timedOut: true }), all([true]), 1, limits)).toEqual({ status: 'timeout', error: 'killed at the 2000 ms wall-clock limit (timeoutMs)' });
    expect(decideStatus(outcome({ signal: 'SIGXCPU' }), all([]), 1, limits)).toEqual({ status: 'timeout', error: 'CPU time limit exceeded (SIGXCPU)' });
    expect(decideStatus(outcome({ outputExceeded: true }), all([true]), 1, limits).status).toBe('crashed');
    expect(decideStatus(outcome({ exitCode: 134, stderr: "terminate called after throwing an instance of 'std::bad_alloc'" }), all([]), 1, limits)).toEqual({
      status: 'memory',
      error: 'memory limit (512 MiB) exceeded',
    });
    expect(decideStatus(outcome({ signal: 'SIGSEGV' }), all([true]), 2, limits)).toEqual({ status: 'crashed', error: 'the program was killed by SIGSEGV before 1 of 2 cases reported' });
    expect(decideStatus(outcome({ exitCode: 0 }), all([true]), 2, limits)).toEqual({ status: 'failed', error: 'the program exited before 1 of 2 cases reported' });
    expect(decideStatus(outcome({ spawnError: 'could not start x: EAGAIN' }), all([]), 1, limits)).toEqual({ status: 'crashed', error: 'could not start x: EAGAIN' });
  });
});

describe('capText', () => {
  it('keeps short text and marks a cut', () => {
    expect(capText('abc', 10)).toBe('abc');
    expect(capText('abcdefghij', 4)).toBe('abcd\n[... 6 more bytes]');
  });
});
