// The summary command run as a child process over runs written with @rfai/tb-writer.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { f32, runCli, runInProcess, writeFixtureRun, type FixtureSeries } from './test-helpers';

let ws: string;
let a: FixtureSeries;
let b: FixtureSeries;

beforeAll(async () => {
  ws = mkdtempSync(join(tmpdir(), 'rfai-vis-summary-'));
  a = await writeFixtureRun(join(ws, 'logs', 'run-a'), { steps: 40, seed: 1 });
  b = await writeFixtureRun(join(ws, 'logs', 'group', 'run-b'), { steps: 30, seed: 2, t0: 1_700_100_000, evalEvery: 10 });
});
afterAll(() => rmSync(ws, { recursive: true, force: true }));

/** First/last/best of a fixture series computed here, independently of the app (values as float32). */
function expected(series: [number, number, number][], better: 'max' | 'min') {
  const pts = series.map(([step, v]) => ({ step, value: f32(v) }));
  let best = pts[0];
  for (const p of pts) if (better === 'max' ? p.value > best.value : p.value < best.value) best = p;
  return { first: pts[0], last: pts[pts.length - 1], best };
}

test('--json: runs, steps, wall time and first/last/best of reward, KL, loss, eval score', async () => {
  const r = await runCli(['summary', '--logdir', 'logs', '--checkpoints', 'none', '--json'], ws);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const rep = JSON.parse(r.stdout);
  expect(rep.logdir).toBe(join(ws, 'logs'));
  expect(rep.runs.map((x: any) => x.name)).toEqual(['group/run-b', 'run-a']);
  const ra = rep.runs[1];
  expect([ra.steps, ra.firstStep, ra.lastStep]).toEqual([40, 1, 40]);
  // step 40's eval is logged at t0 + 39*2 + 1
  expect(ra.wallTimeS).toBeCloseTo(39 * 2 + 1, 3);
  for (const [key, tag, better] of [
    ['reward', 'train/reward_mean', 'max'],
    ['kl', 'train/kl', 'min'],
    ['loss', 'train/loss', 'min'],
    ['eval_score', 'eval/score_mean', 'max'],
  ] as const) {
    const e = expected(a[tag], better);
    const m = ra.metrics[key];
    expect(m.tag).toBe(tag);
    expect(m.first).toEqual(e.first);
    expect(m.last).toEqual(e.last);
    expect(m.best).toEqual(e.best);
    expect(m.points).toBe(a[tag].length);
  }
  const rb = rep.runs[0];
  expect(rb.metrics.eval_score.points).toBe(3); // eval every 10 of 30 steps
  expect(rb.metrics.reward.best).toEqual(expected(b['train/reward_mean'], 'max').best);
  expect(rep.checkpointsDirExists).toBe(false);
  expect(rep.unreadable).toEqual([]);
});

test('text: run table, terminal charts, --run filter, no checkpoints with where it looked', async () => {
  const r = await runCli(['summary', '--logdir', 'logs', '--checkpoints', 'ck', '--run', 'run-a', '--width', '30'], ws);
  expect(r.code).toBe(0);
  const out = r.stdout;
  expect(out).toContain(`Log directory ${join(ws, 'logs')}: 1 run (run-a)`);
  expect(out).not.toContain('Run group/run-b');
  expect(out).toContain('40 steps (step 1 to 40), wall time 1m 19s');
  const e = expected(a['train/reward_mean'], 'max');
  const rewardRow = out.split('\n').find((l) => l.includes('train/reward_mean') && l.includes('│'))!;
  expect(rewardRow).toContain(String(Number(e.first.value.toPrecision(4))));
  expect(rewardRow).toContain(`${Number(e.best.value.toPrecision(4))} (max)`);
  expect(rewardRow).toMatch(new RegExp(`│ ${e.best.step}\\s+│$`));
  expect(out).toContain('reward (train/reward_mean)');
  expect(out).toContain('eval score (eval/score_mean)');
  // chart rows: a label and the axis character, at most 30 plotted columns
  const chartRows = out.split('\n').filter((l) => /\d ┤|\d ┼/.test(l));
  expect(chartRows.length).toBeGreaterThanOrEqual(18);
  expect(out).toContain(`No checkpoints: ${join(ws, 'ck')} does not exist.`);
  expect(out).toContain('npx nx run trainer:train');
});

test('a live run: a partial last record is a note, not an error; the complete records are summarised', async () => {
  const dir = join(ws, 'live', 'run');
  const logged = await writeFixtureRun(dir, { steps: 10, seed: 3, evalEvery: 100 });
  const file = join(dir, readdirSync(dir)[0]);
  // drop the last 5 bytes: the final record (the text sample) is cut short, as while the trainer writes it
  truncateSync(file, statSync(file).size - 5);
  const r = await runInProcess(['summary', '--logdir', 'live', '--checkpoints', 'ck', '--json'], ws);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  const rep = JSON.parse(r.stdout);
  expect(rep.runs[0].notes).toHaveLength(1);
  expect(rep.runs[0].notes[0]).toMatch(/ends inside a record .* the run is being written/);
  expect(rep.runs[0].metrics.reward.last).toEqual({ step: 10, value: f32(logged['train/reward_mean'][9][1]) });
  const text = await runInProcess(['summary', '--logdir', 'live', '--checkpoints', 'ck'], ws);
  expect(text.code).toBe(0);
  expect(text.stdout).toContain('note: events.out.tfevents.');
});

