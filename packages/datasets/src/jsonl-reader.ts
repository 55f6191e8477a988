/**
 * Streaming line reader for JSONL files: readline over a file stream, so a
 * large file is never held in memory. Accepts a UTF-8 byte-order mark, CRLF
 * line endings and a missing final newline.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { DatasetError } from './errors';

/** One non-blank line of a text file. */
export interface SourceLine {
  /** 1-based line number in the file. */
  line: number;
  /** The line's text without the line ending (and without a leading byte-order mark). */
  text: string;
}

/** Throws a {@link DatasetError} naming the file when it is missing or not a regular file. */
export async function assertReadableFile(file: string): Promise<void> {
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DatasetError(
      code === 'ENOENT'
        ? `dataset file not found: ${file} (check the path; generate one with \`npx nx run data-generator:generate -- --out data\`)`
        : `cannot read dataset file ${file}: ${(err as Error).message}`,
      { file, cause: err },
    );
  }
  if (!info.isFile()) throw new DatasetError(`${file} is not a regular file (expected a JSONL file)`, { file });
}

/**
 * Yields the non-blank lines of a UTF-8 text file, one at a time, with their
 * 1-based line numbers. Lines that are empty or only whitespace are skipped
 * (their numbers are still counted).
 * @throws DatasetError when the file is missing or cannot be read.
 */
export async function* readLines(file: string): AsyncGenerator<SourceLine> {
  await assertReadableFile(file);
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 });
  let streamError: Error | undefined;
  stream.on('error', (err) => {
    streamError = err;
  });
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of rl) {
      line++;
      let text = raw;
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      // readline splits on \n and \r\n; strip a lone trailing \r left by mixed endings.
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (text.trim().length === 0) continue;
      yield { line, text };
    }
  } finally {
    rl.close();
    stream.destroy();
  }
  if (streamError) throw new DatasetError(`error reading ${file}: ${streamError.message}`, { file, line, cause: streamError });
}
