/**
 * Load benchmark of the reward server on loopback; prints one JSON object.
 *
 *   npx nx run reward-server:bench                       # defaults below
 *   npx tsx apps/reward-server/bench/load.ts --requests 2000 --items 8 --concurrency 32 --max-seconds 300 [--language python]
 *
 * 1. offline: `requests` POST /get_reward calls of `items` queries each (query only: the server finds each task in
 *    data/train.jsonl by the query's start), `concurrency` in flight, against the offline teacher: req/s, items/s,
 *    p50/p99 latency, errors (must be 0). Stops issuing requests after max-seconds (reported as `stopped_early`).
 *    The same load against a teacher that answers at once (`server_overhead`) measures the server itself.
 * 2. slow provider: a fake OpenAI-compatible server on 127.0.0.1 answering every chat completion after 1 s; the
 *    server's teacher is openai-compatible with teacher.concurrency = 8. One-item requests at client concurrency
 *    1, 2, 4, 8, 16: throughput grows with concurrency up to the limit of 8 provider calls in flight, then stays.
 * Client and server share this process (loopback, no network), so the figures include the client's own cost.
 */
import * as http from 'node:http';
import * as path from 'node:path';
import { defaultConfig } from '@rfai/config';
import { loadDataset } from '@rfai/datasets';
import { createTeacher, type ScoreOutcome, type Teacher, type TeacherScore } from '@rfai/teacher-clients';
import { startRewardServer, type RewardServer } from '../src/server';
import { TaskIndex } from '../src/tasks';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const REQUESTS = arg('requests', 2000);
const ITEMS = arg('items', 8);
const CONCURRENCY = arg('concurrency', 32);
const MAX_SECONDS = arg('max-seconds', 300);
const SLOW_LIMIT = 8;
const SLOW_LEVELS = [1, 2, 4, 8, 16];
const LANGUAGE = (() => {
  const i = process.argv.indexOf('--language');
  return i > 0 ? process.argv[i + 1] : undefined;
})();
const TRAIN = path.resolve(__dirname, '..', '..', '..', 'data', 'train.jsonl');

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** Runs `total` calls of `call` with `concurrency` workers; stops issuing after `maxMs`. */
async function drive(total: number, concurrency: number, maxMs: number, call: (i: number) => Promise<boolean>) {
  const lat: number[] = [];
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total && performance.now() - t0 < maxMs) {
        const i = next++;
        const s = performance.now();
        const ok = await call(i).catch(() => false);
        lat.push(performance.now() - s);
        if (!ok) errors++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { done: lat.length, errors, seconds, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) };
}

