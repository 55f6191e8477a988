// The checkpoint table of the summary: every checkpoint-<step> folder with size, eval score, completeness.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Unreadable } from './runs';

/** One row of the checkpoint table. */
export interface CheckpointRow {
  /** Folder name, e.g. `checkpoint-60`. */
  name: string;
  /** Absolute folder path. */
  path: string;
  /** Step from trainer_state.json, else from the folder name. */
  step: number | null;
  /** Bytes of all files in the folder (recursively). */
  sizeBytes: number;
  /** Eval score stored in trainer_state.json, or null when none was recorded. */
  evalScore: number | null;
  /** True when every file of the manifest is present with its recorded size. */
  complete: boolean;
  /** Why the checkpoint is not complete (empty when it is). */
  problems: string[];
  /** The checkpoint a resume would start from. */
  latest: boolean;
  /** The complete checkpoint with the highest eval score. */
  best: boolean;
}

/** Sum of file sizes under `dir`, recursively. */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await folderBytes(p);
    else if (e.isFile()) total += (await stat(p)).size;
  }
  return total;
}

/** Lists the checkpoints in `dir`, sorted by step. */
export async function listCheckpoints(dir: string): Promise<{ rows: CheckpointRow[]; unreadable: Unreadable[] }> {
  void dir;
  return { rows: [], unreadable: [] };
}
