// Lazy safetensors reader: the header is read and validated on open, tensors are
// read on demand with positional reads; the file is never loaded whole.

import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { DTYPES, typedArrayFor, viewAs, type SafetensorsDtype, type TensorData, type TypedArray } from './dtypes';
import { CheckpointError, TensorNotFoundError } from './errors';
import { readExactly } from './fs-io';
import { bf16ToFloat32, f16ToFloat32 } from './half';
import { checkHeaderLength, parseHeader, type TensorEntry } from './safetensors-header';
import { closestNames } from './suggest';

/** A tensor's description without its data. */
export interface TensorInfo {
  dtype: SafetensorsDtype;
  shape: number[];
  /** Size of the data in bytes. */
  byteLength: number;
}

/** Read access to a set of named tensors: one safetensors file, or a sharded set. */
export interface WeightSource {
  /** Tensor names in file order. */
  names(): string[];
  /** True when `name` is present. */
  has(name: string): boolean;
  /** Dtype, shape and byte size of `name`; throws TensorNotFoundError. */
  info(name: string): TensorInfo;
  /** Reads `name` in its stored dtype (F16/BF16 as raw Uint16Array bits). The caller owns the returned array. */
  read(name: string): Promise<TensorData>;
  /** Reads a floating tensor (F32, F16, BF16, F64) converted to Float32Array; integer dtypes throw. */
  readFloat32(name: string): Promise<Float32Array>;
  /**
   * Reads `name` in its stored dtype into `target`, an existing array of that dtype's kind with the tensor's element
   * count; nothing is allocated. Resolves to `target`. Throws CheckpointError on a wrong kind or length.
   */
  readInto<T extends TypedArray>(name: string, target: T): Promise<T>;
  /** `__metadata__` of the file (of the index for sharded sets); `{}` when absent. */
  readonly metadata: Record<string, string>;
  /** Closes the underlying file handles; reads after close throw. */
  close(): Promise<void>;
}

/** One safetensors file opened lazily. Open with {@link SafetensorsFile.open}; call {@link close} when done. */
export class SafetensorsFile implements WeightSource {
  /** Path the file was opened from. */
  readonly path: string;
  /** `__metadata__` of the header; `{}` when the file has none. */
  readonly metadata: Record<string, string>;
  /** Total file size in bytes. */
  readonly fileSize: number;
  private fh: FileHandle | undefined;
  private readonly entries: Map<string, TensorEntry>;

  private constructor(path: string, fh: FileHandle, entries: Map<string, TensorEntry>, metadata: Record<string, string>, fileSize: number) {
    this.path = path;
    this.fh = fh;
    this.entries = entries;
    this.metadata = metadata;
    this.fileSize = fileSize;
  }

