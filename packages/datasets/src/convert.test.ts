import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertFile, detectLanguage, fromChatMessages, fromCsv, fromJsonArray, mapChatRecord } from './convert';
import { DatasetConversionError, DatasetValidationError } from './errors';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rfai-datasets-convert-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const readJsonl = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('fromJsonArray', () => {
  test('maps common key names (Alpaca, HumanEval) and keeps the rest', () => {
    const result = fromJsonArray(
      JSON.stringify([
        { instruction: 'Sort the list.', input: '[3, 1, 2]', output: 'sorted(xs)', lang: 'py', level: 'Easy' },
        { task_id: 'HumanEval/0', prompt: 'def has_close_elements(numbers, threshold):', canonical_solution: '    return False', test: 'assert True', entry_point: 'has_close_elements' },
        { question: 'Reverse a string.', language: 'Rust', difficulty: 'interview', tags: 'strings; easy' },
      ]),
      { language: 'python' },
    );
    expect(result.problems).toEqual([]);
    expect(result.records).toEqual([
      { prompt: 'Sort the list.\n\n[3, 1, 2]', language: 'python', reference: 'sorted(xs)', difficulty: 'easy' },
      {
        prompt: 'def has_close_elements(numbers, threshold):',
        language: 'python',
        reference: '    return False',
        tests: 'assert True',
        id: 'HumanEval/0',
        entry_point: 'has_close_elements',
      },
      { prompt: 'Reverse a string.', language: 'rust', source_difficulty: 'interview', tags: ['strings', 'easy'] },
    ]);
  });

  test('bad rows become problems with their 1-based row number; bad input is an error', () => {
    const result = fromJsonArray([{ prompt: 'ok', language: 'go' }, { text: 'no language' }, 7, { prompt: '' , language: 'go' }], { file: 'rows.json' });
    expect(result.records).toHaveLength(1);
    expect(result.problems.map((p) => [p.file, p.line, p.kind])).toEqual([
      ['rows.json', 2, 'missing-language'],
      ['rows.json', 3, 'not-object'],
      ['rows.json', 4, 'empty-prompt'],
    ]);
    expect(() => fromJsonArray('{"a": 1}', { file: 'x.json' })).toThrow(new DatasetConversionError('x.json: expected a JSON array of rows, found object'));
    expect(() => fromJsonArray('[1,', { file: 'x.json' })).toThrow(/^x\.json: not valid JSON: /);
  });

  test('custom field names win over the defaults', () => {
    const result = fromJsonArray([{ ask: 'Do it.', text: 'ignored?', code: 'x' }], { fields: { prompt: ['ask'] }, language: 'js' });
    expect(result.records).toEqual([{ prompt: 'Do it.', text: 'ignored?', reference: 'x', language: 'javascript' }]);
  });
});

