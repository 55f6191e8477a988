// The sandbox of one process: fresh temp dir, scrubbed environment, rlimits via prlimit, own process group
// killed on timeout, capped output, and (where the OS allows) its own network and PID namespaces via unshare.
// NOT a security boundary against a determined attacker: see the README ("What the sandbox stops").
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SandboxUnavailableError } from './errors';
import type { ExecLogger, NetworkMode, SandboxLimits } from './types';

/** What the sandbox can use on this machine; found once per executor by `probeSandbox`. */
export interface SandboxPlan {
  prlimit: string;
  /** `unshare` binary and its flags, or undefined when runs are not put in namespaces. */
  unshare?: { path: string; args: string[] };
  networkIsolated: boolean;
  pidNamespace: boolean;
  /** When running as root: setpriv gives each run a real uid so RLIMIT_NPROC applies (it never applies to uid 0). */
  rootDrop?: { setpriv: string; uidBase: number; kill?: string };
  /** Non-root without a user namespace: RLIMIT_NPROC counts all processes of this uid; this many existed at startup. */
  nprocBaseline: number;
  sh: string;
}

const MiB = 1024 * 1024;

function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

function works(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

function countOwnProcesses(uid: number): number {
  let n = 0;
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const st = fs.readFileSync(`/proc/${e}/status`, 'utf8');
      const m = /^Uid:\s+(\d+)/m.exec(st);
      const t = /^Threads:\s+(\d+)/m.exec(st);
      if (m && Number(m[1]) === uid) n += t ? Number(t[1]) : 1;
    } catch {
      /* exited */
    }
  }
  return n;
}

/**
 * Finds prlimit/unshare/setpriv and checks what works here (runs `unshare ... true` once). Logs one warning for
 * each protection that is not available. Throws SandboxUnavailableError when prlimit is missing, or when
 * `network: 'unshare'` was asked for and does not work.
 */
export function probeSandbox(mode: NetworkMode, logger: ExecLogger, rootRunUidBase: number): SandboxPlan {
  const prlimit = which('prlimit');
  if (!prlimit) {
    throw new SandboxUnavailableError('prlimit was not found on PATH; install util-linux (Debian: apt-get install util-linux) so runs get memory/CPU/process limits');
  }
  const sh = which('sh') ?? '/bin/sh';
  const isRoot = process.getuid?.() === 0;
  let rootDrop: SandboxPlan['rootDrop'];
  if (isRoot) {
    const setpriv = which('setpriv');
    if (setpriv && works(setpriv, ['--ruid=65534', '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', 'true'])) {
      rootDrop = { setpriv, uidBase: rootRunUidBase, kill: which('kill') };
    } else {
      logger.warn(
        '@rfai/code-exec: running as root without a working setpriv (util-linux): RLIMIT_NPROC does not apply to root, so a fork bomb is not contained. Run as a non-root user or install util-linux.',
      );
    }
  }
  let unshare: SandboxPlan['unshare'];
  let pidNamespace = false;
  if (mode !== 'none') {
    const u = which('unshare');
    // As root no user namespace is needed (and it would re-map the run to uid 0); otherwise -r maps us to root inside.
    const base = isRoot ? ['-n'] : ['-r', '-n'];
    const withPid = [...base, '-p', '-f', '--kill-child'];
    if (u && works(u, [...withPid, 'true'])) {
      unshare = { path: u, args: withPid };
      pidNamespace = true;
    } else if (u && works(u, [...base, 'true'])) {
      unshare = { path: u, args: base };
    }
    // A new network namespace has its loopback interface down: bring it up so programs can talk to servers they
    // start themselves on 127.0.0.1 (tests of HTTP clients do), while the outside network stays unreachable.
    const ip = which('ip');
    if (unshare && ip && works(u as string, [...unshare.args, ip, 'link', 'set', 'lo', 'up'])) {
      unshare = { path: unshare.path, args: [...unshare.args, '/bin/sh', '-c', `${ip} link set lo up 2>/dev/null; exec "$@"`, 'sh'] };
    }
    if (!unshare) {
      const how = u ? `\`${u} ${base.join(' ')} true\` failed (user namespaces disabled or not permitted here)` : 'unshare (util-linux) was not found on PATH';
      if (mode === 'unshare') {
        throw new SandboxUnavailableError(`network: 'unshare' was requested but ${how}; use network: 'auto' or 'none', or allow user namespaces (sysctl kernel.unprivileged_userns_clone=1 / user.max_user_namespaces > 0)`);
      }
      logger.warn(`@rfai/code-exec: runs are NOT network-isolated: ${how}. Candidate code can open network connections.`);
    } else if (!pidNamespace) {
      logger.warn('@rfai/code-exec: no PID namespace here (unshare -p failed): processes that leave the run\'s process group may outlive it.');
    }
  } else {
    logger.warn("@rfai/code-exec: network: 'none': runs are NOT network-isolated and have no PID namespace.");
  }
  let nprocBaseline = 0;
  if (!isRoot && !unshare?.args.includes('-r')) {
    nprocBaseline = countOwnProcesses(process.getuid?.() ?? -1);
    logger.warn(
      `@rfai/code-exec: without a user namespace RLIMIT_NPROC counts every process of this user (${nprocBaseline} now), so the per-run process limit is approximate and shared between concurrent runs.`,
    );
  }
  return { prlimit, unshare, networkIsolated: unshare !== undefined, pidNamespace, rootDrop, nprocBaseline, sh };
}

