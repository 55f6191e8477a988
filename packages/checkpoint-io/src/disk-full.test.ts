// Fault injection: a full disk (ENOSPC) or an exhausted quota (EDQUOT) during a save. The write of one file is
// redirected to /dev/full, whose writes fail with a real ENOSPC from the kernel; statfs is stubbed so the reported
// free space is known. The save must name the file, the bytes it needed and the free space, say that the previous
// checkpoint is intact, and leave no temp folder behind.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findLatestCheckpoint, validateCheckpoint } from './checkpoint-load';
import { saveCheckpoint, type CheckpointSaveInput } from './checkpoint-save';
import { CheckpointCorruptError, CheckpointDiskFullError, type CheckpointError } from './errors';
import { writeSafetensors } from './safetensors-writer';

const quiet = { warn: () => undefined };
let base: string;
let tok: string;
let n = 0;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'rfai-diskfull-'));
  tok = join(base, 'tokenizer.json');
  writeFileSync(tok, '{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}}}\n');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));
afterEach(() => jest.restoreAllMocks());

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function freshRoot(): string {
  return join(base, `run-${n++}`);
}

const MODEL_CONFIG = { model_type: 'qwen3', hidden_size: 4, vocab_size: 6 };

function input(step: number): CheckpointSaveInput {
  return {
    step,
    modelConfig: MODEL_CONFIG,
    model: {
      'model.embed_tokens.weight': { dtype: 'F32', shape: [6, 4], data: new Float32Array(24).fill(step) },
      'model.norm.weight': { dtype: 'F32', shape: [4], data: new Float32Array([1, 1, 1, step]) },
    },
    tokenizerFiles: [tok],
    optimizer: { 'exp_avg.model.norm.weight': { dtype: 'F32', shape: [4], data: new Float32Array([0.1, 0.2, 0.3, step]) } },
    trainerState: { epoch: 0, cursor: step },
  };
}
/** Tensor bytes of input(step) (28 + 4 floats) plus the tokenizer file: what the estimate counts. */
const checkpointBytes = () => (28 + 4) * 4 + statSync(tok).size;

/** Opens of a path matching `pattern` go to /dev/full: the file opens, and its first write fails with ENOSPC. */
function fillDiskAt(pattern: RegExp): jest.SpyInstance {
  const realOpen = fsp.open;
  return jest.spyOn(fsp, 'open').mockImplementation(((path: Parameters<typeof fsp.open>[0], flags?: string | number, mode?: number) =>
    realOpen(pattern.test(String(path)) ? '/dev/full' : path, flags, mode)) as typeof fsp.open);
}

/** statfs reports 3 free blocks of 4096 bytes. */
function stubFreeSpace(): void {
  jest.spyOn(fsp, 'statfs').mockResolvedValue({ bsize: 4096, bavail: 3 } as Awaited<ReturnType<typeof fsp.statfs>>);
}

async function failure(p: Promise<unknown>): Promise<CheckpointDiskFullError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CheckpointDiskFullError);
  return e as CheckpointDiskFullError;
}

