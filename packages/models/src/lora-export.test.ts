/**
 * LoRA checkpoints at the scale of a real run, on tiny random Qwen2 / Qwen3 folders the test writes itself: after
 * an optimizer step the PEFT pair (adapter_config.json + adapter_model.safetensors) reloads onto a freshly loaded
 * base with identical logits, and the merged export is a full Hugging Face folder that reloads with the same
 * logits. A preset student (no folder anywhere) saves its frozen base beside the adapter, so the pair loads the way
 * AutoPeftModelForCausalLM loads it (checked in PEFT's layout, here and by a standard-library Python reader).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { AdamW, tf } from '@rfai/core';
import { openWeights } from '@rfai/checkpoint-io';
import { tinyConfig } from './__fixtures__/models';
import { presetConfig } from './config';
import { createModel } from './create';
import type { CausalLM } from './decoder';
import { loadModel, saveMergedModel, saveModel } from './io';
import { applyLora, LORA_TARGETS, loadAdapter, mergedTensors, saveAdapter, withAdaptersDisabled } from './lora';
import { packSequences, tokenLogProbs } from './scoring';
import { builtinTokenizer } from './tokenizer';

const root = mkdtempSync(join(tmpdir(), 'rfai-lora-export-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ids = [
  [3, 14, 15, 92, 65, 35, 89, 79],
  [2, 71, 82, 81, 82, 84, 59, 4],
];

function logits(model: CausalLM): Float32Array {
  const l = model.forward(ids);
  const d = l.dataSync() as Float32Array;
  l.dispose();
  return d;
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let scale = 1e-6;
  for (const v of a) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / scale;
}

/** One AdamW step on a policy-gradient-like loss, so that both A and B move away from their init. */
function trainOneStep(model: CausalLM) {
  const packed = packSequences([[5, 6, 7], [8, 9]], [[10, 11, 12, 13], [14, 15]], 0);
  const params = model.trainableParams();
  const opt = new AdamW(params, { weightDecay: 0 });
  for (let step = 0; step < 2; step++) {
    const { value, grads } = tf.variableGrads(() => tf.tidy(() => tf.neg(tf.sum(tokenLogProbs(model, packed).logprobs)) as tf.Scalar), [...params.values()]);
    const named = new Map([...params].map(([k, v]) => [k, grads[v.name]]));
    opt.step(named, 0.05);
    tf.dispose([value, ...Object.values(grads)]);
  }
  opt.dispose();
}

describe.each(['qwen2', 'qwen3'] as const)('LoRA checkpoint round trip (%s)', (type) => {
  const baseDir = join(root, `${type}-base`);
  let trained: CausalLM;
  let adapted: Float32Array;

  beforeAll(async () => {
    // The base checkpoint: a Hugging Face folder written by the test.
    const base = createModel(tinyConfig(type), 17);
    await saveModel(base, baseDir);
    base.dispose();
    trained = await loadModel(baseDir);
    applyLora(trained, { r: 4, alpha: 8, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'down_proj'], seed: 3 });
    trainOneStep(trained);
    adapted = logits(trained);
  });
  afterAll(() => trained.dispose());

  it('the step moved the adapters away from the base', async () => {
    const base = await loadModel(baseDir);
    expect(maxRelDiff(logits(base), adapted)).toBeGreaterThan(1e-4);
    base.dispose();
    const a = trained.lora.get('model.layers.1.self_attn.v_proj')!;
    expect(Math.max(...Array.from(a.B.dataSync(), Math.abs))).toBeGreaterThan(0);
  });

  it('the PEFT pair has PEFT key names and reloads onto the base with identical logits', async () => {
    const dir = join(root, `${type}-adapter`);
    await saveAdapter(trained, dir, { baseModelNameOrPath: baseDir });
    const cfg = JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8'));
    expect(cfg).toMatchObject({ peft_type: 'LORA', task_type: 'CAUSAL_LM', r: 4, lora_alpha: 8, base_model_name_or_path: baseDir });
    expect(cfg.target_modules).toEqual(['q_proj', 'k_proj', 'v_proj', 'o_proj', 'down_proj']);
    const src = await openWeights(dir, { name: 'adapter_model' });
    const names = src.names();
    await src.close();
    expect(names).toContain('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight');
    expect(names).toContain('base_model.model.model.layers.1.mlp.down_proj.lora_B.weight');
    expect(names).toHaveLength(2 * 5 * 2);
    const reloaded = await loadModel(baseDir);
    await loadAdapter(reloaded, dir);
    expect(Array.from(logits(reloaded))).toEqual(Array.from(adapted));
    reloaded.dispose();
  });

  it('the merged export is a full Hugging Face folder that reloads with the same logits (1e-5)', async () => {
    const dir = join(root, `${type}-merged`);
    await saveMergedModel(trained, dir);
    expect(existsSync(join(dir, 'config.json'))).toBe(true);
    expect(existsSync(join(dir, 'model.safetensors'))).toBe(true);
    expect(existsSync(join(dir, 'adapter_config.json'))).toBe(false);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config.architectures).toEqual([type === 'qwen2' ? 'Qwen2ForCausalLM' : 'Qwen3ForCausalLM']);
    const src = await openWeights(dir);
    expect(src.names().some((n) => n.includes('lora'))).toBe(false);
    await src.close();
    const merged = await loadModel(dir);
    expect(merged.lora.size).toBe(0);
    expect(maxRelDiff(adapted, logits(merged))).toBeLessThan(1e-5);
    merged.dispose();
    // Exporting did not touch the adapted model.
    expect(trained.lora.size).toBe(2 * 5);
    expect(Array.from(logits(trained))).toEqual(Array.from(adapted));
  });

  it('mergedTensors folds W + alpha/r * B A and leaves other tensors as they are', () => {
    const t = mergedTensors(trained);
    const key = 'model.layers.0.self_attn.q_proj';
    const a = trained.lora.get(key)!;
    const want = tf.tidy(() => tf.add(trained.weight(`${key}.weight`), tf.mul(tf.matMul(a.B, a.A), a.scaling)).dataSync());
    expect(Array.from(t[`${key}.weight`].data as Float32Array)).toEqual(Array.from(want));
    expect(Array.from(t['model.norm.weight'].data as Float32Array)).toEqual(Array.from(trained.weight('model.norm.weight').dataSync()));
    expect(Object.keys(t)).toEqual([...trained.params.keys()]);
  });
});

