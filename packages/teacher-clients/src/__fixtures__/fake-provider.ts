// A local HTTP server on 127.0.0.1 speaking the OpenAI and Anthropic wire formats (chat completions, messages,
// files, batches, message batches), with scripted replies, injected latency and a record of every request.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body (undefined for non-JSON bodies). */
  body: any;
  raw: string;
}

/** A scripted reply. `json` or `text` is the body; `delayMs` waits before answering. */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
  delayMs?: number;
}

export type Route = 'chat' | 'messages';

/** The grade the default handlers return. */
export const DEFAULT_GRADE = {
  rationale: 'Correct and readable; lacks comments.',
  breakdown: { correctness: 0.8, quality: 0.6, efficiency: 0.7, documentation: 0.5 },
};
export const DEFAULT_PREFERENCE = { rationale: 'A handles empty input.', preferred: 'a', confidence: 0.9 };
export const GENERATED = '```python\ndef merge_intervals(intervals):\n    return sorted(intervals)\n```';
export const USAGE = { input: 100, output: 20 };

/** An OpenAI chat completion whose message content is `content`. */
export function chatCompletion(content: string, model = 'gpt-test', finish = 'stop'): unknown {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: finish, logprobs: null }],
    usage: { prompt_tokens: USAGE.input, completion_tokens: USAGE.output, total_tokens: USAGE.input + USAGE.output },
  };
}

/** An Anthropic message that calls `tool` with `input` (or answers with `text` when tool is undefined). */
export function anthropicMessage(tool: string | undefined, input: unknown, text = ''): unknown {
  const content = tool !== undefined ? [{ type: 'tool_use', id: 'toolu_1', name: tool, input }] : [{ type: 'text', text }];
  return {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-test',
    content,
    stop_reason: tool !== undefined ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: USAGE.input, output_tokens: USAGE.output },
  };
}

function defaultChat(body: any): Reply {
  const rf = body?.response_format;
  if (rf?.type === 'json_schema') {
    const value = rf.json_schema?.name === 'preference' ? DEFAULT_PREFERENCE : DEFAULT_GRADE;
    return { json: chatCompletion(JSON.stringify(value), body.model) };
  }
  return { json: chatCompletion(GENERATED, body?.model) };
}

function defaultMessages(body: any): Reply {
  const tool = body?.tools?.[0]?.name as string | undefined;
  if (tool === undefined) return { json: anthropicMessage(undefined, undefined, GENERATED) };
  return { json: anthropicMessage(tool, tool === 'submit_preference' ? DEFAULT_PREFERENCE : DEFAULT_GRADE) };
}

function multipartFile(raw: Buffer, contentType: string): string {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) throw new Error('no multipart boundary');
  const b = `--${boundary[1] ?? boundary[2]}`;
  const text = raw.toString('utf8');
  for (const part of text.split(b)) {
    if (!/name="file"/.test(part)) continue;
    const start = part.indexOf('\r\n\r\n');
    return part.slice(start + 4, part.length - 2); // drop the CRLF before the next boundary
  }
  throw new Error('no file part');
}

interface OpenAIBatch {
  id: string;
  input_file_id: string;
  polls: number;
  status: string;
  output_file_id?: string;
  error_file_id?: string;
  total: number;
}

interface AnthropicBatch {
  id: string;
  requests: { custom_id: string; params: any }[];
  polls: number;
  ended: boolean;
  results?: string;
}

/** The fake server. Start with `FakeProvider.start()`, stop with `close()`. */
export class FakeProvider {
  readonly requests: RecordedRequest[] = [];
  /** One-shot replies consumed in order before the default handler answers. */
  readonly queues: Record<Route, (Reply | ((req: RecordedRequest) => Reply))[]> = { chat: [], messages: [] };
  /** Replaces the default handler of a route (used for every request when the queue is empty). */
  handlers: Partial<Record<Route, (req: RecordedRequest) => Reply>> = {};
  /** Latency added to every chat/messages reply, in ms. */
  latencyMs = 0;
  /** Polls a batch stays unfinished. */
  batchPolls = 2;
  /** Per-custom-id replies inside batches (status != 200 or an error line). */
  batchOverrides = new Map<string, Reply>();
  inFlight = 0;
  maxInFlight = 0;
  url = '';
  private server!: http.Server;
  private readonly files = new Map<string, string>();
  private readonly openaiBatches = new Map<string, OpenAIBatch>();
  private readonly anthropicBatches = new Map<string, AnthropicBatch>();
  private seq = 0;

