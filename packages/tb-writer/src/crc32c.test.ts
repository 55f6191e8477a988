import { crc32c, maskCrc, maskedCrc32c, unmaskCrc } from './crc32c';
import { crc32cBitwise, maskBig } from './__fixtures__/spec';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

describe('crc32c', () => {
  it('matches the Castagnoli check value and the RFC 3720 (iSCSI) test vectors', () => {
    expect(crc32c(bytes('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('agrees with a bit-at-a-time implementation for every length 0..300 and sub-ranges', () => {
    let seed = 12345;
    const data = Uint8Array.from({ length: 300 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    for (let n = 0; n <= 300; n++) expect(crc32c(data, 0, n)).toBe(crc32cBitwise(data.subarray(0, n)));
    expect(crc32c(data, 7, 250)).toBe(crc32cBitwise(data.subarray(7, 250)));
  });

  it('masks as TensorFlow does: rotate right 15, add 0xa282ead8 mod 2^32', () => {
    for (const c of [0, 1, 0xe3069283, 0xffffffff, 0x80000000, 0x12345678]) {
      expect(maskCrc(c)).toBe(maskBig(c));
      expect(unmaskCrc(maskCrc(c))).toBe(c);
    }
    expect(maskCrc(0)).toBe(0xa282ead8);
    expect(maskedCrc32c(bytes('123456789'))).toBe(maskBig(0xe3069283));
  });

  it('gives the header bytes found at the start of every TensorFlow event file', () => {
    // The first record of a TF event file has length 24 (the file_version
    // event); its header is 18 00 00 00 00 00 00 00 a3 7f 4b 22.
    const len = new Uint8Array([0x18, 0, 0, 0, 0, 0, 0, 0]);
    expect(maskedCrc32c(len)).toBe(0x224b7fa3);
  });
});
