import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@rfai/core';
import { writeWeights, type TensorData } from '@rfai/checkpoint-io';
import { architectureFor } from './architecture';
import { tinyConfig } from './__fixtures__/models';
import { fixtureRandom, randomWeights, referenceLogits } from './__fixtures__/reference';
import type { ModelConfig } from './config';
import { createModel } from './create';
import { loadModel, saveModel } from './io';
import { ByteTokenizer, loadTokenizer } from './tokenizer';

const root = mkdtempSync(join(tmpdir(), 'rfai-models-io-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `m${n++}`);

/** BF16 round-to-nearest-even of a float32, computed independently of checkpoint-io. */
function bf16Round(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer);
  const lsb = (u[0] >>> 16) & 1;
  u[0] = ((u[0] + 0x7fff + lsb) >>> 16) << 16;
  return f[0];
}

/** IEEE half round-to-nearest-even of a (small, finite) number, computed independently of checkpoint-io. */
function f16Round(x: number): number {
  if (x === 0) return 0;
  const a = Math.abs(x);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  const scale = 2 ** (Math.max(e, -14) - 10);
  const q = a / scale;
  const fl = Math.floor(q);
  const r = q - fl > 0.5 || (q - fl === 0.5 && fl % 2 === 1) ? fl + 1 : fl;
  return Math.sign(x) * r * scale;
}

type W = Map<string, { shape: number[]; data: Float32Array }>;

async function writeFixture(dir: string, cfg: ModelConfig, w: W, opts: { bf16?: boolean; f16?: boolean; maxShardBytes?: number } = {}) {
  const tensors: Record<string, TensorData> = {};
  for (const [k, t] of w) tensors[k] = { dtype: 'F32', shape: t.shape, data: t.data };
  await writeWeights(dir, tensors, {
    ...(opts.bf16 ? { castFloatTo: 'BF16' as const } : {}),
    ...(opts.f16 ? { castFloatTo: 'F16' as const } : {}),
    ...(opts.maxShardBytes ? { maxShardBytes: opts.maxShardBytes } : {}),
  });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, torch_dtype: opts.bf16 ? 'bfloat16' : 'float32' }));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const r = fixtureRandom(99);
const ids = Array.from({ length: 9 }, () => Math.floor(r() * 99));

describe('loadModel against a float64 reference', () => {
  for (const mt of ['qwen2', 'qwen3', 'llama'] as const) {
    for (const variant of (mt === 'qwen2' ? ['F32', 'BF16', 'F16', 'sharded'] : ['F32', 'BF16', 'sharded']) as ('F32' | 'BF16' | 'F16' | 'sharded')[]) {
      it(`${mt} ${variant}`, async () => {
        const cfg = tinyConfig(mt);
        const w = randomWeights(architectureFor(cfg).parameterShapes(cfg), 40 + n) as W;
        const dir = fresh();
        await writeFixture(dir, cfg, w, { bf16: variant === 'BF16', f16: variant === 'F16', maxShardBytes: variant === 'sharded' ? 20_000 : undefined });
        if (variant === 'sharded') expect(readdirSync(dir)).toContain('model.safetensors.index.json');
        const model = await loadModel(dir);
        const round = variant === 'BF16' ? bf16Round : variant === 'F16' ? f16Round : null;
        const refW = round ? new Map([...w].map(([k, t]) => [k, { shape: t.shape, data: t.data.map(round) }])) : w;
        if (round) {
          // The stored values are exactly the rounded ones.
          const m = await loadModel(dir);
          const key = 'model.layers.0.mlp.up_proj.weight';
          expect(Array.from(m.weight(key).dataSync())).toEqual(Array.from(refW.get(key)!.data));
          m.dispose();
        }
        const logits = model.forward([ids]);
        const ref = referenceLogits(cfg as never, refW, ids).flat();
        expect(maxAbsDiff(logits.dataSync(), ref)).toBeLessThan(1e-4);
        logits.dispose();
        model.dispose();
      });
    }
  }

  it('sharded loads bit-identically to unsharded', async () => {
    const cfg = tinyConfig('qwen3');
    const w = randomWeights(architectureFor(cfg).parameterShapes(cfg), 5) as W;
    const a = fresh();
    const b = fresh();
    await writeFixture(a, cfg, w);
    await writeFixture(b, cfg, w, { maxShardBytes: 10_000 });
    const ma = await loadModel(a);
    const mb = await loadModel(b);
    const la = ma.forward([ids]);
    const lb = mb.forward([ids]);
    expect(Array.from(lb.dataSync())).toEqual(Array.from(la.dataSync()));
    tf.dispose([la, lb]);
    ma.dispose();
    mb.dispose();
  });
});

