// index.html for the plot folder: every chart as an <img>, with links to its SVG and PNG. Self-contained, offline.

/** A chart written to the plot folder. File names are relative to the folder. */
export interface WrittenChart {
  id: string;
  title: string;
  svgFile: string;
  pngFile: string;
  /** Tags drawn, for the caption. */
  series: string[];
}

/** What the page says about the plot: runs drawn, where they came from, charts skipped for lack of data. */
export interface PageInfo {
  runs: string[];
  logdir: string;
  generatedAt: string;
  charts: WrittenChart[];
  /** Charts with no data, e.g. `teacher: no teacher/latency_ms, teacher/cost_usd, teacher/failures`. */
  skipped: string[];
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Builds index.html. Charts are shown from their SVG files (sharp at any zoom); each caption links the PNG. */
export function indexHtml(info: PageInfo): string {
  const e = escapeHtml;
  const figures = info.charts
    .map(
      (c) => `  <figure id="${e(c.id)}">
    <img src="${encodeURI(c.svgFile)}" alt="${e(c.title)}" data-chart="${e(c.id)}">
    <figcaption>${e(c.title)} · ${c.series.map((s) => `<code>${e(s)}</code>`).join(' ')} · <a href="${encodeURI(c.svgFile)}">SVG</a> · <a href="${encodeURI(c.pngFile)}">PNG</a></figcaption>
  </figure>`,
    )
    .join('\n');
  const skipped = info.skipped.length
    ? `  <section class="skipped"><h2>Not drawn (no data)</h2><ul>${info.skipped.map((s) => `<li>${e(s)}</li>`).join('')}</ul></section>\n`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>rfai training plots: ${e(info.runs.join(', '))}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
  header p { margin: .2rem 0; color: #555; }
  figure { margin: 1.5rem 0; }
  img { max-width: 100%; border: 1px solid #ddd; }
  figcaption { font-size: .9rem; color: #555; margin-top: .3rem; }
  code { background: #f3f3f3; padding: 0 .2rem; }
</style>
</head>
<body>
<header>
  <h1>rfai training plots</h1>
  <p>Runs: ${info.runs.map((r) => `<strong>${e(r)}</strong>`).join(', ')}</p>
  <p>Log directory: <code>${e(info.logdir)}</code></p>
  <p>Generated ${e(info.generatedAt)} by <code>nx run visualizer:plot</code></p>
</header>
<main>
${figures}
${skipped}</main>
</body>
</html>
`;
}
