import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset, readDataset } from './load';

// A generated ~32 MB file is streamed; the heap must not grow by anything near
// the file's size, since no step holds the whole text.
describe('streaming', () => {
  let dir: string;
  let path: string;
  const lines = 16_000;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rfai-datasets-stream-'));
    path = join(dir, 'big.jsonl');
    const fd = openSync(path, 'w');
    const filler = 'x'.repeat(2000);
    let chunk = '';
    for (let i = 0; i < lines; i++) {
      chunk += JSON.stringify({ prompt: `Task ${i}: ${filler}`, language: i % 2 ? 'python' : 'rust' }) + '\n';
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
    closeSync(fd);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('reading a large file keeps memory bounded', async () => {
    const size = statSync(path).size;
    expect(size).toBeGreaterThan(32_000_000);
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let count = 0;
    let chars = 0;
    for await (const entry of readDataset(path)) {
      count++;
      if (entry.ok) chars += entry.record.prompt.length;
      if (count % 500 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    }
    expect(count).toBe(lines);
    expect(chars).toBe(lines * 2000 + Array.from({ length: lines }, (_, i) => `Task ${i}: `.length).reduce((a, b) => a + b, 0));
    // Holding the text once would take >= 32 MB (64 MB as UTF-16); the stream stays far below.
    expect(peak).toBeLessThan(size / 2);
  });

  test('loadDataset with maxSamples stops reading early', async () => {
    const ds = await loadDataset(path, { maxSamples: 10, languages: ['rust'] });
    expect(ds.records.map((r) => r.prompt.slice(0, 8))).toEqual(
      [0, 2, 4, 6, 8, 10, 12, 14, 16, 18].map((i) => `Task ${i}:`.padEnd(8, ' ').slice(0, 8)),
    );
    expect(ds.truncated).toBe(true);
    expect(ds.lines).toBeLessThan(30);
  });
});
