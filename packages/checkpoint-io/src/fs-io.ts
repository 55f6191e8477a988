// Positional read/write loops (fs calls may transfer fewer bytes than asked) and durable-write helpers.

import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CheckpointDiskFullError, CheckpointError, type DiskFullCode } from './errors';

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

/** True for the errno codes of a full disk: ENOSPC (no space left) and EDQUOT (disk quota exceeded). */
export function isDiskFull(e: unknown): e is NodeJS.ErrnoException & { code: DiskFullCode } {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** Bytes free for unprivileged users on the file system holding `path` (statfs), or null when it cannot be read. */
export async function freeBytes(path: string): Promise<number | null> {
  try {
    const s = await fsp.statfs(path);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return null;
  }
}

/** `1234 bytes`, or `3221225472 bytes (3.0 GiB)` past 1 KiB; `an unknown number of bytes` for null. */
export function formatBytes(n: number | null): string {
  if (n === null) return 'an unknown number of bytes';
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u < 0 ? `${n} bytes` : `${n} bytes (${v.toFixed(1)} ${units[u]})`;
}

/** What a full disk is called in messages. */
export function diskFullWords(code: DiskFullCode): string {
  return code === 'EDQUOT' ? 'the disk quota is exceeded (EDQUOT)' : 'no space left on the device (ENOSPC)';
}

/**
 * The CheckpointDiskFullError for `e` (an ENOSPC/EDQUOT error met while writing `file`, which needed `bytesNeeded`):
 * names the file, the bytes needed and the bytes free on its file system (read now, after the caller's cleanup).
 */
export async function diskFullError(e: NodeJS.ErrnoException & { code: DiskFullCode }, file: string, bytesNeeded: number | null): Promise<CheckpointDiskFullError> {
  const bytesFree = await freeBytes(dirname(file));
  const quota = e.code === 'EDQUOT' ? ' (your quota may allow less)' : '';
  return new CheckpointDiskFullError(
    `cannot write ${file}: ${diskFullWords(e.code)}: the file needs ${formatBytes(bytesNeeded)}, and its file system has ${formatBytes(bytesFree)} free${quota}. ` +
      'Free space on that disk, or write to another one.',
    { path: file, code: e.code, bytesNeeded, bytesFree },
    { cause: e },
  );
}

/** Runs `write` (which writes `file`, `bytesNeeded` long); an ENOSPC/EDQUOT it throws becomes a CheckpointDiskFullError naming the file. */
export async function withDiskFullContext<T>(file: string, bytesNeeded: number | null, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (isDiskFull(e) && !(e instanceof CheckpointDiskFullError)) throw await diskFullError(e, file, bytesNeeded);
    throw e;
  }
}

/** Writes `data` to `file` and fsyncs it (no temp file; callers write into a temp folder). Throws CheckpointDiskFullError on a full disk. */
export async function writeFileSynced(file: string, data: string | Uint8Array): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  await withDiskFullContext(file, bytes.length, async () => {
    const fh = await fsp.open(file, 'w');
    try {
      await writeAll(fh, bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
  });
}

/**
 * Writes `file` atomically: a temp sibling written and fsynced, renamed over `file`, then the folder fsynced.
 * Throws CheckpointDiskFullError on a full disk (the temp sibling removed, `file` as it was).
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, fsync = true): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    const fh = await fsp.open(tmp, 'w');
    try {
      await writeAll(fh, bytes);
      if (fsync) await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    if (isDiskFull(e) && !(e instanceof CheckpointDiskFullError)) throw await diskFullError(e, file, bytes.length);
    throw e;
  }
  if (fsync) await fsyncDir(dirname(file));
}
