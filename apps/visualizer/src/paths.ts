// Where paths given by the user are relative to, and the defaults read from config.yaml.
//
// `npx nx run visualizer:summary --logdir logs/x` runs `tsx src/main.ts` with cwd apps/visualizer, so
// process.cwd() is not where the user typed the command. npm/npx set INIT_CWD to that folder; nx sets
// NX_WORKSPACE_ROOT. User paths resolve against INIT_CWD, else the workspace root when run under nx,
// else process.cwd() (running `tsx src/main.ts` directly).
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { loadConfig } from '@rfai/config';

/** The folder user-given relative paths resolve against (see the module comment). */
export function userBaseDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.INIT_CWD) return env.INIT_CWD;
  if (env.NX_WORKSPACE_ROOT) return env.NX_WORKSPACE_ROOT;
  return process.cwd();
}

/** Resolves a path the user typed against {@link userBaseDir}. */
export function resolveUserPath(p: string, env: NodeJS.ProcessEnv = process.env): string {
  return isAbsolute(p) ? p : resolve(userBaseDir(env), p);
}

/** The workspace root: NX_WORKSPACE_ROOT, else the nearest folder above this file holding nx.json. */
export function workspaceRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NX_WORKSPACE_ROOT) return env.NX_WORKSPACE_ROOT;
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** Default folders taken from config.yaml, and where they came from. */
export interface ConfiguredDirs {
  /** Absolute logging.tensorboard_dir. */
  logdir: string;
  /** Absolute training.output_dir. */
  checkpointsDir: string;
  /** The config file read, or null when none existed and the schema defaults were used. */
  configFile: string | null;
}

/**
 * Reads logging.tensorboard_dir and training.output_dir from `configFile` (resolved against the user's folder), or
 * from config.yaml at the workspace root when not given. Relative paths in the file resolve against the file's folder,
 * as the trainer resolves them. With no config.yaml at the root, the schema defaults (logs/tensorboard, checkpoints)
 * resolve against the workspace root.
 * @throws ConfigError from @rfai/config when the file is invalid or a given file does not exist.
 */
export function configuredDirs(configFile: string | undefined, env: NodeJS.ProcessEnv = process.env): ConfiguredDirs {
  const root = workspaceRoot(env);
  let file: string | null = configFile !== undefined ? resolveUserPath(configFile, env) : join(root, 'config.yaml');
  if (configFile === undefined && !existsSync(file)) file = null;
  const loaded = loadConfig(file);
  const base = loaded.file === null ? root : loaded.baseDir;
  return {
    logdir: resolve(base, loaded.config.logging.tensorboard_dir),
    checkpointsDir: resolve(base, loaded.config.training.output_dir),
    configFile: loaded.file,
  };
}
