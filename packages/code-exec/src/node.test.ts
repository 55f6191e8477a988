import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createExecutor, type Executor, type RunTestsResult } from './index';
import { processesWith } from './__fixtures__/procs';

let ex: Executor;
let cacheDir: string;

beforeAll(() => {
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfai-ce-test-'));
  ex = createExecutor({ concurrency: 2, cacheDir, logger: { warn: () => undefined } });
});
afterAll(async () => {
  await ex.close();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

function run(language: 'typescript' | 'javascript', code: string, tests: string[], extra: { timeoutMs?: number; memoryMb?: number } = {}): Promise<RunTestsResult> {
  return ex.runTests({ language, code, tests, ...extra });
}

const TS_ADD = `
interface Pair { a: number; b: number }
enum Op { Add = 1 }
export function add(a: number, b: number): number { return a + b; }
export const addPair = ({ a, b }: Pair): number => add(a, b) * Op.Add;
export async function later<T>(v: T): Promise<T> { return v; }
`;

describe('typescript / javascript runner', () => {
  it('passes a TypeScript program using every __t helper', async () => {
    const r = await run('typescript', TS_ADD, [
      '__t.eq(add(1, 2), 3);\n__t.eq(addPair({ a: 2, b: 5 }), 7);',
      'const v: number = await later(4);\n__t.eq(v, 4);',
      '__t.eq([1, { x: [NaN] }], [1, { x: [NaN] }]);\n__t.eq(new Map([[1, new Set([2, 3])]]), new Map([[1, new Set([3, 2])]]));\n__t.eq(new Date(5), new Date(5));\n__t.eq(0, -0);',
      '__t.close(0.1 + 0.2, 0.3);\n__t.close(1, 1.05, 0.1);\n__t.throws(() => { throw new Error("x"); });\nawait __t.rejects(Promise.reject(new Error("y")));\nawait __t.rejects(async () => { throw 1; });',
      '__t.fs.writeFileSync("in.txt", "42");\n__t.eq(__t.fs.readFileSync(__t.path.join(process.cwd(), "in.txt"), "utf8"), "42");\n__t.eq(process.env.TMPDIR, process.cwd());',
    ]);
    expect(r.cases).toEqual([0, 1, 2, 3, 4].map((index) => ({ index, passed: true })));
    expect(r.status).toBe('passed');
    expect(r.sandbox.limits.addressSpaceMb).toBe(512 + 1024);
  });

  it('reports each failing case with its reason', async () => {
    const r = await run('javascript', 'export function add(a, b) { return a - b; }\nconsole.log("from candidate");', [
      '__t.eq(add(2, 2), 4);',
      '__t.eq({ a: [1, 2] }, { a: [1, 3] });',
      '__t.ok(add(1, 1) === 2, "add(1, 1) should be 2");',
      'null.x;',
      'throw "plain string";',
      '__t.throws(() => 1);',
      'await __t.rejects(Promise.resolve(1));',
      '__t.close(1, 2);',
      '__t.eq(add(3, 3), 0);',
    ]);
    expect(r.status).toBe('failed');
    expect(r.cases.map((c) => c.reason ?? 'ok')).toEqual([
      'expected 4, got 0',
      'expected { a: [ 1, 3 ] }, got { a: [ 1, 2 ] }',
      'add(1, 1) should be 2',
      "TypeError: Cannot read properties of null (reading 'x')",
      "thrown: 'plain string'",
      'expected the function to throw',
      'expected a rejection',
      'expected 2 within 1e-9, got 1',
      'ok',
    ]);
    expect(r.stdout).toBe('from candidate\n');
  });

  it('reports TypeScript and JavaScript syntax errors as compile_error, and ignores type errors', async () => {
    const ts = await run('typescript', 'export function add(a: number, b: number) {\n  return a +;\n}', ['__t.eq(add(1, 2), 3);']);
    expect(ts.status).toBe('compile_error');
    expect(ts.error).toBe('TS1109: Expression expected. (solution.ts line 2)');
    const js = await run('javascript', 'export function add(a, b) {\n  return a b;\n}', ['__t.eq(add(1, 2), 3);']);
    expect(js.status).toBe('compile_error');
    expect(js.error).toMatch(/^solution\.js line 2:\n\s*return a b;\n\s*\^\nSyntaxError: Unexpected identifier 'b'/);
    const typeError = await run('typescript', 'export const n: number = "not a number" as any as number;\nexport function f(): string { return 1 as unknown as string; }', ['__t.eq(f(), 1);']);
    expect(typeError.status).toBe('passed');
  });

  it('isolates a test case that does not compile', async () => {
    const r = await run('typescript', TS_ADD, ['__t.eq(add(1, 2), ;', '__t.eq(add(1, 2), 3);']);
    expect(r.cases[0]!.passed).toBe(false);
    expect(r.cases[0]!.reason).toBe("SyntaxError: test case 0 does not compile: TS1005: ')' expected. (test-0.ts line 2)");
    expect(r.cases[1]).toEqual({ index: 1, passed: true });
  });

  it('keeps running after an uncaught exception in a timer, and exits even with a live interval', async () => {
    const r = await run('javascript', 'setInterval(() => {}, 1000);\nexport const f = () => 1;', [
      'setTimeout(() => { throw new Error("late"); }, 0);\nawait new Promise((r) => setTimeout(r, 20));',
      '__t.eq(f(), 1);',
    ]);
    expect(r.status).toBe('passed');
    expect(r.stderr).toContain('uncaught exception (ignored by the harness): Error: late');
  });

  it('kills an infinite loop at the limit, with the processes it started', async () => {
    const code =
      'import { spawn } from "node:child_process";\nspawn("sleep", ["31.51"], { detached: true });\nspawn("sleep", ["31.52"]);\nexport function spin() { for (;;) {} }';
    const r = await run('javascript', code, ['spin();', '__t.ok(true);'], { timeoutMs: 1000 });
    expect(r.status).toBe('timeout');
    expect(r.error).toBe('killed at the 1000 ms wall-clock limit (timeoutMs)');
    expect(r.cases.map((c) => c.reason)).toEqual(['no result (timeout)', 'no result (timeout)']);
    await new Promise((res) => setTimeout(res, 300));
    expect(processesWith('31.52')).toEqual([]);
    // Detached (own session): only a PID namespace catches it.
    if (r.sandbox.pidNamespace) expect(processesWith('31.51')).toEqual([]);
  });

  it('reports a V8 heap exhaustion as memory', async () => {
    const r = await run('javascript', 'const keep = [];\nexport function hog() { for (;;) keep.push(new Array(1e5).fill(1.5)); }', ['hog();', '__t.ok(true);'], {
      memoryMb: 64,
      timeoutMs: 15_000,
    });
    expect(r.status).toBe('memory');
    expect(r.error).toBe('memory limit (64 MiB) exceeded');
    expect(r.stderr).toContain('JavaScript heap out of memory');
  });

  it('caps the number of processes a run can start', async () => {
    const r = await run('javascript', 'import { spawn } from "node:child_process";\nexport const spawnMany = async (n) => {\n  let ok = 0, failed = 0;\n  await Promise.all(Array.from({ length: n }, () => new Promise((res) => {\n    const c = spawn("sleep", ["27.61"]);\n    c.on("spawn", () => { ok++; res(); });\n    c.on("error", () => { failed++; res(); });\n  })));\n  return { ok, failed };\n};', [
      'const { ok, failed } = await spawnMany(100);\nconsole.log("spawned", ok);\n__t.ok(failed > 0, "all 100 processes started");',
    ], { timeoutMs: 10_000 });
    expect(r.cases).toEqual([{ index: 0, passed: true }]);
    expect(Number(/spawned (\d+)/.exec(r.stdout)![1])).toBeLessThan(r.sandbox.limits.maxProcesses);
    await new Promise((res) => setTimeout(res, 300));
    expect(processesWith('27.61')).toEqual([]);
  });

  it('has no network when unshare works here', async () => {
    let connections = 0;
    const server = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await run('javascript', 'import net from "node:net";\nimport dns from "node:dns/promises";\nexport { net, dns };', [
        `const ok = await new Promise((res) => { const s = net.connect(${port}, "127.0.0.1"); s.on("connect", () => { s.destroy(); res(true); }); s.on("error", () => res(false)); });\n__t.ok(!ok, "connected");`,
        'await __t.rejects(dns.lookup("example.com"));',
      ]);
      if (r.sandbox.networkIsolated) {
        expect(r.cases).toEqual([
          { index: 0, passed: true },
          { index: 1, passed: true },
        ]);
        expect(connections).toBe(0);
      }
    } finally {
      server.close();
    }
  });

  it("runs Node's fetch (undici's wasm HTTP parser) under the address-space limit, against a server the test starts", async () => {
    // With V8's wasm trap handler on, a wasm memory reserves ~10 GiB of address space and the limit (memoryMb + 1 GiB)
    // refuses it: fetch failed with "Cannot allocate Wasm memory" before the runner turned the trap handler off.
    const r = await run('javascript', 'import http from "node:http";\nexport { http };', [
      [
        'const server = http.createServer((req, res) => res.end(JSON.stringify({ url: req.url })));',
        'await new Promise((res) => server.listen(0, "127.0.0.1", res));',
        'try {',
        '  const got = await fetch(`http://127.0.0.1:${server.address().port}/items/7`);',
        '  __t.eq(await got.json(), { url: "/items/7" });',
        '} finally { server.close(); }',
      ].join('\n'),
    ]);
    expect(r.cases).toEqual([{ index: 0, passed: true }]);
    expect(r.sandbox.limits.addressSpaceMb).toBe(512 + 1024);
  });

  it('scrubs the environment', async () => {
    process.env.RFAI_SECRET_TEST = 'abc';
    try {
      const r = await run('javascript', '', ['__t.ok(!("RFAI_SECRET_TEST" in process.env));\n__t.eq(Object.keys(process.env).sort(), ["HOME", "LANG", "PATH", "TMPDIR"]);']);
      expect(r.cases).toEqual([{ index: 0, passed: true }]);
    } finally {
      delete process.env.RFAI_SECRET_TEST;
    }
  });

  it('ignores fake report lines, patched writers and a frozen-helper override attempt', async () => {
    const code =
      'import fs from "node:fs";\nconsole.log("all tests passed");\nfor (let i = 0; i < 3; i++) console.log(`${i} ok`);\n' +
      'const w = fs.writeSync;\nfs.writeSync = (fd, s, ...rest) => w(fd, String(s).replace(" fail ", " ok "), ...rest);\n' +
      'process.stdout.write = () => true;\ntry { __t.eq = () => {}; } catch {}\nexport const add = () => 0;';
    const r = await run('javascript', code, ['__t.eq(add(1, 2), 3);', '__t.eq(add(0, 0), 0);']);
    expect(r.status).toBe('failed');
    expect(r.cases.map((c) => c.passed)).toEqual([false, true]);
  });

  it('counts cases as failed when the candidate exits early', async () => {
    const atImport = await run('javascript', 'process.exit(0);\nexport const f = () => 1;', ['__t.eq(f(), 1);']);
    expect(atImport.status).toBe('failed');
    expect(atImport.error).toBe('the program exited before 1 of 1 cases reported');
    const inCase = await run('javascript', 'export const f = () => process.exit(0);', ['__t.ok(true);', 'f();', '__t.ok(true);']);
    expect(inCase.cases.map((c) => c.passed)).toEqual([true, false, false]);
  });

  it('kills an output flood', async () => {
    const r = await run('javascript', 'import fs from "node:fs";\nconst s = "y".repeat(65536);\nfor (;;) fs.writeSync(1, s);', ['__t.ok(true);'], { timeoutMs: 5000 });
    expect(r.status).toBe('crashed');
    expect(r.error).toBe('output limit exceeded: the program was killed');
  });
});
