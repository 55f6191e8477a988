// Every reference solution in the task bank, in every language, must be code the offline teacher parses cleanly
// and recognises as defining the asked-for function or class: the references feed the SFT warm-up of the student
// and the teacher's reference comparison, so a broken one would teach or reward broken code.
import { REFERENCE_LANGUAGES, renderTask, TASK_BANK, taskReference } from '@rfai/datasets';
import { OfflineTeacher } from '@rfai/teacher-clients';

jest.setTimeout(120_000);

describe('task bank references', () => {
  const teacher = new OfflineTeacher();

  it('parse without errors and define the entry point, in every language', async () => {
    const problems: string[] = [];
    const counts: Record<string, number> = {};
    for (const template of TASK_BANK) {
      for (let v = 0; v < template.variants.length; v++) {
        for (const language of REFERENCE_LANGUAGES) {
          const reference = taskReference(template, v, language);
          if (reference === undefined) continue;
          counts[language] = (counts[language] ?? 0) + 1;
          const record = renderTask(template, v, language);
          const key = `${template.id} variant ${v} (${language})`;
          // A `$slot` left over is a slot the variant does not define (TypeScript's `${expr}` templates aside).
          const left = language === 'typescript' ? reference.match(/\$name\b/) : reference.match(/\$\{?\w+/);
          if (left) problems.push(`${key}: unfilled slot ${left[0]}`);
          const grade = await teacher.grade({ prompt: record.prompt, language, completion: reference });
          if (grade.signals.syntax < 0.999) problems.push(`${key}: syntax ${grade.signals.syntax.toFixed(3)}: ${grade.rationale}`);
          if (grade.signals.definition < 1) problems.push(`${key}: ${grade.rationale}`);
        }
      }
    }
    expect(problems).toEqual([]);
    // Python references for most tasks, and the other languages are covered too.
    for (const language of REFERENCE_LANGUAGES) expect(counts[language] ?? 0).toBeGreaterThan(0);
  });
});