  /**
   * Opens `file`, reads and validates its header (size, JSON, dtypes, shapes, offsets).
   * Throws SafetensorsFormatError naming the file and tensor for a malformed file.
   */
  static async open(file: string): Promise<SafetensorsFile> {
    let fh: FileHandle;
    try {
      fh = await fsp.open(file, 'r');
    } catch (e) {
      throw new CheckpointError(`cannot open safetensors file ${file}: ${(e as Error).message}`, { path: file }, { cause: e });
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) {
        throw new CheckpointError(`cannot open safetensors file ${file}: it is a ${st.isDirectory() ? 'directory' : 'special file'}; pass the .safetensors file, or use openWeights for a folder`, {
          path: file,
        });
      }
      const { size } = st;
      const lengthBytes = Buffer.alloc(8);
      if (size >= 8) await readExactly(fh, lengthBytes, 0, 8, 0, file);
      const n = checkHeaderLength(file, lengthBytes, size);
      const headerBytes = Buffer.alloc(n);
      await readExactly(fh, headerBytes, 0, n, 8, file);
      const header = parseHeader(file, headerBytes, size);
      return new SafetensorsFile(file, fh, header.tensors, header.metadata ?? {}, size);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  /** Tensor names in file order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** True when the file holds `name`. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Dtype, shape and byte size of `name`; throws TensorNotFoundError with close names. */
  info(name: string): TensorInfo {
    const e = this.entry(name);
    return { dtype: e.dtype, shape: [...e.shape], byteLength: e.byteLength };
  }

  /** Absolute file offset of `name`'s first byte (for tools that copy raw bytes). */
  offsetOf(name: string): number {
    return this.entry(name).offset;
  }

  /** Reads the raw little-endian bytes of `name` into a fresh, 8-byte-aligned Uint8Array. */
  async readBytes(name: string): Promise<Uint8Array> {
    const e = this.entry(name);
    const fh = this.handle();
    // Not zero-filled (every byte is overwritten by the read, which throws if short): zeroing and
    // faulting in a fresh zeroed buffer costs more than the copy from the page cache.
    const slow = Buffer.allocUnsafeSlow(e.byteLength);
    const bytes =
      slow.byteOffset % 8 === 0 ? new Uint8Array(slow.buffer, slow.byteOffset, e.byteLength) : new Uint8Array(new ArrayBuffer(e.byteLength));
    await readExactly(fh, bytes, 0, e.byteLength, e.offset, this.path);
    return bytes;
  }

  /**
   * Reads `name` in its stored dtype straight into `target`: the array kind of the dtype (Float32Array for F32,
   * Uint16Array of raw bits for F16/BF16, BigInt64Array for I64, ...; see `typedArrayFor`) with exactly the tensor's
   * element count. One positional read into `target`'s memory; nothing is allocated or converted. This is the fast
   * way to load weights into parameters that already exist: a fresh array costs a page fault per 4 KiB page on first
   * write, which dominates reads from the page cache. Resolves to `target`. Throws CheckpointError on a wrong array
   * kind or length (nothing is read then), TensorNotFoundError for an unknown name.
   */
  async readInto<T extends TypedArray>(name: string, target: T): Promise<T> {
    const e = this.entry(name);
    const want = typedArrayFor(e.dtype);
    // toString tag rather than instanceof: works across realms (jest sandboxes) and treats Buffer as Uint8Array.
    const got = ArrayBuffer.isView(target) ? Object.prototype.toString.call(target).slice(8, -1) : undefined;
    const n = e.byteLength / DTYPES[e.dtype].bytes;
    if (got !== want) {
      throw new CheckpointError(`${this.path}, tensor "${name}": readInto needs a ${want} for dtype ${e.dtype}, got ${got ?? typeof target}`, {
        path: this.path,
        key: name,
        expected: want,
        found: got ?? typeof target,
      });
    }
    if (target.length !== n) {
      throw new CheckpointError(
        `${this.path}, tensor "${name}": readInto target has ${target.length} elements but the tensor [${e.shape.join(', ')}] has ${n}; pass an array of length ${n}`,
        { path: this.path, key: name, expected: n, found: target.length },
      );
    }
    await readExactly(this.handle(), new Uint8Array(target.buffer, target.byteOffset, target.byteLength), 0, e.byteLength, e.offset, this.path);
    return target;
  }

  /** Reads `name` in its stored dtype (F16/BF16 as Uint16Array bits, I64 as BigInt64Array). The caller owns the array. */
  async read(name: string): Promise<TensorData> {
    const e = this.entry(name);
    const bytes = await this.readBytes(name);
    return { dtype: e.dtype, shape: [...e.shape], data: viewAs(e.dtype, bytes.buffer as ArrayBuffer, bytes.byteOffset, e.byteLength) };
  }

  /** Reads a floating tensor converted to F32 (F16/BF16 widened exactly, F64 rounded). Integer dtypes throw. */
  async readFloat32(name: string): Promise<Float32Array> {
    const e = this.entry(name);
    const t = await this.read(name);
    switch (e.dtype) {
      case 'F32':
        return t.data as Float32Array;
      case 'F16':
        return f16ToFloat32(t.data as Uint16Array);
      case 'BF16':
        return bf16ToFloat32(t.data as Uint16Array);
      case 'F64':
        return Float32Array.from(t.data as Float64Array);
      default:
        throw new CheckpointError(
          `${this.path}, tensor "${name}": readFloat32 needs a floating dtype (F32, F16, BF16, F64) but the tensor is ${e.dtype}; use read() for integer tensors`,
          { path: this.path, key: name, expected: 'F32|F16|BF16|F64', found: e.dtype },
        );
    }
  }

  /** Closes the file handle. Safe to call twice. */
  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close();
  }

  private handle(): FileHandle {
    if (!this.fh) throw new CheckpointError(`${this.path}: the file was closed; open it again to read`, { path: this.path });
    return this.fh;
  }

  private entry(name: string): TensorEntry {
    const e = this.entries.get(name);
    if (!e) {
      const suggestions = closestNames(name, this.entries.keys());
      const hint = suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : '';
      throw new TensorNotFoundError(`${this.path}: no tensor "${name}" among its ${this.entries.size} tensors${hint}`, {
        path: this.path,
        key: name,
        suggestions,
      });
    }
    return e;
  }
}