/** The standard-library Python reader of a PEFT adapter folder (run from cwd /, as a user elsewhere would). */
const PEFT_CHECK = join(__dirname, '__fixtures__', 'peft_layout_check.py');
const hasPython = spawnSync('python3', ['--version']).status === 0;

/** Runs peft_layout_check.py on an adapter folder; its JSON summary, or the reasons it gave. */
function pythonPeftCheck(adapterDir: string): { ok: boolean; summary: Record<string, unknown> | null; errors: string } {
  const r = spawnSync('python3', [PEFT_CHECK, adapterDir], { cwd: '/', encoding: 'utf8' });
  return { ok: r.status === 0, summary: r.status === 0 ? JSON.parse(r.stdout) : null, errors: `${r.stderr}${r.error ?? ''}` };
}

describe('issue 19 item 9: a preset student (no base folder) saves the PEFT pair with its base, in PEFT layout', () => {
  const dir = join(root, 'preset');
  const adapterDir = join(dir, 'adapter');
  const baseDir = join(dir, 'base_model');
  const tok = builtinTokenizer('byte');
  let trained: CausalLM;
  let adapted: Float32Array;
  let baseLogits: Float32Array;
  let frozen: Map<string, Float32Array>;

  beforeAll(async () => {
    // The trainer's preset student: random weights that exist in no folder.
    trained = createModel(presetConfig('tiny'), 42);
    applyLora(trained, { r: 4, alpha: 8, targetModules: 'all-linear', seed: 5 });
    trainOneStep(trained);
    adapted = logits(trained);
    baseLogits = withAdaptersDisabled(trained, () => logits(trained));
    frozen = new Map([...trained.params].map(([k, v]) => [k, v.dataSync() as Float32Array]));
    // A relative folder, as a user would pass it: the config records its absolute path.
    const rel = relative(process.cwd(), baseDir);
    await saveAdapter(trained, adapterDir, { saveBaseTo: rel, tokenizer: tok });
  });
  afterAll(() => trained.dispose());

  it('adapter_config.json has PEFT LoraConfig fields, and base_model_name_or_path is the saved base folder, absolute', () => {
    const cfg = JSON.parse(readFileSync(join(adapterDir, 'adapter_config.json'), 'utf8'));
    expect(cfg).toEqual({
      peft_type: 'LORA',
      task_type: 'CAUSAL_LM',
      r: 4,
      lora_alpha: 8,
      lora_dropout: 0,
      target_modules: [...LORA_TARGETS],
      base_model_name_or_path: baseDir,
      revision: null,
      bias: 'none',
      fan_in_fan_out: false,
      inference_mode: true,
      init_lora_weights: true,
      layers_to_transform: null,
      layers_pattern: null,
      rank_pattern: {},
      alpha_pattern: {},
      modules_to_save: null,
      use_rslora: false,
      use_dora: false,
    });
    expect(isAbsolute(cfg.base_model_name_or_path)).toBe(true);
    // Not the old description of the preset, which no from_pretrained can open.
    expect(cfg.base_model_name_or_path).not.toMatch(/^preset /);
  });

  it('adapter_model.safetensors: base_model.model.<module>.lora_A.weight [r, in] and .lora_B.weight [out, r] for every linear module', async () => {
    const src = await openWeights(adapterDir, { name: 'adapter_model' });
    const names = src.names();
    const shapes = new Map(names.map((n) => [n, src.info(n).shape]));
    await src.close();
    const cfg = presetConfig('tiny');
    const modules = [...trained.params.keys()].filter((k) => /_proj\.weight$/.test(k)).map((k) => k.slice(0, -'.weight'.length));
    expect(modules).toHaveLength(cfg.num_hidden_layers * 7);
    expect(names.sort()).toEqual(modules.flatMap((m) => [`base_model.model.${m}.lora_A.weight`, `base_model.model.${m}.lora_B.weight`]).sort());
    for (const m of modules) {
      const [out, inn] = trained.weight(`${m}.weight`).shape;
      expect([m, shapes.get(`base_model.model.${m}.lora_A.weight`)]).toEqual([m, [4, inn]]);
      expect([m, shapes.get(`base_model.model.${m}.lora_B.weight`)]).toEqual([m, [out, 4]]);
    }
    expect(shapes.get('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight')).toEqual([4, cfg.hidden_size]);
  });

  it('the base folder is a Hugging Face folder (config.json, model.safetensors, tokenizer) holding the frozen base weights exactly', async () => {
    for (const f of ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']) {
      expect([f, existsSync(join(baseDir, f))]).toEqual([f, true]);
    }
    const config = JSON.parse(readFileSync(join(baseDir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'qwen3', architectures: ['Qwen3ForCausalLM'], torch_dtype: 'float32' });
    const src = await openWeights(baseDir);
    try {
      expect(src.names().some((n) => n.includes('lora'))).toBe(false);
      expect(src.names().sort()).toEqual([...frozen.keys()].sort());
      const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      for (const [k, data] of frozen) expect([k, bytes(await src.readFloat32(k)).equals(bytes(data))]).toEqual([k, true]);
    } finally {
      await src.close();
    }
    const base = await loadModel(baseDir);
    expect(Array.from(logits(base))).toEqual(Array.from(baseLogits));
    base.dispose();
  });

  it('base + adapter, loaded from the recorded path, reproduce the trained model\'s logits (1e-5), and differ from the base', async () => {
    const named = JSON.parse(readFileSync(join(adapterDir, 'adapter_config.json'), 'utf8')).base_model_name_or_path;
    const pair = await loadModel(named);
    await loadAdapter(pair, adapterDir);
    const got = logits(pair);
    pair.dispose();
    expect(maxRelDiff(adapted, got)).toBeLessThan(1e-5);
    expect(maxRelDiff(adapted, baseLogits)).toBeGreaterThan(1e-4);
  });

  (hasPython ? it : it.skip)('a standard-library Python reader (cwd /) finds the same PEFT layout and an absolute base folder', () => {
    const r = pythonPeftCheck(adapterDir);
    expect(r.errors).toBe('');
    expect(r.summary).toEqual({ base: baseDir, modules: 4 * 7, tensors: 2 * 4 * 7, r: 4, target_modules: [...LORA_TARGETS].sort() });
  });

  (hasPython ? it : it.skip)('the Python reader rejects the old config (base "preset tiny (...)")', async () => {
    const bad = join(dir, 'old-adapter');
    await saveAdapter(trained, bad, { baseModelNameOrPath: 'preset tiny (byte tokenizer, seed 42)' });
    const r = pythonPeftCheck(bad);
    expect(r.ok).toBe(false);
    expect(r.errors).toContain('base_model_name_or_path \'preset tiny (byte tokenizer, seed 42)\' is not an absolute path');
  });

  it('saveAdapter refuses both baseModelNameOrPath and saveBaseTo', async () => {
    await expect(saveAdapter(trained, join(dir, 'x'), { baseModelNameOrPath: 'a', saveBaseTo: 'b' })).rejects.toThrow(/not both/);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});
