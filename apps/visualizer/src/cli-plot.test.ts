// The plot command run as a child process: SVG/PNG files, index.html, and the page in headless Chromium.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { f32, runCli, runInProcess, writeFixtureRun, type FixtureSeries } from './test-helpers';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHART_IDS = ['reward', 'kl', 'loss', 'eval', 'teacher', 'optimizer'];

let ws: string;
let a: FixtureSeries;

beforeAll(async () => {
  ws = mkdtempSync(join(tmpdir(), 'rfai-vis-plot-'));
  a = await writeFixtureRun(join(ws, 'logs', 'run-a'), { steps: 40, seed: 1, t0: 1_700_000_000 });
  await writeFixtureRun(join(ws, 'logs', 'run-b'), { steps: 30, seed: 2, t0: 1_700_100_000, languages: ['python', 'cpp'] });
});
afterAll(() => rmSync(ws, { recursive: true, force: true }));

/** Vertices of the line paths of an SVG whose aria-label names `series` (and `run`, when given). */
function linePaths(svg: string, series: string, run?: string): [number, number][][] {
  const out: [number, number][][] = [];
  for (const m of svg.matchAll(/<path aria-label="([^"]*)"[^>]*aria-roledescription="line mark" d="([^"]*)"/g)) {
    if (!m[1].includes(`series: ${series};`) || (run && !m[1].includes(`run: ${run};`))) continue;
    out.push(m[2].slice(1).split('L').map((p) => p.split(',').map(Number) as [number, number]));
  }
  return out;
}

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('plot one run', () => {
  let out: string;
  let stdout: string;
  beforeAll(async () => {
    // two runs: without --run the most recently written one (run-b, later wall times) would be chosen
    const r = await runCli(['plot', '--logdir', 'logs', '--run', 'run-a', '--out', 'plots', '--width', '400', '--height', '100', '--scale', '1.5'], ws);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    out = join(ws, 'plots');
    stdout = r.stdout;
  });

  test('writes an SVG and a PNG per chart and says where', () => {
    expect(stdout).toContain(`Plotted run-a (as asked) from ${join(ws, 'logs')}`);
    expect(stdout).toContain(`Open ${join(out, 'index.html')}`);
    for (const id of CHART_IDS) {
      const svg = readFileSync(join(out, `${id}.svg`), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      const m = svg.match(/^<svg[^>]* width="(\d+)" height="(\d+)"/)!;
      const png = readFileSync(join(out, `${id}.png`));
      const size = pngSize(png);
      // PNG is the SVG at --scale 1.5
      expect(size.width).toBe(Math.round(Number(m[1]) * 1.5));
      expect(size.height).toBe(Math.round(Number(m[2]) * 1.5));
      expect(png.length).toBeGreaterThan(5000);
    }
  });

  test('the reward SVG draws every logged point of train/reward_mean at its step, with the std band', () => {
    const svg = readFileSync(join(out, 'reward.svg'), 'utf8');
    const [line] = linePaths(svg, 'train/reward_mean');
    const pts = a['train/reward_mean'];
    expect(line).toHaveLength(pts.length);
    // x: step scale over [0, 40] mapped to the 400 px panel width
    line.forEach(([x], i) => expect(x).toBeCloseTo((pts[i][0] * 400) / 40, 2));
    // y: an affine, decreasing function of the value (svg y grows downwards)
    const slope = (line[pts.length - 1][1] - line[0][1]) / (f32(pts[pts.length - 1][1]) - f32(pts[0][1]));
    expect(slope).toBeLessThan(0);
    line.forEach(([, y], i) => expect(y).toBeCloseTo(line[0][1] + slope * (f32(pts[i][1]) - f32(pts[0][1])), 1));
    expect(svg).toContain('aria-roledescription="area mark"');
    expect(svg).toMatch(/>train\/reward_mean<\/text>/); // legend
  });

  test('eval chart has per-language series; teacher chart latency and cost', () => {
    const ev = readFileSync(join(out, 'eval.svg'), 'utf8');
    for (const s of ['eval/score_mean', 'eval/score/python', 'eval/score/rust', 'eval/pass_rate', 'eval/pass_rate/python', 'eval/pass_rate/rust']) {
      const [line] = linePaths(ev, s);
      expect(line).toHaveLength(8); // eval every 5 of 40 steps
      expect(ev).toContain(`>${s}</text>`);
    }
    const teacher = readFileSync(join(out, 'teacher.svg'), 'utf8');
    expect(linePaths(teacher, 'teacher/latency_ms')[0]).toHaveLength(40);
    expect(linePaths(teacher, 'teacher/cost_usd')[0]).toHaveLength(40);
  });

  test('index.html shows every chart', () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    for (const id of CHART_IDS) expect(html).toContain(`<img src="${id}.svg"`);
    expect(html).toContain('<strong>run-a</strong>');
  });
});