describe('a full disk during saveCheckpoint (fault injection)', () => {
  it('ENOSPC in model.safetensors: names the file, its size, the free space and the intact previous checkpoint; no temp folder is left', async () => {
    const root = freshRoot();
    await saveCheckpoint(root, input(1), { logger: quiet });
    // The same save into a healthy folder gives the size model.safetensors of checkpoint-2 has.
    const ref = freshRoot();
    await saveCheckpoint(ref, input(2), { logger: quiet });
    const modelBytes = statSync(join(ref, 'checkpoint-2', 'model.safetensors')).size;

    fillDiskAt(/\.tmp-checkpoint-2-[^/]+\/model\.safetensors\.tmp-/);
    stubFreeSpace();
    const e = await failure(saveCheckpoint(root, input(2), { logger: quiet }));
    expect({
      code: e.code,
      path: e.path,
      key: e.key,
      bytesNeeded: e.bytesNeeded,
      bytesFree: e.bytesFree,
      checkpointBytes: e.checkpointBytes,
      previousCheckpoint: e.previousCheckpoint,
      saved: e.saved,
      expected: e.expected,
      found: e.found,
    }).toEqual({
      code: 'ENOSPC',
      path: join(root, 'checkpoint-2', 'model.safetensors'),
      key: 'model.safetensors',
      bytesNeeded: modelBytes,
      bytesFree: 12288,
      checkpointBytes: checkpointBytes(),
      previousCheckpoint: join(root, 'checkpoint-1'),
      saved: false,
      expected: modelBytes,
      found: 12288,
    });
    const r = esc(root);
    expect(e.message).toMatch(
      new RegExp(
        `^saveCheckpoint\\(${r}\\): no space left on the device \\(ENOSPC\\) while writing model\\.safetensors of checkpoint-2: ` +
          `that file needs ${modelBytes} bytes, and the whole checkpoint about ${checkpointBytes()} bytes; ` +
          `${r} has 12288 bytes \\(12\\.0 KiB\\) free after the partial checkpoint was removed\\. ` +
          `The previous checkpoint, ${esc(join(root, 'checkpoint-1'))}, is intact\\. ` +
          `The partial temp folder \\.tmp-checkpoint-2-\\d+-[a-z0-9]+ was removed\\. ` +
          `Make room for at least ${checkpointBytes()} bytes on that disk \\(or save to another disk\\), then save again\\.$`,
      ),
    );
    expect((e.cause as NodeJS.ErrnoException).message).toContain(`cannot write ${root}/.tmp-checkpoint-2-`);
    // Nothing of the failed save is left; the previous checkpoint is untouched and still the latest.
    expect(readdirSync(root).sort()).toEqual(['checkpoint-1', 'latest']);
    expect(readFileSync(join(root, 'latest'), 'utf8')).toBe('checkpoint-1\n');
    await validateCheckpoint(join(root, 'checkpoint-1'), { verify: true });
    expect((await findLatestCheckpoint(root, { verify: true, logger: quiet }))?.step).toBe(1);

    // Once there is space again, the same save succeeds.
    jest.restoreAllMocks();
    await saveCheckpoint(root, input(2), { logger: quiet });
    expect(readdirSync(root).sort()).toEqual(['checkpoint-1', 'checkpoint-2', 'latest']);
  });

  it('ENOSPC in config.json with no earlier checkpoint: the bytes of config.json, and nothing was saved', async () => {
    const root = freshRoot();
    fillDiskAt(/\.tmp-checkpoint-5-[^/]+\/config\.json$/);
    stubFreeSpace();
    const e = await failure(saveCheckpoint(root, input(5), { logger: quiet }));
    const configBytes = Buffer.byteLength(JSON.stringify(MODEL_CONFIG, null, 2) + '\n');
    expect([e.code, e.path, e.bytesNeeded, e.bytesFree, e.previousCheckpoint]).toEqual(['ENOSPC', join(root, 'checkpoint-5', 'config.json'), configBytes, 12288, null]);
    expect(e.message).toContain(`while writing config.json of checkpoint-5: that file needs ${configBytes} bytes, and the whole checkpoint about ${checkpointBytes()} bytes;`);
    expect(e.message).toContain(`${root} holds no earlier checkpoint; nothing was saved.`);
    expect(readdirSync(root)).toEqual([]);
  });

  it('EDQUOT while copying a tokenizer file: says the quota is exceeded, names the copy and its size', async () => {
    const root = freshRoot();
    await saveCheckpoint(root, input(1), { logger: quiet });
    const realCopy = fsp.copyFile;
    jest.spyOn(fsp, 'copyFile').mockImplementation((async (from: string, to: string) => {
      if (String(to).endsWith('/tokenizer.json') && String(to).includes('.tmp-checkpoint-2-')) {
        throw Object.assign(new Error(`EDQUOT: disk quota exceeded, copyfile '${from}' -> '${to}'`), { code: 'EDQUOT', errno: -122, syscall: 'copyfile' });
      }
      return realCopy(from, to);
    }) as typeof fsp.copyFile);
    stubFreeSpace();
    const e = await failure(saveCheckpoint(root, input(2), { logger: quiet }));
    const tokBytes = statSync(tok).size;
    expect([e.code, e.path, e.bytesNeeded, e.previousCheckpoint]).toEqual(['EDQUOT', join(root, 'checkpoint-2', 'tokenizer.json'), tokBytes, join(root, 'checkpoint-1')]);
    expect(e.message).toContain(`the disk quota is exceeded (EDQUOT) while writing tokenizer.json of checkpoint-2: that file needs ${tokBytes} bytes`);
    expect(e.message).toContain('has 12288 bytes (12.0 KiB) free (your quota may allow less) after the partial checkpoint was removed.');
    expect(readdirSync(root).sort()).toEqual(['checkpoint-1', 'latest']);
  });

  it('ENOSPC on the latest pointer after the rename: the new checkpoint is complete and is still found', async () => {
    const root = freshRoot();
    await saveCheckpoint(root, input(1), { logger: quiet });
    fillDiskAt(/\/latest\.tmp-/);
    stubFreeSpace();
    const e = await failure(saveCheckpoint(root, input(2), { logger: quiet }));
    expect([e.code, e.path, e.bytesNeeded, e.saved]).toEqual(['ENOSPC', join(root, 'latest'), Buffer.byteLength('checkpoint-2\n'), true]);
    expect(e.message).toContain(`${join(root, 'checkpoint-2')} was written completely, but no space left on the device (ENOSPC) while writing ${join(root, 'latest')}`);
    jest.restoreAllMocks();
    expect(readdirSync(root).filter((f) => !f.startsWith('.')).sort()).toEqual(['checkpoint-1', 'checkpoint-2', 'latest']);
    expect(readFileSync(join(root, 'latest'), 'utf8')).toBe('checkpoint-1\n');
    expect((await findLatestCheckpoint(root, { verify: true, logger: quiet }))?.step).toBe(2);
  });
});

