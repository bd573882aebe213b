import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface CliConfig {
  url: string;
  token?: string;
}

/** An answer of the hub API that is not a success; carries the RFC 9457 problem. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; code?: string; errors?: Array<{ field: string; message: string }> },
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

export function configFile(): string {
  const base = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'itsm-hub', 'cli.json');
}

/** HUB_URL/HUB_TOKEN win over the file written by `im login`. */
export function loadCliConfig(): CliConfig {
  let saved: Partial<CliConfig> = {};
  const file = configFile();
  if (existsSync(file)) {
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<CliConfig>;
    } catch {
      saved = {};
    }
  }
  return { url: process.env.HUB_URL || saved.url || 'http://localhost:8080', token: process.env.HUB_TOKEN || saved.token };
}

export function saveCliConfig(config: CliConfig): string {
  const file = configFile();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  return file;
}

export class HubClient {
  constructor(private readonly config: CliConfig) {}

  async request<T = any>(method: string, pathname: string, body?: unknown, query?: Record<string, string | undefined>): Promise<T> {
    const url = new URL(pathname, this.config.url.replace(/\/+$/, '') + '/');
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          Accept: 'application/json',
          ...(this.config.token ? { Authorization: `Bearer ${this.config.token}` } : {}),
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (err) {
      throw new ApiError(0, { title: 'Hub unreachable', detail: `Cannot reach the hub at ${this.config.url}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}. Set HUB_URL or run im login.` });
    }
    const text = await response.text();
    const parsed = text ? safeJson(text) : undefined;
    if (!response.ok) throw new ApiError(response.status, typeof parsed === 'object' && parsed ? parsed : { title: `HTTP ${response.status}`, detail: text });
    return parsed as T;
  }
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
