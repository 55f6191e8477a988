import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportCollectedSamples, toPreferencePairs, toSftRecords, type CollectedSample } from './export-samples';

const s = (prompt: string, completion: string, score: number | null, extra: Partial<CollectedSample> = {}): CollectedSample => ({
  prompt,
  language: 'python',
  completion,
  score,
  ...extra,
});

const samples: CollectedSample[] = [
  s('P1', 'a', 0.2, { step: 1 }),
  s('P1', 'b', 0.9, { breakdown: { correctness: 1, quality: 0.8, efficiency: 0.9, documentation: 0.7 } }),
  s('P1', 'c', null),
  s('P1', 'd', 0.5),
  s('P2', 'e', 0.4),
  s('P2', 'f', 0.4),
  s('P3', 'g', Number.NaN),
  s('P3', 'h', 0.7),
  s('P4', 'i', 0.1, { group: 7 }),
  s('P4', 'j', 0.6, { group: 7, id: 'task-4' }),
];

describe('SFT export', () => {
  test('keeps graded samples above the threshold and counts the rest', () => {
    const { rows, stats } = toSftRecords(samples, { minScore: 0.5 });
    expect(rows).toEqual([
      { prompt: 'P1', completion: 'b', language: 'python', score: 0.9, breakdown: { correctness: 1, quality: 0.8, efficiency: 0.9, documentation: 0.7 } },
      { prompt: 'P1', completion: 'd', language: 'python', score: 0.5 },
      { prompt: 'P3', completion: 'h', language: 'python', score: 0.7 },
      { prompt: 'P4', completion: 'j', language: 'python', score: 0.6, id: 'task-4' },
    ]);
    expect(stats).toEqual({ written: 4, samples: 10, ungraded: 2, belowThreshold: 4, groups: 4, groupsWithoutPair: 0 });
  });

  test('best per group, as chat messages', () => {
    const { rows } = toSftRecords(samples, { bestPerGroup: true, conversational: true });
    expect(rows.map((r) => (r.messages as { content: string }[])[1].content)).toEqual(['b', 'e', 'h', 'j']);
    expect(rows[0].messages).toEqual([
      { role: 'user', content: 'P1' },
      { role: 'assistant', content: 'b' },
    ]);
  });
});

describe('preference export', () => {
  test('best is chosen, worst rejected; ties, singletons and ungraded samples give no pair', () => {
    const { rows, stats } = toPreferencePairs(samples);
    expect(rows).toEqual([
      { prompt: 'P1', chosen: 'b', rejected: 'a', language: 'python', score_chosen: 0.9, score_rejected: 0.2 },
      { prompt: 'P4', chosen: 'j', rejected: 'i', language: 'python', score_chosen: 0.6, score_rejected: 0.1, id: 'task-4' },
    ]);
    expect(stats).toEqual({ written: 2, samples: 10, ungraded: 2, belowThreshold: 0, groups: 4, groupsWithoutPair: 2 });
    expect(toPreferencePairs(samples, { minMargin: 0.6 }).rows.map((r) => r.prompt)).toEqual(['P1']);
  });

  test('conversational pairs use message lists', () => {
    const { rows } = toPreferencePairs(samples.slice(0, 2), { conversational: true });
    expect(rows[0]).toMatchObject({
      prompt: [{ role: 'user', content: 'P1' }],
      chosen: [{ role: 'assistant', content: 'b' }],
      rejected: [{ role: 'assistant', content: 'a' }],
    });
  });
});

describe('exportCollectedSamples', () => {
  test('writes JSONL and validates options and samples', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rfai-datasets-export-'));
    try {
      const file = join(dir, 'nested', 'pairs.jsonl');
      const stats = await exportCollectedSamples(samples, file, { format: 'preference' });
      expect(stats.written).toBe(2);
      const lines = readFileSync(file, 'utf8').split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[2]).toBe('');
      expect(JSON.parse(lines[0])).toMatchObject({ chosen: 'b', rejected: 'a' });
      await expect(exportCollectedSamples(samples, file, { format: 'dpo' as never })).rejects.toThrow(`export format must be 'sft' or 'preference', got "dpo"`);
      await expect(exportCollectedSamples(samples, file, { format: 'sft', minScore: 2 })).rejects.toThrow('minScore must be a number in [0, 1], got 2');
      await expect(exportCollectedSamples([{ prompt: 'x' } as never], file, { format: 'sft' })).rejects.toThrow(
        'collected sample 1 must have string "prompt", "language" and "completion", found {"prompt":"x"}',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
