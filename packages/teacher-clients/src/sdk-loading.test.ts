// The provider SDKs load only when a teacher of that provider sends its first request, and a missing SDK is named.
import { createTeacher, type Teacher } from './index';
import { TeacherOptionsError } from './errors';
import { assertSdkInstalled, importSdk, isMissingModule } from './llm-teacher';
import { FakeProvider } from './__fixtures__/fake-provider';
import { PY_GOOD, PY_PROMPT } from './__fixtures__/solutions';

// jest calls a module factory when the module is first required: these count the SDK loads.
const mockLoads = { openai: 0, anthropic: 0 };
jest.mock('openai', () => {
  mockLoads.openai++;
  return jest.requireActual('openai');
});
jest.mock('@anthropic-ai/sdk', () => {
  mockLoads.anthropic++;
  return jest.requireActual('@anthropic-ai/sdk');
});

const item = { prompt: PY_PROMPT, language: 'python', completion: PY_GOOD };

describe('lazy provider SDKs', () => {
  let server: FakeProvider;
  const teachers: Teacher[] = [];
  beforeAll(async () => {
    server = await FakeProvider.start();
  });
  afterAll(async () => {
    for (const t of teachers) await t.close();
    await server.close();
  });

  test('importing the package and grading offline loads neither SDK', async () => {
    const t = createTeacher({ provider: 'offline' });
    await t.score(item);
    await t.close();
    expect(mockLoads).toEqual({ openai: 0, anthropic: 0 });
  });

  test('an openai teacher loads openai at its first request, once; anthropic stays unloaded', async () => {
    const t = createTeacher({ provider: 'openai', model: 'gpt-test', baseURL: `${server.url}/v1`, env: { OPENAI_API_KEY: 'sk-test-0123456789' } });
    teachers.push(t);
    expect(mockLoads.openai).toBe(0); // creating the teacher only checks that the package is installed
    const s = await t.score(item);
    expect(s.teacher).toBe('openai');
    await t.score({ ...item, completion: PY_GOOD + '\n# again\n' });
    expect(mockLoads).toEqual({ openai: 1, anthropic: 0 });
  });

  test('an anthropic teacher loads @anthropic-ai/sdk at its first request', async () => {
    const t = createTeacher({ provider: 'anthropic', baseURL: server.url, env: { ANTHROPIC_API_KEY: 'sk-ant-test-0123456789' } });
    teachers.push(t);
    expect(mockLoads.anthropic).toBe(0);
    await t.score(item).catch(() => undefined); // the reply's shape does not matter here, only the load
    expect(mockLoads.anthropic).toBe(1);
  });
});

describe('a missing SDK', () => {
  test('importSdk names the package and the install command', async () => {
    const err = await importSdk('rfai-no-such-sdk', '^6.0.0', 'openai', () => import('rfai-no-such-sdk' as string)).catch((e) => e);
    expect(err).toBeInstanceOf(TeacherOptionsError);
    expect(err.option).toBe('provider');
    expect(err.message).toBe(
      "the openai teacher needs the npm package 'rfai-no-such-sdk', which is not installed: run `npm install rfai-no-such-sdk@^6.0.0` (the offline teacher needs no SDK)",
    );
  });

  test('assertSdkInstalled throws at once for a missing package and passes for an installed one', () => {
    expect(() => assertSdkInstalled('@rfai/no-such-sdk', '^1.14.0', 'anthropic')).toThrow(
      "the anthropic teacher needs the npm package '@rfai/no-such-sdk', which is not installed: run `npm install @rfai/no-such-sdk@^1.14.0`",
    );
    expect(() => assertSdkInstalled('openai', '^6.0.0', 'openai')).not.toThrow();
    expect(() => assertSdkInstalled('@anthropic-ai/sdk', '^1.14.0', 'anthropic')).not.toThrow();
  });

  test('other load failures pass through unchanged', async () => {
    const boom = new Error('SyntaxError in the SDK');
    await expect(importSdk('openai', '^6.0.0', 'openai', () => Promise.reject(boom))).rejects.toBe(boom);
    // a module the SDK itself imports is missing: not reported as the SDK missing
    const nested = Object.assign(new Error("Cannot find module 'node-fetch' from 'node_modules/openai/index.js'"), { code: 'MODULE_NOT_FOUND' });
    expect(isMissingModule(nested, 'openai')).toBe(false);
    expect(isMissingModule(Object.assign(new Error("Cannot find package 'openai' imported from /x.mjs"), { code: 'ERR_MODULE_NOT_FOUND' }), 'openai')).toBe(true);
  });
});
