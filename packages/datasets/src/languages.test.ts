import { formatIdentifier, isKnownLanguage, LANGUAGE_ALIASES, LANGUAGE_DISPLAY_NAMES, LANGUAGE_NAMING, LANGUAGE_TABLE, LANGUAGES, normalizeLanguage, suggestLanguage } from './languages';

describe('languages', () => {
  test('aliases normalise to canonical names, any case and surrounding space', () => {
    expect(normalizeLanguage('py')).toBe('python');
    expect(normalizeLanguage(' Python3 ')).toBe('python');
    expect(normalizeLanguage('C++')).toBe('cpp');
    expect(normalizeLanguage('ts')).toBe('typescript');
    expect(normalizeLanguage('JS')).toBe('javascript');
    expect(normalizeLanguage('golang')).toBe('go');
    expect(normalizeLanguage('c#')).toBe('csharp');
    expect(normalizeLanguage('rs')).toBe('rust');
    for (const lang of LANGUAGES) expect(normalizeLanguage(lang)).toBe(lang);
  });

  test('the table is the one list: each alias names one language, and the derived maps cover every language', () => {
    const aliases = LANGUAGES.flatMap((l) => LANGUAGE_TABLE[l].aliases as readonly string[]);
    expect(new Set(aliases).size).toBe(aliases.length);
    for (const a of aliases) expect(LANGUAGES).not.toContain(a);
    expect(Object.keys(LANGUAGE_ALIASES).sort()).toEqual([...aliases].sort());
    for (const l of LANGUAGES) {
      for (const a of LANGUAGE_TABLE[l].aliases) expect(normalizeLanguage(a)).toBe(l);
      expect(LANGUAGE_DISPLAY_NAMES[l]).toBe(LANGUAGE_TABLE[l].display);
      expect(LANGUAGE_NAMING[l]).toBe(LANGUAGE_TABLE[l].naming);
    }
    expect(LANGUAGES).toHaveLength(21);
  });

  test('unknown names are not guessed', () => {
    expect(normalizeLanguage('cobol')).toBeUndefined();
    expect(normalizeLanguage('constructor')).toBeUndefined();
    expect(normalizeLanguage('')).toBeUndefined();
    expect(isKnownLanguage('pyhton')).toBe(false);
    expect(suggestLanguage('pyhton')).toBe('python');
    expect(suggestLanguage('rustt')).toBe('rust');
    expect(suggestLanguage('zzzzzzzz')).toBeUndefined();
  });

  test('identifiers follow each naming style', () => {
    expect(formatIdentifier(['merge', 'intervals'], 'snake')).toBe('merge_intervals');
    expect(formatIdentifier(['merge', 'intervals'], 'camel')).toBe('mergeIntervals');
    expect(formatIdentifier(['lru', 'cache'], 'pascal')).toBe('LruCache');
    expect(formatIdentifier(['Top', 'K', 'words'], 'camel')).toBe('topKWords');
  });
});
