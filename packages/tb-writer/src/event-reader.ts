// Reading event files: one file, a run folder (all its files merged), and
// the runs under a log folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TbArgumentError, TbCorruptRecordError, TbDecodeError, TbError } from './errors';
import { decodeEvent, type DecodedEvent, type HistogramBucket } from './event-decoder';
import { SESSION_LOG_START } from './event-encoder';
import type { HParamValue, SessionStatus } from './hparams';
import type { HistogramValue } from './histogram';
import { ProtoDecodeError } from './protobuf';
import { scanRecords, type RecordSpan, type TruncatedTail } from './tfrecord';

/** A decoded event with where it came from. */
export interface EventRecord extends DecodedEvent {
  /** Byte offset of the record in its file. */
  offset: number;
}

/** A final record cut short (the writer is still running, or was killed mid-write). */
export interface TruncatedRecord extends TruncatedTail {
  file: string;
}

/** Options of {@link readEventFile} and {@link readEvents}. */
export interface ReadOptions {
  /**
   * What to do at a record whose CRC does not match: `throw` (default) a
   * TbCorruptRecordError, or `stop` reading that file and report the
   * records before it (the bad offset goes to `corrupt`).
   */
  onCorrupt?: 'throw' | 'stop';
  /** Bytes read per chunk while streaming; default 4 MiB. */
  chunkBytes?: number;
}

/** Result of {@link readEventFile}. */
export interface EventFileContents {
  file: string;
  events: EventRecord[];
  /** Set when the file ends inside a record. */
  truncated: TruncatedRecord | null;
  /** Set when reading stopped at a corrupt record (`onCorrupt: 'stop'`). */
  corrupt: TbCorruptRecordError | null;
}

const EVENT_FILE_RE = /(^|\/)events\.out\.tfevents\.[^/]*$/;

/** True for a file name TensorBoard treats as an event file (`*events.out.tfevents*`). */
export function isEventFileName(name: string): boolean {
  return path.basename(name).includes('tfevents') && EVENT_FILE_RE.test(name.replace(/\\/g, '/'));
}

/** Reading state shared between the batch reader and its callers. */
interface ReadState {
  truncated: TruncatedRecord | null;
  corrupt: TbCorruptRecordError | null;
  /** Plugin of each tag seen so far (TensorFlow writes a tag's metadata only once). */
  pluginByTag?: Map<string, string>;
}

/**
 * Iterates the events of one file, streaming it in chunks, checking both
 * CRCs of every record. Stops quietly at a truncated final record; call
 * {@link readEventFile} to have it reported.
 */
export async function* readEvents(file: string, options: ReadOptions = {}): AsyncGenerator<EventRecord> {
  for await (const batch of readEventBatches(file, options, { truncated: null, corrupt: null })) yield* batch;
}

/** Reads a file chunk by chunk, yielding the events decoded from each chunk. */
async function* readEventBatches(file: string, options: ReadOptions, state: ReadState): AsyncGenerator<EventRecord[]> {
  const chunkBytes = options.chunkBytes ?? 4 * 1024 * 1024;
  if (!Number.isInteger(chunkBytes) || chunkBytes < 16) {
    throw new TbArgumentError('options.chunkBytes', 'an integer >= 16', String(chunkBytes));
  }
  const pluginByTag = state.pluginByTag ?? new Map<string, string>();
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (err) {
    throw new TbError(`${file}: cannot open event file: ${(err as Error).message}`);
  }
  try {
    let buf: Uint8Array = new Uint8Array(0);
    let bufOffset = 0; // file offset of buf[0]
    let eof = false;
    while (!eof) {
      const chunk = new Uint8Array(chunkBytes);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, bufOffset + buf.length);
      if (bytesRead === 0) eof = true;
      if (bytesRead > 0) {
        if (buf.length === 0) buf = chunk.subarray(0, bytesRead);
        else {
          const joined = new Uint8Array(buf.length + bytesRead);
          joined.set(buf, 0);
          joined.set(chunk.subarray(0, bytesRead), buf.length);
          buf = joined;
        }
      }
      let scan;
      try {
        scan = scanRecords(buf, file, bufOffset);
      } catch (err) {
        if (err instanceof TbCorruptRecordError && options.onCorrupt === 'stop') {
          // Yield the good records before the corrupt one, then stop.
          const good = scanRecords(buf.subarray(0, err.offset - bufOffset), file, bufOffset);
          yield decodeRecords(buf, good.records, file, pluginByTag);
          state.corrupt = err;
          return;
        }
        throw err;
      }
      if (scan.records.length > 0) yield decodeRecords(buf, scan.records, file, pluginByTag);
      if (eof) {
        state.truncated = scan.truncated ? { file, ...scan.truncated } : null;
      } else {
        buf = buf.slice(scan.consumed);
        bufOffset += scan.consumed;
      }
    }
  } finally {
    await handle.close();
  }
}

