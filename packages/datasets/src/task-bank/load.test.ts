import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskBankError } from '../errors';
import { generateTasks, renderTask, taskReference, taskTests } from '../generator';
import { TASK_BANK } from './index';
import { bankOf, loadTaskBank, taskBankDir } from './load';
import { TASK_CATEGORIES } from './types';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// A small valid template: one slot in the task, one in the Python reference, one variant-level Rust reference.
const PAIR_SUM = `- id: pair_sum
  category: algorithms
  difficulty: easy
  tags: [arrays]
  kind: function
  name: pair sum
  params: [items, target]
  task: returns whether two entries of [[items]] sum to [[target]]{extra}.
  variants:
    - extra: ''
      op: '=='
    - extra: ', using each entry at most once'
      op: '=='
      rust: |
        pub fn $name(items: &[i64], target: i64) -> bool {
            items.iter().enumerate().any(|(i, a)| items[i + 1..].iter().any(|b| a + b $op target))
        }
  python: |
    def $name(items, target):
        return any(a + b $op target for i, a in enumerate(items) for b in items[i + 1:])
`;

const STACK = `- id: tiny_stack
  category: data-structures
  difficulty: easy
  tags: []
  kind: class
  name: tiny stack
  params: []
  methods:
    - name: push
      params: [value]
  task: keeps values pushed last-in first-out.
  variants:
    - {}
`;

let root: string;
let counter = 0;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'rfai-bank-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes a bank folder: every category file `[]` unless given; paths under `tests/` are tests files. */
function writeBank(files: Record<string, string>): string {
  const dir = join(root, `bank-${counter++}`);
  mkdirSync(join(dir, 'tests'), { recursive: true });
  for (const c of TASK_CATEGORIES) writeFileSync(join(dir, `${c}.yaml`), '[]\n');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The message of the TaskBankError that `fn` throws. */
function bankError(fn: () => unknown): TaskBankError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TaskBankError) return err;
    throw err;
  }
  throw new Error('expected a TaskBankError');
}

