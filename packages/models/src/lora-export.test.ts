/**
 * LoRA checkpoints at the scale of a real run, on tiny random Qwen2 / Qwen3 folders the test writes itself: after
 * an optimizer step the PEFT pair (adapter_config.json + adapter_model.safetensors) reloads onto a freshly loaded
 * base with identical logits, and the merged export is a full Hugging Face folder that reloads with the same
 * logits.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdamW, tf } from '@rfai/core';
import { openWeights } from '@rfai/checkpoint-io';
import { tinyConfig } from './__fixtures__/models';
import { createModel } from './create';
import type { CausalLM } from './decoder';
import { loadModel, saveMergedModel, saveModel } from './io';
import { applyLora, loadAdapter, mergedTensors, saveAdapter } from './lora';
import { packSequences, tokenLogProbs } from './scoring';

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
