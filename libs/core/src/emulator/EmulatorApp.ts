import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

export interface EmulatorHandle {
  /** Base URL the emulator answers on, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A fault the next matching requests suffer, set through `POST /__emulator/faults`. */
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

/**
 * Shared frame of the platform emulators: a Koa app with JSON and form bodies, a fault-injection
 * control under `/__emulator`, and a listen/close lifecycle. Platform routes go on `router`.
 */
export class EmulatorApp {
  readonly app = new Koa();
  readonly router = new Router();
  private faults: Fault[] = [];
  private server?: Server;

  constructor() {
    this.app.proxy = false;
    const control = new Router({ prefix: '/__emulator' });
    control.post('/faults', (ctx) => {
      const body = ctx.request.body as Fault | Fault[];
      (Array.isArray(body) ? body : [body]).forEach((f) => this.injectFault(f));
      ctx.status = 204;
    });
    control.delete('/faults', (ctx) => {
      this.clearFaults();
      ctx.status = 204;
    });
    this.app.use(bodyParser({ enableTypes: ['json', 'form', 'text'], encoding: 'utf-8', jsonStrict: false }));
    this.app.use(control.routes());
    this.app.use(async (ctx, next) => {
      const fault = this.takeFault(ctx.method, ctx.path);
      if (!fault) return next();
      if (fault.dropResponse) {
        await next();
        ctx.req.socket.destroy();
        return;
      }
      if (fault.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(fault.retryAfterSeconds));
      ctx.status = fault.status ?? 500;
      ctx.body = fault.body ?? { error: 'injected fault' };
    });
  }

  /** Adds faults from code (tests) the same way the control endpoint does. */
  injectFault(fault: Fault): void {
    if (fault.count !== undefined && fault.count <= 0) return;
    this.faults.push({ count: 1, ...fault });
  }

  clearFaults(): void {
    this.faults = [];
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<EmulatorHandle> {
    this.app.use(this.router.routes()).use(this.router.allowedMethods());
    const server = this.app.listen(port, host);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const address = server.address() as AddressInfo;
    return {
      url: `http://${host}:${address.port}`,
      port: address.port,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
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

export type { Context as EmulatorContext } from 'koa';

/** Reads HTTP Basic credentials; undefined when the header is absent or not Basic. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
