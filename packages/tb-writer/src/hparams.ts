// The HParams plugin's summaries (tensorboard/plugins/hparams):
//
// HParamsPluginData { int32 version = 1; oneof data { Experiment experiment = 2;
//   SessionStartInfo session_start_info = 3; SessionEndInfo session_end_info = 4; } }
// Experiment { string description = 1; string user = 2; double time_created_secs = 3;
//   repeated HParamInfo hparam_infos = 4; repeated MetricInfo metric_infos = 5; string name = 6; }
// HParamInfo { string name = 1; string display_name = 2; string description = 3; DataType type = 4;
//   oneof domain { ListValue domain_discrete = 5; Interval domain_interval = 6; } }
// MetricInfo { MetricName name = 1 { string group = 1; string tag = 2; }; string display_name = 3;
//   string description = 4; DatasetType dataset_type = 5; }
// SessionStartInfo { map<string, google.protobuf.Value> hparams = 1; string model_uri = 2;
//   string monitor_url = 3; string group_name = 4; double start_time_secs = 5; }
// SessionEndInfo { Status status = 1; double end_time_secs = 2; }
// google.protobuf.Value { oneof kind { NullValue null_value = 1; double number_value = 2;
//   string string_value = 3; bool bool_value = 4; Struct struct_value = 5; ListValue list_value = 6; } }
//
// Each summary is a Summary.Value with tag `_hparams_/...`, metadata
// plugin_name "hparams" with the serialized HParamsPluginData as content
// (version 0), and as tensor the plugin's NULL_TENSOR (an empty DT_FLOAT
// vector: dtype 1, shape [0]), which is what TensorBoard's data-class
// migration attaches to hparams values anyway.
import { createHash } from 'node:crypto';
import { beginValueEvent, DT_FLOAT, encodeMetadata, endValueEvent } from './event-encoder';
import { ProtoDecodeError, ProtoReader, ProtoWriter, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './protobuf';

export const HPARAMS_PLUGIN = 'hparams';
export const EXPERIMENT_TAG = '_hparams_/experiment';
export const SESSION_START_INFO_TAG = '_hparams_/session_start_info';
export const SESSION_END_INFO_TAG = '_hparams_/session_end_info';

/** A hyperparameter value the HParams tab can show. */
export type HParamValue = number | string | boolean;

/** Session status, as in the hparams api.proto `Status` enum. */
export type SessionStatus = 'unknown' | 'success' | 'failure' | 'running';
const STATUS_CODES: Record<SessionStatus, number> = { unknown: 0, success: 1, failure: 2, running: 3 };
const STATUS_NAMES: SessionStatus[] = ['unknown', 'success', 'failure', 'running'];

/** HParamInfo.type values. */
const DATA_TYPE_STRING = 1;
const DATA_TYPE_BOOL = 2;
const DATA_TYPE_FLOAT64 = 3;

/**
 * TensorBoard's session group name: SHA-256 (hex) of the hparams as JSON with
 * sorted keys and no spaces (summary_v2 `_derive_session_group_name`).
 */
export function sessionGroupName(hparams: Record<string, HParamValue>): string {
  const keys = Object.keys(hparams).sort();
  const json = '{' + keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(hparams[k])}`).join(',') + '}';
  return createHash('sha256').update(json, 'utf8').digest('hex');
}

/** Writes the HParams summary value (tag, NULL_TENSOR, metadata) as one event. */
function hparamsEvent(w: ProtoWriter, tag: string, wallTime: number, content: Uint8Array): void {
  const marks = beginValueEvent(w, wallTime, 0, tag);
  const tensor = w.begin(8);
  w.int(1, DT_FLOAT);
  const shape = w.begin(2);
  w.end(w.begin(2)); // dim { size: 0 } (size 0 is the default, so the Dim is empty)
  w.end(shape);
  w.end(tensor);
  encodeMetadata(w, HPARAMS_PLUGIN, content, 0);
  endValueEvent(w, marks);
}

function protoValue(w: ProtoWriter, field: number, v: HParamValue): void {
  const m = w.begin(field);
  if (typeof v === 'number') w.double(2, v);
  else if (typeof v === 'string') w.string(3, v);
  else w.int(4, v ? 1 : 0);
  w.end(m);
}

/** Event holding HParamsPluginData{experiment}: one HParamInfo per hparam (name, type) and one MetricInfo per tag. */
export function encodeExperimentEvent(
  w: ProtoWriter,
  hparams: Record<string, HParamValue>,
  metricTags: string[],
  wallTime: number,
): void {
  const c = new ProtoWriter();
  const exp = c.begin(2);
  c.double(3, wallTime);
  for (const name of Object.keys(hparams).sort()) {
    const v = hparams[name];
    const info = c.begin(4);
    c.string(1, name);
    c.int(4, typeof v === 'number' ? DATA_TYPE_FLOAT64 : typeof v === 'string' ? DATA_TYPE_STRING : DATA_TYPE_BOOL);
    c.end(info);
  }
  for (const tag of metricTags) {
    const info = c.begin(5);
    const mn = c.begin(1);
    c.string(2, tag);
    c.end(mn);
    c.end(info);
  }
  c.end(exp);
  hparamsEvent(w, EXPERIMENT_TAG, wallTime, c.finish());
}

/** Event holding HParamsPluginData{session_start_info}: the values (keys sorted), group name and start time. */
export function encodeSessionStartEvent(w: ProtoWriter, hparams: Record<string, HParamValue>, wallTime: number): void {
  const c = new ProtoWriter();
  const ssi = c.begin(3);
  for (const name of Object.keys(hparams).sort()) {
    const entry = c.begin(1);
    c.string(1, name);
    protoValue(c, 2, hparams[name]);
    c.end(entry);
  }
  c.string(4, sessionGroupName(hparams));
  c.double(5, wallTime);
  c.end(ssi);
  hparamsEvent(w, SESSION_START_INFO_TAG, wallTime, c.finish());
}

/** Event holding HParamsPluginData{session_end_info}: status and end time. */
export function encodeSessionEndEvent(w: ProtoWriter, status: SessionStatus, wallTime: number): void {
  const c = new ProtoWriter();
  const sei = c.begin(4);
  if (STATUS_CODES[status] !== 0) c.int(1, STATUS_CODES[status]);
  c.double(2, wallTime);
  c.end(sei);
  hparamsEvent(w, SESSION_END_INFO_TAG, wallTime, c.finish());
}

/** Decoded HParamsPluginData. */
export type HParamsData =
  | { type: 'experiment'; hparamNames: string[]; metricTags: string[]; timeCreatedSecs: number }
  | {
      type: 'sessionStart';
      hparams: Record<string, HParamValue | null>;
      groupName: string;
      startTimeSecs: number;
      modelUri: string;
    }
  | { type: 'sessionEnd'; status: SessionStatus; endTimeSecs: number }
  | { type: 'empty' };

/** Decodes the `content` of an hparams SummaryMetadata.PluginData. */
export function decodeHParamsPluginData(content: Uint8Array): HParamsData {
  const r = new ProtoReader(content);
  let out: HParamsData = { type: 'empty' };
  while (r.more()) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 2 && wire === WIRE_LEN) out = decodeExperiment(r);
    else if (field === 3 && wire === WIRE_LEN) out = decodeSessionStart(r);
    else if (field === 4 && wire === WIRE_LEN) out = decodeSessionEnd(r);
    else r.skip(wire);
  }
  return out;
}

function decodeExperiment(outer: ProtoReader): HParamsData {
  const [s, e] = outer.lengthDelimited();
  const r = new ProtoReader(outer.buf, s, e);
  const hparamNames: string[] = [];
  const metricTags: string[] = [];
  let timeCreatedSecs = 0;
  while (r.more()) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 3 && wire === WIRE_I64) timeCreatedSecs = r.double();
    else if (field === 4 && wire === WIRE_LEN) {
      const [a, b] = r.lengthDelimited();
      const h = new ProtoReader(r.buf, a, b);
      let name = '';
      while (h.more()) {
        const k = h.varint();
        if (k === (1 << 3) + WIRE_LEN) name = h.string();
        else h.skip(k & 7);
      }
      hparamNames.push(name);
    } else if (field === 5 && wire === WIRE_LEN) {
      const [a, b] = r.lengthDelimited();
      const m = new ProtoReader(r.buf, a, b);
      let group = '';
      let tag = '';
      while (m.more()) {
        const k = m.varint();
        if (k === (1 << 3) + WIRE_LEN) {
          const [c, d] = m.lengthDelimited();
          const n = new ProtoReader(m.buf, c, d);
          while (n.more()) {
            const k2 = n.varint();
            if (k2 === (1 << 3) + WIRE_LEN) group = n.string();
            else if (k2 === (2 << 3) + WIRE_LEN) tag = n.string();
            else n.skip(k2 & 7);
          }
        } else m.skip(k & 7);
      }
      metricTags.push(group ? `${group}/${tag}` : tag);
    } else r.skip(wire);
  }
  return { type: 'experiment', hparamNames, metricTags, timeCreatedSecs };
}

function decodeValue(r: ProtoReader): HParamValue | null {
  const [s, e] = r.lengthDelimited();
  const v = new ProtoReader(r.buf, s, e);
  let out: HParamValue | null = null;
  while (v.more()) {
    const key = v.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 1 && wire === WIRE_VARINT) {
      v.varint();
      out = null;
    } else if (field === 2 && wire === WIRE_I64) out = v.double();
    else if (field === 3 && wire === WIRE_LEN) out = v.string();
    else if (field === 4 && wire === WIRE_VARINT) out = v.varint() !== 0;
    else v.skip(wire);
  }
  return out;
}

function decodeSessionStart(outer: ProtoReader): HParamsData {
  const [s, e] = outer.lengthDelimited();
  const r = new ProtoReader(outer.buf, s, e);
  const hparams: Record<string, HParamValue | null> = {};
  let groupName = '';
  let startTimeSecs = 0;
  let modelUri = '';
  while (r.more()) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 1 && wire === WIRE_LEN) {
      const [a, b] = r.lengthDelimited();
      const entry = new ProtoReader(r.buf, a, b);
      let name = '';
      let value: HParamValue | null = null;
      while (entry.more()) {
        const k = entry.varint();
        if (k === (1 << 3) + WIRE_LEN) name = entry.string();
        else if (k === (2 << 3) + WIRE_LEN) value = decodeValue(entry);
        else entry.skip(k & 7);
      }
      hparams[name] = value;
    } else if (field === 2 && wire === WIRE_LEN) modelUri = r.string();
    else if (field === 4 && wire === WIRE_LEN) groupName = r.string();
    else if (field === 5 && wire === WIRE_I64) startTimeSecs = r.double();
    else r.skip(wire);
  }
  return { type: 'sessionStart', hparams, groupName, startTimeSecs, modelUri };
}

function decodeSessionEnd(outer: ProtoReader): HParamsData {
  const [s, e] = outer.lengthDelimited();
  const r = new ProtoReader(outer.buf, s, e);
  let status: SessionStatus = 'unknown';
  let endTimeSecs = 0;
  while (r.more()) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 1 && wire === WIRE_VARINT) {
      const code = r.varint();
      const name = STATUS_NAMES[code];
      if (name === undefined) throw new ProtoDecodeError(`unknown SessionEndInfo.status ${code}`);
      status = name;
    } else if (field === 2 && wire === WIRE_I64) endTimeSecs = r.double();
    else r.skip(wire);
  }
  return { type: 'sessionEnd', status, endTimeSecs };
}
