import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Context, Next } from 'koa';

/** The hub's Prometheus registry; one per app so tests can run several hubs in one process. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'hub_http_requests_total',
    help: 'HTTP requests answered by the hub API.',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'hub_http_request_duration_seconds',
    help: 'Time to answer HTTP requests.',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly merged: Registry;

  /** `others`: registries of other parts (the sync engine) exposed on the same endpoint. */
  constructor(others: Registry[] = []) {
    collectDefaultMetrics({ register: this.registry, prefix: 'hub_' });
    this.merged = others.length > 0 ? Registry.merge([this.registry, ...others]) : this.registry;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.merged.metrics();
  }

  middleware() {
    return async (ctx: Context, next: Next) => {
      const end = this.httpDuration.startTimer();
      try {
        await next();
      } finally {
        // The matched route template keeps label cardinality bounded (no ids in labels).
        const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
        end({ method: ctx.method, route });
        this.httpRequests.inc({ method: ctx.method, route, status: String(ctx.status) });
      }
    };
  }
}
