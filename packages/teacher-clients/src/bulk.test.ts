import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTeacher, type Teacher, type TeacherOptions } from './index';
import { BatchError, BadResponseError, ProviderError } from './errors';
import { chatCompletion, anthropicMessage, DEFAULT_GRADE, FakeProvider } from './__fixtures__/fake-provider';
import { PY_PROMPT } from './__fixtures__/solutions';

let server: FakeProvider;
let tmp: string;
const teachers: Teacher[] = [];
beforeEach(async () => {
  server = await FakeProvider.start();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rfai-bulk-'));
});
afterEach(async () => {
  for (const t of teachers.splice(0)) await t.close();
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const items = [0, 1, 2, 3].map((i) => ({ prompt: PY_PROMPT, language: 'python', completion: `def merge_intervals(x):\n    return ${i}\n` }));
const fast = { pollIntervalMs: 5, maxPollIntervalMs: 20 };

function make(provider: 'openai' | 'anthropic', extra: Partial<TeacherOptions> = {}): Teacher {
  const t = createTeacher({
    provider,
    model: provider === 'openai' ? 'gpt-test' : 'claude-test',
    baseURL: provider === 'openai' ? `${server.url}/v1` : server.url,
    env: { OPENAI_API_KEY: 'sk-o', ANTHROPIC_API_KEY: 'sk-a' },
    prices: { 'gpt-test': { inputPerMTok: 2, outputPerMTok: 8 }, 'claude-test': { inputPerMTok: 2, outputPerMTok: 8 } },
    execution: 'off', // the provider protocol alone; execution gating is tested in reward-hacking.test.ts
    ...extra,
  });
  teachers.push(t);
  return t;
}

describe('OpenAI Batch API', () => {
  test('submits a JSONL file, polls, maps results by custom id, reports per-item failures, half price', async () => {
    server.batchOverrides.set('rfai-1', { status: 400, json: { error: { message: 'bad schema' } } });
    server.batchOverrides.set('rfai-2', { json: chatCompletion('not json at all') });
    const t = make('openai');
    const statuses: string[] = [];
    const out = await t.scoreBulk(items, { ...fast, onStatus: (s) => statuses.push(s.status) });
    expect(out.map((o) => o.ok)).toEqual([true, false, false, true]);
    if (out[0].ok) {
      expect(out[0].result.breakdown).toEqual(DEFAULT_GRADE.breakdown);
      expect(out[0].result.cost_usd).toBeCloseTo(((100 * 2 + 20 * 8) / 1e6) * 0.5, 15);
    }
    if (!out[1].ok) {
      expect(out[1].error).toBeInstanceOf(ProviderError);
      expect(out[1].error.message).toMatch(/^openai batch batch_\d+ request rfai-1 failed \(HTTP 400\): bad schema$/);
    }
    if (!out[2].ok) expect(out[2].error).toBeInstanceOf(BadResponseError);
    expect(statuses).toEqual(['in_progress', 'in_progress', 'completed']);

    const [upload] = server.requestsTo('/v1/files');
    expect(upload.raw).toContain('name="purpose"');
    const [create] = server.requestsTo('/v1/batches');
    expect(create.body).toMatchObject({ endpoint: '/v1/chat/completions', completion_window: '24h' });
    const lines = server.fileContent(create.body.input_file_id)!.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.custom_id)).toEqual(['rfai-0', 'rfai-1', 'rfai-2', 'rfai-3']);
    expect(lines[0]).toMatchObject({ method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-test', temperature: 0, max_completion_tokens: 512 } });
    expect(lines[0].body.response_format.json_schema.name).toBe('grade');
    expect(t.usage().failures).toBe(2);
  });

  test('resumes from a saved batch id after a restart instead of submitting again', async () => {
    const stateFile = path.join(tmp, 'bulk-state.json');
    server.batchPolls = 3;
    const first = make('openai');
    const err = await first.scoreBulk(items, { ...fast, stateFile, pollIntervalMs: 50, maxWaitMs: 60 }).catch((e) => e);
    expect(err).toBeInstanceOf(BatchError);
    expect(err.message).toMatch(/still 'in_progress' after maxWaitMs; it keeps running: call scoreBulk again with the same items and stateFile .*bulk-state.json to resume$/);
    const saved = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    expect(saved.batchId).toBe(err.batchId);
    // "restart": a new teacher with the same state file
    const second = make('openai');
    const out = await second.scoreBulk(items, { ...fast, stateFile });
    expect(out.every((o) => o.ok)).toBe(true);
    expect(server.requestsTo('/v1/batches')).toHaveLength(1);
    expect(fs.existsSync(stateFile)).toBe(false);
    // another item set must not reuse a state file of a different job
    fs.writeFileSync(stateFile, JSON.stringify({ ...saved }));
    const wrong = await second.scoreBulk(items.slice(0, 2), { ...fast, stateFile }).catch((e) => e);
    expect(wrong).toBeInstanceOf(BatchError);
    expect(wrong.message).toContain('belongs to another job (openai \'gpt-test\', 4 items');
  });

  test('cached items are not submitted; bulk results fill the cache', async () => {
    const cache = { path: path.join(tmp, 'cache.jsonl') };
    const t = make('openai', { cache });
    await t.score(items[0]);
    const out = await t.scoreBulk(items, fast);
    expect(out[0].ok && out[0].result.cached).toBe(true);
    const [create] = server.requestsTo('/v1/batches');
    expect(server.fileContent(create.body.input_file_id)!.trim().split('\n')).toHaveLength(3);
    const again = await t.scoreBulk(items, fast);
    expect(again.every((o) => o.ok && o.result.cached)).toBe(true);
    expect(server.requestsTo('/v1/batches')).toHaveLength(1);
  });
});

describe('Anthropic Message Batches', () => {
  test('submits requests with custom ids, polls until ended, maps succeeded/errored results', async () => {
    server.batchOverrides.set('rfai-3', { status: 400 });
    server.batchOverrides.set('rfai-0', { json: anthropicMessage('submit_grade', { rationale: 'r', breakdown: { correctness: 1, quality: 1, efficiency: 1, documentation: 1 } }) });
    const t = make('anthropic');
    const out = await t.scoreBulk(items, fast);
    expect(out.map((o) => o.ok)).toEqual([true, true, true, false]);
    if (out[0].ok) expect(out[0].result.score).toBe(1);
    if (!out[3].ok) expect(out[3].error.message).toMatch(/^anthropic batch msgbatch_\d+ request rfai-3 errored: invalid_request_error: bad request$/);
    const [create] = server.requestsTo('/v1/messages/batches');
    expect(create.body.requests).toHaveLength(4);
    expect(create.body.requests[2].custom_id).toBe('rfai-2');
    expect(create.body.requests[2].params).toMatchObject({ model: 'claude-test', max_tokens: 512, tool_choice: { type: 'tool', name: 'submit_grade' } });
  });

  test('resume from a saved batch id', async () => {
    const stateFile = path.join(tmp, 'state.json');
    server.batchPolls = 3;
    const err = await make('anthropic').scoreBulk(items, { ...fast, stateFile, pollIntervalMs: 50, maxWaitMs: 60 }).catch((e) => e);
    expect(err).toBeInstanceOf(BatchError);
    const out = await make('anthropic').scoreBulk(items, { ...fast, stateFile });
    expect(out.every((o) => o.ok)).toBe(true);
    expect(server.requestsTo('/v1/messages/batches')).toHaveLength(1);
  });
});
