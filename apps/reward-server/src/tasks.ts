// The tasks the server knows (data.train_file and data.eval_file rows) and how a query finds its task.
//
// OpenRLHF's older clients send only `query` = the chat-templated prompt followed by the response. The task (its
// hidden tests, entry point and language) is found by looking for a dataset prompt at the start of the query, or at
// the start of one of its lines (a chat template puts a header such as `<|im_start|>user\n` before the prompt).
import { loadDataset, type DatasetRecord } from '@rfai/datasets';

/** One task of a dataset file. */
export interface Task {
  /** Row number in `file` (1-based), for messages. */
  line: number;
  file: string;
  id?: string;
  prompt: string;
  language: string;
  tests?: string | readonly string[];
  entry_point?: string;
  reference?: string;
}

/** Where a task was found in a text. */
export interface TaskMatch {
  task: Task;
  /** prefix: the text starts with the prompt; line: the prompt starts a later line (after a chat-template header). */
  how: 'prefix' | 'line';
  /** Character offsets of the prompt in the text. */
  start: number;
  end: number;
}

/** Characters of a prompt used as its index key. */
const KEY_CHARS = 24;
/** Only this many leading characters of a text are searched for a prompt start (template headers are short). */
const SEARCH_WINDOW = 4096;

/**
 * Chat-template markers that may sit between a prompt and its response, or end a response. They are removed
 * from the response before grading (Qwen/ChatML, Llama 3, Mistral, Gemma, Phi).
 */
const LEADING_MARKERS =
  /^(?:\s|<\|im_end\|>|<\|eot_id\|>|<\|end\|>|<end_of_turn>|\[\/INST\]|<\|im_start\|>assistant|<\|start_header_id\|>assistant<\|end_header_id\|>|<start_of_turn>model|<\|assistant\|>)+/;
const TRAILING_MARKERS = /(?:\s|<\|im_end\|>|<\|endoftext\|>|<\|eot_id\|>|<\|end\|>|<end_of_turn>|<\/s>)+$/;

/** The response with chat-template markers removed from both ends (the code inside is untouched). */
export function stripTemplateMarkers(response: string): string {
  return response.replace(LEADING_MARKERS, '').replace(TRAILING_MARKERS, '');
}

/** A lookup of tasks by id and by prompt. */
export class TaskIndex {
  private readonly byKey = new Map<string, Task[]>();
  private readonly short: Task[] = [];
  private readonly ids = new Map<string, Task>();

  constructor(readonly tasks: readonly Task[]) {
    for (const t of tasks) {
      if (t.id !== undefined && !this.ids.has(t.id)) this.ids.set(t.id, t);
      if (t.prompt.length < KEY_CHARS) {
        this.short.push(t);
        continue;
      }
      const key = t.prompt.slice(0, KEY_CHARS);
      const list = this.byKey.get(key);
      if (list) list.push(t);
      else this.byKey.set(key, [t]);
    }
    // longest prompt first, so a prompt that extends another one wins
    for (const list of this.byKey.values()) list.sort((a, b) => b.prompt.length - a.prompt.length);
    this.short.sort((a, b) => b.prompt.length - a.prompt.length);
  }

  /** Loads the tasks of JSONL dataset files (null entries are skipped). Rejects with the datasets' DatasetError for bad lines. */
  static async fromFiles(files: readonly (string | null | undefined)[]): Promise<TaskIndex> {
    const tasks: Task[] = [];
    for (const file of files) {
      if (!file) continue;
      const loaded = await loadDataset(file, { onBadLine: 'error' });
      loaded.records.forEach((r: DatasetRecord, i: number) => tasks.push(taskFromRecord(r, file, i + 1)));
    }
    return new TaskIndex(tasks);
  }

  get size(): number {
    return this.tasks.length;
  }

  /** The task with this id, if any. */
  byId(id: string): Task | undefined {
    return this.ids.get(id);
  }

  /** The task whose prompt starts `text` or one of its lines (the earliest, then the longest prompt). */
  match(text: string): TaskMatch | undefined {
    const limit = Math.min(text.length, SEARCH_WINDOW);
    for (let pos = 0; pos < limit; pos = text.indexOf('\n', pos) + 1) {
      const found = this.at(text, pos);
      if (found) return { task: found, how: pos === 0 ? 'prefix' : 'line', start: pos, end: pos + found.prompt.length };
      if (text.indexOf('\n', pos) < 0) break;
    }
    return undefined;
  }

  private at(text: string, pos: number): Task | undefined {
    const list = this.byKey.get(text.slice(pos, pos + KEY_CHARS));
    const hit = list?.find((t) => text.startsWith(t.prompt, pos));
    if (hit) return hit;
    return this.short.find((t) => text.startsWith(t.prompt, pos));
  }
}

function taskFromRecord(r: DatasetRecord, file: string, line: number): Task {
  const entry = typeof r.entry_point === 'string' ? r.entry_point : undefined;
  return {
    line,
    file,
    id: r.id,
    prompt: r.prompt,
    language: r.language,
    ...(r.tests !== undefined ? { tests: r.tests } : {}),
    ...(entry !== undefined ? { entry_point: entry } : {}),
    ...(r.reference !== undefined ? { reference: r.reference } : {}),
  };
}