/** One sandboxed process. */
export interface SandboxRunSpec {
  /** The command (absolute path first). */
  argv: string[];
  /** Working directory (the run's temp dir); also HOME and TMPDIR. */
  cwd: string;
  limits: SandboxLimits;
  /** Wall-clock limit in milliseconds; the whole process group is SIGKILLed after it. */
  wallMs: number;
  /** Text written to stdin (then closed); stdin is /dev/null when undefined. */
  stdin?: string;
  /** Total stdout+stderr bytes after which the process group is killed. */
  outputLimitBytes: number;
  /** Pool slot: picks the run's uid when running as root. */
  slot: number;
  /**
   * Compilers: as root, keep the real uid 0 (capabilities are still dropped). A real uid other than the effective
   * one puts exec in glibc's secure mode, which ignores $ORIGIN run paths (rustc cannot find its own libraries).
   */
  keepRootUid?: boolean;
}

export interface SandboxOutcome {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  outputExceeded: boolean;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** The process could not be started (e.g. EAGAIN); the message. */
  spawnError?: string;
  runUid?: number;
}

/** The scrubbed environment: nothing of the caller's (no API keys) except PATH. */
export function sandboxEnv(dir: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', HOME: dir, TMPDIR: dir };
}

/** The full command line for `spec` under `plan`. */
export function sandboxArgv(plan: SandboxPlan, spec: SandboxRunSpec): { argv: string[]; runUid?: number; wrapped: boolean } {
  const l = spec.limits;
  const nproc = l.maxProcesses + plan.nprocBaseline;
  const limits = [
    `--as=${l.addressSpaceMb * MiB}`,
    `--cpu=${l.cpuSeconds}`,
    `--nproc=${nproc}`,
    `--fsize=${l.maxFileMb * MiB}`,
    `--nofile=${l.maxOpenFiles}`,
    '--core=0',
  ];
  const argv: string[] = [];
  let runUid: number | undefined;
  if (plan.unshare) argv.push(plan.unshare.path, ...plan.unshare.args);
  if (plan.rootDrop && spec.keepRootUid) {
    argv.push(plan.rootDrop.setpriv, '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs');
  } else if (plan.rootDrop) {
    runUid = plan.rootDrop.uidBase + spec.slot;
    // Real uid only: the effective uid stays 0 (no capabilities) so toolchains under root's home stay readable.
    // Side effect: real != effective uid puts every exec in glibc's secure mode, which drops TMPDIR (and LD_*)
    // from the environment; the harnesses set TMPDIR back for the program itself.
    argv.push(plan.rootDrop.setpriv, `--ruid=${runUid}`, '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs');
  }
  argv.push(plan.prlimit, ...limits, '--');
  // In a PID namespace the first process is its init, which ignores default-action signals (abort() would
  // hang or be misreported); a shell as init runs the program as an ordinary child and exits with its status.
  const wrapped = plan.pidNamespace;
  // -p: dash would otherwise set its effective uid to the real one (see rootDrop); PWD is dash's own addition.
  if (wrapped) argv.push(plan.sh, '-p', '-c', 'unset PWD; "$@"; exit $?', 'sh');
  argv.push(...spec.argv);
  return { argv, runUid, wrapped };
}

