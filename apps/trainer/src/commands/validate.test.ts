import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runValidate } from './validate';

const root = resolve(__dirname, '..', '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'rfai-validate-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = [
  { prompt: 'Write a Python function `add(a, b)` returning a + b.', language: 'python', reference: 'def add(a, b):\n    return a + b\n' },
  { prompt: 'Write a Python function `neg(x)` returning -x.', language: 'python', reference: 'def neg(x):\n    return -x\n' },
];

/** A folder with config.yaml (`text`) and, unless told otherwise, data/train.jsonl and data/eval.jsonl. */
function workspace(name: string, text: string, files: Record<string, string> = { 'data/train.jsonl': jsonl(ROWS), 'data/eval.jsonl': jsonl(ROWS) }): string {
  const ws = join(dir, name);
  mkdirSync(join(ws, 'data'), { recursive: true });
  for (const [f, content] of Object.entries(files)) writeFileSync(join(ws, f), content);
  writeFileSync(join(ws, 'config.yaml'), text);
  return join(ws, 'config.yaml');
}

function jsonl(rows: unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

async function validate(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await runValidate(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('trainer validate: files the config names', () => {
  it('a data.train_file that does not exist is exit 2, naming the key, the resolved path and the fix', async () => {
    const file = workspace('no-train', 'data:\n  train_file: data/missing.jsonl\n');
    const r = await validate('--config', file);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      `Invalid configuration ${file}:\n` +
        `  data.train_file: ${join(dir, 'no-train', 'data', 'missing.jsonl')} does not exist. ` +
        'Generate prompts with `npx nx run data-generator:generate -- --out data` or point data.train_file at a JSONL file.\n',
    );
  });

  it('run directly (node main.ts validate), the process exits 2 with the message on stderr', () => {
    const file = workspace('direct', 'data:\n  train_file: data/missing.jsonl\n');
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    const r = spawnSync(tsx, [join(root, 'apps/trainer/src/main.ts'), 'validate', '--config', file], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`  data.train_file: ${join(dir, 'direct', 'data', 'missing.jsonl')} does not exist.`);
  });

  it('a missing data.train_file given by --set is caught too', async () => {
    const file = workspace('set-train', 'training:\n  max_steps: 5\n');
    const r = await validate('--config', file, '--set', 'data.train_file=/nonexistent/train.jsonl');
    expect(r.code).toBe(2);
    expect(r.err).toContain('  data.train_file: /nonexistent/train.jsonl does not exist.');
  });

  it('a missing data.eval_file names its key and how to turn the eval pass off', async () => {
    const file = workspace('no-eval', 'data:\n  eval_file: held-out.jsonl\n');
    const r = await validate('--config', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`  data.eval_file: ${join(dir, 'no-eval', 'held-out.jsonl')} does not exist. Set data.eval_file to a JSONL file, or to null for no eval pass.\n`);
  });

  it('a missing model.path is reported with the data problem, each on its own line', async () => {
    const file = workspace('no-model', 'model:\n  path: models/qwen\ndata:\n  train_file: nope.jsonl\n');
    const r = await validate('--config', file);
    expect(r.code).toBe(2);
    const lines = r.err.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(
      `  model.path: ${join(dir, 'no-model', 'models', 'qwen')} does not exist. Point model.path at a Hugging Face model folder ` +
        '(config.json, model.safetensors, tokenizer files), or set it to null to build the student from model.preset.',
    );
    expect(lines[2]).toMatch(/^ {2}data\.train_file: .*nope\.jsonl does not exist\./);
  });

  it('a bad line in data.train_file is reported with its file and line number', async () => {
    const file = workspace('bad-line', 'training:\n  max_steps: 5\n', {
      'data/train.jsonl': jsonl(ROWS) + '{"prompt": "no language"}\n',
      'data/eval.jsonl': jsonl(ROWS),
    });
    const r = await validate('--config', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${join(dir, 'bad-line', 'data', 'train.jsonl')}:3`);
    expect(r.err).toContain('language');
  });

  it('a config whose files exist and parse is OK (exit 0)', async () => {
    const file = workspace('good', 'training:\n  max_steps: 5\n');
    const r = await validate('--config', file);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^OK ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: model preset tiny \\(byte tokenizer\\), teacher offline, 5 steps x 8 prompts`));
  });

  it('the shipped config.yaml is OK', async () => {
    const r = await validate('--config', join(root, 'config.yaml'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('trainer validate: an empty config file', () => {
  it('is exit 2, saying it is empty and what a minimal config looks like', async () => {
    const file = workspace('empty', '');
    const r = await validate('--config', file);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      'Config file is empty:\n' +
        `  ${file}: (document): expected at least one section (model, teacher, training, rfai, data, ...), or {} for every default, found an empty file. ` +
        'A minimal config names what differs from the defaults, e.g. "training: {max_steps: 10}"; write {} to use every default on purpose. ' +
        "The repository's config.yaml lists every key with its default.\n",
    );
  });

  it('whitespace and comments only count as empty', async () => {
    const file = workspace('comments', '# my settings\n\n   \n# todo\n');
    const r = await validate('--config', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Config file is empty:');
    expect(r.err).toContain('found only comments.');
  });

  it('{} asks for every default on purpose and is OK', async () => {
    const file = workspace('braces', '{}\n');
    const r = await validate('--config', file);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});
