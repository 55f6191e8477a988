// The reward server: fastify routes over a Teacher, with auth, limits, back-pressure and metrics.
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import pLimit from 'p-limit';
import type { ServerSection } from '@rfai/config';
import type { Teacher } from '@rfai/teacher-clients';
import { bearerToken, splitPathToken, tokenMatches, type AuthMode } from './auth';
import { gradeAll, prepareItem, prepareQuery, type Graded, type GradeItem, type Prepared } from './grading';
import { Metrics } from './metrics';
import type { TaskIndex } from './tasks';

/** What the server needs. */
export interface RewardServerOptions {
  teacher: Teacher;
  tasks: TaskIndex;
  /** The config's `server` section (host and port included). */
  server: ServerSection;
  auth: AuthMode;
  /** One line of log (no trailing newline). Never receives the token. */
  log: (line: string) => void;
}

/** A started server. */
export interface RewardServer {
  app: FastifyInstance;
  /** http://HOST:PORT with the port actually bound. */
  url: string;
  host: string;
  port: number;
  metrics: Metrics;
  /** Stops accepting connections, waits for in-flight requests (at most shutdown_timeout_ms), closes the teacher. */
  close(): Promise<{ drained: boolean }>;
}

const PATH_TOKEN = Symbol('rfai.pathToken');
type RawWithToken = { [PATH_TOKEN]?: string };

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const stringList = { type: 'array', items: { type: 'string' } } as const;

/** Builds, starts and returns the server. Rejects when the address cannot be bound. */
export async function startRewardServer(o: RewardServerOptions): Promise<RewardServer> {
  const s = o.server;
  const limit = pLimit(s.max_concurrent_requests);
  const metrics = new Metrics({ inFlight: () => limit.activeCount, queued: () => limit.pendingCount });

  const app = Fastify({
    logger: false, // requests are logged below by route pattern only: a URL may carry the token
    bodyLimit: s.body_limit_bytes,
    // a request's own timeout answers 504 first; the socket timeout is a backstop for stalled clients
    requestTimeout: s.request_timeout_ms + 10_000,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    rewriteUrl(req) {
      const url = req.url ?? '/';
      const split = splitPathToken(url);
      if (split === undefined) return url;
      (req as unknown as RawWithToken)[PATH_TOKEN] = split.token;
      return split.url;
    },
  });

  app.addHook('onRequest', async (req, reply) => {
    if (o.auth.kind !== 'token' || req.routeOptions.url === '/healthz') return;
    const presented = bearerToken(req.headers.authorization) ?? (req.raw as unknown as RawWithToken)[PATH_TOKEN];
    if (!tokenMatches(presented, o.auth.token)) {
      metrics.rejected.inc({ reason: 'unauthorized' });
      reply.header('www-authenticate', 'Bearer realm="rfai-reward-server"');
      return reply.code(401).send({ error: { code: 'unauthorized', message: 'missing or wrong token: send Authorization: Bearer <token> or call /t/<token>/<route>' } });
    }
  });

  // While shutting down, responses close their connection, so a keep-alive client does not hold the server open.
  let shuttingDown = false;
  app.addHook('onSend', async (_req, reply) => {
    if (shuttingDown) reply.header('connection', 'close');
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, status: String(reply.statusCode) });
    metrics.latency.observe(reply.elapsedTime / 1000, { route });
    const items = (req as FastifyRequest & { rfaiItems?: number }).rfaiItems;
    o.log(`${req.method} ${route} ${reply.statusCode}${items !== undefined ? ` ${items} items` : ''} ${reply.elapsedTime.toFixed(1)} ms`);
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof HttpError) {
      for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
      return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    const code = status === 413 ? 'body_too_large' : status === 400 ? 'bad_request' : status === 415 ? 'unsupported_media_type' : 'internal';
    const message =
      status === 413 ? `the body is larger than server.body_limit_bytes (${s.body_limit_bytes} bytes); send fewer items per request` : status < 500 ? err.message : 'internal error (see the server log)';
    if (status >= 500) o.log(`error: ${err.stack ?? err.message}`);
    return reply.code(status).send({ error: { code, message } });
  });

  /** Runs `work` in a grading slot: 429 when the slots and the queue are full, 504 after request_timeout_ms. */
  async function admitted<T>(items: number, work: () => Promise<T>): Promise<T> {
    if (items > s.max_items_per_request) {
      metrics.rejected.inc({ reason: 'too_many_items' });
      throw new HttpError(413, 'too_many_items', `${items} items exceed server.max_items_per_request (${s.max_items_per_request}); split the request`);
    }
    if (limit.activeCount + limit.pendingCount >= s.max_concurrent_requests + s.max_queued_requests) {
      metrics.rejected.inc({ reason: 'saturated' });
      throw new HttpError(
        429,
        'saturated',
        `the server is grading ${limit.activeCount} requests with ${limit.pendingCount} queued (server.max_concurrent_requests + max_queued_requests); retry after ${s.retry_after_s} s`,
        { 'retry-after': String(s.retry_after_s) },
      );
    }
    const job = limit(work); // the slot is held until the teacher is done, even past a timeout
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        metrics.rejected.inc({ reason: 'timeout' });
        reject(new HttpError(504, 'timeout', `grading took longer than server.request_timeout_ms (${s.request_timeout_ms} ms); no score was sent for these items`));
      }, s.request_timeout_ms);
    });
    try {
      return await Promise.race([job, timeout]);
    } finally {
      clearTimeout(timer);
      job.catch(() => undefined);
    }
  }

  app.get('/healthz', async () => ({ status: 'ok', teacher: { provider: o.teacher.provider, model: o.teacher.model }, tasks: o.tasks.size }));

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    return metrics.render();
  });

  app.post(
    '/get_reward',
    {
      schema: {
        body: {
          type: 'object',
          required: ['query'],
          properties: { query: stringList, prompts: { anyOf: [stringList, { type: 'null' }] }, labels: { anyOf: [{ type: 'array' }, { type: 'null' }] } },
        },
      },
    },
    async (req: FastifyRequest<{ Body: { query: string[]; prompts?: string[] | null; labels?: unknown[] | null } }>) => {
      const { query, prompts, labels } = req.body;
      (req as FastifyRequest & { rfaiItems?: number }).rfaiItems = query.length;
      for (const [name, list] of [['prompts', prompts], ['labels', labels]] as const) {
        if (list != null && list.length !== query.length) {
          throw new HttpError(400, 'bad_request', `${name} has ${list.length} entries but query has ${query.length}: send one per query`);
        }
      }
      return admitted(query.length, async () => {
        const prepared = query.map((q, i) => prepareQuery(q, prompts?.[i] ?? undefined, labels?.[i], o.tasks));
        const graded = await gradeAll(o.teacher, prepared, metrics);
        return rewardResponse(prepared, graded, s.failure_reward);
      });
    },
  );

  app.post(
    '/v1/grade',
    { schema: { body: { type: 'object', required: ['items'], properties: { items: { type: 'array' } } } } },
    async (req: FastifyRequest<{ Body: { items: GradeItem[] } }>) => {
      const { items } = req.body;
      (req as FastifyRequest & { rfaiItems?: number }).rfaiItems = items.length;
      return admitted(items.length, async () => {
        const prepared = items.map((it) => prepareItem(it, o.tasks));
        const graded = await gradeAll(o.teacher, prepared, metrics);
        return gradeResponse(o.teacher, prepared, graded);
      });
    },
  );

  await app.listen({ host: s.host, port: s.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : s.port;
  const hostForUrl = s.host.includes(':') ? `[${s.host}]` : s.host;

  let closing: Promise<{ drained: boolean }> | undefined;
  const close = (): Promise<{ drained: boolean }> => {
    closing ??= (async () => {
      shuttingDown = true;
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        app.close().then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), s.shutdown_timeout_ms))),
      ]);
      clearTimeout(timer);
      if (!drained) app.server.closeAllConnections();
      await o.teacher.close();
      return { drained };
    })();
    return closing;
  };

  return { app, url: `http://${hostForUrl}:${port}`, host: s.host, port, metrics, close };
}

