import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';

export interface EmulatorHandle {
  /** Base URL the emulator answers on, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A one-shot fault for the next matching requests, queued from code with `injectFault`. */
export interface Fault {
  /** Only requests whose path starts with this are affected (default: all). */
  pathPrefix?: string;
  method?: string;
  /** How many requests to affect (default 1). */
  count?: number;
  /** Answer with this status and body instead of handling the request. */
  status?: number;
  body?: unknown;
  retryAfterSeconds?: number;
  /** Handle the request, then destroy the socket: the caller cannot know whether it worked. */
  dropResponse?: boolean;
}

/** Standing fault behaviour set through `POST /_emulator/faults`; rates are 0..1. */
export const faultProfileSchema = z.strictObject({
  error_rate: z.number().min(0).max(1).optional(),
  error_status: z.number().int().min(400).max(599).optional(),
  rate_limit_per_minute: z.number().int().positive().optional(),
  /** How long the rate-limit window lasts (default 60 s), so a test need not wait out whole minutes. */
  rate_limit_window_seconds: z.number().int().positive().max(3_600).optional(),
  timeout_rate: z.number().min(0).max(1).optional(),
  latency_ms: z.number().int().min(0).max(60_000).optional(),
  /** Seed of the fault dice, so a run with faults can be repeated. */
  seed: z.number().int().optional(),
  /** Only requests whose path starts with this are affected (default: all API paths). */
  path_prefix: z.string().optional(),
});
export type FaultProfile = z.infer<typeof faultProfileSchema>;

const webhookTargetSchema = z.strictObject({ url: z.url(), secret: z.string().min(1) });
export type WebhookTarget = z.infer<typeof webhookTargetSchema>;

export interface LoggedRequest {
  method: string;
  path: string;
  /** 0 when the response was dropped (the ambiguous timeout). */
  status: number;
  time: string;
  durationMs: number;
}

export interface WebhookDelivery {
  id: string;
  url: string;
  status?: number;
  error?: string;
  attempts: number;
}

/** A platform's rate-limit window at one request, for the headers the platform sends with it. */
export interface RateLimitState {
  /** Calls the window allows; unknown for a 429 injected on its own. */
  limit?: number;
  windowSeconds: number;
  remaining: number;
  /** When the window has room again, epoch milliseconds. */
  resetAtMs: number;
  /** Set when this request is refused with 429: seconds until it may be repeated. */
  retryAfterSeconds?: number;
}

/** Calls counted over a sliding window: an emulated platform's rate limit. */
export class CallWindow {
  private calls: number[] = [];

  constructor(readonly limit: number, readonly windowMs: number) {}

  /** Counts a call at `now` when it fits; a refused call is not counted. */
  take(now: number): RateLimitState {
    this.calls = this.calls.filter((t) => t > now - this.windowMs);
    const fits = this.calls.length < this.limit;
    if (fits) this.calls.push(now);
    const resetAtMs = this.calls[0] + this.windowMs;
    return {
      limit: this.limit,
      windowSeconds: this.windowMs / 1000,
      remaining: this.limit - this.calls.length,
      resetAtMs,
      retryAfterSeconds: fits ? undefined : Math.max(1, Math.ceil((resetAtMs - now) / 1000)),
    };
  }
}

export interface EmulatorOptions {
  /** Time source in epoch milliseconds (default Date.now). */
  now?: () => number;
}

const DELIVERY_ATTEMPTS = 3;
const DELIVERY_CONCURRENCY = 8;
/** How long a delivery waits for the subscriber between two bytes before it counts as failed. */
const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * Shared frame of the platform emulators: a Koa app with JSON and form bodies, the control API under
 * `/_emulator` (faults, webhook subscriptions, request log, reset), and a listen/close lifecycle.
 * Platform routes go on `router`; platforms override `faultBody`, `signWebhook`, `rateLimitHeaders` and
 * `resetState`.
 */
export class EmulatorApp {
  readonly app = new Koa();
  readonly router = new Router();
  readonly requests: LoggedRequest[] = [];
  readonly deliveries: WebhookDelivery[] = [];
  protected readonly now: () => number;
  private faults: Fault[] = [];
  private profile: FaultProfile = {};
  private dice = mulberry32(1);
  private window?: CallWindow;
  private webhookTargets: WebhookTarget[] = [];
  private readonly sending = new Set<Promise<void>>();
  private readonly waiting: Array<() => void> = [];
  private activeDeliveries = 0;

  constructor(options: EmulatorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.app.proxy = false;
    this.app.use(bodyParser({ enableTypes: ['json', 'form', 'text'], encoding: 'utf-8', jsonStrict: false }));
    this.app.use(this.controlRouter().routes());
    this.app.use((ctx, next) => this.logged(ctx, next));
    this.app.use((ctx, next) => this.faulted(ctx, next));
  }

  /** The emulator clock, in epoch milliseconds: every timestamp a platform writes comes from it. */
  time(): number {
    return this.now();
  }

