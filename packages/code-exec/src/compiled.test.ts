// C++ and Rust runners. Compiles are the slow part (seconds on a loaded machine), so each program here carries
// as many per-case checks as one run allows, and the compile cache folder is kept between test runs.
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createExecutor, type Executor, type RunTestsResult } from './index';
import { processesWith } from './__fixtures__/procs';

const CACHE = path.join(os.tmpdir(), `rfai-code-exec-test-cache-${process.getuid?.() ?? 0}`);
let ex: Executor;
let server: net.Server;
let port = 0;
let connections = 0;

beforeAll(async () => {
  ex = createExecutor({ concurrency: 2, cacheDir: CACHE, logger: { warn: () => undefined } });
  server = net.createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  port = (server.address() as net.AddressInfo).port;
  process.env.RFAI_SECRET_TEST = 'abc';
});
afterAll(async () => {
  delete process.env.RFAI_SECRET_TEST;
  server.close();
  await ex.close();
});

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

const CPP_TOOLS = String.raw`#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
static int printed = std::printf("0 ok\n1 ok\nall tests passed\n");
int add(int a, int b) { return a + b; }
int wrong(int a, int b) { return a - b; }
int fork_many(int n) {
  int ok = 0;
  for (int i = 0; i < n; i++) {
    pid_t p = fork();
    if (p == 0) { sleep(27); _exit(0); }
    if (p < 0) break;
    ok++;
  }
  return ok;
}
bool can_connect(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  bool ok = connect(s, (sockaddr*)&a, sizeof a) == 0;
  close(s);
  return ok;
}
`;

const RUST_TOOLS = String.raw`use std::process::Command;
fn add(a: i64, b: i64) -> i64 { a + b }
fn wrong(a: i64, b: i64) -> i64 { a - b }
fn spawn_many(n: usize) -> usize {
    let mut kids = Vec::new();
    for _ in 0..n {
        match Command::new("sleep").arg("27.8").spawn() { Ok(c) => kids.push(c), Err(_) => break }
    }
    kids.len()
}
fn can_connect(port: u16) -> bool { std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() }
fn main() { println!("0 ok"); }
`;

function expectIsolation(r: RunTestsResult, firstSandboxCase: number): void {
  if (!r.sandbox.networkIsolated) return;
  expect(r.cases[firstSandboxCase]).toEqual({ index: firstSandboxCase, passed: true });
  expect(connections).toBe(0);
}

