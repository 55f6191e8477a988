import { generateShortTasks } from './short-tasks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetGenerationError } from './errors';
import { generateTasks, renderTask, taskEntryPoint, taskReference } from './generator';
import { LANGUAGES } from './languages';
import { normalizedPromptKey, validateRecord, type DatasetRecord } from './schema';
import { TASK_BANK } from './task-bank';

const SHIPPED = { train: 200, eval: 50, languages: ['python', 'cpp', 'rust', 'typescript'], seed: 7 };

describe('task bank', () => {
  test('has at least 60 templates with unique ids across all required categories', () => {
    expect(TASK_BANK.length).toBeGreaterThanOrEqual(60);
    expect(new Set(TASK_BANK.map((t) => t.id)).size).toBe(TASK_BANK.length);
    const categories = new Set(TASK_BANK.map((t) => t.category));
    for (const c of ['algorithms', 'data-structures', 'strings', 'files', 'concurrency', 'parsing', 'apis']) expect(categories.has(c as never)).toBe(true);
    expect(new Set(TASK_BANK.map((t) => t.difficulty))).toEqual(new Set(['easy', 'medium', 'hard']));
  });

  test('every variant renders in every language as a valid record with no leftover placeholders', () => {
    const keys = new Set<string>();
    const problems: string[] = [];
    for (const t of TASK_BANK) {
      t.variants.forEach((_v, i) => {
        for (const lang of LANGUAGES) {
          const r = renderTask(t, i, lang);
          if (!validateRecord(r).ok) problems.push(`${r.id}: invalid record`);
          if (/\{\w+\}|\[\[|\]\]|\$\w/.test(r.prompt)) problems.push(`${r.id}: placeholder left in ${r.prompt}`);
          if (!r.prompt.includes('`' + r.entry_point)) problems.push(`${r.id}: entry point ${r.entry_point} not in prompt`);
          keys.add(normalizedPromptKey(r.prompt, r.language));
        }
      });
    }
    expect(problems).toEqual([]);
    const variants = TASK_BANK.reduce((n, t) => n + t.variants.length, 0);
    expect(keys.size).toBe(variants * LANGUAGES.length);
  });

  test('Python references fill every placeholder and define the asked-for name', () => {
    let withReference = 0;
    for (const t of TASK_BANK) {
      t.variants.forEach((_v, i) => {
        const ref = taskReference(t, i);
        if (ref === undefined) return;
        withReference++;
        expect(ref).not.toMatch(/\$\{?\w/);
        const name = taskEntryPoint(t, i, 'python');
        expect(ref).toMatch(new RegExp(`^(def|class) ${name}\\b`, 'm'));
      });
    }
    expect(withReference).toBeGreaterThanOrEqual(100);
  });

  test('names follow each language convention', () => {
    const merge = TASK_BANK.find((t) => t.id === 'merge_intervals')!;
    expect(renderTask(merge, 0, 'python').prompt).toContain('Python function `merge_intervals(intervals)` that merges');
    expect(renderTask(merge, 0, 'ts').prompt).toContain('TypeScript function `mergeIntervals(intervals)` that merges');
    expect(renderTask(merge, 0, 'rust').entry_point).toBe('merge_intervals');
    expect(renderTask(merge, 0, 'go').entry_point).toBe('mergeIntervals');
    expect(renderTask(merge, 0, 'csharp').entry_point).toBe('MergeIntervals');
    const lru = TASK_BANK.find((t) => t.id === 'lru_cache')!;
    const py = renderTask(lru, 1, 'python');
    expect(py.prompt).toMatch(/^(Write|Implement|Create) a Python class `LruCache`, constructed from `capacity`, with methods `get\(key\)` and `put\(key, value\)`\. It implements/);
    expect(renderTask(lru, 1, 'rust').prompt).toContain('Rust struct `LruCache`');
    const topo = TASK_BANK.find((t) => t.id === 'topological_order')!;
    expect(renderTask(topo, 0, 'java').prompt).toContain('`topologicalOrder(nodeCount, edges)`');
    expect(renderTask(topo, 0, 'cpp').prompt).toContain('`topological_order(node_count, edges)`');
    expect(() => renderTask(merge, 0, 'cobol')).toThrow(DatasetGenerationError);
    expect(() => renderTask(merge, 5, 'python')).toThrow('template merge_intervals has 2 variants; variant index 5 does not exist');
  });
});

describe('generateTasks', () => {
  test('is deterministic for a seed and changes with the seed', () => {
    const a = generateTasks(SHIPPED);
    const b = generateTasks(SHIPPED);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const c = generateTasks({ ...SHIPPED, seed: 8 });
    expect(c.train.map((r) => r.id)).not.toEqual(a.train.map((r) => r.id));
  });

  test('train and eval are disjoint by task (template + variant) and by prompt, and spread over languages', () => {
    const { train, eval: ev, summary } = generateTasks(SHIPPED);
    expect(train).toHaveLength(200);
    expect(ev).toHaveLength(50);
    const task = (r: DatasetRecord) => `${r.template}#${r.variant}`;
    const evalTasks = new Set(ev.map(task));
    expect(train.filter((r) => evalTasks.has(task(r)))).toEqual([]);
    const evalKeys = new Set(ev.map((r) => normalizedPromptKey(r.prompt, r.language)));
    expect(train.filter((r) => evalKeys.has(normalizedPromptKey(r.prompt, r.language)))).toEqual([]);
    expect(new Set(train.map((r) => r.id)).size).toBe(200);
    expect(summary.train.byLanguage).toEqual({ python: 50, cpp: 50, rust: 50, typescript: 50 });
    expect(Object.values(summary.eval.byLanguage).sort()).toEqual([12, 12, 13, 13]);
    expect(summary.train.templates).toBeGreaterThan(50);
  });

  const root = join(__dirname, '..', '..', '..');
  const read = (name: string) =>
    readFileSync(join(root, 'data', name), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));

  test('the shipped data/bank/train.jsonl and data/bank/eval.jsonl are exactly what the generator gives for seed 7', () => {
    const { train, eval: ev } = generateTasks(SHIPPED);
    expect(read('bank/train.jsonl')).toEqual(train);
    expect(read('bank/eval.jsonl')).toEqual(ev);
  });

  test('the shipped short-task files (data/sft.jsonl, train.jsonl, eval.jsonl) are exactly what the grammar gives for the arith family, seed 7, balanced held-out chains, 90 warm-up tasks reviewed by RFAI', () => {
    const split = generateShortTasks({ sft: 820, train: 180, eval: 90, seed: 7, families: ['arith'], heldOutShare: 0.17, review: 90 });
    expect(read('sft.jsonl')).toEqual(split.sft);
    expect(read('train.jsonl')).toEqual(split.train);
    expect(read('eval.jsonl')).toEqual(split.eval);
  });

  test('impossible requests fail with the numbers', () => {
    const total = TASK_BANK.reduce((n, t) => n + t.variants.length, 0);
    expect(() => generateTasks({ train: total, eval: 1, languages: ['python'] })).toThrow(
      `asked for ${total} train + 1 eval prompts but the bank has ${total} distinct prompts for python (${total} tasks x 1 languages); lower the counts or add languages`,
    );
    expect(() => generateTasks({ train: total - 1, eval: 1, languages: ['python', 'rust'] })).not.toThrow();
    expect(() => generateTasks({ train: 2 * total - 1, eval: 1, languages: ['python', 'rust'] })).toThrow(
      `only ${2 * total - 2} train prompts are left after reserving 1 eval prompts (eval takes whole tasks); lower the train or eval count`,
    );
    expect(() => generateTasks({ train: -1, eval: 0, languages: ['python'] })).toThrow('train must be a non-negative integer, got -1');
    expect(() => generateTasks({ train: 1, eval: 0, languages: [] })).toThrow('languages must list at least one language');
    expect(() => generateTasks({ train: 1, eval: 0, languages: ['python', 'klingon'] })).toThrow('unknown language "klingon"');
    expect(() => generateTasks({ train: 1, eval: 0, languages: ['python'], seed: 0.5 })).toThrow('seed must be a safe integer, got 0.5');
  });
});