async function postJson(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

/** A teacher that answers at once with a fixed grade: measures the server's own HTTP and matching cost. */
function constantTeacher(): Teacher {
  const offline = createTeacher({ provider: 'offline' });
  const result = (): TeacherScore => ({
    score: 0.5,
    breakdown: { correctness: 0.5, quality: 0.5, efficiency: 0.5, documentation: 0.5 },
    rationale: 'constant',
    teacher: 'offline',
    model: 'constant',
    usage: { input_tokens: 0, output_tokens: 0 },
    cached: false,
    latency_ms: 0,
    cost_usd: 0,
  });
  return Object.assign(Object.create(offline) as Teacher, {
    model: 'constant',
    score: async () => result(),
    scoreBatch: async (items: unknown[]): Promise<ScoreOutcome[]> => items.map(() => ({ ok: true as const, result: result() })),
  });
}

async function offline(teacher: Teacher = createTeacher({ provider: 'offline' })) {
  const data = await loadDataset(TRAIN);
  const tasks = data.records.filter((r) => LANGUAGE === undefined || r.language === LANGUAGE);
  if (tasks.length === 0) throw new Error(`${TRAIN} has no tasks${LANGUAGE ? ` in ${LANGUAGE}` : ''}`);
  // the reference solution when the task has one, else a short answer that defines the entry point
  const answer = (t: (typeof tasks)[number]) =>
    typeof t.reference === 'string' ? t.reference : t.language === 'python' && typeof t.entry_point === 'string' ? `def ${t.entry_point}(x):\n    return x` : 'return x';
  const server = await startRewardServer({
    teacher,
    tasks: await TaskIndex.fromFiles([TRAIN]),
    server: { ...defaultConfig().server, port: 0, max_concurrent_requests: CONCURRENCY, max_queued_requests: CONCURRENCY * 2 },
    auth: { kind: 'none', reason: 'loopback' },
    log: () => undefined,
  });
  try {
    const r = await drive(REQUESTS, CONCURRENCY, MAX_SECONDS * 1000, async (i) => {
      const query = Array.from({ length: ITEMS }, (_, j) => {
        const t = tasks[(i * ITEMS + j) % tasks.length];
        return `${t.prompt}\n\`\`\`${t.language}\n${answer(t)}\n\`\`\`\n`;
      });
      const res = await postJson(`${server.url}/get_reward`, { query });
      return res.status === 200 && res.json.rewards.length === ITEMS && res.json.extra_logs.task_matched.every((m: number) => m === 1);
    });
    return {
      teacher: teacher.model,
      language: LANGUAGE ?? 'all',
      requests: r.done,
      items_per_request: ITEMS,
      concurrency: CONCURRENCY,
      stopped_early: r.done < REQUESTS,
      seconds: round(r.seconds, 2),
      req_per_s: round(r.done / r.seconds),
      items_per_s: round((r.done * ITEMS) / r.seconds),
      p50_ms: round(r.p50),
      p99_ms: round(r.p99),
      errors: r.errors,
    };
  } finally {
    await server.close();
  }
}

/** A fake OpenAI-compatible server: every chat completion is a valid grade, sent after `delayMs`. */
function slowProvider(delayMs: number): Promise<{ url: string; close: () => Promise<void>; peak: () => number }> {
  let inFlight = 0;
  let peak = 0;
  const grade = { rationale: 'ok', breakdown: { correctness: 0.8, quality: 0.6, efficiency: 0.7, documentation: 0.5 } };
  const srv = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            id: 'c',
            object: 'chat.completion',
            created: 0,
            model: 'fake',
            choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: JSON.stringify(grade) } }],
            usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
          }),
        );
      }, delayMs);
    });
  });
  return new Promise((resolve) =>
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      resolve({ url: `http://127.0.0.1:${port}/v1`, close: () => new Promise((r) => srv.close(() => r())), peak: () => peak });
    }),
  );
}

async function slow() {
  const provider = await slowProvider(1000);
  const out: Record<string, unknown>[] = [];
  let server: RewardServer | undefined;
  try {
    server = await startRewardServer({
      teacher: createTeacher({ provider: 'openai-compatible', model: 'fake', baseURL: provider.url, concurrency: SLOW_LIMIT, cache: false, timeoutMs: 30000, maxRetries: 0 }),
      tasks: new TaskIndex([]),
      server: { ...defaultConfig().server, port: 0 },
      auth: { kind: 'none', reason: 'loopback' },
      log: () => undefined,
    });
    let n = 0;
    for (const c of SLOW_LEVELS) {
      const total = Math.max(4, 4 * Math.min(c, SLOW_LIMIT)); // about 4 s at each level
      const url = server.url;
      const r = await drive(total, c, 60_000, async () => {
        const res = await postJson(`${url}/v1/grade`, { items: [{ prompt: 'Add two numbers.', language: 'python', completion: `def add(a, b): return a + b  # ${n++}` }] });
        return res.status === 200 && res.json.results[0].score !== null;
      });
      out.push({ client_concurrency: c, requests: r.done, seconds: round(r.seconds, 2), req_per_s: round(r.done / r.seconds, 2), p50_ms: round(r.p50), errors: r.errors });
    }
    return { provider_latency_ms: 1000, teacher_concurrency: SLOW_LIMIT, provider_peak_in_flight: provider.peak(), levels: out };
  } finally {
    await server?.close();
    await provider.close();
  }
}

async function main() {
  const result = { offline: await offline(), server_overhead: await offline(constantTeacher()), slow_provider: await slow(), node: process.version };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  const errors = result.offline.errors + result.server_overhead.errors + result.slow_provider.levels.reduce((a, l) => a + (l.errors as number), 0);
  if (errors > 0) process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`error: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
