// @rfai/config: the config.yaml schema, loading with source positions, validation and overrides.
export { configSchema, LANGUAGES } from './schema';
export type { SchemaNode, SchemaNodeOf, InferSchema, Language } from './schema';
export type {
  RfaiConfig,
  ModelSection,
  LoraConfig,
  TeacherSection,
  TeacherProvider,
  TrainingSection,
  RfaiSection,
  DataSection,
  EvaluationSection,
  SftSection,
  LoggingSection,
  ServerSection,
  HardwareSection,
} from './types';
export { ConfigError, formatProblem } from './errors';
export type { ConfigProblem } from './errors';
export {
  loadConfig,
  parseConfigText,
  defaultConfig,
  applyOverride,
  configHash,
  diffConfigs,
  canonicalJson,
  resolveConfigPath,
  suggestKey,
  describeSchema,
  schemaAt,
  RESUME_MUTABLE_KEYS,
} from './load';
export type { LoadConfigOptions, LoadedConfig } from './load';
export { validateCrossFields } from './cross-checks';
export type { CrossFieldProblem } from './cross-checks';
export { teacherApiKeyEnv } from './secrets';
export { EXIT_CODES, exitCodeLine, finishProcess, signalExitCode } from './exit';
export { defaultConfigPath, resolveUserPath, userCwd, workspaceRoot } from './paths';
