import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveCheckpoint } from '@rfai/checkpoint-io';
import { parseConfigText } from '@rfai/config';
import { tf } from '@rfai/core';
import {
  adapterConfig,
  adapterTensors,
  applyLora,
  ByteTokenizer,
  createModel,
  generate,
  loadModel,
  presetConfig,
  saveAdapter,
  saveModel,
  type CausalLM,
} from '@rfai/models';
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

  it('usage errors exit 2', async () => {
    expect((await capture(() => runInspect(['--model', dir, '--logits']))).code).toBe(2);
    expect((await capture(() => runInspect(['--model', dir, '--ids', '1,x', '--logits']))).code).toBe(2);
    expect((await capture(() => runInspect([]))).code).toBe(2);
  });
});

/** The message for a --model that is not a model folder, after `what`. */
const KINDS =
  'Pass a Hugging Face model folder (config.json + model.safetensors), an rfai checkpoint (checkpoints/checkpoint-{step}) ' +
  'or a PEFT adapter folder (adapter_config.json + adapter_model.safetensors).';

describe.each([
  ['inspect', (args: string[]) => runInspect(args)],
  ['generate', (args: string[]) => runGenerate([...args, '--prompt', 'x', '--backend', 'cpu'])],
])('%s on a folder that holds no model: exit 2 naming the path', (name, run) => {
  it('a missing folder', async () => {
    const nope = join(dir, 'nope');
    const r = await capture(() => run(['--model', nope]));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`${name}: --model: ${nope} does not exist. ${KINDS}\n`);
  });

  it('a file', async () => {
    const file = join(dir, 'config.json');
    const r = await capture(() => run(['--model', file]));
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${name}: --model: ${file} is a file, not a folder. ${KINDS}\n`);
  });

  it('a folder with neither config.json nor adapter_config.json', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'rfai-cmd-empty-'));
    try {
      const r = await capture(() => run(['--model', empty]));
      expect(r.code).toBe(2);
      expect(r.err).toBe(`${name}: --model: ${empty} has neither config.json nor adapter_config.json, so it holds no model. ${KINDS}\n`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

/** Gives every LoRA B matrix random values, so the adapter changes the logits (a fresh B is zero). */
function randomizeAdapters(m: CausalLM, seed: number): void {
  let k = 0;
  for (const a of m.lora.values()) {
    const b = tf.randomNormal(a.B.shape, 0, 0.5, 'float32', seed + k++);
    a.B.assign(b);
    b.dispose();
  }
}

function logitsOf(m: CausalLM, ids: number[]): Float32Array {
  const t = m.forward([ids]);
  const d = Float32Array.from(t.dataSync());
  t.dispose();
  return d;
}

describe('PEFT adapter folders (adapter_config.json + adapter_model.safetensors), as eval accepts them', () => {
  const peft = join(dir, 'peft-adapter');
  const orphan = join(dir, 'orphan-adapter');
  let adapted: CausalLM;
  let adapterParams = 0;

  beforeAll(async () => {
    adapted = await loadModel(dir);
    applyLora(adapted, { r: 2, alpha: 4, targetModules: 'all-linear', seed: 1 });
    randomizeAdapters(adapted, 7);
    for (const t of Object.values(adapterTensors(adapted))) adapterParams += t.shape.reduce((x, y) => x * y, 1);
    // base_model_name_or_path is the base folder, as PEFT's save_pretrained records a local base
    await saveAdapter(adapted, peft, { baseModelNameOrPath: dir });
    // the same adapter whose base is recorded as something that is no folder here
    await saveAdapter(adapted, orphan, { baseModelNameOrPath: 'Qwen/Qwen3-0.6B' });
  });
  afterAll(() => adapted.dispose());

  it('inspect --logits applies the adapter on its base (and differs from the base)', async () => {
    const r = await capture(() => runInspect(['--model', peft, '--ids', '5,6,7', '--logits', '--backend', 'cpu']));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const got = Float32Array.from(JSON.parse(r.out).logits.flat());
    expect(got).toEqual(logitsOf(adapted, [5, 6, 7]));
    expect(got).not.toEqual(logitsOf(model, [5, 6, 7]));
  });

  it('inspect --json reports the base architecture and the adapter', async () => {
    const r = await capture(() => runInspect(['--model', peft, '--json']));
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s).toMatchObject({ model_type: 'qwen3', num_hidden_layers: 2, hidden_size: 32, parameters: model.numParameters, tokenizer: { kind: 'byte' } });
    expect(s.adapter).toEqual({
      r: 2,
      lora_alpha: 4,
      target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
      base_model_name_or_path: dir,
      parameters: adapterParams,
    });
    expect(s.dtypes).toEqual({ F32: 2 * 7 * 2 }); // A and B of 7 modules in 2 layers
    const text = await capture(() => runInspect(['--model', peft]));
    expect(text.out).toContain(`  adapter       LoRA r=2 alpha=4 on q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj: ${adapterParams} parameters, base ${dir}\n`);
  });

  it('generate uses the adapted model', async () => {
    const r = await capture(() =>
      runGenerate(['--model', peft, '--prompt', 'def f():', '--temperature', '0', '--max-new-tokens', '8', '--json', '--backend', 'cpu']),
    );
    expect(r.code).toBe(0);
    const [g] = generate(adapted, [tokenizer.encode('def f():')], { maxNewTokens: 8, greedy: true, tokenizer });
    expect(JSON.parse(r.out).ids).toEqual(g.ids);
  });

  it('a base that is no folder here is exit 2 naming base_model_name_or_path and --base; --base loads it', async () => {
    for (const [name, run] of [
      ['inspect', () => runInspect(['--model', orphan])],
      ['generate', () => runGenerate(['--model', orphan, '--prompt', 'x', '--backend', 'cpu'])],
    ] as const) {
      const r = await capture(run);
      expect(r.code).toBe(2);
      expect(r.err).toBe(
        `${name}: ${join(orphan, 'adapter_config.json')}: base_model_name_or_path "Qwen/Qwen3-0.6B" is not a model folder on this machine, ` +
          'and a PEFT adapter only runs on top of its base model. Pass --base DIR with the Hugging Face folder it was trained on ' +
          '(download it first if base_model_name_or_path is a Hub id).\n',
      );
    }
    const r = await capture(() => runInspect(['--model', orphan, '--base', dir, '--ids', '5,6,7', '--logits', '--backend', 'cpu']));
    expect(r.code).toBe(0);
    expect(Float32Array.from(JSON.parse(r.out).logits.flat())).toEqual(logitsOf(adapted, [5, 6, 7]));
    const bad = await capture(() => runInspect(['--model', orphan, '--base', join(dir, 'nope')]));
    expect(bad.code).toBe(2);
    expect(bad.err).toBe(`inspect: --base: ${join(dir, 'nope')} is not a model folder (no config.json). Pass the Hugging Face folder the adapter was trained on.\n`);
  });
});

describe('an rfai LoRA checkpoint of a preset student (the base comes from the run config, as in eval)', () => {
  const root = join(dir, 'run');
  let expected: CausalLM;
  let ckpt: string;

  beforeAll(async () => {
    const cfg = parseConfigText(
      'model:\n  lora:\n    enabled: true\n    r: 2\n    alpha: 4\n    target_modules: [q_proj, v_proj]\ntraining:\n  seed: 42\n',
      'run.yaml',
    );
    expected = createModel(presetConfig('tiny', 'byte'), 42);
    applyLora(expected, { r: 2, alpha: 4, targetModules: ['q_proj', 'v_proj'], seed: 42 });
    randomizeAdapters(expected, 11);
    mkdirSync(root, { recursive: true });
    const saved = await saveCheckpoint(
      root,
      {
        step: 3,
        modelConfig: expected.config as unknown as Record<string, unknown>,
        adapter: { tensors: adapterTensors(expected), config: adapterConfig(expected, 'preset tiny (byte tokenizer, seed 42)') },
        extraFiles: tokenizer.files(),
        trainerState: { config: cfg, base_dir: root },
      },
      { logger: { warn: () => undefined } },
    );
    ckpt = saved.path;
  });
  afterAll(() => expected.dispose());

  it('inspect --logits rebuilds the preset base and attaches the adapter', async () => {
    const r = await capture(() => runInspect(['--model', ckpt, '--ids', '1,2,3,4', '--logits', '--backend', 'cpu']));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(Float32Array.from(JSON.parse(r.out).logits.flat())).toEqual(logitsOf(expected, [1, 2, 3, 4]));
  });

  it('inspect --json reads the checkpoint config.json; the preset base needs no folder', async () => {
    const r = await capture(() => runInspect(['--model', ckpt, '--json']));
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s).toMatchObject({ model_type: 'qwen3', hidden_size: 128, num_hidden_layers: 4, tokenizer: { kind: 'byte' } });
    expect(s.adapter).toMatchObject({ r: 2, lora_alpha: 4, target_modules: ['q_proj', 'v_proj'], base_model_name_or_path: 'preset tiny (byte tokenizer, seed 42)' });
  });

  it('generate greedy matches the adapted model', async () => {
    const r = await capture(() =>
      runGenerate(['--model', ckpt, '--prompt', 'def g():', '--temperature', '0', '--max-new-tokens', '6', '--json', '--backend', 'cpu']),
    );
    expect(r.code).toBe(0);
    const [g] = generate(expected, [tokenizer.encode('def g():')], { maxNewTokens: 6, greedy: true, tokenizer });
    expect(JSON.parse(r.out).ids).toEqual(g.ids);
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

  it('--prompt-file passes backticks, $( ), $NAME, quotes and backslashes unchanged (one final newline dropped)', async () => {
    const prompt = 'Write `is_prime(n)`; do not run $(rm -rf /) or $HOME.\nSay "hi" and \'bye\' \\n.';
    const file = join(dir, 'prompt.txt');
    writeFileSync(file, prompt + '\n');
    const r = await capture(() =>
      runGenerate(['--model', dir, '--prompt-file', file, '--temperature', '0', '--max-new-tokens', '6', '--json', '--backend', 'cpu']),
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.prompt_ids).toEqual(tokenizer.encode(prompt));
    const [g] = generate(model, [tokenizer.encode(prompt)], { maxNewTokens: 6, greedy: true, tokenizer });
    expect(j.ids).toEqual(g.ids);
  });

  it('the prompt comes from exactly one of --prompt and --prompt-file; a bad file is exit 2 naming it', async () => {
    const file = join(dir, 'p.txt');
    writeFileSync(file, 'x');
    const both = await capture(() => runGenerate(['--model', dir, '--prompt', 'x', '--prompt-file', file]));
    expect(both).toMatchObject({ code: 2, err: 'generate: pass the prompt with --prompt or --prompt-file, not both\n' });
    const neither = await capture(() => runGenerate(['--model', dir]));
    expect(neither).toMatchObject({
      code: 2,
      err: 'generate: give the prompt with --prompt TEXT or --prompt-file FILE (the file is safe for backticks and $( ) under nx)\n',
    });
    const missing = join(dir, 'no-prompt.txt');
    const m = await capture(() => runGenerate(['--model', dir, '--prompt-file', missing]));
    expect(m).toMatchObject({ code: 2, err: `generate: --prompt-file: ${missing} does not exist. Write the prompt to that file, or pass --prompt TEXT.\n` });
    const empty = join(dir, 'empty-prompt.txt');
    writeFileSync(empty, '\n');
    const e = await capture(() => runGenerate(['--model', dir, '--prompt-file', empty]));
    expect(e).toMatchObject({ code: 2, err: `generate: --prompt-file: ${empty} is empty; write the prompt into it.\n` });
  });

  it('--help says why and how to use --prompt-file under nx', async () => {
    const r = await capture(() => runGenerate(['--help']));
    expect(r.code).toBe(0);
    expect(r.out).toContain('--prompt-file <file>');
    expect(r.out).toContain('hands the arguments to a\nshell once more (nx joins them into one command line)');
    expect(r.out).toContain('Write the prompt to a file and pass --prompt-file FILE');
  });

  it('bad options exit 2', async () => {
    expect((await capture(() => runGenerate(['--model', dir, '--prompt', 'x', '--top-p', '0']))).code).toBe(2);
    expect((await capture(() => runGenerate(['--model', dir, '--prompt', 'x', '--template', 'weird']))).code).toBe(2);
    expect((await capture(() => runGenerate(['--model', dir]))).code).toBe(2);
  });
});
