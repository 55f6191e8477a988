// Decodes Event protobufs into plain objects. Understands the summary forms
// that TensorFlow 1/2, PyTorch, tensorboardX and this package write:
// simple_value scalars, tensor scalars (plugin "scalars"), HistogramProto
// histograms, tensor histograms (plugin "histograms", [k, 3] rows of
// left edge, right edge, count), text (plugin "text", DT_STRING) and hparams.
import type { HistogramValue } from './histogram';
import { decodeHParamsPluginData, type HParamsData } from './hparams';
import { ProtoDecodeError, ProtoReader, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './protobuf';

/** One `[left, right)` bucket of a TF2 tensor histogram. */
export interface HistogramBucket {
  left: number;
  right: number;
  count: number;
}

/** A decoded Summary.Value. `kind` says which form it held. */
export type SummaryValue =
  | { kind: 'scalar'; tag: string; value: number }
  | { kind: 'histogram'; tag: string; histogram: HistogramValue }
  | { kind: 'tensorHistogram'; tag: string; buckets: HistogramBucket[] }
  | { kind: 'text'; tag: string; text: string; values: string[]; shape: number[] }
  | { kind: 'hparams'; tag: string; data: HParamsData }
  | { kind: 'other'; tag: string; pluginName: string; dtype: number; shape: number[] };

/** A decoded Event. */
export interface DecodedEvent {
  /** Seconds since the Unix epoch. */
  wallTime: number;
  step: number;
  /** Set on a file's first event (`brain.Event:2`). */
  fileVersion?: string;
  /** Decoded summary values (absent for non-summary events such as graphs). */
  values?: SummaryValue[];
  /** SessionLog status (1 START, 2 STOP, 3 CHECKPOINT) when the event holds one. */
  sessionLogStatus?: number;
}

/** TensorFlow DataType values this decoder understands. */
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_UINT8 = 4;
const DT_INT16 = 5;
const DT_INT8 = 6;
const DT_STRING = 7;
const DT_INT64 = 9;
const DT_BOOL = 10;
const DT_HALF = 19;
const DT_BFLOAT16 = 14;

interface TensorFields {
  dtype: number;
  shape: number[];
  content: Uint8Array | null;
  floats: number[];
  doubles: number[];
  ints: number[];
  int64s: number[];
  bools: number[];
  halfs: number[];
  strings: Uint8Array[];
}

function sub(r: ProtoReader): ProtoReader {
  return r.sub();
}

function decodeShape(r: ProtoReader): number[] {
  const dims: number[] = [];
  while (r.more()) {
    const kf = r.varint();
    const f = Math.floor(kf / 8);
    const w = kf & 7;
    if (f === 2 && w === WIRE_LEN) {
      const d = sub(r);
      let size = 0;
      while (d.more()) {
        const kf2 = d.varint();
        const f2 = Math.floor(kf2 / 8);
        const w2 = kf2 & 7;
        if (f2 === 1 && w2 === WIRE_VARINT) size = d.int64();
        else d.skip(w2);
      }
      dims.push(size);
    } else r.skip(w);
  }
  return dims;
}

function decodeTensor(r: ProtoReader): TensorFields {
  const t: TensorFields = {
    dtype: 0,
    shape: [],
    content: null,
    floats: [],
    doubles: [],
    ints: [],
    int64s: [],
    bools: [],
    halfs: [],
    strings: [],
  };
  while (r.more()) {
    const kf = r.varint();
    const f = Math.floor(kf / 8);
    const w = kf & 7;
    switch (f) {
      case 1:
        t.dtype = r.varint();
        break;
      case 2:
        t.shape = decodeShape(sub(r));
        break;
      case 4:
        t.content = r.bytes();
        break;
      case 5:
        r.floats(w, t.floats);
        break;
      case 6:
        r.doubles(w, t.doubles);
        break;
      case 7:
        r.varints(w, t.ints, true);
        break;
      case 8:
        t.strings.push(r.bytes());
        break;
      case 10:
        r.varints(w, t.int64s, true);
        break;
      case 11:
        r.varints(w, t.bools, false);
        break;
      case 13:
        r.varints(w, t.halfs, false);
        break;
      default:
        r.skip(w);
    }
  }
  return t;
}

function numElements(shape: number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/**
 * Numeric values of a tensor, from tensor_content (little-endian) or the typed
 * repeated field. A repeated field shorter than the shape is padded with its
 * last value, as TensorFlow's MakeNdarray does. Returns null for
 * non-numeric dtypes.
 */
export function tensorNumbers(t: TensorFields): number[] | null {
  const n = numElements(t.shape);
  if (t.content && t.content.length > 0) {
    const c = t.content;
    const view = new DataView(c.buffer, c.byteOffset, c.byteLength);
    const out: number[] = [];
    const read = (size: number, get: (o: number) => number) => {
      for (let o = 0; o + size <= c.length; o += size) out.push(get(o));
    };
    switch (t.dtype) {
      case DT_FLOAT: read(4, (o) => view.getFloat32(o, true)); break;
      case DT_DOUBLE: read(8, (o) => view.getFloat64(o, true)); break;
      case DT_INT32: read(4, (o) => view.getInt32(o, true)); break;
      case DT_INT16: read(2, (o) => view.getInt16(o, true)); break;
      case DT_INT8: read(1, (o) => view.getInt8(o)); break;
      case DT_UINT8: read(1, (o) => view.getUint8(o)); break;
      case DT_BOOL: read(1, (o) => view.getUint8(o)); break;
      case DT_INT64: read(8, (o) => Number(view.getBigInt64(o, true))); break;
      case DT_HALF: read(2, (o) => halfToFloat(view.getUint16(o, true))); break;
      case DT_BFLOAT16: read(2, (o) => new Float32Array(new Uint32Array([view.getUint16(o, true) << 16]).buffer)[0]); break;
      default: return null;
    }
    return out;
  }
  let src: number[];
  switch (t.dtype) {
    case DT_FLOAT: src = t.floats; break;
    case DT_DOUBLE: src = t.doubles; break;
    case DT_INT32: case DT_INT16: case DT_INT8: case DT_UINT8: src = t.ints; break;
    case DT_INT64: src = t.int64s; break;
    case DT_BOOL: src = t.bools; break;
    case DT_HALF: case DT_BFLOAT16:
      src = t.dtype === DT_HALF
        ? t.halfs.map(halfToFloat)
        : t.halfs.map((h) => new Float32Array(new Uint32Array([h << 16]).buffer)[0]);
      break;
    default: return null;
  }
  if (src.length === 0 || src.length >= n) return src;
  const out = src.slice();
  while (out.length < n) out.push(src[src.length - 1]);
  return out;
}

function decodeHistogramProto(r: ProtoReader): HistogramValue {
  const h: HistogramValue = { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimit: [], bucket: [] };
  while (r.more()) {
    const kf = r.varint();
    const f = Math.floor(kf / 8);
    const w = kf & 7;
    if (f >= 1 && f <= 5 && w === WIRE_I64) {
      const v = r.double();
      if (f === 1) h.min = v;
      else if (f === 2) h.max = v;
      else if (f === 3) h.num = v;
      else if (f === 4) h.sum = v;
      else h.sumSquares = v;
    } else if (f === 6) r.doubles(w, h.bucketLimit);
    else if (f === 7) r.doubles(w, h.bucket);
    else r.skip(w);
  }
  if (h.bucketLimit.length !== h.bucket.length) {
    throw new ProtoDecodeError(`HistogramProto has ${h.bucketLimit.length} bucket_limit values but ${h.bucket.length} bucket counts`);
  }
  return h;
}

interface Metadata {
  pluginName: string;
  content: Uint8Array | null;
}

function decodeMetadata(r: ProtoReader): Metadata {
  const md: Metadata = { pluginName: '', content: null };
  while (r.more()) {
    const kf = r.varint();
    const f = Math.floor(kf / 8);
    const w = kf & 7;
    if (f === 1 && w === WIRE_LEN) {
      const pd = sub(r);
      while (pd.more()) {
        const kf2 = pd.varint();
        const f2 = Math.floor(kf2 / 8);
        const w2 = kf2 & 7;
        if (f2 === 1 && w2 === WIRE_LEN) md.pluginName = pd.string();
        else if (f2 === 2 && w2 === WIRE_LEN) md.content = pd.bytes();
        else pd.skip(w2);
      }
    } else r.skip(w);
  }
  return md;
}

/**
 * Decodes one Summary.Value. `pluginByTag` remembers each tag's plugin from
 * its first value: TensorFlow writes the metadata only with a tag's first
 * value, so later values of the same tag carry a bare tensor.
 */
function decodeValue(r: ProtoReader, pluginByTag: Map<string, string>): SummaryValue | null {
  let tag = '';
  let simple: number | null = null;
  let histo: HistogramValue | null = null;
  let tensor: TensorFields | null = null;
  let md: Metadata | null = null;
  while (r.more()) {
    const kf = r.varint();
    const f = Math.floor(kf / 8);
    const w = kf & 7;
    if (f === 1 && w === WIRE_LEN) tag = r.string();
    else if (f === 2 && w === WIRE_I32) simple = r.float();
    else if (f === 5 && w === WIRE_LEN) histo = decodeHistogramProto(sub(r));
    else if (f === 8 && w === WIRE_LEN) tensor = decodeTensor(sub(r));
    else if (f === 9 && w === WIRE_LEN) md = decodeMetadata(sub(r));
    else r.skip(w);
  }
  if (simple !== null) return { kind: 'scalar', tag, value: simple };
  if (histo !== null) return { kind: 'histogram', tag, histogram: histo };
  let plugin = md?.pluginName ?? '';
  if (plugin) {
    if (!pluginByTag.has(tag)) pluginByTag.set(tag, plugin);
  } else plugin = pluginByTag.get(tag) ?? '';
  if (plugin === 'hparams' && md?.content) {
    return { kind: 'hparams', tag, data: decodeHParamsPluginData(md.content) };
  }
  if (!tensor) return plugin ? { kind: 'other', tag, pluginName: plugin, dtype: 0, shape: [] } : null;
  if (plugin === 'scalars') {
    const nums = tensorNumbers(tensor);
    if (nums && nums.length === 1) return { kind: 'scalar', tag, value: nums[0] };
  } else if (plugin === 'text' && tensor.dtype === DT_STRING) {
    const values = tensor.strings.map((s) => Buffer.from(s.buffer, s.byteOffset, s.byteLength).toString('utf8'));
    return { kind: 'text', tag, text: values.join('\n'), values, shape: tensor.shape };
  } else if (plugin === 'histograms') {
    const nums = tensorNumbers(tensor);
    if (nums && nums.length % 3 === 0) {
      const buckets: HistogramBucket[] = [];
      for (let i = 0; i < nums.length; i += 3) buckets.push({ left: nums[i], right: nums[i + 1], count: nums[i + 2] });
      return { kind: 'tensorHistogram', tag, buckets };
    }
  }
  return { kind: 'other', tag, pluginName: plugin, dtype: tensor.dtype, shape: tensor.shape };
}

/**
 * Decodes an Event from `buf[start, end)`. Throws ProtoDecodeError on
 * malformed bytes (callers add file and offset). `view`, a DataView over
 * all of `buf`, may be passed to avoid creating one per event.
 */
export function decodeEvent(
  buf: Uint8Array,
  start: number,
  end: number,
  pluginByTag: Map<string, string> = new Map(),
  view?: DataView,
): DecodedEvent {
  const r = new ProtoReader(buf, start, end, view);
  const ev: DecodedEvent = { wallTime: 0, step: 0 };
  while (r.more()) {
    const kf = r.varint();
    const f = Math.floor(kf / 8);
    const w = kf & 7;
    if (f === 1 && w === WIRE_I64) ev.wallTime = r.double();
    else if (f === 2 && w === WIRE_VARINT) ev.step = r.int64();
    else if (f === 3 && w === WIRE_LEN) ev.fileVersion = r.string();
    else if (f === 5 && w === WIRE_LEN) {
      // Summary and its Values are decoded in place (enter/leave), not with
      // sub-readers: this is the hot path when reading large runs.
      const summaryOuter = r.enter();
      const values: SummaryValue[] = ev.values ?? [];
      while (r.more()) {
        const kf2 = r.varint();
        const f2 = Math.floor(kf2 / 8);
        const w2 = kf2 & 7;
        if (f2 === 1 && w2 === WIRE_LEN) {
          const valueOuter = r.enter();
          const v = decodeValue(r, pluginByTag);
          r.leave(valueOuter);
          if (v) values.push(v);
        } else r.skip(w2);
      }
      r.leave(summaryOuter);
      ev.values = values;
    } else if (f === 7 && w === WIRE_LEN) {
      const s = sub(r);
      while (s.more()) {
        const kf2 = s.varint();
        const f2 = Math.floor(kf2 / 8);
        const w2 = kf2 & 7;
        if (f2 === 1 && w2 === WIRE_VARINT) ev.sessionLogStatus = s.varint();
        else s.skip(w2);
      }
    } else r.skip(w);
  }
  return ev;
}
