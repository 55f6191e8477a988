/**
 * Converting other dataset shapes into the JSONL schema: JSON arrays of rows
 * with other key names (Alpaca, HumanEval, MBPP style), CSV files with a
 * header, and chat records (`{"messages": [...]}` as used by Hugging Face
 * datasets and TRL).
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { DatasetConversionError, DatasetValidationError, type DatasetProblem } from './errors';
import { readLines } from './jsonl-reader';
import { writeJsonl } from './jsonl-writer';
import { LANGUAGE_ALIASES, LANGUAGE_DISPLAY_NAMES, LANGUAGES, normalizeLanguage } from './languages';
import { validateRecord, type DatasetRecord } from './schema';

/** Key names to read each field from; the first present key wins. */
export interface FieldMapping {
  prompt?: string[];
  language?: string[];
  reference?: string[];
  tests?: string[];
  id?: string[];
  tags?: string[];
  difficulty?: string[];
}

/** Default key names tried for each field (in order). */
export const DEFAULT_FIELD_MAPPING: Required<FieldMapping> = {
  prompt: ['prompt', 'instruction', 'question', 'problem', 'query', 'task', 'text'],
  language: ['language', 'lang', 'programming_language'],
  reference: ['reference', 'solution', 'canonical_solution', 'output', 'answer', 'response', 'completion', 'code'],
  tests: ['tests', 'test', 'test_list', 'test_cases'],
  id: ['id', 'task_id'],
  tags: ['tags', 'topics'],
  difficulty: ['difficulty', 'level'],
};

/** Options shared by the converters. */
export interface ConvertOptions {
  /** Language for rows that name none (aliases allowed). Default: none, such rows are problems. */
  language?: string;
  /** Key or column names to read, per field; merged over {@link DEFAULT_FIELD_MAPPING}. */
  fields?: FieldMapping;
  /** Name used in problems for in-memory input. Default `<input>`. */
  file?: string;
}

/** The result of a converter: the records that passed validation and the rows that did not. */
export interface ConversionResult {
  records: DatasetRecord[];
  problems: DatasetProblem[];
}

function pickKey(row: Record<string, unknown>, keys: readonly string[]): string | undefined {
  return keys.find((k) => row[k] !== undefined && row[k] !== null && row[k] !== '');
}

function asTags(value: unknown): unknown {
  if (typeof value === 'string') {
    return value
      .split(/[;,|]/)
      .map((t) => t.trim())
      .filter(Boolean);
  }
  return value;
}

/**
 * Maps one row with arbitrary key names to a record and validates it. An
 * Alpaca-style `input` next to `instruction` is appended to the prompt.
 * Keys that were not mapped are kept as they are.
 */
export function mapRow(row: unknown, opts: ConvertOptions = {}): ReturnType<typeof validateRecord> {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return validateRecord(row);
  const src = row as Record<string, unknown>;
  const fields = { ...DEFAULT_FIELD_MAPPING, ...opts.fields };
  const out: Record<string, unknown> = {};
  const used = new Set<string>();
  const take = (field: keyof FieldMapping): unknown => {
    const key = pickKey(src, fields[field] ?? []);
    if (key === undefined) return undefined;
    used.add(key);
    return src[key];
  };
  let prompt = take('prompt');
  if (typeof prompt === 'string' && typeof src.input === 'string' && src.input.trim() && used.has('instruction')) {
    prompt = `${prompt}\n\n${src.input}`;
    used.add('input');
  }
  const language = take('language') ?? opts.language;
  const reference = take('reference');
  const tests = take('tests');
  const id = take('id');
  const tags = take('tags');
  const difficulty = take('difficulty');
  for (const [k, v] of Object.entries(src)) if (!used.has(k)) out[k] = v;
  if (prompt !== undefined) out.prompt = prompt;
  if (language !== undefined) out.language = language;
  if (reference !== undefined) out.reference = reference;
  if (tests !== undefined) out.tests = tests;
  if (id !== undefined) out.id = id;
  if (tags !== undefined) out.tags = asTags(tags);
  if (difficulty !== undefined) {
    const d = String(difficulty).trim().toLowerCase();
    if (d === 'easy' || d === 'medium' || d === 'hard') out.difficulty = d;
    else out.source_difficulty = difficulty;
  }
  return validateRecord(out);
}

