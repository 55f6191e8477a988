import { spawn } from 'node:child_process';
import fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TbArgumentError, TbHistogramValueError, TbWriterError } from './errors';
import { readEventFile, readRun } from './event-reader';
import { openWriterCount } from './exit-hooks';
import { computeHistogram } from './histogram';
import { SummaryWriter } from './summary-writer';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-writer-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const dirFor = (name: string) => path.join(tmp, name);

describe('SummaryWriter', () => {
  it('names the file events.out.tfevents.{seconds}.{hostname}.{pid}.{n}{suffix} and starts with brain.Event:2', async () => {
    const before = Math.floor(Date.now() / 1000);
    const w = new SummaryWriter(dirFor('name'), { filenameSuffix: '.rfai' });
    const w2 = new SummaryWriter(dirFor('name'));
    const m = /^events\.out\.tfevents\.(\d+)\.(.+)\.(\d+)\.(\d+)\.rfai$/.exec(path.basename(w.file));
    expect(m).not.toBeNull();
    const [, secs, host, pid, n] = m!;
    expect(Number(secs)).toBeGreaterThanOrEqual(before);
    expect(Number(secs)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(host).toBe(os.hostname());
    expect(Number(pid)).toBe(process.pid);
    const n2 = Number(/\.(\d+)$/.exec(w2.file)![1]);
    expect(n2).toBe(Number(n) + 1);
    await Promise.all([w.close(), w2.close()]);
    const { events } = await readEventFile(w.file);
    expect(events).toHaveLength(1);
    expect(events[0].fileVersion).toBe('brain.Event:2');
    expect(events[0].wallTime).toBeGreaterThanOrEqual(before);
  });

  it('round-trips scalars (as float32), histograms, text and hparams through the reader', async () => {
    const dir = dirFor('roundtrip');
    const w = new SummaryWriter(dir);
    const values = [0.1, 1 / 3, -2.5e-7, 12345.678, NaN, Infinity];
    values.forEach((v, i) => w.scalar('train/loss', v, i * 10, 1700000000 + i));
    w.scalar('train/lr', 3e-4, 0);
    const rewards = Float64Array.from({ length: 64 }, (_, i) => Math.sin(i) * 0.5 + 0.5);
    w.histogram('train/rewards', rewards, 20, { wallTime: 1700000100 });
    w.text('samples/0', '```python\nprint("hi")\n```\nscore **0.8**', 20, 1700000200);
    w.hparams({ learning_rate: 1e-5, model: 'tiny', lora: true, group_size: 8 }, ['eval/score_mean', 'train/reward_mean']);
    await w.close({ status: 'failure' });

    const run = await readRun(dir);
    expect(run.scalars['train/loss']).toEqual(
      values.map((v, i) => ({ step: i * 10, wallTime: 1700000000 + i, value: Math.fround(v) })),
    );
    expect(run.scalars['train/lr'][0].value).toBe(Math.fround(3e-4));
    expect(run.histograms['train/rewards']).toEqual([
      { step: 20, wallTime: 1700000100, histogram: computeHistogram('train/rewards', rewards) },
    ]);
    const h = run.histograms['train/rewards'][0].histogram;
    expect(h.num).toBe(64);
    expect(h.sum).toBeCloseTo(Array.from(rewards).reduce((a, b) => a + b, 0), 10);
    expect(run.texts['samples/0']).toEqual([
      { step: 20, wallTime: 1700000200, text: '```python\nprint("hi")\n```\nscore **0.8**', values: ['```python\nprint("hi")\n```\nscore **0.8**'] },
    ]);
    expect(run.hparams).toMatchObject({
      values: { learning_rate: 1e-5, model: 'tiny', lora: true, group_size: 8 },
      metricTags: ['eval/score_mean', 'train/reward_mean'],
      status: 'failure',
    });
    expect(run.truncated).toEqual([]);
  });

  it('buffers in memory and writes on the flush interval without flush() being called', async () => {
    const w = new SummaryWriter(dirFor('interval'), { flushIntervalMs: 50 });
    await w.flush();
    const header = fs.statSync(w.file).size;
    expect(header).toBe(40); // the file_version record: 24 bytes of data + 16 of framing
    w.scalar('a', 1, 1, 1);
    expect(w.bufferedBytes).toBeGreaterThan(0);
    expect(fs.statSync(w.file).size).toBe(header); // nothing written synchronously
    const deadline = Date.now() + 5000;
    while (fs.statSync(w.file).size === header && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(fs.statSync(w.file).size).toBeGreaterThan(header);
    expect(w.bufferedBytes).toBe(0);
    await w.close();
  });

  it('flushes early when the buffer passes maxBufferBytes', async () => {
    const w = new SummaryWriter(dirFor('maxbuf'), { flushIntervalMs: 0, maxBufferBytes: 1000 });
    for (let i = 0; i < 100; i++) w.scalar('loss', i, i, 1);
    expect(w.bufferedBytes).toBeLessThan(1000);
    await w.flush();
    const { events } = await readEventFile(w.file);
    expect(events).toHaveLength(101);
    await w.close();
  });

  it('writes records in order across many flushes', async () => {
    const w = new SummaryWriter(dirFor('order'), { flushIntervalMs: 0 });
    const flushes: Promise<void>[] = [];
    for (let i = 0; i < 500; i++) {
      w.scalar('x', i, i, 1);
      if (i % 7 === 0) flushes.push(w.flush());
    }
    await Promise.all(flushes);
    await w.close();
    const run = await readRun(dirFor('order'), { duplicateSteps: 'all' });
    expect(run.scalars.x.map((p) => p.value)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('close() is idempotent, unregisters exit hooks, and later logging throws', async () => {
    const before = openWriterCount();
    const w = new SummaryWriter(dirFor('closed'));
    expect(openWriterCount()).toBe(before + 1);
    const p1 = w.close();
    expect(w.close()).toBe(p1);
    await p1;
    expect(w.closed).toBe(true);
    expect(openWriterCount()).toBe(before);
    expect(() => w.scalar('a', 1, 1)).toThrow(
      new TbWriterError(w.file, 'the writer is closed; create a new SummaryWriter to log more events.'),
    );
    expect(() => w.text('a', 'b', 1)).toThrow(TbWriterError);
  });

  it('validates arguments with messages naming the argument', async () => {
    const w = new SummaryWriter(dirFor('args'), { flushIntervalMs: 0 });
    expect(() => w.scalar('', 1, 1)).toThrow(new TbArgumentError('tag', 'a non-empty string', '""'));
    expect(() => w.scalar('a', 1, 1.5)).toThrow(
      'step of "a": expected a safe integer, found 1.5 (number). Steps are int64 in the event file; round or count them.',
    );
    expect(() => w.scalar('a', '1' as never, 1)).toThrow('scalar "a" value: expected a number, found "1".');
    expect(() => w.scalar('a', 1, 1, NaN)).toThrow('wallTime: expected finite seconds since the Unix epoch, found NaN (number).');
    expect(() => w.histogram('h', [1, NaN], 1)).toThrow(TbHistogramValueError);
    expect(() => w.histogram('h', 5 as never, 1)).toThrow('histogram "h" values: expected an array or typed array of numbers, found 5 (number).');
    expect(() => w.text('t', null as never, 1)).toThrow('text "t" markdown: expected a string, found null.');
    expect(() => w.hparams({ lr: NaN })).toThrow('hparams.lr: expected a finite number, a string or a boolean, found NaN (number).');
    expect(() => w.hparams({ x: [1] as never })).toThrow('hparams.x: expected a finite number, a string or a boolean, found an array.');
    expect(() => w.hparams({ '': 1 })).toThrow('hparams key: expected a non-empty name, found "".');
    expect(() => w.hparams({ a: 1 }, [''])).toThrow('metricTags[0]: expected a non-empty tag, found "".');
    expect(() => w.hparams({ a: 1 }, 'x' as never)).toThrow('metricTags: expected an array of scalar tags, found "x".');
    w.hparams({ a: 1 });
    expect(() => w.hparams({ a: 2 })).toThrow('hparams() was already called for this writer');
    expect(() => w.close({ status: 'done' as never })).toThrow("options.status: expected 'success', 'failure', 'running' or 'unknown', found \"done\".");
    await w.close();
    // Nothing invalid reached the file.
    const { events } = await readEventFile(w.file);
    expect(events.map((e) => e.values?.[0]?.tag ?? e.fileVersion)).toEqual([
      'brain.Event:2',
      '_hparams_/experiment',
      '_hparams_/session_start_info',
      '_hparams_/session_end_info',
    ]);
  });

  it('writes the SessionEndInfo for a resumed run when asked, and not otherwise', async () => {
    const dir = dirFor('resume');
    const first = new SummaryWriter(dir, { flushIntervalMs: 0 });
    first.hparams({ lr: 0.1 }, ['eval/score_mean']);
    first.scalar('eval/score_mean', 0.5, 10, 1);
    await first.close({ status: 'running' });
    const plain = new SummaryWriter(dir, { flushIntervalMs: 0 });
    await plain.close({ status: 'failure' }); // no hparams here and not asked: nothing written
    expect((await readEventFile(plain.file)).events).toHaveLength(1);
    const resumed = new SummaryWriter(dir, { flushIntervalMs: 0 });
    resumed.scalar('eval/score_mean', 0.7, 20, 2);
    await resumed.close({ status: 'success', sessionEnd: true });
    const run = await readRun(dir);
    expect(run.hparams).toMatchObject({ values: { lr: 0.1 }, metricTags: ['eval/score_mean'], status: 'success' });
    expect(run.scalars['eval/score_mean'].map((p) => p.value)).toEqual([0.5, Math.fround(0.7)]);
  });

  it('validates constructor options', () => {
    expect(() => new SummaryWriter('')).toThrow('logdir: expected a non-empty folder path, found "".');
    expect(() => new SummaryWriter(dirFor('o'), { flushIntervalMs: -1 })).toThrow(
      'options.flushIntervalMs: expected milliseconds in [0, 2147483647], found -1 (number).',
    );
    expect(() => new SummaryWriter(dirFor('o'), { flushIntervalMs: 2 ** 31 })).toThrow(
      'options.flushIntervalMs: expected milliseconds in [0, 2147483647], found 2147483648 (number).',
    );
    expect(() => new SummaryWriter(dirFor('o'), { flushIntervalMs: NaN })).toThrow('found NaN (number).');
    expect(() => new SummaryWriter(dirFor('o'), { filenameSuffix: 'a/b' })).toThrow(
      'options.filenameSuffix: expected a string without path separators, found "a/b".',
    );
    expect(() => new SummaryWriter(dirFor('o'), { maxBufferBytes: 0 })).toThrow(
      'options.maxBufferBytes: expected a positive number of bytes, found 0 (number).',
    );
    const blocker = path.join(tmp, 'blocker');
    fs.writeFileSync(blocker, 'x');
    expect(() => new SummaryWriter(path.join(blocker, 'run'))).toThrow(
      new RegExp(`^${blocker.replace(/\./g, '\\.')}/run: cannot create the log folder: (EEXIST|ENOTDIR)`),
    );
  });

  it('reports a failed background write through onError, flush() and later calls', async () => {
    const errors: TbWriterError[] = [];
    const w = new SummaryWriter(dirFor('fail'), { flushIntervalMs: 0, onError: (e) => errors.push(e) });
    await w.flush();
    // Simulate a full disk for the next write.
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const spy = jest.spyOn(fs, 'write').mockImplementationOnce(((...args: unknown[]) => {
      const cb = args[args.length - 1] as (err: Error) => void;
      setImmediate(() => cb(enospc));
    }) as never);
    try {
      w.scalar('a', 1, 1, 1);
      const err = await w.flush().catch((e) => e);
      expect(err).toBeInstanceOf(TbWriterError);
      expect(err.message).toBe(
        `${w.file}: writing 39 bytes at offset 40 failed: ENOSPC: no space left on device, write. ` +
          'Events logged from now on are refused; check free disk space and permissions.',
      );
      expect(err.cause).toBe(enospc);
      expect(errors).toEqual([err]);
      expect(() => w.scalar('a', 2, 2)).toThrow(err);
      await expect(w.close()).rejects.toBe(err);
    } finally {
      spy.mockRestore();
    }
  });

  it('continues after a partial write', async () => {
    const w = new SummaryWriter(dirFor('partial'), { flushIntervalMs: 0 });
    await w.flush();
    const real = fs.write;
    // First call writes only 5 bytes; the writer must write the rest.
    const spy = jest.spyOn(fs, 'write').mockImplementationOnce(((fd: number, buf: Uint8Array, off: number, _len: number, pos: number, cb: never) =>
      real(fd, buf, off, 5, pos, cb)) as never);
    try {
      w.scalar('a', 1, 1, 1);
      w.scalar('a', 2, 2, 1);
      await w.flush();
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
    await w.close();
    const run = await readRun(dirFor('partial'));
    expect(run.scalars.a.map((p) => p.value)).toEqual([1, 2]);
    expect(run.truncated).toEqual([]);
  });
});

// Child processes: the exit hooks must flush buffered events however the
// process ends, and must not change how it ends. The four children run in
// parallel (started in beforeAll) to keep the suite fast.
describe('flush at process exit', () => {
  const indexPath = path.join(__dirname, 'index.ts');
  interface ChildResult {
    dir: string;
    status: number | null;
    signal: string | null;
    stdout: string;
  }

  function runChild(name: string, body: string): Promise<ChildResult> {
    const dir = dirFor(`exit-${name}`);
    const script = path.join(tmp, `${name}.ts`);
    fs.writeFileSync(
      script,
      `import { SummaryWriter } from ${JSON.stringify(indexPath)};\n` +
        `const w = new SummaryWriter(${JSON.stringify(dir)}, { flushIntervalMs: 60000 });\n` +
        `for (let i = 0; i < 1000; i++) w.scalar('loss', i, i, 1);\n${body}\n`,
    );
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: __dirname });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 40000);
      child.on('error', reject);
      child.on('close', (status, signal) => {
        clearTimeout(timer);
        resolve({ dir, status, signal, stdout: out });
      });
    });
  }

  const children: Record<string, Promise<ChildResult>> = {};
  beforeAll(() => {
    children.natural = runChild('natural', '');
    children.exit = runChild('exit', 'process.exit(3);');
    children.sigterm = runChild(
      'sigterm',
      "process.kill(process.pid, 'SIGTERM'); setTimeout(() => console.log('survived'), 2000);",
    );
    children.sigint = runChild(
      'sigint',
      "process.on('SIGINT', () => { console.log('app handler'); setTimeout(() => process.exit(7), 10); });\n" +
        "process.kill(process.pid, 'SIGINT'); setTimeout(() => {}, 5000);",
    );
  });

  async function steps(dir: string): Promise<number> {
    const run = await readRun(dir);
    expect(run.truncated).toEqual([]);
    return run.scalars.loss?.length ?? 0;
  }

  it('flushes when the event loop drains (beforeExit) and does not keep the process alive', async () => {
    const r = await children.natural;
    expect(r.status).toBe(0);
    expect(await steps(r.dir)).toBe(1000);
  });

  it('flushes on process.exit()', async () => {
    const r = await children.exit;
    expect(r.status).toBe(3);
    expect(await steps(r.dir)).toBe(1000);
  });

  it('flushes on SIGTERM and still dies by the signal when the app has no handler', async () => {
    const r = await children.sigterm;
    expect(r.signal).toBe('SIGTERM');
    expect(r.stdout).not.toContain('survived');
    expect(await steps(r.dir)).toBe(1000);
  });

  it("flushes on SIGINT and leaves the decision to the app's own handler", async () => {
    const r = await children.sigint;
    expect(r.stdout).toContain('app handler');
    expect(r.status).toBe(7);
    expect(await steps(r.dir)).toBe(1000);
  });
});

describe('SummaryWriter.sessionStart', () => {
  it('writes Event{wall_time, step, session_log{status: START}} byte for byte, and a resumed run reads without its orphans', async () => {
    const dir = dirFor('restart');
    const first = new SummaryWriter(dir, { filenameSuffix: '.1' });
    for (const s of [1, 2, 3, 4, 5]) first.scalar('x', s, s, 1000 + s);
    await first.close();
    const resumed = new SummaryWriter(dir, { filenameSuffix: '.2' });
    resumed.sessionStart(4, 1100);
    for (const s of [4, 5]) resumed.scalar('x', s + 0.5, s, 1100 + s);
    await resumed.close();
    const file = fs.readdirSync(dir).filter((f) => f.endsWith('.2')).map((f) => path.join(dir, f))[0];
    const { events } = await readEventFile(file);
    const marker = events.find((e) => e.sessionLogStatus !== undefined)!;
    expect(marker).toEqual(expect.objectContaining({ step: 4, wallTime: 1100, sessionLogStatus: 1 }));
    // The record's payload: field 1 double 1100, field 2 varint 4, field 7 { field 1 varint 1 }.
    const wall = Buffer.alloc(8);
    wall.writeDoubleLE(1100);
    const expected = Buffer.concat([Buffer.from([0x09]), wall, Buffer.from([0x10, 0x04, 0x3a, 0x02, 0x08, 0x01])]);
    expect(fs.readFileSync(file).includes(expected)).toBe(true);
    const run = await readRun(dir, { duplicateSteps: 'all' });
    expect(run.scalars.x.map((p) => [p.step, p.value])).toEqual([[1, 1], [2, 2], [3, 3], [4, 4.5], [5, 5.5]]);
  });
});
