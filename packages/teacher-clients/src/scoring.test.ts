import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  EXECUTED_FLOOR,
  executedScore,
  GATE_CEILING,
  gatedScore,
  JUDGE_SHARE,
  OFFLINE_STATIC_SHARE,
  UNVERIFIED_CEILING,
  unverifiedScore,
} from './scoring';

describe('the execution-verified rubric', () => {
  it('keeps its three bands apart: gated < executed floor <= executed, unverified capped', () => {
    expect(gatedScore(1)).toBe(GATE_CEILING);
    expect(gatedScore(5)).toBe(GATE_CEILING);
    expect(GATE_CEILING).toBeLessThan(EXECUTED_FLOOR);
    expect(executedScore(0, 1, OFFLINE_STATIC_SHARE)).toBe(EXECUTED_FLOOR);
    expect(executedScore(1, 1, OFFLINE_STATIC_SHARE)).toBeCloseTo(1, 12);
    expect(executedScore(1, 0, OFFLINE_STATIC_SHARE)).toBeCloseTo(0.1 + 0.9 * 0.9, 12);
    expect(executedScore(0.5, 1, JUDGE_SHARE)).toBeCloseTo(0.1 + 0.9 * 0.5, 12);
    expect(executedScore(1, 0, JUDGE_SHARE)).toBeCloseTo(0.1 + 0.9 * 0.7, 12);
    expect(unverifiedScore(1)).toBe(UNVERIFIED_CEILING);
    expect(unverifiedScore(0)).toBe(EXECUTED_FLOOR);
  });

  it('is what the package README says', () => {
    const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const stated = (name: string) => {
      const m = new RegExp('`' + name + '` = ([0-9.]+)').exec(readme);
      if (!m) throw new Error(`README does not state ${name}`);
      return Number(m[1]);
    };
    expect(stated('GATE_CEILING')).toBe(GATE_CEILING);
    expect(stated('EXECUTED_FLOOR')).toBe(EXECUTED_FLOOR);
    expect(stated('OFFLINE_STATIC_SHARE')).toBe(OFFLINE_STATIC_SHARE);
    expect(stated('JUDGE_SHARE')).toBe(JUDGE_SHARE);
    expect(stated('UNVERIFIED_CEILING')).toBe(UNVERIFIED_CEILING);
    expect(readme).toContain('rfai-offline-v2');
  });
});
