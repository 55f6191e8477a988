// Errors of the visualizer app. One base class; subclasses carry what the user needs to act.

/** Base class of every error the visualizer throws on purpose. `exitCode` is 1 (runtime) or 2 (usage/config). */
export class VisualizerError extends Error {
  /** Process exit code the CLI uses for this error: 1 runtime failure, 2 bad usage or config. */
  readonly exitCode: 1 | 2;
  constructor(message: string, exitCode: 1 | 2 = 1) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad command-line usage: an unknown run name, a malformed number, an option that needs another. */
export class UsageError extends VisualizerError {
  /** The option or argument at fault, e.g. `--compare`. */
  readonly option: string;
  constructor(option: string, message: string) {
    super(message, 2);
    this.option = option;
  }
}

/** A path given on the command line that does not exist or is of the wrong kind. */
export class MissingPathError extends VisualizerError {
  /** Absolute path that was looked at. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(message, 2);
    this.path = path;
  }
}
