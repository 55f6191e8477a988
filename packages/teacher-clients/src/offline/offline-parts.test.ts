import { analyzeLexical, extractCode, plausibleName, subWords } from './lexical';
import { nameSimilarity, promptTerms, wordPresent } from './prompt-terms';
import { syntaxScoreOf } from './grade';
import { loadGrammar, canonicalLanguage } from './grammars';
import { analyzeSyntax } from './syntax';

test('subWords splits snake_case and camelCase', () => {
  expect(subWords('merge_intervals')).toEqual(['merge', 'intervals']);
  expect(subWords('parseHTTPResponse2')).toEqual(['parse', 'http', 'response']);
  expect(subWords('__init__')).toEqual(['init']);
});

test('plausibleName tells names from noise', () => {
  for (const n of ['count', 'i', 'maxVal', 'http_client', 'x2', 'Node']) expect(plausibleName(n)).toBe(true);
  for (const n of ['xQ7bZk', 'qwrtzpl', 'a1b2', 'aBcD']) expect(plausibleName(n)).toBe(false);
});

test('promptTerms extracts the requested names and content words', () => {
  const t = promptTerms('Write a Python function `merge_intervals(intervals)` that merges overlapping intervals; use a helper called sortByStart.');
  expect(t.requestedNames).toEqual(['merge_intervals', 'sortByStart']);
  expect(t.words).toEqual(['merge', 'intervals', 'merges', 'overlapping', 'helper', 'sort', 'start']);
  expect(promptTerms('Implement class `LRUCache` with get and put.').requestedNames).toEqual(['LRUCache']);
});

test('nameSimilarity is the Dice coefficient of character bigrams', () => {
  // 'merge' -> me er rg ge ; 'merger' -> me er rg ge er : common 4 -> 2·4 / (4 + 5)
  expect(nameSimilarity('merge', 'merger')).toBeCloseTo(8 / 9, 12);
  expect(nameSimilarity('merge_intervals', 'mergeIntervals')).toBe(1);
  expect(nameSimilarity('abc', 'xyz')).toBe(0);
  expect(wordPresent('sorting', new Set(['sorted']))).toBe(true);
  expect(wordPresent('sort', new Set(['sorted']))).toBe(true);
  expect(wordPresent('start', new Set(['stack']))).toBe(false);
  expect(wordPresent('sum', new Set(['summary']))).toBe(false);
});

test('lexical facts of a small snippet (hand-counted)', () => {
  const code = 'def f(x):\n    # double it\n    return x + x\n';
  const lex = analyzeLexical(code, 'python');
  // tokens: def f ( x ) : # double it return x + x  -> 13
  expect(lex.tokens).toBe(13);
  expect(lex.keywordsFound).toBe(2); // def, return
  expect(lex.identifiers.sort()).toEqual(['double', 'f', 'it', 'x']);
  expect(lex.nonEmptyLines).toBe(3);
  expect(lex.meanLineLength).toBeCloseTo((9 + 15 + 16) / 3, 12);
  expect(lex.bracketBalance).toBe(1);
  expect(lex.maxIndentDepth).toBe(1);
  expect(lex.commentLines).toBe(1);
  // 11 trigrams over 13 tokens, all distinct
  expect(lex.distinctTrigramRatio).toBe(1);
  expect(analyzeLexical('(()', 'python').bracketBalance).toBeCloseTo(2 / 3, 12); // 2 of 3 bracket characters matched
  expect(analyzeLexical('a\u0001b\ufffd', 'python').charSanity).toBe(0.5);
});

test('extractCode takes fenced blocks', () => {
  expect(extractCode('Sure:\n```py\nx = 1\n```\nand\n```\ny = 2\n```')).toBe('x = 1\n\ny = 2\n');
  expect(extractCode('x = 1')).toBe('x = 1');
});

test('syntaxScoreOf follows its documented formula', () => {
  const facts = { errorBytes: 10, errorRegions: 1, missingNodes: 2, commentBytes: 0, comments: 0, commentProse: 0, definitions: [], documentedDefinitions: 0, nodes: 1 };
  expect(syntaxScoreOf(facts, 100, 15)).toBeCloseTo(0.9 * 0.9 * Math.exp(-1.5 / 15) * 0.81, 12);
  expect(syntaxScoreOf(facts, 0, 0)).toBe(0);
});

test('syntax walk: error tokens, missing tokens, definitions and docstrings', async () => {
  const g = (await loadGrammar('python'))!;
  const ok = analyzeSyntax(g, 'def f(x):\n    """Doc."""\n    return x\n\nclass Box:\n    pass\n');
  expect(ok.errorBytes).toBe(0);
  expect(ok.definitions).toEqual(['f', 'Box']);
  expect(ok.documentedDefinitions).toBe(1);
  const broken = analyzeSyntax(g, 'def f(x:\n    return x\n');
  expect(broken.errorRegions + broken.missingNodes).toBeGreaterThan(0);
  const cpp = analyzeSyntax((await loadGrammar('c++'))!, 'int Foo::bar(int a) { return a; }\nstruct P { int x; };\n');
  expect(cpp.definitions).toEqual(['bar', 'P']);
  expect(loadGrammar('brainfuck')).toBeUndefined();
  expect(canonicalLanguage(' TS ')).toBe('typescript');
});

test('canonicalLanguage uses the language table of @rfai/datasets; tsx keeps its own grammar', async () => {
  const names = { jl: 'julia', Golang: 'go', hpp: 'cpp', tsx: 'typescript', constructor: 'constructor', ' Zig ': 'zig' };
  for (const [name, canonical] of Object.entries(names)) expect(canonicalLanguage(name)).toBe(canonical);
  expect((await loadGrammar('tsx'))!.language).toBe('tsx');
  expect((await loadGrammar('ts'))!.language).toBe('typescript');
  expect(loadGrammar('constructor')).toBeUndefined();
});
