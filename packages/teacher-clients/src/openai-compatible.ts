// OpenAI-compatible servers (vLLM, Ollama, llama.cpp server, LM Studio...) through the openai SDK with a base URL.
import { LlmTeacher } from './llm-teacher';
import { OpenAIBackend } from './openai';
import { readApiKey, type ResolvedTeacherOptions } from './options';

/**
 * Grades with a local or self-hosted server speaking the chat-completions protocol. Sends `max_tokens` (what these
 * servers read) and the same strict `response_format` JSON schema as the OpenAI teacher (vLLM, Ollama and llama.cpp
 * support json_schema). No API key unless `apiKeyEnv` is set. These servers have no batch engine: `scoreBulk` is
 * `scoreBatch`.
 */
export class OpenAICompatibleTeacher extends LlmTeacher {
  constructor(options: ResolvedTeacherOptions) {
    const apiKey = readApiKey(options);
    const backend = new OpenAIBackend({
      provider: 'openai-compatible',
      model: options.model,
      // the openai SDK requires some key; servers started without --api-key ignore it
      apiKey: apiKey ?? 'no-key',
      baseURL: options.baseURL as string,
      temperature: options.temperature,
      timeoutMs: options.timeoutMs,
      legacyMaxTokens: true,
      batch: false,
    });
    super(options, backend, apiKey);
  }
}
