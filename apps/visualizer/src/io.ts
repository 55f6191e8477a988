// Where the commands write: the process's stdout/stderr, or a capture in tests.

/** Output sinks of a command. Each call writes the text as given (include newlines). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** Writes to process.stdout and process.stderr. */
export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};
