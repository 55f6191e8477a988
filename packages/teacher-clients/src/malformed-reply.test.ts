// A provider that answers 200 with a body that is not JSON is a malformed reply, not an unreachable server.
import { createTeacher, type Teacher, type TeacherOptions } from './index';
import { ProviderError, TeacherError } from './errors';
import { mapSdkError } from './sdk-errors';
import { DEFAULT_GRADE, FakeProvider } from './__fixtures__/fake-provider';
import { PY_GOOD, PY_PROMPT } from './__fixtures__/solutions';

const KEY = 'sk-test-SECRET-0123456789abcdef';
const item = { prompt: PY_PROMPT, language: 'python', completion: PY_GOOD };
/** A body cut off mid-object, served as JSON: what a proxy that drops the connection or a crashed server gives. */
const CUT = { text: '{"id": "chatcmpl-1", "choi', headers: { 'content-type': 'application/json' } };

let server: FakeProvider;
let warnings: string[];
const teachers: Teacher[] = [];

beforeEach(async () => {
  server = await FakeProvider.start();
  warnings = [];
});
afterEach(async () => {
  for (const t of teachers.splice(0)) await t.close();
  await server.close();
});

function teacher(opts: Partial<TeacherOptions>): Teacher {
  const t = createTeacher({
    model: 'm',
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 2,
    timeoutMs: 5000,
    logger: { warn: (m) => warnings.push(m) },
    ...opts,
  } as TeacherOptions);
  teachers.push(t);
  return t;
}

describe('a 200 reply whose body is not JSON', () => {
  test('openai-compatible: a ProviderError saying the reply is not JSON, naming the URL and the fix; retried', async () => {
    server.handlers.chat = () => CUT;
    const t = teacher({ provider: 'openai-compatible', baseURL: `${server.url}/v1`, env: {}, maxRetries: 1 });
    const err = await t.score(item).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(
      new RegExp(`^openai-compatible at ${server.url}/v1 returned a reply that is not JSON \\(model 'm'\\): Unterminated string in JSON at position \\d+\\. `),
    );
    expect(err.message).toContain("Check that teacher.base_url is the API root the provider serves (for a local server, its /v1 URL) and look at the server's log.");
    expect(err.message).not.toContain('cannot reach');
    expect(err.status).toBeUndefined();
    expect(err.retryable).toBe(true);
    expect(server.requestsTo('/chat/completions')).toHaveLength(2);
    expect(warnings[0]).toContain('ProviderError: openai-compatible at');
    expect(warnings[0]).toContain('returned a reply that is not JSON');
  });

  test('openai: a cut-off reply followed by a good one grades on the retry', async () => {
    server.queues.chat.push(CUT);
    const t = teacher({ provider: 'openai', baseURL: `${server.url}/v1`, env: { OPENAI_API_KEY: KEY }, maxRetries: 2 });
    const s = await t.score(item);
    expect(s.breakdown).toEqual(DEFAULT_GRADE.breakdown);
    expect(server.requestsTo('/chat/completions')).toHaveLength(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`openai at ${server.url}/v1 returned a reply that is not JSON (model 'm')`);
  });

  test('anthropic: the same error for the messages API', async () => {
    server.handlers.messages = () => ({ text: '{"id": "msg_1", "content": [', headers: { 'content-type': 'application/json' } });
    const t = teacher({ provider: 'anthropic', baseURL: server.url, env: { ANTHROPIC_API_KEY: KEY }, maxRetries: 0 });
    const err = await t.score(item).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(new RegExp(`^anthropic at ${server.url} returned a reply that is not JSON \\(model 'm'\\): `));
    expect(err.message).not.toContain(KEY);
    expect(server.requestsTo('/v1/messages')).toHaveLength(1);
  });
});

describe('mapSdkError', () => {
  const ctx = { provider: 'openai-compatible', model: 'm', baseURL: 'http://127.0.0.1:9/v1', timeoutMs: 1000, apiKey: KEY };

  test('a SyntaxError (from response.json()) is a malformed reply; the key is redacted from it', () => {
    const err = mapSdkError(new SyntaxError(`Unexpected end of JSON input near ${KEY}`), ctx);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toBe(
      "openai-compatible at http://127.0.0.1:9/v1 returned a reply that is not JSON (model 'm'): Unexpected end of JSON input near [redacted]. " +
        "Check that teacher.base_url is the API root the provider serves (for a local server, its /v1 URL) and look at the server's log.",
    );
  });

  test('a SyntaxError from another realm (matched by name) too', () => {
    const foreign = Object.assign(new Error('Unexpected token < in JSON at position 0'), { name: 'SyntaxError' });
    expect(mapSdkError(foreign, ctx).message).toContain('returned a reply that is not JSON');
  });

  test('a connection failure is still "cannot reach"', () => {
    const conn = Object.assign(new Error('Connection error.'), { name: 'APIConnectionError' });
    const err = mapSdkError(conn, ctx);
    expect(err).toBeInstanceOf(TeacherError);
    expect(err.message).toBe("cannot reach openai-compatible at http://127.0.0.1:9/v1 (model 'm'): Connection error.");
  });
});
