import {
  dispatchKinds,
  writeEach,
  type Adapter,
  type AdapterContext,
  type ConnectionCheck,
  type ErrorClassification,
  type InboundEvent,
  type KindDispatch,
  type Result,
  type VendorFailure,
  type WebhookFailure,
  type WebhookRequest,
  type WriteOperation,
  type WriteResult,
} from '@itsm-hub/core';
import { OAUTH_ERRORS } from './client/assumptions';
import { HaloClient, type HaloCallResult } from './client/http';
import { classifyHaloError } from './client/failures';
import { AgentDirectory } from './client/agents';
import { userFailure } from './kinds/incident/failures';
import { IncidentReader } from './kinds/incident/reader';
import { IncidentWriter } from './kinds/incident/writer';
import { incidentMappingsFor } from './kinds/incident/mappings';
import { haloSettingsSchema, type HaloCredentials, type HaloSettings } from './config';
import { parseHaloWebhook, verifyBasicAuth } from './webhooks';

/** What a user can do about each failure the connection test can meet. */
const HINTS = {
  [OAUTH_ERRORS.invalidClient]: 'check client_id, client_secret and, for a Halo-hosted instance, tenant',
  403: 'grant the API application this permission in Halo (Configuration > Integrations > Halo API)',
} as const;

/** `read`, `find`, `list`, `write` and `defaultMappings` come from the kinds the constructor declares. */
export interface HaloAdapter extends KindDispatch {}

/** A Halo integration: tickets (hub incidents) read, found, listed, written and received by webhook. */
export class HaloAdapter implements Adapter {
  private readonly client: HaloClient;
  private readonly settings: HaloSettings;
  private readonly reader: IncidentReader;
  private readonly writer: IncidentWriter;

  constructor(private readonly context: AdapterContext<HaloCredentials, HaloSettings>) {
    this.client = new HaloClient(context);
    // The host hands over settings it validated with the manifest's schema; parsing again turns JSON text into maps.
    const settings = haloSettingsSchema.safeParse(context.settings ?? {});
    if (!settings.success) context.logger.warn({ issues: settings.error.issues.map((i) => i.message) }, 'Halo settings are invalid; using the defaults');
    this.settings = settings.success ? settings.data : {};
    const agents = new AgentDirectory(this.client);
    this.reader = new IncidentReader(this.client, agents, (failure) => this.classifyError(failure));
    this.writer = new IncidentWriter(this.client, agents, this.reader, this.settings, (failure) => this.classifyError(failure));
    Object.assign(this, dispatchKinds('Halo', {
      incident: {
        read: (id) => this.reader.read(id),
        // Tickets have no unique name: only the correlation id identifies one.
        find: async (query) => (query.correlationId ? this.reader.findByCorrelationId(query.correlationId) : undefined),
        list: (query) => (query.scope === 'all' ? this.reader.scan(query.page, query.pageSize) : this.reader.list(query.cursor, query.page, query.pageSize)),
        write: writeEach((op) => this.writeOne(op)),
        defaultMappings: () => incidentMappingsFor(this.settings),
      },
    }));
  }

  verifyWebhook(request: WebhookRequest): Result<true, WebhookFailure> {
    return verifyBasicAuth(request, this.context.webhookSecret);
  }

  parseWebhook(request: WebhookRequest): Result<InboundEvent[], WebhookFailure> {
    return parseHaloWebhook(request, this.client.rootUrl);
  }

  /**
   * reachability + authentication: `POST {auth_server}/token`; then `permission:tickets`
   * (`GET /api/Tickets?pageinate=true&page_size=1&page_no=1`) and `permission:agents` (`GET /api/Agent?count=1`).
   * Stops at the first check that leaves nothing meaningful to test after it.
   */
  async testConnection(): Promise<ConnectionCheck[]> {
    const checks: ConnectionCheck[] = [];
    const authStarted = this.now();
    const token = await this.client.requestToken();
    const authMs = this.now() - authStarted;
    if (!token.ok && token.failure.type === 'transport') {
      checks.push({ name: 'reachability', passed: false, message: token.message, durationMs: authMs });
      return checks;
    }
    checks.push({
      name: 'reachability',
      passed: true,
      message: `The Halo authorisation server at ${this.client.authServer} answered`,
      status: token.status,
      durationMs: authMs,
    });
    if (!token.ok) {
      checks.push({ name: 'authentication', passed: false, message: withHint(token.message, token), status: token.status, durationMs: authMs });
      return checks;
    }
    checks.push({
      name: 'authentication',
      passed: true,
      message: `Obtained an access token (scope: ${token.data.scope ?? 'not stated'})`,
      status: token.status,
      durationMs: authMs,
    });

    const tickets = await this.timed(() => this.client.listTickets(1, 1));
    if (this.unreachable(tickets, checks)) return checks;
    checks.push(
      tickets.result.ok
        ? this.passed('permission:tickets', `Can read tickets (${tickets.result.data.record_count} visible)`, tickets)
        : this.failed('permission:tickets', tickets),
    );

    const agents = await this.timed(() => this.client.listAgents(1));
    if (this.unreachable(agents, checks)) return checks;
    checks.push(
      agents.result.ok
        ? this.passed('permission:agents', 'Can read agents', agents)
        : this.failed('permission:agents', agents),
    );
    return checks;
  }

  classifyError(failure: VendorFailure): ErrorClassification {
    return classifyHaloError(failure, this.context.clock.now());
  }

  /** Transport failures come back from the client as results, so nothing here throws for a vendor failure. */
  private writeOne(op: WriteOperation): Promise<WriteResult> {
    switch (op.op) {
      case 'create': return this.writer.create(op);
      case 'update': return this.writer.update(op);
      case 'comment': return this.writer.comment(op);
      default: return Promise.resolve(userFailure(`The Halo adapter does not support '${op.op}' on tickets`));
    }
  }

  /** The resource server may live elsewhere than the auth server, so it can be unreachable on its own. */
  private unreachable(call: Timed<unknown>, checks: ConnectionCheck[]): boolean {
    if (call.result.ok || call.result.failure.type !== 'transport') return false;
    checks.push({ name: 'reachability', passed: false, message: `Halo resource server: ${call.result.message}`, durationMs: call.durationMs });
    return true;
  }

  private passed(name: string, message: string, call: Timed<unknown>): ConnectionCheck {
    return { name, passed: true, message, status: call.result.status, durationMs: call.durationMs };
  }

  private failed(name: string, call: Timed<unknown>): ConnectionCheck {
    const result = call.result as Extract<HaloCallResult<unknown>, { ok: false }>;
    return { name, passed: false, message: withHint(result.message, result), status: result.status, durationMs: call.durationMs };
  }

  private async timed<T>(run: () => Promise<HaloCallResult<T>>): Promise<Timed<T>> {
    const started = this.now();
    const result = await run();
    return { result, durationMs: this.now() - started };
  }

  private now(): number {
    return this.context.clock.now().getTime();
  }
}

interface Timed<T> {
  result: HaloCallResult<T>;
  durationMs: number;
}

function withHint(message: string, result: Extract<HaloCallResult<unknown>, { ok: false }>): string {
  const body = result.failure.type === 'response' ? result.failure.body : undefined;
  const oauthError = body !== null && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  if (oauthError === OAUTH_ERRORS.invalidClient) return `${message} (${HINTS[OAUTH_ERRORS.invalidClient]})`;
  if (result.status === 403) return `${message} (${HINTS[403]})`;
  return message;
}
