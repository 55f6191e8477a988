import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTasks } from '@rfai/datasets';
import { defaultLoadTeacher, runCli, type CliIo } from './cli';
import { resolveUserPath } from '@rfai/config';
import { namedEntryPoint, type PromptWriter } from './teacher-prompts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rfai-data-generator-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(extra: Partial<CliIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env: { INIT_CWD: dir }, ...extra } as CliIo,
  };
}

const readJsonl = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('paths', () => {
  test('relative paths resolve against INIT_CWD (where the user ran npx), absolute ones stay', () => {
    expect(resolveUserPath('data', { INIT_CWD: '/repo' })).toBe('/repo/data');
    expect(resolveUserPath('/abs/x', { INIT_CWD: '/repo' })).toBe('/abs/x');
    expect(resolveUserPath('x', {})).toBe(join(process.cwd(), 'x'));
  });
});

describe('generate', () => {
  test('writes the bank prompts under --out relative to the user directory and prints a summary', async () => {
    const t = io();
    const code = await runCli(['generate', '--out', 'out', '--train', '40', '--eval', '8', '--languages', 'py,c++', '--seed', '3'], t.io);
    expect(t.err.join('')).toBe('');
    expect(code).toBe(0);
    const expected = generateTasks({ train: 40, eval: 8, languages: ['python', 'cpp'], seed: 3 });
    expect(readJsonl(join(dir, 'out', 'train.jsonl'))).toEqual(expected.train);
    expect(readJsonl(join(dir, 'out', 'eval.jsonl'))).toEqual(expected.eval);
    const summary = t.out.join('');
    expect(summary).toContain(`train: 40 prompts -> ${join('out', 'train.jsonl')}\n  languages:    cpp 20, python 20\n`);
    expect(summary).toContain(`eval: 8 prompts -> ${join('out', 'eval.jsonl')}\n  languages:    cpp 4, python 4\n`);
    expect(summary).toMatch(/difficulty: {3}(easy|hard|medium) \d+/);
  });

  test('custom file names and an existing output folder', async () => {
    mkdirSync(join(dir, 'custom'), { recursive: true });
    const t = io();
    const code = await runCli(['generate', '--out', join(dir, 'custom'), '--train', '3', '--eval', '0', '--languages', 'go', '--train-file', 't.jsonl', '--eval-file', 'e.jsonl'], t.io);
    expect(code).toBe(0);
    expect(readJsonl(join(dir, 'custom', 't.jsonl'))).toHaveLength(3);
    expect(readJsonl(join(dir, 'custom', 'e.jsonl'))).toEqual([]);
  });

  test.each([
    [['generate', '--train', '-1'], "error: option '--train <n>' argument '-1' is invalid. --train must be an integer >= 0, got -1"],
    [['generate', '--eval', 'many'], 'error: option \'--eval <n>\' argument \'many\' is invalid. --eval must be an integer >= 0, got "many"'],
    [['generate', '--languages', 'python,klingon'], 'unknown language "klingon"; expected a comma-separated list of python, cpp'],
    [['generate', '--held-out-share', '1.5'], '--held-out-share must be a number between 0 and 1 (exclusive), got "1.5"'],
    [['generate', '--bogus'], "error: unknown option '--bogus'"],
    [['frobnicate'], "error: unknown command 'frobnicate'"],
    [['validate'], "error: missing required argument 'files'"],
    [[], 'Usage: data-generator [options] [command]'],
  ])('bad usage %j exits 2 with a message', async (args, message) => {
    const t = io();
    expect(await runCli(args, t.io)).toBe(2);
    expect(t.err.join('')).toContain(message);
  });

  test('asking for more prompts than the bank holds exits 1 and says how many there are', async () => {
    const t = io();
    expect(await runCli(['generate', '--out', 'x', '--train', '100000', '--eval', '0', '--languages', 'python'], t.io)).toBe(1);
    expect(t.err.join('')).toMatch(/^error: asked for 100000 train \+ 0 eval prompts but the bank has \d+ distinct prompts for python/);
  });

  test('--help lists every option with its default', async () => {
    const t = io();
    expect(await runCli(['generate', '--help'], t.io)).toBe(0);
    const help = t.out.join('').replace(/\s+/g, ' ');
    for (const text of [
      '--out <dir>',
      '(default: "data")',
      '--train <n>',
      '(default: 200)',
      '--eval <n>',
      '(default: 50)',
      '(default: python,cpp,rust,typescript)',
      '--seed <n>',
      '(default: 7)',
      '--teacher',
      '--config <file>',
      '(default: "config.yaml")',
    ]) {
      expect(help).toContain(text);
    }
  });
});

