// The checkpoint table of the summary: every checkpoint-<step> folder with size, eval score, completeness,
// which one a resume would pick (latest) and which scored best.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CheckpointCorruptError,
  CheckpointError,
  findLatestCheckpoint,
  listCheckpoints,
  readTrainerState,
  validateCheckpoint,
} from '@rfai/checkpoint-io';
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
  /** True when trainer_state.json is valid and every file of its manifest is present with its recorded size. */
  complete: boolean;
  /** Why the checkpoint is not complete (empty when it is). */
  problems: string[];
  /** The checkpoint a resume would start from (findLatestCheckpoint: the newest complete one). */
  latest: boolean;
  /** The complete checkpoint with the highest eval score (the earliest on ties). */
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

const TEMP_RE = /^\.tmp-checkpoint-(\d+)-/;

/**
 * Lists the checkpoints in `root`, sorted by step, with temporary folders of unfinished saves
 * (`.tmp-checkpoint-<step>-...`) as incomplete rows. Completeness checks sizes, not hashes (the
 * checkpoint command verifies sha256). A trainer_state.json that is not valid JSON is also listed in `unreadable`.
 */
export async function checkpointTable(root: string): Promise<{ rows: CheckpointRow[]; unreadable: Unreadable[] }> {
  const rows: CheckpointRow[] = [];
  const unreadable: Unreadable[] = [];
  for (const entry of await listCheckpoints(root)) {
    const row: CheckpointRow = {
      name: entry.name,
      path: entry.path,
      step: entry.step,
      sizeBytes: await folderBytes(entry.path),
      evalScore: null,
      complete: false,
      problems: [],
      latest: false,
      best: false,
    };
    try {
      const state = await readTrainerState(entry.path);
      row.step = state.step;
      row.evalScore = state.eval_score;
      await validateCheckpoint(entry.path, { verify: false });
      row.complete = true;
    } catch (e) {
      if (!(e instanceof CheckpointError)) throw e;
      row.problems.push(stripPrefix(e.message, entry.path));
      if (e instanceof CheckpointCorruptError && e.path && /trainer_state\.json$/.test(e.path)) {
        unreadable.push({ path: e.path, reason: e.message });
      }
    }
    rows.push(row);
  }
  for (const name of await readdir(root)) {
    const m = TEMP_RE.exec(name);
    if (!m) continue;
    const path = join(root, name);
    if (!(await stat(path)).isDirectory()) continue;
    rows.push({
      name,
      path,
      step: Number(m[1]),
      sizeBytes: await folderBytes(path),
      evalScore: null,
      complete: false,
      problems: ['temporary folder of a save in progress, or left by a crash (a resume ignores it)'],
      latest: false,
      best: false,
    });
  }
  rows.sort((a, b) => (a.step ?? -1) - (b.step ?? -1) || (a.name < b.name ? -1 : 1));
  const latest = await findLatestCheckpoint(root, { logger: { warn: () => {} } });
  if (latest) for (const r of rows) r.latest = r.path === latest.path;
  let best: CheckpointRow | null = null;
  for (const r of rows) if (r.complete && r.evalScore !== null && (best === null || r.evalScore > best.evalScore!)) best = r;
  if (best) best.best = true;
  return { rows, unreadable };
}

function stripPrefix(msg: string, dir: string): string {
  return msg.replace(`checkpoint ${dir}: `, '').replace(`checkpoint ${dir} `, '');
}
