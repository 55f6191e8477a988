import { TeacherError, type ScoreOutcome, type ScoreRequest, type Teacher, type TeacherScore } from '@rfai/teacher-clients';

/** One sample's grade: the teacher's score, or the reason it could not grade it. */
export interface Grade {
  score: TeacherScore | null;
  error: string | null;
  /** Set when the teacher stopped grading altogether (its failure circuit opened, or it rejected the key): the run must stop. */
  stopped?: true;
}

/**
 * Grades samples with the teacher's bounded concurrency. A sample the teacher
 * failed to grade keeps `score: null` and its error: it is dropped from the
 * update and counted, never given a default score. When the teacher stops
 * (its failure circuit opens, or a bad key stops it) no sample of the batch
 * is graded: every grade carries that error and `stopped`, and the caller
 * stops the run. Rejects only on errors that are not TeacherErrors (bugs).
 */
export async function gradeAll(teacher: Teacher, items: ScoreRequest[]): Promise<Grade[]> {
  if (items.length === 0) return [];
  let outcomes: ScoreOutcome[];
  try {
    outcomes = await teacher.scoreBatch(items);
  } catch (e) {
    if (!(e instanceof TeacherError)) throw e;
    return items.map(() => ({ score: null, error: e.message, stopped: true as const }));
  }
  return outcomes.map((o) => (o.ok ? { score: o.result, error: null } : { score: null, error: o.error.message }));
}

/**
 * Scores of reference solutions, one per prompt, for relative rewards
 * (teacher.use_reference). A record's own `reference` is graded; without
 * one the teacher is asked to write one (a remote teacher) once per prompt.
 */
export class ReferenceScores {
  private readonly cache = new Map<string, Promise<number | null>>();

  constructor(private readonly teacher: Teacher) {}

  /** The reference score of a prompt, or null when none could be had (the samples are then dropped). */
  get(prompt: string, language: string, reference: string | undefined): Promise<number | null> {
    const key = `${language}\u0000${prompt}`;
    let p = this.cache.get(key);
    if (!p) {
      p = (async () => {
        try {
          const ref = reference ?? (await this.teacher.generate({ prompt, language })).code;
          const s = await this.teacher.score({ prompt, language, completion: ref });
          return s.score;
        } catch {
          return null;
        }
      })();
      this.cache.set(key, p);
    }
    return p;
  }
}
