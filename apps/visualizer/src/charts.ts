// Which charts `plot` draws, and their Vega-Lite specs. Pure data: no rendering here.
import type { RunData } from './run-data';

/** One panel of a chart: a y axis and the tags drawn on it. */
export interface PanelDef {
  /** Panel title, e.g. `KL`. */
  title: string;
  /** Exact tags drawn as lines. */
  tags: string[];
  /** Tag prefixes: every tag starting with one of them is drawn too (e.g. `eval/score/` for per-language scores). */
  prefixes?: string[];
  /** Draw mean ± std as a band: the std tag paired with the first tag of `tags`. */
  stdTag?: string;
  /** Use a logarithmic y scale (positive values only). Default false. */
  logScale?: boolean;
}

/** One chart file: an id (the file name), a title and its panels stacked vertically. */
export interface ChartDef {
  id: string;
  title: string;
  panels: PanelDef[];
}

/** The charts of issue 11 plus the optimiser's health, in page order. */
export const CHARTS: readonly ChartDef[] = [
  {
    id: 'reward',
    title: 'Reward (mean ± std over samples)',
    panels: [{ title: 'reward', tags: ['train/reward_mean'], stdTag: 'train/reward_std' }],
  },
  {
    id: 'kl',
    title: 'KL to the reference and KL coefficient',
    panels: [
      { title: 'KL', tags: ['train/kl'] },
      { title: 'kl_coef', tags: ['train/kl_coef'] },
    ],
  },
  {
    id: 'loss',
    title: 'Loss',
    panels: [{ title: 'loss', tags: ['train/loss', 'train/policy_loss'] }],
  },
  {
    id: 'eval',
    title: 'Evaluation: score and pass rate per language',
    panels: [
      { title: 'eval score', tags: ['eval/score_mean'], prefixes: ['eval/score/'] },
      { title: 'pass rate', tags: ['eval/pass_rate'], prefixes: ['eval/pass_rate/'] },
    ],
  },
  {
    id: 'teacher',
    title: 'Teacher: latency, cost and failures',
    panels: [
      { title: 'latency (ms)', tags: ['teacher/latency_ms'] },
      { title: 'cost (USD)', tags: ['teacher/cost_usd'] },
      { title: 'failures', tags: ['teacher/failures'] },
    ],
  },
  {
    id: 'optimizer',
    title: 'Optimisation: learning rate, gradient norm, entropy, throughput',
    panels: [
      { title: 'learning rate', tags: ['train/lr'] },
      { title: 'grad norm', tags: ['train/grad_norm'] },
      { title: 'entropy', tags: ['train/entropy'] },
      { title: 'tokens/s', tags: ['train/tokens_per_s'] },
    ],
  },
];

/** A row of a line layer. `series` is the tag; `run` the run name. */
export interface LineRow {
  run: string;
  series: string;
  step: number;
  value: number;
}

/** A row of a band layer: mean - std .. mean + std at a step. */
export interface BandRow {
  run: string;
  step: number;
  lo: number;
  hi: number;
}

/** The data of one panel across the runs drawn. */
export interface PanelData {
  panel: PanelDef;
  /** Tags actually found, in drawing order. */
  tags: string[];
  lines: LineRow[];
  bands: BandRow[];
  /** Points dropped because their value was NaN or infinite. */
  droppedNonFinite: number;
  /** Number of (run, tag) series thinned to the point limit. */
  downsampled: number;
}

/** Tags a panel draws for the given runs: its exact tags first, then prefixed tags sorted. */
export function panelTags(panel: PanelDef, runs: readonly RunData[]): string[] {
  const present = new Set<string>();
  for (const r of runs) for (const t of r.scalars.keys()) present.add(t);
  const exact = panel.tags.filter((t) => present.has(t));
  const prefixed = [...present]
    .filter((t) => (panel.prefixes ?? []).some((p) => t.startsWith(p)) && !exact.includes(t))
    .sort();
  return [...exact, ...prefixed];
}

/**
 * Keeps at most about `max` points of a step-sorted series for drawing: the series is cut into max/2 buckets of
 * equal count and each keeps its lowest and highest value (in step order), so spikes stay visible. First and last
 * points are always kept. `max` <= 0 or a short series: returned as is.
 */
export function downsample<T extends { value: number }>(points: readonly T[], max: number): T[] {
  if (max <= 0 || points.length <= max) return [...points];
  const buckets = Math.max(1, Math.floor(max / 2));
  const out: T[] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * points.length) / buckets);
    const hi = Math.floor(((b + 1) * points.length) / buckets);
    let iMin = lo;
    let iMax = lo;
    for (let i = lo; i < hi; i++) {
      if (points[i].value < points[iMin].value) iMin = i;
      if (points[i].value > points[iMax].value) iMax = i;
    }
    const keep = [...new Set([b === 0 ? lo : -1, Math.min(iMin, iMax), Math.max(iMin, iMax), b === buckets - 1 ? hi - 1 : -1])].filter((i) => i >= 0).sort((x, y) => x - y);
    for (const i of keep) out.push(points[i]);
  }
  return out;
}

