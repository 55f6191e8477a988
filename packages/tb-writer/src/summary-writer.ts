// SummaryWriter: buffered, asynchronous writer of TensorBoard event files.
// Default import: calls go through the module object, so tests can simulate write failures.
import fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { maskedCrc32c } from './crc32c';
import { TbArgumentError, TbWriterError } from './errors';
import {
  encodeFileVersionEvent,
  encodeHistogramEvent,
  encodeRestartEvent,
  encodeScalarEvent,
  encodeTextEvent,
} from './event-encoder';
import { registerWriter, unregisterWriter, type SyncFlushable } from './exit-hooks';
import {
  encodeExperimentEvent,
  encodeSessionEndEvent,
  encodeSessionStartEvent,
  type HParamValue,
  type SessionStatus,
} from './hparams';
import { computeHistogram } from './histogram';
import { ProtoWriter } from './protobuf';

/** Options of {@link SummaryWriter}. */
export interface SummaryWriterOptions {
  /**
   * Milliseconds between background flushes of buffered events; default 2000.
   * 0 disables the timer (events are then written on flush(), close(), when
   * the buffer reaches `maxBufferBytes`, and at process exit).
   */
  flushIntervalMs?: number;
  /** Appended to the file name, e.g. `.rfai`; default none. */
  filenameSuffix?: string;
  /** Buffered bytes that trigger an early background flush; default 1 MiB. */
  maxBufferBytes?: number;
  /**
   * Called once when a background write fails (the writer then refuses new
   * events). Default: `process.emitWarning(err)`.
   */
  onError?: (err: TbWriterError) => void;
}

/** Options of {@link SummaryWriter.histogram}. */
export interface HistogramOptions {
  /** Seconds since the Unix epoch; default now. */
  wallTime?: number;
  /** Bucket right edges; default TensorBoard's {@link defaultBucketLimits}. */
  bucketLimits?: ArrayLike<number>;
}

/** Per-process counter that makes file names unique (the `{n}` in the name). */
let fileCounter = 0;

interface Chunk {
  data: Uint8Array;
  offset: number;
}

