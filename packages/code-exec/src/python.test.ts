import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createExecutor, type Executor, type RunTestsResult } from './index';
import { processesWith } from './__fixtures__/procs';
import { parsePythonBatch } from './python';

const ADD = 'def add(a, b):\n    return a + b\n';
const warnings: string[] = [];
let ex: Executor;
let cacheDir: string;

beforeAll(() => {
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfai-ce-test-'));
  ex = createExecutor({ concurrency: 2, cacheDir, logger: { warn: (m) => warnings.push(m) } });
});
afterAll(async () => {
  await ex.close();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

function py(code: string, tests: string[], extra: { timeoutMs?: number; memoryMb?: number; entryPoint?: string } = {}): Promise<RunTestsResult> {
  return ex.runTests({ language: 'python', code, tests, ...extra });
}

describe('python runner', () => {
  it('passes a correct program, case by case', async () => {
    const r = await py(ADD, ['assert add(1, 2) == 3', 'assert add(-1, 1) == 0', 'x = add(0.1, 0.2)\nassert abs(x - 0.3) < 1e-9']);
    expect(r.status).toBe('passed');
    expect(r.testsPassed).toBe(3);
    expect(r.testsRun).toBe(3);
    expect(r.cases).toEqual([
      { index: 0, passed: true },
      { index: 1, passed: true },
      { index: 2, passed: true },
    ]);
    expect(r.compileMs).toBe(0);
    expect(r.cachedCompile).toBe(false);
  });

  it('reports each failing case with its reason and keeps running the rest', async () => {
    const r = await py(ADD + 'print("candidate output")\n', ['assert add(2, 2) == 5', 'assert add(1, 1) == 2', 'raise ValueError("boom")', 'undefined_name()']);
    expect(r.status).toBe('failed');
    expect(r.testsPassed).toBe(1);
    expect(r.cases[0]).toEqual({ index: 0, passed: false, reason: 'AssertionError at: assert add(2, 2) == 5' });
    expect(r.cases[1]).toEqual({ index: 1, passed: true });
    expect(r.cases[2]).toEqual({ index: 2, passed: false, reason: 'ValueError: boom at: raise ValueError("boom")' });
    expect(r.cases[3]!.reason).toBe("NameError: name 'undefined_name' is not defined at: undefined_name()");
    expect(r.stdout).toBe('candidate output\n');
  });

  it('runs cases as function bodies: locals do not leak, files go to the run directory', async () => {
    const r = await py(ADD, [
      'y = 1\nwith open("in.txt", "w") as f:\n    f.write("42")',
      'assert "y" not in globals()\nassert open("in.txt").read() == "42"',
      'import os, tempfile\nassert os.getcwd() == os.environ["HOME"] == os.environ["TMPDIR"]\nassert os.getcwd().startswith(tempfile.gettempdir())',
    ]);
    expect(r.cases).toEqual([
      { index: 0, passed: true },
      { index: 1, passed: true },
      { index: 2, passed: true },
    ]);
  });

  it('reports a syntax error in the candidate as compile_error', async () => {
    const r = await py('def add(a, b)\n    return a + b\n', ['assert add(1, 2) == 3']);
    expect(r.status).toBe('compile_error');
    expect(r.error).toMatch(/^SyntaxError: expected ':' \(solution.py, line 1\)/);
    expect(r.testsPassed).toBe(0);
    expect(r.cases).toEqual([{ index: 0, passed: false, reason: 'no result (compile_error)' }]);
  });

  it('isolates a test case that does not compile', async () => {
    const r = await py(ADD, ['assert add(1, 2) ==', 'assert add(1, 2) == 3']);
    expect(r.cases[0]!.passed).toBe(false);
    expect(r.cases[0]!.reason).toMatch(/^SyntaxError/);
    expect(r.cases[1]).toEqual({ index: 1, passed: true });
  });

  it('kills an infinite loop at the wall-clock limit, with every process it started', async () => {
    const code =
      'import subprocess\nsubprocess.Popen(["sleep", "31.41"], start_new_session=True)\nsubprocess.Popen(["sleep", "31.42"])\n' +
      'def add(a, b):\n    while True:\n        pass\n';
    const r = await py(code, ['assert add(1, 2) == 3', 'assert True'], { timeoutMs: 1000 });
    expect(r.status).toBe('timeout');
    expect(r.testsPassed).toBe(0);
    expect(r.cases[1]).toEqual({ index: 1, passed: false, reason: 'no result (timeout)' });
    expect(r.error).toBe('killed at the 1000 ms wall-clock limit (timeoutMs)');
    // The sleeping children are gone too: the one in the process group always, the one in its own session
    // when the run had a PID namespace (without one it may outlive the run, as the executor warns).
    await new Promise((res) => setTimeout(res, 300));
    expect(processesWith('31.42')).toEqual([]);
    if (r.sandbox.pidNamespace) expect(processesWith('31.41')).toEqual([]);
  });

  it('reports a memory hog as memory', async () => {
    const r = await py('def hog():\n    return bytearray(2 * 1024 ** 3)\n', ['x = hog()\nassert len(x) > 0', 'assert 1 + 1 == 2'], { memoryMb: 256 });
    expect(r.status).toBe('memory');
    expect(r.error).toBe('memory limit (256 MiB) exceeded');
    expect(r.cases[0]!.reason).toMatch(/^MemoryError/);
    expect(r.cases[1]).toEqual({ index: 1, passed: true });
  });

  it('contains a fork bomb: process count capped, all of them gone afterwards', async () => {
    const bomb =
      'import os, time\ndef bomb():\n    n = 0\n    try:\n        for _ in range(400):\n            if os.fork() == 0:\n                time.sleep(27.18)\n                os._exit(0)\n            n += 1\n    except OSError:\n        pass\n    return n\n';
    const r = await py(bomb, ['n = bomb()\nprint("forked", n)\nassert n < 400'], { timeoutMs: 10_000 });
    expect(r.status).toBe('passed');
    const forked = Number(/forked (\d+)/.exec(r.stdout)![1]);
    expect(forked).toBeLessThan(r.sandbox.limits.maxProcesses);
    await new Promise((res) => setTimeout(res, 300));
    expect(processesWith('time.sleep(27.18)')).toEqual([]);
  });

  it('contains a classic fork bomb (while True: os.fork())', async () => {
    const r = await py('import os\ndef f():\n    while True:\n        try:\n            os.fork()\n        except OSError:\n            pass\n', ['f()'], { timeoutMs: 1000 });
    expect(['timeout', 'crashed']).toContain(r.status);
    expect(r.testsPassed).toBe(0);
  });

  it('has no network when unshare works here (and says so when it does not)', async () => {
    const server = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    let connections = 0;
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await py('', [
        `import socket\ntry:\n    socket.create_connection(("127.0.0.1", ${port}), timeout=1).close()\n    ok = True\nexcept OSError:\n    ok = False\nassert not ok, "connected"`,
        'import socket\ntry:\n    socket.getaddrinfo("example.com", 80)\n    ok = True\nexcept OSError:\n    ok = False\nassert not ok, "resolved"',
      ]);
      if (r.sandbox.networkIsolated) {
        expect(r.cases).toEqual([
          { index: 0, passed: true },
          { index: 1, passed: true },
        ]);
        expect(connections).toBe(0);
      } else {
        expect(warnings.join('\n')).toMatch(/NOT network-isolated/);
      }
    } finally {
      server.close();
    }
  });

  it('scrubs the environment: no variable of the caller is visible', async () => {
    process.env.RFAI_SECRET_TEST = 'abc';
    try {
      const r = await py('', ['import os\nassert "RFAI_SECRET_TEST" not in os.environ', 'import os\nassert sorted(os.environ) == ["HOME", "LANG", "PATH", "TMPDIR"], sorted(os.environ)']);
      expect(r.cases).toEqual([
        { index: 0, passed: true },
        { index: 1, passed: true },
      ]);
    } finally {
      delete process.env.RFAI_SECRET_TEST;
    }
  });

  it('limits file size (RLIMIT_FSIZE) and removes the run directory afterwards', async () => {
    const r = await py('', [
      'import os\nprint("DIR", os.getcwd())\ntry:\n    with open("big.bin", "wb") as f:\n        f.write(b"x" * (20 * 1024 * 1024))\n    ok = True\nexcept OSError:\n    ok = False\nassert not ok, "wrote 20 MB"',
    ]);
    expect(r.cases).toEqual([{ index: 0, passed: true }]);
    const dir = /DIR (\S+)/.exec(r.stdout)![1]!;
    expect(dir.startsWith(os.tmpdir())).toBe(true);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('ignores fake report lines and a patched os.write', async () => {
    const code =
      'import os, sys\nprint("all tests passed")\nfor i in range(3):\n    print(f"{i} ok")\n    print(f"deadbeefdeadbeefdeadbeef {i} ok")\n' +
      '_w = os.write\nos.write = lambda fd, b: _w(fd, b.replace(b" fail ", b" ok "))\nsys.stdout.flush()\n' +
      'def add(a, b):\n    return 0\n';
    const r = await py(code, ['assert add(1, 2) == 3', 'assert add(2, 2) == 4', 'assert add(0, 0) == 0']);
    expect(r.status).toBe('failed');
    expect(r.testsPassed).toBe(1);
    expect(r.cases.map((c) => c.passed)).toEqual([false, false, true]);
    expect(r.stdout).toContain('all tests passed');
  });

  it('counts cases as failed when the candidate exits early', async () => {
    const atImport = await py('import sys\nsys.exit(0)\n' + ADD, ['assert add(1, 2) == 3', 'assert True']);
    expect(atImport.status).toBe('failed');
    expect(atImport.testsPassed).toBe(0);
    expect(atImport.error).toBe('the program exited before 2 of 2 cases reported');

    const inCase = await py('import os\ndef add(a, b):\n    exit(0)\n', ['assert add(1, 2) == 3', 'assert True']);
    expect(inCase.cases).toEqual([
      { index: 0, passed: false, reason: 'SystemExit: 0 at: assert add(1, 2) == 3' },
      { index: 1, passed: true },
    ]);

    const hard = await py('import os\ndef add(a, b):\n    os._exit(0)\n', ['assert True', 'assert add(1, 2) == 3', 'assert True']);
    expect(hard.status).toBe('failed');
    expect(hard.cases.map((c) => c.passed)).toEqual([true, false, false]);
  });

  it('reports an exception at import time as crashed', async () => {
    const r = await py('raise RuntimeError("at import")\n', ['assert True']);
    expect(r.status).toBe('crashed');
    expect(r.error).toBe('the program exited with status 1 before 1 of 1 cases reported');
    expect(r.stderr).toContain('RuntimeError: at import');
  });

  it('kills an output flood and caps what it returns', async () => {
    const r = await py('import sys\nwhile True:\n    sys.stdout.write("x" * 65536)\n', ['assert True'], { timeoutMs: 5000 });
    expect(r.status).toBe('crashed');
    expect(r.error).toBe('output limit exceeded: the program was killed');
    expect(Buffer.byteLength(r.stdout)).toBeLessThan(8300);
  });

  it('answers a repeated request from the result cache', async () => {
    const req = { language: 'py', code: ADD + '# cache me\n', tests: ['assert add(5, 5) == 10'] };
    const before = ex.stats().resultCacheHits;
    const a = await ex.runTests(req);
    const b = await ex.runTests(req);
    expect(b).toEqual(a);
    expect(ex.stats().resultCacheHits).toBe(before + 1);
  });

  it('explains a missing entry point', async () => {
    const r = await py('def plus(a, b):\n    return a + b\n', ['assert add(1, 2) == 3'], { entryPoint: 'add' });
    expect(r.status).toBe('failed');
    expect(r.error).toBe('the code never mentions the entry point "add"');
  });
});

describe('executor', () => {
  it('never runs more than `concurrency` processes at once', async () => {
    const ex2 = createExecutor({ concurrency: 2, cacheDir, logger: { warn: () => undefined } });
    try {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          ex2.runTests({ language: 'python', code: `import time\n# ${i}\n`, tests: ['print("T0", time.time())\ntime.sleep(0.3)\nprint("T1", time.time())'], timeoutMs: 10_000 }),
        ),
      );
      const spans = results.map((r) => {
        expect(r.status).toBe('passed');
        return [Number(/T0 (\S+)/.exec(r.stdout)![1]), Number(/T1 (\S+)/.exec(r.stdout)![1])] as const;
      });
      const events = spans.flatMap(([a, b]) => [[a, 1] as const, [b, -1] as const]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      let now = 0;
      let most = 0;
      for (const [, d] of events) most = Math.max(most, (now += d));
      expect(most).toBeLessThanOrEqual(2);
      expect(ex2.stats().peakActive).toBe(2);
      expect(ex2.stats().runs).toBe(6);
    } finally {
      await ex2.close();
    }
  });

  it("network: 'none' warns once, and still kills what a timed-out run left behind", async () => {
    const warned: string[] = [];
    const ex4 = createExecutor({ concurrency: 1, cacheDir, network: 'none', logger: { warn: (m) => warned.push(m) } });
    try {
      const r = await ex4.runTests({ language: 'python', code: 'import subprocess\nsubprocess.Popen(["sleep", "33.31"], start_new_session=True)\ndef f():\n    while True:\n        pass\n', tests: ['f()'], timeoutMs: 1000 });
      expect(r.status).toBe('timeout');
      expect(r.sandbox.networkIsolated).toBe(false);
      expect(r.sandbox.pidNamespace).toBe(false);
      expect(warned).toContain("@rfai/code-exec: network: 'none': runs are NOT network-isolated and have no PID namespace.");
      await new Promise((res) => setTimeout(res, 300));
      // As root each run has its own uid and its leftovers are killed by uid; otherwise only the group is killed.
      if (r.sandbox.runUid !== undefined) expect(processesWith('33.31')).toEqual([]);
    } finally {
      await ex4.close();
    }
  });

  it('batches a burst of programs into few processes, each graded exactly as it is alone', async () => {
    // Every outcome a child can have, twice over, in one burst; then each again through a batch size of 1.
    const programs: Array<{ code: string; tests: string[]; timeoutMs?: number }> = [
      { code: ADD, tests: ['assert add(1, 2) == 3', 'assert add(2, 2) == 4'] },
      { code: 'def add(a, b):\n    return a - b\n', tests: ['assert add(1, 2) == 3', 'assert add(2, 0) == 2'] },
      { code: 'def add(a, b)\n    return a + b\n', tests: ['assert add(1, 2) == 3'] },
      { code: 'import sys\nsys.exit(3)\n', tests: ['assert True'] },
      { code: 'raise RuntimeError("at import")\n', tests: ['assert True'] },
      { code: 'def add(a, b):\n    while True:\n        pass\n', tests: ['assert add(1, 2) == 3'], timeoutMs: 800 },
      { code: 'import sys\nsys.stdout.write("x" * 3000000)\n', tests: ['assert True'] },
      { code: 'import os\ndef add(a, b):\n    os.kill(os.getpid(), 9)\n', tests: ['assert True', 'assert add(1, 2) == 3'] },
      // Kills the batch's parent process: the programs it had not reported run again, each on its own.
      { code: 'import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n' + ADD, tests: ['assert add(1, 2) == 3'] },
      { code: ADD + 'print("hello")\n', tests: ['print(add(2, 3))\nassert add(2, 3) == 5'] },
    ];
    const summary = (r: RunTestsResult) => ({ status: r.status, passed: r.testsPassed, cases: r.cases.map((c) => c.passed), out: r.stdout.slice(0, 40) });
    const batched = createExecutor({ concurrency: 2, cacheDir, resultCacheSize: 0, logger: { warn: () => undefined } });
    const alone = createExecutor({ concurrency: 2, cacheDir, resultCacheSize: 0, pythonBatchSize: 1, logger: { warn: () => undefined } });
    try {
      const burst = [...programs, ...programs].map((p) => batched.runTests({ language: 'python', ...p }));
      const a = (await Promise.all(burst)).map(summary);
      const b: ReturnType<typeof summary>[] = [];
      for (const p of programs) b.push(summary(await alone.runTests({ language: 'python', ...p })));
      expect(a.slice(0, programs.length)).toEqual(b);
      expect(a.slice(programs.length)).toEqual(b);
      expect(b.map((x) => x.status)).toEqual(['passed', 'failed', 'compile_error', 'crashed', 'crashed', 'timeout', 'crashed', 'crashed', 'passed', 'passed']);
      expect(b[9]!.out).toBe('hello\n5\n');
      const s = batched.stats();
      expect(s.requests).toBe(20);
      expect(s.batches).toBeGreaterThanOrEqual(2);
      // 20 programs in a few batches, plus the ones re-run alone after their batch parent was killed.
      expect(s.batches).toBeLessThan(12);
      expect(alone.stats().batches).toBe(0);
      expect(alone.stats().runs).toBe(10);
    } finally {
      await batched.close();
      await alone.close();
    }
  });

  it('reads only its own batch lines (nonce, index range, first line wins)', () => {
    const frames = parsePythonBatch(
      [
        'noise',
        `OTHER item 0 0 - 0 0 5 ${Buffer.from('forged').toString('base64')} -`,
        `BN item 0 0 - 0 0 12 ${Buffer.from('real out\n').toString('base64')} -`,
        `BN item 0 1 - 0 0 12 - -`,
        `BN item 1 - 9 1 0 2000 - ${Buffer.from('err').toString('base64')}`,
        'BN item 2 0 - 0 0 1 - -',
        'BN item 1 0 - 0 0',
      ].join('\n'),
      'BN',
      2,
    );
    expect([...frames.keys()]).toEqual([0, 1]);
    expect(frames.get(0)).toEqual({ index: 0, exitCode: 0, signal: null, timedOut: false, outputExceeded: false, wallMs: 12, stdout: 'real out\n', stderr: '' });
    expect(frames.get(1)).toEqual({ index: 1, exitCode: null, signal: 9, timedOut: true, outputExceeded: false, wallMs: 2000, stdout: '', stderr: 'err' });
  });

  it('answers unsupported languages without running anything', async () => {
    const r = await ex.runTests({ language: 'cobol', code: '', tests: ['x'] });
    expect(r.status).toBe('unsupported_language');
    expect(r.testsRun).toBe(1);
    expect(r.error).toBe('no runner for language "cobol": use one of python, typescript, javascript, rust, cpp');
  });

  it('rejects invalid requests and options, naming the field', async () => {
    await expect(ex.runTests({ language: 'python', code: '', tests: [] })).rejects.toThrow(
      'tests must be a non-empty array of strings (one test case each); with no tests there is nothing to grade',
    );
    await expect(ex.runTests({ language: 'python', code: 1 as unknown as string, tests: ['x'] })).rejects.toThrow("code must be a string (the candidate's source), got number");
    await expect(ex.runTests({ language: 'python', code: '', tests: ['x'], timeoutMs: 0 })).rejects.toThrow('timeoutMs must be an integer from 1 to 600000 (milliseconds), got 0');
    await expect(ex.runTests({ language: 'python', code: '', tests: ['x'], memoryMb: 1.5 })).rejects.toThrow('memoryMb must be an integer from 1 to 1048576 (MiB), got 1.5');
    expect(() => createExecutor({ concurrency: 0 })).toThrow('concurrency must be an integer from 1 to 1024 (processes at once), got 0');
    expect(() => createExecutor({ network: 'off' as 'none' })).toThrow(`network must be 'auto', 'unshare' or 'none', got "off"`);
    expect(() => createExecutor({ resultCacheSize: -1 })).toThrow('resultCacheSize must be an integer >= 0 (0 disables the cache), got -1');
  });

  it('refuses work after close', async () => {
    const ex3 = createExecutor({ cacheDir, logger: { warn: () => undefined } });
    await ex3.close();
    await expect(ex3.runTests({ language: 'python', code: '', tests: ['pass'] })).rejects.toThrow('the executor is closed; create a new one with createExecutor()');
  });
});