/**
 * Collects the rows of one panel. Non-finite values are dropped and counted. Series longer than `maxPoints`
 * (default 1000; 0 keeps all) are thinned with {@link downsample}; their count goes to `downsampled`.
 */
export function panelData(panel: PanelDef, runs: readonly RunData[], maxPoints = 1000): PanelData {
  const tags = panelTags(panel, runs);
  const lines: LineRow[] = [];
  const bands: BandRow[] = [];
  let dropped = 0;
  let downsampled = 0;
  for (const run of runs) {
    for (const tag of tags) {
      const all = (run.scalars.get(tag) ?? []).filter((p) => {
        const ok = Number.isFinite(p.value) && !(panel.logScale && p.value <= 0);
        if (!ok) dropped++;
        return ok;
      });
      const kept = downsample(all, maxPoints);
      if (kept.length < all.length) downsampled++;
      for (const p of kept) {
        lines.push({ run: run.name, series: tag, step: p.step, value: p.value });
      }
    }
    if (panel.stdTag && tags.length > 0) {
      const std = new Map<number, number>();
      for (const p of run.scalars.get(panel.stdTag) ?? []) std.set(p.step, p.value);
      const mean = (run.scalars.get(panel.tags[0]) ?? []).filter((p) => Number.isFinite(p.value));
      for (const p of downsample(mean, maxPoints)) {
        const s = std.get(p.step);
        if (s === undefined || !Number.isFinite(s) || !Number.isFinite(p.value)) continue;
        bands.push({ run: run.name, step: p.step, lo: p.value - s, hi: p.value + s });
      }
    }
  }
  return { panel, tags, lines, bands, droppedNonFinite: dropped, downsampled };
}

/** Options of {@link chartSpec}. */
export interface ChartSpecOptions {
  /** Width of each panel's plot area in pixels. Default 640. */
  width?: number;
  /** Height of each panel's plot area in pixels. Default 220. */
  height?: number;
}

const FONT = 'DejaVu Sans, Liberation Sans, Noto Sans, Arial, sans-serif';

/**
 * The Vega-Lite spec of one chart. Several runs are told apart by colour (legend "run");
 * several tags in a panel by colour when one run is drawn, by dash when several are.
 * Panels without data are left out; returns null when no panel has data.
 */
export function chartSpec(def: ChartDef, data: readonly PanelData[], runNames: readonly string[], opts: ChartSpecOptions = {}): Record<string, unknown> | null {
  const width = opts.width ?? 640;
  const height = opts.height ?? 220;
  const multiRun = runNames.length > 1;
  const panels = data
    .filter((d) => d.lines.length > 0)
    .map((d) => panelSpec(d, multiRun, runNames, width, height));
  if (panels.length === 0) return null;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: def.title, anchor: 'start', fontSize: 15 },
    background: 'white',
    padding: 12,
    config: { font: FONT, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelLimit: 320, symbolOpacity: 1 } },
    vconcat: panels,
    resolve: { scale: { color: 'independent', strokeDash: 'independent' } },
  };
}

function panelSpec(d: PanelData, multiRun: boolean, runNames: readonly string[], width: number, height: number): Record<string, unknown> {
  const multiSeries = d.tags.length > 1;
  const x = { field: 'step', type: 'quantitative', title: 'step', axis: { format: 'd' } };
  const yScale = d.panel.logScale ? { type: 'log' } : { zero: false };
  const encoding: Record<string, unknown> = {
    x,
    y: { field: 'value', type: 'quantitative', title: d.panel.title, scale: yScale, axis: { format: '~r' } },
    tooltip: [
      { field: 'run', type: 'nominal' },
      { field: 'series', type: 'nominal' },
      { field: 'step', type: 'quantitative' },
      { field: 'value', type: 'quantitative', format: '.4g' },
    ],
  };
  if (multiRun) {
    encoding.color = { field: 'run', type: 'nominal', title: 'run', scale: { domain: [...runNames] } };
    if (multiSeries) encoding.strokeDash = { field: 'series', type: 'nominal', title: 'series', scale: { domain: d.tags } };
  } else if (multiSeries) {
    encoding.color = { field: 'series', type: 'nominal', title: 'series', scale: { domain: d.tags } };
  } else {
    encoding.color = { field: 'series', type: 'nominal', title: 'series', scale: { domain: d.tags } };
  }
  const line = {
    data: { values: d.lines },
    mark: { type: 'line', strokeWidth: 1.8, point: d.lines.length <= 60 ? { size: 18 } : false, interpolate: 'linear' },
    encoding,
  };
  const layers: Record<string, unknown>[] = [];
  if (d.bands.length > 0) {
    layers.push({
      data: { values: d.bands },
      mark: { type: 'area', opacity: 0.18 },
      encoding: {
        x,
        y: { field: 'lo', type: 'quantitative', title: d.panel.title, scale: yScale },
        y2: { field: 'hi' },
        color: multiRun
          ? { field: 'run', type: 'nominal', title: 'run', scale: { domain: [...runNames] } }
          : { value: '#4c78a8' },
      },
    });
  }
  layers.push(line);
  return { width, height, title: { text: d.panel.title, fontSize: 12 }, layer: layers, resolve: { scale: { y: 'shared' } } };
}
