import { UsageError } from './errors';
import { parseNameList, selectRuns } from './run-select';

test('parseNameList trims and drops empties', () => {
  expect(parseNameList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
  expect(parseNameList(',')).toEqual([]);
});

test('selectRuns keeps the asked order and removes duplicates', () => {
  const runs = [{ name: 'a' }, { name: 'b' }, { name: 'c' }];
  expect(selectRuns(runs, ['c', 'a', 'c'], '--compare').map((r) => r.name)).toEqual(['c', 'a']);
});

test('selectRuns names unknown runs, the option and the runs available', () => {
  const runs = [{ name: 'a' }, { name: 'b' }];
  let err: unknown;
  try {
    selectRuns(runs, ['a', 'zz'], '--compare');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(UsageError);
  expect((err as UsageError).option).toBe('--compare');
  expect((err as UsageError).exitCode).toBe(2);
  expect((err as Error).message).toBe('--compare: no run named "zz". Runs found: a, b. Run names are folder paths relative to the log directory.');
  expect(() => selectRuns([], ['x'], '--run')).toThrow('Runs found: (none).');
});
