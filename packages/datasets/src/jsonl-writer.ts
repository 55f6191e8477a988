/**
 * Writing JSONL files: one JSON value per line, UTF-8, "\n" endings, written
 * to a temporary file and renamed so a crash never leaves a half file.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { DatasetError } from './errors';

/**
 * Writes `rows` (an array or any sync/async iterable) to `file` as JSONL and
 * returns the number of lines written. Parent folders are created.
 * @throws DatasetError when the file cannot be written or a row cannot be serialised.
 */
export async function writeJsonl(file: string, rows: Iterable<unknown> | AsyncIterable<unknown>): Promise<number> {
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    await mkdir(dirname(file), { recursive: true });
  } catch (err) {
    throw new DatasetError(`cannot create the folder of ${file}: ${(err as Error).message}`, { file, cause: err });
  }
  const out = createWriteStream(tmp, { encoding: 'utf8' });
  let count = 0;
  try {
    for await (const row of rows as AsyncIterable<unknown>) {
      const line = JSON.stringify(row);
      if (line === undefined) {
        throw new DatasetError(`row ${count + 1} for ${file} cannot be written as JSON (got ${typeof row})`, { file, line: count + 1 });
      }
      if (!out.write(line + '\n')) await once(out, 'drain');
      count++;
    }
    out.end();
    await once(out, 'finish');
    await rename(tmp, file);
  } catch (err) {
    // The stream opens its file asynchronously: destroyed before that, it still creates it, then closes it. Wait for
    // the close, so that the temporary file is gone when this rejects (under load it was left behind).
    if (!out.closed) {
      const closed = once(out, 'close').catch(() => undefined);
      out.destroy();
      await closed;
    }
    await rm(tmp, { force: true });
    if (err instanceof DatasetError) throw err;
    throw new DatasetError(`cannot write ${file}: ${(err as Error).message}`, { file, cause: err });
  }
  return count;
}
