// Finding runs under a log directory and reading their scalars with @rfai/tb-writer's reader.
import { basename } from 'node:path';
import { listRuns, readRun, TbError } from '@rfai/tb-writer';
import type { RunData } from './run-data';

/** A file that could not be read, and why. */
export interface Unreadable {
  path: string;
  reason: string;
}

/** Runs read from a log directory, and the files that could not be read. */
export interface LoadedRuns {
  /** Runs sorted by name; a run whose files were all unreadable is left out (and listed in `unreadable`). */
  runs: RunData[];
  unreadable: Unreadable[];
}

/**
 * Reads every run under `logdir` (each folder directly holding event files, as TensorBoard counts them).
 * A live run's partial last record is not an error: it becomes a note on the run. A record that fails its CRC
 * stops that file's reading there: the records before it are used and the file is listed in `unreadable`.
 * A file that cannot be opened or decoded makes its run unreadable.
 */
export async function loadRuns(logdir: string): Promise<LoadedRuns> {
  const unreadable: Unreadable[] = [];
  let infos;
  try {
    infos = await listRuns(logdir);
  } catch (e) {
    return { runs: [], unreadable: [{ path: logdir, reason: reasonOf(e, logdir) }] };
  }
  const runs: RunData[] = [];
  for (const info of infos) {
    let data;
    try {
      data = await readRun(info.dir, { onCorrupt: 'stop', duplicateSteps: 'last' });
    } catch (e) {
      const file = (e as { file?: unknown }).file;
      unreadable.push({ path: typeof file === 'string' ? file : info.dir, reason: reasonOf(e, typeof file === 'string' ? file : info.dir) });
      continue;
    }
    const notes: string[] = [];
    for (const t of data.truncated) {
      notes.push(
        `${basename(t.file)} ends inside a record (${t.bytesPresent} of ${t.bytesNeeded} bytes at byte ${t.offset}): the run is being written, or its writer stopped mid-record; the partial record is skipped`,
      );
    }
    for (const c of data.corrupt) {
      unreadable.push({ path: c.file, reason: `corrupt record at byte ${c.offset} (${c.check} mismatch); the ${c.offset > 0 ? 'records before it were used' : 'file has no readable record'}` });
    }
    const scalars = new Map(Object.entries(data.scalars).map(([tag, pts]) => [tag, pts.map((p) => ({ step: p.step, wallTime: p.wallTime, value: p.value }))]));
    const status = data.hparams ? (data.hparams.status ?? 'no end record') : null;
    runs.push({ name: info.name, dir: info.dir, files: data.files, scalars, notes, status });
  }
  return { runs, unreadable };
}

function reasonOf(e: unknown, path: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  // tb-writer messages start with the path; do not repeat it.
  const stripped = msg.startsWith(`${path}: `) ? msg.slice(path.length + 2) : msg;
  return e instanceof TbError || e instanceof Error ? stripped : String(e);
}
