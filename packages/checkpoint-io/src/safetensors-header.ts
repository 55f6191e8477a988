// Parsing, validation and serialisation of the safetensors header:
// u64 LE header length N, N bytes of UTF-8 JSON, then the tensor bytes.

import { DTYPE_NAMES, DTYPES, isDtype, shapeSize, type SafetensorsDtype } from './dtypes';
import { SafetensorsFormatError } from './errors';

/** Largest header accepted, as in the reference implementation (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/** Where one tensor lives in a safetensors file. Offsets are absolute file positions. */
export interface TensorEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Absolute file offset of the first byte. */
  offset: number;
  /** Bytes (element count x dtype size). */
  byteLength: number;
}

/** A validated header. */
export interface ParsedHeader {
  /** Tensors in file order (by offset). */
  tensors: Map<string, TensorEntry>;
  metadata: Record<string, string> | null;
  /** Absolute offset of the byte buffer (8 + N). */
  dataStart: number;
}

/** Lists the top-level keys of a JSON object text in order, so duplicates (which JSON.parse hides) can be found. */
export function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let i = 0;
  let expectKey = false;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) keys.push(JSON.parse(text.slice(i, j + 1)) as string);
      expectKey = false;
      i = j + 1;
      continue;
    }
    if (c === '{' || c === '[') {
      depth++;
      expectKey = c === '{' && depth === 1;
    } else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 1) expectKey = true;
    i++;
  }
  return keys;
}

function fail(file: string, message: string, key?: string, expected?: unknown, found?: unknown): never {
  const where = key === undefined ? file : `${file}, tensor "${key}"`;
  throw new SafetensorsFormatError(`safetensors ${where}: ${message}`, { path: file, key, expected, found });
}

/** Reads the 8-byte little-endian header length; checks it against the file size and the 100 MB limit. */
export function checkHeaderLength(file: string, lengthBytes: Buffer, fileSize: number): number {
  if (fileSize < 8) {
    fail(file, `file is ${fileSize} bytes, shorter than the 8-byte header length; it is not a safetensors file or was truncated`);
  }
  const n64 = lengthBytes.readBigUInt64LE(0);
  if (n64 > BigInt(MAX_HEADER_BYTES)) {
    fail(file, `header length ${n64} exceeds the 100 MB limit; the file is corrupt or not safetensors`, undefined, `<= ${MAX_HEADER_BYTES}`, n64.toString());
  }
  const n = Number(n64);
  if (8 + n > fileSize) {
    fail(file, `header length ${n} runs past the end of the ${fileSize}-byte file; the file was truncated`, undefined, `<= ${fileSize - 8}`, n);
  }
  return n;
}

/**
 * Parses and validates a header. `headerBytes` is the N bytes after the length; `fileSize` the whole file's size.
 * Rejects bad UTF-8/JSON, a header not starting with '{', duplicate names, unknown dtypes, bad shapes,
 * size mismatches and offsets that overlap, leave holes or run out of the file.
 */
