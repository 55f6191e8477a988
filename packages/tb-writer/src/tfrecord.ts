// TFRecord framing: each record is
//   uint64 length (little-endian) | uint32 masked_crc32c(length bytes)
//   | data[length] | uint32 masked_crc32c(data)
import { maskedCrc32c } from './crc32c';
import { TbCorruptRecordError } from './errors';

/** Bytes of framing around each record's data: 8 + 4 before, 4 after. */
export const RECORD_OVERHEAD = 16;

/**
 * Writes one framed record holding `data[start, end)` into `out` at `pos`.
 * `out` must have `end - start + 16` bytes free. Returns the new position.
 */
export function writeRecordInto(out: Uint8Array, pos: number, data: Uint8Array, start = 0, end = data.length): number {
  const len = end - start;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(pos, len >>> 0, true);
  view.setUint32(pos + 4, Math.floor(len / 4294967296), true);
  view.setUint32(pos + 8, maskedCrc32c(out, pos, pos + 8), true);
  out.set(data.subarray(start, end), pos + 12);
  view.setUint32(pos + 12 + len, maskedCrc32c(data, start, end), true);
  return pos + RECORD_OVERHEAD + len;
}

/** One framed record as an independent buffer. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + RECORD_OVERHEAD);
  writeRecordInto(out, 0, data);
  return out;
}

/** A record found by {@link scanRecords}. */
export interface RecordSpan {
  /** Offset of the record's first framing byte. */
  offset: number;
  /** Offsets of the record's data within the scanned buffer. */
  dataStart: number;
  dataEnd: number;
}

/** Why scanning stopped before the end of the bytes. */
export interface TruncatedTail {
  /** Offset where the incomplete record starts. */
  offset: number;
  /** Bytes present from that offset. */
  bytesPresent: number;
  /** Bytes the complete record needs (12 when even the header is incomplete). */
  bytesNeeded: number;
}

/** Result of {@link scanRecords}. */
export interface ScanResult {
  records: RecordSpan[];
  /** Offset just past the last complete record. */
  consumed: number;
  /** Set when the bytes end inside a record. */
  truncated: TruncatedTail | null;
}

/**
 * Finds complete records in `buf`, verifying both CRCs. `baseOffset` is the
 * offset of `buf[0]` in the file (for error messages). A record cut short by
 * the end of `buf` is reported in `truncated`, not thrown: the file may be
 * being written. A CRC mismatch throws {@link TbCorruptRecordError}.
 */
export function scanRecords(buf: Uint8Array, file = '<buffer>', baseOffset = 0): ScanResult {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const records: RecordSpan[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const remaining = buf.length - pos;
    if (remaining < 12) {
      return { records, consumed: pos, truncated: { offset: baseOffset + pos, bytesPresent: remaining, bytesNeeded: 12 } };
    }
    const storedLenCrc = view.getUint32(pos + 8, true);
    const lenCrc = maskedCrc32c(buf, pos, pos + 8);
    if (storedLenCrc !== lenCrc) throw new TbCorruptRecordError(file, baseOffset + pos, 'length-crc', storedLenCrc, lenCrc);
    const len = view.getUint32(pos, true) + view.getUint32(pos + 4, true) * 4294967296;
    const total = len + RECORD_OVERHEAD;
    if (remaining < total) {
      return { records, consumed: pos, truncated: { offset: baseOffset + pos, bytesPresent: remaining, bytesNeeded: total } };
    }
    const dataStart = pos + 12;
    const dataEnd = dataStart + len;
    const storedDataCrc = view.getUint32(dataEnd, true);
    const dataCrc = maskedCrc32c(buf, dataStart, dataEnd);
    if (storedDataCrc !== dataCrc) throw new TbCorruptRecordError(file, baseOffset + pos, 'data-crc', storedDataCrc, dataCrc);
    records.push({ offset: baseOffset + pos, dataStart, dataEnd });
    pos += total;
  }
  return { records, consumed: pos, truncated: null };
}