function decodeRecords(buf: Uint8Array, records: RecordSpan[], file: string, pluginByTag: Map<string, string>): EventRecord[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: EventRecord[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const { offset, dataStart, dataEnd } = records[i];
    try {
      const ev = decodeEvent(buf, dataStart, dataEnd, pluginByTag, view) as EventRecord;
      ev.offset = offset;
      out[i] = ev;
    } catch (err) {
      if (!(err instanceof ProtoDecodeError)) throw err;
      // Decode the record's data alone again, so the positions in the message
      // are within the record's data rather than the read buffer.
      try {
        decodeEvent(buf.slice(dataStart, dataEnd), 0, dataEnd - dataStart, new Map());
      } catch (again) {
        if (again instanceof ProtoDecodeError) throw new TbDecodeError(file, offset, again.message);
        throw again;
      }
      throw new TbDecodeError(file, offset, err.message);
    }
  }
  return out;
}

/**
 * Reads and decodes every event of one file. A truncated final record is
 * reported in `truncated`, not thrown.
 *
 * @throws TbCorruptRecordError on a CRC mismatch (unless `onCorrupt: 'stop'`).
 * @throws TbDecodeError when a record is not a valid Event protobuf.
 */
export async function readEventFile(file: string, options: ReadOptions = {}): Promise<EventFileContents> {
  const state: ReadState = { truncated: null, corrupt: null };
  const events: EventRecord[] = [];
  for await (const batch of readEventBatches(file, options, state)) for (const ev of batch) events.push(ev);
  return { file, events, truncated: state.truncated, corrupt: state.corrupt };
}

/** One scalar point. */
export interface ScalarPoint {
  step: number;
  /** Seconds since the Unix epoch. */
  wallTime: number;
  value: number;
}

/** One histogram point (HistogramProto form). */
export interface HistogramPoint {
  step: number;
  wallTime: number;
  histogram: HistogramValue;
}

/** One TF2 tensor-histogram point: `[left, right)` buckets with counts. */
export interface TensorHistogramPoint {
  step: number;
  wallTime: number;
  buckets: HistogramBucket[];
}

/** One text point. `text` joins the tensor's strings with newlines; `values` keeps them apart. */
export interface TextPoint {
  step: number;
  wallTime: number;
  text: string;
  values: string[];
}

/** The HParams plugin data of a run. */
export interface RunHParams {
  /** Hyperparameter values from SessionStartInfo (null for a NullValue). */
  values: Record<string, HParamValue | null>;
  /** Metric tags from the Experiment, if one was written. */
  metricTags: string[];
  /** SessionStartInfo.start_time_secs. */
  startTimeSecs: number;
  /** From SessionEndInfo, or null while the run has none (running or killed). */
  status: SessionStatus | null;
  endTimeSecs: number | null;
}

/** Options of {@link readRun}. */
export interface ReadRunOptions extends ReadOptions {
  /**
   * When several points of a tag share a step (a resumed run re-logging
   * steps after its last checkpoint): `last` (default) keeps the one written
   * last; `all` keeps every point, ordered by step then write order.
   */
  duplicateSteps?: 'last' | 'all';
}

