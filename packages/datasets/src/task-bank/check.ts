/**
 * Checks of the task bank files: each file against its JSON Schema (ajv), with messages that name the file,
 * line, template id or tests key, what was expected and how to fix it; then the rules that span fields and files
 * (unique ids, slots that exist, tests keys that name a template variant of the file's category).
 */
import Ajv, { type ErrorObject } from 'ajv';
import type { TaskBankProblem } from '../errors';
import { normalizeLanguage } from '../languages';
import { TASK_TEMPLATES_FILE_SCHEMA, TASK_TESTS_FILE_SCHEMA } from './bank-schema';
import { unfilledReferenceSlots, unfilledSlots } from './slots';
import { REFERENCE_LANGUAGES, type TaskCategory, type TaskTemplate, type TaskTestCases } from './types';
import type { YamlSource } from './yaml-source';

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validateTemplatesFile = ajv.compile(TASK_TEMPLATES_FILE_SCHEMA);
const validateTestsFile = ajv.compile(TASK_TESTS_FILE_SCHEMA);

/** Where a template came from, for messages that point at another file. */
export interface PlacedTemplate {
  template: TaskTemplate;
  source: YamlSource;
  index: number;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The closest candidate within edit distance `max`, as ` (did you mean "x"?)`, or ''. */
function didYouMean(word: string, candidates: Iterable<string>, max = 2): string {
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'empty (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '...' : value)}`;
  return `the ${typeof value} ${String(value)}`;
}

function pointer(instancePath: string): string[] {
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `variants[1].python` from path segments. */
function fieldName(segments: readonly string[]): string {
  return segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

type FileKind = 'templates' | 'tests';

function ajvProblem(kind: FileKind, source: YamlSource, e: ErrorObject): TaskBankProblem | undefined {
  if (e.keyword === 'propertyNames') return undefined; // reported by the inner `pattern` error, which names the key
  const segments = pointer(e.instancePath);
  let key: string | undefined;
  let context = '';
  let rest = segments;
  if (segments.length > 0) {
    if (kind === 'templates') {
      const item = (source.value as unknown[])[Number(segments[0])] as { id?: unknown } | undefined;
      key = typeof item?.id === 'string' ? item.id : undefined;
      context = key !== undefined ? `template "${key}"` : `template #${Number(segments[0]) + 1}`;
    } else {
      key = segments[0];
      context = `tests "${key}"`;
    }
    rest = segments.slice(1);
  }
  const field = rest.length > 0 ? fieldName(rest) : '';
  const subject = field ? `${context}: ${field}` : context || 'the file';
  const expected = (e.parentSchema as { description?: string } | undefined)?.description;
  const problem = (path: (string | number)[], at: 'key' | 'value', message: string): TaskBankProblem => ({
    file: source.file,
    ...source.position(path, at),
    ...(key !== undefined ? { key } : {}),
    message,
  });
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const missing = p.missingProperty as string;
      const schema = (e.parentSchema as { properties?: Record<string, { description?: string }> }).properties?.[missing];
      return problem(segments, 'value', `${context || 'the file'}${field ? `, ${field}` : ''}: missing field "${missing}"; add it: ${schema?.description ?? ''}`);
    }
    case 'additionalProperties': {
      const extra = p.additionalProperty as string;
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      if (kind === 'tests' && rest.length === 0) {
        const canonical = normalizeLanguage(extra);
        const hint =
          canonical && (REFERENCE_LANGUAGES as readonly string[]).includes(canonical)
            ? `; write "${canonical}" instead of "${extra}"`
            : didYouMean(extra, allowed);
        return problem([...segments, extra], 'key', `${context}: unknown language "${extra}"; tests are keyed by ${allowed.join(', ')}${hint}`);
      }
      return problem(
        [...segments, extra],
        'key',
        `${subject}: unknown field "${extra}"${didYouMean(extra, allowed)}; allowed fields: ${allowed.join(', ')}`,
      );
    }
    case 'pattern': {
      if (e.propertyName !== undefined) {
        const name = e.propertyName;
        if (kind === 'tests' && segments.length === 0) {
          return {
            file: source.file,
            ...source.position([name], 'key'),
            key: name,
            message: `key "${name}" is not "<template id>-<variant index>" (e.g. merge_intervals-0, variants counted from 0)`,
          };
        }
        return problem([...segments, name], 'key', `${subject}: slot name "${name}" may hold only letters, digits and underscores; rename it`);
      }
      if (typeof e.data === 'string' && /^\s*$/.test(e.data)) return problem(segments, 'value', `${subject} is blank; expected ${expected ?? 'text'}`);
      return problem(segments, 'value', `${subject} is ${describeValue(e.data)}; expected ${expected ?? `a string matching ${p.pattern}`}`);
    }
    case 'type': {
      const quote =
        p.type === 'string' && (typeof e.data === 'number' || typeof e.data === 'boolean')
          ? ` (quote it: '${String(e.data)}')`
          : '';
      return problem(segments, 'value', `${subject} is ${describeValue(e.data)}; expected ${expected ?? p.type}${quote}`);
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String);
      const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed) : '';
      return problem(segments, 'value', `${subject} is ${describeValue(e.data)}; expected ${expected ?? allowed.join(', ')}${hint}`);
    }
    case 'minItems':
    case 'minLength':
    case 'minProperties': {
      const fix = kind === 'tests' && e.keyword !== 'minLength' ? '; write the cases or delete the entry (a missing key means no tests yet)' : '';
      return problem(segments, 'value', `${subject} is empty; expected ${expected ?? e.message}${fix}`);
    }
    case 'uniqueItems':
      return problem(segments, 'value', `${subject} lists ${JSON.stringify((e.data as unknown[])[p.j as number])} twice; remove one`);
    default:
      return problem(segments, 'value', `${subject} ${e.message ?? 'is invalid'}; expected ${expected ?? 'see the schema'}`);
  }
}

