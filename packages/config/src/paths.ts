/**
 * Where the paths a user types are relative to: one rule for every rfai app.
 *
 * nx runs a target in a folder of its own choosing (the workspace root for the apps' targets), not where the user
 * typed the command; npm and npx record that folder in INIT_CWD. A relative path given on the command line therefore
 * resolves against INIT_CWD, else NX_WORKSPACE_ROOT when run under nx without npm, else the process's working
 * directory (running `node --import tsx apps/.../main.ts` directly). Paths inside a config file resolve against the
 * file's folder instead (see loadConfig).
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** The folder the user ran the command from (see the module comment). */
export function userCwd(env: NodeJS.ProcessEnv = process.env): string {
  if (env.INIT_CWD) return env.INIT_CWD;
  if (env.NX_WORKSPACE_ROOT) return env.NX_WORKSPACE_ROOT;
  return process.cwd();
}

/** Resolves a path the user typed against {@link userCwd}; an absolute path is returned as it is. */
export function resolveUserPath(p: string, env: NodeJS.ProcessEnv = process.env): string {
  return isAbsolute(p) ? p : resolve(userCwd(env), p);
}

/**
 * The workspace root (where the shipped config.yaml lives): NX_WORKSPACE_ROOT, else the nearest folder holding
 * nx.json above this package, else the process's working directory.
 */
export function workspaceRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NX_WORKSPACE_ROOT) return env.NX_WORKSPACE_ROOT;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/** The config file a command uses: the given one (a user path), else config.yaml in the user's folder, else the workspace's. */
export function defaultConfigPath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return resolveUserPath(explicit, env);
  const local = join(userCwd(env), 'config.yaml');
  return existsSync(local) ? local : join(workspaceRoot(env), 'config.yaml');
}
