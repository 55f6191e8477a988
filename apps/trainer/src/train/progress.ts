import { SingleBar } from 'cli-progress';
import { formatDuration } from './timing';

/** Values shown for the latest step. */
export interface StepReport {
  step: number;
  rewardMean: number;
  kl: number;
  loss: number;
  samplesPerSecond: number;
  teacherFailures: number;
}

/**
 * Training progress on the console: a progress bar with step, reward, KL,
 * samples/s and ETA on a TTY; plain lines every `intervalMs` (and on the
 * last step) otherwise, so CI logs and pipes stay readable.
 */
export class TrainProgress {
  private bar: SingleBar | null = null;
  private lastLine = 0;
  /** When this phase's first step began (set by start): the rate and ETA count this phase's steps and time only. */
  private started = Date.now();
  private startStep = 0;

  constructor(
    private readonly totalSteps: number,
    private readonly opts: { tty?: boolean; intervalMs?: number; write?: (s: string) => void; phase?: 'rfai' | 'sft' } = {},
  ) {}

  private get sft(): boolean {
    return this.opts.phase === 'sft';
  }

  private get tty(): boolean {
    return this.opts.tty ?? Boolean(process.stderr.isTTY);
  }

  /**
   * Starts timing at `fromStep`. The trainer creates the RFAI progress before the eval pass and the SFT warm-up
   * run, so the clock starts here, not in the constructor: their minutes must not enter the RFAI ETA.
   */
  start(fromStep: number): void {
    this.startStep = fromStep;
    this.started = Date.now();
    if (!this.tty) return;
    this.bar = new SingleBar(
      {
        format: this.sft
          ? 'sft warm-up {value}/{total} |{bar}| loss {loss} | {sps} references/s | ETA {eta_formatted}'
          : 'step {value}/{total} |{bar}| reward {reward} | kl {kl} | loss {loss} | {sps} samples/s | fail {fail} | ETA {eta_formatted}',
        barsize: 24,
        etaBuffer: 20,
        hideCursor: true,
        stream: process.stderr,
      },
      { barCompleteChar: '█', barIncompleteChar: '░', format: '' },
    );
    this.bar.start(this.totalSteps, fromStep, { reward: '-', kl: '-', loss: '-', sps: '-', fail: 0 });
  }

  update(r: StepReport): void {
    const payload = {
      reward: fmt(r.rewardMean),
      kl: fmt(r.kl, 4),
      loss: fmt(r.loss, 4),
      sps: r.samplesPerSecond.toFixed(1),
      fail: r.teacherFailures,
    };
    if (this.bar) {
      this.bar.update(r.step, payload);
      return;
    }
    const now = Date.now();
    const interval = this.opts.intervalMs ?? 10_000;
    if (now - this.lastLine < interval && r.step < this.totalSteps && r.step !== this.startStep + 1) return;
    this.lastLine = now;
    const done = r.step - this.startStep;
    const elapsed = (now - this.started) / 1000;
    const eta = done > 0 ? (elapsed / done) * (this.totalSteps - r.step) : Number.NaN;
    if (this.sft) {
      (this.opts.write ?? ((s: string) => process.stderr.write(s)))(
        `sft warm-up ${r.step}/${this.totalSteps} loss ${payload.loss} ${payload.sps} references/s ` +
          `elapsed ${formatDuration(elapsed)} eta ${formatDuration(eta)}\n`,
      );
      return;
    }
    (this.opts.write ?? ((s: string) => process.stderr.write(s)))(
      `step ${r.step}/${this.totalSteps} reward ${payload.reward} kl ${payload.kl} loss ${payload.loss} ` +
        `${payload.sps} samples/s teacher_failures ${r.teacherFailures} elapsed ${formatDuration(elapsed)} eta ${formatDuration(eta)}\n`,
    );
  }

  /** Prints a message without breaking the bar. */
  log(line: string): void {
    if (this.bar) {
      (this.bar as unknown as { terminal?: { clearLine(): void; cursorTo(x: number): void } }).terminal?.clearLine();
      (this.bar as unknown as { terminal?: { cursorTo(x: number): void } }).terminal?.cursorTo(0);
      process.stderr.write(line.endsWith('\n') ? line : line + '\n');
      this.bar.render();
    } else {
      (this.opts.write ?? ((s: string) => process.stderr.write(s)))(line.endsWith('\n') ? line : line + '\n');
    }
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

function fmt(v: number, digits = 3): string {
  return Number.isFinite(v) ? v.toFixed(digits) : 'n/a';
}
