// Model weight folders in the Hugging Face layout: one model.safetensors, or shards
// model-00001-of-0000N.safetensors with model.safetensors.index.json.

import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { TensorData, TypedArray } from './dtypes';
import { CheckpointError, CheckpointIncompleteError, TensorNotFoundError } from './errors';
import { writeFileAtomic } from './fs-io';
import { SafetensorsFile, type TensorInfo, type WeightSource } from './safetensors-reader';
import { prepareTensor, writeSafetensors } from './safetensors-writer';
import { closestNames } from './suggest';

/** Hugging Face's default shard limit (transformers `max_shard_size="5GB"`), in bytes. */
export const DEFAULT_MAX_SHARD_BYTES = 5_000_000_000;

/** Options of {@link openWeights}. */
export interface OpenWeightsOptions {
  /** File stem: 'model' reads model.safetensors / model.safetensors.index.json; 'adapter_model' reads a PEFT adapter. Default 'model'. */
  name?: string;
}

/** A sharded weight set read through its index; tensors are read from their shard on demand. */
export class ShardedWeights implements WeightSource {
  /** The index file's path. */
  readonly path: string;
  /** The index's `metadata` as strings (e.g. total_size); `{}` when absent. */
  readonly metadata: Record<string, string>;
  private readonly shards: Map<string, SafetensorsFile>;
  private readonly owner: Map<string, SafetensorsFile>;

  private constructor(path: string, metadata: Record<string, string>, shards: Map<string, SafetensorsFile>, owner: Map<string, SafetensorsFile>) {
    this.path = path;
    this.metadata = metadata;
    this.shards = shards;
    this.owner = owner;
  }

  /** Opens an index file and every shard it names; checks each listed tensor is in its shard. */
  static async open(indexFile: string): Promise<ShardedWeights> {
    const dir = dirname(indexFile);
    let index: unknown;
    try {
      index = JSON.parse(await fsp.readFile(indexFile, 'utf8'));
    } catch (e) {
      throw new CheckpointError(`cannot read weight index ${indexFile}: ${(e as Error).message}`, { path: indexFile }, { cause: e });
    }
    const weightMap = (index as { weight_map?: unknown })?.weight_map;
    if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
      throw new CheckpointError(`${indexFile}: "weight_map" must be an object {tensor name: shard file}`, { path: indexFile, key: 'weight_map' });
    }
    const rawMeta = (index as { metadata?: Record<string, unknown> }).metadata ?? {};
    const metadata = Object.fromEntries(Object.entries(rawMeta).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    const shardNames = new Set<string>();
    for (const [name, shard] of Object.entries(weightMap)) {
      if (typeof shard !== 'string' || shard.length === 0 || basename(shard) !== shard) {
        throw new CheckpointError(`${indexFile}: weight_map entry "${name}" must name a shard file in the same folder, found ${JSON.stringify(shard)}`, {
          path: indexFile,
          key: name,
        });
      }
      shardNames.add(shard);
    }
    const missing: string[] = [];
    for (const s of shardNames) {
      try {
        await fsp.access(join(dir, s));
      } catch {
        missing.push(s);
      }
    }
    if (missing.length) {
      throw new CheckpointIncompleteError(`${indexFile}: shard file(s) missing from ${dir}: ${missing.join(', ')}`, { path: indexFile, missing });
    }
    const shards = new Map<string, SafetensorsFile>();
    try {
      for (const s of shardNames) shards.set(s, await SafetensorsFile.open(join(dir, s)));
      const owner = new Map<string, SafetensorsFile>();
      for (const [name, shard] of Object.entries(weightMap as Record<string, string>)) {
        const f = shards.get(shard)!;
        if (!f.has(name)) {
          throw new CheckpointError(`${indexFile}: weight_map puts tensor "${name}" in ${shard}, but that shard does not hold it`, {
            path: join(dir, shard),
            key: name,
          });
        }
        owner.set(name, f);
      }
      return new ShardedWeights(indexFile, metadata, shards, owner);
    } catch (e) {
      for (const f of shards.values()) await f.close();
      throw e;
    }
  }

