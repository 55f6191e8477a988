/**
 * Resolving paths the user typed. Nx runs this app with its folder as the
 * working directory, so a relative path such as `--out data` must be resolved
 * against the directory the user ran the command from: npm and npx record it
 * in INIT_CWD.
 */
import { isAbsolute, resolve } from 'node:path';

/** The directory the user ran the command from (INIT_CWD when set by npm/npx, else the process cwd). */
export function userCwd(env: NodeJS.ProcessEnv = process.env): string {
  return env.INIT_CWD && env.INIT_CWD.length > 0 ? env.INIT_CWD : process.cwd();
}

/** Resolves `path` against {@link userCwd} unless it is absolute. */
export function resolveUserPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return isAbsolute(path) ? path : resolve(userCwd(env), path);
}