describe('validate', () => {
  test('a good file exits 0 with a summary', async () => {
    const file = join(dir, 'good.jsonl');
    writeFileSync(file, JSON.stringify({ prompt: 'a', language: 'py' }) + '\n' + JSON.stringify({ prompt: 'b', language: 'rust' }) + '\n');
    const t = io();
    expect(await runCli(['validate', 'good.jsonl'], t.io)).toBe(0);
    expect(t.out.join('')).toBe('good.jsonl: 2 valid of 2 lines, 0 problems (python 1, rust 1)\n');
    expect(t.err).toEqual([]);
  });

  test('problems are printed as FILE:LINE: kind: message and exit 1; a missing file too', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, ['{"prompt": "a", "language": "go"}', '{nope', '{"prompt": "A", "language": "golang"}', '{"prompt": "c", "language": "cobol"}'].join('\r\n'));
    const t = io();
    expect(await runCli(['validate', 'bad.jsonl', 'missing.jsonl'], t.io)).toBe(1);
    const err = t.err.join('');
    expect(err).toContain(`missing.jsonl: dataset file not found: ${join(dir, 'missing.jsonl')}`);
    expect(err).toContain('bad.jsonl:2: invalid-json: invalid JSON: ');
    expect(err).toContain('bad.jsonl:3: duplicate: duplicate of line 1 (same prompt and language)\n');
    expect(err).toContain('bad.jsonl:4: unknown-language: unknown language "cobol"');
    expect(t.out.join('')).toBe('bad.jsonl: 2 valid of 4 lines, 3 problems (go 2)\n');
  });
});

describe('convert', () => {
  test('converts a CSV file, and fails on bad rows unless --skip-bad', async () => {
    writeFileSync(join(dir, 'in.csv'), 'question,solution,lang\nReverse a list.,xs[::-1],\nSum it.,sum(xs),klingon\n');
    const t = io();
    expect(await runCli(['convert', 'in.csv', '--output', 'conv.jsonl', '--language', 'py'], t.io)).toBe(1);
    expect(t.err.join('')).toContain('in.csv:3: unknown language "klingon"');
    const t2 = io();
    expect(await runCli(['convert', 'in.csv', '--output', 'conv.jsonl', '--language', 'py', '--skip-bad'], t2.io)).toBe(0);
    expect(t2.err.join('')).toContain('in.csv:3: unknown-language: unknown language "klingon"');
    expect(t2.out.join('')).toBe('1 records -> conv.jsonl (1 bad rows skipped)\n');
    expect(readJsonl(join(dir, 'conv.jsonl'))).toEqual([{ prompt: 'Reverse a list.', reference: 'xs[::-1]', language: 'python' }]);
    const t3 = io();
    expect(await runCli(['convert', 'in.csv', '--output', 'x.jsonl', '--format', 'yaml'], t3.io)).toBe(2);
    expect(t3.err.join('')).toContain("argument 'yaml' is invalid. Allowed choices are auto, json, csv, chat, jsonl.");
  });
});

describe('namedEntryPoint', () => {
  test('prefers the declared entry point when the prompt shows it, else the first backticked call or class name', () => {
    expect(namedEntryPoint('Write `a(x)` and `b(y)`.', 'b')).toBe('b');
    expect(namedEntryPoint('Write `a(x)` and `b(y)`.', 'c')).toBe('a');
    expect(namedEntryPoint('Write a class `LruCache` with `get(k)`.')).toBe('LruCache');
    expect(namedEntryPoint('Write `parse(text)` returning a `Token` list.')).toBe('parse');
    expect(namedEntryPoint('Write a class `LruCache` for `capacity` items.')).toBe('LruCache');
    expect(namedEntryPoint('Write something that sorts `items`.')).toBeUndefined();
  });
});

