import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TensorData } from './dtypes';
import { CheckpointError, CheckpointIncompleteError, TensorNotFoundError } from './errors';
import { SafetensorsFile } from './safetensors-reader';
import { ShardedWeights, openWeights, readAllTensors, writeWeights } from './weights';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'rfai-weights-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Five 100-element F32 tensors (400 bytes each) with distinct values. */
function fiveTensors(): Record<string, TensorData> {
  const out: Record<string, TensorData> = {};
  for (let k = 0; k < 5; k++) {
    const data = new Float32Array(100);
    for (let i = 0; i < 100; i++) data[i] = k * 1000 + i;
    out[`layer.${k}.weight`] = { dtype: 'F32', shape: [10, 10], data };
  }
  return out;
}

describe('writeWeights / openWeights', () => {
  it('writes one model.safetensors with format=pt when under the shard limit', async () => {
    const dir = join(root, 'single');
    const res = await writeWeights(dir, fiveTensors());
    expect(res).toEqual({ files: ['model.safetensors'], totalSize: 2000, hashes: {} });
    const w = await openWeights(dir);
    expect(w).toBeInstanceOf(SafetensorsFile);
    expect(w.metadata).toEqual({ format: 'pt' });
    expect(w.names()).toEqual(['layer.0.weight', 'layer.1.weight', 'layer.2.weight', 'layer.3.weight', 'layer.4.weight']);
    expect((await w.readFloat32('layer.3.weight'))[7]).toBe(3007);
    await w.close();
  });

  it('shards greedily, writes the index and reads through it', async () => {
    const dir = join(root, 'sharded');
    const res = await writeWeights(dir, fiveTensors(), { maxShardBytes: 1000 });
    // 400 + 400 fit in 1000, a third would not: shards of 2, 2 and 1 tensors.
    expect(res.files).toEqual([
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
      'model.safetensors.index.json',
    ]);
    const index = JSON.parse(readFileSync(join(dir, 'model.safetensors.index.json'), 'utf8'));
    expect(index).toEqual({
      metadata: { total_size: 2000 },
      weight_map: {
        'layer.0.weight': 'model-00001-of-00003.safetensors',
        'layer.1.weight': 'model-00001-of-00003.safetensors',
        'layer.2.weight': 'model-00002-of-00003.safetensors',
        'layer.3.weight': 'model-00002-of-00003.safetensors',
        'layer.4.weight': 'model-00003-of-00003.safetensors',
      },
    });
    const w = await openWeights(dir);
    expect(w).toBeInstanceOf(ShardedWeights);
    expect((w as ShardedWeights).shardOf('layer.4.weight')).toBe('model-00003-of-00003.safetensors');
    expect(w.metadata).toEqual({ total_size: '2000' });
    expect(w.info('layer.2.weight')).toEqual({ dtype: 'F32', shape: [10, 10], byteLength: 400 });
    const all = await readAllTensors(w);
    expect(Object.keys(all)).toHaveLength(5);
    expect((all['layer.4.weight'].data as Float32Array)[99]).toBe(4099);
    const into = new Float32Array(100);
    expect(await w.readInto('layer.4.weight', into)).toBe(into);
    expect([into[0], into[99]]).toEqual([(all['layer.4.weight'].data as Float32Array)[0], 4099]);
    expect(() => w.info('layer.5.weight')).toThrow(TensorNotFoundError);
    expect(() => w.info('layer.5.weight')).toThrow('did you mean "layer.0.weight", "layer.1.weight", "layer.2.weight"?');
    await w.close();
  });

  it('casts to BF16 and counts stored bytes for the shard limit', async () => {
    const dir = join(root, 'bf16');
    const res = await writeWeights(dir, fiveTensors(), { castFloatTo: 'BF16', maxShardBytes: 1000, sha256: true });
    // 200 bytes each in BF16: all five fit in one 1000-byte shard.
    const file = readFileSync(join(dir, 'model.safetensors'));
    const sha256 = createHash('sha256').update(file).digest('hex');
    expect(res).toEqual({ files: ['model.safetensors'], totalSize: 1000, hashes: { 'model.safetensors': { size: file.length, sha256 } } });
    const w = await openWeights(join(dir, 'model.safetensors'));
    expect(w.info('layer.1.weight').dtype).toBe('BF16');
    expect((await w.readFloat32('layer.1.weight'))[5]).toBe(1004); // BF16 spacing at 1005 is 4: the nearest value is 1004
    await w.close();
  });

  it('removes the previous weight files when the layout changes', async () => {
    const dir = join(root, 'relayout');
    await writeWeights(dir, fiveTensors(), { maxShardBytes: 1000 });
    writeFileSync(join(dir, 'tokenizer.json'), '{}');
    await writeWeights(dir, fiveTensors());
    expect(readdirSync(dir).sort()).toEqual(['model.safetensors', 'tokenizer.json']);
    await writeWeights(dir, fiveTensors(), { maxShardBytes: 1200 });
    expect(readdirSync(dir).sort()).toEqual([
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
      'model.safetensors.index.json',
      'tokenizer.json',
    ]);
  });

  it('writes and reads a PEFT adapter stem', async () => {
    const dir = join(root, 'adapter');
    await writeWeights(dir, { 'base_model.model.q.lora_A.weight': { dtype: 'F32', shape: [1], data: new Float32Array([0.5]) } }, { name: 'adapter_model' });
    expect(existsSync(join(dir, 'adapter_model.safetensors'))).toBe(true);
    const w = await openWeights(dir, { name: 'adapter_model' });
    expect(Array.from(await w.readFloat32('base_model.model.q.lora_A.weight'))).toEqual([0.5]);
    await w.close();
  });

  it('reports a folder without weights, a missing shard and a wrong weight_map', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    await expect(openWeights(empty)).rejects.toThrow(CheckpointIncompleteError);
    await expect(openWeights(empty)).rejects.toThrow(`no weights in ${empty}: expected model.safetensors or model.safetensors.index.json`);

    await expect(openWeights(join(root, 'missing-dir'))).rejects.toThrow(`no weights at ${join(root, 'missing-dir')}: no such folder`);
    const dir = join(root, 'broken');
    await writeWeights(dir, fiveTensors(), { maxShardBytes: 1000 });
    rmSync(join(dir, 'model-00002-of-00003.safetensors'));
    await expect(openWeights(dir)).rejects.toThrow('shard file(s) missing from');
    await expect(openWeights(dir)).rejects.toThrow('model-00002-of-00003.safetensors');

    const dir2 = join(root, 'wrongmap');
    await writeWeights(dir2, fiveTensors(), { maxShardBytes: 1000 });
    const idx = join(dir2, 'model.safetensors.index.json');
    const index = JSON.parse(readFileSync(idx, 'utf8'));
    index.weight_map['layer.0.weight'] = 'model-00003-of-00003.safetensors';
    writeFileSync(idx, JSON.stringify(index));
    await expect(openWeights(dir2)).rejects.toThrow('weight_map puts tensor "layer.0.weight" in model-00003-of-00003.safetensors, but that shard does not hold it');

    writeFileSync(idx, '{"weight_map": [1]}');
    await expect(openWeights(dir2)).rejects.toThrow('"weight_map" must be an object');
    writeFileSync(idx, '{"weight_map": {"a": "../x.safetensors"}}');
    await expect(openWeights(dir2)).rejects.toThrow('weight_map entry "a" must name a shard file in the same folder');
    writeFileSync(idx, '{');
    await expect(openWeights(dir2)).rejects.toThrow(`cannot read weight index ${idx}`);
    await expect(writeWeights(dir2, {}, { maxShardBytes: 0 })).rejects.toThrow(CheckpointError);
  });
});
