import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ByteTokenizer, createModel, generate, presetConfig, saveModel } from '@rfai/models';
import { runGenerate } from './generate';
import { runInspect } from './inspect';

const dir = mkdtempSync(join(tmpdir(), 'rfai-cmd-models-'));
const config = { ...presetConfig('tiny'), hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, head_dim: 8 };
const tokenizer = new ByteTokenizer();
let model: ReturnType<typeof createModel>;

beforeAll(async () => {
  model = createModel(config, 3);
  await saveModel(model, dir, { tokenizer });
});
afterAll(() => {
  model.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await fn(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('inspect', () => {
  it('--json reports architecture, parameter count and dtype', async () => {
    const r = await capture(() => runInspect(['--model', dir, '--json']));
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s).toMatchObject({ model_type: 'qwen3', num_hidden_layers: 2, hidden_size: 32, head_dim: 8, dtypes: { F32: 24 } });
    expect(s.parameters).toBe(model.numParameters);
    expect(s.tokenizer).toMatchObject({ kind: 'byte', eos_token_id: 256 });
  });

  it('--ids --logits prints the full float32 logits of every position', async () => {
    const r = await capture(() => runInspect(['--model', dir, '--ids', '5,6,7', '--logits', '--backend', 'cpu']));
    expect(r.code).toBe(0);
    const { logits } = JSON.parse(r.out);
    const expected = model.forward([[5, 6, 7]]);
    const d = expected.dataSync();
    expected.dispose();
    expect(logits).toHaveLength(3);
    expect(logits[2]).toHaveLength(259);
    expect(Float32Array.from(logits.flat())).toEqual(Float32Array.from(d));
  });

  it('usage errors exit 2, a missing folder exits 1', async () => {
    expect((await capture(() => runInspect(['--model', dir, '--logits']))).code).toBe(2);
    expect((await capture(() => runInspect(['--model', dir, '--ids', '1,x', '--logits']))).code).toBe(2);
    expect((await capture(() => runInspect([]))).code).toBe(2);
    const r = await capture(() => runInspect(['--model', join(dir, 'nope')]));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/config.json: not found/);
  });
});

describe('generate', () => {
  it('greedy (temperature 0) prints what generate() gives', async () => {
    const r = await capture(() =>
      runGenerate(['--model', dir, '--prompt', 'def f():', '--temperature', '0', '--max-new-tokens', '12', '--json', '--backend', 'cpu']),
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const [g] = generate(model, [tokenizer.encode('def f():')], { maxNewTokens: 12, greedy: true, tokenizer });
    expect(j.ids).toEqual(g.ids);
    expect(j.text).toBe(g.text);
    expect(j.finish_reason).toBe(g.finishReason);
  });

  it('bad options exit 2', async () => {
    expect((await capture(() => runGenerate(['--model', dir, '--prompt', 'x', '--top-p', '0']))).code).toBe(2);
    expect((await capture(() => runGenerate(['--model', dir, '--prompt', 'x', '--template', 'weird']))).code).toBe(2);
    expect((await capture(() => runGenerate(['--model', dir]))).code).toBe(2);
  });
});
