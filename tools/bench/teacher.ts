// Benchmark for @rfai/teacher-clients: (1) the offline teacher's samples/s on one core for ~300-token samples
// (code, byte-level noise of 300 bytes, printable noise), and (2) LLM-teacher throughput against a local
// OpenAI-compatible server with 200 ms injected latency at concurrency 1, 8 and 32.
// Run: `npx tsx tools/bench/teacher.ts` or `NX_DAEMON=false npx nx run teacher-clients:bench`. Prints one JSON object.
// Rates are given per wall second and per CPU second of this process (the machine may be shared), after warm-up.
import { canonicalLanguage, createTeacher, OfflineTeacher, type ScoreRequest } from '../../packages/teacher-clients/src/index';
import { keywordSet } from '../../packages/teacher-clients/src/offline/keywords';
import { FakeProvider } from '../../packages/teacher-clients/src/__fixtures__/fake-provider';
import { MULTI, PY_GOOD, PY_PROMPT, randomAsciiText, randomBytesText } from '../../packages/teacher-clients/src/__fixtures__/solutions';

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** ~300 BPE tokens of code (about 1,100-1,400 characters): a solution padded with renamed copies of itself. */
function codeSamples(n: number): ScoreRequest[] {
  const bases = [{ prompt: PY_PROMPT, language: 'python', code: PY_GOOD }, ...MULTI];
  const out: ScoreRequest[] = [];
  for (let i = 0; i < n; i++) {
    const b = bases[i % bases.length];
    let code = b.code;
    // pad with copies whose local names differ (so the sample is not degenerate repetition)
    const keep = keywordSet(canonicalLanguage(b.language));
    for (let k = 1; code.length < 1100; k++) {
      code += '\n' + b.code.replace(/\b([a-z][a-z0-9_]{2,})\b/g, (w) => (keep.has(w) || /^(std|self|this|string|fmt|println)$/.test(w) ? w : `${w}_${k}`));
    }
    out.push({ prompt: b.prompt, language: b.language, completion: code });
  }
  return out;
}

async function offlineRate(name: string, items: ScoreRequest[]): Promise<Record<string, number | string>> {
  const t = new OfflineTeacher();
  // Warm-up: grammar loading, and V8 tiering the tree-sitter wasm and our JS up to optimised code (the first
  // few hundred parses run several times slower). A training run's teacher is long-lived: steady state matters.
  for (let rep = 0; rep < 2; rep++) for (const it of items) await t.score(it);
  const w0 = performance.now();
  const c0 = cpuSeconds();
  let sum = 0;
  for (const it of items) sum += (await t.score(it)).score;
  const wall = (performance.now() - w0) / 1000;
  const cpu = cpuSeconds() - c0;
  const chars = items.reduce((a, it) => a + it.completion.length, 0) / items.length;
  return {
    samples: name,
    n: items.length,
    mean_chars: Math.round(chars),
    samples_per_s_wall: Math.round(items.length / wall),
    samples_per_cpu_s: Math.round(items.length / cpu),
    mean_score: Number((sum / items.length).toFixed(3)),
  };
}

async function serverRate(server: FakeProvider, concurrency: number, n: number): Promise<Record<string, number>> {
  const teacher = createTeacher({ provider: 'openai-compatible', model: 'bench', baseURL: `${server.url}/v1`, concurrency, env: {} });
  const items = Array.from({ length: n }, (_, i) => ({ prompt: PY_PROMPT, language: 'python', completion: `x = ${concurrency}_${i}` }));
  server.maxInFlight = 0;
  const t0 = performance.now();
  const out = await teacher.scoreBatch(items);
  const wall = (performance.now() - t0) / 1000;
  await teacher.close();
  return { concurrency, requests: n, ok: out.filter((o) => o.ok).length, wall_s: Number(wall.toFixed(3)), requests_per_s: Number((n / wall).toFixed(2)), max_in_flight: server.maxInFlight };
}

async function main(): Promise<void> {
  const offline = [
    await offlineRate('code ~300 BPE tokens', codeSamples(1000)),
    await offlineRate('random bytes, 300 (byte-level tokens)', Array.from({ length: 1500 }, (_, i) => ({ prompt: PY_PROMPT, language: 'python', completion: randomBytesText(i, 300) })).slice(0, 1000)),
    await offlineRate('random printable ASCII, 300 chars (byte-level tokens)', Array.from({ length: 1000 }, (_, i) => ({ prompt: PY_PROMPT, language: 'python', completion: randomAsciiText(i, 300) }))),
    await offlineRate('random printable ASCII, 1200 chars', Array.from({ length: 400 }, (_, i) => ({ prompt: PY_PROMPT, language: 'python', completion: randomAsciiText(i, 1200) }))),
  ];
  const server = await FakeProvider.start();
  server.latencyMs = 200;
  const online = [];
  try {
    for (const [c, n] of [[1, 10], [8, 64], [32, 256]] as const) online.push(await serverRate(server, c, n));
  } finally {
    await server.close();
  }
  const base = online[0].requests_per_s;
  console.log(
    JSON.stringify({
      bench: 'teacher-clients',
      node: process.version,
      offline,
      server_latency_ms: 200,
      online: online.map((o) => ({ ...o, speedup_vs_c1: Number((o.requests_per_s / base).toFixed(2)), ideal_requests_per_s: Number((o.concurrency / 0.2).toFixed(1)) })),
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
