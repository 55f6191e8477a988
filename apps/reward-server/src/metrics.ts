// Prometheus text exposition (format 0.0.4) of the server's counters, gauges and latency histogram.

/** Latency histogram buckets in seconds. */
export const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] as const;

type Labels = Record<string, string>;
const labelText = (l: Labels): string => {
  const keys = Object.keys(l).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${l[k].replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
};

class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = labelText(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels)) ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const [k, v] of this.values) lines.push(`${this.name}${k} ${v}`);
    return lines.join('\n');
  }
}

class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number; labels: Labels }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}
  observe(value: number, labels: Labels = {}): void {
    const k = labelText(labels);
    let s = this.series.get(k);
    if (!s) this.series.set(k, (s = { counts: this.buckets.map(() => 0), sum: 0, count: 0, labels }));
    this.buckets.forEach((b, i) => {
      if (value <= b) s.counts[i]++;
    });
    s.sum += value;
    s.count++;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: String(b) })} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(s.labels)} ${s.sum}`);
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return lines.join('\n');
  }
}

/** The server's metrics. Gauges are read at scrape time. */
export class Metrics {
  readonly requests = new Counter('rfai_reward_requests_total', 'HTTP requests by route and status code.');
  readonly latency = new Histogram('rfai_reward_request_duration_seconds', 'Time from request to response, by route.', LATENCY_BUCKETS_S);
  readonly itemsGraded = new Counter('rfai_reward_items_graded_total', 'Items (queries) the teacher graded.');
  readonly teacherFailures = new Counter('rfai_reward_teacher_failures_total', 'Items the teacher failed to grade, by error kind (RateLimitError, TimeoutError, BadResponseError, ...).');
  readonly cacheHits = new Counter('rfai_reward_cache_hits_total', 'Items answered from the teacher cache.');
  readonly executions = new Counter('rfai_reward_executions_total', 'Items graded with hidden tests (the offline teacher runs them).');
  readonly rejected = new Counter('rfai_reward_rejected_total', 'Requests refused before grading, by reason (saturated, unauthorized, too_many_items, timeout).');

  constructor(private readonly gauges: { inFlight: () => number; queued: () => number }) {}

  render(): string {
    const gauge = (name: string, help: string, v: number) => `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${v}`;
    return (
      [
        this.requests.render(),
        this.latency.render(),
        this.itemsGraded.render(),
        this.teacherFailures.render(),
        this.cacheHits.render(),
        this.executions.render(),
        this.rejected.render(),
        gauge('rfai_reward_in_flight_requests', 'Requests being graded now.', this.gauges.inFlight()),
        gauge('rfai_reward_queued_requests', 'Requests waiting for a grading slot.', this.gauges.queued()),
      ].join('\n') + '\n'
    );
  }
}
