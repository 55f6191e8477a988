import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsFormatError, TensorDataError, TensorNotFoundError, CheckpointError } from './errors';
import { SafetensorsFile } from './safetensors-reader';
import { writeSafetensors } from './safetensors-writer';
import type { TensorData } from './dtypes';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rfai-st-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bytes(a: ArrayBufferView): number[] {
  return Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/** A raw safetensors file from a header text (padded to 8 as given) and data bytes. */
function rawFile(name: string, header: string | object, data: number[] = [], lengthOverride?: bigint): string {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const h = Buffer.from(text, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(lengthOverride ?? BigInt(h.length));
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat([len, h, Buffer.from(data)]));
  return file;
}

describe('writeSafetensors layout', () => {
  it('writes the byte-exact layout of a known example (no padding needed)', async () => {
    const file = join(dir, 'known.safetensors');
    await writeSafetensors(file, { 'attn.0': { dtype: 'F32', shape: [1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) } });
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(header.length).toBe(64);
    // Little-endian F32: 1.0 = 00 00 80 3f, 2.0 = 00 00 00 40, 3.0 = 00 00 40 40, 4.0 = 00 00 80 40, 5.0 = 00 00 a0 40.
    const data = [0, 0, 0, 0, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40, 0, 0, 0xa0, 0x40];
    const expected = [64, 0, 0, 0, 0, 0, 0, 0, ...Buffer.from(header), ...data];
    expect(Array.from(readFileSync(file))).toEqual(expected);
  });

  it('orders by dtype alignment then name, puts __metadata__ first and pads with spaces', async () => {
    const file = join(dir, 'ordered.safetensors');
    await writeSafetensors(
      file,
      { a: { dtype: 'F16', shape: [], data: new Uint16Array([0x3c00]) }, b: { dtype: 'I64', shape: [2], data: new BigInt64Array([-1n, 2n]) } },
      { metadata: { format: 'pt' } },
    );
    const header =
      '{"__metadata__":{"format":"pt"},"b":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"a":{"dtype":"F16","shape":[],"data_offsets":[16,18]}}';
    expect(header.length).toBe(140);
    const expected = [
      144, 0, 0, 0, 0, 0, 0, 0,
      ...Buffer.from(header + '    '),
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 0, 0, 0,
      0x00, 0x3c,
    ];
    expect(Array.from(readFileSync(file))).toEqual(expected);
  });

  it('keeps integer-like names in sorted order rather than JS object order', async () => {
    const file = join(dir, 'intnames.safetensors');
    await writeSafetensors(file, {
      b: { dtype: 'U8', shape: [1], data: new Uint8Array([1]) },
      '10': { dtype: 'U8', shape: [1], data: new Uint8Array([2]) },
      '9': { dtype: 'U8', shape: [1], data: new Uint8Array([3]) },
    });
    const raw = readFileSync(file);
    const n = Number(raw.readBigUInt64LE(0));
    expect(raw.subarray(8, 8 + n).toString().trimEnd()).toBe(
      '{"10":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"9":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},"b":{"dtype":"U8","shape":[1],"data_offsets":[2,3]}}',
    );
    expect(Array.from(raw.subarray(8 + n))).toEqual([2, 3, 1]);
  });
});

describe('round trip', () => {
  it('round-trips every dtype bit-exactly, including NaN, Inf and -0', async () => {
    const nanBits = new Float32Array(new Uint32Array([0x7fc00001]).buffer)[0];
    const tensors: Record<string, TensorData> = {
      f64: { dtype: 'F64', shape: [2, 3], data: new Float64Array([1.5, -0, NaN, Infinity, -Infinity, 5e-324]) },
      f32: { dtype: 'F32', shape: [6], data: new Float32Array([1.5, -0, nanBits, Infinity, -Infinity, 1e-45]) },
      f16: { dtype: 'F16', shape: [3, 2], data: new Uint16Array([0x3c00, 0x8000, 0x7e00, 0x7c00, 0xfc00, 0x0001]) },
      bf16: { dtype: 'BF16', shape: [6], data: new Uint16Array([0x3f80, 0x8000, 0x7fc0, 0x7f80, 0xff80, 0x0001]) },
      i64: { dtype: 'I64', shape: [3], data: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n]) },
      u64: { dtype: 'U64', shape: [2], data: new BigUint64Array([2n ** 64n - 1n, 7n]) },
      i32: { dtype: 'I32', shape: [2], data: new Int32Array([-(2 ** 31), 2 ** 31 - 1]) },
      u32: { dtype: 'U32', shape: [1], data: new Uint32Array([2 ** 32 - 1]) },
      i16: { dtype: 'I16', shape: [2], data: new Int16Array([-32768, 32767]) },
      u16: { dtype: 'U16', shape: [1], data: new Uint16Array([65535]) },
      i8: { dtype: 'I8', shape: [2], data: new Int8Array([-128, 127]) },
      u8: { dtype: 'U8', shape: [3], data: new Uint8Array([0, 128, 255]) },
      bool: { dtype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) },
      scalar: { dtype: 'F32', shape: [], data: new Float32Array([42]) },
      empty: { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
    };
    const file = join(dir, 'all.safetensors');
    await writeSafetensors(file, tensors, { metadata: { note: 'ünïcode', step: '3' } });
    const f = await SafetensorsFile.open(file);
    try {
      expect(f.metadata).toEqual({ note: 'ünïcode', step: '3' });
      expect(f.names().sort()).toEqual(Object.keys(tensors).sort());
      for (const [name, t] of Object.entries(tensors)) {
        const r = await f.read(name);
        expect([name, r.dtype, r.shape]).toEqual([name, t.dtype, t.shape]);
        expect(Object.prototype.toString.call(r.data)).toBe(Object.prototype.toString.call(t.data));
        expect([name, bytes(r.data)]).toEqual([name, bytes(t.data)]);
        expect(f.info(name)).toEqual({ dtype: t.dtype, shape: t.shape, byteLength: t.data.byteLength });
      }
      expect(Array.from(await f.readFloat32('f16'))).toEqual([1, -0, NaN, Infinity, -Infinity, 2 ** -24]);
      expect(Array.from(await f.readFloat32('bf16'))).toEqual([1, -0, NaN, Infinity, -Infinity, 2 ** -133]);
      expect(Array.from(await f.readFloat32('f64'))).toEqual([1.5, -0, NaN, Infinity, -Infinity, 0]);
      expect(Object.is((await f.readFloat32('f32'))[1], -0)).toBe(true);
    } finally {
      await f.close();
    }
  });

  it('casts F32 to BF16 with round-to-nearest-even and F16 given as Float32Array', async () => {
    const file = join(dir, 'cast.safetensors');
    const x = new Float32Array([1 + 2 ** -8, 1 + 3 * 2 ** -8, NaN, -0, Infinity, 1 + 2 ** -8 + 2 ** -20]);
    await writeSafetensors(
      file,
      {
        w: { dtype: 'F32', shape: [6], data: x },
        h: { dtype: 'F16', shape: [2], data: new Float32Array([65520, 0.1]) },
        ids: { dtype: 'I32', shape: [1], data: new Int32Array([3]) },
      },
      { castFloatTo: 'BF16' },
    );
    const f = await SafetensorsFile.open(file);
    expect(f.info('w').dtype).toBe('BF16');
    expect(f.info('h').dtype).toBe('BF16');
    expect(f.info('ids').dtype).toBe('I32'); // integers are never cast
    expect(Array.from((await f.read('w')).data as Uint16Array)).toEqual([0x3f80, 0x3f82, 0x7fc0, 0x8000, 0x7f80, 0x3f81]);
    // 65520 -> bf16: 65520 = 0x477ff000 -> rounds to 0x4780 (65536); 0.1 = 0x3dcccccd -> 0x3dcd.
    expect(Array.from((await f.read('h')).data as Uint16Array)).toEqual([0x4780, 0x3dcd]);
    expect(Array.from(await f.readFloat32('w'))).toEqual([1, 1 + 2 ** -6, NaN, -0, Infinity, 1 + 2 ** -7]);
    await f.close();

    const file16 = join(dir, 'f16.safetensors');
    await writeSafetensors(file16, { h: { dtype: 'F16', shape: [3], data: new Float32Array([65520, 0.1, -2]) } });
    const g = await SafetensorsFile.open(file16);
    expect(Array.from((await g.read('h')).data as Uint16Array)).toEqual([0x7c00, 0x2e66, 0xc000]);
    await g.close();

    // BF16 -> F32 widening on write.
    const file32 = join(dir, 'widen.safetensors');
    await writeSafetensors(file32, { b: { dtype: 'BF16', shape: [2], data: new Uint16Array([0x3f81, 0xc040]) } }, { castFloatTo: 'F32' });
    const k = await SafetensorsFile.open(file32);
    expect(k.info('b').dtype).toBe('F32');
    expect(Array.from((await k.read('b')).data as Float32Array)).toEqual([1.0078125, -3]);
    await k.close();
  });

  it('reads a tensor from a large file without reading the rest', async () => {
    const file = join(dir, 'big.safetensors');
    const big = new Float32Array(4 << 20); // 16 MiB
    for (let i = 0; i < big.length; i += 4096) big[i] = i;
    const written = await writeSafetensors(
      file,
      { big: { dtype: 'F32', shape: [big.length], data: big }, small: { dtype: 'F32', shape: [2], data: new Float32Array([7, 8]) } },
      { sha256: true, fsync: true },
    );
    const whole = readFileSync(file);
    expect(written).toEqual({ path: file, size: whole.length, sha256: createHash('sha256').update(whole).digest('hex') });
    const f = await SafetensorsFile.open(file);
    expect(f.fileSize).toBeGreaterThan(16 << 20);
    expect(f.offsetOf('small')).toBe(f.offsetOf('big') + (16 << 20));
    expect(Array.from(await f.readFloat32('small'))).toEqual([7, 8]);
    const b = await f.readFloat32('big');
    expect([b[4096], b[big.length - 4096], b[1]]).toEqual([4096, big.length - 4096, 0]);
    await f.close();
  });

  it('readInto fills an existing array (at a byte offset, of every kind) and rejects a wrong kind or length', async () => {
    const file = join(dir, 'into.safetensors');
    await writeSafetensors(file, {
      w: { dtype: 'F32', shape: [2, 2], data: new Float32Array([1.5, -2, 0, 3.25]) },
      h: { dtype: 'BF16', shape: [3], data: new Uint16Array([0x3f80, 0xc000, 0x7fc0]) },
      i: { dtype: 'I64', shape: [2], data: new BigInt64Array([-5n, 1n << 40n]) },
    });
    const f = await SafetensorsFile.open(file);
    // A view into the middle of a larger buffer: the bytes around it stay untouched.
    const backing = new Float32Array(6).fill(9);
    const view = backing.subarray(1, 5);
    expect(await f.readInto('w', view)).toBe(view);
    expect(Array.from(backing)).toEqual([9, 1.5, -2, 0, 3.25, 9]);
    expect(Array.from(await f.readInto('h', new Uint16Array(3)))).toEqual([0x3f80, 0xc000, 0x7fc0]);
    expect(Array.from(await f.readInto('i', new BigInt64Array(2)))).toEqual([-5n, 1n << 40n]);

    const wrongKind = new Uint32Array(4).fill(7);
    await expect(f.readInto('w', wrongKind)).rejects.toThrow(`${file}, tensor "w": readInto needs a Float32Array for dtype F32, got Uint32Array`);
    expect(Array.from(wrongKind)).toEqual([7, 7, 7, 7]);
    await expect(f.readInto('h', new Float32Array(3))).rejects.toMatchObject({ key: 'h', expected: 'Uint16Array', found: 'Float32Array' });
    const short = new Float32Array(3);
    await expect(f.readInto('w', short)).rejects.toThrow('readInto target has 3 elements but the tensor [2, 2] has 4; pass an array of length 4');
    await expect(f.readInto('w', short)).rejects.toBeInstanceOf(CheckpointError);
    await expect(f.readInto('x', new Float32Array(4))).rejects.toBeInstanceOf(TensorNotFoundError);
    await f.close();
    await expect(f.readInto('w', new Float32Array(4))).rejects.toThrow('the file was closed; open it again to read');
  });
});

