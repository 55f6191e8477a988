// The Anthropic teacher: messages with a forced, strict tool call whose input schema is the grade; Message Batches for bulk.
//
// Structured output choice: @anthropic-ai/sdk 1.14 offers both `output_config.format` (JSON schema, newer models only)
// and tool use. We force a tool call (`tool_choice: { type: 'tool', name }`, `strict: true`), which every Claude
// model with tool use supports, in messages and in batches alike; its `input` is the grade object.
// Temperature: SDK 1.14 no longer has a `temperature` parameter (the API deprecated it), so none is sent; grading
// determinism comes from the forced tool and the fixed rubric.
// The SDK is imported only when the first request is sent (see importSdk): types only at the top.
import type Anthropic from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages/messages';
import { BatchError, ProviderError } from './errors';
import type { BulkEngine, BulkJobState, BulkReply } from './bulk';
import { assertSdkInstalled, importSdk, LlmTeacher, type Backend, type ChatReply } from './llm-teacher';
import { readApiKey, type ResolvedTeacherOptions } from './options';
import type { ChatRequest } from './rubric';

/** The npm package and version range of the SDK the Anthropic teacher uses. */
export const ANTHROPIC_SDK = { name: '@anthropic-ai/sdk', range: '^1.14.0' } as const;

/** Default base URL of the Anthropic API (explicit, so ANTHROPIC_BASE_URL in the environment does not redirect grading). */
export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

/** Name of the forced tool for a schema, e.g. 'submit_grade'. */
export const toolName = (schemaName: string): string => `submit_${schemaName}`;

/** Builds the messages.create params: system, messages, max_tokens and the forced strict tool (no temperature, see above). */
export function anthropicParams(req: ChatRequest, o: { model: string; maxTokens: number }): MessageCreateParamsNonStreaming {
  const params: MessageCreateParamsNonStreaming = {
    model: o.model,
    max_tokens: o.maxTokens,
    system: req.system,
    messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
  };
  if (req.schema !== undefined) {
    const name = toolName(req.schema.name);
    params.tools = [
      {
        name,
        description: `Submit the ${req.schema.name}. Call this tool exactly once with every field filled in.`,
        input_schema: req.schema.schema as Anthropic.Tool.InputSchema,
        strict: true,
      },
    ];
    params.tool_choice = { type: 'tool', name, disable_parallel_tool_use: true };
  }
  return params;
}

/** The reply of a message: the forced tool's input as JSON text (structured) or the text blocks (free text). */
export function replyFromMessage(m: Message, structured: string | undefined): ChatReply {
  const usage = { input_tokens: m?.usage?.input_tokens ?? 0, output_tokens: m?.usage?.output_tokens ?? 0 };
  const blocks = Array.isArray(m?.content) ? m.content : [];
  const text = blocks
    .filter((b) => b.type === 'text')
    .map((b) => (b as { text: string }).text)
    .join('');
  if (m?.stop_reason === 'max_tokens') return { text, usage, problem: 'the reply was cut at max_tokens; raise teacher.max_tokens' };
  if (structured === undefined) return { text, usage };
  const call = blocks.find((b) => b.type === 'tool_use' && (b as { name?: string }).name === structured);
  if (call === undefined) return { text, usage, problem: `the model did not call ${structured}${text ? ' (it answered with text)' : ''}` };
  return { text: JSON.stringify((call as { input: unknown }).input), usage };
}

/** Settings of the Anthropic backend. */
interface AnthropicSettings {
  model: string;
  apiKey: string;
  baseURL: string;
  timeoutMs: number;
}

/**
 * One-request backend over @anthropic-ai/sdk (its own retries off: LlmTeacher retries and counts every attempt).
 * The SDK is loaded and the client created on the first request; the constructor only checks that it is installed.
 */
export class AnthropicBackend implements Backend {
  readonly provider = 'anthropic' as const;
  readonly baseURL: string;
  readonly bulk: BulkEngine;
  private clientPromise?: Promise<Anthropic>;

  constructor(private readonly s: AnthropicSettings) {
    this.baseURL = s.baseURL;
    assertSdkInstalled(ANTHROPIC_SDK.name, ANTHROPIC_SDK.range, 'anthropic');
    this.bulk = new AnthropicBatchEngine(() => this.client(), s);
  }