function collect(rows: Iterable<[number, unknown]>, file: string, map: (row: unknown) => ReturnType<typeof validateRecord>): ConversionResult {
  const result: ConversionResult = { records: [], problems: [] };
  for (const [line, row] of rows) {
    const check = map(row);
    if (check.ok) result.records.push(check.record);
    else result.problems.push({ file, line, kind: check.kind, message: check.message });
  }
  return result;
}

/**
 * Converts a JSON array of rows (or its text) into records. Row numbers in
 * problems are 1-based array positions.
 * @throws DatasetConversionError when the text is not JSON or not an array.
 */
export function fromJsonArray(input: string | readonly unknown[], opts: ConvertOptions = {}): ConversionResult {
  const file = opts.file ?? '<input>';
  let rows: unknown = input;
  if (typeof input === 'string') {
    try {
      rows = JSON.parse(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input);
    } catch (err) {
      throw new DatasetConversionError(`${file}: not valid JSON: ${(err as Error).message}`, { file, cause: err });
    }
  }
  if (!Array.isArray(rows)) {
    throw new DatasetConversionError(`${file}: expected a JSON array of rows, found ${rows === null ? 'null' : typeof rows}`, { file });
  }
  return collect(
    rows.map((r, i) => [i + 1, r] as [number, unknown]),
    file,
    (r) => mapRow(r, opts),
  );
}

/**
 * Converts CSV text with a header row into records (quoted fields, embedded
 * newlines and a byte-order mark are handled; an empty cell is an absent field). Row numbers in problems are the
 * file's line numbers where the row ends.
 * @throws DatasetConversionError when the CSV cannot be parsed (e.g. an unclosed quote), with its line.
 */
export function fromCsv(text: string, opts: ConvertOptions = {}): ConversionResult {
  const file = opts.file ?? '<input>';
  let parsed: { record: Record<string, string>; info: { lines: number } }[];
  try {
    parsed = parseCsv(text, { columns: true, bom: true, skip_empty_lines: true, info: true, trim: false }) as never;
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new DatasetConversionError(`${file}${line ? `:${line}` : ''}: cannot parse CSV: ${(err as Error).message}`, {
      file,
      line,
      cause: err,
    });
  }
  // An empty cell means the field is absent.
  const withoutEmpty = (row: Record<string, string>) => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== ''));
  return collect(
    parsed.map((p) => [p.info.lines, withoutEmpty(p.record)] as [number, unknown]),
    file,
    (r) => mapRow(r, opts),
  );
}

function messageText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const parts = content
      .map((p) => (typeof p === 'string' ? p : p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : ''))
      .filter(Boolean);
    return parts.length > 0 ? parts.join('\n') : undefined;
  }
  return undefined;
}

const FENCE = /```([A-Za-z0-9_+#-]*)[^\n]*\n([\s\S]*?)```/;

/** Guesses the language from a code fence's info string or from a language named in the prompt ("in Rust", "a C++ function"). */
export function detectLanguage(prompt: string, answer?: string): string | undefined {
  const fence = answer ? FENCE.exec(answer) : null;
  if (fence?.[1]) {
    const lang = normalizeLanguage(fence[1]);
    if (lang) return lang;
  }
  const names: [string, string][] = [];
  for (const lang of LANGUAGES) names.push([LANGUAGE_DISPLAY_NAMES[lang], lang]);
  for (const [alias, lang] of Object.entries(LANGUAGE_ALIASES)) if (alias.length > 2) names.push([alias, lang]);
  let best: { index: number; lang: string } | undefined;
  for (const [name, lang] of names) {
    if (name.length === 1) continue; // "C" and "R" are too ambiguous in prose
    const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new RegExp(`(^|[^A-Za-z0-9+#])${esc}(?![A-Za-z0-9+#])`, 'i').exec(prompt);
    if (m && (!best || m.index < best.index)) best = { index: m.index, lang };
  }
  return best?.lang;
}