describe('generate --teacher', () => {
  function fakeTeacher(answers: (string | Error)[]): { writer: PromptWriter; calls: { prompt: string; language: string }[] } {
    const calls: { prompt: string; language: string }[] = [];
    let i = 0;
    return {
      calls,
      writer: {
        generate: async (req) => {
          calls.push(req);
          const a = answers[i++ % answers.length];
          if (a instanceof Error) throw a;
          return { code: '', text: a };
        },
      },
    };
  }
  const task = (name: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ prompt: `Write a function \`${name}(x)\` that returns x.`, entry_point: name, difficulty: 'easy', tags: ['t'], reference: 'x', ...extra });

  test('validated, deduplicated teacher prompts are written and rejections counted', async () => {
    const fake = fakeTeacher([
      task('alpha'),
      'Sure! ```json\n' + task('beta') + '\n```',
      'not json at all',
      task('alpha'), // duplicate of the first
      task('delta'),
      task('gamma', { prompt: '   ' }),
      task('zeta', { prompt: 'Write some function that sorts things.', entry_point: undefined }),
      task('epsilon'),
    ]);
    const t = io({ loadTeacher: async () => ({ writer: fake.writer, concurrency: 1, describe: 'fake/model' }) });
    const progress: string[] = [];
    const code = await runCli(
      ['generate', '--teacher', '--out', 'teach', '--train', '3', '--eval', '1', '--languages', 'python'],
      { ...t.io, onProgress: (done, total) => progress.push(`${done}/${total}`) },
    );
    expect(t.err.join('')).toBe('asking the fake/model teacher for 4 prompts\n');
    expect(code).toBe(0);
    const evalRows = readJsonl(join(dir, 'teach', 'eval.jsonl'));
    const trainRows = readJsonl(join(dir, 'teach', 'train.jsonl'));
    expect(evalRows.map((r) => [r.id, r.prompt, r.language, r.source])).toEqual([
      ['teacher-eval-python-1', 'Write a function `alpha(x)` that returns x.', 'python', 'teacher'],
    ]);
    expect(trainRows.map((r) => r.entry_point)).toEqual(['beta', 'delta', 'epsilon']);
    expect(t.out.join('')).toContain('teacher answers rejected: duplicate 1, empty-prompt 1, invalid-json 1, no-named-function 1\n');
    expect(progress).toEqual(['1/1', '1/3', '2/3', '3/3']);
    expect(fake.calls[0].language).toBe('python');
    expect(fake.calls[0].prompt).toContain('Write a Python function `name(param1, param2)` that ...');
    expect(fake.calls[0].prompt).toContain('snake_case');
  });

  test('a teacher that never gives a valid prompt fails with exit 1 and the reasons', async () => {
    const fake = fakeTeacher([new Error('HTTP 500'), 'nope']);
    const t = io({ loadTeacher: async () => ({ writer: fake.writer, concurrency: 2, describe: 'fake/model' }) });
    expect(await runCli(['generate', '--teacher', '--out', 'fail', '--train', '1', '--eval', '0', '--languages', 'rust'], t.io)).toBe(1);
    expect(t.err.join('')).toContain(
      'error: the teacher gave no valid new rust prompt in 3 attempts (rejected so far: {"request-failed":2,"invalid-json":1}; last request error: HTTP 500); check the teacher model and its settings in the config',
    );
  });

  test('the default wiring refuses the offline teacher, which cannot write prompts', async () => {
    const config = join(dir, 'offline.yaml');
    writeFileSync(config, 'teacher:\n  provider: offline\n');
    await expect(defaultLoadTeacher(config)).rejects.toThrow(
      `${config}: teacher.provider is 'offline', which cannot write prompts; set teacher.provider to openai, anthropic or openai-compatible for --teacher`,
    );
    const t = io();
    expect(await runCli(['generate', '--teacher', '--config', 'offline.yaml'], t.io)).toBe(2);
    expect(t.err.join('')).toContain("teacher.provider is 'offline'");
  });

  test('end to end through @rfai/config and an OpenAI-compatible teacher on 127.0.0.1', async () => {
    const bodies: { model: string; messages: { role: string; content: string }[] }[] = [];
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const body = JSON.parse(raw);
        bodies.push(body);
        const n = bodies.length;
        const content = 'Here is the task:\n```json\n' + task(`task_${n}`, { prompt: `Write a Python function \`task_${n}(x)\` that returns x plus ${n}.` }) + '\n```';
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: `c${n}`,
            object: 'chat.completion',
            created: 0,
            model: body.model,
            choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      writeFileSync(
        join(dir, 'compat.yaml'),
        `teacher:\n  provider: openai-compatible\n  model_name: tiny-test\n  base_url: http://127.0.0.1:${port}/v1\n  max_retries: 0\n  concurrency: 2\n`,
      );
      const t = io();
      const code = await runCli(['generate', '--teacher', '--config', 'compat.yaml', '--out', 'compat', '--train', '2', '--eval', '1', '--languages', 'python'], t.io);
      expect(t.err.join('')).toBe('asking the openai-compatible/tiny-test teacher for 3 prompts\n');
      expect(code).toBe(0);
      expect(bodies).toHaveLength(3);
      expect(bodies[0].model).toBe('tiny-test');
      expect(bodies[0].messages.map((m) => m.content).join('\n')).toContain('Invent one new, self-contained');
      const rows = [...readJsonl(join(dir, 'compat', 'eval.jsonl')), ...readJsonl(join(dir, 'compat', 'train.jsonl'))];
      expect(rows.map((r) => r.entry_point).sort()).toEqual(['task_1', 'task_2', 'task_3']);
      expect(rows.every((r) => r.language === 'python' && r.source === 'teacher')).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
