import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runBenchScale, benchModelConfig, defaultParallelGeneration, trlFigure } from './bench-scale';

/** Runs the command with stdout/stderr captured. */
async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    const code = await runBenchScale(argv);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('bench-scale', () => {
  it('samples over the update processes by default only where each decodes more than 4 rows of a large model', () => {
    expect(defaultParallelGeneration(true, 2, 2, false)).toBe(false); // Qwen at 1 x 2 x 32: a row a process
    expect(defaultParallelGeneration(true, 8, 2, false)).toBe(false);
    expect(defaultParallelGeneration(true, 16, 2, false)).toBe(true); // 4 x 4 x 64: 8 rows a process
    expect(defaultParallelGeneration(true, 16, 4, false)).toBe(false);
    expect(defaultParallelGeneration(false, 16, 2, false)).toBe(false); // the byte presets: the config's
    expect(defaultParallelGeneration(false, 2, 2, true)).toBe(true);
  });

  it('builds the exact released configs', () => {
    const q2 = benchModelConfig('qwen2.5-0.5b', 'qwen');
    expect(q2).toMatchObject({
      model_type: 'qwen2',
      hidden_size: 896,
      num_hidden_layers: 24,
      num_attention_heads: 14,
      num_key_value_heads: 2,
      intermediate_size: 4864,
      vocab_size: 151936,
      tie_word_embeddings: true,
      rope_theta: 1000000,
    });
    const q3 = benchModelConfig('qwen3-0.6b', 'qwen');
    expect(q3).toMatchObject({
      model_type: 'qwen3',
      hidden_size: 1024,
      num_hidden_layers: 28,
      num_attention_heads: 16,
      num_key_value_heads: 8,
      head_dim: 128,
      intermediate_size: 3072,
      tie_word_embeddings: true,
      attention_bias: false,
    });
    expect(benchModelConfig('tiny', 'byte').vocab_size).toBe(259);
    expect(() => benchModelConfig('qwen3-0.6b', 'byte')).toThrow('--tokenizer byte is not available for qwen3-0.6b');
  });

  it('knows the TRL figures by shape', () => {
    expect(trlFigure('qwen2.5-0.5b', 'qwen', 1, 2, 32)?.sPerStep).toBe(17.6);
    expect(trlFigure('tiny', 'byte', 4, 4, 64)?.sPerStep).toBe(0.79);
    expect(trlFigure('tiny', 'qwen', 4, 4, 64)?.sPerStep).toBe(9.8);
    expect(trlFigure('tiny', 'byte', 4, 4, 32)).toBeNull();
  });

  it('bad usage exits 2 with the reason', async () => {
    const a = await run(['--model', 'qwen9']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/expected one of qwen2.5-0.5b, qwen3-0.6b, tiny, small, base, found "qwen9"/);
    const b = await run(['--lora-targets', 'q_proj,foo']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/comma-separated list of q_proj, k_proj/);
    const c = await run(['--model', 'qwen2.5-0.5b', '--tokenizer', 'byte']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--tokenizer byte is not available for qwen2.5-0.5b/);
    const d = await run(['--checkpoint', 'x']);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/--checkpoint needs --lora/);
    const e = await run(['--gradient-checkpointing', 'sometimes']);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/expected one of on, off, auto, found "sometimes"/);
  });

  it('runs RFAI steps and prints one JSON object on its last line; the LoRA checkpoint round trip reloads the same logits', async () => {
    const ckpt = mkdtempSync(path.join(tmpdir(), 'rfai-bench-ckpt-'));
    const r = await run(['--checkpoint', ckpt, '--model', 'tiny', '--prompts', '1', '--samples', '2', '--new-tokens', '4', '--steps', '2', '--backend', 'cpu', '--lora', '--lora-r', '2', '--no-matmul', '--threads', '1', '--workers', '2', '--parallel-generation', 'on']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const report = JSON.parse(lines[lines.length - 1]);
    for (const key of ['s_per_step', 's_first_step', 'gen_tokens_per_s', 'train_tokens_per_s', 'grading_s', 'peak_rss_mb', 'peak_backend_mb', 'backend', 'threads']) {
      expect(report).toHaveProperty(key);
    }
    expect(report.backend).toBe('cpu');
    expect(report.threads).toBe(1);
    expect(report.s_steps).toHaveLength(2);
    expect(report.shape).toMatchObject({ prompts: 1, samples: 2, new_tokens: 4, tokenizer: 'byte', lora: { r: 2, alpha: 4 } });
    // r=2 on q [128x128], k, v [64x128], o [128x128]: r*(in+out) each = 512 + 384 + 384 + 512, times 4 layers.
    expect(report.shape.trainable_params).toBe(4 * (512 + 384 + 384 + 512));
    // Checkpointing 'auto' (the default with LoRA) recomputes no layer off wasm.
    expect(report.shape).toMatchObject({ gradient_checkpointing: 'auto', checkpointed_layers: 0 });
    expect(report.ratio_to_trl).toBeNull();
    expect(r.stderr).toMatch(/step 2\/2: .* s \(generation/);
    // Sampling and the update ran over this process and one worker, whose peak memory is reported too.
    expect(report.update_processes).toBe(2);
    expect(report.shape.parallel_generation).toBe(true);
    expect(report.peak_rss_mb_workers).toHaveLength(1);
    expect(report.peak_rss_mb_workers[0]).toBeGreaterThan(50);
    expect(report.peak_rss_mb_all_processes).toBe(report.peak_rss_mb + report.peak_rss_mb_workers[0]);
    // The round trip: a base folder, the PEFT pair and a merged folder, each reloaded. The adapters (B set to noise)
    // change the logits; base + adapter reloads them bit for bit, the merged weights to float rounding.
    const c = report.checkpoint;
    expect(c.dir).toBe(path.resolve(ckpt));
    for (const f of ['base/model.safetensors', 'base/config.json', 'adapter/adapter_config.json', 'adapter/adapter_model.safetensors', 'merged/model.safetensors']) {
      expect(existsSync(path.join(ckpt, f))).toBe(true);
    }
    expect(JSON.parse(readFileSync(path.join(ckpt, 'adapter/adapter_config.json'), 'utf8'))).toMatchObject({ peft_type: 'LORA', r: 2, lora_alpha: 4 });
    expect(c.adapter_tensors).toBe(4 * 4 * 2);
    expect(c.adapter_first_key).toBe('base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight');
    expect(c.adapter_effect_max_abs).toBeGreaterThan(1e-2);
    expect(c.peft_max_abs_diff).toBe(0);
    expect(c.merged_max_rel_diff).toBeLessThan(1e-5);
  });
});