/** OpenRLHF's reply: one float per query in rewards and scores, numeric per-query lists in extra_logs. */
export function rewardResponse(prepared: Prepared[], graded: Graded[], failureReward: number | null): Record<string, unknown> {
  const failed = graded.map((g, i) => (g.ok ? null : { index: i, ...g.error })).filter((x) => x !== null);
  if (failed.length > 0 && failureReward === null) {
    throw new HttpError(
      502,
      'grading_failed',
      `${failed.length} of ${graded.length} queries could not be graded (no reward is invented; set server.failure_reward to send a fixed value instead): ` +
        failed
          .slice(0, 5)
          .map((f) => `#${f.index} ${f.kind}: ${f.message}`)
          .join('; ') +
        (failed.length > 5 ? '; ...' : ''),
    );
  }
  const num = (f: (s: Graded & { ok: true }) => number) => graded.map((g) => (g.ok ? f(g) : 0));
  const rewards = graded.map((g) => (g.ok ? g.score.score : (failureReward as number)));
  return {
    rewards,
    scores: rewards,
    extra_logs: {
      correctness: num((g) => g.score.breakdown.correctness),
      quality: num((g) => g.score.breakdown.quality),
      efficiency: num((g) => g.score.breakdown.efficiency),
      documentation: num((g) => g.score.breakdown.documentation),
      grading_failed: graded.map((g) => (g.ok ? 0 : 1)),
      task_matched: prepared.map((p) => (p.ok && p.task ? 1 : 0)),
      task_matched_by_prefix: prepared.map((p) => (p.ok && p.match === 'prefix' ? 1 : 0)),
      has_tests: prepared.map((p) => (p.ok && p.request.tests !== undefined ? 1 : 0)),
      cached: num((g) => (g.score.cached ? 1 : 0)),
    },
    // Not read by OpenRLHF (extra_logs must stay numeric for it): which task each query matched, and failures.
    matches: prepared.map((p) => (p.ok && p.task ? { task_id: p.task.id ?? null, file: p.task.file, line: p.task.line, how: p.match } : null)),
    failures: failed,
  };
}

/** The native reply: one entry per item, with the full breakdown or explicit nulls and the reason. */
export function gradeResponse(teacher: Teacher, prepared: Prepared[], graded: Graded[]): Record<string, unknown> {
  const results = graded.map((g, i) => {
    const p = prepared[i];
    const task_id = p.ok ? (p.task?.id ?? null) : null;
    if (g.ok) {
      const sc = g.score;
      return { index: i, score: sc.score, breakdown: sc.breakdown, rationale: sc.rationale, cached: sc.cached, latency_ms: sc.latency_ms, cost_usd: sc.cost_usd, task_id, error: null };
    }
    return { index: i, score: null, breakdown: null, rationale: null, cached: null, latency_ms: null, cost_usd: null, task_id, error: g.error };
  });
  const ok = graded.filter((g) => g.ok).length;
  return { teacher: { provider: teacher.provider, model: teacher.model }, graded: ok, failed: graded.length - ok, results };
}

