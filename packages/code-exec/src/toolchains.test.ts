import { detectToolchains } from './index';
import { sandboxArgv, type SandboxPlan } from './sandbox';

describe('detectToolchains', () => {
  it('finds every toolchain of this machine with a version and the Debian package to install', async () => {
    const t = await detectToolchains();
    expect(Object.keys(t).sort()).toEqual(['cpp', 'javascript', 'python', 'rust', 'typescript']);
    expect(t.python).toMatchObject({ available: true, install: 'python3' });
    expect(t.python.version).toMatch(/^Python 3\.\d+\.\d+$/);
    expect(t.javascript).toMatchObject({ available: true, install: 'nodejs', version: `node ${process.version}`, path: process.execPath });
    expect(t.typescript.version).toMatch(/^node v\d+.* \+ typescript 5\./);
    expect(t.rust).toMatchObject({ available: true, install: 'rustc' });
    expect(t.rust.version).toMatch(/^rustc 1\.\d+/);
    expect(t.cpp).toMatchObject({ available: true, install: 'g++' });
    expect(t.cpp.version).toMatch(/^g\+\+/);
  });
});

describe('sandboxArgv', () => {
  const limits = { addressSpaceMb: 512, cpuSeconds: 3, maxProcesses: 64, maxFileMb: 16, maxOpenFiles: 256 };
  const spec = { argv: ['/usr/bin/python3', 'main.py'], cwd: '/tmp/x', limits, wallMs: 2000, outputLimitBytes: 1 << 20, slot: 3 };
  it('builds unshare + setpriv (root) + prlimit + the init shell', () => {
    const plan: SandboxPlan = {
      prlimit: '/usr/bin/prlimit',
      unshare: { path: '/usr/bin/unshare', args: ['-n', '-p', '-f', '--kill-child'] },
      networkIsolated: true,
      pidNamespace: true,
      rootDrop: { setpriv: '/usr/bin/setpriv', uidBase: 61000 },
      nprocBaseline: 0,
      sh: '/bin/sh',
    };
    const a = sandboxArgv(plan, spec);
    expect(a.runUid).toBe(61003);
    expect(a.argv).toEqual([
      '/usr/bin/unshare', '-n', '-p', '-f', '--kill-child',
      '/usr/bin/setpriv', '--ruid=61003', '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs',
      '/usr/bin/prlimit', `--as=${512 * 1024 * 1024}`, '--cpu=3', '--nproc=64', `--fsize=${16 * 1024 * 1024}`, '--nofile=256', '--core=0', '--',
      '/bin/sh', '-p', '-c', 'unset PWD; "$@"; exit $?', 'sh', '/usr/bin/python3', 'main.py',
    ]);
    expect(sandboxArgv(plan, { ...spec, keepRootUid: true }).runUid).toBeUndefined();
  });

  it('without namespaces (non-root, no user namespaces) adds the baseline to nproc and runs the program directly', () => {
    const plan: SandboxPlan = { prlimit: '/usr/bin/prlimit', networkIsolated: false, pidNamespace: false, nprocBaseline: 100, sh: '/bin/sh' };
    const a = sandboxArgv(plan, spec);
    expect(a.argv).toEqual(['/usr/bin/prlimit', `--as=${512 * 1024 * 1024}`, '--cpu=3', '--nproc=164', `--fsize=${16 * 1024 * 1024}`, '--nofile=256', '--core=0', '--', '/usr/bin/python3', 'main.py']);
    expect(a.wrapped).toBe(false);
  });
});
