// The OpenAI teacher: chat completions with a strict JSON-schema response_format, and the Batch API for bulk.
// The openai SDK is imported only when the first request is sent (see importSdk): types only at the top.
import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { ProviderError } from './errors';
import type { BulkEngine, BulkJobState, BulkReply } from './bulk';
import { assertSdkInstalled, importSdk, LlmTeacher, type Backend, type ChatReply } from './llm-teacher';
import { readApiKey, type ResolvedTeacherOptions } from './options';
import type { ChatRequest } from './rubric';
import type { TeacherProvider } from './teacher';

/** The npm package and version range of the SDK the OpenAI and OpenAI-compatible teachers use. */
export const OPENAI_SDK = { name: 'openai', range: '^6.0.0' } as const;

type OpenAIModule = typeof import('openai');

/** The openai SDK module, loaded once on first use. */
function loadOpenAI(provider: TeacherProvider): Promise<OpenAIModule> {
  return importSdk(OPENAI_SDK.name, OPENAI_SDK.range, provider, () => import('openai'));
}

/** Default base URL of the OpenAI API (passed explicitly so OPENAI_BASE_URL in the environment does not redirect grading). */
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Builds the chat-completions body: system + user messages, temperature, max tokens and the strict JSON schema. */
export function openAIChatBody(
  req: ChatRequest,
  o: { model: string; temperature: number; maxTokens: number; legacyMaxTokens: boolean },
): ChatCompletionCreateParamsNonStreaming {
  const body: ChatCompletionCreateParamsNonStreaming = {
    model: o.model,
    temperature: o.temperature,
    messages: [{ role: 'system', content: req.system }, ...req.messages.map((m) => ({ role: m.role, content: m.content }))],
  };
  // OpenAI's current models take max_completion_tokens; vLLM, Ollama and llama.cpp servers read max_tokens.
  if (o.legacyMaxTokens) body.max_tokens = o.maxTokens;
  else body.max_completion_tokens = o.maxTokens;
  if (req.schema !== undefined) {
    body.response_format = { type: 'json_schema', json_schema: { name: req.schema.name, strict: true, schema: req.schema.schema } };
  }
  return body;
}

/** The reply text and usage of a chat completion; `problem` says why it is unusable (refusal, cut at max tokens). */
export function replyFromCompletion(c: ChatCompletion, maxTokens: number): ChatReply {
  const usage = { input_tokens: c?.usage?.prompt_tokens ?? 0, output_tokens: c?.usage?.completion_tokens ?? 0 };
  const choice = c?.choices?.[0];
  if (choice === undefined) return { text: '', usage, problem: 'the reply has no choices' };
  const text = choice.message?.content ?? '';
  if (choice.message?.refusal) return { text, usage, problem: `the model refused: ${choice.message.refusal}` };
  if (choice.finish_reason === 'length') return { text, usage, problem: `the reply was cut at max_tokens (${maxTokens}); raise teacher.max_tokens` };
  return { text, usage };
}

/** Settings shared by the OpenAI and OpenAI-compatible backends. */
export interface OpenAIBackendSettings {
  provider: TeacherProvider;
  model: string;
  apiKey: string;
  baseURL: string;
  temperature: number;
  timeoutMs: number;
  /** Send max_tokens instead of max_completion_tokens (OpenAI-compatible servers). */
  legacyMaxTokens: boolean;
  /** Use the Batch API for scoreBulk. */
  batch: boolean;
}

/** The SDK module and a client, created on the first request. */
interface OpenAISdk {
  module: OpenAIModule;
  client: OpenAI;
}

/**
 * One-request backend over the openai SDK (its own retries are off: LlmTeacher retries, so every attempt is paced
 * and counted). The SDK is loaded and the client created on the first request; the constructor only checks that
 * the package is installed.
 */
export class OpenAIBackend implements Backend {
  readonly provider: TeacherProvider;
  readonly baseURL: string;
  readonly bulk?: BulkEngine;
  private sdkPromise?: Promise<OpenAISdk>;

  constructor(private readonly s: OpenAIBackendSettings) {
    this.provider = s.provider;
    this.baseURL = s.baseURL;
    assertSdkInstalled(OPENAI_SDK.name, OPENAI_SDK.range, s.provider);
    if (s.batch) this.bulk = new OpenAIBatchEngine(() => this.sdk(), s);
  }

  /** The SDK and the client (loaded once; a failed load is retried by the next call). */
  sdk(): Promise<OpenAISdk> {
    if (this.sdkPromise === undefined) {
      const p = loadOpenAI(this.s.provider).then((module) => ({
        module,
        // the teacher aborts at timeoutMs; the SDK's own timeout is a backstop a little later
        client: new module.OpenAI({ apiKey: this.s.apiKey, baseURL: this.s.baseURL, timeout: this.s.timeoutMs + 1000, maxRetries: 0, logLevel: 'off' }),
      }));
      p.catch(() => {
        if (this.sdkPromise === p) this.sdkPromise = undefined;
      });
      this.sdkPromise = p;
    }
    return this.sdkPromise;
  }

