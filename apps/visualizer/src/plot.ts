// The plot command's work: charts of the selected runs to SVG + PNG files and an index.html.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHARTS, chartSpec, panelData, type ChartDef } from './charts';
import { indexHtml, type WrittenChart } from './html';
import { findSystemFont, renderSvg, svgToPng } from './render';
import type { RunData } from './run-data';

/** Options of {@link writePlots}. */
export interface PlotOptions {
  /** Output folder (created if missing). Existing chart files of the same names are overwritten. */
  outDir: string;
  /** Log directory the runs came from, shown on the page. */
  logdir: string;
  /** Panel width in pixels. Default 640. */
  width?: number;
  /** Panel height in pixels. Default 220. */
  height?: number;
  /** PNG pixel density. Default 2. */
  scale?: number;
  /** Most points drawn per series (longer ones keep per-bucket min and max). Default 1000; 0 draws all. */
  maxPoints?: number;
  /** Charts to draw. Default {@link CHARTS}. */
  charts?: readonly ChartDef[];
}

/** What {@link writePlots} wrote. Paths are absolute. */
export interface PlotResult {
  outDir: string;
  runs: string[];
  charts: (WrittenChart & { svgPath: string; pngPath: string; pngBytes: number; svgBytes: number })[];
  /** Charts not drawn, with the tags that were missing. */
  skipped: string[];
  indexPath: string;
  /** Things the user should know (dropped NaN points, PNGs without text for lack of fonts). */
  notes: string[];
}

/** Draws every chart that has data for `runs` (overlaid, one colour per run) and writes `<id>.svg`, `<id>.png`, index.html. */
export async function writePlots(runs: readonly RunData[], opts: PlotOptions): Promise<PlotResult> {
  await mkdir(opts.outDir, { recursive: true });
  const runNames = runs.map((r) => r.name);
  const written: PlotResult['charts'] = [];
  const skipped: string[] = [];
  const notes: string[] = [];
  const font = findSystemFont();
  if (font.fontCount === 0) {
    notes.push('no system font found (looked under /usr/share/fonts and /usr/local/share/fonts): PNG files have no text; the SVG files do. Install one, e.g. `apt-get install fonts-dejavu-core`.');
  }
  for (const def of opts.charts ?? CHARTS) {
    const data = def.panels.map((p) => panelData(p, runs, opts.maxPoints ?? 1000));
    const spec = chartSpec(def, data, runNames, { width: opts.width, height: opts.height });
    if (spec === null) {
      const tags = def.panels.flatMap((p) => [...p.tags, ...(p.prefixes ?? []).map((x) => `${x}*`)]);
      skipped.push(`${def.id}: none of ${tags.join(', ')} was logged`);
      continue;
    }
    for (const d of data) {
      if (d.downsampled > 0) notes.push(`${def.id}: ${d.downsampled} series of ${d.tags.join(', ')} thinned to about ${opts.maxPoints ?? 1000} points (per-bucket min and max kept; --max-points 0 draws all)`);
      if (d.droppedNonFinite > 0) notes.push(`${def.id}: ${d.droppedNonFinite} NaN/infinite point(s) of ${d.tags.join(', ')} not drawn`);
    }
    const svg = await renderSvg(spec);
    const png = svgToPng(svg, { scale: opts.scale });
    const svgFile = `${def.id}.svg`;
    const pngFile = `${def.id}.png`;
    const svgPath = join(opts.outDir, svgFile);
    const pngPath = join(opts.outDir, pngFile);
    await writeFile(svgPath, svg);
    await writeFile(pngPath, png);
    written.push({
      id: def.id,
      title: def.title,
      svgFile,
      pngFile,
      series: data.flatMap((d) => d.tags),
      svgPath,
      pngPath,
      svgBytes: Buffer.byteLength(svg),
      pngBytes: png.length,
    });
  }
  const indexPath = join(opts.outDir, 'index.html');
  await writeFile(
    indexPath,
    indexHtml({ runs: runNames, logdir: opts.logdir, generatedAt: new Date().toISOString(), charts: written, skipped }),
  );
  return { outDir: opts.outDir, runs: runNames, charts: written, skipped, indexPath, notes };
}
