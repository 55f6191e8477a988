import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJsonl } from './jsonl-writer';

describe('writeJsonl', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rfai-datasets-writer-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('writes one JSON value per line from sync and async iterables, creating folders', async () => {
    const file = join(dir, 'a', 'b', 'out.jsonl');
    expect(await writeJsonl(file, [{ x: 1 }, 'é'])).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('{"x":1}\n"é"\n');
    async function* rows() {
      yield { n: 1 };
      yield { n: 2 };
    }
    expect(await writeJsonl(file, rows())).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
  });

  test('a row that is not JSON fails without touching the existing file or leaving a temporary one', async () => {
    const file = join(dir, 'keep.jsonl');
    writeFileSync(file, 'old\n');
    await expect(writeJsonl(file, [{ ok: true }, undefined])).rejects.toThrow(`row 2 for ${file} cannot be written as JSON (got undefined)`);
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  test('an unwritable target names the file', async () => {
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, '');
    await expect(writeJsonl(join(blocker, 'x.jsonl'), [1])).rejects.toThrow(`cannot create the folder of ${join(blocker, 'x.jsonl')}:`);
  });
});