export function parseHeader(file: string, headerBytes: Buffer, fileSize: number): ParsedHeader {
  const dataStart = 8 + headerBytes.length;
  const bufferLength = fileSize - dataStart;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    fail(file, 'header is not valid UTF-8');
  }
  if (!text.startsWith('{')) {
    fail(file, `header must start with '{', found ${JSON.stringify(text.slice(0, 16))}`, undefined, '{', text.slice(0, 1));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail(file, `header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail(file, 'header JSON is not an object');
  const seen = new Set<string>();
  for (const k of topLevelKeys(text)) {
    if (seen.has(k)) fail(file, 'name appears twice in the header', k);
    seen.add(k);
  }

  let metadata: Record<string, string> | null = null;
  const entries: TensorEntry[] = [];
  const ranges: { name: string; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(file, '__metadata__ must be an object of strings', name);
      for (const [k, v] of Object.entries(raw)) {
        if (typeof v !== 'string') fail(file, `__metadata__ value of "${k}" must be a string, found ${typeof v}`, name);
      }
      metadata = raw as Record<string, string>;
      continue;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(file, 'entry must be an object {dtype, shape, data_offsets}', name);
    const { dtype, shape, data_offsets } = raw as Record<string, unknown>;
    if (!isDtype(dtype)) {
      fail(file, `unknown dtype ${JSON.stringify(dtype)}; supported: ${DTYPE_NAMES.join(', ')}`, name, DTYPE_NAMES, dtype);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(file, `shape must be an array of non-negative integers, found ${JSON.stringify(shape)}`, name);
    }
    if (
      !Array.isArray(data_offsets) ||
      data_offsets.length !== 2 ||
      !data_offsets.every((d) => Number.isSafeInteger(d) && d >= 0)
    ) {
      fail(file, `data_offsets must be [begin, end] of non-negative integers, found ${JSON.stringify(data_offsets)}`, name);
    }
    const [begin, end] = data_offsets as [number, number];
    if (end < begin) fail(file, `data_offsets [${begin}, ${end}] end before they begin`, name);
    if (end > bufferLength) {
      fail(file, `data_offsets [${begin}, ${end}] run past the ${bufferLength}-byte data buffer; the file is truncated`, name, `<= ${bufferLength}`, end);
    }
    const expectedBytes = shapeSize(shape as number[]) * DTYPES[dtype].bytes;
    if (!Number.isSafeInteger(expectedBytes) || expectedBytes !== end - begin) {
      fail(
        file,
        `shape [${(shape as number[]).join(', ')}] of ${dtype} needs ${expectedBytes} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`,
        name,
        expectedBytes,
        end - begin,
      );
    }
    entries.push({ name, dtype, shape: shape as number[], offset: dataStart + begin, byteLength: end - begin });
    ranges.push({ name, begin, end });
  }

  ranges.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const r of ranges) {
    if (r.begin < pos) fail(file, `data_offsets [${r.begin}, ${r.end}] overlap the previous tensor, which ends at ${pos}`, r.name, pos, r.begin);
    if (r.begin > pos) fail(file, `data_offsets [${r.begin}, ${r.end}] leave a hole after byte ${pos} of the data buffer`, r.name, pos, r.begin);
    pos = r.end;
  }
  if (pos !== bufferLength) {
    fail(file, `tensors cover ${pos} bytes but the data buffer holds ${bufferLength}; the file has trailing bytes`, undefined, pos, bufferLength);
  }
  entries.sort((a, b) => a.offset - b.offset);
  return { tensors: new Map(entries.map((e) => [e.name, e])), metadata, dataStart };
}

/** One tensor's description for serialisation. */
export interface HeaderTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  byteLength: number;
}

/** Orders tensors as the official writer does: dtype alignment descending, then name. */
export function officialOrder<T extends { name: string; dtype: SafetensorsDtype }>(tensors: T[]): T[] {
  return [...tensors].sort((a, b) => DTYPES[b.dtype].rank - DTYPES[a.dtype].rank || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Serialises a header for tensors already in file order: compact JSON, `__metadata__` first,
 * padded with spaces so that 8 + N is a multiple of 8. Returns the 8 length bytes plus the header.
 */
export function buildHeader(tensors: HeaderTensor[], metadata?: Record<string, string>): Buffer {
  // Built by hand: a JS object would move integer-like names ("0", "1") to the front.
  const parts: string[] = [];
  if (metadata !== undefined) {
    const m = Object.entries(metadata).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    parts.push(`"__metadata__":{${m.join(',')}}`);
  }
  let offset = 0;
  for (const t of tensors) {
    const info = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.byteLength] };
    parts.push(`${JSON.stringify(t.name)}:${JSON.stringify(info)}`);
    offset += t.byteLength;
  }
  const json = Buffer.from(`{${parts.join(',')}}`, 'utf8');
  const padded = Math.ceil(json.length / 8) * 8;
  const out = Buffer.alloc(8 + padded, 0x20);
  out.writeBigUInt64LE(BigInt(padded), 0);
  json.copy(out, 8);
  return out;
}
