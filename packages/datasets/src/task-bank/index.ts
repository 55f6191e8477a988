/**
 * The built-in bank of programming task templates. The templates are data: `bank/<category>.yaml` in this
 * package, with their hidden tests in `bank/tests/<category>.yaml`; see the package README.
 */
import { loadTaskBank } from './load';
import type { TaskTemplate } from './types';

export type { ReferenceLanguage, TaskCategory, TaskTemplate, TaskTestCases, TaskVariant } from './types';
export { REFERENCE_LANGUAGES, TASK_CATEGORIES } from './types';
export { TASK_TEMPLATES_FILE_SCHEMA, TASK_TESTS_FILE_SCHEMA } from './bank-schema';
export { bankOf, loadTaskBank, taskBankDir, type TaskBank } from './load';

/** Every template of the built-in bank (at least 60), in a fixed order: read from `bank/` when the package loads. */
export const TASK_BANK: readonly TaskTemplate[] = loadTaskBank().templates;
