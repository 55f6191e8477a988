import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drawShortTask, generateShortTasks, isWarmupComposition, SHORT_TASK_MAX_BYTES } from './short-tasks';
import { Rng } from '@rfai/random';
import type { DatasetRecord } from './schema';

/** Runs every row's reference followed by its hidden tests in one python3 program; its last line counts the rows. */
function runReferencesAndTests(rows: DatasetRecord[]): string {
  let program = '';
  for (const r of rows) program += `${r.reference}${(r.tests as string[]).join('\n')}\n`;
  const dir = mkdtempSync(join(tmpdir(), 'short-tasks-'));
  try {
    writeFileSync(join(dir, 'check.py'), program + "print('checked', " + rows.length + ')\n');
    return execFileSync('python3', [join(dir, 'check.py')]).toString().trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('short tasks', () => {
  const split = generateShortTasks({ sft: 400, train: 150, eval: 40, seed: 3 });

  it('gives the asked-for row counts and the same files for the same seed', () => {
    expect([split.sft.length, split.train.length, split.eval.length]).toEqual([400, 150, 40]);
    expect(generateShortTasks({ sft: 400, train: 150, eval: 40, seed: 3 })).toEqual(split);
    expect(generateShortTasks({ sft: 400, train: 150, eval: 40, seed: 4 }).sft[0]).not.toEqual(split.sft[0]);
  });

  it('keeps warm-up and held-out compositions apart, and every instance in one file only', () => {
    const warm = new Set(split.sft.map((r) => r.composition));
    for (const r of [...split.train, ...split.eval]) expect(warm.has(r.composition)).toBe(false);
    const ids = [...split.sft, ...split.train, ...split.eval].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    // eval measures compositions the RL file trains on, with other instances
    const rl = new Set(split.train.map((r) => r.composition));
    expect(split.eval.filter((r) => rl.has(r.composition)).length).toBeGreaterThan(20);
  });

  it('gives eval the same share of every held-out composition (within one row), so each is measured as often as it occurs', () => {
    const a = generateShortTasks({ sft: 820, train: 180, eval: 90, seed: 7, families: ['arith'], heldOutShare: 0.17 });
    const count = (rows: DatasetRecord[]) => {
      const m = new Map<string, number>();
      for (const r of rows) m.set(r.composition as string, (m.get(r.composition as string) ?? 0) + 1);
      return m;
    };
    const ev = count(a.eval);
    const all = count([...a.train, ...a.eval]);
    const share = 90 / 270;
    for (const [c, n] of all) {
      const e = ev.get(c) ?? 0;
      expect([c, Math.abs(e - n * share) < 1]).toEqual([c, true]);
    }
    expect([...ev.values()].reduce((x, y) => x + y, 0)).toBe(90);
  });

  it('review: the RL file also holds that many warm-up tasks, without their reference, after the held-out rows', () => {
    const opts = { sft: 300, train: 60, eval: 30, seed: 5, families: ['arith' as const], heldOutShare: 0.25 };
    const plain = generateShortTasks(opts);
    const withReview = generateShortTasks({ ...opts, review: 25 });
    expect(withReview.sft).toEqual(plain.sft);
    expect(withReview.eval).toEqual(plain.eval);
    expect(withReview.train.slice(0, 60)).toEqual(plain.train);
    const review = withReview.train.slice(60);
    expect(review).toHaveLength(25);
    const warmPrompts = new Map(plain.sft.map((r) => [r.prompt, r]));
    for (const r of review) {
      expect(r.reference).toBeUndefined();
      expect(r.tags).toContain('review');
      expect(r.tests).toEqual(warmPrompts.get(r.prompt)?.tests);
    }
    expect(new Set(review.map((r) => r.prompt)).size).toBe(25);
    expect(() => generateShortTasks({ ...opts, review: 301 })).toThrow(/review must be an integer from 0 to the warm-up rows \(300\); got 301/);
  });

  it('gives RL rows tests but no reference, and warm-up rows both', () => {
    for (const r of split.train) {
      expect(r.reference).toBeUndefined();
      expect((r.tests as string[]).length).toBeGreaterThanOrEqual(4);
    }
    for (const r of split.sft) expect(typeof r.reference).toBe('string');
  });

  it('splits one-step compositions to the warm-up and about half of the two-step ones', () => {
    expect(isWarmupComposition('int:add', 1)).toBe(true);
    const keys = ['add', 'sub', 'mul', 'div', 'mod', 'sq', 'neg', 'abs'].flatMap((a) => ['add', 'mul', 'neg', 'abs'].map((b) => `int:${a}>${b}`));
    const warm = keys.filter((k) => isWarmupComposition(k, 2)).length;
    expect(warm).toBeGreaterThan(keys.length * 0.3);
    expect(warm).toBeLessThan(keys.length * 0.7);
  });

  it('writes references that fit the budget and pass their hidden tests when run by python3', () => {
    const rows = [...split.sft, ...split.eval];
    for (const r of rows) {
      expect(Buffer.byteLength(r.reference as string)).toBeLessThanOrEqual(SHORT_TASK_MAX_BYTES);
      expect(r.reference).toMatch(new RegExp(`^def ${r.entry_point}\\(`));
    }
    expect(runReferencesAndTests(rows)).toBe(`checked ${rows.length}`);
  });

  it('rejects draws whose tests the identity function would mostly pass', () => {
    const rng = new Rng(11);
    for (let i = 0; i < 2000; i++) {
      const t = drawShortTask(rng);
      if (!t) continue;
      const same = t.tests.filter((c) => {
        const m = /^assert \w+\((.*)\) == (.*)$/.exec(c) as RegExpExecArray;
        return m[1] === m[2];
      }).length;
      expect(same * 2).toBeLessThanOrEqual(t.tests.length);
    }
  });

  it('arith tasks hold no number to copy, vary their wording, and pass their tests in python3', () => {
    const a = generateShortTasks({ sft: 300, train: 200, eval: 50, seed: 5, families: ['arith'] });
    const rows = [...a.sft, ...a.eval];
    for (const r of [...rows, ...a.train]) {
      expect(r.composition).toMatch(/^arith:/);
      expect(r.prompt).not.toMatch(/\d/); // the constants are in the operation's name: nothing to copy from the prompt
    }
    // two phrasings of one composition appear (e.g. `doubles it` / `multiplies it by two`)
    const dbl = a.sft.filter((r) => r.composition === 'arith:dbl').map((r) => r.prompt.replace(/`\w+\(x\)`/, ''));
    expect(new Set(dbl).size).toBe(2);
    const ref = (r: { reference?: string }) => (r.reference as string).split('return ')[1].trim();
    expect(a.sft.filter((r) => r.composition === 'arith:half>dbl').map(ref)).toContain('(x // 2) * 2');
    expect(runReferencesAndTests(rows)).toBe(`checked ${rows.length}`);
  });

  it('balances the held-out two-step chains over the step kinds that can be tasks: each is in as many as any other, give or take one', () => {
    const ids = ['dbl', 'tri', 'half', 'inc', 'dec', 'sq', 'cube', 'neg', 'abs', 'par', 'last', 'pos'];
    const pairs = ids.flatMap((a) => ids.filter((b) => b !== a).map((b) => `arith:${a}>${b}`));
    // compositions that no instance can make a task of are never drawn (and stay on the warm-up side)
    for (const never of ['inc>dec', 'neg>abs', 'dbl>par', 'par>neg']) expect(isWarmupComposition(`arith:${never}`, 2, 0.99)).toBe(true);
    const draws = new Set<string>();
    const rng = new Rng(3);
    for (let i = 0; i < 20000; i++) {
      const t = drawShortTask(rng, ['arith']);
      if (t && t.steps === 2) draws.add(t.composition);
    }
    expect(draws.size).toBe(100);
    let previous = new Set<string>();
    for (const [share, count, lo, hi] of [[0.17, 17, 3, 4], [0.25, 25, 4, 5], [0.5, 50, 9, 10]] as const) {
      const held = pairs.filter((k) => !isWarmupComposition(k, 2, share));
      expect(held).toHaveLength(count);
      expect(held.filter((k) => !draws.has(k))).toEqual([]);
      const uses = ids.filter((k) => k !== 'par').map((k) => held.filter((h) => h.split(/[:>]/).includes(k)).length);
      expect([Math.min(...uses), Math.max(...uses)]).toEqual([lo, hi]);
      for (const k of previous) expect(held).toContain(k); // a larger share only adds compositions
      previous = new Set(held);
    }
    // the shipped share: `pos` (max(x, 0)) in 3 held-out compositions; arith has no min(x, 0) step to confuse it with
    const held17 = pairs.filter((k) => !isWarmupComposition(k, 2, 0.17));
    expect(held17.filter((h) => h.split(/[:>]/).includes('pos'))).toEqual(['arith:tri>pos', 'arith:pos>dbl', 'arith:pos>inc']);
  });

  it('holds out the asked-for share of the two-step compositions', () => {
    const keys = ['dbl', 'tri', 'half', 'inc', 'dec', 'sq', 'neg', 'abs'].flatMap((a) => ['dbl', 'inc', 'neg', 'abs', 'par'].map((b) => `arith:${a}>${b}`));
    const held = (share: number) => keys.filter((k) => !isWarmupComposition(k, 2, share)).length / keys.length;
    expect(held(0.25)).toBeGreaterThan(0.1);
    expect(held(0.25)).toBeLessThan(0.4);
    expect(held(0.25)).toBeLessThan(held(0.5));
    // a composition held out at 0.25 is held out at 0.5 too: a larger share only moves compositions out of the warm-up
    for (const k of keys) if (!isWarmupComposition(k, 2, 0.25)) expect(isWarmupComposition(k, 2, 0.5)).toBe(false);
    const a = generateShortTasks({ sft: 300, train: 60, eval: 30, seed: 5, families: ['arith'], heldOutShare: 0.25 });
    const warm = new Set(a.sft.map((r) => r.composition));
    for (const r of [...a.train, ...a.eval]) expect(warm.has(r.composition)).toBe(false);
    expect(() => generateShortTasks({ sft: 1, train: 1, eval: 1, heldOutShare: 1 })).toThrow(/heldOutShare must be in \(0, 1\); got 1/);
  });

  it('says how many it could draw when asked for too many', () => {
    expect(() => generateShortTasks({ sft: 1, train: 100_000, eval: 0, seed: 1, maxMisses: 50 })).toThrow(/could draw only 1 warm-up and \d+ held-out distinct tasks \(asked 1 and 100000\); ask for fewer rows/);
  });
});
