// Rendering: Vega-Lite spec -> SVG (vega's headless 'none' renderer), SVG -> PNG (@resvg/resvg-js).
// vega and vega-lite are ESM-only (vega-canvas uses top-level await), so they are loaded with import().
import { existsSync, readdirSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';

/** Compiles a Vega-Lite spec and renders it to an SVG string. No browser, no canvas. */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  const compiled = vl.compile(spec as any).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const FONT_DIRS = ['/usr/share/fonts', '/usr/local/share/fonts', '/Library/Fonts', '/System/Library/Fonts', 'C:\\Windows\\Fonts'];
// Regular and bold faces of the families tried, best first. Loading two files instead of every system font
// makes each PNG several times faster.
const PREFERRED = [
  { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', family: 'DejaVu Sans' },
  { regular: 'LiberationSans-Regular.ttf', bold: 'LiberationSans-Bold.ttf', family: 'Liberation Sans' },
  { regular: 'NotoSans-Regular.ttf', bold: 'NotoSans-Bold.ttf', family: 'Noto Sans' },
  { regular: 'Arial.ttf', bold: 'Arial Bold.ttf', family: 'Arial' },
];

/** What text rendering in PNGs can use: a font family found on the system, or null when no font was found. */
export interface FontInfo {
  /** Family used for 'sans-serif' and as the default, or null. */
  family: string | null;
  /** The family's regular (and bold, when present) font files; empty when no preferred family was found. */
  files: string[];
  /** Number of font files seen under the system font folders. */
  fontCount: number;
}

let cachedFont: FontInfo | undefined;

/** Looks for system fonts (once per process); PNG text needs one, SVG text does not (the viewer draws it). */
export function findSystemFont(): FontInfo {
  if (cachedFont) return cachedFont;
  let rank = PREFERRED.length;
  let count = 0;
  const seen = new Map<string, string>(); // file name -> path
  const walk = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory() && depth < 4) walk(`${dir}/${e.name}`, depth + 1);
      else if (/\.(ttf|otf|ttc)$/i.test(e.name)) {
        count++;
        if (!seen.has(e.name)) seen.set(e.name, `${dir}/${e.name}`);
        const i = PREFERRED.findIndex((p) => p.regular === e.name);
        if (i >= 0 && i < rank) rank = i;
      }
    }
  };
  for (const d of FONT_DIRS) if (existsSync(d)) walk(d, 0);
  const pick = PREFERRED[rank];
  cachedFont = pick
    ? { family: pick.family, files: [seen.get(pick.regular)!, ...(seen.has(pick.bold) ? [seen.get(pick.bold)!] : [])], fontCount: count }
    : { family: null, files: [], fontCount: count };
  return cachedFont;
}

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /** Pixel density: 2 renders at twice the SVG's size. Default 2. */
  scale?: number;
}

/** Rasterises an SVG to PNG bytes. Text is drawn with system fonts; with none installed, PNGs have no text (see findSystemFont). */
export function svgToPng(svg: string, opts: PngOptions = {}): Buffer {
  const font = findSystemFont();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: opts.scale ?? 2 },
    background: 'white',
    // One known family when found; otherwise whatever the system has (possibly nothing: then no text).
    font: font.family
      ? { loadSystemFonts: false, fontFiles: font.files, defaultFontFamily: font.family, sansSerifFamily: font.family }
      : { loadSystemFonts: true },
  });
  return resvg.render().asPng();
}
