import { stripTemplateMarkers, TaskIndex, type Task } from './tasks';

const task = (id: string, prompt: string): Task => ({ line: 1, file: 'f.jsonl', id, prompt, language: 'python' });
const index = new TaskIndex([
  task('short', 'Sum a list.'),
  task('base', 'Write a Python function `add(a, b)` that returns the sum.'),
  task('longer', 'Write a Python function `add(a, b)` that returns the sum. Include a docstring.'),
]);

describe('TaskIndex.match', () => {
  test('a query that starts with a prompt matches it, the longest prompt first', () => {
    const q = 'Write a Python function `add(a, b)` that returns the sum. Include a docstring.\ndef add(a, b): return a + b';
    const m = index.match(q)!;
    expect([m.task.id, m.how, m.start, m.end]).toEqual(['longer', 'prefix', 0, 78]);
    expect(index.match('Write a Python function `add(a, b)` that returns the sum.\ndef add')!.task.id).toBe('base');
  });

  test('a prompt after a chat-template header matches at the start of its line', () => {
    const q = '<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nSum a list.<|im_end|>\n<|im_start|>assistant\ndef s(x): return sum(x)<|im_end|>';
    const m = index.match(q)!;
    expect([m.task.id, m.how, q.slice(m.start, m.end)]).toEqual(['short', 'line', 'Sum a list.']);
  });

  test('no prompt at the start of a line: no match', () => {
    expect(index.match('Please: Sum a list.\nok')).toBeUndefined();
    expect(index.match('')).toBeUndefined();
    expect(index.byId('base')?.prompt).toMatch(/^Write/);
    expect(index.byId('nope')).toBeUndefined();
  });
});

test('stripTemplateMarkers removes template tokens around the response only', () => {
  expect(stripTemplateMarkers('<|im_end|>\n<|im_start|>assistant\n```python\nx = "<|im_end|>"\n```<|im_end|>\n')).toBe('```python\nx = "<|im_end|>"\n```');
  expect(stripTemplateMarkers('[/INST] def f(): pass</s>')).toBe('def f(): pass');
});
