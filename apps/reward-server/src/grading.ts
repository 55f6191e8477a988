// Turns the two request shapes (OpenRLHF's get_reward, the native v1/grade) into teacher ScoreRequests, and the
// teacher's outcomes back into responses. A failed item is reported as such, never given an invented score.
import type { ScoreOutcome, ScoreRequest, Teacher, TeacherScore } from '@rfai/teacher-clients';
import type { Metrics } from './metrics';
import { stripTemplateMarkers, type Task, type TaskIndex, type TaskMatch } from './tasks';

/** Why an item could not be graded. `kind` is the teacher error's class name or one of the server's own kinds. */
export interface ItemError {
  kind: string;
  message: string;
}

/** How an item's task was found: the query's start, a later line of it, its label, or a v1/grade task_id. */
export type MatchKind = TaskMatch['how'] | 'label' | 'task_id';

/** An item ready for the teacher, or the reason it cannot be graded. */
export type Prepared = { ok: true; request: ScoreRequest; task?: Task; match?: MatchKind } | { ok: false; error: ItemError };

const invalid = (message: string): Prepared => ({ ok: false, error: { kind: 'invalid_item', message } });

/** What a label may hold besides a task id: a JSON object or array, or one test case as source text. */
interface LabelInfo {
  task?: Task;
  tests?: string | readonly string[];
  entry_point?: string;
  language?: string;
}

/** Reads an OpenRLHF label: a task id, JSON `{task_id?, tests?, entry_point?, language?}`, a JSON array of test cases, or one test case. */
export function parseLabel(label: unknown, tasks: TaskIndex): LabelInfo | { error: string } {
  if (label === null || label === undefined || label === '') return {};
  if (typeof label === 'object') return labelObject(label, tasks);
  if (typeof label !== 'string') return { error: `label must be a string or an object, found ${typeof label}` };
  const byId = tasks.byId(label);
  if (byId) return { task: byId };
  const t = label.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return labelObject(JSON.parse(t), tasks);
    } catch {
      // not JSON: a test case that happens to start with a bracket
    }
  }
  return { tests: label };
}

function labelObject(v: unknown, tasks: TaskIndex): LabelInfo | { error: string } {
  if (Array.isArray(v)) {
    if (!v.every((x) => typeof x === 'string')) return { error: 'a label list must hold test cases (strings)' };
    return { tests: v as string[] };
  }
  const o = v as Record<string, unknown>;
  const out: LabelInfo = {};
  if (o.task_id !== undefined) {
    if (typeof o.task_id !== 'string') return { error: 'label.task_id must be a string' };
    out.task = tasks.byId(o.task_id);
    if (!out.task) return { error: `label.task_id '${o.task_id}' is not a task of data.train_file or data.eval_file` };
  }
  if (o.tests !== undefined) {
    if (!(typeof o.tests === 'string' || (Array.isArray(o.tests) && o.tests.every((x) => typeof x === 'string')))) {
      return { error: 'label.tests must be a string or a list of strings' };
    }
    out.tests = o.tests as string | string[];
  }
  if (o.entry_point !== undefined) {
    if (typeof o.entry_point !== 'string') return { error: 'label.entry_point must be a string' };
    out.entry_point = o.entry_point;
  }
  if (o.language !== undefined) {
    if (typeof o.language !== 'string') return { error: 'label.language must be a string' };
    out.language = o.language;
  }
  return out;
}

/**
 * One OpenRLHF query: `query` is prompt + response. With `prompt` the response is what follows it; without, the
 * task is found by matching the query's start against the dataset prompts. The label adds or names the tests.
 */
export function prepareQuery(query: string, prompt: string | undefined, label: unknown, tasks: TaskIndex): Prepared {
  const info = parseLabel(label, tasks);
  if ('error' in info) return invalid(info.error);
  let response: string;
  let task = info.task;
  let how: MatchKind | undefined = info.task ? 'label' : undefined;
  let taskPrompt: string;
  if (prompt !== undefined) {
    if (!query.startsWith(prompt)) return invalid('the query does not start with its prompt (query must be prompt + response)');
    response = query.slice(prompt.length);
    if (!task) {
      const m = tasks.match(prompt);
      if (m) [task, how] = [m.task, m.how];
    }
    taskPrompt = task?.prompt ?? prompt;
  } else {
    const m = tasks.match(query);
    if (m) {
      response = query.slice(m.end);
      task ??= m.task;
      how ??= m.how;
      taskPrompt = m.task.prompt;
    } else if (task) {
      return invalid(`the query does not contain the prompt of task '${task.id}'; send prompts with the queries`);
    } else {
      return {
        ok: false,
        error: {
          kind: 'no_task',
          message: 'no prompt of data.train_file or data.eval_file starts this query (or one of its first lines); send prompts and labels, or add the task to the dataset',
        },
      };
    }
  }
  const language = info.language ?? task?.language;
  if (language === undefined) {
    return invalid('the language is unknown: no dataset task matched; pass it in the label, e.g. {"language": "python", "tests": [...]}');
  }
  const tests = info.tests ?? task?.tests;
  const entry = info.entry_point ?? task?.entry_point;
  return {
    ok: true,
    task,
    match: how,
    request: {
      prompt: taskPrompt,
      language,
      completion: stripTemplateMarkers(response),
      ...(task?.id !== undefined ? { id: task.id } : {}),
      ...(tests !== undefined ? { tests } : {}),
      ...(entry !== undefined ? { entry_point: entry } : {}),
    },
  };
}

