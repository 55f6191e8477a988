// A minimal protobuf wire-format encoder and decoder: just what the
// Event/Summary/TensorProto/HParams messages need. Proto3 rules: the caller
// omits default-valued singular fields (except inside a oneof).

/** Wire types. */
export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

const TWO_32 = 4294967296;

/** Grows-as-needed protobuf encoder writing into one reusable buffer. */
export class ProtoWriter {
  buf: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  /** Forget the contents; keeps the buffer. */
  reset(): void {
    this.pos = 0;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Raw unsigned varint of a non-negative safe integer. */
  varint(n: number): void {
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    while (n >= 0x80) {
      b[p++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    b[p++] = n;
    this.pos = p;
  }

  /** Raw int64 varint of a safe integer (negative values take 10 bytes, two's complement). */
  int64(n: number): void {
    if (n >= 0) {
      this.varint(n);
      return;
    }
    let v = BigInt.asUintN(64, BigInt(n));
    this.ensure(10);
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  /** Field key (field number and wire type). */
  key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** `double` field (wire type 1). */
  double(field: number, v: number): void {
    this.key(field, WIRE_I64);
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** `float` field (wire type 5; the value is rounded to float32). */
  float(field: number, v: number): void {
    this.key(field, WIRE_I32);
    this.ensure(4);
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
  }

  /** `int32`/`int64`/`enum`/`bool` field as a varint. */
  int(field: number, v: number): void {
    this.key(field, WIRE_VARINT);
    this.int64(v);
  }

  /** `bytes` field. */
  bytes(field: number, data: Uint8Array): void {
    this.key(field, WIRE_LEN);
    this.varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** `string` field, UTF-8 encoded. */
  string(field: number, s: string): void {
    this.key(field, WIRE_LEN);
    // Fast path: short ASCII strings need no encoder.
    if (s.length < 128) {
      let ascii = true;
      for (let i = 0; i < s.length; i++) {
        if (s.charCodeAt(i) > 0x7f) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        this.ensure(1 + s.length);
        this.buf[this.pos++] = s.length;
        for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
        return;
      }
    }
    const data = Buffer.from(s, 'utf8');
    this.varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** Packed `repeated double` field. */
  packedDoubles(field: number, values: ArrayLike<number>): void {
    this.key(field, WIRE_LEN);
    this.varint(values.length * 8);
    this.ensure(values.length * 8);
    for (let i = 0; i < values.length; i++) {
      this.view.setFloat64(this.pos, values[i], true);
      this.pos += 8;
    }
  }

  /**
   * Starts a length-delimited sub-message; returns a mark for {@link end}.
   * The length is written canonically (shortest varint) when the message ends.
   */
  begin(field: number): number {
    this.key(field, WIRE_LEN);
    this.ensure(1);
    const mark = this.pos;
    this.pos += 1;
    return mark;
  }

  /** Ends the sub-message started at `mark`. */
  end(mark: number): void {
    const len = this.pos - mark - 1;
    if (len < 0x80) {
      this.buf[mark] = len;
      return;
    }
    let extra = 0;
    for (let n = len; n >= 0x80; n = Math.floor(n / 0x80)) extra++;
    this.ensure(extra);
    this.buf.copyWithin(mark + 1 + extra, mark + 1, this.pos);
    const end = this.pos + extra;
    this.pos = mark;
    this.varint(len);
    this.pos = end;
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Thrown by {@link ProtoReader} on malformed input; callers wrap it with file context. */
export class ProtoDecodeError extends Error {}

/** Cursor over protobuf bytes in `[pos, end)`. */
export class ProtoReader {
  pos: number;
  /** End of the current message; {@link enter} narrows it, {@link leave} restores it. */
  end: number;
  private readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
    view?: DataView,
  ) {
    this.pos = start;
    this.end = end;
    this.view = view ?? new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /**
   * Narrows this reader to the next length-delimited field (a sub-message)
   * without allocating; returns the outer end for {@link leave}.
   */
  enter(): number {
    const len = this.varint();
    this.need(len);
    const outer = this.end;
    this.end = this.pos + len;
    return outer;
  }

  /** Skips what is left of the sub-message entered with {@link enter} and restores the outer end. */
  leave(outer: number): void {
    this.pos = this.end;
    this.end = outer;
  }

  /** A reader over the next length-delimited field, sharing this reader's buffer. */
  sub(): ProtoReader {
    const len = this.varint();
    this.need(len);
    const start = this.pos;
    this.pos += len;
    return new ProtoReader(this.buf, start, start + len, this.view);
  }

  /** True while bytes remain. */
  more(): boolean {
    return this.pos < this.end;
  }

  /** Unsigned varint as a number (exact up to 2^53). */
  varint(): number {
    const b = this.buf;
    let lo = 0;
    let shift = 0;
    let byte: number;
    // First 4 bytes (28 bits) with 32-bit arithmetic.
    do {
      if (this.pos >= this.end) throw new ProtoDecodeError(`varint runs past the end at byte ${this.pos}`);
      byte = b[this.pos++];
      if (shift < 28) lo |= (byte & 0x7f) << shift;
      else return this.varintTail(lo >>> 0, byte);
      shift += 7;
    } while (byte & 0x80);
    return lo >>> 0;
  }

  private varintTail(lo28: number, byte4: number): number {
    // byte4 carries bits 28..34; continue with floating-point arithmetic.
    let value = lo28 + (byte4 & 0x7f) * 268435456; // 2^28
    let mul = 34359738368; // 2^35
    let byte = byte4;
    let count = 5;
    while (byte & 0x80) {
      if (this.pos >= this.end) throw new ProtoDecodeError(`varint runs past the end at byte ${this.pos}`);
      if (count >= 10) throw new ProtoDecodeError(`varint longer than 10 bytes at byte ${this.pos}`);
      byte = this.buf[this.pos++];
      value += (byte & 0x7f) * mul;
      mul *= 128;
      count++;
    }
    return value;
  }

  /** Signed int64 varint as a number (two's complement for negatives). */
  int64(): number {
    const start = this.pos;
    const v = this.varint();
    if (v < TWO_32 * 2097152) return v; // < 2^53: non-negative and exact
    // Re-read exactly with BigInt (negative or huge values).
    this.pos = start;
    let big = 0n;
    let shift = 0n;
    let byte: number;
    do {
      byte = this.buf[this.pos++];
      big |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte & 0x80);
    return Number(BigInt.asIntN(64, big));
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  float(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** Length-delimited payload as `[start, end)` offsets into `buf`. */
  lengthDelimited(): [number, number] {
    const len = this.varint();
    this.need(len);
    const start = this.pos;
    this.pos += len;
    return [start, this.pos];
  }

  /** Length-delimited payload as a view (no copy). */
  bytes(): Uint8Array {
    const [s, e] = this.lengthDelimited();
    return this.buf.subarray(s, e);
  }

  string(): string {
    const len = this.varint();
    this.need(len);
    const s = this.pos;
    const e = (this.pos += len);
    if (e - s <= 64) {
      // Short ASCII strings (tags) decode faster by hand.
      const b = this.buf;
      let ascii = true;
      for (let i = s; i < e; i++) {
        if (b[i] > 0x7f) {
          ascii = false;
          break;
        }
      }
      if (ascii) return String.fromCharCode.apply(null, b.subarray(s, e) as unknown as number[]);
    }
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + s, e - s).toString('utf8');
  }

  /** Skips a field of the given wire type. */
  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_I64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.lengthDelimited();
        return;
      case WIRE_I32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new ProtoDecodeError(`unsupported wire type ${wire} at byte ${this.pos}`);
    }
  }

  /** Reads doubles from a packed field or a single unpacked element. */
  doubles(wire: number, out: number[]): void {
    if (wire === WIRE_I64) {
      out.push(this.double());
      return;
    }
    const [s, e] = this.lengthDelimited();
    if ((e - s) % 8 !== 0) throw new ProtoDecodeError(`packed double field of ${e - s} bytes is not a multiple of 8`);
    for (let p = s; p < e; p += 8) out.push(this.view.getFloat64(p, true));
  }

  /** Reads floats from a packed field or a single unpacked element. */
  floats(wire: number, out: number[]): void {
    if (wire === WIRE_I32) {
      out.push(this.float());
      return;
    }
    const [s, e] = this.lengthDelimited();
    if ((e - s) % 4 !== 0) throw new ProtoDecodeError(`packed float field of ${e - s} bytes is not a multiple of 4`);
    for (let p = s; p < e; p += 4) out.push(this.view.getFloat32(p, true));
  }

  /** Reads varints from a packed field or a single unpacked element. */
  varints(wire: number, out: number[], signed: boolean): void {
    if (wire === WIRE_VARINT) {
      out.push(signed ? this.int64() : this.varint());
      return;
    }
    const sub = this.sub();
    while (sub.more()) out.push(signed ? sub.int64() : sub.varint());
  }

  private need(n: number): void {
    if (this.pos + n > this.end) {
      throw new ProtoDecodeError(`field needs ${n} bytes at byte ${this.pos} but the message ends at byte ${this.end}`);
    }
  }
}
