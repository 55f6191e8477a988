// @rfai/checkpoint-io: safetensors reading and writing, crash-safe checkpoint folders, resume state.
// No tensor library: tensors are named typed arrays with a dtype and a shape.

export type { SafetensorsDtype, TensorData, TypedArray } from './dtypes';
export { DTYPE_NAMES, dtypeSize, shapeSize, typedArrayFor } from './dtypes';
export {
  CheckpointError,
  CheckpointCorruptError,
  CheckpointDiskFullError,
  CheckpointExistsError,
  CheckpointIncompleteError,
  ConfigHashMismatchError,
  SafetensorsFormatError,
  TensorDataError,
  TensorNotFoundError,
} from './errors';
export type { CheckpointErrorDetails, ConfigDifference, DiskFullCode } from './errors';
export { bf16ToFloat32, f16ToFloat32, float32ToBf16, float32ToF16, f32ToBf16Bits, f32ToF16Bits, bf16BitsToF32, f16BitsToF32 } from './half';
export { SafetensorsFile } from './safetensors-reader';
export type { TensorInfo, WeightSource } from './safetensors-reader';
export { writeSafetensors } from './safetensors-writer';
export type { WriteSafetensorsOptions, WrittenFile } from './safetensors-writer';
export { DEFAULT_MAX_SHARD_BYTES, ShardedWeights, openWeights, readAllTensors, writeWeights } from './weights';
export type { OpenWeightsOptions, WriteWeightsOptions, WrittenWeights } from './weights';
export { diffConfigs, hashConfig } from './config-hash';
export { hashFile } from './manifest';
export type { Manifest, ManifestEntry } from './manifest';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  LATEST_POINTER,
  TRAINER_STATE_FILE,
  checkpointName,
  consoleLogger,
  listCheckpoints,
  readTrainerState,
} from './checkpoint-state';
export type { CheckpointEntry, CheckpointLogger, TrainerStateFile } from './checkpoint-state';
export { saveCheckpoint } from './checkpoint-save';
export type { CheckpointSaveInput, SaveCheckpointOptions, SaveStage, SavedCheckpoint } from './checkpoint-save';
export { rotateCheckpoints } from './checkpoint-rotate';
export type { RotateOptions } from './checkpoint-rotate';
export { findLatestCheckpoint, loadCheckpoint, validateCheckpoint } from './checkpoint-load';
export type { CheckpointInfo, FindLatestOptions, LoadCheckpointOptions, LoadedCheckpoint, ValidateOptions } from './checkpoint-load';
