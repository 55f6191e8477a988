import { encodeFileVersionEvent, encodeHistogramEvent, encodeScalarEvent, encodeTextEvent } from './event-encoder';
import { encodeExperimentEvent, encodeSessionEndEvent, encodeSessionStartEvent, sessionGroupName } from './hparams';
import { ProtoWriter } from './protobuf';
import { frameRecord } from './tfrecord';
import { dbl, f32, f64, flt, key, ld, record, str, u32, utf8, vint } from './__fixtures__/spec';
import { createHash } from 'node:crypto';

function bytesOf(fn: (w: ProtoWriter) => void): number[] {
  const w = new ProtoWriter(8);
  fn(w);
  return Array.from(w.finish());
}

describe('event encodings (byte-exact)', () => {
  it('encodes a scalar event exactly as TensorFlow serializes it', () => {
    // Event{wall_time: 1.5, step: 7, summary{value{tag: "loss", simple_value: 0.25}}}
    const expected = [
      0x09, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, // wall_time = 1.5
      0x10, 0x07, // step = 7
      0x2a, 0x0d, // summary, 13 bytes
      0x0a, 0x0b, // value, 11 bytes
      0x0a, 0x04, 0x6c, 0x6f, 0x73, 0x73, // tag "loss"
      0x15, 0x00, 0x00, 0x80, 0x3e, // simple_value = 0.25f
    ];
    const got = bytesOf((w) => encodeScalarEvent(w, 'loss', 0.25, 7, 1.5));
    expect(got).toEqual(expected);
    // Framed: length 26 (9 + 2 + 2 + 13), masked CRCs of the length and of the data.
    const framed = Array.from(frameRecord(Uint8Array.from(got)));
    expect(framed).toEqual(record(expected));
    expect(framed.slice(0, 8)).toEqual([26, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('omits step 0 but keeps a 0.0 simple_value (it is in a oneof)', () => {
    const got = bytesOf((w) => encodeScalarEvent(w, 'a', 0, 0, 2));
    const value = [...str(1, 'a'), ...flt(2, 0)];
    expect(got).toEqual([...dbl(1, 2), ...ld(5, ld(1, value))]);
  });

  it('encodes negative steps as 10-byte int64 varints', () => {
    const got = bytesOf((w) => encodeScalarEvent(w, 'a', 1, -1, 2));
    expect(got.slice(9, 20)).toEqual([0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it('encodes the file_version event; its framed header is the one in every TF event file', () => {
    const got = bytesOf((w) => encodeFileVersionEvent(w, 1700000000.25));
    expect(got).toEqual([...dbl(1, 1700000000.25), ...str(3, 'brain.Event:2')]);
    const framed = Array.from(frameRecord(Uint8Array.from(got)));
    expect(Buffer.from(framed.slice(0, 12)).toString('hex')).toBe('1800000000000000a37f4b22');
  });

  it('encodes a histogram as HistogramProto with packed doubles', () => {
    const h = { min: -1, max: 2, num: 3, sum: 1.5, sumSquares: 5.25, bucketLimit: [0, 1.7976931348623157e308], bucket: [1, 2] };
    const histo = [
      ...dbl(1, -1),
      ...dbl(2, 2),
      ...dbl(3, 3),
      ...dbl(4, 1.5),
      ...dbl(5, 5.25),
      ...ld(6, [...f64(0), ...f64(1.7976931348623157e308)]),
      ...ld(7, [...f64(1), ...f64(2)]),
    ];
    const got = bytesOf((w) => encodeHistogramEvent(w, 'h', h, 3, 10));
    expect(got).toEqual([...dbl(1, 10), ...vint(2, 3), ...ld(5, ld(1, [...str(1, 'h'), ...ld(5, histo)]))]);
  });

  it('encodes text as a scalar DT_STRING tensor with plugin "text" and DATA_CLASS_TENSOR', () => {
    const tensor = [...vint(1, 7), ...ld(2, []), ...str(8, '**hi**')];
    const metadata = [...ld(1, str(1, 'text')), ...vint(4, 2)];
    const value = [...str(1, 'samples/0'), ...ld(8, tensor), ...ld(9, metadata)];
    const got = bytesOf((w) => encodeTextEvent(w, 'samples/0', '**hi**', 4, 10));
    expect(got).toEqual([...dbl(1, 10), ...vint(2, 4), ...ld(5, ld(1, value))]);
  });

  const nullTensor = [...vint(1, 1), ...ld(2, ld(2, []))]; // DT_FLOAT, shape [0]
  const hpValue = (tag: string, content: number[]) => [
    ...dbl(1, 100),
    ...ld(5, ld(1, [...str(1, tag), ...ld(8, nullTensor), ...ld(9, ld(1, [...str(1, 'hparams'), ...ld(2, content)]))])),
  ];

  it('encodes the hparams session_start_info with google.protobuf.Value entries, sorted keys', () => {
    const hp = { lr: 0.001, model: 'tiny', lora: true };
    const entry = (k: string, v: number[]) => ld(1, [...str(1, k), ...ld(2, v)]);
    const json = '{"lora":true,"lr":0.001,"model":"tiny"}';
    const group = createHash('sha256').update(json).digest('hex');
    expect(sessionGroupName(hp)).toBe(group);
    const ssi = [
      ...entry('lora', vint(4, 1)),
      ...entry('lr', dbl(2, 0.001)),
      ...entry('model', str(3, 'tiny')),
      ...str(4, group),
      ...dbl(5, 100),
    ];
    const got = bytesOf((w) => encodeSessionStartEvent(w, hp, 100));
    expect(got).toEqual(hpValue('_hparams_/session_start_info', ld(3, ssi)));
    // The null tensor is TensorBoard's NULL_TENSOR: 6 bytes.
    expect(nullTensor.length).toBe(6);
  });

  it('encodes the hparams experiment (HParamInfo name+type, MetricInfo name.tag)', () => {
    const info = (name: string, type: number) => ld(4, [...str(1, name), ...vint(4, type)]);
    const exp = [
      ...dbl(3, 100),
      ...info('a', 3),
      ...info('b', 1),
      ...info('c', 2),
      ...ld(5, ld(1, str(2, 'eval/score_mean'))),
    ];
    const got = bytesOf((w) => encodeExperimentEvent(w, { b: 'x', a: 1, c: false }, ['eval/score_mean'], 100));
    expect(got).toEqual(hpValue('_hparams_/experiment', ld(2, exp)));
  });

  it('encodes the hparams session_end_info', () => {
    const got = bytesOf((w) => encodeSessionEndEvent(w, 'failure', 100));
    expect(got).toEqual(hpValue('_hparams_/session_end_info', ld(4, [...vint(1, 2), ...dbl(2, 100)])));
  });

  it('spec helpers agree with hand-written bytes', () => {
    expect(key(5, 2)).toEqual([0x2a]);
    expect(f32(0.25)).toEqual([0, 0, 0x80, 0x3e]);
    expect(u32(0xa282ead8)).toEqual([0xd8, 0xea, 0x82, 0xa2]);
    expect(utf8('é')).toEqual([0xc3, 0xa9]);
  });
});
