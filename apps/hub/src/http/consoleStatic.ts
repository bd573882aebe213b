import { send } from '@koa/send';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Context, Middleware, Next } from 'koa';

/** Paths the API and the probes answer: never the console's, whatever is (not) routed below them. */
const HUB_PATHS = ['/api', '/metrics', '/healthz', '/readyz'];
const YEAR_MS = 365 * 24 * 3_600_000;

/**
 * The console's headers: its scripts and styles come only from the hub (no inline script can run
 * even if some text got rendered as HTML), it talks only to the hub's own origin, and no page may
 * frame it.
 */
export const CONSOLE_SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': [
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'", "connect-src 'self'",
    "manifest-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Where the console's build is, when the console package is installed and built. */
export function consoleRoot(): string | undefined {
  try {
    const root = path.join(path.dirname(require.resolve('@itsm-hub/console/package.json')), 'dist');
    return existsSync(path.join(root, 'index.html')) ? root : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves the console's static build: its hashed assets cached for a year, any other page path the
 * single page itself (the console routes in the browser), and a missing file a plain 404.
 */
export function serveConsole(root: string): Middleware {
  return async (ctx: Context, next: Next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || HUB_PATHS.some((p) => ctx.path === p || ctx.path.startsWith(`${p}/`))) return next();
    ctx.set(CONSOLE_SECURITY_HEADERS);
    const asset = ctx.path.startsWith('/assets/');
    const file = path.extname(ctx.path) === '' ? '/index.html' : ctx.path;
    const served = await send(ctx, file, {
      root, index: false, hidden: false, immutable: asset, maxage: asset ? YEAR_MS : 0,
      setHeaders: (res) => { if (!asset) res.setHeader('Cache-Control', 'no-cache'); },
    }).catch((err: { status?: number }) => {
      // Not a file of the console's (missing, or a path that climbs out of it): the hub's own 404.
      if (err.status !== undefined && err.status < 500) return undefined;
      throw err;
    });
    if (!served) return next();
  };
}
