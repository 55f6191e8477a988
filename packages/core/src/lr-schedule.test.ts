import { createLrSchedule, InvalidOptionError } from './index';

// Expected values are transformers' lr_lambda formulas (optimization.py), times baseLr.
describe('createLrSchedule', () => {
  const base = 1e-3;

  it('constant with warm-up (get_constant_schedule_with_warmup)', () => {
    const s = createLrSchedule({ type: 'constant', baseLr: base, warmupSteps: 4 });
    expect([0, 1, 2, 3, 4, 5, 1000].map(s)).toEqual([0, base / 4, base / 2, (3 * base) / 4, base, base, base]);
    expect(createLrSchedule({ type: 'constant', baseLr: base })(0)).toBe(base);
  });

  it('linear (get_linear_schedule_with_warmup) at its boundaries', () => {
    const s = createLrSchedule({ type: 'linear', baseLr: base, warmupSteps: 10, totalSteps: 110 });
    expect(s(0)).toBe(0);
    expect(s(5)).toBeCloseTo(base * 0.5, 15);
    expect(s(9)).toBeCloseTo(base * 0.9, 15);
    expect(s(10)).toBe(base);
    expect(s(11)).toBeCloseTo(base * (99 / 100), 15);
    expect(s(60)).toBeCloseTo(base * 0.5, 15);
    expect(s(109)).toBeCloseTo(base * 0.01, 15);
    expect(s(110)).toBe(0);
    expect(s(500)).toBe(0);
    const noWarm = createLrSchedule({ type: 'linear', baseLr: base, totalSteps: 4 });
    expect([0, 1, 2, 3, 4].map(noWarm)).toEqual([base, 0.75 * base, 0.5 * base, 0.25 * base, 0]);
  });

  it('cosine (get_cosine_schedule_with_warmup, num_cycles 0.5) at its boundaries', () => {
    const s = createLrSchedule({ type: 'cosine', baseLr: base, warmupSteps: 10, totalSteps: 110 });
    expect(s(0)).toBe(0);
    expect(s(9)).toBeCloseTo(base * 0.9, 15);
    expect(s(10)).toBe(base);
    expect(s(11)).toBeCloseTo(base * 0.5 * (1 + Math.cos(Math.PI * 0.01)), 15);
    expect(s(60)).toBeCloseTo(base * 0.5, 15);
    expect(s(85)).toBeCloseTo(base * 0.5 * (1 + Math.cos(Math.PI * 0.75)), 15);
    expect(s(110)).toBeCloseTo(0, 15);
    // Past totalSteps transformers' formula continues along the cosine.
    expect(s(160)).toBeCloseTo(base * 0.5, 15);
    const twoCycles = createLrSchedule({ type: 'cosine', baseLr: base, totalSteps: 100, numCycles: 1 });
    expect(twoCycles(50)).toBeCloseTo(0, 15);
    expect(twoCycles(100)).toBeCloseTo(base, 15);
  });

  it('warmupSteps equal to totalSteps ends at baseLr, then decays by max(1, 0) denominators', () => {
    const s = createLrSchedule({ type: 'linear', baseLr: base, warmupSteps: 5, totalSteps: 5 });
    expect(s(4)).toBeCloseTo(0.8 * base, 15);
    expect(s(5)).toBe(0);
  });

  it('rejects bad options and steps with the value found', () => {
    expect(() => createLrSchedule({ type: 'exp' as never, baseLr: 1 })).toThrow(
      new InvalidOptionError('createLrSchedule.type', "one of 'constant', 'linear', 'cosine'", 'exp'),
    );
    expect(() => createLrSchedule({ type: 'linear', baseLr: 1 })).toThrow("createLrSchedule.totalSteps: expected an integer >= 1 (required by type 'linear'), found undefined");
    expect(() => createLrSchedule({ type: 'cosine', baseLr: 1, warmupSteps: 10, totalSteps: 5 })).toThrow('createLrSchedule.totalSteps: expected an integer >= warmupSteps (10), found 5');
    expect(() => createLrSchedule({ type: 'constant', baseLr: -1 })).toThrow('createLrSchedule.baseLr: expected a finite number >= 0, found -1');
    expect(() => createLrSchedule({ type: 'constant', baseLr: 1, warmupSteps: 1.5 })).toThrow('createLrSchedule.warmupSteps: expected an integer >= 0, found 1.5');
    expect(() => createLrSchedule({ type: 'cosine', baseLr: 1, totalSteps: 10, numCycles: 0 })).toThrow('createLrSchedule.numCycles: expected a positive finite number, found 0');
    const s = createLrSchedule({ type: 'constant', baseLr: 1 });
    expect(() => s(-1)).toThrow('lr schedule step: expected an integer >= 0, found -1');
    expect(() => s(0.5)).toThrow('found 0.5');
  });
});
