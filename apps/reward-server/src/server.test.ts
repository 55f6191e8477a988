import { createTeacher, RateLimitError } from '@rfai/teacher-clients';
import { FakeTeacher, post, start, TASKS } from './test-helpers';
import type { RewardServer } from './server';

const servers: RewardServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
async function serve(...args: Parameters<typeof start>) {
  const r = await start(...args);
  servers.push(r.server);
  return r;
}

const [ADD, REV] = TASKS;
const CODE = '```python\ndef add(a, b):\n    """Sum."""\n    return a + b\n```';
const chatml = (prompt: string, response: string) => `<|im_start|>user\n${prompt}<|im_end|>\n<|im_start|>assistant\n${response}<|im_end|>`;

describe('POST /get_reward (OpenRLHF)', () => {
  test('query only: the task is found from the query, its tests go to the teacher, one float per query', async () => {
    const teacher = new FakeTeacher((r) => (r.tests ? 0.9 : 0.4));
    const { server } = await serve(teacher);
    const res = await post(`${server.url}/get_reward`, { query: [ADD.prompt + '\n' + CODE, chatml(REV.prompt, 'function reverse(s) {}')] });
    expect(res.status).toBe(200);
    expect(res.body.rewards).toEqual([0.9, 0.4]);
    expect(res.body.scores).toEqual([0.9, 0.4]);
    expect(res.body.extra_logs).toMatchObject({ task_matched: [1, 1], task_matched_by_prefix: [1, 0], has_tests: [1, 0], grading_failed: [0, 0], correctness: [0.9, 0.4] });
    expect(res.body.matches).toEqual([
      { task_id: 'add-py', file: 'train.jsonl', line: 1, how: 'prefix' },
      { task_id: 'rev-ts', file: 'train.jsonl', line: 2, how: 'line' },
    ]);
    expect(teacher.requests).toEqual([
      { prompt: ADD.prompt, language: 'python', completion: CODE, id: 'add-py', tests: ['assert add(1, 2) == 3'], entry_point: 'add' },
      { prompt: REV.prompt, language: 'typescript', completion: 'function reverse(s) {}', id: 'rev-ts', entry_point: 'reverse' },
    ]);
  });

  test('prompts and labels: the response follows the prompt; a label names a task id or carries tests', async () => {
    const teacher = new FakeTeacher(() => 0.5);
    const { server } = await serve(teacher);
    const p1 = chatml(ADD.prompt, '').replace(/<\|im_end\|>$/, '');
    const res = await post(`${server.url}/get_reward`, {
      query: [p1 + CODE, 'Free prompt\nanswer'],
      prompts: [p1, 'Free prompt\n'],
      labels: ['add-py', JSON.stringify({ language: 'go', tests: ['if f() != 1 { panic(1) }'], entry_point: 'f' })],
    });
    expect(res.status).toBe(200);
    expect(res.body.matches[0]).toMatchObject({ task_id: 'add-py', how: 'label' });
    expect(res.body.matches[1]).toBeNull();
    expect(teacher.requests[0]).toMatchObject({ prompt: ADD.prompt, completion: CODE, tests: ADD.tests });
    expect(teacher.requests[1]).toEqual({ prompt: 'Free prompt\n', language: 'go', completion: 'answer', tests: ['if f() != 1 { panic(1) }'], entry_point: 'f' });
  });

  test('a query no task matches fails the request with 502 and the reason; failure_reward sends a fixed value instead', async () => {
    const { server } = await serve(new FakeTeacher());
    const res = await post(`${server.url}/get_reward`, { query: ['something else entirely'] });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('grading_failed');
    expect(res.body.error.message).toContain('1 of 1 queries could not be graded (no reward is invented; set server.failure_reward to send a fixed value instead): #0 no_task: no prompt of data.train_file or data.eval_file starts this query');
    const { server: lenient } = await serve(new FakeTeacher((r) => new RateLimitError(`slow down ${r.id}`)), { failure_reward: 0 });
    const ok = await post(`${lenient.url}/get_reward`, { query: ['nothing', ADD.prompt + CODE] });
    expect(ok.status).toBe(200);
    expect(ok.body.rewards).toEqual([0, 0]);
    expect(ok.body.extra_logs.grading_failed).toEqual([1, 1]);
    expect(ok.body.failures).toEqual([
      { index: 0, kind: 'no_task', message: expect.stringContaining('no prompt of data.train_file') },
      { index: 1, kind: 'RateLimitError', message: 'slow down add-py' },
    ]);
  });

  test('bad bodies: 400 with what is wrong', async () => {
    const { server } = await serve(new FakeTeacher());
    const a = await post(`${server.url}/get_reward`, { query: ['a', 'b'], prompts: ['a'] });
    expect([a.status, a.body.error.message]).toEqual([400, 'prompts has 1 entries but query has 2: send one per query']);
    const b = await post(`${server.url}/get_reward`, { prompts: [] });
    expect([b.status, b.body.error.message]).toEqual([400, "body must have required property 'query'"]);
    const c = await post(`${server.url}/get_reward`, '{"query": [');
    expect(c.status).toBe(400);
    const d = await post(`${server.url}/get_reward`, { query: ['x'], prompts: ['y'] });
    expect(d.status).toBe(502);
    expect(d.body.error.message).toContain('#0 invalid_item: the query does not start with its prompt');
  });
});

