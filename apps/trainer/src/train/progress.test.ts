import { TrainProgress, type StepReport } from './progress';

const report = (step: number): StepReport => ({ step, rewardMean: 0.5, kl: 0.001, loss: 0.25, samplesPerSecond: 4, teacherFailures: 0 });

describe('TrainProgress plain lines', () => {
  let now = 0;
  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('the ETA counts RFAI steps only: time spent before start() (eval, SFT warm-up) is left out', () => {
    const lines: string[] = [];
    // The trainer creates the RFAI progress first, then runs the eval pass and the warm-up (here 1000 s).
    const p = new TrainProgress(25, { tty: false, intervalMs: 0, write: (s) => lines.push(s) });
    now += 1_000_000;
    p.start(0);
    now += 10_000; // the first RFAI step takes 10 s: 24 more take 240 s
    p.update(report(1));
    expect(lines).toEqual([
      'step 1/25 reward 0.500 kl 0.0010 loss 0.2500 4.0 samples/s teacher_failures 0 elapsed 10.0s eta 4m00s\n',
    ]);
    now += 30_000; // steps 2-4 in 30 s: still 10 s a step, 21 left
    p.update(report(4));
    expect(lines[1]).toContain('elapsed 40.0s eta 3m30s\n');
  });

  it('a resumed run rates only the steps done since the resume', () => {
    const lines: string[] = [];
    const p = new TrainProgress(20, { tty: false, intervalMs: 0, write: (s) => lines.push(s) });
    now += 600_000;
    p.start(10);
    now += 5_000;
    p.update(report(11));
    expect(lines[0]).toContain('step 11/20 ');
    expect(lines[0]).toContain('elapsed 5.0s eta 45.0s\n');
  });

  it('the SFT warm-up line has its own clock too', () => {
    const lines: string[] = [];
    const p = new TrainProgress(150, { tty: false, intervalMs: 0, phase: 'sft', write: (s) => lines.push(s) });
    now += 120_000; // the eval pass before training
    p.start(0);
    now += 2_000;
    p.update(report(1));
    expect(lines).toEqual(['sft warm-up 1/150 loss 0.2500 4.0 references/s elapsed 2.0s eta 4m58s\n']);
  });
});
