// @rfai/code-exec: runs untrusted code and its hidden tests: per-language runners, sandbox, compile cache, pool.
export type {
  ExecLanguage,
  RunTestsRequest,
  RunStatus,
  CaseResult,
  RunTestsResult,
  SandboxInfo,
  SandboxLimits,
  NetworkMode,
  ExecLogger,
  ExecutorOptions,
  Executor,
  ExecutorStats,
  ToolchainInfo,
  ToolchainReport,
} from './types';
export { EXEC_LANGUAGES } from './types';
export { CodeExecError, ExecOptionsError, SandboxUnavailableError, ExecutorClosedError } from './errors';
export { createExecutor, canonicalExecLanguage } from './executor';
export { detectToolchains } from './toolchains';
