/** The built-in bank of programming task templates, by category. */
import { ALGORITHM_TASKS } from './algorithms';
import { API_TASKS } from './apis';
import { CONCURRENCY_TASKS } from './concurrency';
import { DATA_STRUCTURE_TASKS } from './data-structures';
import { FILE_TASKS } from './files';
import { MATH_TASKS } from './math';
import { PARSING_TASKS } from './parsing';
import { STRING_TASKS } from './strings';
import type { TaskTemplate } from './types';

export type { ReferenceLanguage, TaskCategory, TaskTemplate, TaskVariant } from './types';
export { REFERENCE_LANGUAGES } from './types';

/** Every template of the built-in bank (at least 60), in a fixed order. */
export const TASK_BANK: readonly TaskTemplate[] = [
  ...ALGORITHM_TASKS,
  ...DATA_STRUCTURE_TASKS,
  ...STRING_TASKS,
  ...FILE_TASKS,
  ...CONCURRENCY_TASKS,
  ...PARSING_TASKS,
  ...API_TASKS,
  ...MATH_TASKS,
];
