// Errors of @rfai/checkpoint-io. Every error is a CheckpointError; subclasses
// carry what a caller needs to act (the file, the tensor, expected vs found).

/** Fields shared by every checkpoint-io error. */
export interface CheckpointErrorDetails {
  /** File or folder the error is about. */
  path?: string;
  /** Tensor name, JSON key or file name inside a folder. */
  key?: string;
  /** What was expected (shape, dtype, size, hash...). */
  expected?: unknown;
  /** What was found instead. */
  found?: unknown;
}

/** Base class of every error thrown by @rfai/checkpoint-io. */
export class CheckpointError extends Error {
  /** File or folder the error is about. */
  readonly path?: string;
  /** Tensor name, JSON key or file name inside a folder. */
  readonly key?: string;
  /** What was expected. */
  readonly expected?: unknown;
  /** What was found instead. */
  readonly found?: unknown;

  constructor(message: string, details: CheckpointErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.path = details.path;
    this.key = details.key;
    this.expected = details.expected;
    this.found = details.found;
  }
}

/** A safetensors file violates the format (header, dtype, offsets, sizes). `key` is the tensor when one is at fault. */
export class SafetensorsFormatError extends CheckpointError {}

/** Tensors given to a writer are inconsistent (typed array kind, length vs shape, bad name). */
export class TensorDataError extends CheckpointError {}

/** A tensor name is not in the file or weight set. `suggestions` holds close names. */
export class TensorNotFoundError extends CheckpointError {
  /** Names in the file that look like the one asked for (may be empty). */
  readonly suggestions: string[];
  constructor(message: string, details: CheckpointErrorDetails & { suggestions: string[] }) {
    super(message, details);
    this.suggestions = details.suggestions;
  }
}

/** A weights folder or checkpoint folder lacks files it must have. `missing` lists them. */
export class CheckpointIncompleteError extends CheckpointError {
  /** File names that are missing. */
  readonly missing: string[];
  constructor(message: string, details: CheckpointErrorDetails & { missing: string[] }) {
    super(message, details);
    this.missing = details.missing;
  }
}

/** A file's size or sha256 differs from the manifest, or trainer_state.json is unreadable. */
export class CheckpointCorruptError extends CheckpointError {}

/** One difference between the configuration stored in a checkpoint and the expected one. */
export interface ConfigDifference {
  /** Dotted key path, e.g. `training.learning_rate`. */
  key: string;
  /** Value stored in the checkpoint (undefined when the key is absent there). */
  stored: unknown;
  /** Value in the expected configuration (undefined when absent there). */
  expected: unknown;
}

/** The checkpoint was written with another configuration than the one given to loadCheckpoint. */
export class ConfigHashMismatchError extends CheckpointError {
  /** Key-level differences, when the checkpoint stores its config and the expected config was given. */
  readonly differences: ConfigDifference[];
  constructor(message: string, details: CheckpointErrorDetails & { differences: ConfigDifference[] }) {
    super(message, details);
    this.differences = details.differences;
  }
}

/** Saving would overwrite an existing checkpoint folder and `overwrite` is not set. */
export class CheckpointExistsError extends CheckpointError {}

/** Which kind of "disk full" a write met: no space left (ENOSPC) or the user's disk quota exceeded (EDQUOT). */
export type DiskFullCode = 'ENOSPC' | 'EDQUOT';

/**
 * A write ran out of disk space (ENOSPC) or quota (EDQUOT). `path` is the file being written (for saveCheckpoint, the
 * file under the checkpoint's final name), `expected` the bytes it needed, `found` the bytes free on its file system
 * (null when unknown). `code` keeps the errno code, so callers that test `e.code === 'ENOSPC'` still work.
 */
export class CheckpointDiskFullError extends CheckpointError {
  /** 'ENOSPC' or 'EDQUOT'. */
  readonly code: DiskFullCode;
  /** Size of what was being written, in bytes (null when unknown). */
  readonly bytesNeeded: number | null;
  /** Bytes free for unprivileged users on the file system (statfs), or null when it could not be read. */
  readonly bytesFree: number | null;
  /** saveCheckpoint: about how many bytes the whole checkpoint needs (null when unknown or not a checkpoint save). */
  readonly checkpointBytes: number | null;
  /** saveCheckpoint: the newest checkpoint folder left untouched by the failed save, or null when there is none. */
  readonly previousCheckpoint: string | null;
  /** saveCheckpoint: true when the checkpoint itself was written and renamed into place, and only a later write (the `latest` pointer) failed. */
  readonly saved: boolean;
  constructor(
    message: string,
    details: CheckpointErrorDetails & {
      code: DiskFullCode;
      bytesNeeded: number | null;
      bytesFree: number | null;
      checkpointBytes?: number | null;
      previousCheckpoint?: string | null;
      saved?: boolean;
    },
    options?: { cause?: unknown },
  ) {
    super(message, { ...details, expected: details.bytesNeeded, found: details.bytesFree }, options);
    this.code = details.code;
    this.bytesNeeded = details.bytesNeeded;
    this.bytesFree = details.bytesFree;
    this.checkpointBytes = details.checkpointBytes ?? null;
    this.previousCheckpoint = details.previousCheckpoint ?? null;
    this.saved = details.saved ?? false;
  }
}
