// Validation of the requests callers pass to a teacher (before anything is sent or computed).
import { TeacherOptionsError } from './errors';
import type { ScoreRequest } from './teacher';

/** Throws TeacherOptionsError naming the field when a score request is malformed. */
export function checkScoreRequest(req: ScoreRequest, where = 'score request'): void {
  if (req === null || typeof req !== 'object') {
    throw new TeacherOptionsError('request', `${where}: expected an object { prompt, language, completion, reference? }, found ${req === null ? 'null' : typeof req}`);
  }
  for (const key of ['prompt', 'language', 'completion'] as const) {
    if (typeof req[key] !== 'string') {
      throw new TeacherOptionsError(key, `${where}: '${key}' must be a string, found ${req[key] === undefined ? 'undefined (missing)' : typeof req[key]}`);
    }
  }
  if (req.language.trim() === '') throw new TeacherOptionsError('language', `${where}: 'language' is empty; pass e.g. 'python', 'cpp', 'rust'`);
  if (req.reference !== undefined && typeof req.reference !== 'string') {
    throw new TeacherOptionsError('reference', `${where}: 'reference' must be a string when given, found ${typeof req.reference}`);
  }
}
