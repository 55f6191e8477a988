// Throughput of @rfai/code-exec: runs per second for small programs with 5 test cases each, at concurrency 1 and 2.
// Compiled languages are measured with a warm artifact cache (a first untimed pass compiles them).
//   npx tsx packages/code-exec/bench/throughput.ts [--programs 64] [--compiled 16] [--languages python,javascript,cpp,rust]
// Prints one JSON line.
import * as os from 'node:os';
import * as path from 'node:path';
import { createExecutor, type ExecLanguage, type RunTestsRequest } from '../src/index';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const PROGRAMS = Number(arg('programs', '64'));
const COMPILED = Number(arg('compiled', '16'));
const LANGUAGES = arg('languages', 'python,javascript,cpp,rust').split(',') as ExecLanguage[];
const CACHE = path.join(os.tmpdir(), `rfai-code-exec-bench-cache-${process.getuid?.() ?? 0}`);

// Program i adds i to its argument; its 5 cases check it.
function request(language: ExecLanguage, i: number): RunTestsRequest {
  const xs = [0, 1, 2, 3, 4];
  switch (language) {
    case 'python':
      return { language, code: `def f(x):\n    return x + ${i}\n`, tests: xs.map((x) => `assert f(${x}) == ${x + i}`) };
    case 'javascript':
    case 'typescript':
      return { language, code: `export function f(x) { return x + ${i}; }`, tests: xs.map((x) => `__t.eq(f(${x}), ${x + i});`) };
    case 'cpp':
      return { language, code: `long long f(long long x) { return x + ${i}; }`, tests: xs.map((x) => `RFAI_EQ(f(${x}), ${x + i});`) };
    case 'rust':
      return { language, code: `fn f(x: i64) -> i64 { x + ${i} }`, tests: xs.map((x) => `assert_eq!(f(${x}), ${x + i});`) };
  }
}

async function measure(language: ExecLanguage, n: number, concurrency: number): Promise<number> {
  const ex = createExecutor({ concurrency, cacheDir: CACHE, resultCacheSize: 0, logger: { warn: () => undefined } });
  try {
    // Warm-up: toolchain detection, sandbox probe, precompiled header, and (compiled languages) every artifact.
    const warm = await Promise.all(Array.from({ length: n }, (_, i) => ex.runTests(request(language, i))));
    const bad = warm.find((r) => r.status !== 'passed');
    if (bad) throw new Error(`${language}: warm-up run ${bad.status}: ${bad.error ?? bad.stderr}`);
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: n }, (_, i) => ex.runTests(request(language, i))));
    const seconds = (performance.now() - t0) / 1000;
    if (results.some((r) => r.status !== 'passed')) throw new Error(`${language}: a timed run did not pass`);
    return Math.round((n / seconds) * 10) / 10;
  } finally {
    await ex.close();
  }
}

async function main(): Promise<void> {
  const out: Record<string, unknown> = {
    programs: { python: PROGRAMS, javascript: PROGRAMS, cpp: COMPILED, rust: COMPILED },
    casesPerProgram: 5,
    cores: os.availableParallelism(),
    loadavg1: Math.round(os.loadavg()[0]! * 10) / 10,
  };
  for (const lang of LANGUAGES) {
    const n = lang === 'cpp' || lang === 'rust' ? COMPILED : PROGRAMS;
    out[lang] = { 'runs/s@1': await measure(lang, n, 1), 'runs/s@2': await measure(lang, n, 2) };
  }
  out.loadavg1After = Math.round(os.loadavg()[0]! * 10) / 10;
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
