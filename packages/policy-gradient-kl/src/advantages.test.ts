import {
  EmaBaseline,
  PGOptionError,
  PGShapeError,
  PGStateError,
  PGValueError,
  computeAdvantages,
} from './index';

const close = (got: ArrayLike<number>, want: number[], digits = 6) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], digits);
};

describe('computeAdvantages: grpo', () => {
  const rewards = [1, 2, 3, 4, 0, 0, 1, 1];
  const groups = [0, 0, 0, 0, 1, 1, 1, 1];

  it('divides by the unbiased group std plus eps by default (ddof 1, eps 1e-4, as TRL)', () => {
    const res = computeAdvantages(rewards, groups, { estimator: 'grpo' });
    // group 0: mean 2.5, sum of squares 5, unbiased std sqrt(5/3); group 1: mean 0.5, ss 1, std sqrt(1/3)
    const s0 = Math.sqrt(5 / 3) + 1e-4;
    const s1 = Math.sqrt(1 / 3) + 1e-4;
    close(res.advantages, [-1.5 / s0, -0.5 / s0, 0.5 / s0, 1.5 / s0, -0.5 / s1, -0.5 / s1, 0.5 / s1, 0.5 / s1]);
    expect(res.advantages).toBeInstanceOf(Float32Array);
    expect(Array.from(res.sampleMask)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(res.numGroups).toBe(2);
    expect(res.degenerateGroups).toBe(0);
    expect(res.droppedSamples).toBe(0);
    // reward statistics over the batch: mean 1.5, ss = 0.25+0.25+2.25+6.25+2.25+2.25+0.25+0.25 = 14
    expect(res.rewardMean).toBeCloseTo(1.5, 12);
    expect(res.rewardStd).toBeCloseTo(Math.sqrt(14 / 7), 12);
  });

  it('uses the population std with stdDdof 0 and a custom eps', () => {
    const res = computeAdvantages(rewards, groups, { estimator: 'grpo', stdDdof: 0, eps: 0 });
    const s0 = Math.sqrt(5 / 4);
    close(res.advantages, [-1.5 / s0, -0.5 / s0, 0.5 / s0, 1.5 / s0, -1, -1, 1, 1]);
  });

  it('scaleByStd false (or "none") gives r - mean_g (Dr. GRPO)', () => {
    for (const scaleByStd of [false, 'none'] as const) {
      const res = computeAdvantages(rewards, groups, { estimator: 'grpo', scaleByStd });
      close(res.advantages, [-1.5, -0.5, 0.5, 1.5, -0.5, -0.5, 0.5, 0.5]);
    }
  });

  it('scaleByStd "batch" divides by the std of all graded rewards', () => {
    const res = computeAdvantages(rewards, groups, { estimator: 'grpo', scaleByStd: 'batch' });
    const s = Math.sqrt(14 / 7) + 1e-4;
    close(res.advantages, [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s, -0.5 / s, -0.5 / s, 0.5 / s, 0.5 / s]);
  });

  it('accepts string group ids in any order', () => {
    const res = computeAdvantages([5, 1, 3, 9], ['b', 'a', 'b', 'a'], { estimator: 'grpo', scaleByStd: false });
    close(res.advantages, [1, -4, -1, 4]);
    expect(res.numGroups).toBe(2);
  });
});

describe('computeAdvantages: rloo', () => {
  it('subtracts the mean of the other samples of the group', () => {
    const res = computeAdvantages([1, 2, 3, 10, 20], [7, 7, 7, 8, 8], { estimator: 'rloo' });
    // 1 - (2+3)/2, 2 - (1+3)/2, 3 - (1+2)/2; 10 - 20, 20 - 10
    close(res.advantages, [-1.5, 0, 1.5, -10, 10]);
    expect(res.advantageMean).toBeCloseTo(0, 12);
    // kept advantages [-1.5, 0, 1.5, -10, 10]: mean 0, ss = 2.25*2 + 200 = 204.5, ddof 1 -> /4
    expect(res.advantageStd).toBeCloseTo(Math.sqrt(204.5 / 4), 6);
  });

  it('a group of one gives 0 and counts as degenerate', () => {
    const res = computeAdvantages([0.7, 1, 0], [1, 2, 2], { estimator: 'rloo' });
    close(res.advantages, [0, 1, -1]);
    expect(res.degenerateGroups).toBe(1);
    expect(res.degenerateSamples).toBe(1);
  });
});

describe('computeAdvantages: degenerate groups and ungraded samples', () => {
  it('all-equal groups and groups of one give exactly 0, are counted and never NaN', () => {
    for (const estimator of ['grpo', 'rloo'] as const) {
      const res = computeAdvantages([0.5, 0.5, 0.5, 0.9, 0, 1], [0, 0, 0, 1, 2, 2], { estimator });
      expect(Array.from(res.advantages.slice(0, 4))).toEqual([0, 0, 0, 0]);
      expect(res.advantages.every((a) => Number.isFinite(a))).toBe(true);
      expect(res.degenerateGroups).toBe(2);
      expect(res.degenerateSamples).toBe(4);
      expect(Array.from(res.sampleMask)).toEqual([1, 1, 1, 1, 1, 1]);
    }
  });

  it('NaN and null rewards are excluded from the statistics, get 0 and mask 0, and are counted', () => {
    const res = computeAdvantages([1, NaN, 3, null, 5, NaN, NaN], [0, 0, 0, 1, 1, 2, 2], { estimator: 'grpo' });
    // group 0 uses [1, 3]: mean 2, unbiased std sqrt(2); group 1 has one graded sample -> degenerate;
    // group 2 has none -> empty (not degenerate)
    const s = Math.sqrt(2) + 1e-4;
    close(res.advantages, [-1 / s, 0, 1 / s, 0, 0, 0, 0]);
    expect(Array.from(res.sampleMask)).toEqual([1, 0, 1, 0, 1, 0, 0]);
    expect(res.droppedSamples).toBe(4);
    expect(res.degenerateGroups).toBe(1);
    expect(res.emptyGroups).toBe(1);
    expect(res.rewardMean).toBeCloseTo(3, 12); // mean of 1, 3, 5
  });

  it('a batch with no graded reward reports NaN reward mean and zero advantages', () => {
    const res = computeAdvantages([NaN, NaN], [0, 0], { estimator: 'grpo' });
    expect(Array.from(res.advantages)).toEqual([0, 0]);
    expect(res.rewardMean).toBeNaN();
    expect(res.rewardStd).toBe(0);
    expect(res.advantageMean).toBe(0);
    expect(res.droppedSamples).toBe(2);
  });
});

describe('computeAdvantages: none and ema', () => {
  it('none returns the rewards (0 for ungraded)', () => {
    const res = computeAdvantages([0.25, NaN, -1], [0, 1, 2], { estimator: 'none' });
    close(res.advantages, [0.25, 0, -1]);
    expect(res.degenerateGroups).toBe(0);
  });

  it('ema uses the previous baseline, then updates it; the first batch uses its own mean', () => {
    const ema = new EmaBaseline({ decay: 0.5 });
    expect(ema.value).toBeNull();
    const a = computeAdvantages([1, 3], [0, 1], { estimator: 'ema', ema });
    close(a.advantages, [-1, 1]);
    expect(a.baseline).toBe(2);
    expect(ema.value).toBe(2);
    const b = computeAdvantages([4, 6], [0, 1], { estimator: 'ema', ema });
    close(b.advantages, [2, 4]); // baseline 2 from before the batch
    expect(b.baseline).toBe(2);
    expect(ema.value).toBe(3.5); // 0.5 * 2 + 0.5 * 5
    const c = computeAdvantages([NaN, 1.5], [0, 1], { estimator: 'ema', ema });
    close(c.advantages, [0, -2]);
    expect(ema.value).toBeCloseTo(0.5 * 3.5 + 0.5 * 1.5, 12);
    expect(ema.steps).toBe(3);
  });

  it('ema leaves the baseline untouched for a batch with no graded reward', () => {
    const ema = EmaBaseline.fromState({ decay: 0.9, value: 0.4, steps: 3 });
    const res = computeAdvantages([NaN], [0], { estimator: 'ema', ema });
    expect(Array.from(res.advantages)).toEqual([0]);
    expect(ema.getState()).toEqual({ decay: 0.9, value: 0.4, steps: 3 });
    expect(res.baseline).toBe(0.4);
  });

  it('ema state round-trips through JSON and resumes identically', () => {
    const batches = [
      [0.1, 0.9, 0.5],
      [0.3, 0.2, 0.8],
      [1, 0, 0.6],
      [0.7, 0.7, 0.1],
    ];
    const straight = new EmaBaseline({ decay: 0.8 });
    const outStraight = batches.map((r) => computeAdvantages(r, [0, 1, 2], { estimator: 'ema', ema: straight }).advantages);
    let resumed = new EmaBaseline({ decay: 0.8 });
    const outResumed: Float32Array[] = [];
    for (const r of batches) {
      outResumed.push(computeAdvantages(r, [0, 1, 2], { estimator: 'ema', ema: resumed }).advantages);
      resumed = EmaBaseline.fromState(JSON.parse(JSON.stringify(resumed.getState())));
    }
    expect(outResumed).toEqual(outStraight);
    expect(resumed.getState()).toEqual(straight.getState());
    // independent computation of the final baseline
    let b = (0.1 + 0.9 + 0.5) / 3;
    for (const r of batches.slice(1)) b = 0.8 * b + 0.2 * ((r[0] + r[1] + r[2]) / 3);
    expect(straight.value).toBeCloseTo(b, 12);
  });
});

describe('computeAdvantages: errors', () => {
  it('rejects mismatched lengths', () => {
    expect(() => computeAdvantages([1, 2], [0], { estimator: 'grpo' })).toThrow(
      new PGShapeError('groupIds', [2], [1], 'Give one group id per reward'),
    );
    expect(() => computeAdvantages([1, 2], [0], { estimator: 'grpo' })).toThrow(
      'groupIds: expected shape [2], found [1]. Give one group id per reward',
    );
  });

  it('rejects infinite rewards instead of inventing a value', () => {
    expect(() => computeAdvantages([1, Infinity], [0, 0], { estimator: 'grpo' })).toThrow(PGValueError);
    expect(() => computeAdvantages([1, -Infinity], [0, 0], { estimator: 'grpo' })).toThrow(
      'rewards[1]: expected a finite number, or NaN/null for an ungraded sample, found -Infinity',
    );
  });

  it('rejects bad group ids', () => {
    expect(() => computeAdvantages([1, 2], [0, NaN], { estimator: 'grpo' })).toThrow(
      'groupIds[1]: expected a finite number or a string, found NaN',
    );
  });

  it('rejects bad options with the option name', () => {
    expect(() => computeAdvantages([1], [0], { estimator: 'ppo' as never })).toThrow(
      new PGOptionError('estimator', "one of 'grpo', 'rloo', 'ema', 'none'", 'ppo'),
    );
    expect(() => computeAdvantages([1], [0], { estimator: 'grpo', eps: -1 })).toThrow(
      'option eps: expected a finite number >= 0, found -1',
    );
    expect(() => computeAdvantages([1], [0], { estimator: 'grpo', stdDdof: 2 as never })).toThrow(
      'option stdDdof: expected 0 or 1, found 2',
    );
    expect(() => computeAdvantages([1], [0], { estimator: 'grpo', scaleByStd: 'token' as never })).toThrow(
      "option scaleByStd: expected one of 'group', 'batch', 'none', found \"token\"",
    );
    expect(() => computeAdvantages([1], [0], { estimator: 'ema' })).toThrow(
      'option ema: expected an EmaBaseline instance for estimator "ema", found undefined. Create one with new EmaBaseline({ decay }) and pass the same instance every step',
    );
  });

  it('EmaBaseline rejects bad decay and malformed states', () => {
    expect(() => new EmaBaseline({ decay: 1 })).toThrow('option ema.decay: expected a finite number >= 0 and < 1, found 1');
    const b = new EmaBaseline();
    expect(b.decay).toBe(0.9);
    expect(() => b.setState({ decay: 0.5, value: NaN, steps: 1 })).toThrow(
      new PGStateError('EmaBaseline', 'value', 'a finite number or null', NaN),
    );
    expect(() => b.setState({ decay: 2, value: null, steps: 0 })).toThrow('EmaBaseline state key "decay": expected a number in [0, 1), found 2');
    expect(() => b.setState({ decay: 0.5, value: null, steps: 1.5 })).toThrow('key "steps": expected a non-negative integer, found 1.5');
    expect(() => b.setState({ decay: 0.5, value: null, steps: 2 })).toThrow('key "value": expected a number when steps > 0, found null');
    expect(() => b.setState(null as never)).toThrow('EmaBaseline state key "(root)": expected an object, found null');
    expect(() => b.observe(NaN)).toThrow('option batchMean: expected a finite number, found NaN');
  });
});