test('unreadable event files are named, the rest is still summarised, exit code 1', async () => {
  const dir = join(ws, 'bad');
  await writeFixtureRun(join(dir, 'good'), { steps: 5, seed: 4 });
  await writeFixtureRun(join(dir, 'broken'), { steps: 5, seed: 5 });
  const file = join(dir, 'broken', readdirSync(join(dir, 'broken'))[0]);
  const bytes = readFileSync(file);
  bytes[200] ^= 0xff; // inside an early record: its CRC no longer matches
  writeFileSync(file, bytes);
  const r = await runInProcess(['summary', '--logdir', 'bad', '--checkpoints', 'ck', '--json'], ws);
  expect(r.code).toBe(1);
  const rep = JSON.parse(r.stdout);
  expect(rep.runs.map((x: any) => x.name)).toEqual(['broken', 'good']);
  expect(rep.unreadable).toHaveLength(1);
  expect(rep.unreadable[0].path).toBe(file);
  expect(rep.unreadable[0].reason).toMatch(/^corrupt record at byte \d+ \((length|data)-crc mismatch\)/);
  expect(r.stderr).toContain(`visualizer: cannot read ${file}: corrupt record at byte`);
});

test('no runs: says where it looked and how to start one, exit 0', async () => {
  mkdirSync(join(ws, 'empty'));
  const r = await runInProcess(['summary', '--logdir', 'empty', '--checkpoints', 'empty'], ws);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`No runs found in ${join(ws, 'empty')} (looked for events.out.tfevents.* files in it and its subfolders).`);
  expect(r.stdout).toContain('Start a run with `npx nx run trainer:train`');
  expect(r.stdout).toContain(`No checkpoints found in ${join(ws, 'empty')} (looked for checkpoint-<step> folders).`);
  const missing = await runInProcess(['summary', '--logdir', 'nowhere', '--checkpoints', 'nowhere', '--json'], ws);
  expect(missing.code).toBe(0);
  expect(JSON.parse(missing.stdout)).toMatchObject({ logdirExists: false, runs: [], checkpointsDirExists: false, checkpoints: [] });
});

test('defaults come from the config file: paths relative to the file; bad usage and bad config exit 2', async () => {
  const cfgDir = join(ws, 'cfg');
  mkdirSync(cfgDir);
  writeFileSync(join(cfgDir, 'rfai.yaml'), 'logging:\n  tensorboard_dir: ../logs\ntraining:\n  output_dir: ckpts\n');
  const r = await runInProcess(['summary', '--config', 'cfg/rfai.yaml', '--json'], ws);
  expect(r.code).toBe(0);
  const rep = JSON.parse(r.stdout);
  expect(rep.logdir).toBe(join(ws, 'logs'));
  expect(rep.checkpointsDir).toBe(join(cfgDir, 'ckpts'));
  expect(rep.runs).toHaveLength(2);

  writeFileSync(join(cfgDir, 'bad.yaml'), 'logging:\n  tensorbord_dir: x\n');
  const bad = await runInProcess(['summary', '--config', 'cfg/bad.yaml'], ws);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('tensorbord_dir');
  expect(bad.stderr).toContain('tensorboard_dir'); // did-you-mean from @rfai/config

  const unknown = await runInProcess(['summary', '--logdir', 'logs', '--checkpoints', 'ck', '--run', 'run-a,zz'], ws);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toBe('visualizer: --run: no run named "zz". Runs found: group/run-b, run-a. Run names are folder paths relative to the log directory.\n');

  const width = await runInProcess(['summary', '--logdir', 'logs', '--width', '5'], ws);
  expect(width.code).toBe(2);
  expect(width.stderr).toContain('--width must be an integer in [10, 400], got "5".');
  const opt = await runInProcess(['summary', '--bogus'], ws);
  expect(opt.code).toBe(2);
  expect(opt.stderr).toContain("error: unknown option '--bogus'");
});

test('--help lists every option with its default', async () => {
  const r = await runInProcess(['summary', '--help'], ws);
  expect(r.code).toBe(0);
  for (const o of ['--logdir <dir>', '--checkpoints <dir>', '--run <names>', '--config <file>', '--json', '--width <columns>']) expect(r.stdout).toContain(o);
  expect(r.stdout).toContain('(default: 60)');
});

test('--run with an empty list is bad usage', async () => {
  const r = await runInProcess(['summary', '--logdir', 'logs', '--run', ' , '], ws);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe('visualizer: --run needs run names separated by commas, got " , ".\n');
});

test('reads a run while its writer is still open, and reports the HParams outcome', async () => {
  const { SummaryWriter } = await import('@rfai/tb-writer');
  const w = new SummaryWriter(join(ws, 'open', 'live'), { flushIntervalMs: 0 });
  w.hparams({ 'training.learning_rate': 1e-4 }, ['train/reward_mean']);
  for (let s = 1; s <= 5; s++) w.scalar('train/reward_mean', s / 10, s, 2000 + s);
  await w.flush();
  const first = JSON.parse((await runInProcess(['summary', '--logdir', 'open', '--checkpoints', 'ck', '--json'], ws)).stdout);
  expect(first.runs[0]).toMatchObject({ steps: 5, lastStep: 5, status: 'no end record' });
  for (let s = 6; s <= 8; s++) w.scalar('train/reward_mean', s / 10, s, 2000 + s);
  await w.flush();
  const second = await runInProcess(['summary', '--logdir', 'open', '--checkpoints', 'ck', '--json'], ws);
  expect(JSON.parse(second.stdout).runs[0]).toMatchObject({ steps: 8, metrics: { reward: { best: { step: 8, value: f32(0.8) } } } });
  await w.close();
  const done = await runInProcess(['summary', '--logdir', 'open', '--checkpoints', 'ck'], ws);
  expect(done.code).toBe(0);
  expect(done.stdout).toContain('  status: success\n');
});
