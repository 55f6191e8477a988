// Loads tree-sitter grammars (web-tree-sitter 0.22 + tree-sitter-wasms 0.1.13, same ABI) once per process.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import Parser from 'web-tree-sitter';

/** Canonical language name -> grammar file stem in tree-sitter-wasms/out. */
const GRAMMAR_FILES: Record<string, string> = {
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
  dart: 'dart',
  zig: 'zig',
  ocaml: 'ocaml',
  elixir: 'elixir',
};

const ALIASES: Record<string, string> = {
  py: 'python',
  python3: 'python',
  js: 'javascript',
  node: 'javascript',
  ts: 'typescript',
  'c++': 'cpp',
  cxx: 'cpp',
  cc: 'cpp',
  rs: 'rust',
  golang: 'go',
  'c#': 'csharp',
  cs: 'csharp',
  rb: 'ruby',
  sh: 'bash',
  shell: 'bash',
  kt: 'kotlin',
};

/** Canonical lower-case language name ('Python' -> 'python', 'c++' -> 'cpp', 'ts' -> 'typescript'). */
export function canonicalLanguage(language: string): string {
  const l = language.trim().toLowerCase();
  return ALIASES[l] ?? l;
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
  const canonical = canonicalLanguage(language);
  const stem = GRAMMAR_FILES[canonical];
  if (stem === undefined) return undefined;
  let g = grammars.get(canonical);
  if (g === undefined) {
    g = (async () => {
      initPromise ??= Parser.init();
      await initPromise;
      const file = path.join(wasmDir(), `tree-sitter-${stem}.wasm`);
      let lang: Parser.Language;
      try {
        lang = await Parser.Language.load(file);
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
