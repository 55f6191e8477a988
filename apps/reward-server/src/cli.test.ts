import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createTeacher } from '@rfai/teacher-clients';
import { authMode } from './auth';
import { runCli, startupWarning, type CliIo } from './cli';
import type { RewardServer } from './server';

const run = promisify(execFile);
const EXAMPLES = path.join(__dirname, '..', 'examples');
const TOKEN = 'cli-secret-token-0123456789abcdef';

let tmp: string;
const TASK = {
  id: 'add-py',
  prompt: 'Write a Python function `add(a, b)` that returns the sum of a and b.',
  language: 'python',
  tests: ['assert add(1, 2) == 3', 'assert add(-1, 1) == 0'],
  entry_point: 'add',
};
const GOOD = '```python\ndef add(a, b):\n    """Return the sum of a and b."""\n    return a + b\n```';
const BAD = '```python\ndef add(a, b):\n    return a - b\n```';

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rfai-reward-cli-'));
  fs.writeFileSync(path.join(tmp, 'train.jsonl'), JSON.stringify(TASK) + '\n');
  fs.writeFileSync(
    path.join(tmp, 'config.yaml'),
    'teacher:\n  provider: offline\n  cache:\n    enabled: false\ndata:\n  train_file: train.jsonl\n  eval_file: null\nserver:\n  port: 0\n',
  );
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs the CLI; `during` runs once the server listens, then the server is stopped. */
async function cli(args: string[], during?: (s: RewardServer) => Promise<void>, env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  let stop!: (sig: string) => void;
  let failure: unknown;
  const io: CliIo = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env,
    cwd: tmp,
    stopSignal: new Promise((r) => (stop = r)),
    onListening: (s) => {
      void (during ? during(s) : Promise.resolve()).catch((e) => (failure = e)).finally(() => stop('SIGTERM'));
    },
  };
  const code = await runCli(args, io);
  if (failure) throw failure;
  return { code, out, err };
}

describe('reward-server CLI', () => {
  test('bad config, bad usage: exit 2 naming the key', async () => {
    const a = await cli(['--set', 'server.port=70000']);
    expect(a.code).toBe(2);
    expect(a.err).toContain('server.port');
    const b = await cli(['--host', '0.0.0.0']);
    expect([b.code, b.err]).toEqual([2, expect.stringContaining('server.host: binding 0.0.0.0 (not loopback) requires a token: set RFAI_SERVER_TOKEN')]);
    const c = await cli(['--set', 'data.train_file=missing.jsonl']);
    expect([c.code, c.err]).toEqual([2, expect.stringContaining(`data.train_file: ${path.join(tmp, 'missing.jsonl')} does not exist`)]);
    const d = await cli(['--port', 'abc']);
    expect([d.code, d.err]).toEqual([2, expect.stringContaining('expected an integer 0..65535')]);
    const e = await cli(['--token', 'short']);
    expect([e.code, e.err]).toEqual([2, expect.stringContaining('at least 16 characters')]);
    const f = await cli(['--config', 'nope.yaml']);
    expect(f.code).toBe(2);
    expect(f.err).toContain('nope.yaml');
  });

  test('--allow-unauthenticated off loopback is logged loudly; loopback or a token needs no warning', () => {
    expect(startupWarning(authMode('0.0.0.0', undefined, true), '0.0.0.0')).toBe(
      "WARNING: --allow-unauthenticated: 0.0.0.0 is served WITHOUT A TOKEN; anyone who can reach this address can use the teacher (and its API key's budget)",
    );
    expect(startupWarning(authMode('127.0.0.1', undefined, true), '127.0.0.1')).toBeUndefined();
    expect(startupWarning(authMode('0.0.0.0', TOKEN, true), '0.0.0.0')).toBeUndefined();
  });

  test('serves on a free port, prints the URL, stops on SIGTERM; the Python client gets the offline rewards; the token is not logged', async () => {
    const direct = createTeacher({ provider: 'offline' });
    const expected = [
      (await direct.score({ ...TASK, completion: GOOD })).score,
      (await direct.score({ ...TASK, completion: BAD })).score,
    ];
    await direct.close();
    expect(expected[0]).toBeGreaterThan(expected[1]);

    let url = '';
    const r = await cli(
      [],
      async (s) => {
        url = s.url;
        const env = { ...process.env, RFAI_REWARD_URL: `${s.url}/t/${TOKEN}`, PYTHONPATH: EXAMPLES };
        // OpenRLHF style: query only (prompt + response); the server finds the task and its tests
        const { stdout } = await run('python3', [path.join(EXAMPLES, 'rfai_client.py'), TASK.prompt + '\n' + GOOD, TASK.prompt + '\n' + BAD], { env });
        const rewards = JSON.parse(stdout) as number[];
        expect(rewards[0]).toBeCloseTo(expected[0], 9);
        expect(rewards[1]).toBeCloseTo(expected[1], 9);
        // TRL reward function and verl compute_score, Bearer token this time
        const env2 = { ...process.env, RFAI_REWARD_URL: s.url, RFAI_SERVER_TOKEN: TOKEN, PYTHONPATH: EXAMPLES };
        const trl = await run(
          'python3',
          ['-c', `import json, trl_reward; print(json.dumps(trl_reward.rfai_reward(${JSON.stringify([TASK.prompt, TASK.prompt])}, ${JSON.stringify([GOOD, BAD])}, id=["add-py", "add-py"], language=["python", "python"])))`],
          { env: env2 },
        );
        const trlScores = JSON.parse(trl.stdout) as number[];
        expect(trlScores[0]).toBeCloseTo(expected[0], 9);
        expect(trlScores[1]).toBeCloseTo(expected[1], 9);
        const verl = await run('python3', ['-c', `import verl_reward; print(verl_reward.compute_score("rfai", ${JSON.stringify(GOOD)}, "add-py", {"language": "python"}))`], { env: env2 });
        expect(Number(verl.stdout)).toBeCloseTo(expected[0], 9);
        const unknown = await run('python3', ['-c', 'import verl_reward; verl_reward.compute_score("rfai", "x", "no-such-task")'], { env: env2 }).catch((e) => e);
        expect(unknown.stderr).toContain("rfai reward server could not grade no-such-task: unknown_task: task_id 'no-such-task' is not a task");
      },
      { RFAI_SERVER_TOKEN: TOKEN },
    );
    expect(r.code).toBe(0);
    expect(r.out).toBe(`listening on ${url}\n`);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(r.err).toContain('auth: token');
    expect(r.err).toContain('POST /get_reward 200 2 items');
    expect(r.err).toContain('POST /v1/grade 200 2 items');
    expect(r.err).toContain('SIGTERM: finishing in-flight requests');
    expect(r.err).not.toContain(TOKEN);
  });

  test('the README shows the example files as they are', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    for (const f of ['trl_reward.py', 'verl_reward.py']) {
      const body = fs.readFileSync(path.join(EXAMPLES, f), 'utf8');
      const fn = body.slice(body.indexOf('\ndef ', body.indexOf('RFAI_TOKEN')) + 1);
      expect(readme).toContain(fn.trim().split('\n').slice(0, 3).join('\n'));
    }
  });
});
