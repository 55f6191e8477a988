// Finds each language's toolchain: the real binary (shims such as pyenv's and rustup's resolved, since runs get a
// scrubbed environment in which shims cannot find their configuration) and its version (part of cache keys).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecLanguage, ToolchainInfo, ToolchainReport } from './types';

function runOnce(cmd: string, args: string[]): Promise<{ ok: boolean; notFound: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 60_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      const notFound = (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
      resolve({ ok: !err, notFound, stdout: String(stdout), stderr: String(stderr || (err ? err.message : '')) });
    });
  });
}

/** Runs a probe; a failure other than "not found" (a slow start on a loaded machine, a signal) is tried twice more. */
async function run(cmd: string, args: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  let r = await runOnce(cmd, args);
  for (let attempt = 1; attempt < 3 && !r.ok && !r.notFound; attempt++) r = await runOnce(cmd, args);
  return r;
}

function missing(language: ExecLanguage, install: string, what: string): ToolchainInfo {
  return { language, available: false, install, message: `${what} not found: install it (Debian: apt-get install ${install}) or put it on PATH` };
}

async function python(): Promise<ToolchainInfo> {
  const r = await run('python3', ['-c', 'import sys; print(sys.executable); print(sys.version.split()[0]); print(sys.version_info >= (3, 8))']);
  if (!r.ok) return missing('python', 'python3', 'python3');
  const [exe, ver, recent] = r.stdout.trim().split('\n');
  if (recent !== 'True') {
    return { language: 'python', available: false, install: 'python3', path: exe, version: `Python ${ver}`, message: `python3 ${ver} is too old: 3.8 or newer is needed` };
  }
  return { language: 'python', available: true, path: exe, version: `Python ${ver}`, install: 'python3', message: `python3 ${ver} at ${exe}` };
}

function node(): ToolchainInfo {
  return { language: 'javascript', available: true, path: process.execPath, version: `node ${process.version}`, install: 'nodejs', message: `node ${process.version} at ${process.execPath}` };
}

async function typescript(): Promise<ToolchainInfo> {
  try {
    const ts = await import('typescript');
    const version = (ts as { version?: string }).version ?? (ts as { default?: { version?: string } }).default?.version ?? 'unknown';
    return {
      language: 'typescript',
      available: true,
      path: process.execPath,
      version: `node ${process.version} + typescript ${version}`,
      install: 'nodejs',
      message: `node ${process.version}; TypeScript ${version} transpiles (no type check)`,
    };
  } catch {
    return { language: 'typescript', available: false, install: 'nodejs', message: 'the npm package typescript was not found: npm install typescript (it transpiles candidate TypeScript)' };
  }
}

async function rust(): Promise<ToolchainInfo> {
  const sys = await run('rustc', ['--print', 'sysroot']);
  if (!sys.ok) return missing('rust', 'rustc', 'rustc');
  // rustup's `rustc` is a proxy that needs RUSTUP_HOME/HOME; run the toolchain's own binary instead.
  const real = path.join(sys.stdout.trim(), 'bin', 'rustc');
  const exe = fs.existsSync(real) ? real : 'rustc';
  const v = await run(exe, ['--version']);
  if (!v.ok) return missing('rust', 'rustc', `rustc (${exe})`);
  const version = v.stdout.trim();
  return { language: 'rust', available: true, path: exe, version, install: 'rustc', message: `${version} at ${exe}` };
}

async function cpp(): Promise<ToolchainInfo> {
  const v = await run('g++', ['--version']);
  if (!v.ok) return missing('cpp', 'g++', 'g++');
  const first = v.stdout.split('\n')[0]!.trim();
  let exe = 'g++';
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = path.join(dir || '.', 'g++');
    if (fs.existsSync(p)) {
      exe = fs.realpathSync(p);
      break;
    }
  }
  return { language: 'cpp', available: true, path: exe, version: first, install: 'g++', message: `${first} at ${exe}` };
}

/** Checks one language's toolchain. Never throws. */
export function detectToolchain(language: ExecLanguage): Promise<ToolchainInfo> {
  switch (language) {
    case 'python':
      return python();
    case 'typescript':
      return typescript();
    case 'javascript':
      return Promise.resolve(node());
    case 'rust':
      return rust();
    case 'cpp':
      return cpp();
  }
}

/** Checks every language's toolchain (runs `python3`, `rustc`, `g++` once each). Never throws. */
export async function detectToolchains(): Promise<ToolchainReport> {
  const [py, ts, rs, cc] = await Promise.all([python(), typescript(), rust(), cpp()]);
  return { python: py, typescript: ts, javascript: node(), rust: rs, cpp: cc };
}
