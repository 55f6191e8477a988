// Small line charts for the terminal (asciichart), drawn over steps.
import { plot } from 'asciichart';
import type { ScalarPoint } from './run-data';

/** Options of {@link terminalChart}. */
export interface TerminalChartOptions {
  /** Plot width in columns (the series is resampled to at most this many points). Default 60. */
  width?: number;
  /** Plot height in rows. Default 8. */
  height?: number;
}

/**
 * Resamples a step-sorted series onto at most `width` columns of equal step span.
 * Each column holds the mean of the finite values whose step falls in it; an empty column repeats the previous one.
 * Series no longer than `width` are returned as they are (finite values only). Returns [] when nothing is finite.
 */
export function resampleByStep(points: readonly ScalarPoint[], width: number): number[] {
  const finite = points.filter((p) => Number.isFinite(p.value));
  if (finite.length <= width) return finite.map((p) => p.value);
  const lo = finite[0].step;
  const hi = finite[finite.length - 1].step;
  const span = (hi - lo) / width;
  const sums = new Array<number>(width).fill(0);
  const counts = new Array<number>(width).fill(0);
  for (const p of finite) {
    const col = Math.min(width - 1, Math.floor((p.step - lo) / span));
    sums[col] += p.value;
    counts[col]++;
  }
  const out: number[] = [];
  for (let i = 0; i < width; i++) out.push(counts[i] > 0 ? sums[i] / counts[i] : out[i - 1]);
  return out;
}

/**
 * Draws one series as a titled terminal chart with an x-axis note of the step range.
 * Returns `title: no data` when the series has no finite value.
 */
export function terminalChart(title: string, points: readonly ScalarPoint[], opts: TerminalChartOptions = {}): string {
  const width = opts.width ?? 60;
  const height = opts.height ?? 8;
  const values = resampleByStep(points, width);
  if (values.length === 0) return `${title}: no data`;
  const finite = points.filter((p) => Number.isFinite(p.value));
  const chart = plot(values, { height, padding: '          ', format: (x) => fmtLabel(x).padStart(10) });
  const first = finite[0].step;
  const last = finite[finite.length - 1].step;
  const axis = `${' '.repeat(11)}step ${first}${' '.repeat(Math.max(1, values.length - String(first).length - String(last).length - 10))}step ${last}`;
  return `${title}\n${chart}\n${axis}`;
}

function fmtLabel(x: number): string {
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return x.toExponential(2);
  return x.toFixed(a >= 100 ? 1 : 3);
}
