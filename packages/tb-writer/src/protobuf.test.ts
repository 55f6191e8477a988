import { ProtoDecodeError, ProtoReader, ProtoWriter } from './protobuf';
import { varint } from './__fixtures__/spec';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('ProtoWriter / ProtoReader', () => {
  it('encodes varints canonically, including 64-bit negatives', () => {
    const cases = [0, 1, 127, 128, 300, 16383, 16384, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER, -1, -300];
    for (const n of cases) {
      const w = new ProtoWriter(2);
      w.int64(n);
      expect(hex(w.finish())).toBe(Buffer.from(varint(n)).toString('hex'));
      const r = new ProtoReader(w.finish());
      expect(r.int64()).toBe(n);
      expect(r.more()).toBe(false);
    }
    const w = new ProtoWriter();
    w.varint(300);
    expect(hex(w.finish())).toBe('ac02');
  });

  it('writes sub-message lengths of 127, 128 and 20000 bytes canonically', () => {
    for (const size of [0, 127, 128, 20000]) {
      const w = new ProtoWriter(4);
      const m = w.begin(3);
      for (let i = 0; i < size; i++) {
        w.ensure(1);
        w.buf[w.pos++] = i & 0xff;
      }
      w.end(m);
      const out = w.finish();
      const expected = [0x1a, ...varint(size), ...Array.from({ length: size }, (_, i) => i & 0xff)];
      expect(Array.from(out)).toEqual(expected);
    }
  });

  it('reports truncated input with the byte offset', () => {
    expect(() => new ProtoReader(new Uint8Array([0x80, 0x80])).varint()).toThrow(
      new ProtoDecodeError('varint runs past the end at byte 2'),
    );
    expect(() => new ProtoReader(new Uint8Array([0x05, 1, 2])).bytes()).toThrow(
      'field needs 5 bytes at byte 1 but the message ends at byte 3',
    );
    expect(() => new ProtoReader(new Uint8Array([0])).skip(3)).toThrow('unsupported wire type 3 at byte 0');
    const tooLong = new Uint8Array(11).fill(0xff);
    expect(() => new ProtoReader(tooLong).varint()).toThrow('varint longer than 10 bytes');
  });

  it('encodes strings as UTF-8 (ASCII fast path and multi-byte)', () => {
    for (const s of ['', 'train/loss', 'ünï/코드', 'x'.repeat(200)]) {
      const w = new ProtoWriter(1);
      w.string(1, s);
      const b = Buffer.from(s, 'utf8');
      expect(hex(w.finish())).toBe(Buffer.from([0x0a, ...varint(b.length), ...b]).toString('hex'));
      const r = new ProtoReader(w.finish());
      expect(r.varint()).toBe(0x0a);
      expect(r.string()).toBe(s);
    }
  });
});
