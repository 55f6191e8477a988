import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetError, DatasetValidationError } from './errors';
import { loadDataset, readDataset, validateDatasetFile } from './load';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rfai-datasets-load-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const good = (prompt: string, language = 'python') => JSON.stringify({ prompt, language });

describe('loadDataset', () => {
  test('reports each kind of bad line with its line number (blank lines still count)', async () => {
    const path = file(
      'bad.jsonl',
      [
        good('Write `a()`.'), // 1
        '{"prompt": "x", "language": "python"', // 2 invalid JSON
        '', // 3 blank
        '[1, 2]', // 4 not an object
        '{"language": "rust"}', // 5 missing prompt
        '{"prompt": "   ", "language": "rust"}', // 6 empty prompt
        '{"prompt": "p"}', // 7 missing language
        '{"prompt": "p", "language": "cobol"}', // 8 unknown language
        good('Write `b()`.', 'c++'), // 9
      ].join('\n') + '\n',
    );
    const entries = [];
    for await (const e of readDataset(path)) entries.push(e);
    expect(entries.map((e) => (e.ok ? `${e.line}:ok` : `${e.line}:${e.problem.kind}`))).toEqual([
      '1:ok',
      '2:invalid-json',
      '4:not-object',
      '5:missing-prompt',
      '6:empty-prompt',
      '7:missing-language',
      '8:unknown-language',
      '9:ok',
    ]);

    let error: unknown;
    try {
      await loadDataset(path);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DatasetValidationError);
    const v = error as DatasetValidationError;
    expect(v.totalProblems).toBe(6);
    expect(v.file).toBe(path);
    expect(v.line).toBe(2);
    expect(v.message).toContain(`${path}: 6 bad lines:\n  ${path}:2: invalid JSON:`);
    expect(v.message).toContain(`${path}:4: expected a JSON object, found an array`);
    expect(v.message).toContain(`${path}:5: missing required key "prompt"`);
    expect(v.message).toContain(`${path}:6: "prompt" is empty or only whitespace`);
    expect(v.message).toContain(`${path}:7: missing required key "language"`);
    expect(v.message).toContain(`${path}:8: unknown language "cobol"`);
    expect(v.message).toContain("onBadLine: 'skip'");
  });

  test('maxProblems limits the listing but not the count', async () => {
    const path = file('many-bad.jsonl', Array.from({ length: 30 }, () => '{').join('\n'));
    await expect(loadDataset(path, { maxProblems: 3 })).rejects.toMatchObject({
      totalProblems: 30,
      problems: [{ line: 1 }, { line: 2 }, { line: 3 }],
      message: expect.stringContaining('... and 27 more'),
    });
  });

  test("onBadLine 'skip' drops and counts bad lines", async () => {
    const path = file('skip.jsonl', [good('one'), '{bad', good('two', 'ts'), '{"prompt": ""}'].join('\n'));
    const ds = await loadDataset(path, { onBadLine: 'skip' });
    expect(ds.records).toEqual([
      { prompt: 'one', language: 'python' },
      { prompt: 'two', language: 'typescript' },
    ]);
    expect(ds.skipped).toBe(2);
    expect(ds.lines).toBe(4);
    expect(ds.problems.map((p) => [p.line, p.kind])).toEqual([
      [2, 'invalid-json'],
      [4, 'empty-prompt'],
    ]);
  });

  test('accepts a byte-order mark, CRLF line endings and a missing final newline', async () => {
    const path = file('crlf.jsonl', '\uFEFF' + [good('first'), good('second', 'rust'), good('third', 'go')].join('\r\n'));
    const ds = await loadDataset(path);
    expect(ds.records.map((r) => [r.prompt, r.language])).toEqual([
      ['first', 'python'],
      ['second', 'rust'],
      ['third', 'go'],
    ]);
    const mixed = file('mixed.jsonl', good('a') + '\r\n\r\n' + good('b') + '\n' + '{bad\r\n');
    await expect(loadDataset(mixed)).rejects.toMatchObject({ problems: [{ line: 4, kind: 'invalid-json' }] });
  });

  test('duplicates (same normalised prompt and language) are reported and dropped by default', async () => {
    const path = file(
      'dups.jsonl',
      [good('Write a Function.'), good('write a   function'), good('Write a function', 'rust'), good('other'), good('WRITE A FUNCTION!')].join('\n'),
    );
    const dropped = await loadDataset(path);
    expect(dropped.records.map((r) => r.prompt)).toEqual(['Write a Function.', 'Write a function', 'other']);
    expect(dropped.duplicates).toEqual([
      { file: path, line: 2, firstLine: 1, language: 'python' },
      { file: path, line: 5, firstLine: 1, language: 'python' },
    ]);
    const kept = await loadDataset(path, { onDuplicate: 'keep' });
    expect(kept.records).toHaveLength(5);
    expect(kept.duplicates).toHaveLength(2);
    await expect(loadDataset(path, { onDuplicate: 'error' })).rejects.toThrow(`${path}:2: duplicate of line 1 (same prompt and language); remove one of them`);
  });

  test('filters languages (aliases allowed) and stops at maxSamples', async () => {
    const path = file('langs.jsonl', [good('a'), good('b', 'rust'), good('c', 'py'), good('d', 'ts'), good('e')].join('\n'));
    const ds = await loadDataset(path, { languages: ['python3', 'typescript'] });
    expect(ds.records.map((r) => r.prompt)).toEqual(['a', 'c', 'd', 'e']);
    expect(ds.filteredOut).toBe(1);
    const capped = await loadDataset(path, { languages: ['py'], maxSamples: 2 });
    expect(capped.records.map((r) => r.prompt)).toEqual(['a', 'c']);
    expect(capped.truncated).toBe(true);
  });

  test('validateRest checks every line past maxSamples and still keeps only maxSamples records', async () => {
    const path = file('late-bad.jsonl', [good('a'), good('b'), good('c'), '{"prompt": "no language"}', good('e')].join('\n'));
    expect((await loadDataset(path, { maxSamples: 2 })).records).toHaveLength(2); // stops before the bad line
    await expect(loadDataset(path, { maxSamples: 2, validateRest: true })).rejects.toThrow(`${path}:4`);
    const skipped = await loadDataset(path, { maxSamples: 2, validateRest: true, onBadLine: 'skip' });
    expect(skipped.records.map((r) => r.prompt)).toEqual(['a', 'b']);
    expect(skipped.lines).toBe(5);
    expect(skipped.skipped).toBe(1);
    expect(skipped.truncated).toBe(true);
  });

  test('bad options and missing files are errors that say what to do', async () => {
    const path = file('ok.jsonl', good('a'));
    await expect(loadDataset(path, { maxSamples: 0 })).rejects.toThrow('maxSamples must be a positive integer, got 0');
    await expect(loadDataset(path, { maxSamples: 1.5 })).rejects.toThrow('maxSamples must be a positive integer, got 1.5');
    await expect(loadDataset(path, { onBadLine: 'ignore' as never })).rejects.toThrow(`onBadLine must be 'error' or 'skip', got "ignore"`);
    await expect(loadDataset(path, { onDuplicate: 'x' as never })).rejects.toThrow(`onDuplicate must be 'drop', 'keep' or 'error', got "x"`);
    await expect(loadDataset(path, { maxProblems: -1 })).rejects.toThrow('maxProblems must be a positive integer, got -1');
    await expect(loadDataset(path, { languages: ['klingon'] })).rejects.toThrow('unknown language "klingon" in the languages option');
    const missing = join(dir, 'nope.jsonl');
    const notFound = await loadDataset(missing).catch((err: unknown) => err);
    expect(notFound).toBeInstanceOf(DatasetError);
    expect(notFound).toMatchObject({
      file: missing,
      message: `dataset file not found: ${missing} (check the path; generate one with \`npx nx run data-generator:generate -- --out data\`)`,
    });
    await expect(loadDataset(dir)).rejects.toThrow(`${dir} is not a regular file (expected a JSONL file)`);
  });
});

describe('validateDatasetFile', () => {
  test('lists every problem, duplicates included, with counts per language and difficulty', async () => {
    const path = file(
      'validate.jsonl',
      [
        JSON.stringify({ prompt: 'a', language: 'py', difficulty: 'easy' }),
        '{"prompt": 1, "language": "python"}',
        JSON.stringify({ prompt: 'A', language: 'python' }),
        JSON.stringify({ prompt: 'b', language: 'rust', difficulty: 'hard' }),
      ].join('\n'),
    );
    const report = await validateDatasetFile(path);
    expect(report.lines).toBe(4);
    expect(report.valid).toBe(3);
    expect(report.totalProblems).toBe(2);
    expect(report.problems.map((p) => [p.line, p.kind])).toEqual([
      [2, 'invalid-field'],
      [3, 'duplicate'],
    ]);
    expect(report.byLanguage).toEqual({ python: 2, rust: 1 });
    expect(report.byDifficulty).toEqual({ easy: 1, unset: 1, hard: 1 });
  });
});
