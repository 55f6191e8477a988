// Test helpers: a teacher whose answers the test controls, a small task set, a started server.
import type { ServerSection } from '@rfai/config';
import { defaultConfig } from '@rfai/config';
import type { ScoreOutcome, ScoreRequest, Teacher, TeacherScore } from '@rfai/teacher-clients';
import type { AuthMode } from './auth';
import { startRewardServer, type RewardServer } from './server';
import { TaskIndex, type Task } from './tasks';

export const TASKS: Task[] = [
  { line: 1, file: 'train.jsonl', id: 'add-py', prompt: 'Write a Python function `add(a, b)` that returns the sum of a and b.', language: 'python', tests: ['assert add(1, 2) == 3'], entry_point: 'add' },
  { line: 2, file: 'train.jsonl', id: 'rev-ts', prompt: 'Write a TypeScript function `reverse(s)` that reverses a string.', language: 'typescript', entry_point: 'reverse' },
];

/** A teacher that scores by a function and records every request; `gate` (when set) holds each batch until released. */
export class FakeTeacher implements Teacher {
  readonly provider = 'offline' as const;
  readonly model = 'fake';
  readonly requests: ScoreRequest[] = [];
  gate?: Promise<void>;
  closed = false;
  constructor(readonly scoreOf: (r: ScoreRequest) => number | Error = () => 0.75) {}
  async score(r: ScoreRequest): Promise<TeacherScore> {
    const v = this.scoreOf(r);
    if (v instanceof Error) throw v;
    return {
      score: v,
      breakdown: { correctness: v, quality: 0.5, efficiency: 0.5, documentation: 0.25 },
      rationale: 'fake',
      teacher: 'offline',
      model: 'fake',
      usage: { input_tokens: 0, output_tokens: 0 },
      cached: false,
      latency_ms: 1,
      cost_usd: 0,
    };
  }
  async scoreBatch(items: ScoreRequest[]): Promise<ScoreOutcome[]> {
    this.requests.push(...items);
    if (this.gate) await this.gate;
    return Promise.all(items.map((r) => this.score(r).then((result) => ({ ok: true as const, result }), (error) => ({ ok: false as const, error }))));
  }
  generate(): never {
    throw new Error('unused');
  }
  compare(): never {
    throw new Error('unused');
  }
  scoreBulk(items: ScoreRequest[]): Promise<ScoreOutcome[]> {
    return this.scoreBatch(items);
  }
  usage(): never {
    throw new Error('unused');
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** The default server section on 127.0.0.1 with a free port, with overrides. */
export function serverSection(extra: Partial<ServerSection> = {}): ServerSection {
  return { ...defaultConfig().server, host: '127.0.0.1', port: 0, ...extra };
}

/** Starts a server over `teacher` with TASKS; collects log lines. */
export async function start(
  teacher: Teacher,
  extra: Partial<ServerSection> = {},
  auth: AuthMode = { kind: 'none', reason: 'loopback' },
): Promise<{ server: RewardServer; logs: string[] }> {
  const logs: string[] = [];
  const server = await startRewardServer({ teacher, tasks: new TaskIndex(TASKS), server: serverSection(extra), auth, log: (l) => logs.push(l) });
  return { server, logs };
}

/** POSTs JSON and returns status, headers and the parsed body. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
