import { CHARTS, chartSpec, downsample, panelData, panelTags } from './charts';
import type { RunData } from './run-data';

function run(name: string, tags: Record<string, [number, number][]>): RunData {
  return {
    name,
    dir: `/logs/${name}`,
    files: [],
    notes: [],
    scalars: new Map(Object.entries(tags).map(([t, v]) => [t, v.map(([step, value]) => ({ step, value, wallTime: step }))])),
  };
}
const chart = (id: string) => CHARTS.find((c) => c.id === id)!;

describe('panel data', () => {
  test('per-language eval tags follow the mean, sorted', () => {
    const r = run('a', { 'eval/score/rust': [[5, 0.2]], 'eval/score_mean': [[5, 0.4]], 'eval/score/cpp': [[5, 0.6]], 'eval/pass_rate': [[5, 0.1]] });
    expect(panelTags(chart('eval').panels[0], [r])).toEqual(['eval/score_mean', 'eval/score/cpp', 'eval/score/rust']);
    expect(panelTags(chart('eval').panels[1], [r])).toEqual(['eval/pass_rate']);
  });
  test('reward band is mean ± std at matching steps; NaN points dropped and counted', () => {
    const r = run('a', { 'train/reward_mean': [[1, 0.5], [2, NaN], [3, 0.7]], 'train/reward_std': [[1, 0.1], [3, 0.2]] });
    const d = panelData(chart('reward').panels[0], [r]);
    expect(d.lines).toEqual([
      { run: 'a', series: 'train/reward_mean', step: 1, value: 0.5 },
      { run: 'a', series: 'train/reward_mean', step: 3, value: 0.7 },
    ]);
    expect(d.bands).toHaveLength(2);
    expect(d.bands[0]).toEqual({ run: 'a', step: 1, lo: 0.4, hi: 0.6 });
    expect(d.bands[1].lo).toBeCloseTo(0.5, 12);
    expect(d.bands[1].hi).toBeCloseTo(0.9, 12);
    expect(d.droppedNonFinite).toBe(1);
  });
});

describe('chartSpec', () => {
  test('no data: null', () => {
    const def = chart('teacher');
    expect(chartSpec(def, def.panels.map((p) => panelData(p, [run('a', {})])), ['a'])).toBeNull();
  });
  test('one run: panels with data only, colour by series', () => {
    const def = chart('kl');
    const r = run('a', { 'train/kl': [[1, 0.01], [2, 0.02]] });
    const spec = chartSpec(def, def.panels.map((p) => panelData(p, [r])), ['a'], { width: 300, height: 100 }) as any;
    expect(spec.vconcat).toHaveLength(1); // kl_coef was not logged
    const layer = spec.vconcat[0].layer[0];
    expect(spec.vconcat[0].width).toBe(300);
    expect(layer.encoding.color.field).toBe('series');
    expect(layer.data.values).toHaveLength(2);
  });
  test('several runs: colour by run with the run names as domain, dash by series', () => {
    const def = chart('loss');
    const runs = [run('a', { 'train/loss': [[1, 1]], 'train/policy_loss': [[1, 0.5]] }), run('b', { 'train/loss': [[1, 2]] })];
    const spec = chartSpec(def, def.panels.map((p) => panelData(p, runs)), ['a', 'b']) as any;
    const enc = spec.vconcat[0].layer[0].encoding;
    expect(enc.color).toMatchObject({ field: 'run', scale: { domain: ['a', 'b'] } });
    expect(enc.strokeDash).toMatchObject({ field: 'series', scale: { domain: ['train/loss', 'train/policy_loss'] } });
    expect(spec.vconcat[0].layer[0].data.values).toHaveLength(3);
  });
});

describe('downsample', () => {
  const pts = (vals: number[]) => vals.map((value, step) => ({ step, value }));
  test('short series and max <= 0 are kept whole', () => {
    expect(downsample(pts([1, 2, 3]), 3)).toHaveLength(3);
    expect(downsample(pts([1, 2, 3, 4, 5]), 0)).toHaveLength(5);
  });
  test('keeps first, last, and each bucket min and max in step order', () => {
    // 12 points, max 6 -> 3 buckets of 4: [0..3], [4..7], [8..11]
    const vals = [5, 9, 1, 4, 3, 3, 8, 2, 7, 0, 6, 6];
    const out = downsample(pts(vals), 6).map((p) => p.step);
    // bucket 0: first 0, min 2 (1), max 1 (9); bucket 1: min 7 (2), max 6 (8); bucket 2: min 9 (0), max 8 (7), last 11
    expect(out).toEqual([0, 1, 2, 6, 7, 8, 9, 11]);
  });
  test('panelData thins long series and counts them', () => {
    const long = run('a', { 'train/kl': Array.from({ length: 5000 }, (_, i) => [i, Math.sin(i)] as [number, number]) });
    const d = panelData(chart('kl').panels[0], [long], 1000);
    expect(d.downsampled).toBe(1);
    expect(d.lines.length).toBeLessThanOrEqual(1002);
    expect(d.lines.length).toBeGreaterThanOrEqual(1000);
    expect(panelData(chart('kl').panels[0], [long], 0).lines).toHaveLength(5000);
  });
});
