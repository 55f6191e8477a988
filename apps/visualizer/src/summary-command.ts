// `visualizer summary`: runs, headline metrics, terminal charts and the checkpoint table.
import { processIo, type Io } from './io';
import { existsSync } from 'node:fs';
import { UsageError } from './errors';
import { checkpointTable } from './checkpoint-list';
import { resolveUserPath } from '@rfai/config';
import { configuredDirs } from './paths';
import { parseNameList, selectRuns } from './run-select';
import { loadRuns } from './runs';
import { summariseRun } from './summary';
import { summaryText, type SummaryReport } from './summary-text';

/** Options of the summary command, as commander parses them. */
export interface SummaryCommandOptions {
  logdir?: string;
  checkpoints?: string;
  run?: string;
  config?: string;
  json: boolean;
  width: number;
}

/** Runs the summary command; returns the exit code (1 when some file could not be read). */
export async function summaryCommand(opts: SummaryCommandOptions, io: Io = processIo): Promise<number> {
  const dirs = opts.logdir === undefined || opts.checkpoints === undefined ? configuredDirs(opts.config) : null;
  const logdir = opts.logdir !== undefined ? resolveUserPath(opts.logdir) : dirs!.logdir;
  const checkpointsDir = opts.checkpoints !== undefined ? resolveUserPath(opts.checkpoints) : dirs!.checkpointsDir;
  const logdirExists = existsSync(logdir);
  const loaded = logdirExists ? await loadRuns(logdir) : { runs: [], unreadable: [] };
  let runs = loaded.runs;
  if (opts.run !== undefined) {
    const names = parseNameList(opts.run);
    if (names.length === 0) throw new UsageError('--run', `--run needs run names separated by commas, got ${JSON.stringify(opts.run)}.`);
    runs = selectRuns(runs, names, '--run');
  }
  const checkpointsDirExists = existsSync(checkpointsDir);
  const ckpts = checkpointsDirExists ? await checkpointTable(checkpointsDir) : { rows: [], unreadable: [] };
  const report: SummaryReport = {
    logdir,
    logdirExists,
    checkpointsDir,
    checkpointsDirExists,
    runs: runs.map(summariseRun),
    checkpoints: ckpts.rows,
    unreadable: [...loaded.unreadable, ...ckpts.unreadable],
  };
  if (opts.json) io.out(JSON.stringify(report, null, 2) + '\n');
  else io.out(summaryText(report, runs, opts.width));
  for (const u of report.unreadable) io.err(`visualizer: cannot read ${u.path}: ${u.reason}\n`);
  return report.unreadable.length > 0 ? 1 : 0;
}
