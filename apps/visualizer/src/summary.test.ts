import { formatBytes, formatDuration, formatValue, summariseRun, summariseSeries } from './summary';
import { normaliseSeries, type RunData, type ScalarPoint } from './run-data';

const pts = (vals: [number, number][], t0 = 1000): ScalarPoint[] => vals.map(([step, value], i) => ({ step, value, wallTime: t0 + i * 2.5 }));

describe('summariseSeries', () => {
  test('first, last and best (max) with the best step', () => {
    const s = summariseSeries('train/reward_mean', pts([[1, 0.3], [2, 0.55], [3, 0.4], [4, 0.55]]), 'max')!;
    expect(s.first).toEqual({ step: 1, value: 0.3 });
    expect(s.last).toEqual({ step: 4, value: 0.55 });
    expect(s.best).toEqual({ step: 2, value: 0.55 }); // earliest step on ties
    expect(s.points).toBe(4);
  });
  test('best (min) skips NaN and counts it; NaN first/last become null', () => {
    const s = summariseSeries('train/loss', pts([[0, NaN], [5, 2], [10, -1.5], [15, Infinity]]), 'min')!;
    expect(s.first).toEqual({ step: 0, value: null });
    expect(s.last).toEqual({ step: 15, value: null });
    expect(s.best).toEqual({ step: 10, value: -1.5 });
    expect(s.nonFinite).toBe(2);
  });
  test('all non-finite: best is null; empty: null', () => {
    expect(summariseSeries('x', pts([[1, NaN]]), 'max')!.best).toBeNull();
    expect(summariseSeries('x', [], 'max')).toBeNull();
  });
});

describe('normaliseSeries', () => {
  test('sorts by step and keeps the last write of a repeated step', () => {
    const out = normaliseSeries([
      { step: 3, value: 1, wallTime: 1 },
      { step: 1, value: 2, wallTime: 2 },
      { step: 3, value: 9, wallTime: 3 },
    ]);
    expect(out.map((p) => [p.step, p.value])).toEqual([[1, 2], [3, 9]]);
  });
});

describe('summariseRun', () => {
  test('steps from train/ tags, wall time over all records, metrics by tag', () => {
    const run: RunData = {
      name: 'r',
      dir: '/x/r',
      files: ['/x/r/a', '/x/r/b'],
      notes: ['n'],
      scalars: new Map([
        ['train/reward_mean', [{ step: 1, value: 0.2, wallTime: 100 }, { step: 2, value: 0.4, wallTime: 103 }, { step: 3, value: 0.3, wallTime: 106 }]],
        ['train/kl', [{ step: 2, value: 0.01, wallTime: 103 }, { step: 4, value: 0.02, wallTime: 109 }]],
        ['eval/score_mean', [{ step: 10, value: 0.6, wallTime: 180.5 }]],
      ]),
    };
    const s = summariseRun(run);
    expect(s.steps).toBe(4); // 1,2,3,4 from train/; the eval step 10 is not a training step
    expect([s.firstStep, s.lastStep]).toEqual([1, 4]);
    expect(s.wallTimeS).toBeCloseTo(80.5, 10);
    expect(s.metrics.reward!.best).toEqual({ step: 2, value: 0.4 });
    expect(s.metrics.kl!.best).toEqual({ step: 2, value: 0.01 });
    expect(s.metrics.loss).toBeNull();
    expect(s.metrics.eval_score!.last).toEqual({ step: 10, value: 0.6 });
    expect(s.tags).toEqual(['eval/score_mean', 'train/kl', 'train/reward_mean']);
    expect(s.eventFiles).toBe(2);
    expect(s.notes).toEqual(['n']);
  });
  test('a run with no scalars has no steps or times', () => {
    const s = summariseRun({ name: 'e', dir: '/e', files: ['/e/f'], notes: [], scalars: new Map() });
    expect([s.steps, s.firstStep, s.wallTimeS]).toEqual([0, null, null]);
  });
});

describe('formatting', () => {
  test('durations', () => {
    expect(formatDuration(4.25)).toBe('4.3s');
    expect(formatDuration(125)).toBe('2m 05s');
    expect(formatDuration(3723)).toBe('1h 02m 03s');
  });
  test('bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(5 * 1024 * 1024 * 1024)).toBe('5.00 GiB');
  });
  test('values', () => {
    expect(formatValue(null)).toBe('NaN');
    expect(formatValue(0.123456)).toBe('0.1235');
    expect(formatValue(0.00001234)).toBe('1.23e-5');
    expect(formatValue(0)).toBe('0');
  });
});