  /** The client (the SDK loaded once; a failed load is retried by the next call). */
  client(): Promise<Anthropic> {
    if (this.clientPromise === undefined) {
      const p = importSdk(ANTHROPIC_SDK.name, ANTHROPIC_SDK.range, 'anthropic', () => import('@anthropic-ai/sdk')).then(
        // the teacher aborts at timeoutMs; the SDK's own timeout is a backstop a little later
        (m) => new m.Anthropic({ apiKey: this.s.apiKey, baseURL: this.s.baseURL, timeout: this.s.timeoutMs + 1000, maxRetries: 0, logLevel: 'off' }),
      );
      p.catch(() => {
        if (this.clientPromise === p) this.clientPromise = undefined;
      });
      this.clientPromise = p;
    }
    return this.clientPromise;
  }

  async chat(req: ChatRequest, maxTokens: number, signal: AbortSignal): Promise<ChatReply> {
    const client = await this.client();
    const message = await client.messages.create(anthropicParams(req, { model: this.s.model, maxTokens }), { signal });
    return replyFromMessage(message, req.schema && toolName(req.schema.name));
  }
}

/** Anthropic Message Batches: batches.create with custom ids, retrieve until 'ended', results as JSONL. */
export class AnthropicBatchEngine implements BulkEngine {
  readonly provider = 'anthropic' as const;
  readonly model: string;
  private readonly tools = new Map<string, string | undefined>();

  constructor(
    private readonly client: () => Promise<Anthropic>,
    private readonly s: AnthropicSettings,
  ) {
    this.model = s.model;
  }

  async submit(requests: { customId: string; request: ChatRequest }[], maxTokens: number): Promise<string> {
    const batch = await (await this.client()).messages.batches.create({
      requests: requests.map((r) => ({
        custom_id: r.customId,
        params: anthropicParams(r.request, { model: this.s.model, maxTokens }),
      })),
    });
    for (const r of requests) this.tools.set(r.customId, r.request.schema && toolName(r.request.schema.name));
    return batch.id;
  }

  async state(batchId: string): Promise<BulkJobState> {
    const b = await (await this.client()).messages.batches.retrieve(batchId);
    const c = b.request_counts;
    return {
      status: b.processing_status,
      done: b.processing_status === 'ended',
      completed: c ? c.succeeded + c.errored + c.expired + c.canceled : undefined,
      failed: c ? c.errored + c.expired + c.canceled : undefined,
    };
  }

  async results(batchId: string): Promise<Map<string, BulkReply>> {
    const out = new Map<string, BulkReply>();
    const base = { provider: this.provider, model: this.model };
    for await (const r of await (await this.client()).messages.batches.results(batchId)) {
      const res = r.result;
      if (res.type === 'succeeded') {
        // scoreBulk only sends grade requests; a resumed batch has no local record, so default to the grade tool
        const tool = this.tools.has(r.custom_id) ? this.tools.get(r.custom_id) : toolName('grade');
        out.set(r.custom_id, { ok: true, ...replyFromMessage(res.message, tool) });
      } else if (res.type === 'errored') {
        const e = res.error as { error?: { type?: string; message?: string } };
        out.set(r.custom_id, {
          ok: false,
          error: new ProviderError(`anthropic batch ${batchId} request ${r.custom_id} errored: ${e?.error?.type ?? 'error'}: ${e?.error?.message ?? ''}`, base),
        });
      } else {
        out.set(r.custom_id, { ok: false, error: new BatchError(`anthropic batch ${batchId} request ${r.custom_id} ${res.type} before it ran`, { ...base, batchId }) });
      }
    }
    return out;
  }
}

/** Grades with Claude through a forced strict tool call. Create with createTeacher({ provider: 'anthropic' }). */
export class AnthropicTeacher extends LlmTeacher {
  constructor(options: ResolvedTeacherOptions) {
    const apiKey = readApiKey(options) as string;
    const backend = new AnthropicBackend({
      model: options.model,
      apiKey,
      baseURL: options.baseURL ?? ANTHROPIC_BASE_URL,
      timeoutMs: options.timeoutMs,
    });
    super(options, backend, apiKey);
  }
}
