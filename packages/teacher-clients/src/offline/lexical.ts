// Language-agnostic text facts: character sanity, tokens, lines, repetition, bracket balance, names, keywords.
import { keywordSet } from './keywords';

/** Facts about the characters, tokens and lines of a piece of code. */
export interface LexicalFacts {
  /** Length in characters (UTF-16 code units). */
  chars: number;
  /** Characters that are not whitespace. */
  nonSpaceChars: number;
  /** Share of characters that are printable ASCII or ordinary whitespace (other Unicode counts half; control chars and U+FFFD zero). */
  charSanity: number;
  /** Number of lexical tokens (identifiers, numbers, single punctuation marks). */
  tokens: number;
  /** Distinct identifiers that are not keywords of the language. */
  identifiers: string[];
  /** Lower-cased sub-words of all identifiers and words (snake_case and camelCase split), for relevance. */
  words: Set<string>;
  /** Distinct keywords of the language that occur. */
  keywordsFound: number;
  /** Lines that are not blank. */
  nonEmptyLines: number;
  /** Mean length of non-blank lines, in characters. */
  meanLineLength: number;
  /** Share of lines longer than 160 characters. */
  longLineShare: number;
  /** Distinct / total over substantive lines (longer than 3 characters after trimming); 1 when fewer than 2. */
  uniqueLineRatio: number;
  /** Distinct / total token trigrams; 1 when fewer than 6 tokens. */
  distinctTrigramRatio: number;
  /**
   * Distinct / total character 4-grams of the text with whitespace runs collapsed; 1 when shorter than 16.
   * Catches degenerate text a token view misses, such as one long identifier `vvvvvvvv...` or `abababab...`.
   */
  charDiversity: number;
  /** Longest run of one repeated non-space character. */
  longestCharRun: number;
  /** Bracket pairs ((), [], {}) that match, as a share of all bracket characters; undefined when there are none. */
  bracketBalance: number | undefined;
  /** Deepest indentation level (in units of the smallest indentation used). */
  maxIndentDepth: number;
  /** Lines that are comments by a simple prefix rule (#, //, /*, *, --, ;), for languages without a grammar. */
  commentLines: number;
  /** Share of distinct identifiers that look like words or conventional short names. */
  namingPlausibility: number;
}

const TOKEN_RE = /[A-Za-z_$][A-Za-z0-9_$]*|\d+(?:\.\d+)?|\S/g;
const IDENT_RE = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const HASH_COMMENT = new Set(['python', 'ruby', 'bash', 'elixir']);

/**
 * The code part of a completion: the contents of its markdown code fences when it has any (all fenced blocks,
 * joined), else the whole text.
 */
export function extractCode(completion: string): string {
  if (!completion.includes('```')) return completion;
  const blocks: string[] = [];
  const re = /```[^\n]*\n([\s\S]*?)(?:```|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(completion)) !== null) blocks.push(m[1]);
  return blocks.length > 0 ? blocks.join('\n') : completion;
}

/** Share of characters that are printable ASCII or ordinary whitespace (see LexicalFacts.charSanity). */
export function printableShare(code: string): number {
  let sane = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if ((c >= 32 && c < 127) || c === 10 || c === 9 || c === 13) sane += 1;
    else if (c >= 160 && c !== 0xfffd) sane += 0.5;
  }
  return code.length === 0 ? 0 : sane / code.length;
}

/** Splits an identifier into lower-case sub-words: 'mergeIntervals2' / 'merge_intervals' -> ['merge', 'intervals']. */
export function subWords(identifier: string): string[] {
  return identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z]+/)
    .map((w) => w.toLowerCase())
    .filter((w) => w.length > 0);
}

const VOWEL = /[aeiouy]/;
const CONSONANT_RUN = /[bcdfghjklmnpqrstvwxz]{5,}/;

/** Whether an identifier looks like a name a person would write ('count', 'i', 'maxVal', 'http_client'), not noise ('xQ7bZk'). */
export function plausibleName(identifier: string): boolean {
  if (/[0-9]/.test(identifier.replace(/[0-9]+$/, ''))) return false; // digits only at the end
  const words = subWords(identifier);
  if (words.length === 0) return false;
  if (/[a-z][A-Z][a-z]?[A-Z]/.test(identifier) && words.some((w) => w.length === 1)) return false; // 'aBcD' noise
  for (const w of words) {
    if (w.length <= 4) continue; // short words and abbreviations: i, len, idx, http

    if (!VOWEL.test(w) || CONSONANT_RUN.test(w)) return false;
  }
  return true;
}