/** Everything decoded from a run folder. Tags map to points sorted by step. */
export interface RunData {
  /** The run folder. */
  dir: string;
  /** Event files read, in creation order (names compared with digit runs as numbers). */
  files: string[];
  scalars: Record<string, ScalarPoint[]>;
  histograms: Record<string, HistogramPoint[]>;
  tensorHistograms: Record<string, TensorHistogramPoint[]>;
  texts: Record<string, TextPoint[]>;
  hparams: RunHParams | null;
  /** Truncated final records, one per affected file. */
  truncated: TruncatedRecord[];
  /** Files where reading stopped at a corrupt record (`onCorrupt: 'stop'`). */
  corrupt: TbCorruptRecordError[];
  /** Number of events read. */
  eventCount: number;
}

async function eventFilesIn(dir: string): Promise<string[]> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new TbError(`${dir}: cannot list the run folder: ${(err as Error).message}`);
  }
  return entries
    .filter((e) => e.isFile() && isEventFileName(e.name))
    .map((e) => path.join(dir, e.name))
    .sort(compareEventFiles);
}

/**
 * Orders event files by creation: names compared with digit runs as numbers,
 * so `...1700000000.host.123.10` comes after `...1700000000.host.123.9`.
 */
export function compareEventFiles(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Sorts each tag's points by step (stable: ties keep write order) and applies the duplicate-step rule. */
function finish<T extends { step: number }>(map: Map<string, T[]>, mode: 'last' | 'all'): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const [tag, arr] of map) {
    let sorted = true;
    for (let i = 1; i < arr.length && sorted; i++) sorted = arr[i - 1].step < arr[i].step;
    if (sorted) {
      out[tag] = arr; // the common case: strictly increasing steps, nothing to do
      continue;
    }
    const points = arr.slice().sort((a, b) => a.step - b.step); // Array#sort is stable
    out[tag] = mode === 'last' ? points.filter((p, i) => i === points.length - 1 || points[i + 1].step !== p.step) : points;
  }
  return out;
}

/**
 * Reads every event file directly in `dir` (not sub-folders: those are
 * separate runs), in creation order (see {@link compareEventFiles}), and
 * merges them into per-tag series sorted by step.
 */