  async chat(req: ChatRequest, maxTokens: number, signal: AbortSignal): Promise<ChatReply> {
    const body = openAIChatBody(req, { model: this.s.model, temperature: this.s.temperature, maxTokens, legacyMaxTokens: this.s.legacyMaxTokens });
    const { client } = await this.sdk();
    const completion = await client.chat.completions.create(body, { signal });
    return replyFromCompletion(completion, maxTokens);
  }
}

interface BatchOutputLine {
  custom_id?: string;
  response?: { status_code?: number; body?: unknown } | null;
  error?: { code?: string; message?: string } | null;
}

/** The OpenAI Batch API: a JSONL input file (purpose 'batch'), batches.create/retrieve, output and error files. */
export class OpenAIBatchEngine implements BulkEngine {
  readonly provider: TeacherProvider;
  readonly model: string;

  constructor(
    private readonly sdk: () => Promise<OpenAISdk>,
    private readonly s: OpenAIBackendSettings,
  ) {
    this.provider = s.provider;
    this.model = s.model;
  }

  async submit(requests: { customId: string; request: ChatRequest }[], maxTokens: number): Promise<string> {
    const lines = requests.map((r) =>
      JSON.stringify({
        custom_id: r.customId,
        method: 'POST',
        url: '/v1/chat/completions',
        body: openAIChatBody(r.request, { model: this.s.model, temperature: this.s.temperature, maxTokens, legacyMaxTokens: this.s.legacyMaxTokens }),
      }),
    );
    const { module, client } = await this.sdk();
    const file = await client.files.create({ file: await module.toFile(Buffer.from(lines.join('\n') + '\n'), 'rfai-batch.jsonl'), purpose: 'batch' });
    const batch = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      metadata: { source: 'rfai-teacher-clients' },
    });
    return batch.id;
  }

  async state(batchId: string): Promise<BulkJobState> {
    const { client } = await this.sdk();
    const b = await client.batches.retrieve(batchId);
    const done = b.status === 'completed' || b.status === 'failed' || b.status === 'expired' || b.status === 'cancelled';
    let failure: string | undefined;
    if (b.status === 'failed') {
      const errs = (b.errors?.data ?? []).map((e) => `${e.code ?? 'error'}${e.line != null ? ` (line ${e.line})` : ''}: ${e.message ?? ''}`);
      failure = errs.length > 0 ? errs.join('; ') : 'status failed (no details)';
    } else if (done && b.output_file_id == null && b.error_file_id == null) {
      failure = `status ${b.status} with no output file`;
    }
    return { status: b.status, done, failure, completed: b.request_counts?.completed, failed: b.request_counts?.failed };
  }

  async results(batchId: string): Promise<Map<string, BulkReply>> {
    const { client } = await this.sdk();
    const b = await client.batches.retrieve(batchId);
    const out = new Map<string, BulkReply>();
    for (const fileId of [b.output_file_id, b.error_file_id]) {
      if (fileId == null) continue;
      const text = await (await client.files.content(fileId)).text();
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        const rec = JSON.parse(line) as BatchOutputLine;
        if (typeof rec.custom_id !== 'string') continue;
        const status = rec.response?.status_code;
        if (status === 200 && rec.response?.body !== undefined) {
          const reply = replyFromCompletion(rec.response.body as ChatCompletion, 0);
          out.set(rec.custom_id, { ok: true, ...reply });
        } else {
          const bodyErr = (rec.response?.body as { error?: { message?: string } } | undefined)?.error?.message;
          const msg = rec.error?.message ?? bodyErr ?? 'no response';
          out.set(rec.custom_id, {
            ok: false,
            error: new ProviderError(`${this.provider} batch ${batchId} request ${rec.custom_id} failed${status ? ` (HTTP ${status})` : ''}: ${msg}`, {
              provider: this.provider,
              model: this.model,
              status,
            }),
          });
        }
      }
    }
    return out;
  }
}

/** Grades with OpenAI chat completions (structured output: strict JSON schema). Create with createTeacher({ provider: 'openai' }). */
export class OpenAITeacher extends LlmTeacher {
  constructor(options: ResolvedTeacherOptions) {
    const apiKey = readApiKey(options) as string;
    const backend = new OpenAIBackend({
      provider: 'openai',
      model: options.model,
      apiKey,
      baseURL: options.baseURL ?? OPENAI_BASE_URL,
      temperature: options.temperature,
      timeoutMs: options.timeoutMs,
      legacyMaxTokens: false,
      batch: true,
    });
    super(options, backend, apiKey);
  }
}
