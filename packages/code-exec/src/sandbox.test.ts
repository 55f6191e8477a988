// runSandboxed's end of a run: output the program wrote before the pipes closed is kept even when the caller's event
// loop was blocked past the exit grace (the timer phase runs before the poll phase that reads the pipe), and a
// descendant that holds the pipes open is not waited for beyond the grace.
import * as fs from 'node:fs';
import { EXIT_GRACE_MS, makeRunDir, probeSandbox, removeRunDir, runSandboxed, type SandboxRunSpec } from './sandbox';

jest.setTimeout(30_000);

const quiet = { info: () => undefined, warn: () => undefined };
// No namespaces: a background child stays alive after the shell exits and holds the pipes, as an escaped one would.
const plan = probeSandbox('none', quiet, 61_000);

function spec(dir: string, script: string): SandboxRunSpec {
  return {
    argv: ['/bin/sh', '-c', script],
    cwd: dir,
    limits: { addressSpaceMb: 1024, cpuSeconds: 10, maxProcesses: 64, maxFileMb: 1, maxOpenFiles: 64 },
    wallMs: 20_000,
    outputLimitBytes: 65_536,
    slot: 0,
  };
}

function blockLoop(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    /* a caller busy with synchronous work (parsing, scoring) */
  }
}

describe('runSandboxed after the process exits', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeRunDir('rfai-sandbox-test-');
    fs.chmodSync(dir, 0o777);
  });
  afterEach(() => removeRunDir(dir));

  it('keeps output written within the grace though the caller was busy until after it', async () => {
    // The shell exits at once; its background child writes 'late' 150 ms later (inside the 200 ms grace) while this
    // loop is blocked from 100 to 600 ms in its check phase (after that iteration's poll): the next iteration's timer
    // phase finds the grace due before its poll phase has read the line.
    expect(EXIT_GRACE_MS).toBe(200);
    const run = runSandboxed(plan, spec(dir, 'echo early; (sleep 0.15; echo late) & exit 0'));
    setTimeout(() => setImmediate(() => blockLoop(500)), 100);
    const o = await run;
    expect(o.exitCode).toBe(0);
    expect(o.stdout.split('\n').filter(Boolean)).toEqual(['early', 'late']);
  });

  it('does not wait past the grace for a descendant that keeps the pipes open', async () => {
    const t0 = Date.now();
    const o = await runSandboxed(plan, spec(dir, 'echo early; (sleep 3; echo late) & exit 0'));
    expect(o.exitCode).toBe(0);
    expect(o.timedOut).toBe(false);
    expect(o.stdout.split('\n').filter(Boolean)).toEqual(['early']);
    expect(Date.now() - t0).toBeLessThan(2_500);
  });
});
