import {
  AdaptiveKLController,
  FixedKLController,
  PGOptionError,
  PGStateError,
  createKLController,
  klControllerFromState,
} from './index';

describe('AdaptiveKLController (Ziegler et al. 2019)', () => {
  it('follows beta <- beta * (1 + clip(kl / target - 1, -0.2, 0.2) * n / horizon), by hand', () => {
    const c = new AdaptiveKLController({ initKlCoef: 0.1, targetKl: 6, horizon: 10000 });
    expect(c.value).toBe(0.1);
    // kl 8: error 8/6 - 1 = 0.333 -> clipped 0.2; mult 1 + 0.2 * 256 / 10000 = 1.00512
    expect(c.update(8, 256)).toBeCloseTo(0.100512, 15);
    // kl 3: error -0.5 -> -0.2; mult 1 - 0.00512 = 0.99488
    expect(c.update(3, 256)).toBeCloseTo(0.100512 * 0.99488, 15);
    // kl 6.6: error 0.1 (not clipped); mult 1 + 0.1 * 100 / 10000 = 1.001
    expect(c.update(6.6, 100)).toBeCloseTo(0.100512 * 0.99488 * 1.001, 15);
    // kl exactly at target: unchanged; nSteps 0: unchanged
    const before = c.value;
    expect(c.update(6, 512)).toBe(before);
    expect(c.update(100, 0)).toBe(before);
    // a negative observation (k1 mean) clips at -0.2
    expect(c.update(-1, 1000)).toBeCloseTo(before * 0.98, 15);
  });

  it('moves beta towards the target over many steps', () => {
    const c = new AdaptiveKLController({ initKlCoef: 0.05, targetKl: 1, horizon: 100 });
    for (let i = 0; i < 50; i++) c.update(2, 10); // KL twice the target: +2 % per update
    expect(c.value).toBeCloseTo(0.05 * 1.02 ** 50, 12);
  });

  it('state round-trips through JSON', () => {
    const a = new AdaptiveKLController({ initKlCoef: 0.2, targetKl: 3, horizon: 500 });
    a.update(4, 64); // error 4/3 - 1 clipped to 0.2
    const saved = JSON.parse(JSON.stringify(a.getState()));
    expect(saved).toEqual({ type: 'adaptive', value: a.value, target: 3, horizon: 500 });
    expect(saved.value).toBeCloseTo(0.2 * (1 + 0.2 * (64 / 500)), 15);
    const b = klControllerFromState(saved);
    expect(b).toBeInstanceOf(AdaptiveKLController);
    a.update(1, 64);
    b.update(1, 64);
    expect(b.value).toBe(a.value);
    expect((b as AdaptiveKLController).target).toBe(3);
    expect((b as AdaptiveKLController).horizon).toBe(500);
  });

  it('rejects bad options, observations and states', () => {
    expect(() => new AdaptiveKLController({ initKlCoef: 0, targetKl: 6, horizon: 10 })).toThrow(
      new PGOptionError('initKlCoef', 'a finite number > 0', 0),
    );
    expect(() => new AdaptiveKLController({ initKlCoef: 0.1, targetKl: -1, horizon: 10 })).toThrow(
      'option targetKl: expected a finite number > 0, found -1',
    );
    expect(() => new AdaptiveKLController({ initKlCoef: 0.1, targetKl: 1, horizon: Infinity })).toThrow(
      'option horizon: expected a finite number > 0, found Infinity',
    );
    expect(() => new AdaptiveKLController(undefined as never)).toThrow(
      'option options: expected an object { initKlCoef, targetKl, horizon }, found undefined',
    );
    const c = new AdaptiveKLController({ initKlCoef: 0.1, targetKl: 1, horizon: 10 });
    expect(() => c.update(NaN, 1)).toThrow('option observedKl: expected a finite number, found NaN');
    expect(() => c.update(1, -1)).toThrow('option nSteps: expected a finite number >= 0, found -1');
    expect(() => c.update(0, 50)).toThrow(
      'option nSteps: expected < 5 * horizon (50) so that the multiplier 1 + e * nSteps / horizon stays positive, found 50. Increase horizon',
    );
    expect(c.value).toBe(0.1);
    expect(() => c.setState({ type: 'fixed', value: 1 })).toThrow(
      new PGStateError('AdaptiveKLController', 'type', "'adaptive'", 'fixed'),
    );
    expect(() => c.setState({ type: 'adaptive', value: 1, target: 0, horizon: 5 })).toThrow(
      'AdaptiveKLController state key "target": expected a finite number > 0, found 0. Pass an object produced by AdaptiveKLController.getState()',
    );
    expect(() => c.setState({ type: 'adaptive', value: 1, target: 1 } as never)).toThrow('state key "horizon": expected a finite number > 0, found undefined');
    expect(c.getState()).toEqual({ type: 'adaptive', value: 0.1, target: 1, horizon: 10 });
  });
});

describe('FixedKLController', () => {
  it('never changes and round-trips', () => {
    const c = new FixedKLController(0.04);
    expect(c.update(100, 1000)).toBe(0.04);
    expect(c.value).toBe(0.04);
    expect(c.getState()).toEqual({ type: 'fixed', value: 0.04 });
    const d = klControllerFromState({ type: 'fixed', value: 0.3 });
    expect(d).toBeInstanceOf(FixedKLController);
    expect(d.value).toBe(0.3);
    expect(new FixedKLController(0).value).toBe(0);
  });

  it('rejects bad values', () => {
    expect(() => new FixedKLController(-0.1)).toThrow('option klCoef: expected a finite number >= 0, found -0.1');
    const c = new FixedKLController(0.1);
    expect(() => c.update(Infinity, 1)).toThrow('option observedKl: expected a finite number, found Infinity');
    expect(() => c.setState({ type: 'fixed', value: NaN })).toThrow('FixedKLController state key "value": expected a finite number >= 0, found NaN');
    expect(() => c.setState(null as never)).toThrow('FixedKLController state key "(root)": expected an object, found null');
    expect(() => klControllerFromState({ type: 'pid' } as never)).toThrow(
      'KLController state key "type": expected \'fixed\' or \'adaptive\', found "pid"',
    );
  });
});

describe('createKLController', () => {
  it('builds either controller from its config', () => {
    expect(createKLController({ type: 'fixed', klCoef: 0.02 }).getState()).toEqual({ type: 'fixed', value: 0.02 });
    expect(createKLController({ type: 'adaptive', initKlCoef: 0.1, targetKl: 6, horizon: 1e4 }).getState()).toEqual({
      type: 'adaptive',
      value: 0.1,
      target: 6,
      horizon: 1e4,
    });
    expect(() => createKLController({ type: 'pid' } as never)).toThrow("option type: expected 'fixed' or 'adaptive', found \"pid\"");
  });
});
