import {
  ConfigurationError,
  dispatchKinds,
  TransportError,
  writeEach,
  type KindDispatch,
  type Adapter,
  type AdapterContext,
  type ConnectionCheck,
  type ErrorClassification,
  type ExternalRecord,
  type FindQuery,
  type InboundEvent,
  type ListQuery,
  type RecordPage,
  type Result,
  type VendorFailure,
  type WebhookFailure,
  type WebhookRequest,
  type WriteOperation,
  type WriteResult,
} from '@itsm-hub/core';
import { classifyPagerDutyError } from './client/failures';
import { PagerDutyClient, type PagerDutyResult } from './client/http';
import { PagerDutyDirectory } from './client/directory';
import { listChangedIncidents, readFailed } from './kinds/incident/reader';
import { toExternalRecord } from './kinds/incident/record';
import { scanIncidents } from './kinds/incident/scan';
import { pagerDutyCredentialsSchema, pagerDutySettingsSchema, type PagerDutyCredentials, type PagerDutySettings } from './config';
import { parsePagerDutyWebhook, verifyPagerDutySignature } from './webhooks';
import { IncidentWriter } from './kinds/incident/writer';

type Parsed = { ok: true; credentials: PagerDutyCredentials; settings: PagerDutySettings } | { ok: false; problems: string[] };

type Connected = { client: PagerDutyClient; directory: PagerDutyDirectory; settings: PagerDutySettings };

/** `read`, `find`, `list`, `write` and `defaultMappings` come from the kinds the constructor declares. */
export interface PagerDutyAdapter extends KindDispatch {}

/** A PagerDuty integration: incidents read, found, listed, written and received by webhook. */
export class PagerDutyAdapter implements Adapter {
  private readonly config: Parsed;
  private connected?: Connected;

  constructor(private readonly context: AdapterContext) {
    this.config = parseConfig(context);
    Object.assign(this, dispatchKinds('PagerDuty', {
      incident: {
        read: (id) => this.readIncident(id),
        find: (query) => this.findIncident(query),
        list: (query) => this.listIncidents(query),
        write: (operations) => this.writeIncidents(operations),
      },
    }));
  }

  private async readIncident(id: string): Promise<ExternalRecord | undefined> {
    const { client, directory } = this.connection();
    const incident = await client.getIncident(id);
    if (!incident.ok && incident.status === 404) return undefined;
    if (!incident.ok) throw readFailed((failure) => this.classifyError(failure), `GET /incidents/${id}`, incident);
    const notes = await client.listNotes(id);
    if (!notes.ok) throw readFailed((failure) => this.classifyError(failure), `GET /incidents/${id}/notes`, notes);
    return toExternalRecord(incident.data, directory, notes.data);
  }

  private async findIncident(query: FindQuery): Promise<ExternalRecord | undefined> {
    if (query.correlationId === undefined) return undefined;
    const { client, directory } = this.connection();
    // date_range=all: without it PagerDuty only searches the last month.
    const found = await client.listIncidents({ incident_key: query.correlationId, date_range: 'all', limit: 100 });
    if (!found.ok) throw readFailed((failure) => this.classifyError(failure), 'GET /incidents', found);
    // The filter also matches incidents whose alerts carry the key, so the key itself is compared;
    // after a resolve a key may be reused, and the newest incident is the live one.
    const matching = found.data.incidents.filter((i) => i.incident_key === query.correlationId).sort((a, b) => b.incident_number - a.incident_number);
    return matching[0] ? toExternalRecord(matching[0], directory) : undefined;
  }

  private listIncidents(query: ListQuery): Promise<RecordPage> {
    const { client, directory, settings } = this.connection();
    const classify = (failure: VendorFailure) => this.classifyError(failure);
    const listing = { client, directory, clock: this.context.clock, classify, serviceIds: settings.service_ids };
    return query.scope === 'all' ? scanIncidents(listing, query) : listChangedIncidents(listing, query);
  }

  private writeIncidents(operations: WriteOperation[]): Promise<WriteResult[]> {
    const { client, directory, settings } = this.connection();
    const writer = new IncidentWriter(client, directory, settings, (failure) => this.classifyError(failure));
    return writeEach((op) => writer.apply(op))(operations);
  }

  verifyWebhook(request: WebhookRequest): Result<true, WebhookFailure> {
    return verifyPagerDutySignature(request, this.context.webhookSecret);
  }

