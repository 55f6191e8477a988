// The default folders of the visualizer's commands, read from config.yaml. User paths resolve by the rule of every
// rfai app (@rfai/config's resolveUserPath: INIT_CWD, else NX_WORKSPACE_ROOT, else the working directory).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, resolveUserPath, workspaceRoot } from '@rfai/config';

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
