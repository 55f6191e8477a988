// Positional read/write loops (fs calls may transfer fewer bytes than asked) and durable-write helpers.

import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CheckpointError } from './errors';

/** Largest single read/write issued (Linux caps one call near 2 GiB). */
const CHUNK = 1 << 30;

/** Reads exactly `length` bytes at `position` into `target` (from `targetOffset`); throws on a short file. */
export async function readExactly(
  fh: FileHandle,
  target: Uint8Array,
  targetOffset: number,
  length: number,
  position: number,
  file: string,
): Promise<void> {
  let done = 0;
  while (done < length) {
    const want = Math.min(CHUNK, length - done);
    const { bytesRead } = await fh.read(target, targetOffset + done, want, position + done);
    if (bytesRead === 0) {
      throw new CheckpointError(
        `${file}: unexpected end of file at byte ${position + done} (wanted ${length} bytes from ${position}); the file shrank or was replaced while open`,
        { path: file, expected: position + length, found: position + done },
      );
    }
    done += bytesRead;
  }
}

/** Writes all of `data` at the current position of `fh`. */
export async function writeAll(fh: FileHandle, data: Uint8Array): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const want = Math.min(CHUNK, data.length - done);
    const { bytesWritten } = await fh.write(data, done, want);
    done += bytesWritten;
  }
}

/** fsyncs a directory so that a rename or create inside it survives a power loss (no-op where unsupported). */
export async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch (e) {
    // Windows cannot open or fsync directories; elsewhere a failure is real.
    const code = (e as NodeJS.ErrnoException).code;
    if (process.platform !== 'win32' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw e;
  } finally {
    await fh?.close();
  }
}

/** Writes `data` to `file` and fsyncs it (no temp file; callers write into a temp folder). */
export async function writeFileSynced(file: string, data: string | Uint8Array): Promise<void> {
  const fh = await fsp.open(file, 'w');
  try {
    await writeAll(fh, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes `file` atomically: a temp sibling written and fsynced, renamed over `file`, then the folder fsynced. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, fsync = true): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    const fh = await fsp.open(tmp, 'w');
    try {
      await writeAll(fh, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      if (fsync) await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  if (fsync) await fsyncDir(dirname(file));
}