  parseWebhook(request: WebhookRequest): Result<InboundEvent[], WebhookFailure> {
    return parsePagerDutyWebhook(request, this.config.ok ? this.config.settings.service_ids : undefined);
  }

  async testConnection(): Promise<ConnectionCheck[]> {
    if (!this.config.ok) return [{ name: 'configuration', passed: false, message: this.config.problems.join('; ') }];
    const { credentials, settings } = this.config;
    const client = new PagerDutyClient(this.context.http, credentials);
    const checks: ConnectionCheck[] = [];
    try {
      // /abilities rather than /users/me: /users/me refuses account-level API keys, /abilities takes any key.
      const auth = await this.timed(() => client.listAbilities());
      checks.push({ name: 'reachability', passed: true, message: `PagerDuty answered at ${this.context.integration.baseUrl}`, durationMs: auth.durationMs });
      checks.push(this.check('authentication', auth, (data) => `Authenticated; the account has ${data.abilities.length} abilities`));
      if (!auth.result.ok) return checks;

      const incidents = await this.timed(() => client.listIncidents({ limit: 1 }));
      checks.push(this.check('permission:incidents', incidents, () => 'Can list incidents'));

      if (settings.service_id !== undefined) {
        const id = settings.service_id;
        const service = await this.timed(() => client.getService(id));
        checks.push(this.check('permission:service', service, (data) => `Can read service ${data.id} (${data.name})`, `service '${id}'`));
      }

      const email = settings.from_email;
      const users = await this.timed(() => (email === undefined ? client.listUsers({ limit: 1 }) : client.listUsers({ query: email, limit: 100 })));
      checks.push(this.check('permission:users', users, () => 'Can list users'));
      if (email !== undefined && users.result.ok) checks.push(fromEmailCheck(email, users.result.data.users, users.result.status, users.durationMs));
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      checks.push({ name: 'reachability', passed: false, message: err.message });
    }
    return checks;
  }

  classifyError(failure: VendorFailure): ErrorClassification {
    return classifyPagerDutyError(failure, this.context.clock);
  }

  private connection(): Connected {
    if (!this.config.ok) throw new ConfigurationError(`PagerDuty integration is misconfigured: ${this.config.problems.join('; ')}`);
    if (!this.connected) {
      const client = new PagerDutyClient(this.context.http, this.config.credentials);
      this.connected = { client, directory: new PagerDutyDirectory(client), settings: this.config.settings };
    }
    return this.connected;
  }

  private async timed<T>(call: () => Promise<PagerDutyResult<T>>): Promise<{ result: PagerDutyResult<T>; durationMs: number }> {
    const started = this.context.clock.now().getTime();
    const result = await call();
    return { result, durationMs: this.context.clock.now().getTime() - started };
  }

  private check<T>(
    name: string,
    { result, durationMs }: { result: PagerDutyResult<T>; durationMs: number },
    passed: (data: T) => string,
    subject?: string,
  ): ConnectionCheck {
    if (result.ok) return { name, passed: true, message: passed(result.data), status: result.status, durationMs };
    return { name, passed: false, message: subject ? `${result.message} (${subject})` : result.message, status: result.status, durationMs };
  }
}

function fromEmailCheck(email: string, users: Array<{ email: string; id: string }>, status: number, durationMs: number): ConnectionCheck {
  // `query` matches names and emails by substring, so an exact (case-insensitive) email match is required.
  const user = users.find((u) => u.email.toLowerCase() === email.toLowerCase());
  return user
    ? { name: 'check:from_email', passed: true, message: `${email} is PagerDuty user ${user.id}`, status, durationMs }
    : { name: 'check:from_email', passed: false, message: `No PagerDuty user has the email ${email}; writes need it in the From header`, status, durationMs };
}

function parseConfig(context: AdapterContext): Parsed {
  const credentials = pagerDutyCredentialsSchema.safeParse(context.credentials);
  const settings = pagerDutySettingsSchema.safeParse(context.settings ?? {});
  if (credentials.success && settings.success) return { ok: true, credentials: credentials.data, settings: settings.data };
  const problems = [
    ...(credentials.success ? [] : credentials.error.issues.map((i) => `credentials.${i.path.map(String).join('.') || '(root)'}: ${i.message}`)),
    ...(settings.success ? [] : settings.error.issues.map((i) => `settings.${i.path.map(String).join('.') || '(root)'}: ${i.message}`)),
  ];
  return { ok: false, problems };
}
