// End to end with a remote teacher (issue 10, point 7): `trainer train` on a tiny random Qwen checkpoint, graded by
// an OpenAI-compatible teacher served by a local node:http server on 127.0.0.1 that speaks the chat-completions wire
// format. The server grades deterministically from the completion's length and records every request.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { readRun } from '@rfai/tb-writer';
import { combineBreakdown, GRADE_SCHEMA, type ScoreBreakdown } from '@rfai/teacher-clients';
import { runTrain } from '../src/commands/train';
import { capture, makeWorkspace } from './helpers';

jest.setTimeout(90_000);

const KEY_ENV = 'RFAI_TEST_GRADER_KEY';
const KEY = 'sk-local-grader-0123456789';
const LATENCY_MS = 15;

/** The server's grading rule: a function of the completion's length only. */
function gradeOf(completion: string): { breakdown: ScoreBreakdown; rationale: string; score: number } {
  const n = completion.length;
  const breakdown = { correctness: (n % 5) / 4, quality: (n % 3) / 2, efficiency: 1, documentation: 0.25 };
  return { breakdown, rationale: `length ${n}`, score: combineBreakdown(breakdown) };
}

/** The student's code inside the rubric's STUDENT_CODE fence of the user message. */
function studentCode(body: any): string | null {
  const user = (body?.messages ?? []).find((m: { role: string }) => m.role === 'user')?.content;
  if (typeof user !== 'string') return null;
  const m = /<<<BEGIN (STUDENT_CODE_\d+(?:_\d+)?)>>>\n([\s\S]*)\n<<<END \1>>>/.exec(user);
  return m ? m[2] : null;
}

interface Recorded {
  url: string;
  headers: IncomingHttpHeaders;
  body: any;
  completion: string | null;
}

type Mode = 'grade' | 'http500' | 'malformed';

interface GraderServer {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

async function startGrader(mode: Mode): Promise<GraderServer> {
  const requests: Recorded[] = [];
  let id = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: any = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = null;
      }
      const completion = studentCode(body);
      requests.push({ url: req.url ?? '', headers: req.headers, body, completion });
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      setTimeout(() => {
        if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return send(404, { error: { message: `no route ${req.method} ${req.url}` } });
        if (mode === 'http500') return send(500, { error: { message: 'grader exploded', type: 'server_error' } });
        let content: string;
        if (mode === 'malformed' || completion === null) {
          content = 'I think this deserves about 0.9, nice work!';
        } else {
          const g = gradeOf(completion);
          content = JSON.stringify({ rationale: g.rationale, breakdown: g.breakdown });
        }
        send(200, {
          id: `chatcmpl-${++id}`,
          object: 'chat.completion',
          created: 1_700_000_000,
          model: body?.model ?? 'unknown',
          choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
          usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
        });
      }, LATENCY_MS);
    });
  });
  // The server shares the event loop with the trainer, whose generation and update block it for seconds on a busy
  // machine: a long keep-alive keeps it from closing an idle socket just as the client reuses it.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function read(dir: string, ...p: string[]) {
  return JSON.parse(readFileSync(path.join(dir, ...p), 'utf8'));
}