describe('saveModel', () => {
  it('F32 save then load round-trips bit-exactly, with tokenizer files and no lm_head when tied', async () => {
    const model = createModel(tinyConfig('qwen3'), 4);
    const dir = fresh();
    await saveModel(model, dir, { tokenizer: new ByteTokenizer() });
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(cfg.architectures).toEqual(['Qwen3ForCausalLM']);
    expect(cfg.torch_dtype).toBe('float32');
    const back = await loadModel(dir);
    expect([...back.params.keys()]).toEqual([...model.params.keys()]);
    expect(back.params.has('lm_head.weight')).toBe(false);
    for (const [k, v] of model.params) {
      expect(Buffer.from(back.weight(k).dataSync().buffer).equals(Buffer.from(v.dataSync().buffer))).toBe(true);
    }
    expect(loadTokenizer(dir)).toBeInstanceOf(ByteTokenizer);
    model.dispose();
    back.dispose();
  });

  it('BF16 save stores round-to-nearest-even values; saving the loaded model again gives identical bytes', async () => {
    const model = createModel(tinyConfig('qwen2'), 8);
    const d1 = fresh();
    const d2 = fresh();
    await saveModel(model, d1, { dtype: 'BF16' });
    const back = await loadModel(d1);
    const orig = model.weight('model.layers.1.mlp.up_proj.weight').dataSync();
    const got = back.weight('model.layers.1.mlp.up_proj.weight').dataSync();
    expect(Array.from(got)).toEqual(Array.from(orig).map(bf16Round));
    await saveModel(back, d2, { dtype: 'BF16' });
    expect(readFileSync(join(d2, 'model.safetensors')).equals(readFileSync(join(d1, 'model.safetensors')))).toBe(true);
    expect(JSON.parse(readFileSync(join(d1, 'config.json'), 'utf8')).torch_dtype).toBe('bfloat16');
    model.dispose();
    back.dispose();
  });
});

describe('loadModel errors', () => {
  const cfg = tinyConfig('qwen2');
  const base = () => randomWeights(architectureFor(cfg).parameterShapes(cfg), 1) as W;

  it('unsupported model_type', async () => {
    const dir = fresh();
    await writeFixture(dir, { ...cfg, model_type: 'gpt2' as never }, base());
    await expect(loadModel(dir)).rejects.toThrow(/config.json: model_type "gpt2" is not supported; rfai implements "llama", "qwen2" and "qwen3"/);
  });

  it('missing tensor names the key, the file and the expected shape', async () => {
    const w = base();
    w.delete('model.layers.1.self_attn.k_proj.bias');
    const dir = fresh();
    await writeFixture(dir, cfg, w);
    await expect(loadModel(dir)).rejects.toThrow(
      `${join(dir, 'model.safetensors')}: tensor "model.layers.1.self_attn.k_proj.bias" (expected shape [16]) is missing`,
    );
  });

  it('missing tensor in a sharded checkpoint names the index', async () => {
    const w = base();
    w.delete('model.norm.weight');
    const dir = fresh();
    await writeFixture(dir, cfg, w, { maxShardBytes: 10_000 });
    await expect(loadModel(dir)).rejects.toThrow(`${join(dir, 'model.safetensors.index.json')}: tensor "model.norm.weight"`);
  });

  it('shape mismatch names the tensor, its shard file and both shapes', async () => {
    const w = base();
    w.set('model.layers.0.mlp.down_proj.weight', { shape: [32, 40], data: new Float32Array(32 * 40) });
    const dir = fresh();
    await writeFixture(dir, cfg, w, { maxShardBytes: 10_000 });
    const err = await loadModel(dir).catch((e) => e);
    expect(err.name).toBe('ShapeMismatchError');
    expect(err.message).toMatch(/model-\d{5}-of-\d{5}\.safetensors: tensor "model.layers.0.mlp.down_proj.weight" has shape \[32, 40\], expected \[32, 48\]/);
    expect(err.expectedShape).toEqual([32, 48]);
    expect(err.foundShape).toEqual([32, 40]);
  });

  it('unexpected tensors are an error unless strict is false', async () => {
    const w = base();
    w.set('model.layers.7.mlp.up_proj.weight', { shape: [2], data: new Float32Array(2) });
    w.set('model.layers.0.self_attn.rotary_emb.inv_freq', { shape: [4], data: new Float32Array(4) });
    const dir = fresh();
    await writeFixture(dir, cfg, w);
    await expect(loadModel(dir)).rejects.toThrow(/1 tensor\(s\) are not used by the architecture in config.json: model.layers.7.mlp.up_proj.weight/);
    const m = await loadModel(dir, { strict: false });
    m.dispose();
  });

  it('missing config.json and missing weights', async () => {
    const dir = fresh();
    await writeFixture(dir, cfg, base());
    rmSync(join(dir, 'config.json'));
    await expect(loadModel(dir)).rejects.toThrow(/config.json: not found; a model folder needs config.json/);
    rmSync(join(dir, 'model.safetensors'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
    await expect(loadModel(dir)).rejects.toThrow(/no weights in/);
  });

  it('rope_scaling types that are not implemented are rejected', async () => {
    const dir = fresh();
    await writeFixture(dir, { ...cfg, rope_scaling: { rope_type: 'yarn', factor: 4 } }, base());
    await expect(loadModel(dir)).rejects.toThrow(/rope_scaling \{"rope_type":"yarn","factor":4\} is not implemented/);
  });
});
