// `visualizer plot`: charts of one run, or several overlaid, to SVG + PNG + index.html.
import { processIo, type Io } from './io';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from './errors';
import { resolveUserPath } from '@rfai/config';
import { configuredDirs } from './paths';
import { writePlots } from './plot';
import { parseNameList, selectRuns } from './run-select';
import { loadRuns } from './runs';
import type { RunData } from './run-data';

/** Options of the plot command, as commander parses them. */
export interface PlotCommandOptions {
  out?: string;
  logdir?: string;
  run?: string;
  compare?: string;
  config?: string;
  width: number;
  height: number;
  scale: number;
  maxPoints: number;
  json: boolean;
}

/** Runs the plot command; returns the exit code. */
export async function plotCommand(opts: PlotCommandOptions, io: Io = processIo): Promise<number> {
  if (opts.run !== undefined && opts.compare !== undefined) {
    throw new UsageError('--compare', '--run and --compare both given: use --run NAME for one run or --compare a,b to overlay several.');
  }
  const needConfig = opts.logdir === undefined;
  const dirs = needConfig ? configuredDirs(opts.config) : null;
  const logdir = opts.logdir !== undefined ? resolveUserPath(opts.logdir) : dirs!.logdir;
  const outDir = opts.out !== undefined ? resolveUserPath(opts.out) : join(dirname(logdir), 'plots');
  if (!existsSync(logdir)) {
    io.out(`No runs: the log directory ${logdir} does not exist. Start a run with \`npx nx run trainer:train\`, or pass --logdir.\n`);
    return 0;
  }
  const { runs, unreadable } = await loadRuns(logdir);
  for (const u of unreadable) io.err(`visualizer: cannot read ${u.path}: ${u.reason}\n`);
  if (runs.length === 0) {
    io.out(`No runs found in ${logdir} (looked for events.out.tfevents.* files in it and its subfolders). Start one with \`npx nx run trainer:train\`.\n`);
    return unreadable.length > 0 ? 1 : 0;
  }
  let chosen: RunData[];
  let why: string;
  if (opts.compare !== undefined) {
    const names = parseNameList(opts.compare);
    if (names.length === 0) throw new UsageError('--compare', `--compare needs run names separated by commas, got ${JSON.stringify(opts.compare)}.`);
    chosen = selectRuns(runs, names, '--compare');
    why = `overlaying ${chosen.length} run(s)`;
  } else if (opts.run !== undefined) {
    chosen = selectRuns(runs, [opts.run], '--run');
    why = 'as asked';
  } else {
    const latest = latestRun(runs);
    chosen = [latest];
    why = runs.length === 1 ? 'the only run' : `the most recently written of ${runs.length} runs (${runs.map((r) => r.name).join(', ')}); choose with --run or overlay with --compare`;
  }
  const result = await writePlots(chosen, { outDir, logdir, width: opts.width, height: opts.height, scale: opts.scale, maxPoints: opts.maxPoints });
  if (opts.json) {
    io.out(JSON.stringify({ logdir, ...result, unreadable }, null, 2) + '\n');
  } else {
    const out: string[] = [];
    out.push(`Plotted ${chosen.map((r) => r.name).join(', ')} (${why}) from ${logdir}`);
    for (const c of result.charts) out.push(`  ${c.id.padEnd(10)} ${c.svgPath} (${c.svgBytes} B), ${c.pngPath} (${c.pngBytes} B): ${c.series.join(', ')}`);
    for (const s of result.skipped) out.push(`  skipped ${s}`);
    for (const n of result.notes) out.push(`  note: ${n}`);
    out.push(`Open ${result.indexPath}`);
    io.out(out.join('\n') + '\n');
  }
  return unreadable.length > 0 ? 1 : 0;
}

/** The run whose newest scalar record is the most recent (ties: the later name). */
export function latestRun(runs: readonly RunData[]): RunData {
  let best = runs[0];
  let bestT = -Infinity;
  for (const r of runs) {
    let t = -Infinity;
    for (const pts of r.scalars.values()) for (const p of pts) if (p.wallTime > t) t = p.wallTime;
    if (t > bestT || (t === bestT && r.name > best.name)) {
      best = r;
      bestT = t;
    }
  }
  return best;
}
