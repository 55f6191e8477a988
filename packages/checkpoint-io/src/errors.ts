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
