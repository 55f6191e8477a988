// A circuit breaker: after N consecutive failed gradings (or one authentication failure) every call fails fast.
import { AuthenticationError, CircuitOpenError, TeacherError } from './errors';

/** Counts consecutive failures; `check()` throws once the circuit is open. */
export class Circuit {
  private consecutive = 0;
  private openError?: TeacherError;

  /** @param maxConsecutiveFailures failures in a row that open the circuit (default 10 in createTeacher). */
  constructor(
    private readonly maxConsecutiveFailures: number,
    private readonly context: { provider: string; model: string },
  ) {}

  /** Throws the error that opened the circuit (an AuthenticationError, or a CircuitOpenError). */
  check(): void {
    if (this.openError !== undefined) throw this.openError;
  }

  /** Whether the circuit is open. */
  get isOpen(): boolean {
    return this.openError !== undefined;
  }

  /** The error calls fail with while open. */
  get error(): TeacherError | undefined {
    return this.openError;
  }

  success(): void {
    this.consecutive = 0;
  }

  /** Records a failed grading; authentication failures open the circuit at once. */
  failure(err: TeacherError): void {
    if (this.openError !== undefined) return;
    if (err instanceof AuthenticationError) {
      this.openError = err;
      return;
    }
    this.consecutive++;
    if (this.consecutive >= this.maxConsecutiveFailures) {
      this.openError = new CircuitOpenError(
        `${this.context.provider} teacher stopped after ${this.consecutive} consecutive failures (model '${this.context.model}'); ` +
          `last error: ${err.message}. Check the provider's status, the model name, the network and the rate limits, then resume ` +
          `(raise teacher.max_consecutive_failures to tolerate more).`,
        { provider: this.context.provider, model: this.context.model, consecutiveFailures: this.consecutive, lastError: err },
      );
    }
  }
}
