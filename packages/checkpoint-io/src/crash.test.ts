// A save killed with SIGKILL at any point leaves the previous checkpoint intact and loadable,
// and no incomplete folder under a final name.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { findLatestCheckpoint, loadCheckpoint, validateCheckpoint } from './checkpoint-load';
import { saveCheckpoint } from './checkpoint-save';
import { listCheckpoints } from './checkpoint-state';

let base: string;
let child: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'rfai-crash-'));
  // Bundled once to plain JS (esbuild, ~0.1 s) so each child starts in node's time, not a TS loader's.
  child = join(base, 'crash-child.js');
  buildSync({ entryPoints: [join(__dirname, '__fixtures__', 'crash-child.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: child, logLevel: 'error' });
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function savePrevious(root: string): Promise<void> {
  await saveCheckpoint(root, {
    step: 1,
    modelConfig: { model_type: 'qwen3', hidden_size: 8 },
    model: { 'model.embed_tokens.weight': { dtype: 'F32', shape: [4], data: new Float32Array([1, 2, 3, 4]) } },
    trainerState: { epoch: 0, cursor: 1 },
  });
}

function startChild(args: string[]): ChildProcess {
  // SIGKILL is the crash being simulated: no exit handlers, no flushing.
  return spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

async function waitFor(cond: () => boolean, what: string, timeoutMs = 40000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Every folder under a final name validates with full hashing; the previous checkpoint loads with its state. */
async function assertConsistent(root: string): Promise<void> {
  for (const c of await listCheckpoints(root)) await validateCheckpoint(c.path, { verify: true });
  const prev = await loadCheckpoint(join(root, 'checkpoint-1'), { verify: true });
  expect(prev.trainerState).toEqual({ epoch: 0, cursor: 1 });
  const w = await prev.openModel();
  expect(Array.from(await w.readFloat32('model.embed_tokens.weight'))).toEqual([1, 2, 3, 4]);
  await w.close();
}

describe('crash during save', () => {
  const stages = ['temp-created', 'weights-written', 'files-written', 'state-written', 'renamed'] as const;

  it('SIGKILL at each save stage leaves the previous checkpoint and no incomplete final folder', async () => {
    const runs = await Promise.all(
      stages.map(async (stage) => {
        const root = join(base, stage);
        await savePrevious(root);
        const marker = join(base, `${stage}.marker`);
        const child = startChild([root, '50000', stage, marker]);
        const done = exited(child);
        await waitFor(() => existsSync(marker) || child.exitCode !== null, `stage ${stage}`);
        child.kill('SIGKILL');
        const res = await done;
        return { stage, root, res };
      }),
    );
    for (const { stage, root, res } of runs) {
      expect([stage, res.signal, res.stderr]).toEqual([stage, 'SIGKILL', '']);
      const names = readdirSync(root).sort();
      const warnings: string[] = [];
      const latest = await findLatestCheckpoint(root, { verify: true, logger: { warn: (m) => warnings.push(m) } });
      if (stage === 'renamed') {
        // Renamed but the pointer not yet updated: checkpoint-2 is complete and is the newest.
        expect(names.filter((n) => !n.startsWith('.'))).toEqual(['checkpoint-1', 'checkpoint-2', 'latest']);
        expect(latest?.step).toBe(2);
        expect(warnings.join('\n')).toContain('latest names checkpoint-1, but the newest valid checkpoint is');
      } else {
        expect([stage, names.filter((n) => !n.startsWith('.'))]).toEqual([stage, ['checkpoint-1', 'latest']]);
        expect(names.some((n) => n.startsWith('.tmp-checkpoint-2-'))).toBe(true);
        expect(latest?.step).toBe(1);
      }
      await assertConsistent(root);
    }

    // The next save in a live process removes the dead process's temp folder and warns.
    const root = join(base, 'files-written');
    const warnings: string[] = [];
    await saveCheckpoint(
      root,
      { step: 3, modelConfig: {}, model: { w: { dtype: 'F32', shape: [1], data: new Float32Array([3]) } } },
      { logger: { warn: (m) => warnings.push(m) } },
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/removing .*\.tmp-checkpoint-2-\d+-[a-z0-9]+, left by an interrupted save/);
    expect(readdirSync(root).sort()).toEqual(['checkpoint-1', 'checkpoint-3', 'latest']);
  });

  it('SIGKILL of a large save as soon as its temp folder appears', async () => {
    const root = join(base, 'large');
    await savePrevious(root);
    // 2 x 32 MiB of tensors: the save takes long enough to be cut in the middle.
    const child = startChild([root, String(8 << 20)]);
    const done = exited(child);
    await waitFor(() => readdirSync(root).some((n) => n.startsWith('.tmp-checkpoint-')) || child.exitCode !== null, 'temp folder');
    child.kill('SIGKILL');
    const res = await done;
    expect(res.stderr).toBe('');
    expect(existsSync(`${root}.done`)).toBe(false);
    const names = readdirSync(root).filter((n) => !n.startsWith('.'));
    // Whatever point it reached, a checkpoint-2 under its final name must be complete.
    if (names.includes('checkpoint-2')) await validateCheckpoint(join(root, 'checkpoint-2'), { verify: true });
    else expect(names.sort()).toEqual(['checkpoint-1', 'latest']);
    await assertConsistent(root);
  });
});
