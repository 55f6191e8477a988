/**
 * Base class of every error thrown by @rfai/tb-writer. Catch this to handle
 * any event-file problem; the subclasses carry the data needed to act.
 */
export class TbError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TbError';
  }
}

/** An argument to a writer or reader method is invalid (bad tag, step, value, option). */
export class TbArgumentError extends TbError {
  /** The argument name, e.g. `step` or `options.flushIntervalMs`. */
  readonly argument: string;
  /** What was expected, e.g. `a safe integer`. */
  readonly expected: string;
  /** What was found, rendered for the message. */
  readonly found: string;

  constructor(argument: string, expected: string, found: string, hint = '') {
    super(`${argument}: expected ${expected}, found ${found}.${hint ? ' ' + hint : ''}`);
    this.name = 'TbArgumentError';
    this.argument = argument;
    this.expected = expected;
    this.found = found;
  }
}

/** A histogram was given a NaN or infinite value (TensorFlow's HistogramSummary rejects these too). */
export class TbHistogramValueError extends TbArgumentError {
  /** The histogram's tag. */
  readonly tag: string;
  /** Index of the first non-finite value. */
  readonly index: number;
  /** The offending value (NaN, Infinity or -Infinity). */
  readonly value: number;

  constructor(tag: string, index: number, value: number) {
    super(
      `histogram "${tag}" values[${index}]`,
      'a finite number',
      String(value),
      'Filter non-finite values before logging, or log their count as a scalar.',
    );
    this.name = 'TbHistogramValueError';
    this.tag = tag;
    this.index = index;
    this.value = value;
  }
}

/** The writer was used after `close()`, or a background disk write failed. */
export class TbWriterError extends TbError {
  /** The event file this writer writes. */
  readonly file: string;
  /** The underlying error (an fs error for a failed write), if any. */
  override readonly cause?: unknown;

  constructor(file: string, message: string, cause?: unknown) {
    super(`${file}: ${message}`);
    this.name = 'TbWriterError';
    this.file = file;
    this.cause = cause;
  }
}

/** A record in an event file failed its CRC check or had an impossible length. */
export class TbCorruptRecordError extends TbError {
  /** The event file (or `<buffer>` when decoding bytes in memory). */
  readonly file: string;
  /** Byte offset of the record's start in the file. */
  readonly offset: number;
  /** Which check failed. */
  readonly check: 'length-crc' | 'data-crc';
  /** The masked CRC stored in the file. */
  readonly stored: number;
  /** The masked CRC computed from the bytes read. */
  readonly computed: number;

  constructor(file: string, offset: number, check: 'length-crc' | 'data-crc', stored: number, computed: number) {
    const what = check === 'length-crc' ? 'length header' : 'record data';
    super(
      `${file}: record at byte ${offset}: ${what} CRC mismatch: stored masked CRC32C 0x${hex(stored)}, ` +
        `computed 0x${hex(computed)}. The file is corrupt at this point; records before byte ${offset} are intact ` +
        `(read them with readEventFile(file, { onCorrupt: 'stop' })).`,
    );
    this.name = 'TbCorruptRecordError';
    this.file = file;
    this.offset = offset;
    this.check = check;
    this.stored = stored;
    this.computed = computed;
  }
}

/** A record's protobuf payload could not be decoded as an Event. */
export class TbDecodeError extends TbError {
  /** The event file (or `<buffer>`). */
  readonly file: string;
  /** Byte offset of the record's start in the file. */
  readonly offset: number;

  constructor(file: string, offset: number, detail: string) {
    super(`${file}: record at byte ${offset}: cannot decode Event protobuf (positions within the record data): ${detail}.`);
    this.name = 'TbDecodeError';
    this.file = file;
    this.offset = offset;
  }
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
