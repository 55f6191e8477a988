// Text rendering of the summary command's report.
import Table from 'cli-table3';
import type { CheckpointRow } from './checkpoint-list';
import type { RunData } from './run-data';
import { SUMMARY_METRICS, formatBytes, formatDuration, formatValue, type RunSummary } from './summary';
import { terminalChart } from './terminal-chart';

/** Everything the summary command reports; `--json` prints this object. */
export interface SummaryReport {
  /** Absolute log directory searched for runs. */
  logdir: string;
  logdirExists: boolean;
  /** Absolute checkpoint directory searched. */
  checkpointsDir: string;
  checkpointsDirExists: boolean;
  runs: RunSummary[];
  checkpoints: CheckpointRow[];
  /** Files that could not be read: `{ path, reason }`. Non-empty makes the exit code 1. */
  unreadable: { path: string; reason: string }[];
}

/** A table without ANSI colours, so output is the same in a terminal, a pipe and a test. */
export function plainTable(head: string[]): Table.Table {
  return new Table({ head, style: { head: [], border: [], compact: false } });
}

function isoTime(s: number | null): string {
  return s === null ? '-' : new Date(s * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Renders the report as text. `runData` supplies the series for the terminal charts (same order as report.runs). */
export function summaryText(report: SummaryReport, runData: readonly RunData[], chartWidth = 60): string {
  const out: string[] = [];
  if (!report.logdirExists) {
    out.push(`No runs: the log directory ${report.logdir} does not exist.`);
    out.push('Start a run with `npx nx run trainer:train` (it writes to logging.tensorboard_dir of config.yaml), or point --logdir at a run folder.');
  } else if (report.runs.length === 0) {
    out.push(`No runs found in ${report.logdir} (looked for events.out.tfevents.* files in it and its subfolders).`);
    out.push('Start a run with `npx nx run trainer:train`, or point --logdir at the folder given as logging.tensorboard_dir.');
  } else {
    out.push(`Log directory ${report.logdir}: ${report.runs.length} run${report.runs.length === 1 ? '' : 's'} (${report.runs.map((r) => r.name).join(', ')})`);
  }
  report.runs.forEach((run, i) => {
    out.push('');
    out.push(`Run ${run.name}  (${run.dir})`);
    const span = run.firstStep === null ? 'no steps' : `${run.steps} step${run.steps === 1 ? '' : 's'} (step ${run.firstStep} to ${run.lastStep})`;
    const wall = run.wallTimeS === null ? 'no records' : `wall time ${formatDuration(run.wallTimeS)}, ${isoTime(run.startTime)} to ${isoTime(run.endTime)}`;
    out.push(`  ${span}, ${wall}, ${run.eventFiles} event file${run.eventFiles === 1 ? '' : 's'}`);
    if (run.status !== null) {
      out.push(`  status: ${run.status === 'no end record' ? 'no end record (still training, or the trainer was stopped without closing its log)' : run.status}`);
    }
    for (const n of run.notes) out.push(`  note: ${n}`);
    const t = plainTable(['metric', 'tag', 'first', 'last', 'best', 'best step']);
    for (const m of SUMMARY_METRICS) {
      const s = run.metrics[m.key];
      if (!s) {
        t.push([m.label, m.tag, '-', '-', '-', '-']);
        continue;
      }
      t.push([
        m.label,
        m.tag,
        formatValue(s.first.value),
        formatValue(s.last.value),
        s.best ? `${formatValue(s.best.value)} (${s.better})` : 'NaN',
        s.best ? String(s.best.step) : '-',
      ]);
    }
    out.push(indent(t.toString()));
    const data = runData[i];
    for (const [title, tag] of [
      ['reward (train/reward_mean)', 'train/reward_mean'],
      ['eval score (eval/score_mean)', 'eval/score_mean'],
    ]) {
      out.push('');
      out.push(indent(terminalChart(title, data?.scalars.get(tag) ?? [], { width: chartWidth })));
    }
  });
  out.push('');
  if (!report.checkpointsDirExists) {
    out.push(`No checkpoints: ${report.checkpointsDir} does not exist.`);
    out.push('The trainer saves checkpoint-<step> folders there every training.save_steps steps: `npx nx run trainer:train`, or point --checkpoints at training.output_dir.');
  } else if (report.checkpoints.length === 0) {
    out.push(`No checkpoints found in ${report.checkpointsDir} (looked for checkpoint-<step> folders).`);
    out.push('The trainer saves one every training.save_steps steps: `npx nx run trainer:train`, or point --checkpoints at training.output_dir.');
  } else {
    out.push(`Checkpoints in ${report.checkpointsDir}:`);
    const t = plainTable(['checkpoint', 'step', 'size', 'eval score', 'complete', 'latest', 'best']);
    for (const c of report.checkpoints) {
      t.push([
        c.name,
        c.step === null ? '-' : String(c.step),
        formatBytes(c.sizeBytes),
        c.evalScore === null ? '-' : formatValue(c.evalScore),
        c.complete ? 'yes' : `no: ${c.problems.map((p) => p.split('; ')[0]).join('; ')}`,
        c.latest ? 'latest' : '',
        c.best ? 'best' : '',
      ]);
    }
    out.push(t.toString());
  }
  if (report.unreadable.length > 0) {
    out.push('');
    out.push('Unreadable files:');
    for (const u of report.unreadable) out.push(`  ${u.path}: ${u.reason}`);
  }
  return out.join('\n') + '\n';
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
