// Bulk grading through a provider's batch engine: submit once, poll with backoff, resume from a saved batch id,
// map results back by custom id, report per-item failures.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatchError, TeacherError } from './errors';
import type { TeacherLogger } from './options';
import { sleep } from './retry';
import type { ChatRequest } from './rubric';
import type { BulkStatus, ScoreBulkOptions, TeacherProvider, TeacherUsage } from './teacher';

/** One request's outcome in a finished batch: the reply (to validate) or why there is none. */
export type BulkReply = { ok: true; text: string; usage: TeacherUsage; problem?: string } | { ok: false; error: TeacherError };

/** A batch job's state as an engine reports it. */
export interface BulkJobState {
  /** The provider's status word. */
  status: string;
  /** Whether the job has stopped (finished, failed, expired or cancelled). */
  done: boolean;
  /** When the job failed as a whole (no results at all): why. */
  failure?: string;
  completed?: number;
  failed?: number;
}

/** A provider's batch engine (implemented in openai.ts and anthropic.ts). */
export interface BulkEngine {
  readonly provider: TeacherProvider;
  readonly model: string;
  /** Submits the requests; returns the batch id. */
  submit(requests: { customId: string; request: ChatRequest }[], maxTokens: number): Promise<string>;
  /** Current state of a batch. */
  state(batchId: string): Promise<BulkJobState>;
  /** Results of a stopped batch by custom id (ids without a result are absent). */
  results(batchId: string): Promise<Map<string, BulkReply>>;
}

/** What the state file holds. */
interface BulkStateFile {
  provider: string;
  model: string;
  batchId: string;
  /** sha256 over the items' cache keys: a resumed batch must be for the same items. */
  itemsKey: string;
  count: number;
  submittedAt: string;
}

function readState(file: string): BulkStateFile | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as BulkStateFile;
    if (typeof s.batchId !== 'string' || typeof s.itemsKey !== 'string') throw new Error('missing batchId or itemsKey');
    return s;
  } catch (e) {
    throw new BatchError(`bulk state file ${file} is unreadable (${(e as Error).message}); delete it to submit a new batch`);
  }
}

function writeState(file: string, s: BulkStateFile): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(s, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

/** Custom id of request `i` (Anthropic allows [a-zA-Z0-9_-]{1,64}). */
export const customId = (i: number): string => `rfai-${i}`;

/**
 * Runs `requests` through `engine`, one reply per request in order. `keys` (one per request) identify the items:
 * when `stateFile` names a batch for the same keys, polling resumes there instead of submitting again. The state
 * file is removed once results are mapped. Throws BatchError when the job fails as a whole or `maxWaitMs` passes
 * (the batch keeps running and the state file allows resuming).
 */
export async function runBulk(
  engine: BulkEngine,
  requests: ChatRequest[],
  keys: string[],
  options: ScoreBulkOptions & { maxTokens: number; logger: TeacherLogger; mapError: (e: unknown) => TeacherError },
): Promise<BulkReply[]> {
  const itemsKey = createHash('sha256').update(keys.join('\n')).digest('hex');
  const base = { provider: engine.provider, model: engine.model };
  let batchId: string | undefined;
  if (options.stateFile !== undefined) {
    const saved = readState(options.stateFile);
    if (saved !== undefined) {
      if (saved.provider !== engine.provider || saved.model !== engine.model || saved.itemsKey !== itemsKey) {
        throw new BatchError(
          `bulk state file ${options.stateFile} belongs to another job (${saved.provider} '${saved.model}', ${saved.count} items, batch ${saved.batchId}); ` +
            `delete it or pass another stateFile to submit these ${requests.length} items`,
          { ...base, batchId: saved.batchId },
        );
      }
      batchId = saved.batchId;
      options.logger.info?.(`resuming ${engine.provider} batch ${batchId} from ${options.stateFile}`, { batchId });
    }
  }
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw options.mapError(e);
    }
  };
  if (batchId === undefined) {
    const id = await call(() => engine.submit(requests.map((request, i) => ({ customId: customId(i), request })), options.maxTokens));
    batchId = id;
    options.logger.info?.(`submitted ${engine.provider} batch ${id} with ${requests.length} requests`, { batchId: id });
    if (options.stateFile !== undefined) {
      writeState(options.stateFile, { ...base, batchId: id, itemsKey, count: requests.length, submittedAt: new Date().toISOString() });
    }
  }
  const id = batchId;
  let interval = options.pollIntervalMs ?? 5000;
  const backoff = options.pollBackoff ?? 1.5;
  const maxInterval = options.maxPollIntervalMs ?? 60_000;
  const deadline = Date.now() + (options.maxWaitMs ?? 24 * 3600_000);
  for (;;) {
    const st = await call(() => engine.state(id));
    const report: BulkStatus = { batchId: id, status: st.status, completed: st.completed, failed: st.failed, total: requests.length };
    options.onStatus?.(report);
    if (st.done) {
      if (st.failure !== undefined) {
        if (options.stateFile !== undefined) fs.rmSync(options.stateFile, { force: true });
        throw new BatchError(`${engine.provider} batch ${id} failed: ${st.failure}`, { ...base, batchId: id });
      }
      break;
    }
    if (Date.now() + interval > deadline) {
      throw new BatchError(
        `${engine.provider} batch ${id} still '${st.status}' after maxWaitMs; it keeps running: call scoreBulk again with the same items${options.stateFile ? ` and stateFile ${options.stateFile}` : ' and a stateFile'} to resume`,
        { ...base, batchId: id },
      );
    }
    await sleep(interval);
    interval = Math.min(maxInterval, interval * backoff);
  }
  const results = await call(() => engine.results(id));
  const out = requests.map((_, i): BulkReply => {
    const r = results.get(customId(i));
    return r ?? { ok: false, error: new BatchError(`${engine.provider} batch ${id} has no result for request ${customId(i)} (expired or cancelled before it ran)`, { ...base, batchId: id }) };
  });
  if (options.stateFile !== undefined) fs.rmSync(options.stateFile, { force: true });
  return out;
}