export async function readRun(dir: string, options: ReadRunOptions = {}): Promise<RunData> {
  const mode = options.duplicateSteps ?? 'last';
  if (mode !== 'last' && mode !== 'all') {
    throw new TbArgumentError('options.duplicateSteps', "'last' or 'all'", String(mode));
  }
  const files = await eventFilesIn(dir);
  const scalars = new Map<string, ScalarPoint[]>();
  const histograms = new Map<string, HistogramPoint[]>();
  const tensorHistograms = new Map<string, TensorHistogramPoint[]>();
  const texts = new Map<string, TextPoint[]>();
  const truncated: TruncatedRecord[] = [];
  const corrupt: TbCorruptRecordError[] = [];
  let hparams: RunHParams | null = null;
  let metricTags: string[] = [];
  let end: { status: SessionStatus; endTimeSecs: number } | null = null;
  let eventCount = 0;
  const pluginByTag = new Map<string, string>();
  const push = <T>(map: Map<string, T[]>, tag: string, point: T) => {
    let arr = map.get(tag);
    if (!arr) map.set(tag, (arr = []));
    arr.push(point);
  };
  for (const file of files) {
    const state: ReadState = { truncated: null, corrupt: null, pluginByTag };
    for await (const batch of readEventBatches(file, options, state)) for (const ev of batch) {
      eventCount++;
      if (ev.sessionLogStatus === SESSION_LOG_START) {
        // A restart marker, read as TensorBoard's EventAccumulator does (purge_orphaned_data): the points read so far
        // at or after its step were orphaned by a crash and are written again after it.
        for (const map of [scalars, histograms, tensorHistograms, texts] as Array<Map<string, Array<{ step: number }>>>) {
          for (const [tag, arr] of map) map.set(tag, arr.filter((p) => p.step < ev.step));
        }
        continue;
      }
      if (!ev.values) continue;
      const { step, wallTime } = ev;
      for (const v of ev.values) {
        switch (v.kind) {
          case 'scalar':
            push(scalars, v.tag, { step, wallTime, value: v.value });
            break;
          case 'histogram':
            push(histograms, v.tag, { step, wallTime, histogram: v.histogram });
            break;
          case 'tensorHistogram':
            push(tensorHistograms, v.tag, { step, wallTime, buckets: v.buckets });
            break;
          case 'text':
            push(texts, v.tag, { step, wallTime, text: v.text, values: v.values });
            break;
          case 'hparams':
            if (v.data.type === 'sessionStart') {
              hparams = { values: v.data.hparams, metricTags: [], startTimeSecs: v.data.startTimeSecs, status: null, endTimeSecs: null };
            } else if (v.data.type === 'experiment') metricTags = v.data.metricTags;
            else if (v.data.type === 'sessionEnd') end = { status: v.data.status, endTimeSecs: v.data.endTimeSecs };
            break;
          default:
            break;
        }
      }
    }
    if (state.truncated) truncated.push(state.truncated);
    if (state.corrupt) corrupt.push(state.corrupt);
  }
  const hp = hparams as RunHParams | null;
  if (hp) {
    hp.metricTags = metricTags;
    const e = end as { status: SessionStatus; endTimeSecs: number } | null;
    if (e) {
      hp.status = e.status;
      hp.endTimeSecs = e.endTimeSecs;
    }
  }
  return {
    dir,
    files,
    scalars: finish(scalars, mode),
    histograms: finish(histograms, mode),
    tensorHistograms: finish(tensorHistograms, mode),
    texts: finish(texts, mode),
    hparams: hp,
    truncated,
    corrupt,
    eventCount,
  };
}

/** Scalars of a run folder only: `readRun(dir).scalars`. */
export async function readRunScalars(dir: string, options: ReadRunOptions = {}): Promise<Record<string, ScalarPoint[]>> {
  return (await readRun(dir, options)).scalars;
}

/** A run found by {@link listRuns}. */
export interface RunInfo {
  /** Path relative to the log folder, with `/` separators; `.` for the log folder itself. */
  name: string;
  /** Absolute path of the run folder. */
  dir: string;
  /** Its event files, in creation order. */
  files: string[];
  /** Latest modification time of its event files, in ms since the epoch. */
  lastModifiedMs: number;
  /** Total bytes of its event files. */
  bytes: number;
}

/**
 * Lists the runs under `logdir` the way TensorBoard does: every folder
 * (including `logdir` itself) that directly holds at least one event file.
 * Sorted by name. Symbolic links to folders are not followed.
 */
export async function listRuns(logdir: string): Promise<RunInfo[]> {
  const root = path.resolve(logdir);
  try {
    const st = await fs.promises.stat(root);
    if (!st.isDirectory()) throw new TbError(`${root}: not a folder; listRuns expects a log folder such as logs/tensorboard.`);
  } catch (err) {
    if (err instanceof TbError) throw err;
    throw new TbError(`${root}: cannot read the log folder: ${(err as Error).message}`);
  }
  const runs: RunInfo[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.promises.readdir(dir, { withFileTypes: true });
    const files: string[] = [];
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && isEventFileName(e.name)) files.push(p);
    }
    if (files.length > 0) {
      files.sort(compareEventFiles);
      let lastModifiedMs = 0;
      let bytes = 0;
      for (const f of files) {
        const st = await fs.promises.stat(f);
        lastModifiedMs = Math.max(lastModifiedMs, st.mtimeMs);
        bytes += st.size;
      }
      const rel = path.relative(root, dir).split(path.sep).join('/');
      runs.push({ name: rel === '' ? '.' : rel, dir, files, lastModifiedMs, bytes });
    }
  };
  await walk(root);
  return runs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
