import { DATASET_RECORD_SCHEMA, normalizedPromptKey, validateRecord } from './schema';

describe('validateRecord', () => {
  test('normalises the language, keeps unknown keys and turns an integer id into a string', () => {
    const check = validateRecord({ prompt: 'Write `f(x)`.', language: 'Py', id: 12, extra: { a: 1 }, tags: ['x'] });
    expect(check).toEqual({
      ok: true,
      record: { prompt: 'Write `f(x)`.', language: 'python', id: '12', extra: { a: 1 }, tags: ['x'] },
    });
  });

  test.each([
    [[1, 2], 'not-object', 'expected a JSON object, found an array'],
    ['text', 'not-object', 'expected a JSON object, found the string "text"'],
    [null, 'not-object', 'expected a JSON object, found null'],
    [{ language: 'python' }, 'missing-prompt', 'missing required key "prompt" (the instruction for the model)'],
    [{ prompt: '  \t', language: 'python' }, 'empty-prompt', '"prompt" is empty or only whitespace; write the instruction or remove the line'],
    [{ prompt: 5, language: 'python' }, 'invalid-field', '"prompt" must be a string, found a number (5)'],
    [{ prompt: 'p' }, 'missing-language', 'missing required key "language" (one of python, cpp, c, rust'],
    [{ prompt: 'p', language: 'pyhton' }, 'unknown-language', 'unknown language "pyhton" (did you mean "python"?); expected one of python, cpp'],
    [{ prompt: 'p', language: 3 }, 'invalid-field', '"language" must be a string, found a number (3)'],
    [{ prompt: 'p', language: 'go', difficulty: 'extreme' }, 'invalid-field', '"difficulty" must be equal to one of the allowed values'],
    [{ prompt: 'p', language: 'go', tags: 'a,b' }, 'invalid-field', '"tags" must be array'],
    [{ prompt: 'p', language: 'go', tests: [1] }, 'invalid-field', '"tests'],
  ])('%j is rejected as %s', (value, kind, message) => {
    const check = validateRecord(value);
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.kind).toBe(kind);
      expect(check.message.startsWith(message)).toBe(true);
    }
  });

  test('the schema requires prompt and language and allows other keys', () => {
    expect(DATASET_RECORD_SCHEMA.required).toEqual(['prompt', 'language']);
    expect(DATASET_RECORD_SCHEMA.additionalProperties).toBe(true);
  });

  test('duplicate keys ignore case, spacing and trailing punctuation but not the language', () => {
    expect(normalizedPromptKey('Write  a\nFunction.', 'python')).toBe(normalizedPromptKey('write a function', 'python'));
    expect(normalizedPromptKey('Write a function', 'python')).not.toBe(normalizedPromptKey('Write a function', 'rust'));
  });
});