describe('cpp runner', () => {
  it('runs each case in isolation: results, fake output, env, network, fork limit, memory', async () => {
    const r = await ex.runTests({
      language: 'cpp',
      code: CPP_TOOLS,
      tests: [
        'RFAI_EQ(add(1, 2), 3);',
        'RFAI_EQ(wrong(2, 2), 4);',
        'RFAI_NEAR(0.1 + 0.2, 0.3, 1e-9);',
        'throw 42;',
        'std::vector<int> v; v.at(3);',
        `RFAI_CHECK(!can_connect(${port}));`,
        'RFAI_CHECK(std::getenv("RFAI_SECRET_TEST") == nullptr);\nRFAI_CHECK(std::string(std::getenv("TMPDIR")) == std::getenv("HOME"));',
        'int n = fork_many(300);\nstd::printf("forked %d\\n", n);\nRFAI_CHECK(n < 300);',
        'std::vector<char> big(size_t(3) << 30, 1);\nRFAI_CHECK(big[5] == 1);',
      ],
      memoryMb: 256,
      timeoutMs: 10_000,
    });
    expect(r.cases.slice(0, 5)).toEqual([
      { index: 0, passed: true },
      { index: 1, passed: false, reason: 'RFAI_EQ(wrong(2, 2), 4) failed: expected 4, got 0' },
      { index: 2, passed: true },
      { index: 3, passed: false, reason: 'unknown exception' },
      { index: 4, passed: false, reason: 'vector::_M_range_check: __n (which is 3) >= this->size() (which is 0)' },
    ]);
    expectIsolation(r, 5);
    expect(r.cases[6]).toEqual({ index: 6, passed: true });
    expect(r.cases[7]).toEqual({ index: 7, passed: true });
    expect(Number(/forked (\d+)/.exec(r.stdout)![1])).toBeLessThan(r.sandbox.limits.maxProcesses);
    expect(r.cases[8]).toEqual({ index: 8, passed: false, reason: 'std::bad_alloc' });
    expect(r.status).toBe('memory');
    expect(r.stdout).toContain('all tests passed');
    expect(r.testsPassed).toBe(5);
    await sleep(300);
    expect(processesWith('sleep 27')).toEqual([]);
  });

  it('passes a correct program, then reuses its compiled artifact (cachedCompile)', async () => {
    const code = `int add(int a, int b) { return a + b; }\n// ${Date.now()}\n`;
    const req = { language: 'cpp', code, tests: ['RFAI_EQ(add(1, 2), 3);', 'RFAI_EQ(add(-1, 1), 0);'] };
    const first = await ex.runTests(req);
    expect(first.status).toBe('passed');
    expect(first.cachedCompile).toBe(false);
    expect(first.compileMs).toBeGreaterThan(0);
    const other = createExecutor({ concurrency: 1, cacheDir: CACHE, logger: { warn: () => undefined } });
    try {
      const second = await other.runTests(req);
      expect(second.status).toBe('passed');
      expect(second.cachedCompile).toBe(true);
      expect(second.compileMs).toBe(0);
      expect(other.stats().compileCacheHits).toBe(1);
      expect(other.stats().compiles).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('reports a compile error with the compiler message', async () => {
    const r = await ex.runTests({ language: 'cpp', code: 'int add(int a, int b) { return a + ; }', tests: ['RFAI_EQ(add(1, 2), 3);'] });
    expect(r.status).toBe('compile_error');
    expect(r.error).toContain('solution.cpp:1:36: error: expected primary-expression before');
    expect(r.cases).toEqual([{ index: 0, passed: false, reason: 'compile_error' }]);
  });

  it('kills an infinite loop and the process it started', async () => {
    const r = await ex.runTests({ language: 'cpp', code: 'int spin() { std::system("sleep 31.61 &"); for (;;) {} }', tests: ['spin();'], timeoutMs: 1000 });
    expect(r.status).toBe('timeout');
    await sleep(300);
    expect(processesWith('31.61')).toEqual([]);
  });

  it('counts cases as failed after exit(0), and kills an output flood', async () => {
    const early = await ex.runTests({ language: 'cpp', code: 'int f() { std::exit(0); }', tests: ['RFAI_CHECK(true);', 'f();', 'RFAI_CHECK(true);'] });
    expect(early.status).toBe('failed');
    expect(early.cases.map((c) => c.passed)).toEqual([true, false, false]);
    const flood = await ex.runTests({ language: 'cpp', code: 'void f() { for (;;) std::fputs("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", stdout); }', tests: ['f();'], timeoutMs: 5000 });
    expect(flood.status).toBe('crashed');
    expect(flood.error).toBe('output limit exceeded: the program was killed');
  });
});

describe('rust runner', () => {
  it('runs each case in isolation: results, panics, env, network, process limit, memory', async () => {
    const r = await ex.runTests({
      language: 'rust',
      code: RUST_TOOLS,
      tests: [
        'assert_eq!(add(1, 2), 3);',
        'assert_eq!(wrong(2, 2), 4);',
        'assert!((0.1f64 + 0.2 - 0.3).abs() < 1e-9);',
        'let v: Vec<i32> = vec![]; let _ = v[3];',
        `assert!(!can_connect(${port}));`,
        'assert!(std::env::var("RFAI_SECRET_TEST").is_err());\nassert_eq!(std::env::var("TMPDIR").unwrap(), std::env::var("HOME").unwrap());',
        'use std::collections::HashMap;\nlet n = spawn_many(300);\nprintln!("spawned {}", n);\nassert!(n < 300);',
        'let v: Vec<u8> = vec![1u8; 3usize << 30];\nassert!(v[5] == 1);',
      ],
      memoryMb: 256,
      timeoutMs: 10_000,
    });
    expect(r.cases.slice(0, 4)).toEqual([
      { index: 0, passed: true },
      { index: 1, passed: false, reason: 'assertion `left == right` failed left: 0 right: 4' },
      { index: 2, passed: true },
      { index: 3, passed: false, reason: 'index out of bounds: the len is 0 but the index is 3' },
    ]);
    expectIsolation(r, 4);
    expect(r.cases[5]).toEqual({ index: 5, passed: true });
    expect(r.cases[6]).toEqual({ index: 6, passed: true });
    expect(Number(/spawned (\d+)/.exec(r.stdout)![1])).toBeLessThan(r.sandbox.limits.maxProcesses);
    // Rust aborts on allocation failure: the last case never reports, and the run is classed as memory.
    expect(r.cases[7]).toEqual({ index: 7, passed: false, reason: 'no result (memory)' });
    expect(r.status).toBe('memory');
    expect(r.stderr).toMatch(/memory allocation of \d+ bytes failed/);
    expect(r.stdout).not.toContain('0 ok');
    await sleep(300);
    expect(processesWith('27.8')).toEqual([]);
  });

  it('passes a correct program, then reuses its compiled artifact (cachedCompile)', async () => {
    const code = `fn add(a: i64, b: i64) -> i64 { a + b }\n// ${Date.now()}\n`;
    const req = { language: 'rust', code, tests: ['assert_eq!(add(1, 2), 3);'] };
    const first = await ex.runTests(req);
    expect(first.status).toBe('passed');
    expect(first.cachedCompile).toBe(false);
    const other = createExecutor({ concurrency: 1, cacheDir: CACHE, logger: { warn: () => undefined } });
    try {
      const second = await other.runTests(req);
      expect(second.status).toBe('passed');
      expect(second.cachedCompile).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('reports a compile error with the compiler message and the candidate line', async () => {
    const r = await ex.runTests({ language: 'rust', code: '\nfn add(a: i64) -> i64 { a + }', tests: ['assert!(true);'] });
    expect(r.status).toBe('compile_error');
    expect(r.error).toMatch(/^error: expected expression, found `}`\n --> main.rs:2:29/);
  });

  it('kills an infinite loop and the process it started; exit(0) fails the remaining cases', async () => {
    const r = await ex.runTests({
      language: 'rust',
      code: 'fn spin() { let _c = std::process::Command::new("sleep").arg("31.72").spawn(); loop { std::hint::black_box(0); } }\nfn quit() { std::process::exit(0); }',
      tests: ['spin();'],
      timeoutMs: 1000,
    });
    expect(r.status).toBe('timeout');
    await sleep(300);
    expect(processesWith('31.72')).toEqual([]);
    const early = await ex.runTests({
      language: 'rust',
      code: 'fn spin() { let _c = std::process::Command::new("sleep").arg("31.72").spawn(); loop { std::hint::black_box(0); } }\nfn quit() { std::process::exit(0); }',
      tests: ['quit();'],
    });
    expect(early.status).toBe('failed');
    expect(early.cases).toEqual([{ index: 0, passed: false, reason: 'no result (failed)' }]);
  });
});
