// safetensors writer: validates the tensors, orders them like the official writer,
// writes header + data to a temp sibling and renames it over the target.

import { createHash, type Hash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DTYPES, isDtype, DTYPE_NAMES, shapeSize, typedArrayFor, type SafetensorsDtype, type TensorData, type TypedArray } from './dtypes';
import { CheckpointDiskFullError, TensorDataError } from './errors';
import { diskFullError, fsyncDir, isDiskFull, withDiskFullContext, writeAll } from './fs-io';
import { bf16ToFloat32, f16ToFloat32, float32ToBf16, float32ToF16 } from './half';
import { buildHeader, officialOrder } from './safetensors-header';

/** Options of {@link writeSafetensors}. */
export interface WriteSafetensorsOptions {
  /** String map stored as `__metadata__` (e.g. `{ format: 'pt' }`). Default: none. */
  metadata?: Record<string, string>;
  /** Store every floating tensor (F64/F32/F16/BF16) as this dtype; BF16/F16 round to nearest even. Default: keep. */
  castFloatTo?: 'F32' | 'F16' | 'BF16';
  /** fsync the file and its folder before returning (crash-safe, slower). Default false. */
  fsync?: boolean;
  /** Compute the file's sha256 while writing (no second read). Default false. */
  sha256?: boolean;
}

/** What {@link writeSafetensors} wrote. */
export interface WrittenFile {
  /** Final path. */
  path: string;
  /** File size in bytes. */
  size: number;
  /** Hex sha256 of the file, when `sha256` was set. */
  sha256?: string;
}

/** A tensor ready to be written: final dtype and a byte view of its little-endian data. */
interface Prepared {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  byteLength: number;
  /** Produces the bytes when written (conversions happen one tensor at a time). */
  bytes: () => Uint8Array;
}

function bytesOf(a: TypedArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function toFloat32(t: TensorData): Float32Array {
  switch (t.dtype) {
    case 'F32':
      return t.data as Float32Array;
    case 'F64':
      return Float32Array.from(t.data as Float64Array);
    case 'F16':
      return t.data.BYTES_PER_ELEMENT === 4 ? (t.data as Float32Array) : f16ToFloat32(t.data as Uint16Array);
    case 'BF16':
      return t.data.BYTES_PER_ELEMENT === 4 ? (t.data as Float32Array) : bf16ToFloat32(t.data as Uint16Array);
    default:
      throw new Error(`unreachable: ${t.dtype} is not floating`);
  }
}

/** Checks one tensor and returns how to write it. `file` and `name` go into every error message. */
export function prepareTensor(file: string, name: string, t: TensorData, castFloatTo?: 'F32' | 'F16' | 'BF16'): Prepared {
  const where = `${file}, tensor "${name}"`;
  const err = (msg: string, expected?: unknown, found?: unknown): never => {
    throw new TensorDataError(`cannot write ${where}: ${msg}`, { path: file, key: name, expected, found });
  };
  if (name.length === 0) err('the name is empty');
  if (name === '__metadata__') err('"__metadata__" is reserved for the header metadata; rename the tensor');
  if (typeof t !== 'object' || t === null) err('expected {dtype, shape, data}');
  if (!isDtype(t.dtype)) err(`unknown dtype ${JSON.stringify(t.dtype)}; use one of ${DTYPE_NAMES.join(', ')}`, DTYPE_NAMES, t.dtype);
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    err(`shape must be an array of non-negative integers, found ${JSON.stringify(t.shape)}`);
  }
  const n = shapeSize(t.shape);
  const want = typedArrayFor(t.dtype);
  // toString tag rather than instanceof: works across realms (jest sandboxes) and treats Buffer as Uint8Array.
  const got = ArrayBuffer.isView(t.data) ? Object.prototype.toString.call(t.data).slice(8, -1) : undefined;
  const halfFromF32 = (t.dtype === 'F16' || t.dtype === 'BF16') && got === 'Float32Array';
  if (got !== want && !halfFromF32) {
    const alt = t.dtype === 'F16' || t.dtype === 'BF16' ? ` (raw bits) or Float32Array (converted)` : '';
    err(`dtype ${t.dtype} needs a ${want}${alt}, got ${got ?? (t.data === null ? 'null' : typeof t.data)}`, want, got);
  }
  if (t.data.length !== n) {
    err(`shape [${t.shape.join(', ')}] has ${n} elements but data has ${t.data.length}`, n, t.data.length);
  }
  if (t.dtype === 'BOOL') {
    const u = t.data as Uint8Array;
    for (let i = 0; i < u.length; i++) {
      if (u[i] > 1) err(`BOOL data must be 0 or 1, found ${u[i]} at index ${i}`, '0|1', u[i]);
    }
  }
  const shape = [...t.shape];
  const isFloat = DTYPES[t.dtype].float;
  const target: SafetensorsDtype = isFloat && castFloatTo ? castFloatTo : t.dtype;
  const byteLength = n * DTYPES[target].bytes;
  let bytes: () => Uint8Array;
  if (target === t.dtype && !halfFromF32) {
    bytes = () => bytesOf(t.data);
  } else if (target === 'F32') {
    bytes = () => bytesOf(toFloat32(t));
  } else if (target === 'F16') {
    bytes = () => bytesOf(t.dtype === 'F16' && !halfFromF32 ? (t.data as Uint16Array) : float32ToF16(toFloat32(t)));
  } else {
    bytes = () => bytesOf(t.dtype === 'BF16' && !halfFromF32 ? (t.data as Uint16Array) : float32ToBf16(toFloat32(t)));
  }
  return { name, dtype: target, shape, byteLength, bytes };
}