describe('a full disk during writeSafetensors', () => {
  it('names the file and its size; the temp sibling is removed and the old file kept', async () => {
    const dir = join(base, 'plain');
    mkdirSync(dir);
    const file = join(dir, 'w.safetensors');
    const tensors = { w: { dtype: 'F32' as const, shape: [3], data: new Float32Array([1, 2, 3]) } };
    const first = await writeSafetensors(file, tensors);
    fillDiskAt(/w\.safetensors\.tmp-/);
    stubFreeSpace();
    const e = await failure(writeSafetensors(file, { w: { dtype: 'F32', shape: [3], data: new Float32Array([4, 5, 6]) } }));
    expect([e.code, e.path, e.bytesNeeded, e.bytesFree]).toEqual(['ENOSPC', file, first.size, 12288]);
    expect(e.message).toBe(
      `cannot write ${file}: no space left on the device (ENOSPC): the file needs ${first.size} bytes, and its file system has 12288 bytes (12.0 KiB) free. ` +
        'Free space on that disk, or write to another one.',
    );
    expect(readdirSync(dir)).toEqual(['w.safetensors']);
    expect(statSync(file).size).toBe(first.size);
    expect(existsSync(file)).toBe(true);
  });
});

describe('findLatestCheckpoint with verify: a same-size corruption', () => {
  it('skips the checkpoint whose bytes were flipped, reports file and hashes through onSkip, and falls back to the previous one', async () => {
    const root = freshRoot();
    await saveCheckpoint(root, input(1), { logger: quiet });
    await saveCheckpoint(root, input(2), { logger: quiet });
    const file = join(root, 'checkpoint-2', 'optimizer.safetensors');
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff; // same size, other content
    writeFileSync(file, bytes);
    const warnings: string[] = [];
    const skipped: [string, CheckpointError][] = [];
    const found = await findLatestCheckpoint(root, { verify: true, logger: { warn: (m) => warnings.push(m) }, onSkip: (p, err) => skipped.push([p, err]) });
    expect(found?.path).toBe(join(root, 'checkpoint-1'));
    expect(skipped.map(([p, err]) => [p, err.constructor, err.path, err.key])).toEqual([
      [join(root, 'checkpoint-2'), CheckpointCorruptError, file, 'optimizer.safetensors'],
    ]);
    const [, err] = skipped[0];
    expect([err.expected, err.found]).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/), expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(err.expected).not.toBe(err.found);
    expect(warnings[0]).toBe(
      `skipping ${join(root, 'checkpoint-2')}: checkpoint ${join(root, 'checkpoint-2')}: optimizer.safetensors has sha256 ${err.found as string} ` +
        `but the manifest records ${err.expected as string}; the file is corrupt, use an earlier checkpoint; trying the previous checkpoint`,
    );
    expect(warnings[1]).toBe(`${join(root, 'latest')} names checkpoint-2, but the newest valid checkpoint is ${join(root, 'checkpoint-1')}; using it`);
  });
});