function samplesOf(ws: { dir: string }): any[] {
  const file = path.join(ws.dir, 'tb', 'r1', 'samples.jsonl');
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

function checkpoints(ws: { dir: string }): string[] {
  const ck = path.join(ws.dir, 'checkpoints');
  return existsSync(ck) ? readdirSync(ck).filter((f) => /^checkpoint-\d+$/.test(f)) : [];
}

/** The workspace overrides of a remote-teacher run: tiny, fast, short timeouts and few retries. */
function remoteConfig(url: string, teacher: Record<string, unknown> = {}, training: Record<string, unknown> = {}) {
  return {
    teacher: {
      provider: 'openai-compatible',
      base_url: url,
      model_name: 'grader-test',
      api_key_env: KEY_ENV,
      max_tokens: 64,
      concurrency: 8,
      // generous: a request's timer keeps running while the trainer's synchronous generation blocks the event loop
      timeout_ms: 30_000,
      max_retries: 0,
      cache: { enabled: false },
      // the random student's samples would all close the execution gates and never reach the server: these tests
      // are about the remote protocol and its failures, so the LLM judges alone
      execution: 'off',
      ...teacher,
    },
    training: { max_steps: 2, save_steps: 10, eval_steps: 10, ...training },
    rfai: { num_samples_per_prompt: 2, max_new_tokens: 8, length_penalty: 0, truncation_penalty: 0, kl_placement: 'loss' },
  };
}

const EVAL_PROMPTS = 3;
const SAMPLES_PER_STEP = 4; // batch 2 x 2 samples
const STEPS = 2; // step 1's grading overlaps step 2's generation (pipelined: the teacher is remote)

describe('remote teacher: an OpenAI-compatible server on 127.0.0.1', () => {
  let server: GraderServer;
  let ws: { dir: string; config: string };
  let run: { result: number; stdout: string; stderr: string };

  beforeAll(async () => {
    process.env[KEY_ENV] = KEY;
    server = await startGrader('grade');
    ws = await makeWorkspace(remoteConfig(server.url));
    run = await capture(() => runTrain(['--config', ws.config]));
  });
  afterAll(async () => {
    await server?.close();
    delete process.env[KEY_ENV];
  });

  it('trains 2 steps with exit 0 and names the remote teacher', () => {
    if (run.result !== 0) throw new Error(`exit ${run.result}\n${run.stderr}`);
    expect(run.stdout).toMatch(/finished: 2 steps \(max_steps\)/);
    expect(run.stderr).toContain('teacher: openai-compatible/grader-test');
    expect(checkpoints(ws)).toEqual(['checkpoint-2']);
  });

  it('sends one chat-completions request per training sample and per eval sample, with the JSON-schema response format', () => {
    // eval before (3) + 2 steps x 4 samples + eval after (3); max_retries 0 and valid replies: no retries, no repairs
    expect(server.requests).toHaveLength(EVAL_PROMPTS + STEPS * SAMPLES_PER_STEP + EVAL_PROMPTS);
    const schema = JSON.parse(JSON.stringify(GRADE_SCHEMA));
    for (const r of server.requests) {
      expect(r.url).toBe('/v1/chat/completions');
      expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(r.body.model).toBe('grader-test');
      expect(r.body.temperature).toBe(0);
      expect(r.body.max_tokens).toBe(64); // OpenAI-compatible servers read max_tokens
      expect(r.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'grade', strict: true, schema } });
      expect(r.body.messages[0].role).toBe('system');
      expect(r.completion).not.toBeNull();
    }
  });

  it('grades every training sample through the server: samples.jsonl carries its scores, rewards follow from them', () => {
    const samples = samplesOf(ws);
    expect(samples).toHaveLength(STEPS * SAMPLES_PER_STEP);
    // the training requests (between the two eval passes) are exactly the sampled completions
    const trainReqs = server.requests.slice(EVAL_PROMPTS, EVAL_PROMPTS + STEPS * SAMPLES_PER_STEP).map((r) => r.completion);
    expect([...trainReqs].sort()).toEqual(samples.map((s) => s.completion).sort());
    for (const s of samples) {
      const g = gradeOf(s.completion);
      expect(s.error).toBeNull();
      expect(s.score).toBeCloseTo(g.score, 12);
      expect(s.breakdown).toEqual(g.breakdown);
      expect(s.rationale).toBe(g.rationale);
    }
    const stats = read(ws.dir, 'checkpoints', 'checkpoint-2', 'training_stats.json');
    expect(stats.history.map((h: { step: number }) => h.step)).toEqual([1, 2]);
    for (const h of stats.history) {
      const scores = samples.filter((s) => s.step === h.step).map((s) => gradeOf(s.completion).score);
      expect(scores).toHaveLength(SAMPLES_PER_STEP);
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      expect(h.samples).toBe(SAMPLES_PER_STEP);
      expect(h.graded).toBe(SAMPLES_PER_STEP);
      expect(h.teacher_failures).toBe(0);
      expect(h.score_mean).toBeCloseTo(mean, 10);
      expect(h.reward_mean).toBeCloseTo(mean, 10); // reward_weight 1, beta 1, no penalties, KL in the loss
      expect(h.teacher_latency_ms).toBeGreaterThanOrEqual(LATENCY_MS - 1);
    }
  });

  it('eval passes are graded by the server too (greedy completions, means of its grades)', () => {
    const stats = read(ws.dir, 'checkpoints', 'checkpoint-2', 'training_stats.json');
    const before = server.requests.slice(0, EVAL_PROMPTS).map((r) => gradeOf(r.completion!).score);
    const after = server.requests.slice(-EVAL_PROMPTS).map((r) => gradeOf(r.completion!).score);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(stats.eval_before.graded).toBe(EVAL_PROMPTS);
    expect(stats.eval_before.score_mean).toBeCloseTo(mean(before), 10);
    expect(stats.eval_after.graded).toBe(EVAL_PROMPTS);
    expect(stats.eval_after.score_mean).toBeCloseTo(mean(after), 10);
  });

  it('logs teacher/latency_ms and teacher/failures to TensorBoard', async () => {
    const data = await readRun(path.join(ws.dir, 'tb', 'r1'));
    const lat = data.scalars['teacher/latency_ms'];
    expect(lat.map((p: { step: number }) => p.step)).toEqual([1, 2]);
    for (const p of lat) expect(p.value).toBeGreaterThanOrEqual(LATENCY_MS - 1);
    expect(data.scalars['teacher/failures'].map((p: { value: number }) => p.value)).toEqual([0, 0]);
  });
});