/**
 * Maps one chat record (`{"messages": [{role, content}, ...]}`) to a dataset
 * record: the prompt is the last user message before the final assistant
 * message, the reference is that assistant message's first code block (or its
 * whole text), system messages go to `system`. The language comes from the
 * row's `language`, the options, the code fence, or the prompt's wording.
 */
export function mapChatRecord(row: unknown, opts: ConvertOptions = {}): ReturnType<typeof validateRecord> {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return validateRecord(row);
  const { messages, ...rest } = row as Record<string, unknown>;
  if (!Array.isArray(messages)) {
    return { ok: false, kind: 'missing-prompt', message: 'expected a "messages" array of {role, content} objects' };
  }
  const msgs = messages.filter((m): m is { role: string; content: unknown } => !!m && typeof m === 'object' && typeof (m as { role?: unknown }).role === 'string');
  let lastAssistant = -1;
  for (let i = msgs.length - 1; i >= 0; i--) if (msgs[i].role === 'assistant') {
    lastAssistant = i;
    break;
  }
  let userIndex = -1;
  for (let i = (lastAssistant < 0 ? msgs.length : lastAssistant) - 1; i >= 0; i--) if (msgs[i].role === 'user') {
    userIndex = i;
    break;
  }
  if (userIndex < 0) return { ok: false, kind: 'missing-prompt', message: 'no user message in "messages" (the prompt is the last user message)' };
  const prompt = messageText(msgs[userIndex].content);
  const answer = lastAssistant > userIndex ? messageText(msgs[lastAssistant].content) : undefined;
  const out: Record<string, unknown> = { ...rest };
  if (prompt !== undefined) out.prompt = prompt;
  else return { ok: false, kind: 'invalid-field', message: `the user message at messages[${userIndex}] has no text content` };
  const system = msgs.filter((m) => m.role === 'system').map((m) => messageText(m.content)).filter(Boolean);
  if (system.length > 0) out.system = system.join('\n');
  if (answer !== undefined) {
    const fence = FENCE.exec(answer);
    out.reference = fence ? fence[2] : answer;
  }
  const language = typeof rest.language === 'string' ? rest.language : (opts.language ?? detectLanguage(prompt, answer));
  if (language !== undefined) out.language = language;
  else {
    return {
      ok: false,
      kind: 'missing-language',
      message: 'no language: the record has no "language", no code fence names one and the prompt mentions none; pass a default language',
    };
  }
  return validateRecord(out);
}

/**
 * Converts chat records (an array, or JSON/JSONL text) into dataset records.
 * @throws DatasetConversionError when JSON text cannot be parsed.
 */
export function fromChatMessages(input: string | readonly unknown[], opts: ConvertOptions = {}): ConversionResult {
  const file = opts.file ?? '<input>';
  let rows: [number, unknown][];
  if (typeof input !== 'string') rows = input.map((r, i) => [i + 1, r]);
  else {
    const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    if (text.trimStart().startsWith('[')) {
      const arr = fromJsonText(text, file);
      rows = arr.map((r, i) => [i + 1, r]);
    } else {
      rows = [];
      const lines = text.split(/\r?\n/);
      const bad: DatasetProblem[] = [];
      lines.forEach((line, i) => {
        if (!line.trim()) return;
        try {
          rows.push([i + 1, JSON.parse(line)]);
        } catch (err) {
          bad.push({ file, line: i + 1, kind: 'invalid-json', message: `invalid JSON: ${(err as Error).message}` });
        }
      });
      const result = collect(rows, file, (r) => mapChatRecord(r, opts));
      result.problems = [...bad, ...result.problems].sort((a, b) => a.line - b.line);
      return result;
    }
  }
  return collect(rows, file, (r) => mapChatRecord(r, opts));
}