describe('reader errors', () => {
  const ok = { x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const eight = [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40];

  async function openError(file: string): Promise<SafetensorsFormatError> {
    try {
      const f = await SafetensorsFile.open(file);
      await f.close();
    } catch (e) {
      expect(e).toBeInstanceOf(SafetensorsFormatError);
      expect((e as Error).message).toContain(file);
      return e as SafetensorsFormatError;
    }
    throw new Error(`expected ${file} to be rejected`);
  }

  it('accepts the valid base case used below', async () => {
    const f = await SafetensorsFile.open(rawFile('valid.safetensors', ok, eight));
    expect(Array.from(await f.readFloat32('x'))).toEqual([1, 2]);
    await f.close();
  });

  it('rejects a file shorter than 8 bytes', async () => {
    const file = join(dir, 'tiny.safetensors');
    writeFileSync(file, Buffer.from([1, 2, 3]));
    expect((await openError(file)).message).toMatch(/3 bytes, shorter than the 8-byte header length/);
  });

  it('rejects a header length beyond the file', async () => {
    const e = await openError(rawFile('long.safetensors', ok, eight, 1000n));
    expect(e.message).toMatch(/header length 1000 runs past the end of the \d+-byte file/);
  });

  it('rejects a header length over 100 MB', async () => {
    const e = await openError(rawFile('huge.safetensors', ok, eight, 2n ** 40n));
    expect(e.message).toMatch(/header length 1099511627776 exceeds the 100 MB limit/);
  });

  it("rejects a header that does not start with '{'", async () => {
    const e = await openError(rawFile('brace.safetensors', ' ' + JSON.stringify(ok), eight));
    expect(e.message).toMatch(/header must start with '\{'/);
  });

  it('rejects invalid JSON and invalid UTF-8', async () => {
    expect((await openError(rawFile('json.safetensors', '{"x": {', eight))).message).toMatch(/header is not valid JSON/);
    const file = join(dir, 'utf8.safetensors');
    const h = Buffer.from([0x7b, 0xff, 0x7d]);
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(3n);
    writeFileSync(file, Buffer.concat([len, h]));
    expect((await openError(file)).message).toMatch(/not valid UTF-8/);
  });

  it('rejects an unknown dtype, naming the tensor', async () => {
    const e = await openError(rawFile('dtype.safetensors', { x: { dtype: 'Q4', shape: [2], data_offsets: [0, 8] } }, eight));
    expect(e.key).toBe('x');
    expect(e.message).toContain('tensor "x": unknown dtype "Q4"; supported: F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL');
  });

  it('rejects a shape whose size does not match the offsets', async () => {
    const e = await openError(rawFile('shape.safetensors', { x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, eight));
    expect(e.message).toContain('tensor "x": shape [3] of F32 needs 12 bytes but data_offsets [0, 8] hold 8');
    expect([e.expected, e.found]).toEqual([12, 8]);
  });

  it('rejects bad shapes and offsets arrays', async () => {
    expect((await openError(rawFile('neg.safetensors', { x: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, eight))).message).toContain(
      'tensor "x": shape must be an array of non-negative integers, found [-2]',
    );
    expect((await openError(rawFile('offs.safetensors', { x: { dtype: 'F32', shape: [2], data_offsets: [0] } }, eight))).message).toContain(
      'tensor "x": data_offsets must be [begin, end]',
    );
    expect((await openError(rawFile('rev.safetensors', { x: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, eight))).message).toContain(
      'tensor "x": data_offsets [8, 0] end before they begin',
    );
  });

  it('rejects offsets out of range', async () => {
    const e = await openError(rawFile('range.safetensors', { x: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, eight));
    expect(e.message).toContain('tensor "x": data_offsets [0, 16] run past the 8-byte data buffer');
  });

  it('rejects overlapping offsets', async () => {
    const header = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
    };
    const e = await openError(rawFile('overlap.safetensors', header, eight));
    expect(e.message).toContain('tensor "b": data_offsets [4, 8] overlap the previous tensor, which ends at 8');
  });

  it('rejects holes and trailing bytes', async () => {
    const hole = { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'U8', shape: [2], data_offsets: [6, 8] } };
    expect((await openError(rawFile('hole.safetensors', hole, eight))).message).toContain('tensor "b": data_offsets [6, 8] leave a hole after byte 4');
    const trailing = { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } };
    expect((await openError(rawFile('trail.safetensors', trailing, eight))).message).toContain('tensors cover 4 bytes but the data buffer holds 8');
  });

  it('rejects duplicate names', async () => {
    const text = '{"x":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"x":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}';
    const e = await openError(rawFile('dup.safetensors', text, eight));
    expect(e.message).toContain('tensor "x": name appears twice in the header');
  });

  it('rejects non-string metadata', async () => {
    const e = await openError(rawFile('meta.safetensors', { __metadata__: { step: 3 }, ...ok }, eight));
    expect(e.message).toContain('__metadata__ value of "step" must be a string, found number');
  });

  it('reports a missing file, a missing tensor with suggestions, and reads after close', async () => {
    await expect(SafetensorsFile.open(join(dir, 'nope.safetensors'))).rejects.toThrow(/cannot open safetensors file .*nope\.safetensors: ENOENT/);
    await expect(SafetensorsFile.open(dir)).rejects.toThrow(`cannot open safetensors file ${dir}: it is a directory; pass the .safetensors file, or use openWeights for a folder`);
    await expect(SafetensorsFile.open(dir)).rejects.toThrow(`cannot open safetensors file ${dir}: it is a directory; pass the .safetensors file, or use openWeights for a folder`);
    const file = join(dir, 'names.safetensors');
    await writeSafetensors(file, {
      'model.layers.0.mlp.up_proj.weight': { dtype: 'F32', shape: [1], data: new Float32Array([1]) },
      ids: { dtype: 'I32', shape: [1], data: new Int32Array([1]) },
    });
    const f = await SafetensorsFile.open(file);
    let err: unknown;
    try {
      f.info('model.layers.0.mlp.up_proj.weigth');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TensorNotFoundError);
    expect((err as TensorNotFoundError).message).toContain('no tensor "model.layers.0.mlp.up_proj.weigth" among its 2 tensors; did you mean "model.layers.0.mlp.up_proj.weight"?');
    expect((err as TensorNotFoundError).suggestions).toEqual(['model.layers.0.mlp.up_proj.weight']);
    await expect(f.readFloat32('ids')).rejects.toThrow('tensor "ids": readFloat32 needs a floating dtype (F32, F16, BF16, F64) but the tensor is I32; use read()');
    await f.close();
    await expect(f.read('ids')).rejects.toThrow(CheckpointError);
    await expect(f.read('ids')).rejects.toThrow('the file was closed');
  });
});

describe('writer errors', () => {
  const file = () => join(dir, 'bad-input.safetensors');
  async function writeError(t: Record<string, unknown>, msg: string): Promise<void> {
    let err: unknown;
    try {
      await writeSafetensors(file(), t as Record<string, TensorData>);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TensorDataError);
    expect((err as Error).message).toContain(msg);
  }

  it('rejects the wrong typed array, a length mismatch, bad BOOL values, bad dtypes, shapes and names', async () => {
    await writeError({ w: { dtype: 'F32', shape: [2], data: new Float64Array(2) } }, 'tensor "w": dtype F32 needs a Float32Array, got Float64Array');
    await writeError({ w: { dtype: 'BF16', shape: [2], data: new Int16Array(2) } }, 'dtype BF16 needs a Uint16Array (raw bits) or Float32Array (converted), got Int16Array');
    await writeError({ w: { dtype: 'I64', shape: [1], data: [1] } }, 'dtype I64 needs a BigInt64Array, got object');
    await writeError({ w: { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) } }, 'shape [2, 2] has 4 elements but data has 3');
    await writeError({ m: { dtype: 'BOOL', shape: [2], data: new Uint8Array([1, 2]) } }, 'tensor "m": BOOL data must be 0 or 1, found 2 at index 1');
    await writeError({ w: { dtype: 'F8', shape: [1], data: new Uint8Array(1) } }, 'unknown dtype "F8"');
    await writeError({ w: { dtype: 'F32', shape: [1.5], data: new Float32Array(1) } }, 'shape must be an array of non-negative integers, found [1.5]');
    await writeError({ __metadata__: { dtype: 'F32', shape: [1], data: new Float32Array(1) } }, '"__metadata__" is reserved');
    await writeError({ '': { dtype: 'F32', shape: [1], data: new Float32Array(1) } }, 'the name is empty');
    await expect(writeSafetensors(file(), {}, { metadata: { step: 3 as unknown as string } })).rejects.toThrow('metadata value of "step" must be a string, got number');
  });

  it('accepts a Buffer for U8 and writes an empty file validly', async () => {
    const f1 = join(dir, 'buf.safetensors');
    await writeSafetensors(f1, { b: { dtype: 'U8', shape: [2], data: Buffer.from([9, 8]) } });
    const f = await SafetensorsFile.open(f1);
    expect(Array.from((await f.read('b')).data as Uint8Array)).toEqual([9, 8]);
    await f.close();
    const f2 = join(dir, 'none.safetensors');
    await writeSafetensors(f2, {});
    expect(Array.from(readFileSync(f2))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, ...Buffer.from('{}      ')]);
    const g = await SafetensorsFile.open(f2);
    expect(g.names()).toEqual([]);
    await g.close();
  });
});
