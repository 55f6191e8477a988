import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TbArgumentError, TbCorruptRecordError, TbDecodeError, TbError } from './errors';
import { compareEventFiles, isEventFileName, listRuns, readEventFile, readRun, readRunScalars } from './event-reader';
import { dbl, f32, f64, flt, ld, record, str, vint } from './__fixtures__/spec';

// Fixture built byte by byte from the protos, the way TensorFlow 2, PyTorch
// and tensorboardX write events. Field numbers:
// Event{wall_time=1 step=2 file_version=3 graph_def=4 summary=5 session_log=7}
// Value{tag=1 simple_value=2 histo=5 tensor=8 metadata=9}
// TensorProto{dtype=1 tensor_shape=2 tensor_content=4 float_val=5 double_val=6 string_val=8}
const event = (wall: number, step: number, ...rest: number[][]) => [...dbl(1, wall), ...(step ? vint(2, step) : []), ...rest.flat()];
const summary = (...values: number[][]) => ld(5, values.map((v) => ld(1, v)).flat());
const metadata = (plugin: string, content: number[] = [], dataClass = 0) =>
  ld(9, [...ld(1, [...str(1, plugin), ...(content.length ? ld(2, content) : [])]), ...(dataClass ? vint(4, dataClass) : [])]);
const shape = (...dims: number[]) => ld(2, dims.map((d) => ld(2, d ? vint(1, d) : [])).flat());

const tf2Records: number[][] = [
  event(1000, 0, str(3, 'brain.Event:2')),
  // TF2 tensor scalar with metadata (first value of the tag): float_val.
  event(1001, 1, summary([...str(1, 'loss'), ...ld(8, [...vint(1, 1), ...shape(), ...ld(5, f32(0.5))]), ...metadata('scalars', [], 1)])),
  // Same tag later without metadata, value in tensor_content.
  event(1002, 2, summary([...str(1, 'loss'), ...ld(8, [...vint(1, 1), ...shape(), ...ld(4, f32(0.25))])])),
  // DT_DOUBLE scalar, packed double_val.
  event(1003, 2, summary([...str(1, 'lr'), ...ld(8, [...vint(1, 2), ...shape(), ...ld(6, f64(3e-4))]), ...metadata('scalars')])),
  // TF2 histogram: DT_DOUBLE [2, 3] rows of (left, right, count) in tensor_content.
  event(1004, 3, summary([...str(1, 'w'), ...ld(8, [...vint(1, 2), ...shape(2, 3), ...ld(4, [0, 1, 4, 1, 2, 6].flatMap(f64))]), ...metadata('histograms')])),
  // PyTorch add_text: DT_STRING shape [1].
  event(1005, 3, summary([...str(1, 'note/text_summary'), ...ld(8, [...vint(1, 7), ...shape(1), ...str(8, 'héllo *md*')]), ...metadata('text')])),
  // Legacy simple_value and HistogramProto in one Summary.
  event(1006, 4, summary(
    [...str(1, 'acc'), ...flt(2, 0.75)],
    [...str(1, 'h'), ...ld(5, [...dbl(1, 1), ...dbl(2, 2), ...dbl(3, 2), ...dbl(4, 3), ...dbl(5, 5), ...ld(6, [...f64(1.5), ...f64(Number.MAX_VALUE)]), ...ld(7, [...f64(1), ...f64(1)])])],
  )),
  // A graph_def event: not a summary, skipped by the summary decoders.
  event(1007, 0, ld(4, [1, 2, 3])),
  // PyTorch-style hparams: metadata only, no tensor.
  event(1008, 0, summary([...str(1, '_hparams_/session_start_info'), ...metadata('hparams', ld(3, [
    ...ld(1, [...str(1, 'opt'), ...ld(2, str(3, 'adamw'))]),
    ...ld(1, [...str(1, 'bs'), ...ld(2, dbl(2, 8))]),
    ...ld(1, [...str(1, 'lora'), ...ld(2, vint(4, 0))]),
    ...ld(1, [...str(1, 'none'), ...ld(2, vint(1, 0))]),
    ...dbl(5, 999),
  ]))])),
  event(1009, 0, summary([...str(1, '_hparams_/experiment'), ...metadata('hparams', ld(2, [
    ...ld(4, [...str(1, 'opt'), ...vint(4, 1)]),
    ...ld(5, ld(1, [...str(1, 'eval'), ...str(2, 'acc')])),
  ]))])),
  event(1010, 0, summary([...str(1, '_hparams_/session_end_info'), ...metadata('hparams', ld(4, [...vint(1, 1), ...dbl(2, 1010)]))])),
  // SessionLog START.
  event(1011, 5, ld(7, vint(1, 1))),
];

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-reader-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function writeFile(rel: string, records: number[][], tail: number[] = []): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.from([...records.flatMap(record), ...tail]));
  return file;
}

