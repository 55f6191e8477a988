// Rotation: keep at most saveTotalLimit checkpoint folders, never removing protected ones
// (the one just written) nor, with keepBest, the best by eval score.

import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { listCheckpoints, readTrainerState, type CheckpointLogger } from './checkpoint-state';

/** Options of {@link rotateCheckpoints}. */
export interface RotateOptions {
  /** Keep at most this many checkpoint folders (>= 1). */
  saveTotalLimit: number;
  /** Keep the folder with the best eval_score. Default false. */
  keepBest?: boolean;
  /** Higher eval score is better. Default true. */
  greaterIsBetter?: boolean;
  /** Folder names never removed (e.g. the one just saved). */
  protect?: string[];
  logger?: CheckpointLogger;
}

/**
 * Removes the oldest (lowest step) `checkpoint-{step}` folders of `root` until at most `saveTotalLimit` remain,
 * skipping protected folders and, with `keepBest`, the one with the best eval score (the earliest on ties).
 * Protected folders can leave more than the limit. Each folder is renamed to a hidden trash name before it
 * is deleted, so a crash never leaves a partly deleted folder under a checkpoint name. Returns removed paths.
 */
export async function rotateCheckpoints(root: string, opts: RotateOptions): Promise<string[]> {
  const all = await listCheckpoints(root);
  if (all.length <= opts.saveTotalLimit) return [];
  const protect = new Set(opts.protect ?? []);
  if (opts.keepBest) {
    const greater = opts.greaterIsBetter ?? true;
    let best: { name: string; score: number } | undefined;
    for (const c of all) {
      let score: number | null = null;
      try {
        score = (await readTrainerState(c.path)).eval_score;
      } catch {
        // An unreadable folder has no score; it competes only by age.
      }
      if (score === null) continue;
      if (!best || (greater ? score > best.score : score < best.score)) best = { name: c.name, score };
    }
    if (best) protect.add(best.name);
  }
  const removed: string[] = [];
  let remaining = all.length;
  for (const c of all) {
    if (remaining <= opts.saveTotalLimit) break;
    if (protect.has(c.name)) continue;
    const trash = join(root, `.trash-checkpoint-${c.step}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    await fsp.rename(c.path, trash);
    await fsp.rm(trash, { recursive: true, force: true });
    opts.logger?.info?.(`removed ${c.path} (save_total_limit ${opts.saveTotalLimit})`);
    removed.push(c.path);
    remaining--;
  }
  return removed;
}
