// What a prompt asks for: the names it wants defined and its content words.
import { subWords } from './lexical';

/** Names and words extracted from a task prompt. */
export interface PromptTerms {
  /** Identifiers the prompt asks to define, e.g. 'merge_intervals' from "Write a function `merge_intervals(intervals)`". */
  requestedNames: string[];
  /** Lower-case content words (stop words and instruction words removed), at most 24. */
  words: string[];
}

const STOP = new Set(
  (
    'the a an and or of to in on for with from by as at is are be that this these those it its into than then ' +
    'which who whom whose what when where how not no yes all any each every some such only own same so too very can will ' +
    'just should would could may might must shall do does did done have has had having was were been being if else ' +
    'write implement create return returns returning given function method class program code solution using use ' +
    'takes take accepts accept input output print prints one two also your you please make following called named ' +
    'python javascript typescript rust java cpp c++ golang go ruby kotlin swift scala php bash lua csharp' +
    ' new both more most other there their them they our we us should e.g i.e etc'
  ).split(/\s+/),
);

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function looksLikeCodeName(w: string): boolean {
  return w.includes('_') || /[a-z][A-Z]/.test(w) || /^[A-Z][a-z]+[A-Z]/.test(w);
}

const termsCache = new Map<string, PromptTerms>();

/**
 * Extracts requested names and content words from a prompt. Deterministic; order of first appearance. Memoised
 * (up to 4,096 prompts: a training run grades many samples per prompt).
 */
export function promptTerms(prompt: string): PromptTerms {
  let t = termsCache.get(prompt);
  if (t === undefined) {
    if (termsCache.size >= 4096) termsCache.clear();
    t = extractTerms(prompt);
    termsCache.set(prompt, t);
  }
  return t;
}

function extractTerms(prompt: string): PromptTerms {
  const names: string[] = [];
  const add = (n: string) => {
    if (IDENT.test(n) && n.length >= 2 && !names.includes(n)) names.push(n);
  };
  // `name(args)` or `name` in backticks
  for (const m of prompt.matchAll(/`([^`\n]{1,120})`/g)) {
    const inner = m[1].trim();
    const head = /^(?:(?:def|fn|func|function|class|struct|async)\s+)?([A-Za-z_$][A-Za-z0-9_$]*)\s*(\(|<|$)/.exec(inner);
    if (head && (head[2] === '(' || looksLikeCodeName(head[1]) || /^(def|fn|func|function|class|struct)\s/.test(inner))) add(head[1]);
  }
  // name( outside backticks, snake_case / camelCase words, "function/class called|named X"
  for (const m of prompt.matchAll(/\b([A-Za-z_$][A-Za-z0-9_$]*)\(/g)) add(m[1]);
  for (const m of prompt.matchAll(/\b(?:function|method|class|struct|trait|interface|type|named|called)\s+`?([A-Za-z_$][A-Za-z0-9_$]*)/g)) {
    if (looksLikeCodeName(m[1]) || /^[A-Z]/.test(m[1])) add(m[1]);
  }
  for (const m of prompt.matchAll(/\b[A-Za-z_$][A-Za-z0-9_$]*\b/g)) if (looksLikeCodeName(m[0]) && !m[0].startsWith('_')) add(m[0]);

  const words: string[] = [];
  for (const m of prompt.matchAll(/[A-Za-z_$][A-Za-z0-9_$]*/g)) {
    for (const w of subWords(m[0])) {
      if (w.length < 3 || STOP.has(w) || words.includes(w)) continue;
      words.push(w);
      if (words.length >= 24) break;
    }
  }
  return { requestedNames: names, words };
}

function bigrams(s: string): string[] {
  const t = s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const out: string[] = [];
  for (let i = 0; i + 1 < t.length; i++) out.push(t.slice(i, i + 2));
  return out;
}

/** Dice coefficient of character bigrams (case and underscores ignored): 1 for the same name, 0 for nothing in common. */
export function nameSimilarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (x.length === 0 || y.length === 0) return a.toLowerCase() === b.toLowerCase() ? 1 : 0;
  const counts = new Map<string, number>();
  for (const g of x) counts.set(g, (counts.get(g) ?? 0) + 1);
  let common = 0;
  for (const g of y) {
    const c = counts.get(g) ?? 0;
    if (c > 0) {
      common++;
      counts.set(g, c - 1);
    }
  }
  return (2 * common) / (x.length + y.length);
}

/**
 * Whether a prompt word appears among the code's words: exactly, or sharing a prefix of at least 4 letters that
 * covers all but the last 3 letters of the shorter word ('sorting' ~ 'sorted', 'intervals' ~ 'interval').
 */
export function wordPresent(word: string, codeWords: Set<string>): boolean {
  if (codeWords.has(word)) return true;
  if (word.length < 4) return false;
  for (const w of codeWords) {
    if (w.length < 4 || w[0] !== word[0]) continue;
    const n = Math.min(w.length, word.length);
    let common = 0;
    while (common < n && w.charCodeAt(common) === word.charCodeAt(common)) common++;
    if (common >= Math.max(4, n - 3)) return true;
  }
  return false;
}
