// @rfai/tb-writer: TensorBoard event files: writing and reading.
export { TbError, TbArgumentError, TbHistogramValueError, TbWriterError, TbCorruptRecordError, TbDecodeError } from './errors';
export { SummaryWriter, type SummaryWriterOptions, type HistogramOptions } from './summary-writer';
export { crc32c, maskCrc, unmaskCrc, maskedCrc32c } from './crc32c';
export { frameRecord, scanRecords, type RecordSpan, type ScanResult, type TruncatedTail } from './tfrecord';
export { computeHistogram, defaultBucketLimits, DBL_MAX, type HistogramValue } from './histogram';
export { FILE_VERSION } from './event-encoder';
export {
  sessionGroupName,
  EXPERIMENT_TAG,
  SESSION_START_INFO_TAG,
  SESSION_END_INFO_TAG,
  type HParamValue,
  type SessionStatus,
  type HParamsData,
} from './hparams';
export { decodeEvent, type DecodedEvent, type SummaryValue, type HistogramBucket } from './event-decoder';
export {
  readEvents,
  readEventFile,
  readRun,
  readRunScalars,
  listRuns,
  isEventFileName,
  compareEventFiles,
  type EventRecord,
  type EventFileContents,
  type TruncatedRecord,
  type ReadOptions,
  type ReadRunOptions,
  type RunData,
  type RunHParams,
  type RunInfo,
  type ScalarPoint,
  type HistogramPoint,
  type TensorHistogramPoint,
  type TextPoint,
} from './event-reader';