  /** Adds one-shot faults from code (tests). */
  injectFault(fault: Fault): void {
    if (fault.count !== undefined && fault.count <= 0) return;
    this.faults.push({ count: 1, ...fault });
  }

  setFaultProfile(profile: FaultProfile): void {
    this.profile = profile;
    this.dice = mulberry32(profile.seed ?? 1);
    this.window = profile.rate_limit_per_minute ? new CallWindow(profile.rate_limit_per_minute, (profile.rate_limit_window_seconds ?? 60) * 1000) : undefined;
  }

  clearFaults(): void {
    this.faults = [];
    this.setFaultProfile({});
  }

  subscribeWebhooks(target: WebhookTarget): void {
    this.webhookTargets.push(target);
  }

  unsubscribeWebhooks(): void {
    this.webhookTargets = [];
  }

  /** Clears faults, the request log, webhook subscriptions and the platform's data. */
  reset(): void {
    this.clearFaults();
    this.requests.length = 0;
    this.deliveries.length = 0;
    this.webhookTargets = [];
    this.resetState();
  }

  /** Resolves once every webhook delivery queued so far has been answered or given up. */
  async settleWebhooks(): Promise<void> {
    while (this.sending.size > 0) await Promise.all([...this.sending]);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<EmulatorHandle> {
    this.app.use(this.router.routes()).use(this.router.allowedMethods());
    const server = this.app.listen(port, host);
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const address = server.address() as AddressInfo;
    return {
      url: `http://${host}:${address.port}`,
      port: address.port,
      close: async () => {
        await this.settleWebhooks();
        await new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        });
      },
    };
  }

  /**
   * Sends the platform's webhook for `payload` to every subscriber, signed with `signWebhook`, after
   * the current request has been answered. Like the platforms, up to DELIVERY_CONCURRENCY
   * deliveries are in flight at once, so they may arrive out of order. Platform routes call it
   * after every change.
   */
  deliverWebhook(payload: unknown): void {
    if (this.webhookTargets.length === 0) return;
    const raw = JSON.stringify(payload);
    for (const target of this.webhookTargets) {
      const delivery: WebhookDelivery = { id: randomUUID(), url: target.url, attempts: 0 };
      this.deliveries.push(delivery);
      const headers = { 'content-type': 'application/json', ...this.signWebhook(raw, target.secret, delivery.id) };
      const job: Promise<void> = this.slot()
        .then(() => send(delivery, headers, raw))
        .finally(() => {
          this.sending.delete(job);
          this.activeDeliveries -= 1;
          this.waiting.shift()?.();
        });
      this.sending.add(job);
    }
  }

  /** Waits until fewer than DELIVERY_CONCURRENCY deliveries are being sent. */
  private slot(): Promise<void> {
    if (this.activeDeliveries < DELIVERY_CONCURRENCY) {
      this.activeDeliveries += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waiting.push(() => {
        this.activeDeliveries += 1;
        resolve();
      }),
    );
  }

  /** Headers that authenticate a webhook body to its receiver; platforms override. */
  protected signWebhook(_raw: string, _secret: string, deliveryId: string): Record<string, string> {
    return { 'x-emulator-delivery': deliveryId };
  }

  /** The platform's error body for an injected status; platforms override. */
  protected faultBody(status: number): unknown {
    return { error: status === 429 ? 'rate limit exceeded' : 'injected fault' };
  }

  /**
   * The platform's rate-limit headers (names and formats are the platform's: ServiceNow's
   * `X-RateLimit-*`, PagerDuty's `ratelimit-*`), sent with every call a limit counts and with every
   * 429; core adds `Retry-After` to a 429 itself. Platforms override; the default sends none.
   */
  protected rateLimitHeaders(_state: RateLimitState): Record<string, string> {
    return {};
  }

  /** Sets the platform's rate-limit headers on a response, for platforms that count calls themselves. */
  applyRateLimitHeaders(ctx: Koa.Context, state: RateLimitState): void {
    for (const [name, value] of Object.entries(this.rateLimitHeaders(state))) ctx.set(name, value);
  }

  /** Restores the platform's seeded data; platforms override. */
  protected resetState(): void {}

