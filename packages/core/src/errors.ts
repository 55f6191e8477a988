// Error classes of @rfai/core. Every error thrown by this package is a CoreError (except the re-exported
// Rng's: RngOptionError and RngStateError of @rfai/random); subclasses carry the data a caller needs to act on
// the failure.

/** Base class of every error thrown by @rfai/core. */
export class CoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A requested tensor backend cannot be loaded or initialised. */
export class BackendError extends CoreError {
  /** The backend that was asked for ('node', 'wasm', 'cpu', 'auto'). */
  readonly backend: string;
  /** The npm package that provides it, when installing it is the fix. */
  readonly packageName?: string;

  constructor(message: string, backend: string, packageName?: string) {
    super(message);
    this.backend = backend;
    this.packageName = packageName;
  }
}

/** An option passed to a @rfai/core function is out of range or of the wrong kind. */
export class InvalidOptionError extends CoreError {
  /** The option's name, e.g. 'AdamW.betas' or 'createLrSchedule.warmupSteps'. */
  readonly option: string;
  /** The value that was given. */
  readonly value: unknown;

  constructor(option: string, expected: string, value: unknown) {
    super(`${option}: expected ${expected}, found ${describeValue(value)}`);
    this.option = option;
    this.value = value;
  }
}

/** A gradient or state tensor does not fit the parameter it belongs to. */
export class TensorMismatchError extends CoreError {
  /** The parameter or state key involved. */
  readonly key: string;
  /** Expected shape, when the mismatch is a shape mismatch. */
  readonly expectedShape?: number[];
  /** Found shape, when the mismatch is a shape mismatch. */
  readonly foundShape?: number[];

  constructor(message: string, key: string, expectedShape?: number[], foundShape?: number[]) {
    super(message);
    this.key = key;
    this.expectedShape = expectedShape;
    this.foundShape = foundShape;
  }
}

/** Optimizer state given to `loadStateDict` is incomplete, has extra keys or wrong shapes. */
export class OptimizerStateError extends CoreError {
  /** The state key that is missing, unexpected or malformed. */
  readonly key: string;

  constructor(message: string, key: string) {
    super(message);
    this.key = key;
  }
}

/** Formats a value for an error message: short, with its type visible. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) {
    const inner = value.slice(0, 8).map(describeValue).join(', ');
    return `[${inner}${value.length > 8 ? ', ...' : ''}]`;
  }
  if (value instanceof RegExp) return String(value);
  if (typeof value === 'function') return 'a function';
  try {
    const json = JSON.stringify(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * The wasm backend's heap (wasm32: at most 4 GiB) could not give a tensor its memory. Thrown in place of the
 * null pointer tfjs-backend-wasm would otherwise write the tensor through (which corrupts the heap: a later free
 * traps with "memory access out of bounds", far from the cause).
 */
export class WasmHeapExhaustedError extends CoreError {
  /** Bytes that were asked for. */
  readonly requestedBytes: number;
  /** Bytes of the heap at the time (it only grows). */
  readonly heapBytes: number;
  /** Bytes held by live tensors at the time. */
  readonly tensorBytes: number;

  constructor(requestedBytes: number, heapBytes: number, tensorBytes: number, heapMaxBytes: number) {
    const mb = (b: number) => `${Math.round(b / 2 ** 20).toLocaleString('en-US')} MB`;
    super(
      `wasm heap exhausted: a tensor of ${mb(requestedBytes)} could not be allocated (heap ${mb(heapBytes)} of its ` +
        `${mb(heapMaxBytes)} wasm32 limit, ${mb(tensorBytes)} held by tensors; the rest is free in pieces too small or ` +
        'used by the backend itself). Use fewer rows per forward/backward pass, gradient checkpointing, or LoRA ' +
        'adapters instead of full fine-tuning; @tensorflow/tfjs-node (64-bit) has no such limit',
    );
    this.requestedBytes = requestedBytes;
    this.heapBytes = heapBytes;
    this.tensorBytes = tensorBytes;
  }
}