describe('remote teacher failures stop the run with a checkpoint, never an invented score', () => {
  let server: GraderServer | null = null;
  beforeAll(() => {
    process.env[KEY_ENV] = KEY;
  });
  afterEach(async () => {
    await server?.close();
    server = null;
  });
  afterAll(() => {
    delete process.env[KEY_ENV];
  });

  function expectNoInventedScores(ws: { dir: string }, steps: number) {
    const samples = samplesOf(ws);
    expect(samples).toHaveLength(steps * SAMPLES_PER_STEP);
    for (const s of samples) {
      expect(s.score).toBeNull();
      expect(s.breakdown).toBeNull();
      expect(typeof s.error).toBe('string');
      expect(s.error.length).toBeGreaterThan(0);
    }
  }

  /** Waits (bounded) until the server has seen `n` requests: the look-ahead batch's requests may still be in flight. */
  async function settle(n: number): Promise<void> {
    for (let t = 0; t < 40 && server!.requests.length < n; t++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 100));
  }

  it('HTTP 500 on every request: exit 1 after the first step, a message naming the teacher and --resume, a checkpoint', async () => {
    server = await startGrader('http500');
    const ws = await makeWorkspace(remoteConfig(server.url, { max_consecutive_failures: 1000 }));
    const r = await capture(() => runTrain(['--config', ws.config]));
    expect(r.result).toBe(1);
    expect(r.stderr).toMatch(/teacher failed to grade 4 of 4 samples at step 1 \(more than training\.max_failure_fraction = 0\.5\)/);
    expect(r.stderr).toContain('Check the teacher (openai-compatible)');
    expect(r.stderr).toContain('--resume latest');
    expect(r.stdout).toMatch(/finished: 1 steps? \(teacher_failures\)/);
    // eval before (3, all failed) + step 1 (4) + the look-ahead batch of step 2 graded while step 1 finished (4):
    // max_retries 0, so one request each
    await settle(EVAL_PROMPTS + 2 * SAMPLES_PER_STEP);
    expect(server.requests).toHaveLength(EVAL_PROMPTS + 2 * SAMPLES_PER_STEP);
    expect(checkpoints(ws)).toEqual(['checkpoint-1']);
    const state = read(ws.dir, 'checkpoints', 'checkpoint-1', 'trainer_state.json');
    expect(state.step).toBe(1);
    const stats = read(ws.dir, 'checkpoints', 'checkpoint-1', 'training_stats.json');
    expect(stats.history).toHaveLength(1);
    expect(stats.history[0]).toEqual(expect.objectContaining({ samples: 4, graded: 0, teacher_failures: 4 }));
    expect(stats.eval_before.graded).toBe(0);
    expect(['NaN', null]).toContain(stats.eval_before.score_mean); // no score was invented for the eval either
    expectNoInventedScores(ws, 1);
    for (const s of samplesOf(ws)) expect(s.error).toMatch(/500/);

    // The look-ahead batch generated for step 2 is not part of the checkpoint: its data cursor and RNG are those
    // after step 1, the same as a 1-step run's, so a resume redraws that batch.
    const ref = await makeWorkspace({ ...remoteConfig(server.url), teacher: { provider: 'offline', cache: { enabled: false } }, training: { max_steps: 1 }, evaluation: { at_start: false }, data: { eval_file: null } });
    expect((await capture(() => runTrain(['--config', ref.config]))).result).toBe(0);
    const refState = read(ref.dir, 'checkpoints', 'checkpoint-1', 'trainer_state.json');
    expect(state.state.sampler).toEqual(expect.objectContaining({ epoch: 0, position: 2 }));
    expect(state.state.sampler).toEqual(refState.state.sampler);
    expect(state.state.rng).toEqual(refState.state.rng);
  });

  it('malformed replies open the teacher circuit: exit 1, a message naming the teacher and --resume, a checkpoint', async () => {
    server = await startGrader('malformed');
    // Each grading is a request plus one repair request. The eval before training fails 3 gradings; the circuit
    // (5 consecutive failures) opens during step 1's grading, so scoreBatch rejects instead of returning outcomes.
    // max_failure_fraction 1 leaves the stop to the circuit.
    const ws = await makeWorkspace(remoteConfig(server.url, { max_consecutive_failures: 5 }, { max_failure_fraction: 1 }));
    const r = await capture(() => runTrain(['--config', ws.config]));
    expect(r.stderr).not.toMatch(/^error: /m);
    expect(r.result).toBe(1);
    expect(r.stderr).toMatch(/stopping at step 1: openai-compatible teacher stopped after 5 consecutive failures \(model 'grader-test'\)/);
    expect(r.stderr).toContain('returned an invalid reply');
    expect(r.stderr).toContain('continues with --resume latest');
    expect(r.stdout).toMatch(/finished: 1 steps? \(teacher_failures\)/);
    expect(checkpoints(ws)).toEqual(['checkpoint-1']);
    expect(read(ws.dir, 'checkpoints', 'checkpoint-1', 'trainer_state.json').step).toBe(1);
    const stats = read(ws.dir, 'checkpoints', 'checkpoint-1', 'training_stats.json');
    expect(stats.history).toHaveLength(1);
    expect(stats.history[0]).toEqual(expect.objectContaining({ samples: 4, graded: 0, teacher_failures: 4 }));
    expectNoInventedScores(ws, 1);
    // Every request got the malformed answer and a repair request followed, unless the circuit opened while the
    // first reply was on its way (a repair is never sent through an open circuit): at most one unrepaired request per
    // concurrency slot (8), and at most 2 requests per grading of the eval (3) and of the two batches in flight (8).
    await settle(0);
    const repairs = server.requests.filter((q) => q.body.messages.some((m: { content: string }) => /not JSON/.test(m.content))).length;
    const firsts = server.requests.length - repairs;
    expect(repairs).toBeGreaterThanOrEqual(EVAL_PROMPTS);
    expect(repairs).toBeLessThanOrEqual(firsts);
    expect(firsts - repairs).toBeLessThanOrEqual(8);
    expect(server.requests.length).toBeLessThanOrEqual(2 * (EVAL_PROMPTS + 2 * SAMPLES_PER_STEP));
  });

  it('a circuit that opens during the eval pass before training stops the run with exit 1 and saves nothing', async () => {
    server = await startGrader('malformed');
    // 3 eval prompts fail; with max_consecutive_failures 2 the circuit opens inside the first eval pass.
    const ws = await makeWorkspace(remoteConfig(server.url, { max_consecutive_failures: 2 }, { max_failure_fraction: 1 }));
    const r = await capture(() => runTrain(['--config', ws.config]));
    expect(r.result).toBe(1);
    expect(r.stderr).toMatch(/stopping: the teacher stopped during the eval pass before training: openai-compatible teacher stopped after 2 consecutive failures/);
    expect(r.stderr).not.toMatch(/^error: /m);
    expect(checkpoints(ws)).toEqual([]);
  });
});
