/**
 * SIGINT/SIGTERM during training: the first signal asks the run to finish its step, save and stop (exit 130/143);
 * a second one aborts at once without saving, through the caller's `onAbort` (the CLI ends the process).
 */
import { signalExitCode } from '@rfai/config';

export class StopSignals {
  private first: NodeJS.Signals | null = null;
  private readonly handler = (sig: NodeJS.Signals) => this.receive(sig);

  /**
   * @param onFirst says what happens now (the trainer logs which step it finishes before saving)
   * @param onAbort called on a second signal with its exit code; the caller exits without saving
   */
  constructor(
    private readonly log: (line: string) => void,
    private readonly onFirst: (sig: NodeJS.Signals) => void,
    private readonly onAbort: (exitCode: number) => void,
  ) {}

  install(): void {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  dispose(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }

  /** The first signal received, or null. */
  get received(): NodeJS.Signals | null {
    return this.first;
  }

  /** The exit code of a run stopped by the signal received (SIGTERM's when none was). */
  exitCode(): number {
    return signalExitCode(this.first ?? 'SIGTERM');
  }

  private receive(sig: NodeJS.Signals): void {
    if (this.first) {
      this.log(`\nsecond ${sig}: exiting without saving`);
      this.onAbort(signalExitCode(sig));
      return;
    }
    this.first = sig;
    this.onFirst(sig);
  }
}

/** Lets a pending SIGINT/SIGTERM (and I/O) through: the step's work is synchronous. */
export function yieldToSignals(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
