// Loads tree-sitter grammars (web-tree-sitter 0.22 + tree-sitter-wasms 0.1.13, same ABI) once per process.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import Parser from 'web-tree-sitter';
import { normalizeLanguage, type Language } from '@rfai/datasets/languages';

/**
 * Canonical language name (of the language table of @rfai/datasets) -> grammar file stem in tree-sitter-wasms/out.
 * Grammars of languages outside the table (zig, ocaml, elixir) and of a dialect (tsx, an alias of typescript) are
 * keyed by their own lower-case name. Dart is left out: tree-sitter-wasms 0.1.13 ships its grammar at language
 * version 15, which web-tree-sitter 0.22 cannot load (it reads 13 to 14), so dart is graded as a language without a grammar.
 */
const GRAMMAR_FILES: Partial<Record<Language, string>> & Record<string, string> = {
  python: 'python',
  javascript: 'javascript',
  typescript: 'typescript',
  tsx: 'tsx',
  cpp: 'cpp',
  c: 'c',
  rust: 'rust',
  go: 'go',
  java: 'java',
  csharp: 'c_sharp',
  ruby: 'ruby',
  php: 'php',
  bash: 'bash',
  kotlin: 'kotlin',
  swift: 'swift',
  scala: 'scala',
  lua: 'lua',
  zig: 'zig',
  ocaml: 'ocaml',
  elixir: 'elixir',
};

/**
 * Canonical lower-case language name ('Python' -> 'python', 'c++' -> 'cpp', 'ts' -> 'typescript'), by the language
 * table of @rfai/datasets; a name outside the table is returned trimmed and in lower case.
 */
export function canonicalLanguage(language: string): string {
  return normalizeLanguage(language) ?? language.trim().toLowerCase();
}

/** The grammar key of a language name: its own name where it has a grammar (the tsx dialect), else its canonical name. */
function grammarKey(language: string): string {
  const own = language.trim().toLowerCase();
  return Object.hasOwn(GRAMMAR_FILES, own) ? own : canonicalLanguage(own);
}

/** Languages the offline teacher can parse. */
export const PARSEABLE_LANGUAGES: readonly string[] = Object.freeze(Object.keys(GRAMMAR_FILES));

/** A parser bound to one language, with the node-type ids the syntax walk needs. */
export interface LoadedGrammar {
  language: string;
  parser: Parser;
  lang: Parser.Language;
}

let initPromise: Promise<void> | undefined;
/**
 * The last grammar load started. web-tree-sitter links each grammar's wasm module into one shared table, and two
 * loads in flight at once corrupt it ("bad export type for 'tree_sitter_python_external_scanner_create'"), so
 * loads run one after another.
 */
let loadChain: Promise<unknown> = Promise.resolve();
const grammars = new Map<string, Promise<LoadedGrammar>>();

function wasmDir(): string {
  // __filename exists in CJS (jest, tsup cjs) and is shimmed by tsup in the ESM build (shims: true).
  const req = createRequire(__filename);
  return path.join(path.dirname(req.resolve('tree-sitter-wasms/package.json')), 'out');
}

/**
 * The grammar of `language`, loaded on first use and cached for the process; undefined when the language has no
 * grammar. Rejects when the wasm files cannot be loaded (a broken install), with the path tried.
 */
export function loadGrammar(language: string): Promise<LoadedGrammar> | undefined {
  const canonical = grammarKey(language);
  const stem = Object.hasOwn(GRAMMAR_FILES, canonical) ? GRAMMAR_FILES[canonical] : undefined;
  if (stem === undefined) return undefined;
  let g = grammars.get(canonical);
  if (g === undefined) {
    g = (async () => {
      initPromise ??= Parser.init();
      await initPromise;
      const file = path.join(wasmDir(), `tree-sitter-${stem}.wasm`);
      let lang: Parser.Language;
      const load = loadChain.then(() => Parser.Language.load(file));
      loadChain = load.catch(() => undefined);
      try {
        lang = await load;
      } catch (e) {
        throw new Error(`cannot load the tree-sitter grammar for ${canonical} from ${file}: ${(e as Error).message}; reinstall tree-sitter-wasms@0.1.13`);
      }
      const parser = new Parser();
      parser.setLanguage(lang);
      return { language: canonical, parser, lang };
    })();
    g.catch(() => grammars.delete(canonical)); // a failed load may be retried
    grammars.set(canonical, g);
  }
  return g;
}
