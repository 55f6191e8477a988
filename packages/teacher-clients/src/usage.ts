// Usage and cost accounting per model from a price table.
import type { TeacherUsage, UsageReport } from './teacher';

/** Price of a model in US dollars per million tokens. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

/** Accumulates requests, tokens and dollars; `report()` returns a snapshot. */
export class UsageTracker {
  private readonly state: UsageReport = { requests: 0, cacheHits: 0, failures: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, byModel: {} };

  /** @param prices model name -> price; a model without a price costs 0 (and `hasPrice` says so). */
  constructor(private readonly prices: Record<string, ModelPrice> = {}) {}

  /** Whether `model` has an entry in the price table. */
  hasPrice(model: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.prices, model);
  }

  /** Cost in USD of `usage` on `model` (halved for batch jobs when `discount` is 0.5). */
  cost(model: string, usage: TeacherUsage, discount = 1): number {
    const p = this.prices[model];
    if (p === undefined) return 0;
    return ((usage.input_tokens * p.inputPerMTok + usage.output_tokens * p.outputPerMTok) / 1e6) * discount;
  }

  /** Records one request to the provider and returns its cost in USD. */
  addRequest(model: string, usage: TeacherUsage, discount = 1): number {
    const cost = this.cost(model, usage, discount);
    const m = (this.state.byModel[model] ??= { requests: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 });
    m.requests++;
    m.input_tokens += usage.input_tokens;
    m.output_tokens += usage.output_tokens;
    m.cost_usd += cost;
    this.state.requests++;
    this.state.input_tokens += usage.input_tokens;
    this.state.output_tokens += usage.output_tokens;
    this.state.cost_usd += cost;
    return cost;
  }

  addCacheHit(): void {
    this.state.cacheHits++;
  }

  addFailure(): void {
    this.state.failures++;
  }

  /** A deep copy of the totals. */
  report(): UsageReport {
    return JSON.parse(JSON.stringify(this.state)) as UsageReport;
  }
}
