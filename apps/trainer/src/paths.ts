import * as path from 'node:path';
import { existsSync } from 'node:fs';

/**
 * The folder the user ran the command from. nx runs targets at the workspace
 * root; npm/npx record the caller's folder in INIT_CWD.
 */
export function userCwd(): string {
  return process.env.INIT_CWD && existsSync(process.env.INIT_CWD) ? process.env.INIT_CWD : process.cwd();
}

/** Resolves a path given on the command line against the user's folder. */
export function resolveUserPath(p: string): string {
  return path.isAbsolute(p) ? p : path.resolve(userCwd(), p);
}

/** The workspace root (where config.yaml lives), found from this file. */
export function workspaceRoot(): string {
  return path.resolve(__dirname, '..', '..', '..');
}

/** The config file to use: --config, else config.yaml in the user's folder, else the workspace's. */
export function defaultConfigPath(explicit?: string): string {
  if (explicit) return resolveUserPath(explicit);
  const local = path.join(userCwd(), 'config.yaml');
  return existsSync(local) ? local : path.join(workspaceRoot(), 'config.yaml');
}
