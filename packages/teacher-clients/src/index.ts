// @rfai/teacher-clients: teachers that grade code: OpenAI, Anthropic, OpenAI-compatible servers and an offline grader.
import { OfflineTeacher } from './offline';
import { ExecutionGatedTeacher } from './execution-gate';
import { readApiKey, resolveTeacherOptions, type TeacherOptions } from './options';
import type { Teacher } from './teacher';
import { OpenAITeacher } from './openai';
import { AnthropicTeacher } from './anthropic';
import { OpenAICompatibleTeacher } from './openai-compatible';

export type {
  TeacherProvider,
  ScoreRequest,
  ScoreBreakdown,
  TeacherUsage,
  TeacherResultMeta,
  TeacherScore,
  ScoreOutcome,
  GenerateRequest,
  GenerateResult,
  CompareResult,
  CompareOptions,
  ScoreBatchOptions,
  ScoreBulkOptions,
  BulkStatus,
  UsageReport,
  Teacher,
} from './teacher';
export { SCORE_WEIGHTS, combineBreakdown, GRADE_SCHEMA, COMPARE_SCHEMA } from './teacher';
export {
  TeacherError,
  RateLimitError,
  TimeoutError,
  BadResponseError,
  AuthenticationError,
  ProviderError,
  CircuitOpenError,
  UnsupportedError,
  TeacherOptionsError,
  BatchError,
} from './errors';
export type { TeacherOptions, TeacherLogger } from './options';
export { DEFAULT_MODELS } from './options';
export type { TeacherConfigSection } from './config-section';
export { teacherOptionsFromConfig } from './config-section';
export type { ModelPrice } from './usage';
export { OfflineTeacher, OFFLINE_MODEL, staticQuality, verdictOf, type OfflineTeacherOptions, type OfflineVerdict } from './offline';
export { ExecutionGatedTeacher } from './execution-gate';
export { Verifier, analyzeSample, checkGates, normaliseTests, type ExecutionMode, type Verification, type VerifierOptions, type StaticAnalysis } from './verifier';
export {
  GATE_CEILING,
  EXECUTED_FLOOR,
  OFFLINE_STATIC_SHARE,
  JUDGE_SHARE,
  UNVERIFIED_CEILING,
  MIN_REPETITION,
  MIN_PRINTABLE,
  gatedScore,
  executedScore,
  unverifiedScore,
  type DecidedBy,
  type GateReport,
  type ExecutionReport,
} from './scoring';
export { LlmTeacher } from './llm-teacher';
export { OpenAITeacher, OPENAI_BASE_URL } from './openai';
export { AnthropicTeacher, ANTHROPIC_BASE_URL } from './anthropic';
export { OpenAICompatibleTeacher } from './openai-compatible';
export { RUBRIC_VERSION } from './rubric';
export { shouldRetry } from './retry';
export type { OfflineGrade, OfflineSignals } from './offline/grade';
export { OFFLINE_RUBRIC_VERSION } from './offline/grade';
export { PARSEABLE_LANGUAGES, canonicalLanguage } from './offline/grammars';

/**
 * Creates a teacher. Validates the options and reads the API key from the environment variable they name
 * (never from the options themselves); makes no network call.
 * @throws TeacherOptionsError for a bad option, AuthenticationError when the key's variable is unset.
 */
export function createTeacher(options: TeacherOptions): Teacher {
  const o = resolveTeacherOptions(options);
  const execution = { mode: o.execution, timeoutMs: o.executionTimeoutMs };
  // A hosted teacher with execution 'off' is the plain LLM judge: no gates, no tests.
  const gated = (t: Teacher): Teacher => (o.execution === 'off' ? t : new ExecutionGatedTeacher(t, execution));
  switch (o.provider) {
    case 'offline':
      return new OfflineTeacher(execution);
    case 'openai':
      return gated(new OpenAITeacher(o));
    case 'anthropic':
      return gated(new AnthropicTeacher(o));
    case 'openai-compatible':
      return gated(new OpenAICompatibleTeacher(o));
  }
}

/**
 * Checks, without any network call, that a teacher can be created: options are valid and the API key's environment
 * variable is set. For a trainer's fast startup check.
 * @throws TeacherOptionsError or AuthenticationError (naming the variable to set, never its value).
 */
export function checkTeacherCredentials(options: TeacherOptions): void {
  readApiKey(resolveTeacherOptions(options));
}