  static async start(): Promise<FakeProvider> {
    const f = new FakeProvider();
    f.server = http.createServer((req, res) => void f.handle(req, res));
    await new Promise<void>((resolve) => f.server.listen(0, '127.0.0.1', resolve));
    f.url = `http://127.0.0.1:${(f.server.address() as AddressInfo).port}`;
    return f;
  }

  /** Requests whose path ends with `suffix` (e.g. '/chat/completions'). */
  requestsTo(suffix: string, method = 'POST'): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.endsWith(suffix));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private send(res: http.ServerResponse, r: Reply): void {
    const headers: Record<string, string> = { ...(r.headers ?? {}) };
    let body = '';
    if (r.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(r.json);
    } else if (r.text !== undefined) {
      headers['content-type'] ??= 'text/plain';
      body = r.text;
    }
    res.writeHead(r.status ?? 200, headers);
    res.end(body);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const path = (req.url ?? '').split('?')[0];
    let body: any;
    try {
      body = raw.length > 0 && (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      body = undefined;
    }
    const rec: RecordedRequest = { method: req.method ?? '', path, headers: req.headers, body, raw: raw.toString('utf8') };
    this.requests.push(rec);
    try {
      if (req.method === 'POST' && path.endsWith('/chat/completions')) return await this.answer(res, 'chat', rec, defaultChat);
      if (req.method === 'POST' && path === '/v1/messages') return await this.answer(res, 'messages', rec, defaultMessages);
      if (req.method === 'POST' && path.endsWith('/files')) return this.createFile(res, raw, req.headers['content-type'] ?? '');
      if (req.method === 'GET' && /\/files\/[^/]+\/content$/.test(path)) {
        const id = path.split('/').slice(-2)[0];
        return this.send(res, { text: this.files.get(id) ?? '', headers: { 'content-type': 'application/octet-stream' } });
      }
      if (req.method === 'POST' && path === '/v1/messages/batches') return this.createAnthropicBatch(res, body);
      if (req.method === 'GET' && /^\/v1\/messages\/batches\/[^/]+\/results$/.test(path)) {
        const b = this.anthropicBatches.get(path.split('/')[4]);
        return this.send(res, { text: b?.results ?? '', headers: { 'content-type': 'application/binary' } });
      }
      if (req.method === 'GET' && /^\/v1\/messages\/batches\/[^/]+$/.test(path)) return this.pollAnthropicBatch(res, path.split('/')[4]);
      if (req.method === 'POST' && path.endsWith('/batches')) return this.createOpenAIBatch(res, body);
      if (req.method === 'GET' && /\/batches\/[^/]+$/.test(path)) return this.pollOpenAIBatch(res, path.split('/').pop() as string);
      this.send(res, { status: 404, json: { error: { message: `no route ${req.method} ${path}` } } });
    } catch (e) {
      this.send(res, { status: 500, json: { error: { message: String(e) } } });
    }
  }

  private async answer(res: http.ServerResponse, route: Route, rec: RecordedRequest, fallback: (body: any) => Reply): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const next = this.queues[route].shift();
      const reply = next === undefined ? (this.handlers[route] ?? ((r: RecordedRequest) => fallback(r.body)))(rec) : typeof next === 'function' ? next(rec) : next;
      const delay = (reply.delayMs ?? 0) + this.latencyMs;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (res.destroyed) return;
      this.send(res, reply);
    } finally {
      this.inFlight--;
    }
  }

  private createFile(res: http.ServerResponse, raw: Buffer, contentType: string): void {
    const id = `file-${++this.seq}`;
    const content = multipartFile(raw, contentType);
    this.files.set(id, content);
    this.send(res, { json: { id, object: 'file', bytes: content.length, created_at: 1, filename: 'rfai-batch.jsonl', purpose: 'batch', status: 'processed' } });
  }

  /** The JSONL content of an uploaded file. */
  fileContent(id: string): string | undefined {
    return this.files.get(id);
  }

  private openaiBatchJson(b: OpenAIBatch): unknown {
    const done = b.status === 'completed';
    return {
      id: b.id,
      object: 'batch',
      endpoint: '/v1/chat/completions',
      input_file_id: b.input_file_id,
      completion_window: '24h',
      status: b.status,
      created_at: 1,
      output_file_id: b.output_file_id,
      error_file_id: b.error_file_id,
      request_counts: { total: b.total, completed: done ? b.total : 0, failed: 0 },
    };
  }

  private createOpenAIBatch(res: http.ServerResponse, body: any): void {
    const id = `batch_${++this.seq}`;
    const input = this.files.get(body.input_file_id) ?? '';
    const b: OpenAIBatch = { id, input_file_id: body.input_file_id, polls: 0, status: 'validating', total: input.split('\n').filter((l) => l.trim()).length };
    this.openaiBatches.set(id, b);
    this.send(res, { json: this.openaiBatchJson(b) });
  }

  private pollOpenAIBatch(res: http.ServerResponse, id: string): void {
    const b = this.openaiBatches.get(id);
    if (!b) return this.send(res, { status: 404, json: { error: { message: `no batch ${id}` } } });
    b.polls++;
    if (b.status !== 'completed' && b.polls > this.batchPolls) {
      const out: string[] = [];
      const errs: string[] = [];
      for (const line of (this.files.get(b.input_file_id) ?? '').split('\n')) {
        if (!line.trim()) continue;
        const req = JSON.parse(line);
        const override = this.batchOverrides.get(req.custom_id);
        if (override !== undefined && (override.status ?? 200) !== 200) {
          errs.push(JSON.stringify({ id: 'r', custom_id: req.custom_id, response: { status_code: override.status, body: override.json }, error: null }));
          continue;
        }
        const reply = override ?? defaultChat(req.body);
        out.push(JSON.stringify({ id: 'r', custom_id: req.custom_id, response: { status_code: 200, request_id: 'q', body: reply.json }, error: null }));
      }
      b.output_file_id = `file-${++this.seq}`;
      this.files.set(b.output_file_id, out.join('\n') + '\n');
      if (errs.length > 0) {
        b.error_file_id = `file-${++this.seq}`;
        this.files.set(b.error_file_id, errs.join('\n') + '\n');
      }
      b.status = 'completed';
    } else if (b.status === 'validating') {
      b.status = 'in_progress';
    }
    this.send(res, { json: this.openaiBatchJson(b) });
  }

  private anthropicBatchJson(b: AnthropicBatch): unknown {
    const n = b.requests.length;
    return {
      id: b.id,
      type: 'message_batch',
      processing_status: b.ended ? 'ended' : 'in_progress',
      request_counts: { processing: b.ended ? 0 : n, succeeded: b.ended ? n : 0, errored: 0, canceled: 0, expired: 0 },
      results_url: b.ended ? `${this.url}/v1/messages/batches/${b.id}/results` : null,
      created_at: '2026-01-01T00:00:00Z',
      expires_at: '2026-01-02T00:00:00Z',
      ended_at: b.ended ? '2026-01-01T00:01:00Z' : null,
      archived_at: null,
      cancel_initiated_at: null,
    };
  }

  private createAnthropicBatch(res: http.ServerResponse, body: any): void {
    const id = `msgbatch_${++this.seq}`;
    const b: AnthropicBatch = { id, requests: body.requests, polls: 0, ended: false };
    this.anthropicBatches.set(id, b);
    this.send(res, { json: this.anthropicBatchJson(b) });
  }

  private pollAnthropicBatch(res: http.ServerResponse, id: string): void {
    const b = this.anthropicBatches.get(id);
    if (!b) return this.send(res, { status: 404, json: { type: 'error', error: { type: 'not_found_error', message: `no batch ${id}` } } });
    b.polls++;
    if (!b.ended && b.polls > this.batchPolls) {
      b.results = b.requests
        .map((r) => {
          const override = this.batchOverrides.get(r.custom_id);
          if (override !== undefined && (override.status ?? 200) !== 200) {
            return JSON.stringify({ custom_id: r.custom_id, result: { type: 'errored', error: { type: 'error', error: { type: 'invalid_request_error', message: 'bad request' } } } });
          }
          const reply = override ?? defaultMessages(r.params);
          return JSON.stringify({ custom_id: r.custom_id, result: { type: 'succeeded', message: reply.json } });
        })
        .join('\n');
      b.ended = true;
    }
    this.send(res, { json: this.anthropicBatchJson(b) });
  }
}