function schemaProblems(kind: FileKind, source: YamlSource): TaskBankProblem[] {
  const validate = kind === 'templates' ? validateTemplatesFile : validateTestsFile;
  if (validate(source.value)) return [];
  return (validate.errors ?? []).map((e) => ajvProblem(kind, source, e)).filter((p): p is TaskBankProblem => p !== undefined);
}

/**
 * Checks one `bank/<category>.yaml` (its value must have passed nothing yet): the schema, then the rules inside
 * each template (category matches the file, methods only for classes, every slot used is defined by every
 * variant). Returns the problems; the templates are valid when there are none.
 */
export function checkTemplatesFile(source: YamlSource, category: TaskCategory): TaskBankProblem[] {
  const problems = schemaProblems('templates', source);
  if (problems.length > 0) return problems;
  const templates = source.value as TaskTemplate[];
  templates.forEach((t, index) => {
    const at = (path: (string | number)[], message: string, where: 'key' | 'value' = 'value') =>
      problems.push({ file: source.file, ...source.position([index, ...path], where), key: t.id, message: `template "${t.id}": ${message}` });
    if (t.category !== category) {
      at(['category'], `category is "${t.category}" but the file holds ${category} templates; move the template to ${t.category}.yaml or set category: ${category}`);
    }
    if (t.kind === 'function' && t.methods !== undefined) {
      at(['methods'], 'methods are for kind: class; remove methods or set kind: class', 'key');
    }
    // {slot} in the text fields, per field and slot, listing the variants that lack it.
    const texts: [(string | number)[], string][] = [
      [['name'], t.name],
      [['task'], t.task],
      ...t.params.map((p, i): [(string | number)[], string] => [['params', i], p]),
      ...(t.methods ?? []).flatMap((m, i): [(string | number)[], string][] => [
        [['methods', i, 'name'], m.name],
        ...m.params.map((p, j): [(string | number)[], string] => [['methods', i, 'params', j], p]),
      ]),
    ];
    for (const [path, text] of texts) {
      const lacking = new Map<string, number[]>();
      t.variants.forEach((v, i) => {
        for (const slot of new Set(unfilledSlots(text, v))) lacking.set(slot, [...(lacking.get(slot) ?? []), i]);
      });
      for (const [slot, variants] of lacking) {
        at(
          path,
          `${fieldName(path.map(String))} uses {${slot}}, which ${variantList(variants)} ${variants.length === 1 ? 'does' : 'do'} not define; ` +
            `add "${slot}: ..." to ${variants.length === 1 ? 'that variant' : 'those variants'} or remove {${slot}}`,
        );
      }
    }
    // $slot in the references: a variant's own reference, or else the template's.
    for (const language of REFERENCE_LANGUAGES) {
      const lacking = new Map<string, { path: (string | number)[]; variants: number[] }>();
      t.variants.forEach((v, i) => {
        const own = v[language] !== undefined;
        const code = v[language] ?? t[language];
        if (code === undefined) return;
        for (const slot of new Set(unfilledReferenceSlots(code, v, language))) {
          const path = own ? ['variants', i, language] : [language];
          const k = `${slot} ${path.join('.')}`;
          const entry = lacking.get(k) ?? { path, variants: [] };
          entry.variants.push(i);
          lacking.set(k, entry);
        }
      });
      for (const [k, { path, variants }] of lacking) {
        const slot = k.split(' ')[0];
        at(
          path,
          `the ${language} reference uses ${slot}, which ${variantList(variants)} ${variants.length === 1 ? 'does' : 'do'} not define; ` +
            `add "${slot.slice(1)}: ..." to ${variants.length === 1 ? 'that variant' : 'those variants'} or change the reference`,
        );
      }
    }
  });
  return problems;
}

