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
const PREFERRED = [
  { file: /^DejaVuSans\.ttf$/i, family: 'DejaVu Sans' },
  { file: /^LiberationSans-Regular\.ttf$/i, family: 'Liberation Sans' },
  { file: /^NotoSans-Regular\.ttf$/i, family: 'Noto Sans' },
  { file: /^Arial\.ttf$/i, family: 'Arial' },
];

/** What text rendering in PNGs can use: a font family found on the system, or null when no font was found. */
export interface FontInfo {
  /** Family used for 'sans-serif' and as the default, or null. */
  family: string | null;
  /** Number of font files seen under the system font folders. */
  fontFiles: number;
}

let cachedFont: FontInfo | undefined;

/** Looks for system fonts (once per process); PNG text needs one, SVG text does not (the viewer draws it). */
export function findSystemFont(): FontInfo {
  if (cachedFont) return cachedFont;
  let family: string | null = null;
  let rank = PREFERRED.length;
  let count = 0;
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
        const i = PREFERRED.findIndex((p) => p.file.test(e.name));
        if (i >= 0 && i < rank) {
          rank = i;
          family = PREFERRED[i].family;
        }
      }
    }
  };
  for (const d of FONT_DIRS) if (existsSync(d)) walk(d, 0);
  cachedFont = { family, fontFiles: count };
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
    font: {
      loadSystemFonts: true,
      ...(font.family ? { defaultFontFamily: font.family, sansSerifFamily: font.family } : {}),
    },
  });
  return resvg.render().asPng();
}
