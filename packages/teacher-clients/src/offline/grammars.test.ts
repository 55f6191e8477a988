import { loadGrammar, PARSEABLE_LANGUAGES } from './grammars';

// A file of its own: jest gives it a fresh module registry, so web-tree-sitter starts with no grammar loaded, as in a
// new trainer process whose first batch mixes languages.
describe('loadGrammar', () => {
  it('loads every grammar at once, in a fresh process, and each parses clean code without error nodes', async () => {
    const snippets: Record<string, string> = {
      python: 'def f(x):\n    return x + 1\n',
      typescript: 'function f(x: number): number { return x + 1; }\n',
      rust: 'fn f(x: i64) -> i64 { x + 1 }\n',
      cpp: 'int f(int x) { return x + 1; }\n',
    };
    const loads = PARSEABLE_LANGUAGES.map((l) => loadGrammar(l)!);
    const settled = await Promise.allSettled(loads);
    const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [`${PARSEABLE_LANGUAGES[i]}: ${String(s.reason)}`] : []));
    expect(failed).toEqual([]);
    for (const [lang, code] of Object.entries(snippets)) {
      const g = await loadGrammar(lang)!;
      const tree = g.parser.parse(code);
      expect([lang, tree.rootNode.hasError]).toEqual([lang, false]);
      tree.delete();
    }
  });
});
