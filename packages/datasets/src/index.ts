// @rfai/datasets: the JSONL prompt dataset: schema, streaming loading and validation, sampling, conversion.
export {
  DatasetError,
  DatasetValidationError,
  DatasetCursorError,
  DatasetConversionError,
  DatasetGenerationError,
  type DatasetProblem,
  type DatasetProblemKind,
} from './errors';
export {
  LANGUAGES,
  LANGUAGE_ALIASES,
  LANGUAGE_DISPLAY_NAMES,
  LANGUAGE_NAMING,
  normalizeLanguage,
  isKnownLanguage,
  suggestLanguage,
  formatIdentifier,
  type Language,
  type NamingStyle,
} from './languages';
export {
  DATASET_RECORD_SCHEMA,
  validateRecord,
  normalizedPromptKey,
  type DatasetRecord,
  type Difficulty,
  type RecordCheck,
} from './schema';
export { readLines, type SourceLine } from './jsonl-reader';
export { writeJsonl } from './jsonl-writer';
export {
  readDataset,
  loadDataset,
  validateDatasetFile,
  resolveLanguages,
  type DatasetEntry,
  type DuplicateInfo,
  type LoadDatasetOptions,
  type LoadedDataset,
  type ValidationReport,
} from './load';
export { DatasetSampler, type DatasetSamplerOptions, type SamplerCursor } from './sampler';
export { SeededRandom, mixSeed } from './random';
export { TASK_BANK, type TaskCategory, type TaskTemplate, type TaskVariant } from './task-bank';
export {
  renderTask,
  taskEntryPoint,
  taskReference,
  generateTasks,
  summarizeRecords,
  type RenderTaskOptions,
  type GenerateTasksOptions,
  type GeneratedTasks,
  type SplitSummary,
} from './generator';
