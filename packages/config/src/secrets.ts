import type { RfaiConfig } from './types';

/** The environment variable that holds the teacher's API key, or null when the provider needs none. */
export function teacherApiKeyEnv(config: RfaiConfig): string | null {
  const t = config.teacher;
  if (t.api_key_env) return t.api_key_env;
  if (t.provider === 'openai') return 'OPENAI_API_KEY';
  if (t.provider === 'anthropic') return 'ANTHROPIC_API_KEY';
  return null;
}
