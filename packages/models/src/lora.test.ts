import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@rfai/core';
import { writeWeights } from '@rfai/checkpoint-io';
import { tinyConfig } from './__fixtures__/models';
import { createModel } from './create';
import { applyLora, adapterTensors, loadAdapter, mergeLora, saveAdapter, withAdaptersDisabled } from './lora';
import { packSequences, tokenLogProbs } from './scoring';

const root = mkdtempSync(join(tmpdir(), 'rfai-lora-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const ids = [[3, 14, 15, 92, 65, 35, 89, 79]];

function logits(model: ReturnType<typeof createModel>): Float32Array {
  const l = model.forward(ids);
  const d = l.dataSync() as Float32Array;
  l.dispose();
  return d;
}

/** Gives every lora_B random values so the adapters change the output. */
function randomizeB(model: ReturnType<typeof createModel>, seed: number) {
  let s = seed;
  for (const a of model.lora.values()) {
    const d = new Float32Array(a.B.size).map(() => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return (s / 2 ** 31 - 0.5) * 0.2;
    });
    const t = tf.tensor(d, a.B.shape);
    a.B.assign(t);
    t.dispose();
  }
}

describe('LoRA', () => {
  it('with B = 0 the adapted model equals the base bit for bit; only adapters are trainable', () => {
    const model = createModel(tinyConfig('qwen3'), 1);
    const base = logits(model);
    applyLora(model, { r: 4, alpha: 8, targetModules: ['q_proj', 'v_proj', 'down_proj'], seed: 3 });
    expect(model.lora.size).toBe(6);
    expect(Array.from(logits(model))).toEqual(Array.from(base));
    const keys = [...model.trainableParams().keys()];
    expect(keys).toHaveLength(12);
    expect(keys).toContain('model.layers.1.mlp.down_proj.lora_B.weight');
    const a = model.lora.get('model.layers.0.self_attn.q_proj')!;
    expect(a.A.shape).toEqual([4, 32]);
    expect(a.B.shape).toEqual([48, 4]);
    expect(a.scaling).toBe(2);
    // kaiming-uniform bound 1/sqrt(in)
    expect(Math.max(...Array.from(a.A.dataSync()).map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(32));
    model.dispose();
  });

  it('adapters change the output; disabled adapters give the base; merge equals the unmerged adapter model', async () => {
    const model = createModel(tinyConfig('qwen2'), 2);
    const base = logits(model);
    applyLora(model, { r: 2, alpha: 4, targetModules: 'all-linear' });
    randomizeB(model, 7);
    const adapted = logits(model);
    expect(Math.max(...adapted.map((v, i) => Math.abs(v - base[i])))).toBeGreaterThan(1e-3);
    expect(Array.from(withAdaptersDisabled(model, () => logits(model)))).toEqual(Array.from(base));
    expect(model.adaptersEnabled).toBe(true);
    await withAdaptersDisabled(model, async () => expect(model.adaptersEnabled).toBe(false));
    expect(model.adaptersEnabled).toBe(true);
    mergeLora(model);
    expect(model.lora.size).toBe(0);
    const merged = logits(model);
    expect(Math.max(...merged.map((v, i) => Math.abs(v - adapted[i])))).toBeLessThan(1e-5);
    expect(model.trainableParams().size).toBe(model.params.size);
    model.dispose();
  });

  it('gradients reach only the adapters', () => {
    const model = createModel(tinyConfig('qwen3'), 3);
    applyLora(model, { r: 2, alpha: 2 });
    randomizeB(model, 1);
    const packed = packSequences([[1, 2, 3]], [[4, 5, 6]], 0);
    const trainable = model.trainableParams();
    const { value, grads } = tf.variableGrads(() => tf.tidy(() => tf.neg(tf.sum(tokenLogProbs(model, packed).logprobs)) as tf.Scalar));
    expect(Object.keys(grads).sort()).toEqual([...trainable.values()].map((v) => v.name).sort());
    for (const v of trainable.values()) expect(tf.max(tf.abs(grads[v.name])).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);
    model.dispose();
  });

  it('dropout is active only in training mode and is seeded', () => {
    const make = () => {
      const m = createModel(tinyConfig('qwen3'), 4);
      applyLora(m, { r: 4, alpha: 4, dropout: 0.5, seed: 9 });
      randomizeB(m, 2);
      return m;
    };
    const a = make();
    const b = make();
    const evalA = logits(a);
    expect(Array.from(logits(a))).toEqual(Array.from(evalA));
    a.training = true;
    b.training = true;
    const trA = logits(a);
    expect(Math.max(...trA.map((v, i) => Math.abs(v - evalA[i])))).toBeGreaterThan(1e-4);
    expect(Array.from(logits(b))).toEqual(Array.from(trA));
    a.dispose();
    b.dispose();
  });

  it('saveAdapter / loadAdapter round-trip bit-exactly in PEFT layout', async () => {
    const model = createModel(tinyConfig('qwen3'), 5);
    applyLora(model, { r: 3, alpha: 6, dropout: 0.1, targetModules: ['q_proj', 'gate_proj'] });
    randomizeB(model, 3);
    const dir = join(root, 'adapter');
    await saveAdapter(model, dir, { baseModelNameOrPath: 'Qwen/Qwen3-0.6B' });
    expect(readdirSync(dir).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    const cfg = JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8'));
    expect(cfg).toMatchObject({
      peft_type: 'LORA',
      task_type: 'CAUSAL_LM',
      r: 3,
      lora_alpha: 6,
      lora_dropout: 0.1,
      target_modules: ['q_proj', 'gate_proj'],
      base_model_name_or_path: 'Qwen/Qwen3-0.6B',
      bias: 'none',
    });
    const saved = adapterTensors(model);
    expect(Object.keys(saved)).toContain('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight');
    const other = createModel(tinyConfig('qwen3'), 5);
    await loadAdapter(other, dir);
    const back = adapterTensors(other);
    expect(Object.keys(back).sort()).toEqual(Object.keys(saved).sort());
    for (const k of Object.keys(saved)) expect(Array.from(back[k].data as Float32Array)).toEqual(Array.from(saved[k].data as Float32Array));
    expect(Array.from(logits(other))).toEqual(Array.from(logits(model)));
    model.dispose();
    other.dispose();
  });

  it('errors: bad options, double apply, merge without adapters, adapter shape mismatch', async () => {
    const model = createModel(tinyConfig('qwen3'), 6);
    expect(() => applyLora(model, { r: 0, alpha: 1 })).toThrow(/r must be an integer >= 1, found 0/);
    expect(() => applyLora(model, { r: 2, alpha: 0 })).toThrow(/alpha must be > 0, found 0/);
    expect(() => applyLora(model, { r: 2, alpha: 1, dropout: 1 })).toThrow(/dropout must be in \[0, 1\), found 1/);
    expect(() => applyLora(model, { r: 2, alpha: 1, targetModules: ['qkv'] })).toThrow(/unknown target module "qkv"/);
    expect(() => mergeLora(model)).toThrow(/has no LoRA adapters/);
    applyLora(model, { r: 2, alpha: 1 });
    expect(() => applyLora(model, { r: 2, alpha: 1 })).toThrow(/already has LoRA adapters/);
    const dir = join(root, 'bad');
    await saveAdapter(model, dir);
    const t = adapterTensors(model);
    t['base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight'] = { dtype: 'F32', shape: [5, 2], data: new Float32Array(10) };
    await writeWeights(dir, t, { name: 'adapter_model' });
    const other = createModel(tinyConfig('qwen3'), 6);
    await expect(loadAdapter(other, dir)).rejects.toThrow(
      /adapter_model.safetensors: tensor "base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight" has shape \[5, 2\], expected \[24, 2\]/,
    );
    expect(other.lora.size).toBe(0);
    model.dispose();
    other.dispose();
  });

  it.each([
    ['use_rslora', true],
    ['use_dora', true],
    ['fan_in_fan_out', true],
    ['rank_pattern', { q_proj: 8 }],
    ['alpha_pattern', { q_proj: 8 }],
    ['layers_to_transform', [0]],
    ['modules_to_save', ['lm_head']],
  ])('loadAdapter refuses a PEFT config with %s = %j (plain LoRA would compute another model)', async (field, value) => {
    const model = createModel(tinyConfig('qwen3'), 7);
    applyLora(model, { r: 2, alpha: 4 });
    const dir = join(root, `peft-${field}`);
    await saveAdapter(model, dir);
    const file = join(dir, 'adapter_config.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), [field]: value }));
    const other = createModel(tinyConfig('qwen3'), 7);
    await expect(loadAdapter(other, dir)).rejects.toThrow(`${file}: ${field} ${JSON.stringify(value)} is not supported; rfai loads plain LoRA adapters only`);
    expect(other.lora.size).toBe(0);
    // The defaults PEFT writes (false, null, {}) load.
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), [field]: Array.isArray(value) ? null : typeof value === 'object' ? {} : false }));
    await loadAdapter(other, dir);
    expect(other.lora.size).toBe(4 * tinyConfig('qwen3').num_hidden_layers);
    model.dispose();
    other.dispose();
  });
});
