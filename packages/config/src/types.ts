/**
 * TypeScript view of config.yaml after defaults are applied, derived from the
 * schema in schema.ts (each helper there carries its value type), so a key is
 * declared once. Field names keep the YAML spelling.
 */
import type { configSchema, InferSchema } from './schema';

export type { Language } from './schema';

/** A complete, validated configuration. */
export type RfaiConfig = InferSchema<typeof configSchema>;

export type ModelSection = RfaiConfig['model'];
export type LoraConfig = ModelSection['lora'];
export type TeacherSection = RfaiConfig['teacher'];
export type TeacherProvider = TeacherSection['provider'];
export type TrainingSection = RfaiConfig['training'];
export type SftSection = RfaiConfig['sft'];
export type RfaiSection = RfaiConfig['rfai'];
export type DataSection = RfaiConfig['data'];
export type EvaluationSection = RfaiConfig['evaluation'];
export type LoggingSection = RfaiConfig['logging'];
export type ServerSection = RfaiConfig['server'];
export type HardwareSection = RfaiConfig['hardware'];