/** Writes `data[0, length)` at `position`, looping over partial writes. */
function writeFullySync(fd: number, data: Uint8Array, length: number, position: number): void {
  let done = 0;
  while (done < length) done += fs.writeSync(fd, data, done, length - done, position + done);
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${String(v)} (${typeof v})`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

/**
 * Writes TensorBoard event files (`events.out.tfevents.{seconds}.{hostname}.{pid}.{n}`)
 * into `logdir`. Methods encode the event into an in-memory buffer and return
 * at once; the buffer goes to disk asynchronously every `flushIntervalMs`, on
 * {@link flush}, on {@link close}, when it grows past `maxBufferBytes`, and
 * synchronously at process exit (beforeExit, exit, SIGINT, SIGTERM, SIGHUP;
 * see the README for how signals are handled). Only whole records are ever
 * written, in order, so a killed process loses at most the unflushed events
 * and leaves at worst one truncated final record, which readers skip.
 *
 * The constructor creates `logdir` (recursively) and the file synchronously,
 * so a bad path fails at once, and queues the `brain.Event:2` header event.
 *
 * @example
 * const w = new SummaryWriter('logs/tensorboard/run1');
 * w.scalar('train/loss', 0.25, 10);
 * await w.close();
 */
export class SummaryWriter implements SyncFlushable {
  /** The run's log folder. */
  readonly logdir: string;
  /** Absolute path of the event file being written. */
  readonly file: string;

  private readonly fd: number;
  private readonly pending = new ProtoWriter(64 * 1024);
  private readonly maxBufferBytes: number;
  private readonly onError: (err: TbWriterError) => void;
  private readonly timer: NodeJS.Timeout | null;
  private nextOffset = 0;
  private inflight: Chunk[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure: TbWriterError | null = null;
  private closing: Promise<void> | null = null;
  private hparamsWritten = false;
  private fdClosed = false;

  constructor(logdir: string, options: SummaryWriterOptions = {}) {
    if (typeof logdir !== 'string' || logdir === '') {
      throw new TbArgumentError('logdir', 'a non-empty folder path', describe(logdir));
    }
    const flushIntervalMs = options.flushIntervalMs ?? 2000;
    // setInterval caps delays at 2^31-1 ms (about 24.8 days) and turns larger ones into 1 ms.
    if (typeof flushIntervalMs !== 'number' || !(flushIntervalMs >= 0 && flushIntervalMs <= 2147483647)) {
      throw new TbArgumentError('options.flushIntervalMs', 'milliseconds in [0, 2147483647]', describe(flushIntervalMs));
    }
    const suffix = options.filenameSuffix ?? '';
    if (typeof suffix !== 'string' || /[/\\\0]/.test(suffix)) {
      throw new TbArgumentError('options.filenameSuffix', 'a string without path separators', describe(suffix));
    }
    this.maxBufferBytes = options.maxBufferBytes ?? 1024 * 1024;
    if (!Number.isFinite(this.maxBufferBytes) || this.maxBufferBytes <= 0) {
      throw new TbArgumentError('options.maxBufferBytes', 'a positive number of bytes', describe(options.maxBufferBytes));
    }
    this.onError = options.onError ?? ((err) => process.emitWarning(err));
    this.logdir = path.resolve(logdir);

    try {
      fs.mkdirSync(this.logdir, { recursive: true });
    } catch (err) {
      throw new TbWriterError(this.logdir, `cannot create the log folder: ${(err as Error).message}`, err);
    }
    const seconds = Math.floor(Date.now() / 1000);
    const host = os.hostname();
    let fd = -1;
    let file = '';
    for (;;) {
      file = path.join(this.logdir, `events.out.tfevents.${seconds}.${host}.${process.pid}.${fileCounter++}${suffix}`);
      try {
        // 'wx': fail rather than overwrite another writer's file. Not 'a':
        // writes are positional (see flushSync).
        fd = fs.openSync(file, 'wx');
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw new TbWriterError(file, `cannot create the event file: ${(err as Error).message}`, err);
      }
    }
    this.fd = fd;
    this.file = file;

    this.beginRecord();
    encodeFileVersionEvent(this.pending, Date.now() / 1000);
    this.endRecord();
    registerWriter(this);
    this.timer = flushIntervalMs > 0 ? setInterval(() => this.backgroundFlush(), flushIntervalMs) : null;
    // Never keep the process alive just to flush: exit hooks do the last flush.
    this.timer?.unref();
    this.backgroundFlush();
  }

  /** True once {@link close} has been called. */
  get closed(): boolean {
    return this.closing !== null;
  }

  /** Bytes encoded but not yet handed to the file system. */
  get bufferedBytes(): number {
    return this.pending.pos;
  }

  /**
   * Logs a scalar as `simple_value` (stored as float32, as TensorBoard does).
   * NaN and ±Infinity are allowed and shown as such.
   *
   * @param tag e.g. `train/loss`.
   * @param step a safe integer (negative allowed, as TensorFlow's int64).
   * @param wallTime seconds since the Unix epoch; default now.
   */
  scalar(tag: string, value: number, step: number, wallTime?: number): void {
    this.check(tag, step, wallTime);
    if (typeof value !== 'number') throw new TbArgumentError(`scalar "${tag}" value`, 'a number', describe(value));
    this.beginRecord();
    encodeScalarEvent(this.pending, tag, value, step, wallTime ?? Date.now() / 1000);
    this.endRecord();
  }

  /**
   * Marks a restart at `step` (SessionLog START, as TensorFlow writes when a session starts): readers such as
   * TensorBoard then drop the points of earlier event files with step >= `step`, which a resumed run writes again.
   * Write it once, first, from a run that resumes after its checkpoint at step `step - 1`.
   */
  sessionStart(step: number, wallTime?: number): void {
    this.check('session_log', step, wallTime);
    this.beginRecord();
    encodeRestartEvent(this.pending, wallTime ?? Date.now() / 1000, step);
    this.endRecord();
  }

  /**
   * Logs the distribution of `values` as a HistogramProto with TensorBoard's
   * default exponential buckets (see {@link computeHistogram}).
   *
   * @throws TbHistogramValueError when a value is NaN or infinite.
   */
  histogram(tag: string, values: ArrayLike<number>, step: number, options: HistogramOptions = {}): void {
    this.check(tag, step, options.wallTime);
    if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
      throw new TbArgumentError(`histogram "${tag}" values`, 'an array or typed array of numbers', describe(values));
    }
    const h = computeHistogram(tag, values, options.bucketLimits);
    this.beginRecord();
    encodeHistogramEvent(this.pending, tag, h, step, options.wallTime ?? Date.now() / 1000);
    this.endRecord();
  }

  /** Logs Markdown text for TensorBoard's Text tab (a scalar DT_STRING tensor, plugin `text`). */
  text(tag: string, markdown: string, step: number, wallTime?: number): void {
    this.check(tag, step, wallTime);
    if (typeof markdown !== 'string') throw new TbArgumentError(`text "${tag}" markdown`, 'a string', describe(markdown));
    this.beginRecord();
    encodeTextEvent(this.pending, tag, markdown, step, wallTime ?? Date.now() / 1000);
    this.endRecord();
  }

  /**
   * Records the run's hyperparameters for TensorBoard's HParams tab: an
   * Experiment (one HParamInfo per key, one MetricInfo per metric tag) and a
   * SessionStartInfo with the values. {@link close} adds the SessionEndInfo.
   * Call once per writer.
   *
   * @param hparams values must be finite numbers, strings or booleans.
   * @param metricTags scalar tags the HParams tab shows as metric columns, e.g. `['eval/score_mean']`.
   */
  hparams(hparams: Record<string, HParamValue>, metricTags: string[] = [], options: { wallTime?: number } = {}): void {
    this.checkOpen();
    if (this.hparamsWritten) {
      throw new TbWriterError(this.file, 'hparams() was already called for this writer; TensorBoard keeps one set of hyperparameters per run.');
    }
    if (hparams === null || typeof hparams !== 'object' || Array.isArray(hparams)) {
      throw new TbArgumentError('hparams', 'an object mapping names to numbers, strings or booleans', describe(hparams));
    }
    for (const [k, v] of Object.entries(hparams)) {
      if (k === '') throw new TbArgumentError('hparams key', 'a non-empty name', '""');
      const ok = typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
      if (!ok) throw new TbArgumentError(`hparams.${k}`, 'a finite number, a string or a boolean', describe(v));
    }
    if (!Array.isArray(metricTags)) throw new TbArgumentError('metricTags', 'an array of scalar tags', describe(metricTags));
    metricTags.forEach((t, i) => {
      if (typeof t !== 'string' || t === '') throw new TbArgumentError(`metricTags[${i}]`, 'a non-empty tag', describe(t));
    });
    const wallTime = options.wallTime ?? Date.now() / 1000;
    this.checkWallTime(wallTime);
    this.beginRecord();
    encodeExperimentEvent(this.pending, hparams, metricTags, wallTime);
    this.endRecord();
    this.beginRecord();
    encodeSessionStartEvent(this.pending, hparams, wallTime);
    this.endRecord();
    this.hparamsWritten = true;
  }

  /**
   * Hands buffered events to the file system and resolves when they are
   * written (not fsync'ed). Rejects with TbWriterError if a write failed.
   */
  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.dispatch();
    return this.chain.then(() => {
      if (this.failure) throw this.failure;
    });
  }

  /**
   * Writes everything buffered synchronously (used at process exit). Chunks
   * still being written asynchronously are rewritten at their offsets first:
   * the same bytes at the same positions, so the result is identical whether
   * or not the asynchronous write had finished.
   */
  flushSync(): void {
    if (this.fdClosed) return;
    for (const c of this.inflight) writeFullySync(this.fd, c.data, c.data.length, c.offset);
    const n = this.pending.pos;
    if (n > 0) {
      writeFullySync(this.fd, this.pending.buf, n, this.nextOffset);
      this.nextOffset += n;
      this.pending.reset();
    }
  }

  /**
   * Writes the SessionEndInfo when hparams were logged, flushes and closes
   * the file. Idempotent: later calls return the same promise. Methods that
   * log throw after close.
   *
   * @param options.status the run's outcome for the HParams tab; default `success`.
   * @param options.sessionEnd write the SessionEndInfo; default: only if this
   *   writer logged hparams. Pass `true` when resuming a run whose hparams an
   *   earlier writer logged into the same folder.
   */
  close(options: { status?: SessionStatus; sessionEnd?: boolean } = {}): Promise<void> {
    if (this.closing) return this.closing;
    const sessionEnd = options.sessionEnd ?? this.hparamsWritten;
    if (sessionEnd && !this.failure) {
      const status = options.status ?? 'success';
      if (!['unknown', 'success', 'failure', 'running'].includes(status)) {
        throw new TbArgumentError('options.status', "'success', 'failure', 'running' or 'unknown'", describe(status));
      }
      this.beginRecord();
      encodeSessionEndEvent(this.pending, status, Date.now() / 1000);
      this.endRecord();
    }
    if (this.timer) clearInterval(this.timer);
    if (!this.failure) this.dispatch();
    this.closing = this.chain.then(async () => {
      unregisterWriter(this);
      this.fdClosed = true;
      await new Promise<void>((resolve) => fs.close(this.fd, () => resolve()));
      if (this.failure) throw this.failure;
    });
    return this.closing;
  }

  // --- internals ---------------------------------------------------------

  private recordStart = 0;

  /** Reserves the 12-byte record header in the pending buffer. */
  private beginRecord(): void {
    this.pending.ensure(12);
    this.recordStart = this.pending.pos;
    this.pending.pos += 12;
  }

  /** Fills in the header and appends the data CRC (TFRecord framing). */
  private endRecord(): void {
    const w = this.pending;
    const start = this.recordStart;
    const len = w.pos - start - 12;
    w.ensure(4);
    const v = w.view;
    v.setUint32(start, len, true);
    v.setUint32(start + 4, 0, true);
    v.setUint32(start + 8, maskedCrc32c(w.buf, start, start + 8), true);
    v.setUint32(w.pos, maskedCrc32c(w.buf, start + 12, w.pos), true);
    w.pos += 4;
    if (w.pos >= this.maxBufferBytes) this.backgroundFlush();
  }

  private backgroundFlush(): void {
    if (this.failure || this.fdClosed) return;
    // Errors are reported through onError; flush()/close() callers see them too.
    this.flush().catch(() => undefined);
  }

  /** Moves the pending bytes into an ordered asynchronous write. */
  private dispatch(): void {
    const n = this.pending.pos;
    if (n === 0 || this.fdClosed) return;
    const chunk: Chunk = { data: this.pending.buf.slice(0, n), offset: this.nextOffset };
    this.nextOffset += n;
    this.pending.reset();
    this.inflight.push(chunk);
    this.chain = this.chain.then(() => this.writeChunk(chunk));
  }

  private writeChunk(chunk: Chunk): Promise<void> {
    if (this.failure || this.fdClosed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (err: Error | null) => {
        this.inflight = this.inflight.filter((c) => c !== chunk);
        if (err && !this.failure) {
          this.failure = new TbWriterError(
            this.file,
            `writing ${chunk.data.length} bytes at offset ${chunk.offset} failed: ${err.message}. ` +
              'Events logged from now on are refused; check free disk space and permissions.',
            err,
          );
          try {
            this.onError(this.failure);
          } catch {
            // A throwing onError must not break the write chain.
          }
        }
        resolve();
      };
      // fs.write may write less than asked; continue from where it stopped.
      const writeFrom = (done0: number) => {
        fs.write(this.fd, chunk.data, done0, chunk.data.length - done0, chunk.offset + done0, (err, written) => {
          if (err) done(err);
          else if (done0 + written < chunk.data.length) writeFrom(done0 + written);
          else done(null);
        });
      };
      writeFrom(0);
    });
  }

  private checkOpen(): void {
    if (this.failure) throw this.failure;
    if (this.closing) throw new TbWriterError(this.file, 'the writer is closed; create a new SummaryWriter to log more events.');
  }

  private checkWallTime(wallTime: number | undefined): void {
    if (wallTime !== undefined && (typeof wallTime !== 'number' || !Number.isFinite(wallTime))) {
      throw new TbArgumentError('wallTime', 'finite seconds since the Unix epoch', describe(wallTime));
    }
  }

  private check(tag: string, step: number, wallTime: number | undefined): void {
    this.checkOpen();
    if (typeof tag !== 'string' || tag === '') throw new TbArgumentError('tag', 'a non-empty string', describe(tag));
    if (!Number.isSafeInteger(step)) {
      throw new TbArgumentError(`step of "${tag}"`, 'a safe integer', describe(step), 'Steps are int64 in the event file; round or count them.');
    }
    this.checkWallTime(wallTime);
  }
}
