// Encoders for the Event protobuf (tensorflow/core/util/event.proto) and the
// Summary values rfai writes. Fields are written in field-number order and
// proto3 defaults are omitted, as TensorFlow's own serializer does, so the
// bytes match a Python-written event exactly.
//
// Event            { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
// Summary          { repeated Value value = 1; }
// Summary.Value    { string tag = 1; float simple_value = 2; HistogramProto histo = 5;
//                    TensorProto tensor = 8; SummaryMetadata metadata = 9; }
// SummaryMetadata  { PluginData plugin_data = 1 { string plugin_name = 1; bytes content = 2; };
//                    string display_name = 2; string summary_description = 3; DataClass data_class = 4; }
// HistogramProto   { double min = 1; max = 2; num = 3; sum = 4; sum_squares = 5;
//                    repeated double bucket_limit = 6 [packed]; repeated double bucket = 7 [packed]; }
// TensorProto      { DataType dtype = 1; TensorShapeProto tensor_shape = 2; repeated bytes string_val = 8; }
// TensorShapeProto { repeated Dim dim = 2 { int64 size = 1; string name = 2; } }
import type { HistogramValue } from './histogram';
import { ProtoWriter } from './protobuf';

/** The file_version of the first event in every file. */
export const FILE_VERSION = 'brain.Event:2';

/** TensorFlow DataType enum values used here. */
export const DT_FLOAT = 1;
export const DT_DOUBLE = 2;
export const DT_STRING = 7;

/** SummaryMetadata.DataClass values. */
export const DATA_CLASS_SCALAR = 1;
export const DATA_CLASS_TENSOR = 2;

/** Event header fields: wall_time, then step when non-zero. */
function eventHeader(w: ProtoWriter, wallTime: number, step: number): void {
  w.double(1, wallTime);
  if (step !== 0) w.int(2, step);
}

/** Event { wall_time, file_version = "brain.Event:2" }. */
export function encodeFileVersionEvent(w: ProtoWriter, wallTime: number): void {
  eventHeader(w, wallTime, 0);
  w.string(3, FILE_VERSION);
}

/** SessionLog.status values (tensorflow/core/util/event.proto). */
export const SESSION_LOG_START = 1;

/**
 * Event { wall_time, step, session_log { status: START } }: a restart marker. TensorBoard's reader drops every
 * point already read whose step is >= this step (they were orphaned by a crash and are about to be written again).
 */
export function encodeRestartEvent(w: ProtoWriter, wallTime: number, step: number): void {
  eventHeader(w, wallTime, step);
  const log = w.begin(7);
  w.int(1, SESSION_LOG_START);
  w.end(log);
}

/** Starts Event{summary{value{ ... }}}; returns the marks to close with {@link endValueEvent}. */
export function beginValueEvent(w: ProtoWriter, wallTime: number, step: number, tag: string): [number, number] {
  eventHeader(w, wallTime, step);
  const summary = w.begin(5);
  const value = w.begin(1);
  w.string(1, tag);
  return [summary, value];
}

/** Closes the marks from {@link beginValueEvent}. */
export function endValueEvent(w: ProtoWriter, marks: [number, number]): void {
  w.end(marks[1]);
  w.end(marks[0]);
}

/** A scalar as `simple_value` (float32), like tf.compat.v1 and PyTorch's SummaryWriter. */
export function encodeScalarEvent(w: ProtoWriter, tag: string, value: number, step: number, wallTime: number): void {
  const marks = beginValueEvent(w, wallTime, step, tag);
  w.float(2, value);
  endValueEvent(w, marks);
}

/** HistogramProto fields (no tag or length prefix). */
export function encodeHistogramProto(w: ProtoWriter, h: HistogramValue): void {
  if (!Object.is(h.min, 0)) w.double(1, h.min);
  if (!Object.is(h.max, 0)) w.double(2, h.max);
  if (!Object.is(h.num, 0)) w.double(3, h.num);
  if (!Object.is(h.sum, 0)) w.double(4, h.sum);
  if (!Object.is(h.sumSquares, 0)) w.double(5, h.sumSquares);
  if (h.bucketLimit.length > 0) w.packedDoubles(6, h.bucketLimit);
  if (h.bucket.length > 0) w.packedDoubles(7, h.bucket);
}

/** A histogram as Summary.Value.histo (the legacy form TensorBoard's histogram plugin migrates). */
export function encodeHistogramEvent(w: ProtoWriter, tag: string, h: HistogramValue, step: number, wallTime: number): void {
  const marks = beginValueEvent(w, wallTime, step, tag);
  const histo = w.begin(5);
  encodeHistogramProto(w, h);
  w.end(histo);
  endValueEvent(w, marks);
}

/** SummaryMetadata with plugin data and an optional data class. */
export function encodeMetadata(w: ProtoWriter, pluginName: string, content: Uint8Array | null, dataClass: number): void {
  const md = w.begin(9);
  const pd = w.begin(1);
  w.string(1, pluginName);
  if (content && content.length > 0) w.bytes(2, content);
  w.end(pd);
  if (dataClass !== 0) w.int(4, dataClass);
  w.end(md);
}

/**
 * Text for the text plugin: a scalar (shape []) DT_STRING tensor with
 * metadata plugin_name "text", empty content (TextPluginData version 0) and
 * data_class DATA_CLASS_TENSOR, as tensorboard.summary.v2.text writes it.
 */
export function encodeTextEvent(w: ProtoWriter, tag: string, text: string, step: number, wallTime: number): void {
  const marks = beginValueEvent(w, wallTime, step, tag);
  const tensor = w.begin(8);
  w.int(1, DT_STRING);
  w.end(w.begin(2)); // tensor_shape {} : a scalar
  w.string(8, text);
  w.end(tensor);
  encodeMetadata(w, 'text', null, DATA_CLASS_TENSOR);
  endValueEvent(w, marks);
}
