// Characteristic keywords per language: seeing several of them is evidence that the text is code in that language.
import type { Language } from '@rfai/datasets/languages';

const C_LIKE = ['if', 'else', 'for', 'while', 'return', 'break', 'continue', 'switch', 'case', 'const', 'static'];

const KEYWORDS: Partial<Record<Language, readonly string[]>> = {
  python: ['def', 'return', 'if', 'elif', 'else', 'for', 'in', 'while', 'import', 'from', 'class', 'not', 'and', 'or', 'None', 'True', 'False', 'self', 'with', 'as', 'lambda', 'yield', 'try', 'except', 'raise', 'len', 'range', 'is', 'pass'],
  javascript: [...C_LIKE, 'function', 'let', 'var', 'new', 'this', 'class', 'of', 'null', 'undefined', 'true', 'false', 'async', 'await', 'export', 'import', 'typeof', 'throw', 'length'],
  typescript: [...C_LIKE, 'function', 'let', 'new', 'this', 'class', 'of', 'null', 'undefined', 'true', 'false', 'async', 'await', 'export', 'import', 'interface', 'type', 'number', 'string', 'boolean', 'readonly', 'length'],
  cpp: [...C_LIKE, 'int', 'void', 'auto', 'std', 'vector', 'include', 'namespace', 'using', 'class', 'struct', 'template', 'typename', 'size_t', 'bool', 'true', 'false', 'nullptr', 'double', 'size'],
  c: [...C_LIKE, 'int', 'void', 'char', 'struct', 'include', 'size_t', 'sizeof', 'unsigned', 'long', 'double', 'NULL', 'malloc', 'free', 'typedef'],
  rust: ['fn', 'let', 'mut', 'if', 'else', 'for', 'in', 'while', 'loop', 'match', 'return', 'impl', 'struct', 'enum', 'pub', 'use', 'Vec', 'Option', 'Some', 'None', 'Result', 'Ok', 'self', 'usize', 'i32', 'i64', 'u8', 'String', 'str', 'len'],
  go: ['func', 'package', 'import', 'return', 'if', 'else', 'for', 'range', 'var', 'type', 'struct', 'int', 'string', 'nil', 'make', 'len', 'append', 'err', 'error', 'map', 'switch', 'case'],
  java: [...C_LIKE, 'public', 'private', 'class', 'void', 'int', 'new', 'this', 'import', 'String', 'List', 'null', 'true', 'false', 'boolean', 'final', 'length', 'size'],
  csharp: [...C_LIKE, 'public', 'private', 'class', 'void', 'int', 'new', 'this', 'using', 'string', 'var', 'null', 'true', 'false', 'bool', 'List', 'namespace', 'Length', 'Count'],
  ruby: ['def', 'end', 'if', 'elsif', 'else', 'unless', 'do', 'each', 'return', 'class', 'module', 'nil', 'true', 'false', 'self', 'yield', 'puts', 'require', 'attr_reader', 'while'],
  php: ['function', 'return', 'if', 'else', 'foreach', 'as', 'array', 'echo', 'class', 'public', 'private', 'new', 'null', 'true', 'false', 'this', 'count'],
  bash: ['if', 'then', 'fi', 'for', 'do', 'done', 'while', 'case', 'esac', 'echo', 'local', 'function', 'return', 'exit', 'in'],
  kotlin: ['fun', 'val', 'var', 'if', 'else', 'for', 'in', 'when', 'return', 'class', 'object', 'null', 'true', 'false', 'Int', 'String', 'List', 'listOf'],
  swift: ['func', 'let', 'var', 'if', 'else', 'for', 'in', 'guard', 'return', 'struct', 'class', 'nil', 'true', 'false', 'Int', 'String', 'Array', 'self'],
  scala: ['def', 'val', 'var', 'if', 'else', 'for', 'match', 'case', 'object', 'class', 'Int', 'String', 'List', 'yield', 'return'],
  lua: ['function', 'local', 'end', 'if', 'then', 'else', 'elseif', 'for', 'do', 'while', 'return', 'nil', 'true', 'false', 'pairs', 'ipairs'],
};

const GENERIC = ['if', 'else', 'for', 'while', 'return', 'function', 'def', 'class', 'true', 'false', 'int', 'let', 'var', 'const'];

const sets = new Map<string, Set<string>>();

/** The keyword set of a canonical language name (a generic set for languages not listed). */
export function keywordSet(language: string): Set<string> {
  let s = sets.get(language);
  if (s === undefined) {
    s = new Set((Object.hasOwn(KEYWORDS, language) ? KEYWORDS[language as Language] : undefined) ?? GENERIC);
    sets.set(language, s);
  }
  return s;
}