function fromJsonText(text: string, file: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DatasetConversionError(`${file}: not valid JSON: ${(err as Error).message}`, { file, cause: err });
  }
  if (!Array.isArray(value)) throw new DatasetConversionError(`${file}: expected a JSON array`, { file });
  return value;
}

/** Input formats of {@link convertFile}. */
export type ConvertFormat = 'json' | 'csv' | 'chat' | 'jsonl' | 'auto';

/** Options of {@link convertFile}. */
export interface ConvertFileOptions extends ConvertOptions {
  /** Input format; `auto` (default) uses the extension (.csv, .json, .jsonl) and detects chat rows by their `messages` key. */
  format?: ConvertFormat;
  /** `'error'` (default): throw listing bad rows, write nothing; `'skip'`: write the good rows. */
  onBadRow?: 'error' | 'skip';
}

/** The result of {@link convertFile}. */
export interface ConvertFileResult {
  /** Records written. */
  written: number;
  /** Rows that could not be converted (skipped under `onBadRow: 'skip'`). */
  problems: DatasetProblem[];
}

/**
 * Converts a JSON, CSV or chat file into a dataset JSONL file. JSONL input is
 * streamed; each line is a chat record when it has `messages`, else a row.
 * @throws DatasetConversionError on an unparseable file or unknown format;
 *         DatasetValidationError when rows are bad and `onBadRow` is `'error'`.
 */
export async function convertFile(input: string, output: string, opts: ConvertFileOptions = {}): Promise<ConvertFileResult> {
  const file = opts.file ?? input;
  const ext = extname(input).toLowerCase();
  const format = opts.format && opts.format !== 'auto' ? opts.format : ext === '.csv' ? 'csv' : ext === '.json' ? 'json' : ext === '.jsonl' ? 'jsonl' : undefined;
  if (!format) {
    throw new DatasetConversionError(`${input}: cannot tell the format from the extension "${ext}"; pass format json, csv, chat or jsonl`, { file });
  }
  if (!['json', 'csv', 'chat', 'jsonl'].includes(format)) {
    throw new DatasetConversionError(`unknown format ${JSON.stringify(format)}; expected json, csv, chat, jsonl or auto`, { file });
  }
  const o = { ...opts, file };
  let result: ConversionResult;
  if (format === 'jsonl' || (format === 'chat' && ext === '.jsonl')) {
    result = { records: [], problems: [] };
    for await (const { line, text } of readLines(input)) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        result.problems.push({ file, line, kind: 'invalid-json', message: `invalid JSON: ${(err as Error).message}` });
        continue;
      }
      const isChat = format === 'chat' || (!!value && typeof value === 'object' && 'messages' in value);
      const check = isChat ? mapChatRecord(value, o) : mapRow(value, o);
      if (check.ok) result.records.push(check.record);
      else result.problems.push({ file, line, kind: check.kind, message: check.message });
    }
  } else {
    let text: string;
    try {
      text = await readFile(input, 'utf8');
    } catch (err) {
      throw new DatasetConversionError(`cannot read ${input}: ${(err as Error).message}`, { file, cause: err });
    }
    if (format === 'csv') result = fromCsv(text, o);
    else if (format === 'chat') result = fromChatMessages(text, o);
    else {
      const rows = fromJsonText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file);
      const chat = rows.length > 0 && rows.every((r) => !!r && typeof r === 'object' && 'messages' in (r as object));
      result = chat ? fromChatMessages(rows, o) : fromJsonArray(rows, o);
    }
  }
  if (result.problems.length > 0 && (opts.onBadRow ?? 'error') === 'error') {
    throw new DatasetValidationError(
      file,
      result.problems.slice(0, 20),
      result.problems.length,
      "Fix these rows, pass a default language, map the fields, or convert with onBadRow: 'skip'.",
    );
  }
  const written = await writeJsonl(output, result.records);
  return { written, problems: result.problems };
}
