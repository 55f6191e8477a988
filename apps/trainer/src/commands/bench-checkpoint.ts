/**
 * bench-scale --checkpoint DIR (issue 17, item 6): the LoRA checkpoint round trip at the benchmark's scale. After
 * the timed steps the trained policy is written as a base folder, a PEFT adapter pair (adapter_config.json +
 * adapter_model.safetensors, PEFT key names) and a merged full Hugging Face folder, each is loaded back into rfai,
 * and the reloaded models' logits are compared with the trained policy's on a probe sequence. A few steps on random
 * weights leave the adapters' B at zero (every reward is 0, so is every advantage), which would make any reload
 * look right: B is first set to seeded noise, so that the adapters change the logits and the comparisons see them.
 */
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { openWeights } from '@rfai/checkpoint-io';
import { tf } from '@rfai/core';
import { loadAdapter, loadModel, saveAdapter, saveMergedModel, saveModel, withAdaptersDisabled, type CausalLM, type Tokenizer } from '@rfai/models';

/** What the round trip measured (JSON, in the benchmark's report). */
export interface CheckpointReport {
  dir: string;
  /** Seconds to write the base, the adapter pair and the merged folder. */
  save_s: { base: number; adapter: number; merged: number };
  /** Seconds to load base + adapter, and the merged folder. */
  load_s: { base_and_adapter: number; merged: number };
  /** Folder sizes in MB. */
  size_mb: { base: number; adapter: number; merged: number };
  /** adapter_model.safetensors: its tensor count and first key (PEFT's naming). */
  adapter_tensors: number;
  adapter_first_key: string;
  probe_tokens: number;
  /** Largest |logit difference| the adapters (B set to N(0, 0.02) noise) make: what the comparisons below can see. */
  adapter_effect_max_abs: number;
  /** Largest |logit difference| against the trained policy: base + adapter (0: bit-identical), merged. */
  peft_max_abs_diff: number;
  merged_max_abs_diff: number;
  /** The same relative to the largest |logit|. */
  merged_max_rel_diff: number;
}

function logitsOf(model: CausalLM, ids: number[]): Float32Array {
  const l = model.forward([ids]);
  const d = l.dataSync() as Float32Array;
  l.dispose();
  return d;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function folderMb(dir: string): number {
  const bytes = readdirSync(dir).reduce((a, f) => a + statSync(path.join(dir, f)).size, 0);
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}

const seconds = (t0: number) => Math.round((performance.now() - t0) / 10) / 100;

/**
 * Writes `policy` (with LoRA adapters) under `dir` as base/, adapter/ and merged/, then frees it with `release`
 * (the wasm heap holds one 0.5 B model at a time) and loads each back. `probe` is a token sequence to compare
 * logits on.
 */
export async function checkpointRoundTrip(
  policy: CausalLM,
  tokenizer: Tokenizer,
  dir: string,
  probe: number[],
  release: () => void,
): Promise<CheckpointReport> {
  if (policy.lora.size === 0) throw new Error('--checkpoint needs --lora: it checks the PEFT adapter pair and the merged export');
  const base = path.resolve(dir, 'base');
  const adapter = path.resolve(dir, 'adapter');
  const merged = path.resolve(dir, 'merged');
  let k = 0;
  for (const [name, v] of policy.trainableParams()) {
    if (name.endsWith('lora_B.weight')) v.assign(tf.tidy(() => tf.randomNormal(v.shape, 0, 0.02, 'float32', 1000 + k++)));
  }
  const want = logitsOf(policy, probe);
  const effect = maxAbsDiff(want, withAdaptersDisabled(policy, () => logitsOf(policy, probe)));
  let t = performance.now();
  await saveModel(policy, base, { tokenizer });
  const saveBase = seconds(t);
  t = performance.now();
  await saveAdapter(policy, adapter, { baseModelNameOrPath: base });
  const saveAdapterS = seconds(t);
  t = performance.now();
  await saveMergedModel(policy, merged, { tokenizer });
  const saveMerged = seconds(t);
  release();

  t = performance.now();
  const reloaded = await loadModel(base);
  await loadAdapter(reloaded, adapter);
  const loadPair = seconds(t);
  const peft = logitsOf(reloaded, probe);
  reloaded.dispose();
  t = performance.now();
  const full = await loadModel(merged);
  const loadMerged = seconds(t);
  const mergedLogits = logitsOf(full, probe);
  full.dispose();
  let scale = 1e-6;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  const src = await openWeights(adapter, { name: 'adapter_model' });
  const keys = src.names();
  await src.close();
  const mergedAbs = maxAbsDiff(want, mergedLogits);
  return {
    dir: path.resolve(dir),
    save_s: { base: saveBase, adapter: saveAdapterS, merged: saveMerged },
    load_s: { base_and_adapter: loadPair, merged: loadMerged },
    size_mb: { base: folderMb(base), adapter: folderMb(adapter), merged: folderMb(merged) },
    adapter_tensors: keys.length,
    adapter_first_key: [...keys].sort()[0] ?? '',
    probe_tokens: probe.length,
    adapter_effect_max_abs: effect,
    peft_max_abs_diff: maxAbsDiff(want, peft),
    merged_max_abs_diff: mergedAbs,
    merged_max_rel_diff: mergedAbs / scale,
  };
}