const SIGNALS: Record<number, string> = Object.fromEntries(
  Object.entries(os.constants.signals).map(([name, num]) => [num as number, name]),
);

/** How long output may still arrive after the process exits (a descendant that left its group holds the pipes). */
export const EXIT_GRACE_MS = 200;

/** Runs `spec` under `plan`; never rejects (a spawn failure is `spawnError`). */
export function runSandboxed(plan: SandboxPlan, spec: SandboxRunSpec): Promise<SandboxOutcome> {
  const { argv, runUid, wrapped } = sandboxArgv(plan, spec);
  const t0 = performance.now();
  return new Promise<SandboxOutcome>((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let total = 0;
    let timedOut = false;
    let outputExceeded = false;
    let settled = false;
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: spec.cwd,
      env: sandboxEnv(spec.cwd),
      detached: true,
      stdio: [spec.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, spec.wallMs);
    let grace: NodeJS.Timeout | undefined;
    const finish = (spawnError?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (grace) clearTimeout(grace);
      // Anything left in the group (a child that outlived the main process) goes too.
      killGroup();
      child.stdout?.destroy();
      child.stderr?.destroy();
      let exitCode = exitInfo?.code ?? null;
      let signal: string | null = exitInfo?.signal ?? null;
      if (wrapped && exitCode !== null && exitCode > 128 && exitCode <= 128 + 64) {
        signal = SIGNALS[exitCode - 128] ?? `signal ${exitCode - 128}`;
        exitCode = null;
      }
      resolve({
        exitCode,
        signal,
        timedOut,
        outputExceeded,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        wallMs: performance.now() - t0,
        spawnError,
        runUid,
      });
    };
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      if (outputExceeded) return;
      const room = spec.outputLimitBytes - total;
      if (chunk.length > room) {
        if (room > 0) into.push(chunk.subarray(0, room));
        total = spec.outputLimitBytes;
        outputExceeded = true;
        killGroup();
        return;
      }
      into.push(chunk);
      total += chunk.length;
    };
    child.stdout!.on('data', collect(out));
    child.stderr!.on('data', collect(err));
    child.on('error', (e) => finish(`could not start ${argv[0]}: ${e.message}`));
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      // A descendant that escaped the group may hold the pipes open: do not wait for it beyond a moment. The moment
      // ends with setImmediate, i.e. after the next poll phase: when this loop was blocked (a busy caller parsing
      // other samples) past the grace, the output written before it is still in the pipe, and the timer phase runs
      // before the poll phase that would read it; finishing straight from the timer lost a program's last lines.
      grace = setTimeout(() => setImmediate(() => finish()), EXIT_GRACE_MS);
    });
    child.on('close', () => finish());
    if (spec.stdin !== undefined && child.stdin) {
      child.stdin.on('error', () => {
        /* the program did not read its stdin */
      });
      child.stdin.end(spec.stdin);
    }
  });
}

/** Makes a fresh run directory under os.tmpdir(). */
export function makeRunDir(prefix = 'rfai-exec-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Removes a run directory, first restoring permissions the program may have taken away. */
export function removeRunDir(dir: string, logger?: ExecLogger): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    return;
  } catch {
    /* fall through: fix modes and retry */
  }
  const fix = (p: string): void => {
    try {
      fs.chmodSync(p, 0o700);
      for (const e of fs.readdirSync(p, { withFileTypes: true })) if (e.isDirectory()) fix(path.join(p, e.name));
    } catch {
      /* best effort */
    }
  };
  fix(dir);
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
  } catch (e) {
    logger?.warn(`@rfai/code-exec: could not remove run directory ${dir}: ${(e as Error).message}`);
  }
}

/**
 * Root without a PID namespace: processes of a finished run that left its process group are killed by uid
 * (a helper with exactly that uid and no privileges sends SIGKILL to everything it may signal: only that uid).
 */
export function killLeftovers(plan: SandboxPlan, runUid: number | undefined): void {
  if (runUid === undefined || plan.pidNamespace || !plan.rootDrop?.kill) return;
  spawnSync(plan.rootDrop.setpriv, [`--reuid=${runUid}`, `--regid=${runUid}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', plan.rootDrop.kill, '-9', '-1'], {
    stdio: 'ignore',
    timeout: 5000,
    env: { PATH: '/usr/bin:/bin' },
  });
}
