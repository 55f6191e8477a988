import { formatIdentifier, isKnownLanguage, LANGUAGES, normalizeLanguage, suggestLanguage } from './languages';

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

  test('unknown names are not guessed', () => {
    expect(normalizeLanguage('cobol')).toBeUndefined();
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