function variantList(indexes: readonly number[]): string {
  return indexes.length === 1 ? `variant ${indexes[0]}` : `variants ${indexes.join(', ')}`;
}

/** Ids used more than once across the template files: one problem per repeat, pointing at the first use. */
export function duplicateIdProblems(placed: readonly PlacedTemplate[]): TaskBankProblem[] {
  const first = new Map<string, PlacedTemplate>();
  const problems: TaskBankProblem[] = [];
  for (const p of placed) {
    const earlier = first.get(p.template.id);
    if (!earlier) {
      first.set(p.template.id, p);
      continue;
    }
    const there = earlier.source.position([earlier.index, 'id']);
    problems.push({
      file: p.source.file,
      ...p.source.position([p.index, 'id']),
      key: p.template.id,
      message: `template id "${p.template.id}" is already used at ${earlier.source.file}:${there.line}; ids must be unique: rename one`,
    });
  }
  return problems;
}

/**
 * Checks one `bank/tests/<category>.yaml`: the schema, then that every key names an existing variant of a
 * template of that category. Returns the problems and, when there are none, the entries.
 */
export function checkTestsFile(
  source: YamlSource,
  category: TaskCategory,
  templates: ReadonlyMap<string, TaskTemplate>,
): { problems: TaskBankProblem[]; entries: [string, TaskTestCases][] } {
  if (source.value === null) return { problems: [], entries: [] }; // an empty file (or only comments): no tests yet
  const problems = schemaProblems('tests', source);
  if (problems.length > 0) return { problems, entries: [] };
  const entries = Object.entries(source.value as Record<string, TaskTestCases>);
  for (const [key] of entries) {
    const dash = key.lastIndexOf('-');
    const id = key.slice(0, dash);
    const variant = Number(key.slice(dash + 1));
    const template = templates.get(id);
    const at = (message: string) => problems.push({ file: source.file, ...source.position([key], 'key'), key, message: `tests "${key}": ${message}` });
    if (!template) {
      at(`no template "${id}" in the bank${didYouMean(id, templates.keys(), 3)}; keys are "<template id>-<variant index>"`);
    } else if (template.category !== category) {
      at(`"${id}" is a ${template.category} template; move this entry to tests/${template.category}.yaml`);
    } else if (variant >= template.variants.length) {
      const n = template.variants.length;
      at(`template "${id}" has ${n} variant${n === 1 ? '' : 's'} (indexes 0 to ${n - 1}); there is no variant ${variant}`);
    }
  }
  return { problems, entries };
}
