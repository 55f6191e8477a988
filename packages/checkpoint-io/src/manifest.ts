// The manifest of a checkpoint folder: each file's size and sha256, stored in trainer_state.json.

import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { CheckpointCorruptError, CheckpointIncompleteError } from './errors';

/** Size (bytes) and sha256 (hex) of one file. */
export interface ManifestEntry {
  size: number;
  sha256: string;
}

/** File name (relative to the checkpoint folder) -> size and hash. */
export type Manifest = Record<string, ManifestEntry>;

/** sha256 (hex) and size of a file, read in 8 MiB positional chunks. */
export async function hashFile(file: string): Promise<ManifestEntry> {
  const fh = await fsp.open(file, 'r');
  try {
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(8 << 20);
    let size = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, size);
      if (bytesRead === 0) break;
      hash.update(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      size += bytesRead;
    }
    return { size, sha256: hash.digest('hex') };
  } finally {
    await fh.close();
  }
}

/** Builds the manifest of `files` inside `dir`. */
export async function buildManifest(dir: string, files: string[]): Promise<Manifest> {
  const out: Manifest = {};
  for (const f of [...files].sort()) out[f] = await hashFile(join(dir, f));
  return out;
}

/**
 * Checks that every manifest file exists in `dir` with its recorded size and, when `verify`, its sha256.
 * Throws CheckpointIncompleteError (missing files) or CheckpointCorruptError (size or hash differs).
 */
export async function checkManifest(dir: string, manifest: Manifest, verify: boolean): Promise<void> {
  const missing: string[] = [];
  const sizes = new Map<string, number>();
  for (const name of Object.keys(manifest)) {
    try {
      sizes.set(name, (await fsp.stat(join(dir, name))).size);
    } catch {
      missing.push(name);
    }
  }
  if (missing.length) {
    throw new CheckpointIncompleteError(`checkpoint ${dir} is incomplete: missing ${missing.join(', ')} (listed in trainer_state.json); use an earlier checkpoint`, {
      path: dir,
      key: missing[0],
      missing,
    });
  }
  for (const [name, entry] of Object.entries(manifest)) {
    const size = sizes.get(name)!;
    if (size !== entry.size) {
      throw new CheckpointCorruptError(
        `checkpoint ${dir}: ${name} is ${size} bytes but the manifest records ${entry.size}; the file was truncated or replaced, use an earlier checkpoint`,
        { path: join(dir, name), key: name, expected: entry.size, found: size },
      );
    }
  }
  if (!verify) return;
  for (const [name, entry] of Object.entries(manifest)) {
    const { sha256 } = await hashFile(join(dir, name));
    if (sha256 !== entry.sha256) {
      throw new CheckpointCorruptError(
        `checkpoint ${dir}: ${name} has sha256 ${sha256} but the manifest records ${entry.sha256}; the file is corrupt, use an earlier checkpoint`,
        { path: join(dir, name), key: name, expected: entry.sha256, found: sha256 },
      );
    }
  }
}