const fixtureBytes = () => tf2Records.flatMap(record);

describe('readEventFile on a fixture built from the specification', () => {
  it('decodes tensor scalars, tensor histograms, text, legacy values, hparams and session logs', async () => {
    const file = writeFile('fixture/events.out.tfevents.1000.host', tf2Records);
    const { events, truncated, corrupt } = await readEventFile(file);
    expect(truncated).toBeNull();
    expect(corrupt).toBeNull();
    expect(events).toHaveLength(tf2Records.length);
    expect(events[0]).toEqual({ wallTime: 1000, step: 0, fileVersion: 'brain.Event:2', offset: 0 });
    expect(events[1].offset).toBe(tf2Records[0].length + 16);
    expect(events[1].values).toEqual([{ kind: 'scalar', tag: 'loss', value: 0.5 }]);
    expect(events[2].values).toEqual([{ kind: 'scalar', tag: 'loss', value: 0.25 }]);
    expect(events[3].values).toEqual([{ kind: 'scalar', tag: 'lr', value: 3e-4 }]);
    expect(events[4].values).toEqual([
      { kind: 'tensorHistogram', tag: 'w', buckets: [{ left: 0, right: 1, count: 4 }, { left: 1, right: 2, count: 6 }] },
    ]);
    expect(events[5].values).toEqual([
      { kind: 'text', tag: 'note/text_summary', text: 'héllo *md*', values: ['héllo *md*'], shape: [1] },
    ]);
    expect(events[6].values).toEqual([
      { kind: 'scalar', tag: 'acc', value: 0.75 },
      {
        kind: 'histogram',
        tag: 'h',
        histogram: { min: 1, max: 2, num: 2, sum: 3, sumSquares: 5, bucketLimit: [1.5, Number.MAX_VALUE], bucket: [1, 1] },
      },
    ]);
    expect(events[7]).toEqual({ wallTime: 1007, step: 0, offset: events[7].offset });
    expect(events[8].values).toEqual([
      {
        kind: 'hparams',
        tag: '_hparams_/session_start_info',
        data: { type: 'sessionStart', hparams: { opt: 'adamw', bs: 8, lora: false, none: null }, groupName: '', startTimeSecs: 999, modelUri: '' },
      },
    ]);
    expect(events[11].sessionLogStatus).toBe(1);
    expect(events[11].step).toBe(5);
  });

  it('gives the same events when streamed in 16-byte chunks', async () => {
    const file = writeFile('chunks/events.out.tfevents.1000.host', tf2Records);
    const whole = await readEventFile(file);
    const chunked = await readEventFile(file, { chunkBytes: 16 });
    expect(chunked).toEqual(whole);
  });

  it('reports a truncated final record instead of failing (data cut short)', async () => {
    const full = record(event(2000, 9, summary([...str(1, 'loss'), ...flt(2, 1)])));
    const file = writeFile('trunc/events.out.tfevents.1000.host', tf2Records, full.slice(0, 20));
    const res = await readEventFile(file, { chunkBytes: 64 });
    expect(res.events).toHaveLength(tf2Records.length);
    expect(res.truncated).toEqual({ file, offset: fixtureBytes().length, bytesPresent: 20, bytesNeeded: full.length });
  });

  it('reports a truncated final record whose header is incomplete', async () => {
    const file = writeFile('trunc2/events.out.tfevents.1000.host', tf2Records.slice(0, 2), [0x18, 0, 0, 0, 0]);
    const res = await readEventFile(file);
    expect(res.events).toHaveLength(2);
    expect(res.truncated).toEqual({
      file,
      offset: tf2Records.slice(0, 2).flatMap(record).length,
      bytesPresent: 5,
      bytesNeeded: 12,
    });
  });

  it('throws TbCorruptRecordError on a data CRC mismatch, naming file, offset and CRCs', async () => {
    const bytes = fixtureBytes();
    const at = tf2Records[0].length + 16; // start of record 1
    bytes[at + 12 + 3] ^= 0x40; // flip a bit inside record 1's data
    const file = path.join(tmp, 'corrupt-data.tfevents');
    fs.writeFileSync(file, Buffer.from(bytes));
    const err = await readEventFile(file).catch((e) => e);
    expect(err).toBeInstanceOf(TbCorruptRecordError);
    expect(err).toMatchObject({ file, offset: at, check: 'data-crc' });
    expect(err.message).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: record at byte ${at}: record data CRC mismatch: stored masked CRC32C 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\\. The file is corrupt at this point; records before byte ${at} are intact`),
    );
    // onCorrupt: 'stop' returns the records before it.
    const stopped = await readEventFile(file, { onCorrupt: 'stop' });
    expect(stopped.events).toHaveLength(1);
    expect(stopped.corrupt).toBeInstanceOf(TbCorruptRecordError);
  });

  it('throws on a length CRC mismatch', async () => {
    const bytes = fixtureBytes();
    bytes[0] = 0x19; // length 25 no longer matches its CRC
    const file = path.join(tmp, 'corrupt-len.tfevents');
    fs.writeFileSync(file, Buffer.from(bytes));
    await expect(readEventFile(file)).rejects.toMatchObject({ name: 'TbCorruptRecordError', offset: 0, check: 'length-crc' });
    await expect(readEventFile(file)).rejects.toThrow('record at byte 0: length header CRC mismatch');
  });

  it('throws TbDecodeError for a well-framed record that is not an Event', async () => {
    const file = path.join(tmp, 'bad-proto.tfevents');
    fs.writeFileSync(file, Buffer.from(record([0x2a, 0x05, 0x0a])));
    const err = await readEventFile(file).catch((e) => e);
    expect(err).toBeInstanceOf(TbDecodeError);
    expect(err.message).toBe(`${file}: record at byte 0: cannot decode Event protobuf (positions within the record data): field needs 5 bytes at byte 2 but the message ends at byte 3.`);
  });

  it('rejects a missing file and bad options with clear messages', async () => {
    const missing = path.join(tmp, 'nope', 'events.out.tfevents.1');
    await expect(readEventFile(missing)).rejects.toThrow(new RegExp(`^${missing.replace(/\./g, '\\.')}: cannot open event file: ENOENT`));
    await expect(readEventFile(missing, { chunkBytes: 3 })).rejects.toThrow(
      new TbArgumentError('options.chunkBytes', 'an integer >= 16', '3'),
    );
  });
});

describe('readRun / readRunScalars / listRuns', () => {
  it('merges a run\'s files, keeps the last point per step by default, and reads hparams', async () => {
    const dir = path.join(tmp, 'logs', 'resumed');
    const scalarEv = (wall: number, step: number, v: number) => event(wall, step, summary([...str(1, 'x'), ...flt(2, v)]));
    writeFile('logs/resumed/events.out.tfevents.1000.host.1.0', [
      event(1000, 0, str(3, 'brain.Event:2')),
      ...[0, 1, 2, 3, 4, 5].map((s) => scalarEv(1000 + s, s, s)),
    ]);
    // Resumed from a checkpoint at step 3: steps 3..6 logged again.
    writeFile('logs/resumed/events.out.tfevents.1100.host.2.0', [
      event(1100, 0, str(3, 'brain.Event:2')),
      ...[3, 4, 5, 6].map((s) => scalarEv(1100 + s, s, s + 0.5)),
    ], [1, 2, 3]);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not an event file');
    const run = await readRun(dir);
    expect(run.files.map((f) => path.basename(f))).toEqual(['events.out.tfevents.1000.host.1.0', 'events.out.tfevents.1100.host.2.0']);
    expect(run.scalars.x.map((p) => [p.step, p.value, p.wallTime])).toEqual([
      [0, 0, 1000], [1, 1, 1001], [2, 2, 1002], [3, 3.5, 1103], [4, 4.5, 1104], [5, 5.5, 1105], [6, 6.5, 1106],
    ]);
    expect(run.truncated).toEqual([{ file: run.files[1], offset: expect.any(Number), bytesPresent: 3, bytesNeeded: 12 }]);
    expect(run.eventCount).toBe(12);
    const all = await readRun(dir, { duplicateSteps: 'all' });
    expect(all.scalars.x.map((p) => p.value)).toEqual([0, 1, 2, 3, 3.5, 4, 4.5, 5, 5.5, 6.5]);
    expect(await readRunScalars(dir)).toEqual(run.scalars);
    await expect(readRun(dir, { duplicateSteps: 'first' as never })).rejects.toThrow(
      "options.duplicateSteps: expected 'last' or 'all', found first.",
    );
  });

  it('a SessionLog START drops the points at or after its step read so far (TensorBoard purge_orphaned_data)', async () => {
    const dir = path.join(tmp, 'logs', 'restart');
    const scalarEv = (wall: number, step: number, v: number) => event(wall, step, summary([...str(1, 'x'), ...flt(2, v)]));
    writeFile('logs/restart/events.out.tfevents.1000.host.1.0', [
      event(1000, 0, str(3, 'brain.Event:2')),
      ...[1, 2, 3, 4, 5].map((s) => scalarEv(1000 + s, s, s)),
    ]);
    // Resumed after a checkpoint at step 3: the restart marker at step 4, then steps 4 and 5 again.
    writeFile('logs/restart/events.out.tfevents.1100.host.2.0', [
      event(1100, 0, str(3, 'brain.Event:2')),
      event(1100, 4, ld(7, vint(1, 1))),
      ...[4, 5].map((s) => scalarEv(1100 + s, s, s + 0.5)),
    ]);
    const all = await readRun(dir, { duplicateSteps: 'all' });
    expect(all.scalars.x.map((p) => [p.step, p.value])).toEqual([[1, 1], [2, 2], [3, 3], [4, 4.5], [5, 5.5]]);
    // A SessionLog other than START (e.g. CHECKPOINT = 3) purges nothing.
    writeFile('logs/restart/events.out.tfevents.1200.host.3.0', [event(1200, 2, ld(7, vint(1, 3)))]);
    expect((await readRun(dir, { duplicateSteps: 'all' })).scalars.x).toHaveLength(5);
  });

  it('reads the fixture run: texts, histograms, tensor histograms and torch-style hparams', async () => {
    writeFile('logs/tf2/events.out.tfevents.1000.host', tf2Records);
    const run = await readRun(path.join(tmp, 'logs', 'tf2'));
    expect(run.scalars.loss).toEqual([{ step: 1, wallTime: 1001, value: 0.5 }, { step: 2, wallTime: 1002, value: 0.25 }]);
    expect(run.texts['note/text_summary']).toEqual([{ step: 3, wallTime: 1005, text: 'héllo *md*', values: ['héllo *md*'] }]);
    expect(run.histograms.h[0].histogram.num).toBe(2);
    expect(run.tensorHistograms.w[0].buckets).toHaveLength(2);
    expect(run.hparams).toEqual({
      values: { opt: 'adamw', bs: 8, lora: false, none: null },
      metricTags: ['eval/acc'],
      startTimeSecs: 999,
      status: 'success',
      endTimeSecs: 1010,
    });
  });

  it('lists every folder holding event files, as TensorBoard does', async () => {
    const root = path.join(tmp, 'list');
    writeFile('list/events.out.tfevents.1.host', [event(1, 0, str(3, 'brain.Event:2'))]);
    writeFile('list/a/events.out.tfevents.2.host', [event(2, 0, str(3, 'brain.Event:2'))]);
    writeFile('list/b/c/events.out.tfevents.3.host.suffix', [event(3, 0, str(3, 'brain.Event:2'))]);
    fs.mkdirSync(path.join(root, 'empty'));
    fs.writeFileSync(path.join(root, 'b', 'readme.md'), '#');
    const runs = await listRuns(root);
    expect(runs.map((r) => r.name)).toEqual(['.', 'a', 'b/c']);
    expect(runs[1]).toMatchObject({ dir: path.join(root, 'a'), files: [path.join(root, 'a', 'events.out.tfevents.2.host')], bytes: 40 });
    expect(runs[1].lastModifiedMs).toBeGreaterThan(0);
  });

  it('names the folder when it cannot be read', async () => {
    const missing = path.join(tmp, 'missing-run');
    await expect(readRun(missing)).rejects.toThrow(`${missing}: cannot list the run folder: ENOENT`);
    await expect(listRuns(missing)).rejects.toThrow(`${missing}: cannot read the log folder: ENOENT`);
    const file = path.join(tmp, 'plain.txt');
    fs.writeFileSync(file, 'x');
    const err = await listRuns(file).catch((e) => e);
    expect(err).toBeInstanceOf(TbError);
    expect(err.message).toBe(`${file}: not a folder; listRuns expects a log folder such as logs/tensorboard.`);
  });

  it('orders event files by creation, comparing numbers as numbers', () => {
    const names = ['events.out.tfevents.1700000001.h.5.0', 'events.out.tfevents.1700000000.h.5.10', 'events.out.tfevents.1700000000.h.5.9'];
    expect(names.sort(compareEventFiles)).toEqual([
      'events.out.tfevents.1700000000.h.5.9',
      'events.out.tfevents.1700000000.h.5.10',
      'events.out.tfevents.1700000001.h.5.0',
    ]);
  });

  it('recognises event file names', () => {
    expect(isEventFileName('events.out.tfevents.1700000000.host.1.0')).toBe(true);
    expect(isEventFileName('/x/y/events.out.tfevents.1.h.v2')).toBe(true);
    expect(isEventFileName('events.out.tfevents')).toBe(false);
    expect(isEventFileName('model.safetensors')).toBe(false);
  });
});
