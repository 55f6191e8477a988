// Command line of the reward server: options, config, teacher and tasks; exit codes 0 ok, 1 runtime, 2 bad usage/config.
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, resolveConfigPath, type LoadedConfig } from '@rfai/config';
import { createTeacher, teacherOptionsFromConfig, TeacherError, type Teacher } from '@rfai/teacher-clients';
import { authMode, TOKEN_ENV, type AuthMode } from './auth';
import { startRewardServer, type RewardServer } from './server';
import { TaskIndex } from './tasks';

/** Where the CLI writes and what it reads. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Folder relative --config paths are resolved against. */
  cwd: string;
  /** Called once the server listens (tests use it to talk to the server and stop it). */
  onListening?: (server: RewardServer) => void;
  /** Resolves when the server should stop (main.ts: SIGTERM/SIGINT). */
  stopSignal?: Promise<string>;
}

/** Bad usage or configuration: exit 2. */
export class UsageError extends Error {}

const port = (v: string): number => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new InvalidArgumentError('expected an integer 0..65535 (0: a free port)');
  return n;
};

/** The config file: --config, else config.yaml in the current folder, else the repository's. */
export function configPath(explicit: string | undefined, cwd: string): string {
  if (explicit) return path.resolve(cwd, explicit);
  const local = path.join(cwd, 'config.yaml');
  return existsSync(local) ? local : path.resolve(__dirname, '..', '..', '..', 'config.yaml');
}

/** Runs the server until `io.stopSignal` resolves; returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = new Command('reward-server')
    .description('Serves the configured teacher over HTTP: OpenRLHF POST /get_reward, POST /v1/grade, GET /healthz, GET /metrics.')
    .option('--config <file>', 'config.yaml with the teacher, server and data sections (default: ./config.yaml, else the repository\'s)')
    .option('--host <host>', 'address to bind (default server.host, 127.0.0.1); any non-loopback address needs a token')
    .option('--port <port>', 'TCP port, 0..65535; 0 picks a free one (default server.port, 8765)', port)
    .option('--token <token>', `token clients must send (Bearer header or /t/TOKEN/ path prefix); prefer the ${TOKEN_ENV} variable, which ps does not show`)
    .option('--allow-unauthenticated', 'serve a non-loopback address without a token (trusted private networks only; logged as a warning)', false)
    .option('--set <key=value>', 'override a config key, e.g. --set server.max_concurrent_requests=64 (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const opts = program.opts<{ config?: string; host?: string; port?: number; token?: string; allowUnauthenticated: boolean; set: string[] }>();
  const log = (line: string) => io.stderr(`[reward-server] ${line}\n`);

  let loaded: LoadedConfig;
  let teacher: Teacher | undefined;
  let tasks: TaskIndex;
  let auth: AuthMode;
  try {
    loaded = loadConfig(configPath(opts.config, io.cwd), { overrides: opts.set });
    if (opts.host !== undefined) loaded.config.server.host = opts.host;
    if (opts.port !== undefined) loaded.config.server.port = opts.port;
    const token = opts.token ?? (io.env[TOKEN_ENV] || undefined);
    try {
      auth = authMode(loaded.config.server.host, token, opts.allowUnauthenticated);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    tasks = await loadTasks(loaded);
    teacher = makeTeacher(loaded, io.env, log);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof UsageError) {
      io.stderr(`error: ${e.message}\n`);
      return 2;
    }
    if (e instanceof TeacherError) {
      io.stderr(`error: teacher: ${e.message}\n`);
      return 2;
    }
    if ((e as Error)?.name === 'DatasetError' || (e as Error)?.name === 'DatasetValidationError') {
      io.stderr(`error: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }

  const warning = startupWarning(auth, loaded.config.server.host);
  if (warning) log(warning);
  let server: RewardServer;
  try {
    server = await startRewardServer({ teacher, tasks, server: loaded.config.server, auth, log });
  } catch (e) {
    await teacher.close();
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE' || err.code === 'EADDRNOTAVAIL' || err.code === 'EACCES' || err.code === 'ENOTFOUND') {
      io.stderr(`error: server.host/server.port: cannot listen on ${loaded.config.server.host}:${loaded.config.server.port} (${err.code}); choose another --port (0: a free one) or --host\n`);
      return 2;
    }
    throw e;
  }
  const t = loaded.config.teacher;
  log(
    `teacher ${teacher.provider}${teacher.model ? ` (${teacher.model})` : ''}, ${tasks.size} tasks from data.train_file/eval_file, ` +
      `auth: ${auth.kind === 'token' ? 'token' : auth.reason === 'loopback' ? 'none (loopback only)' : 'NONE (opt-out)'}, ` +
      `${loaded.config.server.max_concurrent_requests} concurrent requests + ${loaded.config.server.max_queued_requests} queued, teacher concurrency ${t.concurrency}`,
  );
  io.stdout(`listening on ${server.url}\n`);
  io.onListening?.(server);

  const signal = await (io.stopSignal ?? new Promise<string>(() => undefined));
  log(`${signal}: finishing in-flight requests (at most server.shutdown_timeout_ms = ${loaded.config.server.shutdown_timeout_ms} ms)`);
  const { drained } = await server.close();
  log(drained ? 'stopped' : 'stopped with requests still running (shutdown timeout)');
  return drained ? 0 : 1;
}

/** The loud line logged when the token requirement is switched off (--allow-unauthenticated off loopback). */
export function startupWarning(auth: AuthMode, host: string): string | undefined {
  if (auth.kind !== 'none' || auth.reason !== 'opt-out') return undefined;
  return `WARNING: --allow-unauthenticated: ${host} is served WITHOUT A TOKEN; anyone who can reach this address can use the teacher (and its API key's budget)`;
}

async function loadTasks(loaded: LoadedConfig): Promise<TaskIndex> {
  const d = loaded.config.data;
  const files: string[] = [];
  for (const [key, file] of [['data.train_file', d.train_file], ['data.eval_file', d.eval_file]] as const) {
    if (file === null) continue;
    const abs = resolveConfigPath(loaded, file);
    if (!existsSync(abs)) {
      throw new UsageError(`${key}: ${abs} does not exist; the server matches queries against its prompts. Point ${key} at a JSONL file${key === 'data.eval_file' ? ' or set it to null' : ''}.`);
    }
    files.push(abs);
  }
  return TaskIndex.fromFiles(files);
}

function makeTeacher(loaded: LoadedConfig, env: NodeJS.ProcessEnv, log: (line: string) => void): Teacher {
  const options = teacherOptionsFromConfig(loaded.config.teacher, {
    logger: { warn: (m: string) => log(`teacher: ${m}`), error: (m: string) => log(`teacher: ${m}`) },
  });
  if (options.cache && typeof options.cache === 'object') options.cache = { path: resolveConfigPath(loaded, options.cache.path) };
  return createTeacher({ ...options, env });
}