describe('the shipped bank', () => {
  test('is read from packages/datasets/bank: 76 templates in category order, frozen', () => {
    expect(taskBankDir()).toBe(join(__dirname, '..', '..', 'bank'));
    expect(TASK_BANK).toHaveLength(76);
    const order = TASK_BANK.map((t) => TASK_CATEGORIES.indexOf(t.category));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(TASK_BANK[0].id).toBe('merge_intervals');
    expect(Object.isFrozen(TASK_BANK[0].variants[0])).toBe(true);
    expect(bankOf(TASK_BANK[0])?.templates).toBe(TASK_BANK);
  });

  test('renders the same prompts and references as the TypeScript bank did before the move', () => {
    // Computed from the TypeScript literals before they became data files (renderTask with seed 7). The opener, the
    // closing sentence and the language note are drawn from the seed: redrawn when the generator became @rfai/random's
    // Rng (xoshiro128** instead of mulberry32); the task text and the references are the bank's and did not change.
    const before = [
      {
        id: 'rotate_matrix-2-python',
        prompt:
          'Implement a Python function `rotate_matrix_counterclockwise(matrix)` that rotates the square `matrix` by 90 degrees counterclockwise in place, without allocating a second matrix. Handle the edge cases explicitly.',
        reference: { sha256: 'ffc77f7527c8322dab1a3190cd484ec70eb6d5af2cbcd55a79507b476515633a', length: 355 },
      },
      {
        id: 'retry_backoff-2-cpp',
        prompt:
          'Implement a C++ function `retry_with_backoff(operation, max_attempts, base_delay_ms)` that calls `operation` until it succeeds or `max_attempts` attempts have failed, waiting `base_delay_ms` milliseconds times 2^(attempt-1) between attempts with full jitter (a uniformly random wait between 0 and that value), and re-raises the last error when every attempt fails. Include a short comment explaining the approach.',
        reference: { sha256: '72a5caa3fa6fe7aaf208d401fe859d35e19cf323a8d3dd5576dc90ea9ebfce21', length: 969 },
      },
      {
        id: 'lru_cache-1-typescript',
        prompt:
          'Write a TypeScript class `LruCache`, constructed from `capacity`, with methods `get(key)` and `put(key, value)`. It implements a least-recently-used cache holding at most `capacity` entries; both operations run in O(1), `get` returns null for a missing key, and `put` evicts the least recently used entry when full. Include a short comment explaining the approach.',
        reference: { sha256: 'ea3f3dba847790789cf262442fd4c1f393ef559eb14b9d7b771ed15d90db2dc1', length: 707 },
      },
    ];
    for (const expected of before) {
      const [, id, variant, language] = /^(\w+)-(\d+)-(\w+)$/.exec(expected.id)!;
      const record = renderTask(TASK_BANK.find((t) => t.id === id)!, Number(variant) - 1, language, { seed: 7 });
      expect(record.id).toBe(expected.id);
      expect(record.prompt).toBe(expected.prompt);
      expect({ sha256: sha256(record.reference!), length: record.reference!.length }).toEqual(expected.reference);
    }
    // The second rotate_matrix variant's `$second` slot is a block literal with leading spaces ("|2" in YAML).
    expect(taskReference(TASK_BANK.find((t) => t.id === 'rotate_matrix')!, 1)).toContain('\n    matrix.reverse()\n');
  });

  test('its tests files (where written yet) load: every entry names a variant and its cases use the entry point', () => {
    const tests = bankOf(TASK_BANK[0])!.tests();
    const problems: string[] = [];
    for (const [key, byLanguage] of tests) {
      for (const [language, cases] of Object.entries(byLanguage)) {
        if (!cases.some((c) => c.includes('$name'))) problems.push(`${key} ${language}: no case uses $name`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('loadTaskBank on a folder', () => {
  test('reads templates and tests; renderTask puts the tests of every language that has them', () => {
    const dir = writeBank({
      'algorithms.yaml': PAIR_SUM,
      'data-structures.yaml': STACK,
      'tests/algorithms.yaml': [
        'pair_sum-0:',
        '  python:',
        '    - assert $name([1, 2, 3], 5)',
        '    - |',
        '      assert not $name([], 0)',
        '      assert not $name([1], 2)',
        '  rust:',
        '    - assert!($name(&[1, 2, 3], 5));',
        'pair_sum-1:',
        '  cpp:',
        "    - 'RFAI_CHECK(!$name({4}, 8));'",
        '',
      ].join('\n'),
      'tests/data-structures.yaml': 'tiny_stack-0:\n  typescript:\n    - const s = new $name(); s.push(1); __t.eq($names, 1);\n',
    });
    const bank = loadTaskBank(dir);
    expect(bank.dir).toBe(dir);
    expect(bank.templates.map((t) => t.id)).toEqual(['pair_sum', 'tiny_stack']);
    expect(bank.templates[0].variants[0]).toEqual({ extra: '', op: '==' });
    const [pair, stack] = bank.templates;
    expect(renderTask(pair, 0, 'python').tests).toEqual(['assert pair_sum([1, 2, 3], 5)', 'assert not pair_sum([], 0)\nassert not pair_sum([1], 2)\n']);
    expect(renderTask(pair, 0, 'rust').tests).toEqual(['assert!(pair_sum(&[1, 2, 3], 5));']);
    expect(renderTask(pair, 0, 'typescript').tests).toBeUndefined();
    expect(renderTask(pair, 0, 'javascript').tests).toBeUndefined();
    expect(renderTask(pair, 1, 'cpp').tests).toEqual(['RFAI_CHECK(!pair_sum({4}, 8));']);
    expect(renderTask(pair, 1, 'python').tests).toBeUndefined();
    // A class keeps its PascalCase name; `$names` is not `$name`.
    expect(renderTask(stack, 0, 'typescript')).toMatchObject({
      entry_point: 'TinyStack',
      tests: ['const s = new TinyStack(); s.push(1); __t.eq($names, 1);'],
    });
    expect(taskTests(pair, 0)).toEqual(renderTask(pair, 0, 'python').tests);
    expect(taskTests(pair, 0, 'cpp')).toBeUndefined();
    expect(taskTests(pair, 7, 'python')).toBeUndefined();
    expect(taskTests({ ...pair }, 0)).toBeUndefined(); // a copy made in code belongs to no bank
    expect(taskReference(pair, 1, 'rust')).toContain('pub fn pair_sum(items: &[i64], target: i64) -> bool {\n    items.iter()');
    expect(renderTask(pair, 1, 'python').prompt).toContain('sum to `target`, using each entry at most once.');
    const generated = generateTasks({ train: 2, eval: 1, languages: ['python'], seed: 1, bank: bank.templates });
    const all = [...generated.train, ...generated.eval];
    expect(all.filter((r) => r.tests !== undefined).map((r) => r.id)).toEqual(['pair_sum-1-python']);
  });

  test('a bank without a tests folder has no tests; an empty tests file is fine', () => {
    const dir = writeBank({ 'algorithms.yaml': PAIR_SUM });
    rmSync(join(dir, 'tests'), { recursive: true });
    expect(loadTaskBank(dir).tests().size).toBe(0);
    const dir2 = writeBank({ 'algorithms.yaml': PAIR_SUM, 'tests/algorithms.yaml': '# nothing yet\n' });
    const bank = loadTaskBank(dir2);
    expect(bank.tests().size).toBe(0);
    expect(renderTask(bank.templates[0], 0, 'python').tests).toBeUndefined();
  });

  test('template schema errors name the file, line, template and field, with the fix', () => {
    const bad = PAIR_SUM.replace('  task: returns', '  tsk: returns').replace('difficulty: easy', 'difficulty: simple').replace("    - extra: ''\n      op: '=='", "    - extra: ''\n      op: 2");
    const dir = writeBank({ 'algorithms.yaml': bad });
    const err = bankError(() => loadTaskBank(dir));
    const file = join(dir, 'algorithms.yaml');
    expect(err.problems.map((p) => `${p.line}:${p.column} ${p.key} ${p.message}`)).toEqual([
      '1:3 pair_sum template "pair_sum": missing field "task"; add it: what the code must do, starting with a verb ("returns ..."); {slot}, {none}, {null}, {list}, {map}, [[words]] allowed',
      '8:3 pair_sum template "pair_sum": unknown field "tsk" (did you mean "task"?); allowed fields: id, category, difficulty, tags, kind, name, params, methods, task, variants, python, typescript, rust, cpp',
      '3:15 pair_sum template "pair_sum": difficulty is the string "simple"; expected one of easy, medium, hard',
      "11:11 pair_sum template \"pair_sum\": variants[0].op is the number 2; expected a slot value (a string: quote numbers such as \"-1\") (quote it: '2')",
    ]);
    expect(err.file).toBe(file);
    expect(err.line).toBe(1);
    expect(err.message).toContain(`task bank: 4 problems:\n  ${file}:1:3: template "pair_sum": missing field "task"`);
  });

  test('more template errors: not a list, id style, empty variants, unknown category', () => {
    const dir = writeBank({
      'math.yaml': 'id: primes\n',
      'strings.yaml': PAIR_SUM.replace('id: pair_sum', 'id: Pair-Sum').replace('category: algorithms', 'category: string').replace(/ {2}variants:[\s\S]*?(?= {2}python:)/, '  variants: []\n'),
    });
    const messages = bankError(() => loadTaskBank(dir)).problems.map((p) => `${p.file.slice(dir.length + 1)}:${p.line} ${p.message}`);
    expect(messages).toEqual([
      'strings.yaml:1 template "Pair-Sum": id is the string "Pair-Sum"; expected a snake_case identifier (lower-case letters, digits, underscores; starts with a letter), unique in the bank',
      'strings.yaml:2 template "Pair-Sum": category is the string "string"; expected the file\'s category, one of algorithms, data-structures, strings, files, concurrency, parsing, apis, math (did you mean "strings"?)',
      'strings.yaml:9 template "Pair-Sum": variants is empty; expected a non-empty list of variants, each a mapping from slot name to string (python/typescript/rust/cpp keys override the reference)',
      'math.yaml:1 the file is a mapping; expected a YAML list of task templates (items "- id: ..."); each (template, variant, language) becomes one prompt',
    ]);
  });

  test('cross-checks: duplicate id, wrong category file, methods on a function, slots no variant defines', () => {
    const undefinedSlots = PAIR_SUM.replace('{extra}.', '{extra}{mode}.').replace('$op target for', '$op target $when for').replace('id: pair_sum', 'id: pair_sum_2');
    const dir = writeBank({
      'algorithms.yaml': PAIR_SUM + '\n' + undefinedSlots,
      'strings.yaml': PAIR_SUM.replace('kind: function', 'kind: function\n  methods: []'),
    });
    const err = bankError(() => loadTaskBank(dir));
    expect(err.problems.map((p) => `${p.file.slice(dir.length + 1)}:${p.line} ${p.key}: ${p.message}`)).toEqual([
      'algorithms.yaml:29 pair_sum_2: template "pair_sum_2": task uses {mode}, which variants 0, 1 do not define; add "mode: ..." to those variants or remove {mode}',
      'algorithms.yaml:39 pair_sum_2: template "pair_sum_2": the python reference uses $when, which variants 0, 1 do not define; add "when: ..." to those variants or change the reference',
      'strings.yaml:2 pair_sum: template "pair_sum": category is "algorithms" but the file holds strings templates; move the template to algorithms.yaml or set category: strings',
      'strings.yaml:6 pair_sum: template "pair_sum": methods are for kind: class; remove methods or set kind: class',
    ]);
    // The duplicate id is found once every file passes its own checks.
    const dir2 = writeBank({ 'algorithms.yaml': PAIR_SUM, 'files.yaml': PAIR_SUM.replace('category: algorithms', 'category: files') });
    expect(bankError(() => loadTaskBank(dir2)).message).toBe(
      `task bank: 1 problem:\n  ${join(dir2, 'files.yaml')}:1:7: template id "pair_sum" is already used at ${join(dir2, 'algorithms.yaml')}:1; ids must be unique: rename one`,
    );
  });

  test('bad YAML: syntax errors and duplicate keys with their line', () => {
    const dir = writeBank({
      'algorithms.yaml': PAIR_SUM.replace('  kind: function\n', '  kind: function\n  kind: class\n'),
      'math.yaml': '- id: x\n  tags: [a, b\n',
    });
    const problems = bankError(() => loadTaskBank(dir)).problems;
    expect(problems.map((p) => `${p.file.slice(dir.length + 1)}:${p.line}`)).toEqual(['algorithms.yaml:6', 'math.yaml:3']);
    expect(problems[0].message).toBe('invalid YAML: Map keys must be unique (DUPLICATE_KEY); fix the syntax there (code belongs in a block literal "|")');
    expect(problems[1].message).toMatch(/^invalid YAML: .*\(\w+\); fix the syntax there/);
  });

  test('missing folder, missing category file, files named after no category', () => {
    expect(bankError(() => loadTaskBank(join(root, 'nowhere'))).message).toBe(
      `task bank: 1 problem:\n  ${join(root, 'nowhere')}: the task bank folder does not exist; it holds one <category>.yaml per category`,
    );
    const dir = writeBank({ 'misc.yaml': '[]\n', 'tests/data_structures.yaml': '{}\n', 'tests/math.yml': '{}\n' });
    rmSync(join(dir, 'apis.yaml'));
    const err = bankError(() => loadTaskBank(dir));
    expect(err.problems.map((p) => `${p.file.slice(dir.length + 1)}: ${p.message}`)).toEqual([
      'misc.yaml: "misc" is not a task category, so this file would never be read; template files are named <category>.yaml for algorithms, data-structures, strings, files, concurrency, parsing, apis, math (a new category goes into TASK_CATEGORIES in src/task-bank/types.ts)',
      'apis.yaml: missing: every category has a templates file (a list of templates; [] for none yet)',
    ]);
    writeFileSync(join(dir, 'apis.yaml'), '[]\n');
    rmSync(join(dir, 'misc.yaml'));
    const bank = loadTaskBank(dir); // the templates load; the tests files are checked on first use
    expect(bankError(() => bank.tests()).problems.map((p) => `${p.file.slice(dir.length + 1)}: ${p.message}`)).toEqual([
      'tests/data_structures.yaml: "data_structures" is not a task category, so this file would never be read; tests files are named <category>.yaml for algorithms, data-structures, strings, files, concurrency, parsing, apis, math (a new category goes into TASK_CATEGORIES in src/task-bank/types.ts)',
      'tests/math.yml: name the file math.yaml (the loader reads .yaml only)',
    ]);
  });

  test('tests file errors: unknown template, other category, no such variant, unknown language, bad key, empty list', () => {
    const dir = writeBank({
      'algorithms.yaml': PAIR_SUM,
      'data-structures.yaml': STACK,
      'tests/algorithms.yaml': [
        'pair_sums-0:', // 1
        '  python:',
        '    - assert $name([], 0) is False',
        'pair_sum-0:', // 4
        '  ts:',
        '    - __t.ok(!$name([], 0));',
        '  go: [x]',
        '  rust: []',
        'PairSum-1:', // 9
        '  python: [assert True]',
        'pair_sum-1:', // 11
        '  python: [42]',
        '',
      ].join('\n'),
    });
    const bank = loadTaskBank(dir);
    const err = bankError(() => bank.tests());
    expect(err.problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([
      '9:1 key "PairSum-1" is not "<template id>-<variant index>" (e.g. merge_intervals-0, variants counted from 0)',
      '5:3 tests "pair_sum-0": unknown language "ts"; tests are keyed by python, typescript, rust, cpp; write "typescript" instead of "ts"',
      '7:3 tests "pair_sum-0": unknown language "go"; tests are keyed by python, typescript, rust, cpp',
      '8:9 tests "pair_sum-0": rust is empty; expected a non-empty list of test cases, each one string (a block literal "|" for several lines); write the cases or delete the entry (a missing key means no tests yet)',
      "12:12 tests \"pair_sum-1\": python[0] is the number 42; expected one test case: statements, $name for the entry point (quote it: '42')",
    ]);
    expect(err.problems[1].key).toBe('pair_sum-0');
    // Once the schema passes, the keys are checked against the templates.
    const dir2 = writeBank({
      'algorithms.yaml': PAIR_SUM,
      'data-structures.yaml': STACK,
      'tests/algorithms.yaml': 'pair_sums-0:\n  python:\n    - assert $name([], 0) is False\ntiny_stack-0:\n  python: [s = $name()]\npair_sum-2:\n  python: [assert $name(0)]\n',
    });
    expect(bankError(() => loadTaskBank(dir2).tests()).problems.map((p) => `${p.line} ${p.message}`)).toEqual([
      '1 tests "pair_sums-0": no template "pair_sums" in the bank (did you mean "pair_sum"?); keys are "<template id>-<variant index>"',
      '4 tests "tiny_stack-0": "tiny_stack" is a data-structures template; move this entry to tests/data-structures.yaml',
      '6 tests "pair_sum-2": template "pair_sum" has 2 variants (indexes 0 to 1); there is no variant 2',
    ]);
  });

  test('a broken tests file fails renderTask for that bank with the file named, not loading the templates', () => {
    const dir = writeBank({ 'algorithms.yaml': PAIR_SUM, 'tests/algorithms.yaml': 'pair_sum-0: [oops\n' });
    const bank = loadTaskBank(dir);
    expect(() => renderTask(bank.templates[0], 0, 'python')).toThrow(`task bank: 1 problem:\n  ${join(dir, 'tests', 'algorithms.yaml')}:2:1: invalid YAML:`);
    expect(renderTask(bank.templates[0], 0, 'go').tests).toBeUndefined(); // no tests asked for: no read
  });
});