/** Copies small tensors into one staging buffer so a file of many tiny tensors costs few syscalls. */
class StagedWriter {
  private readonly stage = Buffer.allocUnsafe(4 << 20);
  private used = 0;
  /** Bytes written so far. */
  size = 0;
  private unsynced = 0;
  private syncing: Promise<void> | undefined;
  private syncError: unknown;
  constructor(
    private readonly fh: FileHandle,
    private readonly hash?: Hash,
    /** Start a background fdatasync every this many bytes (0: never), so the final fsync finds little left to flush. */
    private readonly syncEvery = 0,
  ) {}

  async write(bytes: Uint8Array): Promise<void> {
    this.size += bytes.length;
    if (bytes.length <= this.stage.length - this.used) {
      this.stage.set(bytes, this.used);
      this.used += bytes.length;
      return;
    }
    await this.flush();
    if (bytes.length < this.stage.length) {
      this.stage.set(bytes, 0);
      this.used = bytes.length;
    } else {
      await this.out(bytes);
    }
  }

  async flush(): Promise<void> {
    if (this.used > 0) await this.out(this.stage.subarray(0, this.used));
    this.used = 0;
  }

  private async out(bytes: Uint8Array): Promise<void> {
    // The write runs on libuv's thread pool while the hash runs here: both only read `bytes`.
    const pending = writeAll(this.fh, bytes);
    this.hash?.update(bytes);
    await pending;
    this.unsynced += bytes.length;
    if (this.syncEvery > 0 && this.unsynced >= this.syncEvery && !this.syncing) {
      // The disk writes back the data so far while the next tensors are copied and hashed.
      this.unsynced = 0;
      // Never left rejected: the error is kept and rethrown by settle().
      this.syncing = this.fh.datasync().then(
        () => void (this.syncing = undefined),
        (e: unknown) => {
          this.syncError = e;
          this.syncing = undefined;
        },
      );
    }
  }

  /** Waits for a background fdatasync, if one runs. */
  async settle(): Promise<void> {
    await this.syncing;
    if (this.syncError) throw this.syncError;
  }
}

/**
 * Writes `tensors` to `file` in the safetensors format: tensors ordered as the official writer orders them
 * (dtype alignment descending, then name), header padded with spaces to 8 bytes, data little-endian.
 * The file is written to a temp sibling and renamed, so readers never see a half-written file.
 * Inputs are not modified; F16/BF16 may be given as Float32Array values. Resolves to the path, size and
 * (with `sha256: true`) the hash. Throws TensorDataError, and CheckpointDiskFullError (naming the file, its size and
 * the free space) when the disk or quota runs out; the temp sibling is removed and `file` is left as it was.
 */
export async function writeSafetensors(file: string, tensors: Record<string, TensorData>, opts: WriteSafetensorsOptions = {}): Promise<WrittenFile> {
  if (opts.metadata !== undefined) {
    for (const [k, v] of Object.entries(opts.metadata)) {
      if (typeof v !== 'string') {
        throw new TensorDataError(`cannot write ${file}: metadata value of "${k}" must be a string, got ${typeof v}`, { path: file, key: k });
      }
    }
  }
  const prepared = officialOrder(Object.entries(tensors).map(([name, t]) => prepareTensor(file, name, t, opts.castFloatTo)));
  const header = buildHeader(prepared, opts.metadata);
  const total = prepared.reduce((a, t) => a + t.byteLength, header.length);
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const fh = await withDiskFullContext(file, total, () => fsp.open(tmp, 'w'));
  const hash = opts.sha256 ? createHash('sha256') : undefined;
  let size: number;
  const out = new StagedWriter(fh, hash, opts.fsync ? 16 << 20 : 0);
  try {
    await out.write(header);
    for (const t of prepared) await out.write(t.bytes());
    await out.flush();
    await out.settle();
    size = out.size;
    if (opts.fsync) await fh.sync();
    await fh.close();
    await fsp.rename(tmp, file);
  } catch (e) {
    await out.settle().catch(() => undefined);
    await fh.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true });
    if (isDiskFull(e) && !(e instanceof CheckpointDiskFullError)) throw await diskFullError(e, file, total);
    throw e;
  }
  if (opts.fsync) await fsyncDir(dirname(file));
  return { path: file, size, ...(hash ? { sha256: hash.digest('hex') } : {}) };
}