  /** Tensor names in index order. */
  names(): string[] {
    return [...this.owner.keys()];
  }
  /** True when the index lists `name`. */
  has(name: string): boolean {
    return this.owner.has(name);
  }
  /** Dtype, shape and byte size of `name`. */
  info(name: string): TensorInfo {
    return this.file(name).info(name);
  }
  /** Reads `name` from its shard in its stored dtype. The caller owns the array. */
  read(name: string): Promise<TensorData> {
    return this.file(name).read(name);
  }
  /** Reads a floating tensor as Float32Array. */
  readFloat32(name: string): Promise<Float32Array> {
    return this.file(name).readFloat32(name);
  }
  /** Reads `name` from its shard into `target` (see {@link SafetensorsFile.readInto}). Resolves to `target`. */
  readInto<T extends TypedArray>(name: string, target: T): Promise<T> {
    return this.file(name).readInto(name, target);
  }
  /** Shard file holding `name` (its base name). */
  shardOf(name: string): string {
    return basename(this.file(name).path);
  }
  /** Closes every shard. */
  async close(): Promise<void> {
    for (const f of this.shards.values()) await f.close();
  }

  private file(name: string): SafetensorsFile {
    const f = this.owner.get(name);
    if (!f) {
      const suggestions = closestNames(name, this.owner.keys());
      const hint = suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : '';
      throw new TensorNotFoundError(`${this.path}: no tensor "${name}" in the weight_map (${this.owner.size} tensors)${hint}`, {
        path: this.path,
        key: name,
        suggestions,
      });
    }
    return f;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.access(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens the weights of a Hugging Face style folder: `{name}.safetensors` when present, else the sharded
 * `{name}.safetensors.index.json` (transformers' order). A path to a .safetensors file opens that file.
 * The caller closes the returned source. Throws CheckpointIncompleteError when neither exists.
 */
export async function openWeights(dir: string, opts: OpenWeightsOptions = {}): Promise<WeightSource> {
  const name = opts.name ?? 'model';
  if (dir.endsWith('.safetensors')) return SafetensorsFile.open(dir);
  if (dir.endsWith('.safetensors.index.json')) return ShardedWeights.open(dir);
  const st = await fsp.stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) {
    throw new CheckpointIncompleteError(`no weights at ${dir}: ${st ? 'not a folder or a .safetensors file' : 'no such folder'}`, {
      path: dir,
      missing: [`${name}.safetensors`],
    });
  }
  const single = join(dir, `${name}.safetensors`);
  if (await exists(single)) return SafetensorsFile.open(single);
  const index = join(dir, `${name}.safetensors.index.json`);
  if (await exists(index)) return ShardedWeights.open(index);
  throw new CheckpointIncompleteError(
    `no weights in ${dir}: expected ${name}.safetensors or ${name}.safetensors.index.json (PyTorch .bin checkpoints are not supported; convert them to safetensors)`,
    { path: dir, missing: [`${name}.safetensors`] },
  );
}

/** Options of {@link writeWeights}. */
export interface WriteWeightsOptions {
  /** Largest shard in tensor bytes; a larger set is split into shards plus an index. Default 5e9 (5 GB, as transformers). */
  maxShardBytes?: number;
  /** Store floating tensors as this dtype (see writeSafetensors). Default: keep. */
  castFloatTo?: 'F32' | 'F16' | 'BF16';
  /** File stem. Default 'model' (use 'adapter_model' for PEFT adapters). */
  name?: string;
  /** Extra `__metadata__` for every file; `format: 'pt'` is always set, as transformers requires it. */
  metadata?: Record<string, string>;
  /** fsync every file and the folder. Default false. */
  fsync?: boolean;
  /** Compute each file's sha256 while writing (see `hashes`). Default false. */
  sha256?: boolean;
}

/** What {@link writeWeights} wrote. */
export interface WrittenWeights {
  /** File names written (shards, then the index when sharded). */
  files: string[];
  /** Sum of tensor bytes as stored (the index's total_size). */
  totalSize: number;
  /** Size and hex sha256 per safetensors file written, when `sha256` was set. */
  hashes: Record<string, { size: number; sha256: string }>;
}

/**
 * Writes `tensors` into `dir` as `{name}.safetensors`, or, when their stored size exceeds `maxShardBytes`, as
 * `{name}-0000i-of-0000N.safetensors` shards (tensors in the given order, greedy, as transformers does) plus
 * `{name}.safetensors.index.json`. Weight files of a previous save with the same stem are removed, so the folder
 * never holds two weight sets. Creates `dir`. Throws TensorDataError for bad tensors.
 */
export async function writeWeights(dir: string, tensors: Record<string, TensorData>, opts: WriteWeightsOptions = {}): Promise<WrittenWeights> {
  const name = opts.name ?? 'model';
  const maxShardBytes = opts.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES;
  if (!(maxShardBytes > 0)) {
    throw new CheckpointError(`writeWeights: maxShardBytes must be a positive number of bytes, got ${maxShardBytes}`, {
      key: 'maxShardBytes',
      expected: '> 0',
      found: maxShardBytes,
    });
  }
  await fsp.mkdir(dir, { recursive: true });
  const metadata = { ...(opts.metadata ?? {}), format: 'pt' };
  const entries = Object.entries(tensors);
  const sizes = entries.map(([n, t]) => prepareTensor(join(dir, `${name}.safetensors`), n, t, opts.castFloatTo).byteLength);
  const totalSize = sizes.reduce((a, b) => a + b, 0);

  const groups: [string, TensorData][][] = [];
  let current: [string, TensorData][] = [];
  let currentBytes = 0;
  entries.forEach((e, i) => {
    if (current.length > 0 && currentBytes + sizes[i] > maxShardBytes) {
      groups.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(e);
    currentBytes += sizes[i];
  });
  if (current.length > 0 || groups.length === 0) groups.push(current);

  const written: string[] = [];
  const hashes: Record<string, { size: number; sha256: string }> = {};
  const wopts = { metadata, castFloatTo: opts.castFloatTo, fsync: opts.fsync, sha256: opts.sha256 };
  const record = (file: string, w: { size: number; sha256?: string }) => {
    written.push(file);
    if (w.sha256) hashes[file] = { size: w.size, sha256: w.sha256 };
  };
  if (groups.length === 1) {
    const file = `${name}.safetensors`;
    record(file, await writeSafetensors(join(dir, file), tensors, wopts));
  } else {
    const pad = (k: number) => String(k).padStart(5, '0');
    const weightMap: Record<string, string> = {};
    for (let g = 0; g < groups.length; g++) {
      const file = `${name}-${pad(g + 1)}-of-${pad(groups.length)}.safetensors`;
      record(file, await writeSafetensors(join(dir, file), Object.fromEntries(groups[g]), wopts));
      for (const [n] of groups[g]) weightMap[n] = file;
    }
    const indexFile = `${name}.safetensors.index.json`;
    await writeFileAtomic(join(dir, indexFile), JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2) + '\n', opts.fsync ?? false);
    written.push(indexFile);
  }
  await removeStale(dir, name, new Set(written));
  return { files: written, totalSize, hashes };
}

/** Removes weight files with this stem that the latest write did not produce. */
async function removeStale(dir: string, name: string, keep: Set<string>): Promise<void> {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${esc}(\\.safetensors|\\.safetensors\\.index\\.json|-\\d{5}-of-\\d{5}\\.safetensors)$`);
  for (const f of await fsp.readdir(dir)) {
    if (pattern.test(f) && !keep.has(f)) await fsp.rm(join(dir, f), { force: true });
  }
}

/** Reads every tensor of `source` in its stored dtype into memory (for small sets: optimizer state, adapters). */
export async function readAllTensors(source: WeightSource): Promise<Record<string, TensorData>> {
  const out: Record<string, TensorData> = {};
  for (const name of source.names()) out[name] = await source.read(name);
  return out;
}