test('--compare overlays runs with a legend; missing tags are skipped and said', async () => {
  const r = await runCli(['plot', '--logdir', 'logs', '--compare', 'run-b,run-a', '--out', 'cmp', '--json', '--width', '300', '--height', '100', '--scale', '1'], ws);
  expect(r.code).toBe(0);
  const res = JSON.parse(r.stdout);
  expect(res.runs).toEqual(['run-b', 'run-a']);
  expect(res.charts.map((c: any) => c.id)).toEqual(CHART_IDS);
  const svg = readFileSync(join(ws, 'cmp', 'kl.svg'), 'utf8');
  expect(linePaths(svg, 'train/kl', 'run-a')[0]).toHaveLength(40);
  expect(linePaths(svg, 'train/kl', 'run-b')[0]).toHaveLength(30);
  expect(svg).toMatch(/>run-a<\/text>/);
  expect(svg).toMatch(/>run-b<\/text>/);
  // every chart carries the run legend, the reward chart (band + line layers) included
  for (const id of CHART_IDS) {
    const chart = readFileSync(join(ws, 'cmp', `${id}.svg`), 'utf8');
    expect(chart).toContain("aria-label=\"Symbol legend titled 'run'");
    expect(chart).toMatch(/>run-b<\/text>[\s\S]*>run-a<\/text>/);
  }
  // the eval panel has the union of languages: cpp from run-b, rust from run-a
  const ev = readFileSync(join(ws, 'cmp', 'eval.svg'), 'utf8');
  expect(linePaths(ev, 'eval/score/cpp', 'run-b')).toHaveLength(1);
  expect(linePaths(ev, 'eval/score/rust', 'run-a')).toHaveLength(1);
  expect(linePaths(ev, 'eval/score/cpp', 'run-a')).toHaveLength(0);
});

test('a run without teacher or eval tags: those charts are skipped and named', async () => {
  const { SummaryWriter } = await import('@rfai/tb-writer');
  const w = new SummaryWriter(join(ws, 'sparse', 'r'), { flushIntervalMs: 0 });
  for (let s = 1; s <= 5; s++) w.scalar('train/reward_mean', s / 10, s, 1000 + s);
  await w.close();
  const r = await runCli(['plot', '--logdir', 'sparse', '--out', 'sp', '--scale', '0.5'], ws);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('Plotted r (the only run)');
  expect(r.stdout).toContain('skipped teacher: none of teacher/latency_ms, teacher/cost_usd, teacher/failures was logged');
  expect(existsSync(join(ws, 'sp', 'reward.png'))).toBe(true);
  expect(existsSync(join(ws, 'sp', 'teacher.svg'))).toBe(false);
  expect(readFileSync(join(ws, 'sp', 'index.html'), 'utf8')).toContain('<li>eval: none of eval/score_mean, eval/score/*, eval/pass_rate, eval/pass_rate/* was logged</li>');
});

test('bad usage exits 2 with the reason', async () => {
  const both = await runInProcess(['plot', '--logdir', 'logs', '--run', 'run-a', '--compare', 'run-a,run-b'], ws);
  expect(both.code).toBe(2);
  expect(both.stderr).toContain('--run and --compare both given');
  const scale = await runInProcess(['plot', '--logdir', 'logs', '--scale', '9'], ws);
  expect(scale.code).toBe(2);
  expect(scale.stderr).toContain('--scale must be a number in (0, 8], got "9".');
  const empty = await runInProcess(['plot', '--logdir', 'logs', '--compare', ','], ws);
  expect(empty.code).toBe(2);
  expect(empty.stderr).toBe('visualizer: --compare needs run names separated by commas, got ",".\n');
  const none = await runInProcess(['plot', '--logdir', 'nowhere'], ws);
  expect(none.code).toBe(0);
  expect(none.stdout).toContain(`No runs: the log directory ${join(ws, 'nowhere')} does not exist.`);
});

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const pageTest = hasChromium ? test : test.skip;

pageTest(`index.html in headless Chromium: every chart image loads${hasChromium ? '' : ` (skipped: ${CHROMIUM} is absent; apt-get install chromium)`}`, async () => {
  // the page written by the --compare test above
  const out = join(ws, 'cmp');
  expect(existsSync(join(out, 'index.html'))).toBe(true);
  const types: Record<string, string> = { '.html': 'text/html', '.svg': 'image/svg+xml', '.png': 'image/png' };
  const server: Server = createServer((req, res) => {
    const rel = normalize(decodeURIComponent((req.url ?? '/').split('?')[0])).replace(/^([/\\])+/, '');
    const file = join(out, rel === '' ? 'index.html' : rel);
    if (!file.startsWith(out) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as { port: number }).port;
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'rfai-vis-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await ctx.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (req) => failed.push(req.url()));
    page.on('response', (res) => {
      if (res.status() >= 400) failed.push(`${res.status()} ${res.url()}`);
    });
    await page.goto(`http://127.0.0.1:${port}/index.html`, { waitUntil: 'load' });
    const imgs = await page.$$eval('img', (els) =>
      els.map((e) => {
        const img = e as unknown as { complete: boolean; naturalWidth: number; naturalHeight: number; getAttribute(n: string): string | null };
        return { src: img.getAttribute('src'), complete: img.complete, w: img.naturalWidth, h: img.naturalHeight };
      }),
    );
    expect(imgs.map((i) => i.src)).toEqual(CHART_IDS.map((id) => `${id}.svg`));
    for (const i of imgs) {
      expect(i.complete).toBe(true);
      expect(i.w).toBeGreaterThan(100);
      expect(i.h).toBeGreaterThan(100);
    }
    expect(failed).toEqual([]);
    expect(await page.title()).toBe('rfai training plots: run-b, run-a');
  } finally {
    await ctx.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