describe('POST /v1/grade', () => {
  test('full breakdown per item; failures are explicit nulls with a reason', async () => {
    const teacher = new FakeTeacher((r) => (r.completion === 'boom' ? new RateLimitError('429 from provider') : 0.8));
    const { server } = await serve(teacher);
    const res = await post(`${server.url}/v1/grade`, {
      items: [
        { task_id: 'add-py', completion: CODE },
        { prompt: 'p', completion: 'boom', language: 'python' },
        { prompt: 'p', language: 'python' },
        { task_id: 'missing', completion: 'x' },
        { prompt: 'p', completion: 'c', language: 'rust', tests: 'assert!(true);', entry_point: 'f' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ teacher: { provider: 'offline', model: 'fake' }, graded: 2, failed: 3 });
    const r = res.body.results;
    expect(r[0]).toEqual({ index: 0, score: 0.8, breakdown: { correctness: 0.8, quality: 0.5, efficiency: 0.5, documentation: 0.25 }, rationale: 'fake', cached: false, latency_ms: 1, cost_usd: 0, task_id: 'add-py', error: null });
    expect(r[1]).toEqual({ index: 1, score: null, breakdown: null, rationale: null, cached: null, latency_ms: null, cost_usd: null, task_id: null, error: { kind: 'RateLimitError', message: '429 from provider' } });
    expect(r[2].error).toEqual({ kind: 'invalid_item', message: 'completion must be a string' });
    expect(r[3].error).toEqual({ kind: 'unknown_task', message: "task_id 'missing' is not a task of data.train_file or data.eval_file" });
    expect(r[4].score).toBe(0.8);
    expect(teacher.requests[0]).toMatchObject({ prompt: ADD.prompt, language: 'python', tests: ADD.tests, entry_point: 'add' });
    expect(teacher.requests[2]).toEqual({ prompt: 'p', completion: 'c', language: 'rust', tests: 'assert!(true);', entry_point: 'f' });
  });

  test('the offline teacher through the server gives the score it gives directly', async () => {
    const direct = createTeacher({ provider: 'offline' });
    const expected = await direct.score({ prompt: ADD.prompt, language: 'python', completion: CODE, tests: ADD.tests, entry_point: 'add', id: 'add-py' });
    await direct.close();
    const { server } = await serve(createTeacher({ provider: 'offline' }));
    const res = await post(`${server.url}/get_reward`, { query: [ADD.prompt + CODE] });
    expect(res.status).toBe(200);
    expect(res.body.rewards[0]).toBeCloseTo(expected.score, 12);
  });
});

describe('limits', () => {
  test('too many items, too large a body: 413', async () => {
    const { server } = await serve(new FakeTeacher(), { max_items_per_request: 2, body_limit_bytes: 2048 });
    const a = await post(`${server.url}/v1/grade`, { items: [{}, {}, {}] });
    expect([a.status, a.body.error.message]).toEqual([413, '3 items exceed server.max_items_per_request (2); split the request']);
    const b = await post(`${server.url}/get_reward`, { query: ['x'.repeat(4096)] });
    expect([b.status, b.body.error.code]).toEqual([413, 'body_too_large']);
    expect(b.body.error.message).toContain('server.body_limit_bytes (2048 bytes)');
  });

  test('saturated: 429 with Retry-After; timeout: 504', async () => {
    const teacher = new FakeTeacher();
    let release!: () => void;
    teacher.gate = new Promise((r) => (release = r));
    const { server } = await serve(teacher, { max_concurrent_requests: 1, max_queued_requests: 1, retry_after_s: 7, request_timeout_ms: 60000 });
    const first = post(`${server.url}/get_reward`, { query: [ADD.prompt + CODE] });
    const second = post(`${server.url}/get_reward`, { query: [ADD.prompt + CODE] });
    await new Promise((r) => setTimeout(r, 200));
    const third = await post(`${server.url}/get_reward`, { query: [ADD.prompt + CODE] });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('7');
    expect(third.body.error.message).toContain('the server is grading 1 requests with 1 queued');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('rfai_reward_in_flight_requests 1');
    expect(metrics).toContain('rfai_reward_queued_requests 1');
    release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);

    const slow = new FakeTeacher();
    slow.gate = new Promise(() => undefined); // never answers
    const { server: s2 } = await serve(slow, { request_timeout_ms: 300, shutdown_timeout_ms: 100 });
    const t = await post(`${s2.url}/v1/grade`, { items: [{ task_id: 'add-py', completion: 'x' }] });
    expect([t.status, t.body.error.message]).toEqual([504, 'grading took longer than server.request_timeout_ms (300 ms); no score was sent for these items']);
  });
});

describe('auth, logs, metrics, shutdown', () => {
  const TOKEN = 'secret-token-0123456789abcdef';

  test('a token is required as Bearer or /t/TOKEN/ prefix, and never logged', async () => {
    const { server, logs } = await serve(new FakeTeacher(), {}, { kind: 'token', token: TOKEN });
    const body = { query: [ADD.prompt + CODE] };
    const none = await post(`${server.url}/get_reward`, body);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="rfai-reward-server"');
    expect((await post(`${server.url}/get_reward`, body, { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    expect((await post(`${server.url}/t/wrong-token-0123456789/get_reward`, body)).status).toBe(401);
    expect((await post(`${server.url}/get_reward`, body, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await post(`${server.url}/t/${TOKEN}/get_reward`, body)).status).toBe(200);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/t/${TOKEN}/metrics`)).status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200); // health checks carry no data
    expect(logs.length).toBeGreaterThanOrEqual(8);
    expect(logs.join('\n')).not.toContain(TOKEN);
    expect(logs).toContain(logs.find((l) => /^POST \/get_reward 200 1 items [\d.]+ ms$/.test(l)));
  });

  test('metrics in Prometheus text format', async () => {
    const teacher = new FakeTeacher((r) => (r.completion === 'bad' ? new RateLimitError('429') : 0.5));
    const { server } = await serve(teacher);
    await post(`${server.url}/v1/grade`, { items: [{ task_id: 'add-py', completion: 'ok' }, { task_id: 'add-py', completion: 'bad' }] });
    await post(`${server.url}/get_reward`, { query: [ADD.prompt + CODE] });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain('# TYPE rfai_reward_requests_total counter');
    expect(text).toContain('rfai_reward_requests_total{route="/v1/grade",status="200"} 1');
    expect(text).toContain('rfai_reward_requests_total{route="/get_reward",status="200"} 1');
    expect(text).toContain('rfai_reward_items_graded_total 2');
    expect(text).toContain('rfai_reward_teacher_failures_total{kind="RateLimitError"} 1');
    expect(text).toContain('rfai_reward_executions_total 2'); // add-py has tests and the (fake) teacher is offline
    expect(text).toContain('rfai_reward_request_duration_seconds_bucket{le="+Inf",route="/get_reward"} 1');
    expect(text).toContain('rfai_reward_request_duration_seconds_count{route="/v1/grade"} 1');
    expect(text).toContain('rfai_reward_cache_hits_total 0');
  });

  test('close() finishes the request in flight, then refuses connections and closes the teacher', async () => {
    const teacher = new FakeTeacher();
    let release!: () => void;
    teacher.gate = new Promise((r) => (release = r));
    const { server } = await start(teacher);
    const inflight = post(`${server.url}/get_reward`, { query: [ADD.prompt + CODE] });
    await new Promise((r) => setTimeout(r, 200));
    const closing = server.close();
    await new Promise((r) => setTimeout(r, 100));
    release();
    const res = await inflight;
    expect([res.status, res.body.rewards]).toEqual([200, [0.75]]);
    expect(await closing).toEqual({ drained: true });
    expect(teacher.closed).toBe(true);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
