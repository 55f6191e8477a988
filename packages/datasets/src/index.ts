// @rfai/datasets: the JSONL prompt dataset: schema, streaming loading and validation, sampling, conversion.
export {
  DatasetError,
  DatasetValidationError,
  DatasetCursorError,
  DatasetConversionError,
  DatasetGenerationError,
  TaskBankError,
  type TaskBankProblem,
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
export { mixSeed } from '@rfai/random'; // the seed mixer, re-exported (the generator itself is @rfai/random's Rng)
export {
  REFERENCE_LANGUAGES,
  TASK_BANK,
  TASK_CATEGORIES,
  TASK_TEMPLATES_FILE_SCHEMA,
  TASK_TESTS_FILE_SCHEMA,
  loadTaskBank,
  taskBankDir,
  type TaskBank,
  type ReferenceLanguage,
  type TaskCategory,
  type TaskTemplate,
  type TaskTestCases,
  type TaskVariant,
} from './task-bank';
export {
  renderTask,
  taskEntryPoint,
  taskReference,
  taskTests,
  generateTasks,
  summarizeRecords,
  type RenderTaskOptions,
  type GenerateTasksOptions,
  type GeneratedTasks,
  type SplitSummary,
} from './generator';
export {
  DEFAULT_FIELD_MAPPING,
  mapRow,
  mapChatRecord,
  detectLanguage,
  fromJsonArray,
  fromCsv,
  fromChatMessages,
  convertFile,
  type FieldMapping,
  type ConvertOptions,
  type ConversionResult,
  type ConvertFormat,
  type ConvertFileOptions,
  type ConvertFileResult,
} from './convert';
export {
  toSftRecords,
  toPreferencePairs,
  exportCollectedSamples,
  type CollectedSample,
  type ExportOptions,
  type ExportStats,
} from './export-samples';
export {
  generateShortTasks,
  drawShortTask,
  isWarmupComposition,
  SHORT_TASK_MAX_BYTES,
  SHORT_FAMILIES,
  type ShortTask,
  type ShortFamily,
  type ShortTaskOptions,
  type ShortTaskSplit,
} from './short-tasks';
