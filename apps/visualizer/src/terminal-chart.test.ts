import { resampleByStep, terminalChart } from './terminal-chart';
import type { ScalarPoint } from './run-data';

const series = (values: number[], stepOf = (i: number) => i): ScalarPoint[] => values.map((value, i) => ({ step: stepOf(i), value, wallTime: i }));

describe('resampleByStep', () => {
  test('short series pass through, non-finite dropped', () => {
    expect(resampleByStep(series([1, NaN, 3]), 10)).toEqual([1, 3]);
  });
  test('long series: bucket means over equal step spans', () => {
    // steps 0..99, value = step; 10 columns of span 9.9: column c holds steps with floor(step/9.9) = c
    const out = resampleByStep(series(Array.from({ length: 100 }, (_, i) => i)), 10);
    const expected: number[] = [];
    for (let c = 0; c < 10; c++) {
      const members = Array.from({ length: 100 }, (_, i) => i).filter((s) => Math.min(9, Math.floor(s / 9.9)) === c);
      expected.push(members.reduce((a, b) => a + b, 0) / members.length);
    }
    expect(out).toHaveLength(10);
    out.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
  });
  test('empty buckets repeat the previous value', () => {
    // 12 points: 11 at steps 0..10 and one at step 100, 4 columns of span 25
    const pts = series([...Array.from({ length: 11 }, () => 1), 5], (i) => (i < 11 ? i : 100));
    expect(resampleByStep(pts, 4)).toEqual([1, 1, 1, 5]);
  });
});

describe('terminalChart', () => {
  test('draws a titled chart with value labels and the step range', () => {
    const txt = terminalChart('reward', series([0, 0.5, 1], (i) => i * 10 + 10), { height: 4 });
    const lines = txt.split('\n');
    expect(lines[0]).toBe('reward');
    expect(lines).toHaveLength(1 + 5 + 1); // title, height+1 rows, axis
    expect(lines[1]).toContain('1.000');
    expect(lines[5]).toContain('0.000');
    expect(lines[6]).toMatch(/step 10 .*step 30$/);
  });
  test('no finite data says so', () => {
    expect(terminalChart('eval score', series([NaN]))).toBe('eval score: no data');
    expect(terminalChart('eval score', [])).toBe('eval score: no data');
  });
});
