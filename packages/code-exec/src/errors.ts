// Errors of @rfai/code-exec. Outcomes of the candidate's code (compile error, timeout, ...) are statuses in the
// result, never exceptions; these are thrown only for a bad request, a bad option or a missing sandbox tool.

/** Base class of every error this package throws. */
export class CodeExecError extends Error {
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = new.target.name;
  }
}

/** A `runTests` request or an executor option is invalid; names the field, what was found and what is allowed. */
export class ExecOptionsError extends CodeExecError {
  /** The field at fault, e.g. 'tests' or 'concurrency'. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** The sandbox cannot be set up here (e.g. `prlimit` missing, or network mode 'unshare' and `unshare -n` fails). */
export class SandboxUnavailableError extends CodeExecError {}

/** `runTests` was called after `close()`, or a queued job was dropped by `close()`. */
export class ExecutorClosedError extends CodeExecError {}
