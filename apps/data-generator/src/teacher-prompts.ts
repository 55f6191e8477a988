/**
 * Generating new prompts with a teacher model: the teacher is asked for one
 * task at a time as JSON, every answer goes through the same validation and
 * deduplication as a dataset file, and answers that fail are retried and
 * counted, never patched up.
 */
import {
  DatasetGenerationError,
  LANGUAGE_DISPLAY_NAMES,
  LANGUAGE_NAMING,
  normalizedPromptKey,
  normalizeLanguage,
  validateRecord,
  type DatasetRecord,
  type Language,
} from '@rfai/datasets';

/** What this module needs from a teacher: `generate({prompt, language})` of @rfai/teacher-clients. */
export interface PromptWriter {
  generate(request: { prompt: string; language: string }): Promise<unknown>;
}

/** Options of {@link generateWithTeacher}. */
export interface TeacherGenerateOptions {
  /** Number of records wanted, spread evenly over `languages`. */
  count: number;
  /** Canonical languages or aliases. */
  languages: readonly string[];
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Attempts per record before giving up. Default 3. */
  maxAttemptsPerRecord?: number;
  /** Normalised prompt keys already used (e.g. by another split); new records never repeat them. Updated in place. */
  seen?: Set<string>;
  /** Prefix of the generated ids. Default `teacher`. */
  idPrefix?: string;
  /** Called after each finished record (progress). */
  onProgress?: (done: number, total: number) => void;
}

/** The result of {@link generateWithTeacher}. */
export interface TeacherGenerateResult {
  /** Accepted records, in a stable order (by language, then index). */
  records: DatasetRecord[];
  /** Answers rejected, by reason (`invalid-json`, `duplicate`, `missing-prompt`, `request-failed`, ...). */
  rejected: Record<string, number>;
}

const STYLE_WORDS = { snake: 'snake_case', camel: 'camelCase', pascal: 'PascalCase' } as const;

/** The instruction sent to the teacher for one new task. */
export function teacherInstruction(language: Language, index: number): string {
  const display = LANGUAGE_DISPLAY_NAMES[language];
  const topics = ['algorithms', 'data structures', 'string processing', 'file processing', 'concurrency', 'parsing', 'HTTP APIs', 'math'];
  const topic = topics[index % topics.length];
  const difficulty = (['easy', 'medium', 'hard'] as const)[index % 3];
  return [
    `Invent one new, self-contained ${difficulty} programming task about ${topic} for ${display}.`,
    `The task must ask for one function (or one class) with an explicit name in ${STYLE_WORDS[LANGUAGE_NAMING[language]]} and its parameters,`,
    `written as: Write a ${display} function \`name(param1, param2)\` that ... .`,
    'Also write a short, correct reference solution.',
    'Answer with only a JSON object, no prose: {"prompt": string, "entry_point": string, "difficulty": "easy"|"medium"|"hard", "tags": string[], "reference": string}.',
  ].join(' ');
}

function answerText(answer: unknown): string {
  if (typeof answer === 'string') return answer;
  if (answer && typeof answer === 'object') {
    const a = answer as Record<string, unknown>;
    for (const key of ['text', 'completion', 'content', 'output']) if (typeof a[key] === 'string') return a[key] as string;
  }
  throw new DatasetGenerationError(`teacher.generate returned ${typeof answer}; expected a string or an object with a "text" field`);
}

/** Extracts the JSON object from a teacher answer (tolerating a ```json fence around it). */
export function parseTeacherAnswer(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  const body = (fenced ? fenced[1] : text).trim();
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  if (start < 0 || end <= start) throw new SyntaxError('no JSON object in the answer');
  return JSON.parse(body.slice(start, end + 1));
}

/**
 * The function or class name a prompt asks for: `entryPoint` when the prompt
 * shows it in backticks, else the first backticked `Name` of a prompt that
 * asks for a class or struct, else the first backticked `name(`, else
 * undefined (the prompt names nothing, so the grader could not check it).
 */