function bracketBalance(code: string, hashComments: boolean): number | undefined {
  const stack: string[] = [];
  let total = 0;
  let bad = 0;
  const n = code.length;
  for (let i = 0; i < n; i++) {
    const c = code[i];
    if (c === '"' || c === "'" || c === '`') {
      // skip a string literal up to its closing quote on the same line
      let j = i + 1;
      while (j < n && code[j] !== c && code[j] !== '\n') j += code[j] === '\\' ? 2 : 1;
      i = j;
      continue;
    }
    if ((hashComments && c === '#') || (c === '/' && code[i + 1] === '/')) {
      while (i < n && code[i] !== '\n') i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      stack.push(c);
      total++;
    } else if (c === ')' || c === ']' || c === '}') {
      total++;
      const want = c === ')' ? '(' : c === ']' ? '[' : '{';
      if (stack.length > 0 && stack[stack.length - 1] === want) stack.pop();
      else bad++;
    }
  }
  bad += stack.length;
  if (total === 0) return undefined;
  return Math.max(0, (total - bad) / total);
}

/** Computes the lexical facts of `code` for a canonical language name. */
export function analyzeLexical(code: string, language: string): LexicalFacts {
  const chars = code.length;
  let sane = 0;
  let nonSpace = 0;
  let longestRun = 0;
  let run = 0;
  let prev = -1;
  for (let i = 0; i < chars; i++) {
    const c = code.charCodeAt(i);
    if ((c >= 32 && c < 127) || c === 10 || c === 9 || c === 13) sane += 1;
    else if (c >= 160 && c !== 0xfffd) sane += 0.5;
    if (c !== 32 && c !== 10 && c !== 9 && c !== 13) {
      nonSpace++;
      run = c === prev ? run + 1 : 1;
      if (run > longestRun) longestRun = run;
    } else {
      run = 0;
    }
    prev = c;
  }

  const kw = keywordSet(language);
  const tokenList = code.match(TOKEN_RE) ?? [];
  const identifiers = new Set<string>();
  const keywordsFound = new Set<string>();
  const words = new Set<string>();
  const seen = new Set<string>();
  for (const t of tokenList) {
    if (seen.has(t)) continue;
    seen.add(t);
    if (!IDENT_RE.test(t)) continue;
    if (kw.has(t)) keywordsFound.add(t);
    else identifiers.add(t);
    for (const w of subWords(t)) words.add(w);
  }
  let trigrams = 0;
  const distinct = new Set<string>();
  for (let i = 0; i + 2 < tokenList.length; i++) {
    distinct.add(tokenList[i] + '\u0000' + tokenList[i + 1] + '\u0000' + tokenList[i + 2]);
    trigrams++;
  }

  const lines = code.split('\n');
  let nonEmpty = 0;
  let lengthSum = 0;
  let long = 0;
  let commentLines = 0;
  let minIndent = Infinity;
  let maxIndent = 0;
  const substantive: string[] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed.length === 0) continue;
    nonEmpty++;
    lengthSum += line.length;
    if (line.length > 160) long++;
    if (/^(#|\/\/|\/\*|\*|--|;)/.test(trimmed)) commentLines++;
    if (trimmed.length > 3) substantive.push(trimmed);
    const indentText = line.slice(0, line.length - line.trimStart().length).replace(/\t/g, '    ');
    const indent = indentText.length;
    if (indent > 0 && indent < minIndent) minIndent = indent;
    if (indent > maxIndent) maxIndent = indent;
  }
  const uniqueLines = new Set(substantive).size;
  const squeezed = code.replace(/\s+/g, ' ');
  const grams = new Set<string>();
  for (let i = 0; i + 4 <= squeezed.length; i++) grams.add(squeezed.slice(i, i + 4));
  const charDiversity = squeezed.length < 16 ? 1 : grams.size / (squeezed.length - 3);
  const named = [...identifiers];
  const plausible = named.filter(plausibleName).length;

  return {
    chars,
    nonSpaceChars: nonSpace,
    charSanity: chars === 0 ? 0 : sane / chars,
    tokens: tokenList.length,
    identifiers: named,
    words,
    keywordsFound: keywordsFound.size,
    nonEmptyLines: nonEmpty,
    meanLineLength: nonEmpty === 0 ? 0 : lengthSum / nonEmpty,
    longLineShare: nonEmpty === 0 ? 0 : long / nonEmpty,
    uniqueLineRatio: substantive.length < 2 ? 1 : uniqueLines / substantive.length,
    distinctTrigramRatio: trigrams < 4 ? 1 : distinct.size / trigrams,
    charDiversity,
    longestCharRun: longestRun,
    bracketBalance: bracketBalance(code, HASH_COMMENT.has(language)),
    maxIndentDepth: maxIndent === 0 ? 0 : Math.round(maxIndent / minIndent),
    commentLines,
    namingPlausibility: named.length === 0 ? 0 : plausible / named.length,
  };
}