describe('fromCsv', () => {
  test('reads a header, quoted fields with commas, quotes and newlines, and a BOM', () => {
    const csv = '\uFEFFprompt,language,solution,tags\r\n"Write `f(a, b)`.",py,"return ""x""",a|b\r\n"Two\nlines",c++,,\r\n';
    const result = fromCsv(csv);
    expect(result.problems).toEqual([]);
    expect(result.records).toEqual([
      { prompt: 'Write `f(a, b)`.', language: 'python', reference: 'return "x"', tags: ['a', 'b'] },
      { prompt: 'Two\nlines', language: 'cpp' },
    ]);
  });

  test('reports bad rows at the line where they end and broken CSV with its line', () => {
    const result = fromCsv('prompt,language\nok,rust\n"multi\nline",klingon\n,go\n', { file: 't.csv' });
    expect(result.records).toEqual([{ prompt: 'ok', language: 'rust' }]);
    expect(result.problems.map((p) => [p.line, p.kind])).toEqual([
      [4, 'unknown-language'],
      [5, 'missing-prompt'],
    ]);
    let error: unknown;
    try {
      fromCsv('prompt,language\n"unclosed,go\n', { file: 'bad.csv' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DatasetConversionError);
    expect((error as Error).message).toMatch(/^bad\.csv(:\d+)?: cannot parse CSV: /);
  });
});

describe('chat records', () => {
  const chat = (user: string, assistant?: string, extra: Record<string, unknown> = {}) => ({
    messages: [
      { role: 'system', content: 'You write code.' },
      { role: 'user', content: 'earlier turn' },
      { role: 'assistant', content: 'earlier answer' },
      { role: 'user', content: user },
      ...(assistant === undefined ? [] : [{ role: 'assistant', content: assistant }]),
    ],
    ...extra,
  });

  test('the last user message is the prompt, the final answer code block the reference', () => {
    const check = mapChatRecord(chat('Write `add(a, b)`.', 'Here:\n```python\ndef add(a, b):\n    return a + b\n```\nDone.'));
    expect(check).toEqual({
      ok: true,
      record: {
        prompt: 'Write `add(a, b)`.',
        language: 'python',
        reference: 'def add(a, b):\n    return a + b\n',
        system: 'You write code.',
      },
    });
  });

  test('language from the record, the option, the fence or the prompt wording, in that order', () => {
    expect(mapChatRecord(chat('Write it in Rust.', '```go\nx\n```', { language: 'ts' }))).toMatchObject({ record: { language: 'typescript' } });
    expect(mapChatRecord(chat('Write it in Rust.', '```go\nx\n```'), { language: 'java' })).toMatchObject({ record: { language: 'java' } });
    expect(mapChatRecord(chat('Write it in Rust.', '```go\nx\n```'))).toMatchObject({ record: { language: 'go' } });
    expect(mapChatRecord(chat('Write a C++ function, not Python.', 'no fence'))).toMatchObject({ record: { language: 'cpp', reference: 'no fence' } });
    expect(detectLanguage('Implement it in TypeScript or JavaScript')).toBe('typescript');
    expect(detectLanguage('Write a C function')).toBeUndefined();
  });

  test('content given as a list of text parts is joined', () => {
    const check = mapChatRecord({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Part one.' }, { type: 'text', text: 'Part two.' }] }] }, { language: 'go' });
    expect(check).toEqual({ ok: true, record: { prompt: 'Part one.\nPart two.', language: 'go' } });
  });

  test('records without messages, without a user turn or without a language are problems', () => {
    const result = fromChatMessages(
      [{ prompt: 'x' }, { messages: [{ role: 'assistant', content: 'hi' }] }, chat('Do something.'), chat('Use Go.', 'ok')],
      { file: 'chat.json' },
    );
    expect(result.records).toEqual([{ prompt: 'Use Go.', language: 'go', reference: 'ok', system: 'You write code.' }]);
    expect(result.problems.map((p) => [p.line, p.kind, p.message])).toEqual([
      [1, 'missing-prompt', 'expected a "messages" array of {role, content} objects'],
      [2, 'missing-prompt', 'no user message in "messages" (the prompt is the last user message)'],
      [3, 'missing-language', 'no language: the record has no "language", no code fence names one and the prompt mentions none; pass a default language'],
    ]);
  });

  test('JSONL text is read line by line with line numbers', () => {
    const text = [JSON.stringify(chat('In Python please.', 'x')), '', '{oops', JSON.stringify(chat('Nothing here.'))].join('\n');
    const result = fromChatMessages(text);
    expect(result.records.map((r) => r.language)).toEqual(['python']);
    expect(result.problems.map((p) => [p.line, p.kind])).toEqual([
      [3, 'invalid-json'],
      [4, 'missing-language'],
    ]);
  });
});

describe('convertFile', () => {
  test('converts .json, .csv and .jsonl (chat or rows) by extension', async () => {
    const json = join(dir, 'rows.json');
    writeFileSync(json, JSON.stringify([{ instruction: 'A', lang: 'go' }]));
    const csv = join(dir, 'rows.csv');
    writeFileSync(csv, 'question,language\nB,ts\n');
    const jsonl = join(dir, 'mixed.jsonl');
    writeFileSync(jsonl, [JSON.stringify({ messages: [{ role: 'user', content: 'C in Rust' }] }), JSON.stringify({ problem: 'D', lang: 'py' })].join('\r\n'));
    const chatJson = join(dir, 'chat.json');
    writeFileSync(chatJson, JSON.stringify([{ messages: [{ role: 'user', content: 'E' }], language: 'java' }]));

    expect(await convertFile(json, join(dir, 'o1.jsonl'))).toEqual({ written: 1, problems: [] });
    expect(readJsonl(join(dir, 'o1.jsonl'))).toEqual([{ prompt: 'A', language: 'go' }]);
    await convertFile(csv, join(dir, 'o2.jsonl'));
    expect(readJsonl(join(dir, 'o2.jsonl'))).toEqual([{ prompt: 'B', language: 'typescript' }]);
    await convertFile(jsonl, join(dir, 'o3.jsonl'));
    expect(readJsonl(join(dir, 'o3.jsonl'))).toEqual([
      { prompt: 'C in Rust', language: 'rust' },
      { prompt: 'D', language: 'python' },
    ]);
    await convertFile(chatJson, join(dir, 'o4.jsonl'));
    expect(readJsonl(join(dir, 'o4.jsonl'))).toEqual([{ prompt: 'E', language: 'java' }]);
  });

  test("bad rows stop the conversion by default and are skipped with onBadRow: 'skip'", async () => {
    const json = join(dir, 'bad.json');
    writeFileSync(json, JSON.stringify([{ prompt: 'ok', language: 'go' }, { prompt: 'no lang' }]));
    const out = join(dir, 'bad-out.jsonl');
    const err = await convertFile(json, out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetValidationError);
    expect((err as Error).message).toContain(`${json}:2: missing required key "language"`);
    const result = await convertFile(json, out, { onBadRow: 'skip' });
    expect(result.written).toBe(1);
    expect(result.problems.map((p) => p.line)).toEqual([2]);
    await expect(convertFile(join(dir, 'x.txt'), out)).rejects.toThrow(`${join(dir, 'x.txt')}: cannot tell the format from the extension ".txt"; pass format json, csv, chat or jsonl`);
    await expect(convertFile(json, out, { format: 'xml' as never })).rejects.toThrow('unknown format "xml"; expected json, csv, chat, jsonl or auto');
    await expect(convertFile(join(dir, 'missing.csv'), out)).rejects.toThrow(`cannot read ${join(dir, 'missing.csv')}: ENOENT`);
  });
});
