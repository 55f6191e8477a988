// Builds and packs a workspace package (and the @rfai packages it depends on), installs the tarballs into a fresh
// project outside the monorepo, and checks that it loads from ESM and CommonJS and type-checks from TypeScript.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** What npm pack reports for one tarball. */
export interface Packed {
  name: string;
  file: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
}

const sh = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string =>
  execFileSync(cmd, args, { cwd, env: { ...process.env, NX_DAEMON: 'false', ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });

/** The folder of a workspace package by its npm name (e.g. '@rfai/tb-writer' -> packages/tb-writer). */
export function packageDir(name: string): string {
  const dir = path.join(ROOT, 'packages', name.replace(/^@rfai\//, ''));
  if (!fs.existsSync(path.join(dir, 'package.json'))) throw new Error(`${name}: no workspace package at ${dir}`);
  return dir;
}

/** Builds (nx, which builds its @rfai dependencies first) and packs `name` and every @rfai package it depends on. */
export function buildAndPack(name: string, dest: string, seen = new Set<string>()): Packed[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const dir = packageDir(name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const out: Packed[] = [];
  for (const dep of Object.keys(pkg.dependencies ?? {})) if (dep.startsWith('@rfai/')) out.push(...buildAndPack(dep, dest, seen));
  sh('npx', ['nx', 'run', `${path.basename(dir)}:build`, '--skip-nx-cache', '--outputStyle=static'], ROOT);
  const info = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', dest], dir))[0] as Packed & { filename: string };
  out.push({ name, file: path.join(dest, info.filename), size: info.size, unpackedSize: info.unpackedSize, entryCount: info.entryCount });
  return out;
}

/** A fresh project in the OS temp folder with the tarballs (and @types/node for tsc) installed from the registry. */
export function freshProject(tarballs: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rfai-pack-'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'rfai-pack-test', version: '1.0.0', private: true }, null, 2));
  sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', ...tarballs, '@types/node@^20'], dir, { npm_config_workspaces: 'false' });
  return dir;
}

/** Runs a script file with node in `dir`; returns its stdout. */
export function runNode(dir: string, file: string, text: string): string {
  fs.writeFileSync(path.join(dir, file), text);
  return sh(process.execPath, [file], dir);
}

/** Type-checks `source` importing the package, as ESM and CommonJS under node16 and as a bundler project. */
export function typeCheck(dir: string, source: string): void {
  fs.writeFileSync(path.join(dir, 'check.mts'), source);
  fs.writeFileSync(path.join(dir, 'check.cts'), source);
  fs.writeFileSync(path.join(dir, 'check-bundler.ts'), source);
  const base = { strict: true, noEmit: true, skipLibCheck: false, target: 'ES2022', types: ['node'] };
  const configs = {
    'tsconfig.node16.json': { compilerOptions: { ...base, module: 'node16', moduleResolution: 'node16' }, files: ['check.mts', 'check.cts'] },
    'tsconfig.bundler.json': { compilerOptions: { ...base, module: 'esnext', moduleResolution: 'bundler' }, files: ['check-bundler.ts'] },
  };
  for (const [file, cfg] of Object.entries(configs)) {
    fs.writeFileSync(path.join(dir, file), JSON.stringify(cfg, null, 2));
    try {
      sh(process.execPath, [TSC, '-p', file], dir);
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      throw new Error(`tsc -p ${file} failed in ${dir}:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    }
  }
}

/** Every installed package of the project (npm ls --all), without the project itself. */
export function installedPackages(dir: string): string[] {
  const lines = sh('npm', ['ls', '--all', '--parseable'], dir).trim().split('\n').slice(1);
  return [...new Set(lines.map((l) => path.relative(path.join(dir, 'node_modules'), l)))].sort();
}

/** Disk use of a folder in bytes. */
export function du(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? du(p) : e.isFile() ? fs.statSync(p).size : 0;
  }
  return total;
}