  private controlRouter(): Router {
    const control = new Router({ prefix: '/_emulator' });
    control.post('/faults', (ctx) => {
      const parsed = faultProfileSchema.safeParse(ctx.request.body ?? {});
      if (!parsed.success) {
        ctx.status = 400;
        ctx.body = { error: 'invalid fault profile', issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
        return;
      }
      this.setFaultProfile(parsed.data);
      ctx.body = this.profile;
    });
    control.get('/faults', (ctx) => {
      ctx.body = this.profile;
    });
    control.delete('/faults', (ctx) => {
      this.clearFaults();
      ctx.status = 204;
    });
    control.post('/webhooks', (ctx) => {
      const parsed = webhookTargetSchema.safeParse(ctx.request.body ?? {});
      if (!parsed.success) {
        ctx.status = 400;
        ctx.body = { error: 'invalid webhook target', issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
        return;
      }
      this.subscribeWebhooks(parsed.data);
      ctx.status = 201;
      ctx.body = { url: parsed.data.url };
    });
    control.get('/webhooks', (ctx) => {
      ctx.body = { targets: this.webhookTargets.map((t) => ({ url: t.url })), deliveries: this.deliveries };
    });
    control.delete('/webhooks', (ctx) => {
      this.unsubscribeWebhooks();
      ctx.status = 204;
    });
    control.get('/requests', (ctx) => {
      ctx.body = { requests: this.requests };
    });
    control.post('/reset', (ctx) => {
      this.reset();
      ctx.status = 204;
    });
    return control;
  }

  private async logged(ctx: Koa.Context, next: Koa.Next): Promise<void> {
    const started = this.now();
    try {
      await next();
    } finally {
      this.requests.push({
        method: ctx.method,
        path: ctx.path,
        status: ctx.req.socket.destroyed && !ctx.res.headersSent ? 0 : ctx.status,
        time: new Date(started).toISOString(),
        durationMs: this.now() - started,
      });
    }
  }

  private async faulted(ctx: Koa.Context, next: Koa.Next): Promise<void> {
    const fault = this.takeFault(ctx.method, ctx.path);
    if (fault) return this.applyFault(ctx, next, fault);
    const profile = this.profile;
    if (profile.path_prefix && !ctx.path.startsWith(profile.path_prefix)) return next();
    if (profile.latency_ms) await delay(profile.latency_ms);
    const limit = this.window?.take(this.now());
    if (limit) {
      this.applyRateLimitHeaders(ctx, limit);
      if (limit.retryAfterSeconds !== undefined) return this.applyFault(ctx, next, { status: 429, retryAfterSeconds: limit.retryAfterSeconds }, limit);
    }
    if (profile.error_rate && this.dice() < profile.error_rate) return this.applyFault(ctx, next, { status: profile.error_status ?? 503 });
    if (profile.timeout_rate && this.dice() < profile.timeout_rate) return this.applyFault(ctx, next, { dropResponse: true });
    return next();
  }

  private async applyFault(ctx: Koa.Context, next: Koa.Next, fault: Fault, limit?: RateLimitState): Promise<void> {
    if (fault.dropResponse) {
      // The request is applied and its answer lost: the ambiguous failure a client must survive.
      await next();
      ctx.req.socket.destroy();
      return;
    }
    const status = fault.status ?? 500;
    if (fault.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(fault.retryAfterSeconds));
    if (status === 429 && !limit) {
      // A 429 injected on its own still carries the platform's headers, with the window it names.
      const waitSeconds = fault.retryAfterSeconds ?? 1;
      this.applyRateLimitHeaders(ctx, { windowSeconds: waitSeconds, remaining: 0, resetAtMs: this.now() + waitSeconds * 1000, retryAfterSeconds: waitSeconds });
    }
    ctx.status = status;
    ctx.body = fault.body ?? this.faultBody(status);
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const index = this.faults.findIndex(
      (f) => (!f.pathPrefix || path.startsWith(f.pathPrefix)) && (!f.method || f.method.toUpperCase() === method),
    );
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.count = (fault.count ?? 1) - 1;
    if (fault.count <= 0) this.faults.splice(index, 1);
    return fault;
  }
}

async function send(delivery: WebhookDelivery, headers: Record<string, string>, raw: string): Promise<void> {
  while (delivery.attempts < DELIVERY_ATTEMPTS) {
    delivery.attempts += 1;
    try {
      const status = await post(delivery.url, headers, raw);
      delivery.status = status;
      delivery.error = undefined;
      if (status < 500 && status !== 429) return;
    } catch (err) {
      delivery.error = (err as Error).message;
    }
  }
}

/**
 * One POST over node's keep-alive agent, answering the status. Not fetch: a platform sends a
 * webhook per change, and fetch's streams and abort signals cost the emulator's process more CPU
 * than the hub spends receiving it, on the cores a benchmark shares with the hub.
 */
function post(url: string, headers: Record<string, string>, raw: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(raw);
    const request = (url.startsWith('https:') ? https : http).request(url, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, timeout: DELIVERY_TIMEOUT_MS }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
      response.once('error', reject);
    });
    request.once('timeout', () => request.destroy(new Error(`no answer within ${DELIVERY_TIMEOUT_MS} ms`)));
    request.once('error', reject);
    request.end(body);
  });
}

/** Small seeded PRNG so injected faults repeat from run to run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type { Context as EmulatorContext } from 'koa';

/**
 * The request body as the frame's body parser left it (JSON, form or text), for platform routes:
 * the parser's type augmentation of koa's Request is not visible outside core.
 */
export function requestBody(ctx: Koa.Context): unknown {
  return (ctx.request as { body?: unknown }).body;
}