/** A native v1/grade item. */
export interface GradeItem {
  prompt?: unknown;
  completion?: unknown;
  language?: unknown;
  entry_point?: unknown;
  tests?: unknown;
  task_id?: unknown;
  reference?: unknown;
}

/** One v1/grade item: explicit fields win over the task named by task_id. */
export function prepareItem(item: GradeItem, tasks: TaskIndex): Prepared {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return invalid('an item must be an object');
  let task: Task | undefined;
  if (item.task_id !== undefined) {
    if (typeof item.task_id !== 'string') return invalid('task_id must be a string');
    task = tasks.byId(item.task_id);
    if (!task) return { ok: false, error: { kind: 'unknown_task', message: `task_id '${item.task_id}' is not a task of data.train_file or data.eval_file` } };
  }
  const prompt = item.prompt ?? task?.prompt;
  const language = item.language ?? task?.language;
  if (typeof prompt !== 'string' || prompt.trim() === '') return invalid('prompt must be a non-empty string (or give a known task_id)');
  if (typeof item.completion !== 'string') return invalid('completion must be a string');
  if (typeof language !== 'string' || language.trim() === '') return invalid('language must be a non-empty string (or give a known task_id)');
  const tests = item.tests ?? task?.tests;
  if (tests !== undefined && !(typeof tests === 'string' || (Array.isArray(tests) && tests.every((x) => typeof x === 'string')))) {
    return invalid('tests must be a string or a list of strings');
  }
  const entry = item.entry_point ?? task?.entry_point;
  if (entry !== undefined && typeof entry !== 'string') return invalid('entry_point must be a string');
  if (item.reference !== undefined && typeof item.reference !== 'string') return invalid('reference must be a string');
  return {
    ok: true,
    task,
    match: task ? 'task_id' : undefined,
    request: {
      prompt,
      language,
      completion: item.completion,
      ...(task?.id !== undefined ? { id: task.id } : {}),
      ...(tests !== undefined ? { tests: tests as string | string[] } : {}),
      ...(entry !== undefined ? { entry_point: entry as string } : {}),
      ...(item.reference !== undefined ? { reference: item.reference as string } : {}),
    },
  };
}

/** The outcome of one prepared item after grading. */
export type Graded = { ok: true; score: TeacherScore } | { ok: false; error: ItemError };

/** Grades the prepared items that are valid (one scoreBatch call), counting metrics; invalid ones keep their reason. */
export async function gradeAll(teacher: Teacher, prepared: Prepared[], metrics: Metrics): Promise<Graded[]> {
  const idx: number[] = [];
  const requests: ScoreRequest[] = [];
  prepared.forEach((p, i) => {
    if (p.ok) {
      idx.push(i);
      requests.push(p.request);
    }
  });
  const out: Graded[] = prepared.map((p) => (p.ok ? { ok: false, error: { kind: 'internal', message: 'not graded' } } : { ok: false, error: p.error }));
  if (requests.length === 0) return out;
  let outcomes: ScoreOutcome[];
  try {
    outcomes = await teacher.scoreBatch(requests);
  } catch (e) {
    // the circuit opened: every item of this request fails with that reason
    const err = e as Error;
    outcomes = requests.map(() => ({ ok: false, error: err })) as ScoreOutcome[];
  }
  outcomes.forEach((o, j) => {
    const i = idx[j];
    if (o.ok) {
      metrics.itemsGraded.inc();
      if (o.result.cached) metrics.cacheHits.inc();
      if (requests[j].tests !== undefined && teacher.provider === 'offline') metrics.executions.inc();
      out[i] = { ok: true, score: o.result };
    } else {
      const kind = o.error?.name ?? 'Error';
      metrics.teacherFailures.inc({ kind });
      out[i] = { ok: false, error: { kind, message: o.error?.message ?? String(o.error) } };
    }
  });
  return out;
}