export function namedEntryPoint(prompt: string, entryPoint?: unknown): string | undefined {
  const named = [...prompt.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)(\(|`)/g)].map((m) => ({ name: m[1], call: m[2] === '(' }));
  if (typeof entryPoint === 'string' && named.some((n) => n.name === entryPoint)) return entryPoint;
  const typeName = named.find((n) => !n.call && /^[A-Z]/.test(n.name))?.name;
  if (typeName && /\b(class|struct|type|interface)\b/i.test(prompt)) return typeName;
  return named.find((n) => n.call)?.name ?? typeName;
}

/**
 * Asks `writer` for `count` new prompts spread over `languages`. Each answer
 * is parsed, validated like a dataset line, must name the function or class
 * to write in backticks, and is checked against the prompts already seen; a rejected answer is retried up to `maxAttemptsPerRecord`
 * times and counted in `rejected`.
 * @throws DatasetGenerationError when a record could not be obtained within its attempts.
 */
export async function generateWithTeacher(writer: PromptWriter, opts: TeacherGenerateOptions): Promise<TeacherGenerateResult> {
  const languages = opts.languages.map((name) => {
    const lang = normalizeLanguage(name);
    if (!lang) throw new DatasetGenerationError(`unknown language ${JSON.stringify(name)}`);
    return lang;
  });
  const concurrency = opts.concurrency ?? 4;
  const maxAttempts = opts.maxAttemptsPerRecord ?? 3;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new DatasetGenerationError(`concurrency must be a positive integer, got ${concurrency}`);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new DatasetGenerationError(`maxAttemptsPerRecord must be a positive integer, got ${maxAttempts}`);
  }
  const seen = opts.seen ?? new Set<string>();
  const prefix = opts.idPrefix ?? 'teacher';
  const rejected: Record<string, number> = {};
  const reject = (reason: string) => {
    rejected[reason] = (rejected[reason] ?? 0) + 1;
  };
  const slots: { language: Language; index: number }[] = [];
  for (let i = 0; i < opts.count; i++) slots.push({ language: languages[i % languages.length], index: Math.floor(i / languages.length) });
  const results: (DatasetRecord | undefined)[] = new Array(slots.length);
  let nextSlot = 0;
  let done = 0;

  const fill = async (slotIndex: number) => {
    const { language, index } = slots[slotIndex];
    let lastRequestError: string | undefined;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      let answer: unknown;
      try {
        answer = await writer.generate({ prompt: teacherInstruction(language, index + attempt * 7), language });
      } catch (err) {
        reject('request-failed');
        lastRequestError = (err as Error)?.message ?? String(err);
        continue;
      }
      let value: unknown;
      try {
        value = parseTeacherAnswer(answerText(answer));
      } catch {
        reject('invalid-json');
        continue;
      }
      if (value && typeof value === 'object' && !Array.isArray(value)) (value as Record<string, unknown>).language = language;
      const check = validateRecord(value);
      if (!check.ok) {
        reject(check.kind);
        continue;
      }
      const entryPoint = namedEntryPoint(check.record.prompt, check.record.entry_point);
      if (entryPoint === undefined) {
        reject('no-named-function');
        continue;
      }
      const key = normalizedPromptKey(check.record.prompt, check.record.language);
      if (seen.has(key)) {
        reject('duplicate');
        continue;
      }
      seen.add(key);
      results[slotIndex] = { ...check.record, entry_point: entryPoint, id: `${prefix}-${language}-${index + 1}`, source: 'teacher' };
      done++;
      opts.onProgress?.(done, slots.length);
      return;
    }
    throw new DatasetGenerationError(
      `the teacher gave no valid new ${language} prompt in ${maxAttempts} attempts (rejected so far: ${JSON.stringify(rejected)}` +
        (lastRequestError ? `; last request error: ${lastRequestError}` : '') +
        '); check the teacher model and its settings in the config',
    );
  };

  const workers = Array.from({ length: Math.min(concurrency, slots.length) }, async () => {
    while (nextSlot < slots.length) await fill(nextSlot++);
  });
  await Promise.all(workers);
  return { records: results.filter((r): r is DatasetRecord => r !== undefined), rejected };
}
